import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { Command, CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JobWorkerDefinition } from '../../lambdas/toolkit/job-worker.js';
import { runJobWorker } from '../../lambdas/toolkit/job-worker-runner.js';

const EXIT_BAD_USAGE = 2;
const EXIT_RUNTIME = 1;
const CATEGORIES = ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute'];
const NAME = /^[0-9A-Za-z_-]{1,35}$/;

/** Flags of `cpkit worker`, as commander gives them. */
export interface WorkerFlags {
  category?: string;
  provider?: string;
  version: string;
  module?: string;
  export: string;
  endpoint?: string;
  region?: string;
  concurrency: string;
  queryParam?: string;
  graceSeconds: string;
  jobTimeoutSeconds?: string;
  maxIdleSeconds: string;
}

/** A flag `cpkit worker` cannot use (exit 2). */
export class WorkerUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerUsageError';
  }
}

/** The checked settings of `cpkit worker`. */
export interface WorkerSettings {
  readonly actionType: { category: string; provider: string; version: string };
  readonly modulePath: string;
  readonly exportName: string;
  readonly endpoint?: string;
  readonly region: string;
  readonly concurrency: number;
  readonly queryParam?: Record<string, string>;
  readonly graceMs: number;
  readonly jobTimeoutMs?: number;
  readonly maxIdleMs: number;
}

function positive(flag: string, value: string, allowZero = false): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || (!allowZero && n <= 0)) {
    throw new WorkerUsageError(
      `${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, got '${value}'`,
    );
  }
  return n;
}

/**
 * Checks the flags of `cpkit worker` and names the bad one.
 *
 * @example
 * parseWorkerFlags({ category: 'Test', provider: 'SecretScan', version: '1', module: 'w.mjs', export: 'worker',
 *   concurrency: '4', graceSeconds: '30', maxIdleSeconds: '30' });
 */
export function parseWorkerFlags(flags: WorkerFlags): WorkerSettings {
  if (!flags.category || !CATEGORIES.includes(flags.category)) {
    throw new WorkerUsageError(
      `--category must be one of ${CATEGORIES.join(', ')}, got '${flags.category ?? ''}'`,
    );
  }
  if (!flags.provider || !NAME.test(flags.provider)) {
    throw new WorkerUsageError(
      `--provider must be 1-35 characters of [0-9A-Za-z_-], got '${flags.provider ?? ''}'`,
    );
  }
  if (!/^[0-9A-Za-z_-]{1,9}$/.test(flags.version)) {
    throw new WorkerUsageError(`--version must be 1-9 characters of [0-9A-Za-z_-], got '${flags.version}'`);
  }
  if (!flags.module)
    throw new WorkerUsageError('--module <file> is required (a module exporting the job function)');
  const modulePath = resolve(flags.module);
  if (!existsSync(modulePath)) throw new WorkerUsageError(`--module: file not found: ${modulePath}`);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100) {
    throw new WorkerUsageError(
      `--concurrency must be a whole number from 1 to 100, got '${flags.concurrency}'`,
    );
  }
  let queryParam: Record<string, string> | undefined;
  if (flags.queryParam !== undefined) {
    const m = /^([^=]{1,50})=([a-zA-Z0-9_-]{1,50})$/.exec(flags.queryParam);
    if (!m)
      throw new WorkerUsageError(
        `--query-param must be KEY=VALUE (VALUE of [a-zA-Z0-9_-]), got '${flags.queryParam}'`,
      );
    queryParam = { [m[1]]: m[2] };
  }
  if (flags.endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(flags.endpoint)) {
    throw new WorkerUsageError(`--endpoint must be an http(s) URL, got '${flags.endpoint}'`);
  }
  return {
    actionType: { category: flags.category, provider: flags.provider, version: flags.version },
    modulePath,
    exportName: flags.export,
    endpoint: flags.endpoint,
    region: flags.region ?? process.env.AWS_REGION ?? 'us-east-1',
    concurrency,
    queryParam,
    graceMs: positive('--grace-seconds', flags.graceSeconds, true) * 1000,
    jobTimeoutMs:
      flags.jobTimeoutSeconds === undefined
        ? undefined
        : positive('--job-timeout-seconds', flags.jobTimeoutSeconds) * 1000,
    maxIdleMs: positive('--max-idle-seconds', flags.maxIdleSeconds) * 1000,
  };
}

/**
 * Imports the worker module and finds its job definition: the export named `exportName` (default
 * `worker`), else the default export; either a function `(job, run) => ...` or an object
 * `{ run, configuration?, stateSchema? }`.
 */
