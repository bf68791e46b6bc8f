import type { ActionDeclaration, PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type { ExecutionEngineOptions, StartExecutionRequest } from './engine-options.js';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceError } from '../errors.js';
import type { LocalFunction } from '../functions-file.js';
import {
  findExecutionByToken,
  getExecution,
  insertExecution,
  listActiveExecutions,
  updateExecution,
  type ExecutionRow,
} from '../store/execution-repo.js';
import { checkRequestedRevisions } from './requested-revisions.js';
import {
  getActionRun,
  listInProgressActionRuns,
  updateActionRun,
  type ActionRunRow,
} from '../store/action-run-repo.js';
import { closeOpenJobsOfActionRun, getJob } from '../store/job-repo.js';
import { systemClock, type Clock } from './clock.js';
import { RecheckTimers } from './recheck-timers.js';
import { overrideStageCondition } from './condition-gates.js';
import type { ConditionKind } from '../store/condition-run-repo.js';
import { EventBus } from './events.js';
import { JobCredentialsAuthorizer } from './job-credentials.js';
import { LambdaRuntime } from './lambda-runtime.js';
import { LambdaInvokeRunner } from './action-runners/lambda-invoke.js';
import type { ActionOutcome, ActionRunner, RunnerContext } from './action-runners/runner.js';
import { S3SourceRunner } from './action-runners/s3-source.js';
import { LocalFolderSourceRunner } from './action-runners/local-folder-source.js';
import { CustomJobRunner } from './action-runners/custom-job.js';
import { ManualApprovalRunner } from './action-runners/manual-approval.js';
import { FunctionDelivery } from './function-delivery.js';
import { NotEmulatedRunner, SimulatedRunner, WaitingRunner } from './action-runners/simulated.js';
import { resolvePipelineVariables } from './pipeline-variables.js';
import { actionEvent, advanceExecution, pipelineEvent, type Effect } from './stage-run.js';
import { retryStage, rollbackStage, stopExecution } from './execution-control.js';

export type { ExecutionEngineOptions, StartExecutionRequest } from './engine-options.js';

/**
 * The local execution engine: runs pipeline executions with CodePipeline's semantics (stages in order, runOrder
 * groups, execution modes, transitions, stop, retry, rollback), persists every status change in one SQLite
 * transaction, and resumes in-flight executions after a restart.
 *
 * @example
 * const engine = new ExecutionEngine({ db, region, accountId, endpoint: () => url, artifacts, loadPipeline });
 * engine.resume();
 * const id = engine.startExecution({ pipelineName: 'demo' });
 */
export class ExecutionEngine {
  readonly clock: Clock;
  readonly runtime: LambdaRuntime;
  readonly events: EventBus;
  readonly authorizer: JobCredentialsAuthorizer;
  readonly lambda: LambdaInvokeRunner;
  /** Custom-action and third-party jobs (PollForJobs and the other job operations). */
  readonly customJobs: CustomJobRunner;
  /** Manual approvals (also holds PutApprovalResult's rules). */
  readonly approvals: ManualApprovalRunner;
  private readonly runnerContext: RunnerContext;
  private readonly runners = new Map<string, ActionRunner>();
  private readonly folderSource: LocalFolderSourceRunner;
  private readonly delivery: FunctionDelivery;
  private closed = false;
  private readonly rechecks: RecheckTimers;

