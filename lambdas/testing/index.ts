// codepipeline-kit/testing: helpers for users' own tests (named exports only).

import { randomBytes, randomUUID } from 'node:crypto';
import type { CodePipelineJobEvent } from '../toolkit/job-event.js';
import type { Artifact } from '../toolkit/types.js';

/**
 * Starts the local CodePipeline (API, execution engine, S3 artifact store) for a test: port 0 and a temp
 * data dir by default; `stop()` removes what it created.
 * @example
 * ```ts
 * const local = await startLocalCodePipeline({ functions: 'functions.json' });
 * const client = new CodePipelineClient({ endpoint: local.endpoint, region: 'us-east-1' });
 * // ... drive pipelines with the real SDK ...
 * await local.stop();
 * ```
 */
export {
  startLocalCodePipeline,
  type LocalCodePipeline,
  type LocalCodePipelineOptions,
} from '../../local/index.js';

/**
 * An artifact to put into a built event: a name, or name plus details.
 * @example
 * ```ts
 * buildJobEvent({ inputArtifacts: ['SourceArtifact', { name: 'Config', revision: null }] });
 * ```
 */
export type ArtifactSpec =
  string | { name: string; revision?: string | null; bucketName?: string; objectKey?: string };

/**
 * Options of {@link buildJobEvent}; every member has a realistic default.
 * @example
 * ```ts
 * buildJobEvent({ userParameters: { url: 'https://x' }, continuation: { state: { attempts: 2 } }, encryptionKey: true });
 * ```
 */
export interface JobEventOptions {
  /** @default - a random UUID (job ids are UUIDs) */
  readonly jobId?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
  /** @default 'my-function' */
  readonly functionName?: string;
  /**
   * `UserParameters`: a string as is, anything else JSON-stringified (as CDK's `userParameters` does).
   * @default - absent
   */
  readonly userParameters?: unknown;
  /** Extra action configuration keys (a custom action's properties). @default - none */
  readonly configuration?: Record<string, string>;
  /** @default - one input artifact `SourceArtifact` with a commit-like revision */
  readonly inputArtifacts?: readonly ArtifactSpec[];
  /** @default - none */
  readonly outputArtifacts?: readonly ArtifactSpec[];
  /** @default 'codepipeline-us-east-1-123456789012' */
  readonly bucketName?: string;
  /** @default 'my-pipeline' (the first segment of artifact keys) */
  readonly pipelineName?: string;
  /**
   * Artifact credentials: `false` leaves them out; a partial object overrides the random temporary ones.
   * @default - random temporary credentials (ASIA... key id) expiring in one hour
   */
  readonly credentials?:
    | false
    | Partial<{ accessKeyId: string; secretAccessKey: string; sessionToken: string; expirationTime: number }>;
  /**
   * Continuation: the raw token, or `{ state }` to serialize state the way `continueLater` does.
   * @default - absent (a first invocation)
   */
  readonly continuation?: string | { readonly state: unknown };
  /**
   * `true` for a KMS key in the account, or the key id/ARN.
   * @default - absent (the store uses S3-managed encryption)
   */
  readonly encryptionKey?: boolean | string;
}

/**
 * A realistic `CodePipeline.job` Lambda event (the shape CodePipeline sends to an Invoke action), with
 * artifacts in S3, temporary artifact credentials, and optionally a continuation token and a KMS key.
 *
 * @example
 * ```ts
 * import { buildJobEvent, createLambdaContext } from 'codepipeline-kit/testing';
 * const event = buildJobEvent({ userParameters: { url: 'https://example.com' }, outputArtifacts: ['Report'] });
 * await handler(event, createLambdaContext({ timeoutMs: 10_000 }));
 * ```
 */
