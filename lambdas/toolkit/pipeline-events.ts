import { z } from 'zod';
import { CodePipelineKitError } from './errors.js';

/**
 * Typed parsers for the three EventBridge events CodePipeline emits (`source: "aws.codepipeline"`).
 *
 * The state lists are the current ones (newer than `@types/aws-lambda`): pipelines and stages also report
 * STOPPING/STOPPED, actions also ABANDONED. Real events send `detail.type.version` as a string and the doc
 * samples as a number: both are accepted and normalized to a string. Pipeline structure `version` is
 * accepted as a number or a numeric string and normalized to a number. Unknown fields pass through, so a
 * field AWS adds later never breaks a consumer.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */

/** `detail-type` of a pipeline execution event. */
export const PIPELINE_EXECUTION_STATE_CHANGE = 'CodePipeline Pipeline Execution State Change';
/** `detail-type` of a stage execution event. */
export const STAGE_EXECUTION_STATE_CHANGE = 'CodePipeline Stage Execution State Change';
/** `detail-type` of an action execution event. */
export const ACTION_EXECUTION_STATE_CHANGE = 'CodePipeline Action Execution State Change';

/** States of a pipeline execution event. */
export const PIPELINE_EVENT_STATES = [
  'STARTED',
  'SUCCEEDED',
  'RESUMED',
  'FAILED',
  'CANCELED',
  'SUPERSEDED',
  'STOPPING',
  'STOPPED',
] as const;
/** States of a stage execution event. */
export const STAGE_EVENT_STATES = [
  'STARTED',
  'SUCCEEDED',
  'RESUMED',
  'FAILED',
  'CANCELED',
  'STOPPING',
  'STOPPED',
] as const;
/** States of an action execution event. For approval actions FAILED means rejected (or misconfigured). */
export const ACTION_EVENT_STATES = ['STARTED', 'SUCCEEDED', 'FAILED', 'CANCELED', 'ABANDONED'] as const;

const structureVersion = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform((v) => Number(v)),
]);

const envelope = {
  version: z.string(),
  id: z.string().min(1),
  source: z.literal('aws.codepipeline'),
  account: z.string().min(1),
  time: z.string().min(1),
  region: z.string().min(1),
  resources: z.array(z.string()),
};

/** Artifact in an action event: note the lowercase `s3location` with `bucket`/`key` (unlike a job's `s3Location`). */
export const eventArtifactSchema = z.looseObject({
  name: z.string(),
  s3location: z.looseObject({ bucket: z.string(), key: z.string() }).optional(),
});

/** Schema of `CodePipeline Pipeline Execution State Change`. */
export const pipelineExecutionStateChangeSchema = z.looseObject({
  ...envelope,
  'detail-type': z.literal(PIPELINE_EXECUTION_STATE_CHANGE),
  detail: z.looseObject({
    pipeline: z.string().min(1),
    'execution-id': z.string().min(1),
    state: z.enum(PIPELINE_EVENT_STATES),
    version: structureVersion.optional(),
    'execution-trigger': z
      .looseObject({ 'trigger-type': z.string(), 'trigger-detail': z.string().optional() })
      .optional(),
    'pipeline-execution-attempt': z.number().int().optional(),
  }),
});

/** Schema of `CodePipeline Stage Execution State Change`. */
export const stageExecutionStateChangeSchema = z.looseObject({
  ...envelope,
  'detail-type': z.literal(STAGE_EXECUTION_STATE_CHANGE),
  detail: z.looseObject({
    pipeline: z.string().min(1),
    'execution-id': z.string().min(1),
    stage: z.string().min(1),
    state: z.enum(STAGE_EVENT_STATES),
    version: structureVersion.optional(),
  }),
});

/** Schema of `CodePipeline Action Execution State Change`. */
export const actionExecutionStateChangeSchema = z.looseObject({
  ...envelope,
  'detail-type': z.literal(ACTION_EXECUTION_STATE_CHANGE),
  detail: z.looseObject({
    pipeline: z.string().min(1),
    'execution-id': z.string().min(1),
    stage: z.string().min(1),
    action: z.string().min(1),
    state: z.enum(ACTION_EVENT_STATES),
    region: z.string().optional(),
    type: z.looseObject({
      owner: z.string(),
      category: z.string(),
      provider: z.string(),
      version: z.union([z.string(), z.number().transform((v) => String(v))]),
    }),
    version: structureVersion.optional(),
    'execution-result': z
      .looseObject({
        'external-execution-id': z.string().optional(),
        'external-execution-summary': z.string().optional(),
        'external-execution-url': z.string().optional(),
        'error-code': z.string().optional(),
      })
      .optional(),
    'input-artifacts': z.array(eventArtifactSchema).optional(),
    'output-artifacts': z.array(eventArtifactSchema).optional(),
  }),
});

