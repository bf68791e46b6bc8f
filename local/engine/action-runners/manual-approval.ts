import { randomUUID } from 'node:crypto';
import { serviceError } from '../../errors.js';
import {
  getNewestActionRun,
  listInProgressActionRuns,
  updateActionRun,
  type ActionRunRow,
} from '../../store/action-run-repo.js';
import type { TimerHandle } from '../clock.js';
import type { PipelineLoader } from '../ports.js';
import type { ActionRunner, RunnerContext } from './runner.js';

/**
 * Manual approval actions (Approval / AWS / Manual): InProgress with a fresh token (GetPipelineState shows it),
 * decided by PutApprovalResult, failed when `timeoutInMinutes` (default 7 days) passes. With a `NotificationArn`
 * the approval message (field-notes section 3) is published to that topic's local subscribers.
 */

/** Default approval timeout: 7 days. @see https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html */
export const DEFAULT_APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60;
/** Start of the error message of an approval that timed out (told apart from a rejection). */
export const APPROVAL_EXPIRED_MESSAGE = 'The approval request expired';

/** What the runner publishes for an approval with a NotificationArn. */
export interface ApprovalNotification {
  readonly topicArn: string;
  readonly subject: string;
  /** The JSON approval message. */
  readonly message: string;
}

/** Input of {@link ManualApprovalRunner.putApprovalResult} (PutApprovalResult's members). */
export interface ApprovalDecisionInput {
  readonly pipelineName: string;
  readonly stageName: string;
  readonly actionName: string;
  readonly token: string;
  readonly status: 'Approved' | 'Rejected';
  readonly summary: string;
}

/** `YYYY-MM-DDTHH:MMZ`, the minute-precision format of the approval message. */
function minuteIso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16) + 'Z';
}

/**
 * The approval action runner; also holds PutApprovalResult's rules.
 *
 * @example
 * const approvals = new ManualApprovalRunner(ctx, { loadPipeline, publish: (n) => sns.publish(n) });
 * approvals.putApprovalResult({ pipelineName, stageName, actionName, token, status: 'Approved', summary: 'ok' });
 */