export function buildJobEvent(options: JobEventOptions = {}): CodePipelineJobEvent {
  const bucketName = options.bucketName ?? 'codepipeline-us-east-1-123456789012';
  const pipeline = options.pipelineName ?? 'my-pipeline';
  const artifact = (spec: ArtifactSpec, output: boolean): Artifact => {
    const s = typeof spec === 'string' ? { name: spec } : spec;
    return {
      name: s.name,
      revision: s.revision !== undefined ? s.revision : output ? null : randomBytes(20).toString('hex'),
      location: {
        type: 'S3',
        s3Location: {
          bucketName: s.bucketName ?? bucketName,
          objectKey:
            s.objectKey ??
            `${pipeline}/${s.name.slice(0, 10)}/${randomBytes(4).toString('base64url').slice(0, 7)}`,
        },
      },
    };
  };
  const configuration: Record<string, string> = {
    FunctionName: options.functionName ?? 'my-function',
    ...options.configuration,
  };
  if (options.userParameters !== undefined) {
    configuration.UserParameters =
      typeof options.userParameters === 'string'
        ? options.userParameters
        : JSON.stringify(options.userParameters);
  }
  const data: Record<string, unknown> = {
    actionConfiguration: { configuration },
    inputArtifacts: (options.inputArtifacts ?? ['SourceArtifact']).map((a) => artifact(a, false)),
    outputArtifacts: (options.outputArtifacts ?? []).map((a) => artifact(a, true)),
  };
  if (options.credentials !== false) data.artifactCredentials = buildArtifactCredentials(options.credentials);
  if (options.continuation !== undefined) {
    data.continuationToken =
      typeof options.continuation === 'string'
        ? options.continuation
        : JSON.stringify(options.continuation.state ?? null);
  }
  if (options.encryptionKey) {
    data.encryptionKey = {
      id:
        typeof options.encryptionKey === 'string'
          ? options.encryptionKey
          : `arn:aws:kms:us-east-1:${options.accountId ?? '123456789012'}:key/${randomUUID()}`,
      type: 'KMS',
    };
  }
  return {
    'CodePipeline.job': {
      id: options.jobId ?? randomUUID(),
      accountId: options.accountId ?? '123456789012',
      data,
    },
  } as unknown as CodePipelineJobEvent;
}

/**
 * Random temporary credentials shaped like STS's (an `ASIA` key id, a 40-char secret, a long session
 * token, `expirationTime` one hour ahead in epoch ms), so tests can search logs for them.
 *
 * @example
 * ```ts
 * const creds = buildArtifactCredentials();
 * expect(logs).not.toContain(creds.secretAccessKey);
 * ```
 */
export function buildArtifactCredentials(
  overrides: Partial<{
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    expirationTime: number;
  }> = {},
): { accessKeyId: string; secretAccessKey: string; sessionToken: string; expirationTime: number } {
  const upper = (n: number) =>
    Array.from(randomBytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');
  return {
    accessKeyId: `ASIA${upper(16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(180).toString('base64')}`,
    expirationTime: Date.now() + 3_600_000,
    ...overrides,
  };
}

/**
 * A Lambda context for tests: the members Lambda provides and a clock-driven remaining time.
 * @example
 * ```ts
 * const context: FakeLambdaContext = createLambdaContext({ timeoutMs: 5_000 });
 * ```
 */
export interface FakeLambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  getRemainingTimeInMillis(): number;
  done(): void;
  fail(): void;
  succeed(): void;
}

/**
 * A fake Lambda context whose `getRemainingTimeInMillis()` counts down from `timeoutMs` in real time
 * (or on the clock `now` you give, for fake timers).
 *
 * @example
 * ```ts
 * const context = createLambdaContext({ timeoutMs: 3_000, functionName: 'http-check' });
 * context.getRemainingTimeInMillis(); // about 3000
 * ```
 */
export function createLambdaContext(
  options: {
    timeoutMs?: number;
    functionName?: string;
    now?: () => number;
    region?: string;
    accountId?: string;
  } = {},
): FakeLambdaContext {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.timeoutMs ?? 3_000);
  const name = options.functionName ?? 'my-function';
  const region = options.region ?? 'us-east-1';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${options.accountId ?? '123456789012'}:function:${name}`,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `2025/01/01/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
