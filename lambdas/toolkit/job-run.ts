import {
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  type CodePipelineClient,
  type PutJobFailureResultInput,
  type PutJobSuccessResultInput,
} from '@aws-sdk/client-codepipeline';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import { safeParse, type $ZodType } from 'zod/v4/core';
import { getCodePipelineClient } from './client.js';
import { failureFromError } from './error-mapping.js';
import { ContinuationStateError, JobReportError, UserParametersError } from './errors.js';
import { parseJobEvent, type UserParametersOf, type UserParametersSpec } from './job-event.js';
import { createJobLogger, Redactor } from './logger.js';
import {
  buildContinuationInput,
  buildFailureInput,
  buildSuccessInput,
  decodeContinuationState,
  encodeContinuationState,
} from './report.js';
import { TimeoutGuard, type RemainingTimeSource } from './timeout-guard.js';
import type {
  ContinueOptions,
  FailOptions,
  FailureType,
  Job,
  ReportOutcome,
  SucceedOptions,
} from './types.js';
import { describeZodIssues } from './zod-issues.js';

/**
 * Options shared by {@link JobRun}, `withJob` and `codePipelineJob`.
 * @example
 * ```ts
 * withJob(fn, { userParameters: schema, stateSchema, timeoutMarginMs: 5_000, rethrow: false });
 * ```
 */
export interface JobRunOptions<TSpec extends UserParametersSpec = 'raw', TState = unknown> {
  /**
   * How to read `UserParameters`: a zod 4 schema (zod or zod/mini), `'json'` or `'raw'`.
   * @default 'raw'
   */
  readonly userParameters?: TSpec;
  /**
   * Schema of the continuation state given back on the next invocation; a mismatch fails the job.
   * @default - the state is not checked
   */
  readonly stateSchema?: $ZodType<TState>;
  /**
   * The client that reports the result.
   * @default - one CodePipelineClient per container, configured from the environment
   */
  readonly client?: Pick<CodePipelineClient, 'send'>;
  /**
   * Configuration keys that the action type marks secret (their values are redacted from logs).
   * @default - none
   */
  readonly secretConfigurationKeys?: readonly string[];
  /**
   * Powertools Logger options for the job's logger.
   * @default - Powertools defaults and environment variables
   */
  readonly loggerOptions?: ConstructorOptions;
  /**
   * Report this many ms before Lambda's timeout, or `false` to turn the timeout guard off.
   * @default - the smaller of 3 s and 20% of the function's timeout
   */
  readonly timeoutMarginMs?: number | false;
  /**
   * Rethrow a handler's error after reporting it (Lambda then retries the async invocation, and the
   * retry finds the job closed).
   * @default false
   */
  readonly rethrow?: boolean;
}

/**
 * A Lambda context, as far as the toolkit reads it.
 * @example
 * ```ts
 * const context: JobContext = { getRemainingTimeInMillis: () => 30_000 };
 * ```
 */
export type JobContext = RemainingTimeSource;

/**
 * What a handler wrapped by `withJob` may return: success details, or nothing.
 * @example
 * ```ts
 * const result: JobHandlerResult = { summary: 'done', outputVariables: { version: '1.2.3' } };
 * ```
 */
export type JobHandlerResult = SucceedOptions | void | undefined;

/**
 * The one core of the job toolkit: a job and the exactly-once report of its result.
 *
 * The first of `succeed`, `fail` and `continueLater` reports; later calls in the same invocation are
 * no-ops that return the first outcome and log a warning. InvalidJobStateException means the job is no
 * longer open: the outcome is `{ alreadyClosed: true }` (never a success). A timeout guard reports
 * failure, or `continueLater(checkpoint)`, shortly before Lambda's timeout.
 *
 * @example
 * ```ts
 * const run = JobRun.fromEvent(event, context, { userParameters: z.object({ url: z.url() }) });
 * await run.execute(async (r) => ({ summary: `checked ${r.params.url}` }));
 * ```
 */
export class JobRun<TParams = string | undefined, TState = unknown> {
  /** The job's logger (context keys, secrets redacted). */
  public readonly logger: Logger;
  private readonly redactor = new Redactor();
  private readonly client: Pick<CodePipelineClient, 'send'>;
  private readonly guard: TimeoutGuard | undefined;
  private readonly abort = new AbortController();
  private readonly guardFired: Promise<ReportOutcome>;
  private resolveGuard!: (outcome: ReportOutcome) => void;
  private reporting: Promise<ReportOutcome> | undefined;
  private settled: ReportOutcome | undefined;
  private savedCheckpoint: { state: TState } | undefined;
  private decodedState: TState | undefined;

