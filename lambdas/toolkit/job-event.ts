import { safeParse, type $ZodType, type output } from 'zod/v4/core';
import { JobEventError, UserParametersError } from './errors.js';
import { checkJobEnvelope } from './job-envelope.js';
import type { Artifact, Job } from './types.js';
import { describeZodIssues } from './zod-issues.js';

/**
 * The key under which Lambda receives the job from a CodePipeline Invoke action.
 * @example
 * ```ts
 * const isJob = JOB_EVENT_KEY in event;
 * ```
 */
export const JOB_EVENT_KEY = 'CodePipeline.job';

/**
 * The raw Lambda event of a CodePipeline Invoke action (see field-notes section 1).
 * @example
 * ```ts
 * const event: CodePipelineJobEvent = buildJobEvent();
 * ```
 */
export interface CodePipelineJobEvent {
  readonly 'CodePipeline.job': {
    readonly id: string;
    readonly accountId: string;
    readonly data: {
      readonly actionConfiguration: { readonly configuration: Readonly<Record<string, string>> };
      readonly inputArtifacts: readonly Artifact[];
      readonly outputArtifacts: readonly Artifact[];
      readonly artifactCredentials?: {
        readonly accessKeyId: string;
        readonly secretAccessKey: string;
        readonly sessionToken: string;
        readonly expirationTime?: number;
      };
      readonly continuationToken?: string;
      readonly encryptionKey?: { readonly id: string; readonly type: 'KMS' };
    };
  };
}

/**
 * How to read `UserParameters`: a zod 4 schema (zod or zod/mini) applied to the decoded JSON, `'json'`
 * for decoded JSON without checks, or `'raw'` (the default) for the string as sent.
 * @example
 * ```ts
 * const spec: UserParametersSpec = z.object({ url: z.url() });
 * ```
 */
export type UserParametersSpec = $ZodType | 'json' | 'raw';

/**
 * The type of the user parameters that a {@link UserParametersSpec} yields.
 * @example
 * ```ts
 * type Params = UserParametersOf<typeof schema>; // z.output<typeof schema>
 * ```
 */
export type UserParametersOf<TSpec> = TSpec extends $ZodType
  ? output<TSpec>
  : TSpec extends 'json'
    ? unknown
    : string | undefined;

/**
 * Options of {@link parseJobEvent}.
 * @example
 * ```ts
 * parseJobEvent(event, { userParameters: 'json' } satisfies ParseJobEventOptions<'json'>);
 * ```
 */
export interface ParseJobEventOptions<TSpec extends UserParametersSpec = 'raw'> {
  /**
   * How to read `UserParameters`.
   * @default 'raw' - the string as sent (undefined when absent)
   */
  readonly userParameters?: TSpec;
}

/**
 * Validates a Lambda event from a CodePipeline Invoke action into a typed {@link Job}.
 *
 * Throws {@link JobEventError} when the event is not a CodePipeline job (the message says what is
 * missing), and {@link UserParametersError} (failure type `ConfigurationError`, the message names each bad
 * parameter) when `UserParameters` does not match the given schema.
 *
 * @example
 * ```ts
 * import * as z from 'zod';
 * const job = parseJobEvent(event, { userParameters: z.object({ url: z.url() }) });
 * console.log(job.id, job.userParameters.url, job.inputArtifacts.length);
 * ```
 */
export function parseJobEvent<TSpec extends UserParametersSpec = 'raw'>(
  event: unknown,
  options: ParseJobEventOptions<TSpec> = {},
): Job<UserParametersOf<TSpec>> {
  const base = parseEnvelope(event);
  const spec = options.userParameters ?? 'raw';
  if (spec === 'raw') return base as Job<UserParametersOf<TSpec>>;
  const decoded = decodeUserParameters(base);
  if (spec === 'json') return { ...base, userParameters: decoded } as Job<UserParametersOf<TSpec>>;
  const result = safeParse(spec, decoded);
  if (!result.success) {
    const absent = base.userParametersRaw === undefined || base.userParametersRaw.trim() === '';
    const prefix = absent ? 'UserParameters is missing from the action configuration; ' : '';
    throw new UserParametersError(
      `${prefix}invalid UserParameters: ${describeZodIssues(result.error.issues, decoded, 'UserParameters')}`,
      base,
      { cause: result.error },
    );
  }
  return { ...base, userParameters: result.data } as Job<UserParametersOf<TSpec>>;
}

function parseEnvelope(event: unknown): Job<string | undefined> {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new JobEventError(
      `not a CodePipeline job event: expected an object with key "${JOB_EVENT_KEY}", received ${event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event}`,
    );
  }
  const raw = (event as Record<string, unknown>)[JOB_EVENT_KEY];
  if (raw === undefined) {
    const keys = Object.keys(event).slice(0, 10);
    throw new JobEventError(
      `not a CodePipeline job event: missing "${JOB_EVENT_KEY}" (event keys: ${keys.length ? keys.join(', ') : 'none'}); is this function wired to a CodePipeline Invoke action?`,
    );
  }
  const result = checkJobEnvelope(raw);
  if (!result.success) {
    throw new JobEventError(
      `malformed CodePipeline job event: ${describeZodIssues(result.issues, raw, JOB_EVENT_KEY)}`,
    );
  }
  const { id, accountId, data } = result.data;
  const configuration = data.actionConfiguration.configuration;
  return {
    id,
    accountId,
    configuration,
    functionName: configuration.FunctionName,
    userParametersRaw: configuration.UserParameters,
    userParameters: configuration.UserParameters,
    inputArtifacts: data.inputArtifacts,
    outputArtifacts: data.outputArtifacts,
    artifactCredentials: data.artifactCredentials,
    continuationToken: data.continuationToken,
    encryptionKey: data.encryptionKey,
    pipelineContext: data.pipelineContext,
  };
}

function decodeUserParameters(job: Job<string | undefined>): unknown {
  const raw = job.userParametersRaw;
  if (raw === undefined || raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    // The parser's own message quotes the input, which may hold a secret: describe it instead.
    throw new UserParametersError(
      `UserParameters is not valid JSON (${raw.length} chars, starting with ${JSON.stringify(raw.trimStart()[0])}); expected a JSON object`,
      job,
    );
  }
}
