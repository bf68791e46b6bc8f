import type { Readable } from 'node:stream';
import type { ApiContext, ApiServices, PipelineLifecycleListener } from '../api/operation.js';
import type { LocalFunction } from '../functions-file.js';
import type { ArtifactStore } from '../s3/artifact-store.js';
import type { Db } from '../store/database.js';
import { deleteExecutionsOfPipeline, listActiveExecutions } from '../store/execution-repo.js';
import { getPipeline } from '../store/pipeline-repo.js';
import type { JobResultHandler } from '../api/jobs.js';
import { ExecutionEngine } from './execution-engine.js';
import type { EngineSettings } from './engine-options.js';
import { artifactBucketOf, type EngineArtifactStore } from './ports.js';

export type { EngineSettings };

/** Adapts the S3 module's ArtifactStore to what the engine needs. */
export function engineArtifacts(store: () => ArtifactStore | undefined): EngineArtifactStore {
  const get = (): ArtifactStore => {
    const s = store();
    if (!s) throw new Error('the S3 artifact store is not available');
    return s;
  };
  return {
    ensureBucket: (bucket) => get().ensureBucket(bucket),
    async readObject(bucket, key, versionId) {
      const s = get();
      const head = await s.headObject(bucket, key, versionId ? { versionId } : undefined);
      if (!head) return undefined;
      const object = await s.getObject(bucket, key, versionId ? { versionId } : undefined);
      const body = await readAll(object.body);
      return { body, versionId: object.versionId, etag: object.etag };
    },
    async writeObject(bucket, key, body) {
      const r = await get().putObject(bucket, key, body);
      return { versionId: r.versionId, etag: r.etag };
    },
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * Creates the execution engine for the composition root: registers `services.engine`, the pipeline lifecycle
 * listener (artifact bucket creation, first execution on CreatePipeline, cleanup on DeletePipeline),
 * `services.webhookTriggered`, `services.s3Authorizer` (job-scoped credentials), and resumes in-flight
 * executions. Returns the shutdown hook.
 *
 * @example
 * shutdownHooks.push(wireExecutionEngine({ db, services, context, dataDir, settings: options.engine }));
 */
export function wireExecutionEngine(args: {
  db: Db;
  services: ApiServices;
  context: ApiContext;
  dataDir: string;
  settings?: EngineSettings;
}): () => Promise<void> {
  const { db, services, context, dataDir, settings = {} } = args;
  const artifacts = engineArtifacts(() => services.artifacts as ArtifactStore | undefined);
  const engine = new ExecutionEngine({
    db,
    region: context.region,
    accountId: context.accountId,
    dataDir,
    endpoint: () => context.baseUrl,
    functions: () => (services.functions as LocalFunction[] | undefined) ?? [],
    artifacts,
    loadPipeline: (name, version) => getPipeline(db, name, version),
    clock: settings.clock,
    jobReplyTimeoutMs: settings.jobReplyTimeoutMs,
    lambdaRetryDelaysMs: settings.lambdaRetryDelaysMs,
    lambdaIdleMs: settings.lambdaIdleMs,
    simulate: settings.simulate,
    sourceDirs: settings.sourceDirs,
    startOnCreate: settings.startOnCreate,
    rules: settings.rules,
    customJobTimeoutMs: settings.customJobTimeoutMs,
    customJobAckTimeoutMs: settings.customJobAckTimeoutMs,
    subscriptions: settings.subscriptions,
  });
  const ensureBucket = async (name: string): Promise<void> => {
    const decl = getPipeline(db, name)?.declaration;
    if (!decl || !services.artifacts) return;
    const buckets = new Set<string>();
    const main = artifactBucketOf(decl, context.region);
    if (main) buckets.add(main);
    for (const store of Object.values(decl.artifactStores ?? {}))
      if (store.location) buckets.add(store.location);
    for (const b of buckets) await artifacts.ensureBucket(b);
  };
  const startQuietly = (request: Parameters<ExecutionEngine['startExecution']>[0]): void => {
    try {
      engine.startExecution(request);
    } catch {
      // see pipelineCreated
    }
  };
  const listener: PipelineLifecycleListener = {
    async pipelineCreated(name) {
      // CreatePipeline has committed: a problem here must not turn its answer into an error. A bucket that
      // cannot be created shows up as the failing action's message; a first execution that cannot start
      // (e.g. a variable without default) is simply not started, as the pipeline can be started later.
      await ensureBucket(name).catch(() => undefined);
      if (settings.startOnCreate !== false) {
        startQuietly({
          pipelineName: name,
          triggerType: 'CreatePipeline',
          triggerDetail: `arn:aws:iam::${context.accountId}:root`,
        });
      }
    },
    async pipelineUpdated(name) {
      // executions of the older version that wait before a stage end Cancelled now (see pipeline-update.ts)
      engine.wakePipeline(name);
      await ensureBucket(name).catch(() => undefined);
    },
    pipelineDeleted(name) {
      for (const exec of listActiveExecutions(db, name)) {
        try {
          engine.stopExecution(name, exec.id, true, 'Pipeline deleted');
        } catch {
          // the pipeline is gone already: the rows are deleted below
        }
      }
      db.transaction(() => deleteExecutionsOfPipeline(db, name))();
    },
  };
  services.engine = engine;
  services.pipelineListeners = [
    ...((services.pipelineListeners as PipelineLifecycleListener[] | undefined) ?? []),
    listener,
  ];
  services.webhookTriggered = (pipelineName: string, webhookName: string) => {
    engine.startExecution({
      pipelineName,
      triggerType: 'Webhook',
      triggerDetail: `arn:aws:codepipeline:${context.region}:${context.accountId}:webhook:${webhookName}`,
    });
  };
  services.s3Authorizer = engine.authorizer;
  services.eventBus = engine.events;
  // PutJobSuccessResult / PutJobFailureResult of custom-action jobs (local/api/jobs.ts asks these in order).
  services.jobResultHandlers = [
    ...((services.jobResultHandlers as JobResultHandler[] | undefined) ?? []),
    {
      putJobSuccessResult: (input) => engine.customJobs.putSuccess('custom', input),
      putJobFailureResult: (input) => engine.customJobs.putFailure('custom', input),
    } satisfies JobResultHandler,
  ];
  // Resume in-flight executions once the server listens: re-invoked functions need its URL (AWS_ENDPOINT_URL).
  const waitForUrl = setInterval(() => {
    if (!context.baseUrl) return;
    clearInterval(waitForUrl);
    engine.resume();
  }, 5);
  return () => {
    clearInterval(waitForUrl);
    return engine.close();
  };
}
