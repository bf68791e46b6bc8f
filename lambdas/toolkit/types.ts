/**
 * Types of the job toolkit: the parsed job, what a report sends, and what it returns.
 */

/**
 * The six failure types of PutJobFailureResult (`FailureType` in the service model).
 * @see https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_FailureDetails.html
 * @example
 * ```ts
 * FAILURE_TYPES.includes('JobFailed'); // true
 * ```
 */
export const FAILURE_TYPES = [
  'JobFailed',
  'ConfigurationError',
  'PermissionError',
  'RevisionOutOfSync',
  'RevisionUnavailable',
  'SystemUnavailable',
] as const;

/**
 * One of {@link FAILURE_TYPES}.
 * @example
 * ```ts
 * await run.fail('RevisionUnavailable' satisfies FailureType, 'artifact missing');
 * ```
 */
export type FailureType = (typeof FAILURE_TYPES)[number];

/**
 * Where an artifact lives: a zip object in the pipeline's artifact bucket.
 * @example
 * ```ts
 * const { bucketName, objectKey } = job.inputArtifacts[0].location.s3Location;
 * ```
 */
export interface ArtifactLocation {
  readonly type: 'S3';
  readonly s3Location: { readonly bucketName: string; readonly objectKey: string };
}

/**
 * An input or output artifact of the job. `revision` is null for outputs and may be null for inputs.
 * @example
 * ```ts
 * const source = job.inputArtifacts.find((a: Artifact) => a.name === 'SourceArtifact');
 * ```
 */
export interface Artifact {
  readonly name: string;
  readonly revision: string | null;
  readonly location: ArtifactLocation;
}

/**
 * Temporary credentials of the pipeline's action role for reading and writing the job's artifacts.
 * `expirationTime` (epoch ms) appears in some events and is not in the API model.
 * @example
 * ```ts
 * const s3 = new S3Client({ credentials: job.artifactCredentials });
 * ```
 */
export interface ArtifactCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expirationTime?: number;
}

/**
 * The KMS key of the artifact store, present when the store uses a customer managed key.
 * @example
 * ```ts
 * if (job.encryptionKey) putParams.SSEKMSKeyId = job.encryptionKey.id;
 * ```
 */
export interface EncryptionKey {
  readonly id: string;
  readonly type: 'KMS';
}

/**
 * Pipeline coordinates of a job; known for jobs from PollForJobs/GetJobDetails, absent in Lambda events.
 * @example
 * ```ts
 * logger.info('job', { pipeline: job.pipelineContext?.pipelineName });
 * ```
 */
export interface PipelineContext {
  readonly pipelineName?: string;
  readonly stage?: { readonly name?: string };
  readonly action?: { readonly name?: string; readonly actionExecutionId?: string };
  readonly pipelineArn?: string;
  readonly pipelineExecutionId?: string;
}

/**
 * A validated CodePipeline job.
 *
 * @typeParam TParams - the user parameters: the raw string (or undefined) unless a schema was given.
 * @example
 * ```ts
 * const job: Job = parseJobEvent(event); console.log(job.id, job.userParameters);
 * ```
 */
export interface Job<TParams = string | undefined> {
  readonly id: string;
  readonly accountId: string;
  /** The whole action configuration (`FunctionName`, `UserParameters`, or a custom action's properties). */
  readonly configuration: Readonly<Record<string, string>>;
  readonly functionName?: string;
  /** `UserParameters` as sent, before any decoding. */
  readonly userParametersRaw?: string;
  /** `UserParameters` decoded and validated by the handler's schema, else the raw string. */
  readonly userParameters: TParams;
  readonly inputArtifacts: readonly Artifact[];
  readonly outputArtifacts: readonly Artifact[];
  readonly artifactCredentials?: ArtifactCredentials;
  readonly continuationToken?: string;
  readonly encryptionKey?: EncryptionKey;
  readonly pipelineContext?: PipelineContext;
}

/**
 * The revision the job worked on (`currentRevision` of PutJobSuccessResult).
 * @example
 * ```ts
 * await run.succeed({ currentRevision: { revision: 'abc123', changeIdentifier: 'change-1' } });
 * ```
 */
export interface CurrentRevision {
  readonly revision: string;
  readonly changeIdentifier: string;
  readonly created?: Date;
  readonly revisionSummary?: string;
}

/**
 * What {@link JobRun.succeed} sends. Every member is optional.
 * @example
 * ```ts
 * await run.succeed({ summary: 'deployed', percentComplete: 100, outputVariables: { url: 'https://x' } });
 * ```
 */
export interface SucceedOptions {
  /** Shown in the console; cut to 2048 chars with a visible marker. */
  readonly summary?: string;
  readonly externalExecutionId?: string;
  /** Integer 0..100. */
  readonly percentComplete?: number;
  /** Keys `[A-Za-z0-9@\-_]+`, at most 122,880 bytes in all. */
  readonly outputVariables?: Readonly<Record<string, string>>;
  readonly currentRevision?: CurrentRevision;
}

/**
 * What {@link JobRun.continueLater} sends besides the state.
 * @example
 * ```ts
 * await run.continueLater(state, { summary: 'still deploying', percentComplete: 40 });
 * ```
 */
export interface ContinueOptions {
  readonly summary?: string;
  readonly externalExecutionId?: string;
  readonly percentComplete?: number;
}

/**
 * What {@link JobRun.fail} sends besides type and message.
 * @example
 * ```ts
 * await run.fail('JobFailed', 'deploy failed', { externalExecutionId: 'deploy-42' });
 * ```
 */
export interface FailOptions {
  readonly externalExecutionId?: string;
}

/**
 * The result of the one report of a job.
 * @example
 * ```ts
 * const outcome = await run.succeed(); if (outcome.alreadyClosed) console.log('job was closed earlier');
 * ```
 */
export interface ReportOutcome {
  /** What was reported: success, failure, or success with a continuation token. */
  readonly kind: 'succeeded' | 'failed' | 'continued';
  /**
   * True when the service answered InvalidJobStateException: the job was no longer open (an earlier
   * delivery reported it, it timed out, or it was stopped). Nothing was recorded; never a success.
   */
  readonly alreadyClosed: boolean;
  /** Failure type, for `kind: 'failed'`. */
  readonly failureType?: FailureType;
  /** The summary or failure message as sent (after truncation). */
  readonly message?: string;
}