  constructor(readonly options: ExecutionEngineOptions) {
    this.clock = options.clock ?? systemClock();
    this.rechecks = new RecheckTimers(this.clock, (id) => this.commit(() => this.advanceEffects(id)));
    const dataDir = options.dataDir;
    this.runtime = new LambdaRuntime({
      logDir: dataDir ? join(dataDir, 'logs') : join(tmpdir(), 'cpkit-logs'),
      region: options.region,
      accountId: options.accountId,
      endpoint: options.endpoint,
      idleMs: options.lambdaIdleMs,
    });
    this.delivery = new FunctionDelivery({
      runtime: this.runtime,
      functions: () => this.functions(),
      subscriptions: options.subscriptions,
      retryDelaysMs: options.lambdaRetryDelaysMs,
      now: () => this.clock.now(),
      closed: () => this.closed,
    });
    this.events = new EventBus({
      file: dataDir ? join(dataDir, 'events.jsonl') : undefined,
      region: options.region,
      accountId: options.accountId,
      rules: options.rules,
      now: () => this.clock.now(),
      deliver: (name, event) => this.delivery.deliverEvent(name, event),
    });
    this.authorizer = new JobCredentialsAuthorizer(options.db, () => this.clock.now());
    this.runnerContext = {
      db: options.db,
      clock: this.clock,
      region: options.region,
      accountId: options.accountId,
      runtime: this.runtime,
      artifacts: options.artifacts,
      functions: () => this.functions(),
      pipelineOf: (run) => this.pipelineOf(run),
      declarationOf: (run) => this.declarationOf(run),
      complete: (id, outcome, also) => this.completeAction(id, outcome, also),
      commit: (fn) => this.commit(fn),
    };
    this.lambda = new LambdaInvokeRunner(this.runnerContext, {
      replyTimeoutMs: options.jobReplyTimeoutMs,
      retryDelaysMs: options.lambdaRetryDelaysMs,
    });
    this.customJobs = new CustomJobRunner(this.runnerContext, {
      jobTimeoutMs: options.customJobTimeoutMs,
      ackTimeoutMs: options.customJobAckTimeoutMs,
    });
    this.folderSource = new LocalFolderSourceRunner(this.runnerContext, options.sourceDirs ?? []);
    this.approvals = new ManualApprovalRunner(this.runnerContext, {
      loadPipeline: options.loadPipeline,
      publish: (n) => this.delivery.publishToTopic(n),
    });
  }

  /** The functions the Lambda runtime can invoke. */
  functions(): readonly LocalFunction[] {
    const f = this.options.functions;
    return typeof f === 'function' ? f() : (f ?? []);
  }

  /** Starts an execution; returns its id (the same id again for a repeated `clientRequestToken`). */
  startExecution(request: StartExecutionRequest): string {
    const stored = this.options.loadPipeline(request.pipelineName);
    if (!stored) {
      throw serviceError(
        'PipelineNotFoundException',
        `Account '${this.options.accountId}' does not have a pipeline with name '${request.pipelineName}'`,
      );
    }
    const decl = stored.declaration;
    if (request.clientRequestToken) {
      const existing = findExecutionByToken(
        this.options.db,
        request.pipelineName,
        request.clientRequestToken,
      );
      if (existing) return existing.id;
    }
    const variables = resolvePipelineVariables(decl, request.variables);
    checkRequestedRevisions(decl, request.sourceRevisions ?? []);
    const id = randomUUID();
    this.commit(() => {
      const exec = insertExecution(this.options.db, {
        id,
        pipelineName: request.pipelineName,
        pipelineVersion: decl.version ?? 1,
        executionMode: decl.executionMode ?? 'SUPERSEDED',
        triggerType: request.triggerType ?? 'StartPipelineExecution',
        triggerDetail: request.triggerDetail ?? `arn:aws:iam::${this.options.accountId}:root`,
        variables,
        clientRequestToken: request.clientRequestToken,
        requestedRevisions: request.sourceRevisions,
        now: this.clock.now(),
      });
      return [pipelineEvent(exec, 'STARTED'), ...this.advanceEffects(id)];
    });
    return id;
  }

  /** StopPipelineExecution. */
  stopExecution(pipelineName: string, executionId: string, abandon: boolean, reason?: string): void {
    let abandoned: ActionRunRow[] = [];
    this.commit(() => {
      const result = stopExecution(this.advanceContext(), pipelineName, executionId, abandon, reason);
      abandoned = result.abandoned;
      return [...result.effects, ...this.advanceEffects(executionId)];
    });
    for (const run of abandoned) this.runnerFor(run).abandon?.(run);
  }

