import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { invokeOperation, operationTable } from './api/index.js';
import type { ApiContext, ApiServices } from './api/operation.js';
import { checkCdkOutDir } from './cdk-out-dir.js';
import { applyCloudAssembly, loadCloudAssembly, mergeFunctions, type CdkOutReport } from './cdk-out/index.js';
import { lockDataDir } from './data-dir-lock.js';
import { loadFunctionsFile, type LocalFunction } from './functions-file.js';
import type { SigV4Credentials } from './protocol/sigv4.js';
import { Router } from './router.js';
import { startServer, type S3RequestHandler } from './server.js';
import { openDatabase, type Db } from './store/database.js';
import { wireExecutionEngine, type EngineSettings } from './engine/wiring.js';
import { webhookRoute } from './api/webhook-route.js';
import { functionUrlRoute } from './api/function-url-route.js';
import { createS3Service, type S3Authorizer } from './s3/index.js';

export { Router, type RouteHandler, type RouteParams } from './router.js';
export { DataDirInUseError } from './data-dir-lock.js';
export type { LocalFunction } from './functions-file.js';
export type { CdkOutReport } from './cdk-out/index.js';

/** Options of {@link startLocalCodePipeline}. */
export interface LocalCodePipelineOptions {
  /** Port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Interface to bind; anything but loopback must be asked for explicitly. @default '127.0.0.1' */
  readonly host?: string;
  /** Where the database, artifacts and logs live. @default - a fresh temp dir, removed by stop() */
  readonly dataDir?: string;
  /** Region of ARNs. @default - AWS_REGION, else 'us-east-1' */
  readonly region?: string;
  /** Account of ARNs. @default '000000000000' */
  readonly accountId?: string;
  /** Lambda functions the engine may invoke: definitions, or the path of a `--functions` file. @default [] */
  readonly functions?: readonly LocalFunction[] | string;
  /** A synthesized cloud assembly directory (`cdk.out`). @default - none */
  readonly cdkOut?: string;
  /** Verify SigV4 signatures of API requests against this key pair. @default - not checked */
  readonly verifySigv4?: SigV4Credentials;
  /** Execution engine settings (reply timer, Lambda retry delays, --simulate, rules, start on create). @default {} */
  readonly engine?: EngineSettings;
  /**
   * An external S3-compatible endpoint for artifacts (`--s3-endpoint`): the engine reads and writes
   * artifacts there; the embedded store keeps answering S3 requests on this port.
   * @default - the embedded S3 store under `<dataDir>/s3`
   */
  readonly s3Endpoint?: string;
}

/** A running local CodePipeline. */
export interface LocalCodePipeline {
  /** e.g. `http://127.0.0.1:41234`: use it as `endpoint` of the SDK clients (CodePipeline and S3). */
  readonly endpoint: string;
  readonly port: number;
  /** Absolute path of the data dir. */
  readonly dataDir: string;
  readonly db: Db;
  /** Routes under `/_cpkit/`. */
  readonly router: Router;
  /** The late-bound services bag shared with every operation (`ctx.services`). */
  readonly services: ApiServices;
  /** The context operations get (with `callerAccessKeyId` added per request). */
  readonly context: ApiContext;
  /** What `cdkOut` loaded and what it could not map (undefined without `cdkOut`). */
  readonly cdkOut?: CdkOutReport;
  /** Finishes in-flight requests, stops the modules, closes the DB, releases the lock. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the local CodePipeline (API + `/_cpkit/` routes + S3 store on one port) and resolves once it
 * accepts requests. This is the composition root: modules add their wiring below.
 *
 * @example
 * const local = await startLocalCodePipeline({ port: 0 });
 * const client = new CodePipelineClient({ endpoint: local.endpoint, region: 'us-east-1' });
 * await client.send(new ListPipelinesCommand({}));
 * await local.stop();
 */
export async function startLocalCodePipeline(
  options: LocalCodePipelineOptions = {},
): Promise<LocalCodePipeline> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = ownsDataDir ? mkdtempSync(join(tmpdir(), 'cpkit-')) : resolve(options.dataDir!);
  const functions =
    typeof options.functions === 'string'
      ? loadFunctionsFile(options.functions)
      : [...(options.functions ?? [])];
  const cdkOut = options.cdkOut !== undefined ? checkCdkOutDir(options.cdkOut) : undefined;

