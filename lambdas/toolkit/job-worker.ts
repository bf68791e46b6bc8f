import {
  AcknowledgeJobCommand,
  PollForJobsCommand,
  PutJobFailureResultCommand,
  type ActionTypeId,
  type CodePipelineClient,
  type Job as ApiJob,
} from '@aws-sdk/client-codepipeline';
import { Logger } from '@aws-lambda-powertools/logger';
import type { $ZodType } from 'zod/v4/core';
import { getCodePipelineClient } from './client.js';
import { CodePipelineKitError } from './errors.js';
import { JOB_EVENT_KEY } from './job-event.js';
import {
  parseConfiguration,
  secretPropertyNames,
  type ConfigurationOf,
  type ConfigurationSpec,
} from './job-worker-config.js';
import { JobRun, type JobContext, type JobHandlerResult, type JobRunOptions } from './job-run.js';
import { buildFailureInput } from './report.js';
import type { Job, ReportOutcome } from './types.js';

/** The custom action type a worker serves (owner is always `Custom`). */
export interface CustomActionTypeId {
  readonly category: string;
  readonly provider: string;
  /** @default '1' */
  readonly version?: string;
}

/** A job handed to the worker's function: the parsed job plus its typed configuration. */
export interface WorkerJob<TConfig> extends Job<string | undefined> {
  /** The action configuration read through the worker's `configuration` spec. */
  readonly config: TConfig;
  readonly actionTypeId: { category: string; owner: string; provider: string; version: string };
  /** Aborted when the worker gives up on the job (shutdown grace period or job budget over). */
  readonly signal: AbortSignal;
}

/**
 * The work of one job. Return success details (or nothing) to succeed, throw to fail (the error is mapped
 * like in `withJob`), or report yourself with `run.succeed` / `run.fail` / `run.continueLater`.
 */
export type WorkerJobFunction<TConfig, TState> = (
  job: WorkerJob<TConfig>,
  run: JobRun<string | undefined, TState>,
) => Promise<JobHandlerResult> | JobHandlerResult;

/** What a worker module defines: how to read the configuration and state, and the work. */
export interface JobWorkerDefinition<
  TSpec extends ConfigurationSpec | undefined = undefined,
  TState = unknown,
> {
  /** @default - the configuration as the raw string map */
  readonly configuration?: TSpec;
  /** Schema of the continuation state. @default - not checked */
  readonly stateSchema?: $ZodType<TState>;
  readonly run: WorkerJobFunction<ConfigurationOf<TSpec>, TState>;
}

/** Options of {@link JobWorker}. */
export interface JobWorkerOptions<
  TSpec extends ConfigurationSpec | undefined = undefined,
  TState = unknown,
> extends JobWorkerDefinition<TSpec, TState> {
  readonly actionType: CustomActionTypeId;
  /** Jobs worked on at the same time. @default 1 */
  readonly concurrency?: number;
  /** Only jobs whose queryable property has this value (at most one entry). @default - all jobs */
  readonly queryParam?: Readonly<Record<string, string>>;
  /** @default - one CodePipelineClient per container, configured from the environment */
  readonly client?: Pick<CodePipelineClient, 'send'>;
  /** Wait after an empty poll, doubled up to `maxMs`, with full jitter. @default { initialMs: 1000, maxMs: 30000 } */
  readonly idleBackoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** How long `stop()` lets in-flight jobs finish before failing them. @default 30000 */
  readonly shutdownGraceMs?: number;
  /** Time budget of one job; when over, the job fails (or continues from its checkpoint). @default - none */
  readonly jobTimeoutMs?: number;
  /**
   * The Lambda context when the worker runs inside a function (event-driven mode): each job reports
   * (fails, or continues from its checkpoint) shortly before the invocation times out.
   * @default - none
   */
  readonly context?: JobContext;
  /** The worker's own logger (job logs go to each job's logger). @default - a Powertools Logger */
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** Powertools Logger options of each job's logger. @default - Powertools defaults and environment */
  readonly loggerOptions?: JobRunOptions['loggerOptions'];
  /** Called after each job ends (for metrics and tests). @default - none */
  readonly onJobDone?: (jobId: string, outcome: ReportOutcome | { abandoned: string }) => void;
  /** Source of randomness for the jitter (tests). @default Math.random */
  readonly random?: () => number;
}