  /** RetryStageExecution. */
  retryStageExecution(
    pipelineName: string,
    stageName: string,
    executionId: string,
    mode: 'FAILED_ACTIONS' | 'ALL_ACTIONS',
  ): void {
    this.commit(() => [
      ...retryStage(this.advanceContext(), pipelineName, stageName, executionId, mode),
      ...this.advanceEffects(executionId),
    ]);
  }

  /** RollbackStage (V2): a new execution that runs only `stageName` with the artifacts of the target execution. */
  rollbackStage(pipelineName: string, stageName: string, targetExecutionId: string): string {
    const id = randomUUID();
    this.commit(() => [
      ...rollbackStage(this.advanceContext(), pipelineName, stageName, targetExecutionId, id),
      ...this.advanceEffects(id),
    ]);
    return id;
  }

  /** OverrideStageCondition: lets the execution past its InProgress BEFORE_ENTRY / ON_SUCCESS condition. */
  overrideStageCondition(
    pipelineName: string,
    stageName: string,
    executionId: string,
    kind: ConditionKind,
  ): void {
    this.commit(() => {
      overrideStageCondition(this.advanceContext(), pipelineName, stageName, executionId, kind);
      return this.advanceEffects(executionId);
    });
  }

  /** Re-evaluates every waiting execution of a pipeline (after a transition was enabled, ...). */
  wakePipeline(pipelineName: string): void {
    this.commit(() =>
      listActiveExecutions(this.options.db, pipelineName).flatMap((e) => this.advanceEffects(e.id)),
    );
  }

  /**
   * After a restart: re-launches every InProgress action (a running Lambda job is invoked again with the same
   * job id; its reply timer is re-armed from the stored deadline) and moves every active execution forward.
   */
  resume(): void {
    for (const run of listInProgressActionRuns(this.options.db)) {
      const exec = getExecution(this.options.db, run.executionId);
      if (!exec || (exec.status !== 'InProgress' && exec.status !== 'Stopping')) continue;
      this.launch(run, 'resume');
    }
    this.commit(() => listActiveExecutions(this.options.db).flatMap((e) => this.advanceEffects(e.id)));
  }

  /** Ends an InProgress action run and moves its execution on. Returns false if it had already ended. */
  completeAction(actionRunId: string, outcome: ActionOutcome, alsoInTransaction?: () => void): boolean {
    let ended = false;
    this.commit(() => {
      const run = getActionRun(this.options.db, actionRunId);
      if (!run || run.status !== 'InProgress') return [];
      const now = this.clock.now();
      alsoInTransaction?.();
      const outputs = run.outputArtifacts.map((a) => ({
        ...a,
        revision: outcome.outputArtifactRevisions?.[a.name] ?? a.revision ?? null,
      }));
      updateActionRun(
        this.options.db,
        run.id,
        {
          status: outcome.status,
          summary: outcome.summary ?? null,
          errorCode: outcome.errorCode ?? null,
          errorMessage: outcome.errorMessage ?? null,
          externalExecutionId: outcome.externalExecutionId,
          externalExecutionUrl: outcome.externalExecutionUrl,
          percentComplete: outcome.percentComplete,
          outputVariables: outcome.outputVariables,
          outputArtifacts: outputs,
          simulated: outcome.simulated,
        },
        now,
      );
      closeOpenJobsOfActionRun(this.options.db, run.id, 'Abandoned', now);
      if (outcome.sourceRevision) {
        const exec = getExecution(this.options.db, run.executionId)!;
        updateExecution(
          this.options.db,
          exec.id,
          {
            sourceRevisions: [
              ...exec.sourceRevisions.filter((s) => s.actionName !== run.actionName),
              outcome.sourceRevision,
            ],
          },
          now,
        );
      }
      ended = true;
      const after = getActionRun(this.options.db, run.id)!;
      return [actionEvent(after, this.options.region), ...this.advanceEffects(run.executionId)];
    });
    return ended;
  }

