/** Who retried a stage attempt: AutomatedStageRetry (onFailure result RETRY) or ManualStageRetry (RetryStageExecution). */
export const migration024StageRetryTrigger = `
ALTER TABLE stage_runs ADD COLUMN retry_trigger TEXT;
`;