/** A parsed pipeline execution event. */
export type PipelineExecutionStateChange = z.output<typeof pipelineExecutionStateChangeSchema>;
/** A parsed stage execution event. */
export type StageExecutionStateChange = z.output<typeof stageExecutionStateChangeSchema>;
/** A parsed action execution event. */
export type ActionExecutionStateChange = z.output<typeof actionExecutionStateChangeSchema>;
/** Any of the three CodePipeline events. */
export type CodePipelineEvent =
  PipelineExecutionStateChange | StageExecutionStateChange | ActionExecutionStateChange;

/** The event is not a (valid) CodePipeline EventBridge event; the message names each offending field. */
export class PipelineEventParseError extends CodePipelineKitError {
  constructor(
    message: string,
    /** Each problem as `path: message`. */
    readonly issues: readonly string[],
    options: { cause?: unknown } = {},
  ) {
    super(message, { ...options, failureType: 'ConfigurationError' });
    this.name = 'PipelineEventParseError';
  }
}

const schemaByDetailType = {
  [PIPELINE_EXECUTION_STATE_CHANGE]: pipelineExecutionStateChangeSchema,
  [STAGE_EXECUTION_STATE_CHANGE]: stageExecutionStateChangeSchema,
  [ACTION_EXECUTION_STATE_CHANGE]: actionExecutionStateChangeSchema,
} as const;

function parseWith<S extends z.ZodType>(schema: S, event: unknown, what: string): z.output<S> {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (i) => `${i.path.length ? i.path.join('.') : '(event)'}: ${i.message}`,
  );
  throw new PipelineEventParseError(`Not a valid ${what} event: ${issues.join('; ')}`, issues, {
    cause: result.error,
  });
}

/**
 * Parses any of the three CodePipeline EventBridge events, chosen by its `detail-type`.
 * @throws PipelineEventParseError naming the missing or invalid fields.
 *
 * @example
 * const event = parseCodePipelineEvent(input);
 * if (event['detail-type'] === ACTION_EXECUTION_STATE_CHANGE && event.detail.state === 'FAILED') {
 *   console.log(`${event.detail.stage}/${event.detail.action} failed`);
 * }
 */
export function parseCodePipelineEvent(event: unknown): CodePipelineEvent {
  const detailType =
    typeof event === 'object' && event !== null
      ? (event as Record<string, unknown>)['detail-type']
      : undefined;
  if (typeof detailType !== 'string' || !(detailType in schemaByDetailType)) {
    const got = typeof detailType === 'string' ? `'${detailType}'` : 'no detail-type';
    throw new PipelineEventParseError(
      `Not a CodePipeline EventBridge event: expected detail-type one of ${Object.keys(schemaByDetailType)
        .map((t) => `'${t}'`)
        .join(', ')}, got ${got}`,
      [`detail-type: ${got}`],
    );
  }
  return parseWith(schemaByDetailType[detailType as keyof typeof schemaByDetailType], event, detailType);
}

/**
 * Parses a `CodePipeline Pipeline Execution State Change` event.
 * @throws PipelineEventParseError naming the missing or invalid fields.
 *
 * @example
 * const { detail } = parsePipelineExecutionStateChange(event);
 * if (detail.state === 'SUCCEEDED') await notify(`${detail.pipeline} ${detail['execution-id']} succeeded`);
 */
export function parsePipelineExecutionStateChange(event: unknown): PipelineExecutionStateChange {
  return parseWith(pipelineExecutionStateChangeSchema, event, PIPELINE_EXECUTION_STATE_CHANGE);
}

/**
 * Parses a `CodePipeline Stage Execution State Change` event.
 * @throws PipelineEventParseError naming the missing or invalid fields.
 *
 * @example
 * const { detail } = parseStageExecutionStateChange(event);
 * console.log(detail.stage, detail.state);
 */
export function parseStageExecutionStateChange(event: unknown): StageExecutionStateChange {
  return parseWith(stageExecutionStateChangeSchema, event, STAGE_EXECUTION_STATE_CHANGE);
}

/**
 * Parses a `CodePipeline Action Execution State Change` event; `detail.type.version` is always a string.
 * @throws PipelineEventParseError naming the missing or invalid fields.
 *
 * @example
 * const { detail } = parseActionExecutionStateChange(event);
 * if (detail.state === 'STARTED' && detail.type.owner === 'Custom') await worker.pollOnce();
 */
export function parseActionExecutionStateChange(event: unknown): ActionExecutionStateChange {
  return parseWith(actionExecutionStateChangeSchema, event, ACTION_EXECUTION_STATE_CHANGE);
}