  private constructor(
    /** The validated job. */
    public readonly job: Job<TParams>,
    context: JobContext | undefined,
    private readonly options: JobRunOptions<UserParametersSpec, TState>,
    private setupError: Error | undefined,
  ) {
    this.logger = createJobLogger({
      job,
      redactor: this.redactor,
      secretConfigurationKeys: options.secretConfigurationKeys,
      loggerOptions: options.loggerOptions,
    });
    // Powertools adds function name, request id and cold start when given a real Lambda context.
    if (typeof (context as { awsRequestId?: unknown } | undefined)?.awsRequestId === 'string') {
      this.logger.addContext(context as Parameters<Logger['addContext']>[0]);
    }
    this.client = options.client ?? getCodePipelineClient();
    this.guardFired = new Promise((resolve) => (this.resolveGuard = resolve));
    if (options.timeoutMarginMs !== false) {
      this.guard = new TimeoutGuard(context, options.timeoutMarginMs, () => void this.onTimeout());
    }
  }

  /**
   * Parses the event and prepares the run. Throws `JobEventError` only when the event is not a
   * CodePipeline job (no job id to report to); bad user parameters or continuation state are reported
   * as a failure by {@link JobRun.begin}.
   */
  public static fromEvent<TSpec extends UserParametersSpec = 'raw', TState = unknown>(
    event: unknown,
    context: JobContext | undefined,
    options: JobRunOptions<TSpec, TState> = {},
  ): JobRun<UserParametersOf<TSpec>, TState> {
    let job: Job<unknown>;
    let setupError: Error | undefined;
    try {
      job = parseJobEvent(event, { userParameters: options.userParameters ?? 'raw' });
    } catch (err) {
      if (!(err instanceof UserParametersError)) throw err;
      job = err.job;
      setupError = err;
    }
    const run = new JobRun(job as Job<UserParametersOf<TSpec>>, context, options, setupError);
    if (!setupError && job.continuationToken !== undefined) run.readState(job.continuationToken);
    return run;
  }

  /** The user parameters (typed by the schema given). */
  public get params(): TParams {
    return this.job.userParameters;
  }

  /** The state given to `continueLater` by the previous invocation, if this job is a continuation. */
  public get state(): TState | undefined {
    return this.decodedState;
  }

  /** True when this job continues earlier work (the event carries a continuation token). */
  public get isContinuation(): boolean {
    return this.job.continuationToken !== undefined;
  }

  /** The outcome of the report, once reported. */
  public get outcome(): ReportOutcome | undefined {
    return this.settled;
  }

  /** Aborted when the timeout guard fires; pass it to fetch and other cancellable work. */
  public get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Time left before the timeout guard reports, in ms (Infinity outside Lambda). */
  public remainingTimeMs(): number {
    return this.guard ? this.guard.remainingBudgetMs() : Number.POSITIVE_INFINITY;
  }

  /** Saves state that the timeout guard sends with `continueLater` instead of failing the job. */
  public checkpoint(state: TState): void {
    encodeContinuationState(state);
    this.savedCheckpoint = { state };
  }

  /** Reports success (PutJobSuccessResult), after checking every AWS limit. */
  public succeed(options: SucceedOptions = {}): Promise<ReportOutcome> {
    return this.report('succeeded', () => {
      const input = buildSuccessInput(this.job.id, options);
      return { input, outcome: { kind: 'succeeded', message: input.executionDetails?.summary } };
    });
  }

  /** Reports failure (PutJobFailureResult) with one of the six failure types. */
  public fail(type: FailureType, message: string, options: FailOptions = {}): Promise<ReportOutcome> {
    return this.report('failed', () => {
      const input = buildFailureInput(this.job.id, type, message, options.externalExecutionId);
      const { message: sent } = input.failureDetails!;
      return { input, outcome: { kind: 'failed', failureType: type, message: sent } };
    });
  }

  /**
   * Keeps the action in progress: PutJobSuccessResult with `state` serialized as JSON into the
   * continuation token (at most 2048 chars). CodePipeline invokes the function again with a new job
   * whose {@link JobRun.state} is this state.
   */
  public continueLater(state: TState, options: ContinueOptions = {}): Promise<ReportOutcome> {
    return this.report('continued', () => {
      const input = buildContinuationInput(this.job.id, encodeContinuationState(state), options);
      return { input, outcome: { kind: 'continued', message: input.executionDetails?.summary } };
    });
  }

  /** Reports an error as a failure: its mapped type and a safe message (no stack, no secrets). */
  public reportError(err: unknown): Promise<ReportOutcome> {
    const { type, message } = failureFromError(err, this.redactor);
    return this.fail(type, message);
  }

  /**
   * Starts the run: reports a setup failure (bad user parameters or state) and returns false, else arms
   * the timeout guard and returns true.
   */
  public async begin(): Promise<boolean> {
    if (this.setupError) {
      this.logger.error('job cannot start', { error: this.setupError.message });
      await this.reportError(this.setupError);
      return false;
    }
    this.guard?.start();
    return true;
  }