export class ManualApprovalRunner implements ActionRunner {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly ctx: RunnerContext,
    private readonly options: {
      readonly loadPipeline: PipelineLoader;
      readonly publish?: (notification: ApprovalNotification) => void;
    },
  ) {}

  start(run: ActionRunRow): void {
    const token = randomUUID();
    const deadline = run.startedAt + this.timeoutMinutes(run) * 60_000;
    // In PARALLEL mode several runs of one approval can wait at once; AWS then documents the execution's
    // externalExecutionId (ListActionExecutions) as the token to use, so it carries the token too.
    this.ctx.commit(() =>
      updateActionRun(
        this.ctx.db,
        run.id,
        { token, deadline, externalExecutionId: token },
        this.ctx.clock.now(),
      ),
    );
    this.arm(run.id, deadline);
    this.notify(run, token, deadline);
  }

  resume(run: ActionRunRow): void {
    const deadline = run.deadline ?? run.startedAt + this.timeoutMinutes(run) * 60_000;
    if (!run.token || run.deadline === null) {
      this.ctx.commit(() =>
        updateActionRun(
          this.ctx.db,
          run.id,
          { token: run.token ?? randomUUID(), deadline },
          this.ctx.clock.now(),
        ),
      );
    }
    this.arm(run.id, deadline);
  }

  abandon(run: ActionRunRow): void {
    this.timers.get(run.id)?.cancel();
    this.timers.delete(run.id);
  }

  close(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  /**
   * PutApprovalResult: decides the newest run of the action when `token` is its token and it is still waiting.
   * @throws ServiceError PipelineNotFoundException / StageNotFoundException / ActionNotFoundException for unknown
   * names, InvalidApprovalTokenException for a token that is not the current one (or expired),
   * ApprovalAlreadyCompletedException for an approval that was already approved or rejected.
   */
  putApprovalResult(input: ApprovalDecisionInput): { approvedAt: Date } {
    const stored = this.options.loadPipeline(input.pipelineName);
    if (!stored) {
      throw serviceError(
        'PipelineNotFoundException',
        `Account '${this.ctx.accountId}' does not have a pipeline with name '${input.pipelineName}'`,
      );
    }
    const stage = stored.declaration.stages?.find((s) => s.name === input.stageName);
    if (!stage) {
      throw serviceError(
        'StageNotFoundException',
        `Stage '${input.stageName}' not found in pipeline '${input.pipelineName}'`,
      );
    }
    const action = stage.actions?.find((a) => a.name === input.actionName);
    if (!action) {
      throw serviceError(
        'ActionNotFoundException',
        `Action '${input.actionName}' not found in stage '${input.stageName}' of pipeline '${input.pipelineName}'`,
      );
    }
    const t = action.actionTypeId;
    if (t?.category !== 'Approval' || t.owner !== 'AWS' || t.provider !== 'Manual') {
      throw serviceError(
        'InvalidApprovalTokenException',
        `Action '${input.actionName}' is not a manual approval action`,
      );
    }
    const waiting = listInProgressActionRuns(this.ctx.db).find(
      (r) =>
        r.pipelineName === input.pipelineName &&
        r.stageName === input.stageName &&
        r.actionName === input.actionName &&
        r.token === input.token,
    );
    const newest = getNewestActionRun(this.ctx.db, input.pipelineName, input.stageName, input.actionName);
    const run = waiting ?? newest;
    if (!run || run.token !== input.token) {
      throw serviceError(
        'InvalidApprovalTokenException',
        'The approval token is not valid: the approval request already received a response, expired or was replaced',
      );
    }
    if (run.status !== 'InProgress') {
      if (run.status === 'Abandoned' || run.errorMessage?.startsWith(APPROVAL_EXPIRED_MESSAGE)) {
        throw serviceError(
          'InvalidApprovalTokenException',
          'The approval request has expired or was stopped',
        );
      }
      throw serviceError(
        'ApprovalAlreadyCompletedException',
        'The approval request has already been completed',
      );
    }
    const approved = input.status === 'Approved';
    let decided = false;
    this.ctx.commit(() => {
      decided = this.ctx.complete(
        run.id,
        approved
          ? { status: 'Succeeded', summary: input.summary }
          : {
              status: 'Failed',
              summary: input.summary,
              errorCode: 'JobFailed',
              errorMessage: `Rejected${input.summary ? `: ${input.summary}` : ''}`,
            },
        () => this.forgetToken(run.id),
      );
    });
    if (!decided) {
      throw serviceError(
        'ApprovalAlreadyCompletedException',
        'The approval request has already been completed',
      );
    }
    this.abandon(run);
    return { approvedAt: new Date(this.ctx.clock.now()) };
  }

  /**
   * Clears the token from the run's externalExecutionId when the approval ends (in the same transaction), so the
   * completion event and later views never carry it; the stored token still tells a late reply from a forged one.
   */
  private forgetToken(runId: string): void {
    updateActionRun(this.ctx.db, runId, { externalExecutionId: null }, this.ctx.clock.now());
  }

  private timeoutMinutes(run: ActionRunRow): number {
    return this.ctx.declarationOf(run)?.timeoutInMinutes ?? DEFAULT_APPROVAL_TIMEOUT_MINUTES;
  }

  private arm(runId: string, deadline: number): void {
    this.timers.get(runId)?.cancel();
    this.timers.set(
      runId,
      this.ctx.clock.at(deadline, () => {
        this.timers.delete(runId);
        this.ctx.commit(() => {
          this.ctx.complete(
            runId,
            {
              status: 'Failed',
              errorCode: 'JobFailed',
              errorMessage: `${APPROVAL_EXPIRED_MESSAGE}: no response before its timeout`,
              summary: `${APPROVAL_EXPIRED_MESSAGE}: no response before its timeout`,
            },
            () => this.forgetToken(runId),
          );
        });
      }),
    );
  }

  private notify(run: ActionRunRow, token: string, deadline: number): void {
    const config = run.resolvedConfiguration ?? this.ctx.declarationOf(run)?.configuration ?? {};
    const topicArn = config.NotificationArn;
    if (!topicArn || !this.options.publish) return;
    const region = run.region ?? this.ctx.region;
    const consoleLink = `https://console.aws.amazon.com/codepipeline/home?region=${region}#/view/${run.pipelineName}`;
    const message = {
      region,
      consoleLink,
      approval: {
        pipelineName: run.pipelineName,
        stageName: run.stageName,
        actionName: run.actionName,
        token,
        expires: minuteIso(deadline),
        ...(config.ExternalEntityLink ? { externalEntityLink: config.ExternalEntityLink } : {}),
        approvalReviewLink: `${consoleLink}/${run.stageName}/${run.actionName}/approve/${token}`,
        ...(config.CustomData ? { customData: config.CustomData } : {}),
      },
    };
    this.options.publish({
      topicArn,
      subject: `APPROVAL NEEDED: AWS CodePipeline ${run.pipelineName} for stage ${run.stageName} action ${run.actionName}`,
      message: JSON.stringify(message),
    });
  }
}
