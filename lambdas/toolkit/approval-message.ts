import { z } from 'zod';
import { CodePipelineKitError } from './errors.js';

/**
 * Typed parser for the message CodePipeline publishes to a manual approval action's `NotificationArn` topic.
 *
 * `expires` is minute precision UTC in AWS's samples (`2024-05-01T12:34Z`); full ISO 8601 timestamps are accepted
 * too. `externalEntityLink` and `customData` are present only when the action configures them. Unknown fields pass
 * through so a field AWS adds later never breaks a consumer.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-json-format.html
 */

/** `YYYY-MM-DDTHH:MM` followed by optional seconds/fraction and a `Z` or `±HH:MM` offset. */
const EXPIRES_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const expiresSchema = z
  .string()
  .regex(EXPIRES_PATTERN, 'must be an ISO 8601 UTC time such as 2024-05-01T12:34Z')
  .transform((value, ctx) => {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `'${value}' is not a real date` });
      return z.NEVER;
    }
    return date;
  });

/** Schema of the approval message (the JSON inside `Records[].Sns.Message`). */
export const approvalMessageSchema = z.looseObject({
  region: z.string().min(1),
  consoleLink: z.string().min(1),
  approval: z.looseObject({
    pipelineName: z.string().min(1),
    stageName: z.string().min(1),
    actionName: z.string().min(1),
    token: z.string().min(1),
    /** Parsed into a `Date`; the original text stays available in {@link ApprovalMessage.expiresText}. */
    expires: expiresSchema,
    externalEntityLink: z.string().optional(),
    approvalReviewLink: z.string().optional(),
    customData: z.string().optional(),
  }),
});

/** A parsed approval message. `approval.expires` is a `Date`. */
export type ApprovalMessage = z.output<typeof approvalMessageSchema> & {
  /** `approval.expires` as it was sent. */
  readonly expiresText: string;
};

/** The input is not a CodePipeline manual-approval message; the message names each offending field. */
export class ApprovalMessageParseError extends CodePipelineKitError {
  constructor(
    message: string,
    /** Each problem as `path: message`. */
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, { cause: options?.cause, failureType: 'ConfigurationError' });
    this.name = 'ApprovalMessageParseError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Unwraps an SNS record (`{ Sns: { Message } }`) or an SNS event with one record down to the message. */
function unwrap(input: unknown): unknown {
  if (isObject(input) && Array.isArray(input.Records)) {
    if (input.Records.length !== 1) {
      throw new ApprovalMessageParseError(
        `Expected an SNS event with exactly one record, got ${input.Records.length}; use parseApprovalSnsEvent() for several`,
        [`Records: ${input.Records.length} records`],
      );
    }
    return unwrap(input.Records[0]);
  }
  if (isObject(input) && isObject(input.Sns)) {
    if (typeof input.Sns.Message !== 'string') {
      throw new ApprovalMessageParseError('SNS record has no string Sns.Message', ['Sns.Message: missing']);
    }
    return input.Sns.Message;
  }
  return input;
}

/**
 * Parses a manual-approval message from an SNS event (one record), an SNS record, the raw `Sns.Message` string
 * or an already parsed object.
 * @throws ApprovalMessageParseError naming the missing or invalid fields (never echoing the approval token).
 *
 * @example
 * export const handler = async (event: SNSEvent) => {
 *   const { approval } = parseApprovalMessage(event.Records[0]);
 *   console.log(`${approval.pipelineName}/${approval.stageName} waits until ${approval.expires.toISOString()}`);
 * };
 */
export function parseApprovalMessage(input: unknown): ApprovalMessage {
  let raw = unwrap(input);
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (err) {
      throw new ApprovalMessageParseError('Approval message is not valid JSON', ['(message): not JSON'], {
        cause: err,
      });
    }
  }
  const result = approvalMessageSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`,
    );
    throw new ApprovalMessageParseError(
      `Not a CodePipeline manual-approval message: ${issues.join('; ')}`,
      issues,
    );
  }
  const expiresText = String((raw as { approval: { expires: string } }).approval.expires);
  return { ...result.data, expiresText };
}

/**
 * Parses every record of an SNS event (Lambda normally receives one record per SNS invocation).
 * @throws ApprovalMessageParseError for the first record that is not an approval message, naming its index.
 *
 * @example
 * for (const message of parseApprovalSnsEvent(event)) await notify(message);
 */
export function parseApprovalSnsEvent(event: unknown): ApprovalMessage[] {
  if (!isObject(event) || !Array.isArray(event.Records)) {
    throw new ApprovalMessageParseError('Not an SNS event: expected an object with a Records array', [
      'Records: missing',
    ]);
  }
  return event.Records.map((record, index) => {
    try {
      return parseApprovalMessage(record);
    } catch (err) {
      if (err instanceof ApprovalMessageParseError) {
        throw new ApprovalMessageParseError(
          `Records[${index}]: ${err.message}`,
          err.issues.map((i) => `Records.${index}.${i}`),
          { cause: err },
        );
      }
      throw err;
    }
  });
}