  /** Ends a run whose handler returned: reports success with `result` unless something was reported. */
  public async finish(result: JobHandlerResult): Promise<ReportOutcome> {
    this.dispose();
    return this.settled ?? (await (this.reporting ?? this.succeed(result ?? {})));
  }

  /**
   * Ends a run whose handler threw: reports the error unless something was reported, then returns the
   * outcome (or rethrows when `rethrow` is set). A failed report call is always rethrown.
   */
  public async handleError(err: unknown): Promise<ReportOutcome> {
    this.dispose();
    if (err instanceof JobReportError) {
      this.logger.error('could not report the job result', { error: err, cause: err.cause });
      throw err;
    }
    const reported = this.settled ?? (await this.reporting?.catch(() => undefined));
    this.logger.error(reported ? 'handler threw after the job was reported' : 'handler failed', {
      error: err,
    });
    const outcome = reported ?? (await this.reportError(err));
    if (this.options.rethrow) throw err;
    return outcome;
  }

  /** Runs `fn` with begin/finish/handleError and the timeout guard; the core of `withJob`. */
  public async execute(
    fn: (run: this) => Promise<JobHandlerResult> | JobHandlerResult,
  ): Promise<ReportOutcome> {
    if (!(await this.begin())) return this.settled!;
    try {
      const raced = await Promise.race([
        Promise.resolve(fn(this)).then((result) => ({ result })),
        this.guardFired.then((outcome) => ({ outcome })),
      ]);
      return 'outcome' in raced ? raced.outcome : await this.finish(raced.result);
    } catch (err) {
      return await this.handleError(err);
    } finally {
      this.dispose();
    }
  }

  /** Disarms the timeout guard. */
  public dispose(): void {
    this.guard?.stop();
  }

  private readState(token: string): void {
    this.redactor.addSecretValues([token]);
    const raw = decodeContinuationState(token);
    if (!this.options.stateSchema) {
      this.decodedState = raw as TState;
      return;
    }
    const result = safeParse(this.options.stateSchema, raw);
    if (result.success) this.decodedState = result.data;
    else {
      this.setupError = new ContinuationStateError(
        `continuation state does not match the handler's state schema: ${describeZodIssues(result.error.issues, raw, 'state')}`,
      );
    }
  }

  private async onTimeout(): Promise<void> {
    if (this.settled || this.reporting) return;
    this.abort.abort(new Error('the job run reached its time budget'));
    const budget = this.guard!;
    try {
      const outcome = this.savedCheckpoint
        ? await this.continueLater(this.savedCheckpoint.state, {
            summary: 'time budget of this invocation used; continuing from the last checkpoint',
          })
        : await this.fail(
            'JobFailed',
            `timed out: the handler did not report within the function's time budget (timeout ${budget.functionTimeoutMs} ms, margin ${budget.marginMs} ms)`,
          );
      this.resolveGuard(outcome);
    } catch (err) {
      this.logger.error('timeout guard could not report the job', { error: err });
    }
  }

  private async report(
    kind: ReportOutcome['kind'],
    build: () => {
      input: PutJobSuccessResultInput | PutJobFailureResultInput;
      outcome: Omit<ReportOutcome, 'alreadyClosed'>;
    },
  ): Promise<ReportOutcome> {
    if (this.settled || this.reporting) {
      const first = this.settled ?? (await this.reporting!);
      this.logger.warn('job already reported in this invocation; ignoring the second report', {
        first: first.kind,
        ignored: kind,
      });
      return first;
    }
    const { input, outcome } = build(); // throws JobReportValidationError before any call
    const attempt = this.send(kind, input, outcome);
    this.reporting = attempt;
    try {
      this.settled = await attempt;
      return this.settled;
    } finally {
      this.reporting = undefined;
    }
  }

  private async send(
    kind: ReportOutcome['kind'],
    input: PutJobSuccessResultInput | PutJobFailureResultInput,
    outcome: Omit<ReportOutcome, 'alreadyClosed'>,
  ): Promise<ReportOutcome> {
    const command =
      kind === 'failed'
        ? new PutJobFailureResultCommand(input as PutJobFailureResultInput)
        : new PutJobSuccessResultCommand(input as PutJobSuccessResultInput);
    try {
      await this.client.send(command as PutJobSuccessResultCommand);
    } catch (err) {
      if ((err as { name?: string }).name === 'InvalidJobStateException') {
        this.logger.warn(
          'job is no longer open (InvalidJobStateException): an earlier delivery reported it, it timed out, or it was stopped',
          { attempted: kind },
        );
        return { ...outcome, alreadyClosed: true };
      }
      throw new JobReportError(
        `${kind === 'failed' ? 'PutJobFailureResult' : 'PutJobSuccessResult'} failed: ${(err as Error).name}: ${this.redactor.redactText((err as Error).message ?? '')}`,
        err,
      );
    }
    this.logger.info('job reported', { kind, failureType: outcome.failureType });
    return { ...outcome, alreadyClosed: false };
  }
}
