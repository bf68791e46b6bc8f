import type { PutJobFailureResultInput, PutJobSuccessResultInput } from '@aws-sdk/client-codepipeline';
import { randomUUID } from 'node:crypto';
import { serviceError } from '../../errors.js';
import { resolveFunctionName } from '../../functions-file.js';
import { getActionRun, type ActionRunRow } from '../../store/action-run-repo.js';
import { getJob, insertJob, listJobsOfActionRun, updateJob, type JobRow } from '../../store/job-repo.js';
import type { TimerHandle } from '../clock.js';
import { newJobCredentials } from '../job-credentials.js';
import {
  applyJobSuccess,
  checkOutputVariablesSize,
  invalidJobState,
  jobArtifactData,
} from './job-results.js';
import type { ActionRunner, RunnerContext } from './runner.js';

/** Timing of Lambda Invoke actions. */
export interface LambdaInvokeOptions {
  /** A job without PutJobSuccessResult/PutJobFailureResult within this fails its action. @default 1200000 (20 min, AWS) */
  readonly replyTimeoutMs?: number;
  /** An action with continuations fails after this much time in all. @default 86400000 (24 h, AWS) */
  readonly maxActionMs?: number;
  /** Delays before the two retries of an asynchronous invocation that failed. @default [1000, 2000] */
  readonly retryDelaysMs?: readonly number[];
}

/**
 * Runs `Invoke / AWS / Lambda` actions the way CodePipeline does: each job invokes the function
 * asynchronously with the `CodePipeline.job` event (job-scoped artifact credentials, artifact locations in the
 * artifact store); the action's result comes only from PutJobSuccessResult / PutJobFailureResult; a continuation
 * token creates a new job and re-invokes; no result within the reply timer fails the action.
 *
 * @example
 * const runner = new LambdaInvokeRunner(ctx, { replyTimeoutMs: 5_000 });
 * runner.start(actionRun);
 */
export class LambdaInvokeRunner implements ActionRunner {
  private readonly timers = new Map<string, TimerHandle>();
  private closed = false;
  private readonly replyTimeoutMs: number;
  private readonly maxActionMs: number;
  private readonly retryDelaysMs: readonly number[];

  constructor(
    private readonly ctx: RunnerContext,
    options: LambdaInvokeOptions = {},
  ) {
    this.replyTimeoutMs = options.replyTimeoutMs ?? 20 * 60_000;
    this.maxActionMs = options.maxActionMs ?? 24 * 3_600_000;
    this.retryDelaysMs = options.retryDelaysMs ?? [1000, 2000];
  }

  start(run: ActionRunRow): void {
    let job!: JobRow;
    this.ctx.commit(() => {
      job = this.createJob(run, null);
    });
    this.dispatch(job.id);
  }

  resume(run: ActionRunRow): void {
    const open = listJobsOfActionRun(this.ctx.db, run.id).filter(
      (j) => j.status === 'Created' || j.status === 'InProgress',
    );
    const job = open.at(-1);
    if (job) this.dispatch(job.id);
    else this.start(run);
  }

