import type { ActionDeclaration, PipelineDeclaration, StageDeclaration } from '@aws-sdk/client-codepipeline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../local/engine/clock.js';
import { ExecutionEngine, type ExecutionEngineOptions } from '../../local/engine/execution-engine.js';
import type { EngineArtifactStore, StoredPipeline } from '../../local/engine/ports.js';
import { listActionRunsOfExecution, type ActionRunRow } from '../../local/store/action-run-repo.js';
import { openDatabase, type Db } from '../../local/store/database.js';
import { getExecution } from '../../local/store/execution-repo.js';

/** An in-memory artifact store for engine unit tests (the real one is local/s3). */
export function memoryArtifacts(): EngineArtifactStore & { objects: Map<string, Buffer> } {
  const objects = new Map<string, Buffer>();
  let version = 0;
  return {
    objects,
    async ensureBucket() {},
    async readObject(bucket, key) {
      const body = objects.get(`${bucket}/${key}`);
      return body ? { body, versionId: `v${version}`, etag: '"etag"' } : undefined;
    },
    async writeObject(bucket, key, body) {
      objects.set(`${bucket}/${key}`, body);
      version++;
      return { versionId: `v${version}`, etag: '"etag"' };
    },
  };
}

/** An action that waits (owner Custom) until the test completes it. */
export function waitingAction(name: string, extra: Partial<ActionDeclaration> = {}): ActionDeclaration {
  return {
    name,
    actionTypeId: { category: 'Build', owner: 'Custom', provider: 'TestWorker', version: '1' },
    runOrder: 1,
    configuration: {},
    inputArtifacts: [],
    outputArtifacts: [],
    ...extra,
  };
}

/** A pipeline declaration for engine tests. */
export function testPipeline(
  name: string,
  stages: StageDeclaration[],
  extra: Partial<PipelineDeclaration> = {},
): PipelineDeclaration {
  return {
    name,
    roleArn: 'arn:aws:iam::000000000000:role/test',
    artifactStore: { type: 'S3', location: 'artifacts' },
    stages,
    version: 1,
    pipelineType: 'V2',
    executionMode: 'SUPERSEDED',
    ...extra,
  };
}

/** An engine on an in-memory database with a manual clock and in-memory pipelines and artifacts. */
export interface TestEngine {
  readonly engine: ExecutionEngine;
  readonly db: Db;
  readonly clock: ReturnType<typeof manualClock>;
  readonly pipelines: Map<string, PipelineDeclaration>;
  /** Action runs of an execution, oldest first. */
  runs(executionId: string): ActionRunRow[];
  /** The InProgress run of an action in an execution. */
  running(executionId: string, actionName: string): ActionRunRow;
  status(executionId: string): string | undefined;
  close(): Promise<void>;
}

/** Creates a {@link TestEngine}. */
export function createTestEngine(
  pipelines: PipelineDeclaration[],
  options: Partial<ExecutionEngineOptions> = {},
  db: Db = openDatabase(':memory:'),
): TestEngine {
  const map = new Map(pipelines.map((p) => [p.name!, p]));
  const clock = manualClock(1_700_000_000_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'cpkit-engine-unit-'));
  const engine = new ExecutionEngine({
    dataDir,
    db,
    region: 'us-east-1',
    accountId: '000000000000',
    endpoint: () => 'http://127.0.0.1:1',
    artifacts: memoryArtifacts(),
    loadPipeline: (name): StoredPipeline | undefined => {
      const declaration = map.get(name);
      if (!declaration) return undefined;
      const arn = `arn:aws:codepipeline:us-east-1:000000000000:${name}`;
      return { declaration, metadata: { pipelineArn: arn, created: new Date(0), updated: new Date(0) } };
    },
    clock,
    ...options,
  });
  const runs = (id: string) => listActionRunsOfExecution(db, id);
  return {
    engine,
    db,
    clock,
    pipelines: map,
    runs,
    running(id, actionName) {
      const run = runs(id).find((r) => r.actionName === actionName && r.status === 'InProgress');
      if (!run)
        throw new Error(
          `no InProgress run of ${actionName} in ${id}: ${JSON.stringify(runs(id).map((r) => [r.actionName, r.status]))}`,
        );
      return run;
    },
    status: (id) => getExecution(db, id)?.status,
    close: async () => {
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
