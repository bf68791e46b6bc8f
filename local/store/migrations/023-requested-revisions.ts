/**
 * The source revisions an execution was asked to use (StartPipelineExecution `sourceRevisions`, or the
 * revision a PutActionRevision reported), read by the source actions of that execution.
 */
export const migration023RequestedRevisions = `
ALTER TABLE executions ADD COLUMN requested_revisions TEXT NOT NULL DEFAULT '[]';
`;