/** Counters of a worker. */
export interface JobWorkerStats {
  polls: number;
  emptyPolls: number;
  received: number;
  acknowledged: number;
  /** Jobs another worker acknowledged first (InvalidNonceException). */
  lostToOtherWorker: number;
  /** Jobs handed out again that this worker had already started (skipped). */
  duplicates: number;
  succeeded: number;
  failed: number;
  continued: number;
  failedOnShutdown: number;
}

/** The worker's options are invalid (the message names the option). */
export class JobWorkerConfigError extends CodePipelineKitError {
  public constructor(message: string) {
    super(message, { failureType: 'ConfigurationError' });
    this.name = 'JobWorkerConfigError';
  }
}

const SEEN_JOB_IDS_MAX = 10_000;
const QUERY_VALUE = /^[a-zA-Z0-9_-]{1,50}$/;
const CATEGORIES = ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute'];

interface InFlight {
  /** Undefined for a job that could not be read (its failure is being reported). */
  readonly run: JobRun<string | undefined, unknown> | undefined;
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

/**
 * A job worker for a custom action type: polls for jobs (backing off with jitter while idle), acknowledges
 * each with its nonce (a job another worker took is skipped), runs your function with a typed job, and
 * reports the result exactly once through the toolkit's {@link JobRun}. At most `concurrency` jobs run at
 * once; a job id is never started twice; `stop()` stops polling and gives in-flight jobs a grace period,
 * then fails the ones still running with a clear message.
 *
 * @example
 * ```ts
 * const worker = new JobWorker({
 *   actionType: { category: 'Test', provider: 'SecretScan', version: '1' },
 *   configuration: [{ name: 'Profile', required: true }] as const,
 *   concurrency: 4,
 *   run: async (job) => ({ summary: `profile ${job.config.Profile}` }),
 * });
 * worker.start();
 * process.on('SIGTERM', () => void worker.stop());
 * ```
 */
export class JobWorker<TSpec extends ConfigurationSpec | undefined = undefined, TState = unknown> {
  public readonly stats: JobWorkerStats = {
    polls: 0,
    emptyPolls: 0,
    received: 0,
    acknowledged: 0,
    lostToOtherWorker: 0,
    duplicates: 0,
    succeeded: 0,
    failed: 0,
    continued: 0,
    failedOnShutdown: 0,
  };
  private readonly client: Pick<CodePipelineClient, 'send'>;
  private readonly logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  private readonly concurrency: number;
  private readonly actionTypeId: { category: string; owner: string; provider: string; version: string };
  private readonly inFlight = new Map<string, InFlight>();
  private readonly seen = new Set<string>();
  private readonly secretKeys: string[];
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly wakers = new Set<() => void>();
  private stopped: Promise<void> | undefined;

  public constructor(private readonly options: JobWorkerOptions<TSpec, TState>) {
    const { actionType, concurrency = 1, queryParam } = options;
    if (!actionType?.category || !actionType.provider) {
      throw new JobWorkerConfigError('actionType needs a category and a provider');
    }
    if (!CATEGORIES.includes(actionType.category)) {
      throw new JobWorkerConfigError(
        `actionType.category '${actionType.category}' must be one of ${CATEGORIES.join(', ')}`,
      );
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new JobWorkerConfigError(`concurrency must be a whole number >= 1, got ${String(concurrency)}`);
    }
    const entries = Object.entries(queryParam ?? {});
    if (entries.length > 1) throw new JobWorkerConfigError('queryParam takes at most one property');
    for (const [k, v] of entries) {
      if (!QUERY_VALUE.test(v)) {
        throw new JobWorkerConfigError(`queryParam ${k}: value must be 1-50 characters of [a-zA-Z0-9_-]`);
      }
    }
    this.concurrency = concurrency;
    this.actionTypeId = { ...actionType, owner: 'Custom', version: actionType.version ?? '1' };
    this.client = options.client ?? getCodePipelineClient();
    this.logger = options.logger ?? new Logger({ serviceName: `job-worker-${actionType.provider}` });
    this.secretKeys = secretPropertyNames(options.configuration);
  }

