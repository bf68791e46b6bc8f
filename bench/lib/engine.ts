import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  StartPipelineExecutionCommand,
  type PipelineDeclaration,
  type PipelineExecutionStatus,
  type StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { startLocalCodePipeline, type LocalCodePipeline } from '../../local/index.js';
import type { LocalFunction } from '../../local/functions-file.js';
import type { ArtifactStore } from '../../local/s3/artifact-store.js';

export const SOURCE_BUCKET = 'bench-source';
export const SOURCE_KEY = 'source.zip';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/bench-pipeline-role';

/** A local engine for a benchmark, with a CodePipeline client bound to it. */
export interface BenchEngine {
  readonly local: LocalCodePipeline;
  readonly client: CodePipelineClient;
  stop(): Promise<void>;
}

/**
 * Starts the local engine in this process (port 0, temp data dir) with `functions`, no execution on
 * CreatePipeline, and the source object `s3://bench-source/source.zip` in its S3 store.
 *
 * @example
 * const engine = await startBenchEngine([fn('succeed', bundle)]);
 * await engine.stop();
 */
export async function startBenchEngine(functions: LocalFunction[]): Promise<BenchEngine> {
  const local = await startLocalCodePipeline({
    port: 0,
    functions,
    engine: { startOnCreate: false, lambdaRetryDelaysMs: [100, 100] },
  });
  const artifacts = local.services.artifacts as ArtifactStore;
  await artifacts.ensureBucket(SOURCE_BUCKET);
  await artifacts.putObject(SOURCE_BUCKET, SOURCE_KEY, Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'binary'));
  const client = new CodePipelineClient({
    endpoint: local.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  return {
    local,
    client,
    stop: async () => {
      client.destroy();
      await local.stop();
    },
  };
}

/**
 * A function definition for the local Lambda runtime.
 *
 * @example
 * fn('floor', '/tmp/floor/index.mjs', { PARK_DIR: dir });
 */
export function localFunction(
  name: string,
  bundle: string,
  environment: Record<string, string> = {},
  timeoutSeconds = 30,
): LocalFunction {
  return { name, bundle, handler: 'handler', timeoutSeconds, memoryMB: 128, environment };
}

/** A V2 pipeline: an S3 source stage, then one stage per Invoke action (function name, UserParameters). */
export function invokePipeline(
  name: string,
  invokes: ReadonlyArray<{ stage: string; functionName: string; userParameters?: string }>,
): PipelineDeclaration {
  const stages: StageDeclaration[] = [
    {
      name: 'Source',
      actions: [
        {
          name: 'Source',
          actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
          configuration: { S3Bucket: SOURCE_BUCKET, S3ObjectKey: SOURCE_KEY, PollForSourceChanges: 'false' },
          outputArtifacts: [{ name: 'SourceOutput' }],
        },
      ],
    },
    ...invokes.map((i) => ({
      name: i.stage,
      actions: [
        {
          name: i.stage,
          actionTypeId: {
            category: 'Invoke' as const,
            owner: 'AWS' as const,
            provider: 'Lambda',
            version: '1',
          },
          configuration: {
            FunctionName: i.functionName,
            ...(i.userParameters !== undefined ? { UserParameters: i.userParameters } : {}),
          },
        },
      ],
    })),
  ];
  return {
    name,
    roleArn: ROLE_ARN,
    pipelineType: 'V2',
    executionMode: 'QUEUED',
    artifactStore: { type: 'S3', location: 'bench-artifacts' },
    stages,
  };
}

/** Creates `pipeline` on the engine. */
export async function createPipeline(engine: BenchEngine, pipeline: PipelineDeclaration): Promise<void> {
  await engine.client.send(new CreatePipelineCommand({ pipeline }));
}

/** Starts an execution and returns its id. */
export async function startExecution(engine: BenchEngine, pipelineName: string): Promise<string> {
  const out = await engine.client.send(new StartPipelineExecutionCommand({ name: pipelineName }));
  return out.pipelineExecutionId!;
}

/**
 * Polls GetPipelineExecution every `pollMs` until the execution leaves InProgress (or `timeoutMs` passes).
 *
 * @example
 * const status = await waitForExecution(engine, 'p', id);
 */
export async function waitForExecution(
  engine: BenchEngine,
  pipelineName: string,
  executionId: string,
  timeoutMs = 60_000,
  pollMs = 2,
): Promise<PipelineExecutionStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await engine.client.send(
      new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: executionId }),
    );
    const status = out.pipelineExecution!.status!;
    if (status !== 'InProgress' && status !== 'Stopping') return status;
    if (Date.now() > deadline)
      throw new Error(`execution ${executionId} still ${status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'STOPPED', 'CANCELED', 'SUPERSEDED']);

/** Minimal view of the engine's in-process event bus (`services.eventBus`). */
interface EventBusView {
  subscribe(
    listener: (event: { 'detail-type': string; detail: Record<string, unknown> }) => void,
  ): () => void;
}

/**
 * Watches the engine's event bus for executions that end, so a benchmark waits for an execution without
 * polling the API (polling would take CPU from the engine it measures). Subscribe before starting executions.
 *
 * @example
 * const ends = watchExecutionEnds(engine);
 * const id = await startExecution(engine, 'p');
 * const state = await ends.wait(id); // 'SUCCEEDED'
 * ends.close();
 */
export function watchExecutionEnds(engine: BenchEngine): {
  wait(executionId: string, timeoutMs?: number): Promise<string>;
  close(): void;
} {
  const ended = new Map<string, string>();
  const waiters = new Map<string, (state: string) => void>();
  const bus = engine.local.services.eventBus as EventBusView;
  const unsubscribe = bus.subscribe((e) => {
    if (e['detail-type'] !== 'CodePipeline Pipeline Execution State Change') return;
    const state = String(e.detail.state);
    if (!ENDED.has(state)) return;
    const id = String(e.detail['execution-id']);
    ended.set(id, state);
    waiters.get(id)?.(state);
  });
  return {
    wait: (executionId, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const known = ended.get(executionId);
        if (known) return resolve(known);
        const timer = setTimeout(
          () => reject(new Error(`execution ${executionId} did not end within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.set(executionId, (state) => {
          clearTimeout(timer);
          waiters.delete(executionId);
          resolve(state);
        });
      }),
    close: unsubscribe,
  };
}