export async function loadWorkerModule(
  modulePath: string,
  exportName: string,
): Promise<JobWorkerDefinition<any, any>> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (err) {
    throw new WorkerUsageError(`--module: cannot import ${modulePath}: ${(err as Error).message}`);
  }
  const found = mod[exportName] ?? mod.default;
  if (typeof found === 'function') return { run: found as JobWorkerDefinition<any, any>['run'] };
  if (found && typeof found === 'object' && typeof (found as { run?: unknown }).run === 'function') {
    return found as JobWorkerDefinition<any, any>;
  }
  throw new WorkerUsageError(
    `--module: ${modulePath} exports no job function as '${exportName}' or default (exports: ${Object.keys(mod).join(', ') || 'none'}); ` +
      'export a function (job, run) => result, or { run, configuration }',
  );
}

async function work(flags: WorkerFlags): Promise<void> {
  let settings: WorkerSettings;
  let definition: JobWorkerDefinition<any, any>;
  try {
    settings = parseWorkerFlags(flags);
    if (settings.endpoint) {
      // One port serves CodePipeline and the artifact store: artifacts resolve there too.
      process.env.AWS_ENDPOINT_URL_CODEPIPELINE ??= settings.endpoint;
      process.env.AWS_ENDPOINT_URL_S3 ??= settings.endpoint;
    }
    definition = await loadWorkerModule(settings.modulePath, settings.exportName);
  } catch (err) {
    if (!(err instanceof WorkerUsageError)) throw err;
    process.stderr.write(`cpkit worker: ${err.message}\n`);
    process.exit(EXIT_BAD_USAGE);
  }
  const client = new CodePipelineClient({
    region: settings.region,
    endpoint: settings.endpoint,
    // A local engine accepts any key; AWS needs the caller's own credentials from the environment.
    credentials:
      settings.endpoint && !process.env.AWS_ACCESS_KEY_ID
        ? { accessKeyId: 'cpkit', secretAccessKey: 'cpkit' }
        : undefined,
  });
  const { actionType } = settings;
  const running = runJobWorker({
    ...definition,
    actionType,
    client,
    concurrency: settings.concurrency,
    queryParam: settings.queryParam,
    shutdownGraceMs: settings.graceMs,
    jobTimeoutMs: settings.jobTimeoutMs,
    idleBackoff: { initialMs: Math.min(1000, settings.maxIdleMs), maxMs: settings.maxIdleMs },
  });
  const type = `Custom/${actionType.category}/${actionType.provider}/${actionType.version}`;
  process.stdout.write(
    `worker polling ${type} at ${settings.endpoint ?? 'the AWS endpoint'} (concurrency ${settings.concurrency})\n`,
  );
  try {
    await running.stopped;
  } catch (err) {
    process.stderr.write(`cpkit worker: ${(err as Error).message}\n`);
    process.exit(EXIT_RUNTIME);
  }
  const s = running.worker.stats;
  process.stdout.write(
    `worker stopped: ${s.succeeded} succeeded, ${s.failed} failed, ${s.continued} continued, ${s.failedOnShutdown} failed on shutdown\n`,
  );
  client.destroy();
  process.exit(0);
}

/**
 * Registers `cpkit worker` on the program: a long-running job worker for a custom action type.
 *
 * @example
 * const program = new Command();
 * registerWorkerCommand(program);
 * await program.parseAsync(['node', 'cpkit', 'worker', '--category', 'Test', '--provider', 'SecretScan', '--module', 'w.mjs']);
 */
export function registerWorkerCommand(program: Command): Command {
  return program
    .command('worker')
    .description('run a job worker for a custom action type: poll, acknowledge, run the job function, report')
    .option('--category <category>', `action category (${CATEGORIES.join(', ')})`)
    .option('--provider <provider>', 'provider of the custom action type')
    .option('--version <version>', 'version of the custom action type', '1')
    .option('--module <file>', 'JavaScript module exporting the job function (or { run, configuration })')
    .option('--export <name>', 'name of the export to use (falls back to the default export)', 'worker')
    .option(
      '--endpoint <url>',
      'CodePipeline (and artifact store) endpoint, e.g. http://127.0.0.1:4566 of `cpkit serve`',
    )
    .option('--region <region>', 'region (default: AWS_REGION, else us-east-1)')
    .option('--concurrency <n>', 'jobs worked on at the same time', '1')
    .option('--query-param <key=value>', 'only jobs whose queryable property has this value')
    .option('--grace-seconds <s>', 'on SIGTERM/SIGINT, time for in-flight jobs before they are failed', '30')
    .option('--job-timeout-seconds <s>', 'fail a job (or continue from its checkpoint) after this long')
    .option('--max-idle-seconds <s>', 'longest wait between polls while idle (backoff with jitter)', '30')
    .exitOverride((err: CommanderError) => {
      if (err.exitCode === 0) process.exit(0);
      process.exit(EXIT_BAD_USAGE);
    })
    .action((flags: WorkerFlags) => work(flags));
}
