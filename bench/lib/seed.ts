import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../local/store/database.js';
import { insertPipeline } from '../../local/store/pipeline-repo.js';

const STAGES = [
  { stage: 'Source', category: 'Source', provider: 'S3' },
  { stage: 'Build', category: 'Invoke', provider: 'Lambda' },
  { stage: 'Deploy', category: 'Invoke', provider: 'Lambda' },
] as const;

/** The 3-stage pipeline (S3 source, two Lambda Invoke stages) the scale benchmark stores. */
export function seededPipeline(name: string): PipelineDeclaration {
  return {
    name,
    roleArn: 'arn:aws:iam::000000000000:role/bench-pipeline-role',
    pipelineType: 'V2',
    executionMode: 'QUEUED',
    artifactStore: { type: 'S3', location: 'bench-artifacts' },
    stages: STAGES.map((s) => ({
      name: s.stage,
      actions: [
        {
          name: s.stage,
          actionTypeId: { category: s.category, owner: 'AWS', provider: s.provider, version: '1' },
          configuration: (s.category === 'Source'
            ? { S3Bucket: 'bench-source', S3ObjectKey: 'source.zip', PollForSourceChanges: 'false' }
            : { FunctionName: `fn-${s.stage.toLowerCase()}` }) as Record<string, string>,
          ...(s.category === 'Source' ? { outputArtifacts: [{ name: 'SourceOutput' }] } : {}),
          ...(s.category !== 'Source' ? { inputArtifacts: [{ name: 'SourceOutput' }] } : {}),
        },
      ],
    })),
  };
}

/**
 * Seeds the store directly (the pipeline repo, then SQL inserts of succeeded executions with their stage and
 * action runs, in one transaction), as if that many executions had run: `pipelines` pipelines named
 * `scale-0000`..., `scale-0000` with `targetExecutions` executions and each other one with `otherExecutions`.
 *
 * @example
 * seedStore(openDatabase(dir), { pipelines: 1000, targetExecutions: 10000, otherExecutions: 10 });
 */
export function seedStore(
  db: Db,
  counts: { pipelines: number; targetExecutions: number; otherExecutions: number },
): void {
  const insertExecution = db.prepare(
    `INSERT INTO executions (id, pipeline_name, pipeline_version, seq, status, execution_mode, execution_type,
       trigger_type, trigger_detail, variables, source_revisions, next_stage_index, created_at, updated_at)
     VALUES (?, ?, 1, ?, 'Succeeded', 'QUEUED', 'STANDARD', 'StartPipelineExecution', 'bench', '[]', ?, 3, ?, ?)`,
  );
  const insertStageRun = db.prepare(
    `INSERT INTO stage_runs (execution_id, stage_name, stage_index, attempt, status, created_at, updated_at,
       pipeline_name)
     VALUES (?, ?, ?, 1, 'Succeeded', ?, ?, ?)`,
  );
  const insertActionRun = db.prepare(
    `INSERT INTO action_runs (id, execution_id, pipeline_name, pipeline_version, stage_name, stage_attempt,
       action_name, run_order, category, owner, provider, type_version, status, summary, input_artifacts,
       output_artifacts, started_at, updated_at)
     VALUES (?, ?, ?, 1, ?, 1, ?, 1, ?, 'AWS', ?, '1', 'Succeeded', 'ok', ?, ?, ?, ?)`,
  );
  const start = Date.UTC(2025, 0, 1);
  db.transaction(() => {
    for (let p = 0; p < counts.pipelines; p++) {
      const name = `scale-${String(p).padStart(4, '0')}`;
      insertPipeline(db, {
        declaration: seededPipeline(name),
        arn: `arn:aws:codepipeline:us-east-1:000000000000:${name}`,
        now: new Date(start),
      });
      const executions = p === 0 ? counts.targetExecutions : counts.otherExecutions;
      for (let seq = 1; seq <= executions; seq++) {
        const id = randomUUID();
        const at = start + seq * 60_000 + p;
        const revision = `rev-${seq}`;
        const artifact = JSON.stringify([
          { name: 'SourceOutput', bucket: 'bench-artifacts', key: `${name}/Source/${seq}.zip`, revision },
        ]);
        insertExecution.run(
          id,
          name,
          seq,
          JSON.stringify([{ actionName: 'Source', revisionId: revision }]),
          at,
          at + 50_000,
        );
        STAGES.forEach((s, index) => {
          const t = at + index * 10_000;
          insertStageRun.run(id, s.stage, index, t, t + 9_000, name);
          insertActionRun.run(
            randomUUID(),
            id,
            name,
            s.stage,
            s.stage,
            s.category,
            s.provider,
            s.category === 'Source' ? '[]' : artifact,
            s.category === 'Source' ? artifact : '[]',
            t,
            t + 9_000,
          );
        });
      }
    }
  })();
}
