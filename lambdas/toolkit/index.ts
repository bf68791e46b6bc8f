// codepipeline-kit: the Lambda job toolkit (named exports only; the middy middleware is `codepipeline-kit/middy`).
export { getCodePipelineClient, createCodePipelineClient } from './client.js';
export {
  CodePipelineKitError,
  ContinuationStateError,
  JobEventError,
  JobFailureError,
  JobReportError,
  JobReportValidationError,
  UserParametersError,
} from './errors.js';
export { failureFromError } from './error-mapping.js';
export {
  JOB_EVENT_KEY,
  parseJobEvent,
  type CodePipelineJobEvent,
  type ParseJobEventOptions,
  type UserParametersOf,
  type UserParametersSpec,
} from './job-event.js';
export { JobRun, type JobContext, type JobHandlerResult, type JobRunOptions } from './job-run.js';
export * as limits from './limits.js';
export { createJobLogger, Redactor, REDACTED, SENSITIVE_KEYS, type JobLoggerOptions } from './logger.js';
export { truncateWithMarker } from './report.js';
export {
  FAILURE_TYPES,
  type Artifact,
  type ArtifactCredentials,
  type ArtifactLocation,
  type ContinueOptions,
  type CurrentRevision,
  type EncryptionKey,
  type FailOptions,
  type FailureType,
  type Job,
  type PipelineContext,
  type ReportOutcome,
  type SucceedOptions,
} from './types.js';
export { withJob, type JobHandler } from './with-job.js';
export {
  ApprovalMessageParseError,
  approvalMessageSchema,
  parseApprovalMessage,
  parseApprovalSnsEvent,
  type ApprovalMessage,
} from './approval-message.js';
export {
  APPROVAL_LINK_PARAM,
  APPROVAL_LINK_VERSION,
  ApprovalLinkError,
  DEFAULT_APPROVAL_LINK_TTL_SECONDS,
  approvalConfirmationMac,
  createApprovalLinks,
  signApprovalLink,
  verifyApprovalConfirmationMac,
  verifyApprovalLink,
  type ApprovalDecision,
  type ApprovalLinkFailure,
  type ApprovalLinkPayload,
  type ApprovalLinks,
  type ApprovalLinkVerification,
  type CreateApprovalLinksOptions,
} from './approval-links.js';
export { APPROVAL_SECRET_ENV, ApprovalSecretError, loadApprovalSigningSecret } from './approval-secret.js';
export {
  ArtifactNotFoundError,
  ArtifactStoreError,
  InvalidArtifactError,
  UnsafeArtifactEntryError,
} from './artifact-errors.js';
export { DEFAULT_ZIP_SAFETY_LIMITS, type ZipSafetyLimits } from './artifact-limits.js';
export {
  ArtifactEntryMissingError,
  extractInputArtifact,
  openInputArtifact,
  type ArtifactEntry,
  type ExtractResult,
  type InputArtifact,
  type OpenInputArtifactOptions,
} from './artifacts-read.js';
export {
  writeOutputArtifact,
  type OutputArtifactSource,
  type OutputFile,
  type OutputFileContent,
  type WriteOutputArtifactOptions,
  type WriteOutputArtifactResult,
} from './artifacts-write.js';
export {
  createArtifactS3Client,
  type ArtifactClientOptions,
  type ArtifactJob,
} from './s3-artifact-client.js';
export {
  ACTION_EVENT_STATES,
  ACTION_EXECUTION_STATE_CHANGE,
  PIPELINE_EVENT_STATES,
  PIPELINE_EXECUTION_STATE_CHANGE,
  STAGE_EVENT_STATES,
  STAGE_EXECUTION_STATE_CHANGE,
  PipelineEventParseError,
  actionExecutionStateChangeSchema,
  eventArtifactSchema,
  parseActionExecutionStateChange,
  parseCodePipelineEvent,
  parsePipelineExecutionStateChange,
  parseStageExecutionStateChange,
  pipelineExecutionStateChangeSchema,
  stageExecutionStateChangeSchema,
  type ActionExecutionStateChange,
  type CodePipelineEvent,
  type PipelineExecutionStateChange,
  type StageExecutionStateChange,
} from './pipeline-events.js';
export {
  JobWorker,
  JobWorkerConfigError,
  type CustomActionTypeId,
  type JobWorkerDefinition,
  type WorkerJobFunction,
  type JobWorkerOptions,
  type JobWorkerStats,
  type WorkerJob,
} from './job-worker.js';
export {
  JobConfigurationError,
  type ConfigurationOf,
  type ConfigurationPropertyDeclaration,
  type ConfigurationSpec,
} from './job-worker-config.js';
export {
  createJobWorkerHandler,
  type JobWorkerHandlerOptions,
  type JobWorkerHandlerResult,
} from './job-worker-handler.js';
export { runJobWorker, type RunJobWorkerOptions, type RunningJobWorker } from './job-worker-runner.js';