  /** Runs `fn` in one transaction, then applies its effects (launch actions, publish events, wake executions). */
  commit(fn: () => Effect[] | void): void {
    const effects = this.options.db.transaction(() => fn() ?? [])();
    this.apply(effects);
  }

  /** Stops timers and worker processes (the database is closed by its owner). */
  async close(): Promise<void> {
    this.closed = true;
    this.rechecks.close();
    this.lambda.close();
    this.customJobs.close();
    this.approvals.close();
    for (const r of this.runners.values()) r.close?.();
    await this.runtime.close();
  }

  /** The action's job kind for the jobs API, or undefined for an unknown job. */
  jobKind(jobId: string): string | undefined {
    return getJob(this.options.db, jobId)?.kind;
  }

  private advanceContext() {
    return {
      db: this.options.db,
      now: this.clock.now(),
      region: this.options.region,
      loadPipeline: this.options.loadPipeline,
      simulate: this.options.simulate,
    };
  }

  private advanceEffects(executionId: string): Effect[] {
    return advanceExecution(this.advanceContext(), executionId);
  }

  private apply(effects: Effect[]): void {
    const woken = new Set<string>();
    for (const e of effects) {
      if (e.kind === 'event') this.events.publish(e.pipelineName, e.detailType, e.detail);
    }
    for (const e of effects) {
      if (e.kind === 'launch') {
        const run = getActionRun(this.options.db, e.actionRunId);
        if (run && run.status === 'InProgress') this.launch(run, 'start');
      } else if (e.kind === 'recheck') {
        this.rechecks.schedule(e.executionId, e.at);
      } else if (e.kind === 'wake' && !woken.has(e.pipelineName)) {
        woken.add(e.pipelineName);
        const others = listActiveExecutions(this.options.db, e.pipelineName).filter(
          (x) => x.id !== e.exceptExecutionId,
        );
        if (others.length) {
          const more = this.options.db.transaction(() => others.flatMap((x) => this.advanceEffects(x.id)))();
          this.apply(more);
        }
      }
    }
  }

  private launch(run: ActionRunRow, mode: 'start' | 'resume'): void {
    if (this.closed) return;
    try {
      const runner = this.runnerFor(run);
      if (mode === 'start') runner.start(run);
      else runner.resume(run);
    } catch (err) {
      this.completeAction(run.id, {
        status: 'Failed',
        errorCode: 'JobFailed',
        errorMessage: (err as Error).message,
      });
    }
  }

  private runnerFor(run: ActionRunRow): ActionRunner {
    const key = `${run.category}/${run.owner}/${run.provider}`;
    if (key === 'Invoke/AWS/Lambda') return this.lambda;
    if (this.folderSource.handles(run)) return this.folderSource;
    if (run.owner === 'Custom' || run.owner === 'ThirdParty') return this.customJobs;
    if (key === 'Approval/AWS/Manual') return this.approvals;
    let runner = this.runners.get(key);
    if (runner) return runner;
    if (key === 'Source/AWS/S3') runner = new S3SourceRunner(this.runnerContext);
    else if (run.owner === 'Custom' || run.owner === 'ThirdParty' || key === 'Approval/AWS/Manual') {
      runner = new WaitingRunner(this.runnerContext);
    } else if (this.options.simulate?.[run.provider]) {
      runner = new SimulatedRunner(this.runnerContext, this.options.simulate[run.provider]);
    } else runner = new NotEmulatedRunner(this.runnerContext);
    this.runners.set(key, runner);
    return runner;
  }

  private pipelineOf(run: ActionRunRow): PipelineDeclaration | undefined {
    return this.options.loadPipeline(run.pipelineName, run.pipelineVersion)?.declaration;
  }

  private declarationOf(run: ActionRunRow): ActionDeclaration | undefined {
    return this.pipelineOf(run)
      ?.stages?.find((s) => s.name === run.stageName)
      ?.actions?.find((a) => a.name === run.actionName);
  }
}

export type { ExecutionRow };
