/**
 * Indexes for reads that must not slow down as executions pile up (bench/scale.bench.ts): the newest stage run
 * of a pipeline's stage (GetPipelineState, retries) and a pipeline's active executions (GetPipelineState and
 * every step of the engine). stage_runs gets its execution's pipeline name so that the first can be indexed.
 */
export const migration021ReadIndexes = `
ALTER TABLE stage_runs ADD COLUMN pipeline_name TEXT;
UPDATE stage_runs SET pipeline_name = (SELECT e.pipeline_name FROM executions e WHERE e.id = stage_runs.execution_id);
CREATE INDEX stage_runs_by_pipeline_stage ON stage_runs (pipeline_name, stage_name, created_at);
CREATE INDEX executions_by_pipeline_status ON executions (pipeline_name, status);
`;
