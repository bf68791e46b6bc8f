import type {
  ActionTypeId,
  PutJobFailureResultInput,
  PutJobSuccessResultInput,
} from '@aws-sdk/client-codepipeline';
import { randomBytes, randomUUID } from 'node:crypto';
import { serviceError } from '../../errors.js';
import { findActionType } from '../../store/action-type-repo.js';
import { getActionRun, type ActionRunRow } from '../../store/action-run-repo.js';
import {
  getCustomJob,
  insertCustomJob,
  listOpenCustomJobs,
  setClientToken,
  takeQueuedJobs,
  type CustomJobRow,
} from '../../store/custom-job-repo.js';
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

/** Timing of custom-action and third-party jobs. */
export interface CustomJobOptions {
  /** A job without a result this long after it was queued fails its action. @default 3600000 (1 h, AWS) */
  readonly jobTimeoutMs?: number;
  /** A job handed out but not acknowledged this long is handed out again. @default 60000 (local choice) */
  readonly ackTimeoutMs?: number;
}

/** Job kinds in the `jobs` table. */
export type CustomJobKind = 'custom' | 'third-party';

/** A job as PollForJobs returns it. */
export interface PolledJob {
  readonly id: string;
  readonly nonce: string;
  /** Third-party jobs: the partner's client id. */
  readonly clientId?: string | null;
  readonly accountId: string;
  readonly data: Record<string, unknown>;
}

/**
 * Runs actions of owner Custom and ThirdParty as CodePipeline does: one job per action run (and one per
 * continuation), queued in SQLite for PollForJobs / PollForThirdPartyJobs, handed to exactly one poller with
 * a nonce, acknowledged (InProgress), and closed by PutJob*Result. A job without a result within the job
 * timeout fails its action, so no pipeline hangs on a crashed worker. Third-party jobs are bound to the first
 * client token presented for them (local rule: there is no partner registration locally).
 *
 * @example
 * const runner = new CustomJobRunner(ctx, { jobTimeoutMs: 3_600_000 });
 * const jobs = runner.poll('custom', { actionTypeId, maxBatchSize: 5 });
 */
export class CustomJobRunner implements ActionRunner {
  private readonly timers = new Map<string, TimerHandle>();
  readonly jobTimeoutMs: number;
  readonly ackTimeoutMs: number;

  constructor(
    private readonly ctx: RunnerContext,
    options: CustomJobOptions = {},
  ) {
    this.jobTimeoutMs = options.jobTimeoutMs ?? 3_600_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 60_000;
  }

  start(run: ActionRunRow): void {
    let job!: JobRow;
    this.ctx.commit(() => {
      job = this.createJob(run, null);
    });
    this.armTimer(job.id, job.replyDeadline);
  }

  resume(run: ActionRunRow): void {
    const open = listJobsOfActionRun(this.ctx.db, run.id).filter(
      (j) => j.status === 'Created' || j.status === 'InProgress',
    );
    if (open.length === 0) return this.start(run);
    for (const j of open) this.armTimer(j.id, j.replyDeadline);
  }

  abandon(run: ActionRunRow): void {
    for (const job of listJobsOfActionRun(this.ctx.db, run.id)) this.clearTimer(job.id);
  }