  mkdirSync(dataDir, { recursive: true }); // the lock file lives in it
  const lock = lockDataDir(dataDir);
  const shutdownHooks: Array<() => void | Promise<void>> = [];
  let db: Db | undefined;
  try {
    db = openDatabase(dataDir);
    // --cdk-out: map the assembly now (rules and subscriptions go to the engine's settings); create its
    // buckets, custom action types and pipelines once the server listens (see local/cdk-out/).
    const assembly = cdkOut
      ? loadCloudAssembly(cdkOut, {
          region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
          accountId: options.accountId ?? '000000000000',
          dataDir,
        })
      : undefined;
    const engineSettings = assembly
      ? {
          ...options.engine,
          rules: [...(options.engine?.rules ?? []), ...assembly.rules],
          subscriptions: [...(options.engine?.subscriptions ?? []), ...assembly.subscriptions],
        }
      : options.engine;
    const services: ApiServices = { functions, cdkOut, dataDir };
    const router = new Router();
    const context: { -readonly [K in keyof ApiContext]: ApiContext[K] } = {
      region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
      accountId: options.accountId ?? '000000000000',
      db,
      baseUrl: '',
      now: () => new Date(),
      services,
    };

    // Module wiring goes here (each module adds its lines; push a shutdown hook for anything it starts):
    //   services.<name> = ...;  router.add(...);  shutdownHooks.push(() => ...);
    router.add('POST', '/_cpkit/webhooks/:name', webhookRoute(context));
    router.add('*', '/_cpkit/functions/:name/*', functionUrlRoute(context));
    // S3 artifact store (before the engine, so that it closes after it). The authorizer is late-bound:
    // the engine sets services.s3Authorizer (job-scoped credentials).
    const s3Service = createS3Service({
      dataDir,
      region: context.region,
      externalEndpoint: options.s3Endpoint,
      authorizer: {
        authorize: (request) =>
          (services.s3Authorizer as S3Authorizer | undefined)?.authorize(request) ?? { allowed: true },
      },
    });
    services.s3 = s3Service;
    services.artifacts = s3Service.artifacts;
    services.s3RequestHandler = s3Service.handle;
    shutdownHooks.push(() => s3Service.close());
    shutdownHooks.push(wireExecutionEngine({ db, services, context, dataDir, settings: engineSettings }));
    const s3 = services.s3RequestHandler as S3RequestHandler | undefined;

    const table = operationTable();
    const server = await startServer({
      host: options.host,
      port: options.port,
      router,
      s3,
      verifySigv4: options.verifySigv4,
      api: (operation, input, meta) =>
        invokeOperation(table, operation, input, { ...context, callerAccessKeyId: meta.callerAccessKeyId }),
    });
    context.baseUrl = server.url;
    let cdkOutReport: CdkOutReport | undefined;
    if (assembly) {
      try {
        services.functions = mergeFunctions(functions, assembly.functions, server.url);
        cdkOutReport = await applyCloudAssembly(assembly, {
          invoke: (operation, input) => invokeOperation(table, operation, input, context),
          functions: services.functions as LocalFunction[],
          bucketStore: s3Service.store,
          context,
        });
      } catch (err) {
        await server.close();
        throw err;
      }
    }

    let stopping: Promise<void> | undefined;
    const openDb = db;
    return {
      endpoint: server.url,
      port: server.port,
      dataDir,
      db: openDb,
      router,
      services,
      context,
      cdkOut: cdkOutReport,
      stop: () =>
        (stopping ??= (async () => {
          await server.close();
          for (const hook of shutdownHooks.reverse()) await hook();
          openDb.close();
          lock.release();
          if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
        })()),
    };
  } catch (err) {
    for (const hook of shutdownHooks.reverse()) await hook();
    db?.close();
    lock.release();
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
