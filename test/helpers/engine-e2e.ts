import {
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  type ActionDeclaration,
  type ActionExecutionDetail,
  type CodePipelineClient,
  type PipelineExecution,
  type StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { join } from 'node:path';
import type { LocalFunction } from '../../local/functions-file.js';
import type { ArtifactStore } from '../../local/s3/artifact-store.js';
import type { EngineSettings } from '../../local/engine/wiring.js';
import { repoRoot, startTestServer, type TestLocalServer } from './local-server.js';

/** The raw handler fixtures as local functions (timeouts short where the fixture hangs). */
export function fixtureFunctions(environment: Record<string, string> = {}): LocalFunction[] {
  const fn = (name: string, timeoutSeconds = 10): LocalFunction => ({
    name,
    bundle: join(repoRoot, 'test', 'fixtures', 'handlers', `${name}.mjs`),
    handler: 'handler',
    timeoutSeconds,
    memoryMB: 256,
    environment,
  });
  return [
    fn('succeed'),
    fn('output-vars'),
    fn('continue-once'),
    fn('throws'),
    fn('hangs', 1),
    fn('reports-twice'),
    fn('never-reports'),
    fn('slow-succeed'),
    fn('record-event'),
    fn('fail-once'),
    fn('permission-probe'),
  ];
}

export const SOURCE_BUCKET = 'engine-e2e-source';
export const ARTIFACT_BUCKET = 'engine-e2e-artifacts';

/** An S3 source action reading `key` from the source bucket. */
export function s3Source(key: string, extra: Partial<ActionDeclaration> = {}): ActionDeclaration {
  return {
    name: 'Source',
    actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
    configuration: { S3Bucket: SOURCE_BUCKET, S3ObjectKey: key, PollForSourceChanges: 'false' },
    outputArtifacts: [{ name: 'SourceOutput' }],
    runOrder: 1,
    ...extra,
  };
}

/** A Lambda Invoke action. */
export function invoke(
  name: string,
  functionName: string,
  extra: Partial<ActionDeclaration> = {},
): ActionDeclaration {
  return {
    name,
    actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
    configuration: { FunctionName: functionName },
    runOrder: 1,
    ...extra,
  };
}

/** Creates a V2 pipeline whose first stage is an S3 source of `sourceKey`. */
export async function createPipeline(
  client: CodePipelineClient,
  name: string,
  stages: StageDeclaration[],
  extra: {
    executionMode?: 'SUPERSEDED' | 'QUEUED' | 'PARALLEL';
    variables?: { name: string; defaultValue?: string }[];
    sourceKey?: string;
  } = {},
): Promise<void> {
  await client.send(
    new CreatePipelineCommand({
      pipeline: {
        name,
        roleArn: 'arn:aws:iam::000000000000:role/pipeline-role',
        artifactStore: { type: 'S3', location: ARTIFACT_BUCKET },
        pipelineType: 'V2',
        executionMode: extra.executionMode ?? 'SUPERSEDED',
        variables: extra.variables,
        stages: [{ name: 'Source', actions: [s3Source(extra.sourceKey ?? 'source.zip')] }, ...stages],
      },
    }),
  );
}

/** Puts a source object into the store (real S3 store or the in-memory one). */
export async function putSource(
  store: ArtifactStore,
  key: string,
  body: string,
): Promise<string | undefined> {
  await store.ensureBucket(SOURCE_BUCKET);
  return (await store.putObject(SOURCE_BUCKET, key, body)).versionId;
}

const DONE = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled']);

/** Polls GetPipelineExecution until the execution ended (or `timeoutMs`). */
export async function waitForExecution(
  client: CodePipelineClient,
  pipelineName: string,
  pipelineExecutionId: string,
  timeoutMs = 20_000,
  until: (e: PipelineExecution) => boolean = (e) => DONE.has(e.status!),
): Promise<PipelineExecution> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { pipelineExecution } = await client.send(
      new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }),
    );
    if (until(pipelineExecution!)) return pipelineExecution!;
    if (Date.now() > deadline)
      throw new Error(
        `execution ${pipelineExecutionId} still ${pipelineExecution!.status} after ${timeoutMs} ms`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Action executions of one execution, by action name (latest attempt first). */
export async function actionsOf(
  client: CodePipelineClient,
  pipelineName: string,
  pipelineExecutionId: string,
): Promise<Record<string, ActionExecutionDetail>> {
  const { actionExecutionDetails } = await client.send(
    new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId } }),
  );
  const out: Record<string, ActionExecutionDetail> = {};
  for (const d of actionExecutionDetails ?? []) out[d.actionName!] ??= d;
  return out;
}

/** Options of {@link startEngineTestServer}. */
export interface EngineTestServerOptions {
  /** The body of the source object `source.zip` stored before the tests. */
  readonly source: string;
  /** Environment of every fixture function. @default {} */
  readonly environment?: Record<string, string>;
  /** Engine settings over the test defaults (10 s reply timeout, 20 ms Lambda retries, no start on create). */
  readonly engine?: EngineSettings;
}

/**
 * Starts a local CodePipeline (port 0) whose functions are the handler fixtures, with engine timings short
 * enough for tests, and stores the source object `source.zip`; the caller stops it.
 *
 * @example
 * local = await startEngineTestServer({ source: 'v1', engine: { jobReplyTimeoutMs: 5000 } });
 */
export async function startEngineTestServer(options: EngineTestServerOptions): Promise<TestLocalServer> {
  const local = await startTestServer({
    functions: fixtureFunctions(options.environment),
    engine: {
      jobReplyTimeoutMs: 10_000,
      lambdaRetryDelaysMs: [20, 20],
      startOnCreate: false,
      ...options.engine,
    },
  });
  await putSource(local.services.artifacts as ArtifactStore, 'source.zip', options.source);
  return local;
}