  close(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  /** Re-arms the timeout of every open job after a restart (queued jobs stay queued). */
  rearm(): void {
    for (const j of listOpenCustomJobs(this.ctx.db)) this.armTimer(j.jobId, j.replyDeadline);
  }

  /** PollForJobs / PollForThirdPartyJobs: up to `maxBatchSize` jobs, each handed out once with a fresh nonce. */
  poll(
    kind: CustomJobKind,
    input: { actionTypeId: ActionTypeId; maxBatchSize?: number; queryParam?: Record<string, string> },
  ): PolledJob[] {
    const a = input.actionTypeId;
    const id = {
      category: `${a.category}`,
      owner: `${a.owner}`,
      provider: `${a.provider}`,
      version: `${a.version}`,
    };
    const owner = kind === 'custom' ? 'Custom' : 'ThirdParty';
    if (id.owner !== owner) {
      throw serviceError(
        'ValidationException',
        `${kind === 'custom' ? 'PollForJobs' : 'PollForThirdPartyJobs'} takes action types of owner ${owner}, got ${id.owner}`,
      );
    }
    const type = findActionType(this.ctx.db, id, { includeDeleted: true });
    if (!type) {
      throw serviceError(
        'ActionTypeNotFoundException',
        `Action type ${id.category}/${id.owner}/${id.provider}/${id.version} does not exist`,
      );
    }
    const queryable = type.configurationProperties.find((p) => p.queryable)?.name;
    const given = Object.entries(input.queryParam ?? {});
    if (!queryable && given.length > 0) {
      throw serviceError(
        'ValidationException',
        'queryParam must be empty: the action type has no queryable property',
      );
    }
    if (queryable && given.length > 0 && given[0][0] !== queryable) {
      throw serviceError(
        'ValidationException',
        `queryParam must use the queryable property ${queryable}, got ${given[0][0]}`,
      );
    }
    if (queryable && given.length === 0) {
      throw serviceError(
        'ValidationException',
        `queryParam must give a value for the queryable property ${queryable}`,
      );
    }
    const now = this.ctx.clock.now();
    let taken: CustomJobRow[] = [];
    this.ctx.commit(() => {
      taken = takeQueuedJobs(
        this.ctx.db,
        {
          actionTypeId: id,
          query: given.length ? { key: given[0][0], value: given[0][1] } : undefined,
          max: input.maxBatchSize ?? 1,
          redispatchBefore: now - this.ackTimeoutMs,
        },
        now,
        () => randomBytes(16).toString('hex'),
      );
    });
    return taken.map((c) => ({
      id: c.jobId,
      nonce: c.nonce!,
      accountId: this.ctx.accountId,
      clientId: c.clientId,
      data: this.jobData(c.jobId, kind),
    }));
  }

  /** AcknowledgeJob / AcknowledgeThirdPartyJob: the holder of the nonce moves the job to InProgress. */
  acknowledge(kind: CustomJobKind, jobId: string, nonce: string, clientToken?: string): string {
    const { job, queue } = this.find(kind, jobId, clientToken);
    if (!queue.nonce || queue.nonce !== nonce) {
      throw serviceError(
        'InvalidNonceException',
        `The nonce does not match job ${jobId}; another worker may have it`,
      );
    }
    if (job.status === 'Created') {
      this.ctx.commit(() =>
        updateJob(this.ctx.db, jobId, { status: 'InProgress', attempt: 1 }, this.ctx.clock.now()),
      );
      return 'InProgress';
    }
    return job.status;
  }

  /** GetJobDetails / GetThirdPartyJobDetails. */
  details(
    kind: CustomJobKind,
    jobId: string,
    clientToken?: string,
  ): { id: string; accountId: string; data: Record<string, unknown>; nonce?: string } {
    const { queue } = this.find(kind, jobId, clientToken);
    const base = { id: jobId, accountId: this.ctx.accountId, data: this.jobData(jobId, kind) };
    return kind === 'third-party' && queue.nonce ? { ...base, nonce: queue.nonce } : base;
  }

  /** GetJobDetails of a Lambda Invoke job (AWS answers it for every job, not only custom ones). */
  lambdaJobDetails(jobId: string): { id: string; accountId: string; data: Record<string, unknown> } {
    return { id: jobId, accountId: this.ctx.accountId, data: this.jobData(jobId, 'custom') };
  }

  /** PutJobSuccessResult / PutThirdPartyJobSuccessResult; false when the job is not of this kind. */
  putSuccess(kind: CustomJobKind, input: PutJobSuccessResultInput & { clientToken?: string }): boolean {
    const jobId = input.jobId!;
    if (getJob(this.ctx.db, jobId)?.kind !== kind) return false;
    this.find(kind, jobId, input.clientToken);
    if (input.continuationToken !== undefined && input.outputVariables) {
      throw serviceError(
        'ValidationException',
        'outputVariables cannot be set when continuationToken is set',
      );
    }
    checkOutputVariablesSize(jobId, input.outputVariables);
    let next: JobRow | undefined;
    this.ctx.commit(() => {
      const run = this.acknowledgedRun(jobId);
      next = applyJobSuccess(this.ctx, run, jobId, input, (r, token) => this.createJob(r, token));
    });
    this.clearTimer(jobId);
    if (next) this.armTimer(next.id, next.replyDeadline);
    return true;
  }

  /** PutJobFailureResult / PutThirdPartyJobFailureResult; false when the job is not of this kind. */
  putFailure(kind: CustomJobKind, input: PutJobFailureResultInput & { clientToken?: string }): boolean {
    const jobId = input.jobId!;
    if (getJob(this.ctx.db, jobId)?.kind !== kind) return false;
    this.find(kind, jobId, input.clientToken);
    const f = input.failureDetails!;
    this.ctx.commit(() => {
      const run = this.acknowledgedRun(jobId);
      const now = this.ctx.clock.now();
      const ended = this.ctx.complete(
        run.id,
        {
          status: 'Failed',
          errorCode: f.type,
          errorMessage: f.message,
          summary: f.message,
          externalExecutionId: f.externalExecutionId,
        },
        () => updateJob(this.ctx.db, jobId, { status: 'Failed', result: { failed: f.type } }, now),
      );
      if (!ended) throw invalidJobState(jobId);
    });
    this.clearTimer(jobId);
    return true;
  }

  private find(
    kind: CustomJobKind,
    jobId: string,
    clientToken?: string,
  ): { job: JobRow; queue: CustomJobRow } {
    const job = getJob(this.ctx.db, jobId);
    const queue = job?.kind === kind ? getCustomJob(this.ctx.db, jobId) : undefined;
    if (!job || !queue) throw serviceError('JobNotFoundException', `Job ${jobId} was not found`);
    if (kind === 'third-party') {
      if (!clientToken)
        throw serviceError('InvalidClientTokenException', `A client token is required for job ${jobId}`);
      if (queue.clientToken === null) this.ctx.commit(() => setClientToken(this.ctx.db, jobId, clientToken));
      else if (queue.clientToken !== clientToken) {
        throw serviceError('InvalidClientTokenException', `The client token does not match job ${jobId}`);
      }
    }
    return { job, queue };
  }

  /** The action run of an acknowledged, open job, else InvalidJobStateException. */
  private acknowledgedRun(jobId: string): ActionRunRow {
    const job = getJob(this.ctx.db, jobId)!;
    const run = getActionRun(this.ctx.db, job.actionRunId);
    if (job.status === 'Created') {
      throw serviceError(
        'InvalidJobStateException',
        `Job ${jobId} was not acknowledged: call AcknowledgeJob with its nonce first`,
      );
    }
    if (job.status !== 'InProgress' || !run || run.status !== 'InProgress')
      throw invalidJobState(jobId, job.status);
    return run;
  }

  private createJob(run: ActionRunRow, continuationToken: string | null): JobRow {
    const now = this.ctx.clock.now();
    const creds = newJobCredentials(now, Math.max(this.jobTimeoutMs, 15 * 60_000));
    const kind: CustomJobKind = run.owner === 'ThirdParty' ? 'third-party' : 'custom';
    const job = insertJob(this.ctx.db, {
      id: randomUUID(),
      actionRunId: run.id,
      kind,
      continuationToken,
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      credentialsExpireAt: creds.expiresAt,
      replyDeadline: now + this.jobTimeoutMs,
      actionDeadline: null,
      createdAt: now,
    });
    const actionTypeId = {
      category: run.category,
      owner: run.owner,
      provider: run.provider,
      version: run.typeVersion,
    };
    const type = findActionType(this.ctx.db, actionTypeId, { includeDeleted: true });
    const queryKey = type?.configurationProperties.find((p) => p.queryable)?.name;
    insertCustomJob(this.ctx.db, {
      jobId: job.id,
      actionTypeId,
      queryKey,
      queryValue: queryKey ? run.resolvedConfiguration?.[queryKey] : undefined,
      clientId: kind === 'third-party' ? randomUUID() : undefined,
    });
    return job;
  }

  /** The job data of PollForJobs / GetJobDetails (secret configuration values included: they are the worker's). */
  private jobData(jobId: string, kind: CustomJobKind): Record<string, unknown> {
    const job = getJob(this.ctx.db, jobId)!;
    const run = getActionRun(this.ctx.db, job.actionRunId)!;
    const region = run.region ?? this.ctx.region;
    return {
      actionTypeId: {
        category: run.category,
        owner: run.owner,
        provider: run.provider,
        version: run.typeVersion,
      },
      actionConfiguration: { configuration: run.resolvedConfiguration ?? {} },
      pipelineContext: {
        pipelineName: run.pipelineName,
        stage: { name: run.stageName },
        action: { name: run.actionName, actionExecutionId: run.id },
        // AWS sends pipelineArn and pipelineExecutionId for custom jobs only.
        ...(kind === 'custom'
          ? {
              pipelineArn: `arn:aws:codepipeline:${region}:${this.ctx.accountId}:${run.pipelineName}`,
              pipelineExecutionId: run.executionId,
            }
          : {}),
      },
      ...jobArtifactData(this.ctx, run, job, { withExpiration: false }),
    };
  }

  private armTimer(jobId: string, deadline: number | null): void {
    if (deadline === null) return;
    this.clearTimer(jobId);
    this.timers.set(
      jobId,
      this.ctx.clock.at(deadline, () => this.onTimeout(jobId)),
    );
  }

  private clearTimer(jobId: string): void {
    this.timers.get(jobId)?.cancel();
    this.timers.delete(jobId);
  }

  private onTimeout(jobId: string): void {
    this.timers.delete(jobId);
    const job = getJob(this.ctx.db, jobId);
    if (!job || (job.status !== 'InProgress' && job.status !== 'Created')) return;
    const acked = job.status === 'InProgress';
    const message =
      `Job ${jobId} ${acked ? 'was acknowledged but got no result' : 'was not picked up by a job worker'} ` +
      `within the job timeout of ${Math.round(this.jobTimeoutMs / 1000)} seconds`;
    this.ctx.commit(() => {
      this.ctx.complete(
        job.actionRunId,
        { status: 'Failed', errorCode: 'JobFailed', errorMessage: message, summary: message },
        () => updateJob(this.ctx.db, jobId, { status: 'TimedOut' }, this.ctx.clock.now()),
      );
    });
  }
}