  abandon(run: ActionRunRow): void {
    for (const job of listJobsOfActionRun(this.ctx.db, run.id)) this.clearTimer(job.id);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  /** PutJobSuccessResult for a Lambda job. */
  putJobSuccessResult(job: JobRow, input: PutJobSuccessResultInput): void {
    if (input.continuationToken !== undefined && input.outputVariables) {
      throw serviceError(
        'ValidationException',
        'outputVariables cannot be set when continuationToken is set',
      );
    }
    checkOutputVariablesSize(job.id, input.outputVariables);
    let next: JobRow | undefined;
    this.ctx.commit(() => {
      const run = this.openRun(job.id);
      this.clearTimer(job.id);
      next = applyJobSuccess(this.ctx, run, job.id, input, (r, token) => this.createJob(r, token));
    });
    if (next) this.dispatch(next.id);
  }

  /** PutJobFailureResult for a Lambda job. */
  putJobFailureResult(job: JobRow, input: PutJobFailureResultInput): void {
    this.ctx.commit(() => {
      const run = this.openRun(job.id);
      this.clearTimer(job.id);
      const f = input.failureDetails!;
      const ended = this.ctx.complete(
        run.id,
        {
          status: 'Failed',
          errorCode: f.type,
          errorMessage: f.message,
          summary: f.message,
          externalExecutionId: f.externalExecutionId,
        },
        () =>
          updateJob(
            this.ctx.db,
            job.id,
            { status: 'Failed', result: { failed: f.type } },
            this.ctx.clock.now(),
          ),
      );
      if (!ended) throw invalidJobState(job.id);
    });
  }

  /** The action run of a job that may still take a result, else InvalidJobStateException. */
  private openRun(jobId: string): ActionRunRow {
    const job = getJob(this.ctx.db, jobId);
    if (!job) throw serviceError('JobNotFoundException', `Job ${jobId} was not found`);
    const run = getActionRun(this.ctx.db, job.actionRunId);
    if ((job.status !== 'InProgress' && job.status !== 'Created') || !run || run.status !== 'InProgress') {
      throw invalidJobState(jobId, job.status);
    }
    return run;
  }

  private createJob(run: ActionRunRow, continuationToken: string | null): JobRow {
    const now = this.ctx.clock.now();
    const creds = newJobCredentials(now);
    return insertJob(this.ctx.db, {
      id: randomUUID(),
      actionRunId: run.id,
      kind: 'lambda',
      continuationToken,
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      credentialsExpireAt: creds.expiresAt,
      replyDeadline: Math.min(now + this.replyTimeoutMs, run.startedAt + this.maxActionMs),
      actionDeadline: run.startedAt + this.maxActionMs,
      createdAt: now,
    });
  }

  /** Invokes the function for a job (again, after a restart: same job id) and arms its reply timer. */
  private dispatch(jobId: string): void {
    const job = getJob(this.ctx.db, jobId);
    if (!job) return;
    const run = getActionRun(this.ctx.db, job.actionRunId);
    if (!run || run.status !== 'InProgress') return;
    const functionName = run.resolvedConfiguration?.FunctionName ?? '';
    const fn = resolveFunctionName(this.ctx.functions(), functionName);
    if (!fn) {
      const known = this.ctx.functions().map((f) => f.name);
      const message =
        `Lambda function "${functionName}" is not defined locally: add it to the --functions file` +
        (known.length ? ` (defined: ${known.join(', ')})` : ' (no functions are defined)');
      this.ctx.commit(() => {
        this.ctx.complete(
          run.id,
          { status: 'Failed', errorCode: 'ConfigurationError', errorMessage: message, summary: message },
          () => updateJob(this.ctx.db, job.id, { status: 'Failed' }, this.ctx.clock.now()),
        );
      });
      return;
    }
    this.ctx.commit(() => {
      updateJob(
        this.ctx.db,
        job.id,
        { status: 'InProgress', attempt: job.attempt + 1 },
        this.ctx.clock.now(),
      );
    });
    this.armTimer(job);
    const event = this.eventFor(run, job);
    const isOpen = (): boolean => {
      const j = getJob(this.ctx.db, job.id);
      return j?.status === 'InProgress' || j?.status === 'Created';
    };
    void this.ctx.runtime
      .invokeAsync(fn, event, { retryDelaysMs: this.retryDelaysMs, shouldRetry: isOpen })
      .then((results) => {
        const last = results.at(-1)!;
        // on shutdown the worker is killed: the job stays open and is invoked again after the restart
        if (last.ok || !isOpen() || this.closed) return;
        const message =
          `Lambda function ${fn.name} failed on all ${results.length} invocation attempts of job ${job.id}: ` +
          `${last.error?.errorType}: ${last.error?.errorMessage}`;
        this.ctx.commit(() => {
          this.clearTimer(job.id);
          this.ctx.complete(
            run.id,
            { status: 'Failed', errorCode: 'JobFailed', errorMessage: message, summary: message },
            () =>
              updateJob(
                this.ctx.db,
                job.id,
                { status: 'Failed', result: { invocationError: last.error?.errorType } },
                this.ctx.clock.now(),
              ),
          );
        });
      })
      .catch(() => {
        // the runtime closed while the engine shuts down: the job stays open and is re-invoked on restart
      });
  }

  private armTimer(job: JobRow): void {
    if (job.replyDeadline === null) return;
    this.clearTimer(job.id);
    this.timers.set(
      job.id,
      this.ctx.clock.at(job.replyDeadline, () => this.onReplyTimeout(job.id)),
    );
  }

  private clearTimer(jobId: string): void {
    this.timers.get(jobId)?.cancel();
    this.timers.delete(jobId);
  }

  private onReplyTimeout(jobId: string): void {
    this.timers.delete(jobId);
    const job = getJob(this.ctx.db, jobId);
    if (!job || (job.status !== 'InProgress' && job.status !== 'Created')) return;
    const run = getActionRun(this.ctx.db, job.actionRunId);
    if (!run) return;
    const total =
      job.actionDeadline !== null && job.replyDeadline !== null && job.replyDeadline >= job.actionDeadline;
    const message = total
      ? `The action did not complete within ${Math.round(this.maxActionMs / 1000)} seconds in all (job ${jobId})`
      : `The Lambda function ${run.resolvedConfiguration?.FunctionName} did not call PutJobSuccessResult or PutJobFailureResult ` +
        `for job ${jobId} within the reply timeout of ${Math.round(this.replyTimeoutMs / 1000)} seconds`;
    this.ctx.commit(() => {
      this.ctx.complete(
        run.id,
        { status: 'Failed', errorCode: 'JobFailed', errorMessage: message, summary: message },
        () => updateJob(this.ctx.db, jobId, { status: 'TimedOut' }, this.ctx.clock.now()),
      );
    });
  }

  /** The `CodePipeline.job` event of a job (field-notes section 1). */
  private eventFor(run: ActionRunRow, job: JobRow): Record<string, unknown> {
    const data: Record<string, unknown> = {
      actionConfiguration: { configuration: run.resolvedConfiguration ?? {} },
      ...jobArtifactData(this.ctx, run, job, { withExpiration: true }),
    };
    return { 'CodePipeline.job': { id: job.id, accountId: this.ctx.accountId, data } };
  }
}