  /** Jobs running now. */
  public get activeJobs(): number {
    return this.inFlight.size;
  }

  /** Starts the polling loop; resolves when the worker has stopped. */
  public start(): Promise<void> {
    if (this.stopping) throw new JobWorkerConfigError('this worker was stopped; create a new one');
    this.loop ??= this.pollLoop();
    return this.loop;
  }

  /**
   * One poll for as many jobs as there are free slots; starts each job and returns how many started.
   * Used by the event-driven handler; `start()` calls it in a loop.
   */
  public async pollOnce(): Promise<number> {
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0 || this.stopping) return 0;
    this.stats.polls++;
    const out = await this.client.send(
      new PollForJobsCommand({
        actionTypeId: this.actionTypeId as ActionTypeId,
        maxBatchSize: free,
        queryParam: this.options.queryParam && { ...this.options.queryParam },
      }),
    );
    const jobs = out.jobs ?? [];
    if (jobs.length === 0) this.stats.emptyPolls++;
    // Acknowledge the batch concurrently: each job starts as soon as its own acknowledgement is back.
    const taken = await Promise.all(jobs.map((job) => this.take(job)));
    return taken.filter(Boolean).length;
  }

  /** Resolves when no job is in flight. */
  public async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race([...this.inFlight.values()].map((f) => f.done));
  }

  /**
   * Stops polling, waits up to the grace period for in-flight jobs, then fails those still running
   * ("the job worker shut down before the job finished") and aborts their signal. Idempotent.
   */
  public stop(graceMs = this.options.shutdownGraceMs ?? 30_000): Promise<void> {
    this.stopped ??= this.shutdown(graceMs);
    return this.stopped;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
    await this.loop?.catch(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const graceOver = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)),
    );
    const result = await Promise.race([this.idle().then(() => 'idle' as const), graceOver]);
    clearTimeout(timer);
    if (result === 'idle') return;
    const left = [...this.inFlight.entries()];
    this.logger.warn('grace period over; failing jobs still in flight', { jobs: left.length, graceMs });
    await Promise.all(
      left.map(async ([jobId, f]) => {
        f.abort.abort(new Error('job worker shut down'));
        this.stats.failedOnShutdown++;
        if (!f.run) return;
        const outcome = await f.run
          .fail(
            'JobFailed',
            `the job worker shut down before the job finished (grace period of ${graceMs} ms elapsed); run the action again`,
          )
          .catch((err: unknown) => ({ abandoned: (err as Error).message }));
        this.inFlight.delete(jobId);
        this.options.onJobDone?.(jobId, outcome);
      }),
    );
  }

  private async pollLoop(): Promise<void> {
    const initial = this.options.idleBackoff?.initialMs ?? 1_000;
    const max = Math.max(initial, this.options.idleBackoff?.maxMs ?? 30_000);
    let delay = initial;
    while (!this.stopping) {
      if (this.inFlight.size >= this.concurrency) {
        await Promise.race([...[...this.inFlight.values()].map((f) => f.done), this.sleep(max)]);
        continue;
      }
      let started = 0;
      try {
        started = await this.pollOnce();
      } catch (err) {
        this.logger.error('PollForJobs failed; backing off', { error: err });
        delay = max;
      }
      if (started > 0) {
        delay = initial;
        continue;
      }
      // Full jitter: spread idle workers so they do not poll in lockstep.
      await this.sleep(Math.round((this.options.random ?? Math.random)() * delay));
      delay = Math.min(max, delay * 2);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  /** Acknowledges and starts one polled job; false when it was skipped. */
  private async take(apiJob: ApiJob): Promise<boolean> {
    this.stats.received++;
    const jobId = apiJob.id;
    if (!jobId || !apiJob.nonce) {
      this.logger.warn('PollForJobs returned a job without id or nonce; skipped');
      return false;
    }
    if (this.seen.has(jobId)) {
      this.stats.duplicates++;
      this.logger.warn('job was handed out again after this worker started it; skipped', { jobId });
      return false;
    }
    try {
      const { status } = await this.client.send(new AcknowledgeJobCommand({ jobId, nonce: apiJob.nonce }));
      if (status && status !== 'InProgress') {
        this.logger.warn('job is no longer open after AcknowledgeJob; skipped', { jobId, status });
        return false;
      }
    } catch (err) {
      if ((err as Error).name === 'InvalidNonceException') {
        this.stats.lostToOtherWorker++;
        this.logger.info('another worker acknowledged the job first; skipped', { jobId });
      } else {
        this.logger.error('AcknowledgeJob failed; the job will be handed out again', { jobId, error: err });
      }
      return false;
    }
    this.stats.acknowledged++;
    this.remember(jobId);
    this.launch(apiJob);
    return true;
  }

  private remember(jobId: string): void {
    this.seen.add(jobId);
    if (this.seen.size > SEEN_JOB_IDS_MAX) this.seen.delete(this.seen.values().next().value!);
  }

  private launch(apiJob: ApiJob): void {
    const jobId = apiJob.id!;
    const deadline = this.options.jobTimeoutMs ? Date.now() + this.options.jobTimeoutMs : undefined;
    const timeSource: JobContext | undefined =
      deadline === undefined
        ? this.options.context
        : {
            getRemainingTimeInMillis: () =>
              Math.min(deadline - Date.now(), this.options.context?.getRemainingTimeInMillis?.() ?? Infinity),
          };
    let run: JobRun<string | undefined, TState>;
    try {
      run = JobRun.fromEvent<'raw', TState>({ [JOB_EVENT_KEY]: apiJob }, timeSource, {
        client: this.client,
        stateSchema: this.options.stateSchema,
        secretConfigurationKeys: this.secretKeys,
        loggerOptions: this.options.loggerOptions,
        timeoutMarginMs: timeSource === undefined ? false : this.options.context ? undefined : 0,
      });
    } catch (err) {
      // A job the toolkit cannot read (malformed data): fail it rather than leave it to time out.
      const message = `the job worker could not read the job: ${(err as Error).message}`;
      this.logger.error('malformed job', { jobId, error: message });
      const done = this.client
        .send(new PutJobFailureResultCommand(buildFailureInput(jobId, 'JobFailed', message)))
        .then(
          () =>
            this.finished(jobId, { kind: 'failed', failureType: 'JobFailed', message, alreadyClosed: false }),
          (e: unknown) => this.finished(jobId, { abandoned: (e as Error).message }),
        );
      this.inFlight.set(jobId, { run: undefined, abort: new AbortController(), done });
      return;
    }
    const abort = new AbortController();
    const done = run
      .execute(async (r) => {
        const job: WorkerJob<ConfigurationOf<TSpec>> = {
          ...r.job,
          config: parseConfiguration(this.options.configuration as TSpec, r.job.configuration),
          actionTypeId: { ...this.actionTypeId, ...(apiJob.data?.actionTypeId as object) },
          signal: AbortSignal.any([abort.signal, r.signal]),
        };
        return this.options.run(job, r);
      })
      .then(
        (outcome) => this.finished(jobId, outcome),
        (err: unknown) => {
          this.logger.error('job ended without a report', { jobId, error: err });
          this.finished(jobId, { abandoned: (err as Error).message });
        },
      );
    this.inFlight.set(jobId, { run: run as JobRun<string | undefined, unknown>, abort, done });
  }

  private finished(jobId: string, outcome: ReportOutcome | { abandoned: string }): void {
    if (!this.inFlight.delete(jobId)) return; // already failed by the shutdown
    if ('kind' in outcome && !outcome.alreadyClosed) {
      if (outcome.kind === 'succeeded') this.stats.succeeded++;
      else if (outcome.kind === 'failed') this.stats.failed++;
      else this.stats.continued++;
    }
    this.options.onJobDone?.(jobId, outcome);
  }
}
