import {
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  PutApprovalResultCommand,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';
import { awsJsonRequest } from '../../toolkit/aws-json-request.js';
import { getCodePipelineClient } from '../../toolkit/client.js';
import { createJobLogger, Redactor } from '../../toolkit/logger.js';
import { parseActionExecutionStateChange } from '../../toolkit/pipeline-events.js';
import {
  evaluateApprovalPolicy,
  needsVariables,
  parseApprovalPolicy,
  type ApprovalPolicy,
  type PolicyVerdict,
} from './policy.js';

/**
 * `approval-policy`: an EventBridge target for `CodePipeline Action Execution State Change` (state STARTED,
 * category Approval). It evaluates the policy (env `POLICY` holding JSON, or the SSM parameter named in
 * `POLICY_PARAMETER`) and approves or rejects with a summary naming the deciding rule, or leaves the approval to
 * people. The token comes from GetPipelineState; variables from GetPipelineExecution. Events arrive at least
 * once, so a decision that was already made is an outcome, not an error.
 */

/** Longest PutApprovalResult summary (`ApprovalSummary`). */
const SUMMARY_MAX_CHARS = 512;
/** How long a policy read from SSM is reused by a warm container. */
const POLICY_CACHE_MS = 60_000;
/** GetPipelineState attempts while the approval's token is not visible yet. */
const TOKEN_ATTEMPTS = 3;

/** What the handler did. */
export interface PolicyOutcome {
  readonly outcome:
    'approved' | 'rejected' | 'left-to-people' | 'ignored' | 'already-decided' | 'invalid-policy';
  readonly rule?: string;
  readonly reason: string;
}

/** Seams for tests. */
export interface PolicyHandlerDependencies {
  readonly client?: () => Pick<CodePipelineClient, 'send'>;
  readonly now?: () => Date;
  readonly env?: NodeJS.ProcessEnv;
  /** @default 500 */
  readonly retryDelayMs?: number;
}

let ssmCache: { name: string; at: number; text: string } | undefined;

async function policyText(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.POLICY) return env.POLICY;
  const name = env.POLICY_PARAMETER;
  if (!name) throw new Error('Neither POLICY nor POLICY_PARAMETER is set');
  if (ssmCache?.name === name && Date.now() - ssmCache.at < POLICY_CACHE_MS) return ssmCache.text;
  const out = await awsJsonRequest<{ Parameter?: { Value?: string } }>({
    signingName: 'ssm',
    endpointEnvSuffix: 'SSM',
    target: 'AmazonSSM.GetParameter',
    body: { Name: name, WithDecryption: true },
    env,
  });
  const text = out.Parameter?.Value;
  if (typeof text !== 'string') throw new Error(`SSM parameter ${name} has no value`);
  ssmCache = { name, at: Date.now(), text };
  return text;
}

function summaryOf(verdict: PolicyVerdict): string {
  const verb = verdict.decision === 'approve' ? 'Approved' : 'Rejected';
  const text = `${verb} by policy rule "${verdict.rule}": ${verdict.reason}`;
  return text.length <= SUMMARY_MAX_CHARS ? text : `${text.slice(0, SUMMARY_MAX_CHARS - 1)}…`;
}

const errorName = (err: unknown) => (err as { name?: string })?.name ?? 'Error';

/**
 * Builds the handler (the exported `handler` uses the container's shared CodePipeline client).
 *
 * @example
 * // EventBridge rule: source aws.codepipeline, detail-type "CodePipeline Action Execution State Change",
 * // detail { state: ["STARTED"], type: { category: ["Approval"] } } -> this function, with
 * // POLICY='{"rules":[{"name":"office hours","type":"window","days":["Mon","Tue","Wed","Thu","Fri"],"from":"09:00","to":"17:00"}]}'
 */
export function createPolicyHandler(deps: PolicyHandlerDependencies = {}) {
  const client = deps.client ?? getCodePipelineClient;
  const now = deps.now ?? (() => new Date());
  const retryDelayMs = deps.retryDelayMs ?? 500;

  return async function handle(event: unknown): Promise<PolicyOutcome> {
    const env = deps.env ?? process.env;
    const redactor = new Redactor();
    const logger = createJobLogger({ redactor, loggerOptions: { serviceName: 'approval-policy' } });
    const { detail } = parseActionExecutionStateChange(event);
    const where = { pipelineName: detail.pipeline, stageName: detail.stage, actionName: detail.action };
    if (detail.state !== 'STARTED' || detail.type.category !== 'Approval') {
      return { outcome: 'ignored', reason: `${detail.type.category} action ${detail.state}` };
    }
    let policy: ApprovalPolicy;
    try {
      policy = parseApprovalPolicy(await policyText(env));
    } catch (err) {
      // A broken policy never decides: people still can.
      logger.error('Approval policy unusable; leaving the approval to people', {
        ...where,
        error: (err as Error).message,
      });
      return { outcome: 'invalid-policy', reason: (err as Error).message };
    }
    const cp = client();
    let variables: Record<string, string> | undefined;
    if (needsVariables(policy, where)) {
      const out = await cp.send(
        new GetPipelineExecutionCommand({
          pipelineName: detail.pipeline,
          pipelineExecutionId: detail['execution-id'],
        }),
      );
      variables = Object.fromEntries(
        (out.pipelineExecution?.variables ?? []).map((v) => [v.name ?? '', v.resolvedValue ?? '']),
      );
    }
    const verdict = evaluateApprovalPolicy(policy, { ...where, now: now(), variables });
    if (verdict.decision === 'none') {
      logger.info('Policy left the approval to people', { ...where, reason: verdict.reason });
      return { outcome: 'left-to-people', reason: verdict.reason };
    }

    let token: string | undefined;
    for (let attempt = 1; attempt <= TOKEN_ATTEMPTS && !token; attempt++) {
      const state = await cp.send(new GetPipelineStateCommand({ name: detail.pipeline }));
      const stage = state.stageStates?.find((s) => s.stageName === detail.stage);
      const running = stage?.latestExecution?.pipelineExecutionId;
      const latest = stage?.actionStates?.find((a) => a.actionName === detail.action)?.latestExecution;
      if ((running && running !== detail['execution-id']) || (latest && latest.status !== 'InProgress')) {
        return {
          outcome: 'already-decided',
          rule: verdict.rule,
          reason: 'the approval is no longer waiting',
        };
      }
      token = latest?.token;
      if (!token && attempt < TOKEN_ATTEMPTS) await new Promise((r) => setTimeout(r, retryDelayMs));
    }
    if (!token) {
      logger.warn('No approval token found; leaving the approval to people', where);
      return {
        outcome: 'left-to-people',
        rule: verdict.rule,
        reason: 'no approval token in the pipeline state',
      };
    }
    redactor.addSecretValues([token]);
    const summary = summaryOf(verdict);
    try {
      await cp.send(
        new PutApprovalResultCommand({
          pipelineName: detail.pipeline,
          stageName: detail.stage,
          actionName: detail.action,
          token,
          result: { status: verdict.decision === 'approve' ? 'Approved' : 'Rejected', summary },
        }),
      );
    } catch (err) {
      const type = errorName(err);
      if (type === 'ApprovalAlreadyCompletedException' || type === 'InvalidApprovalTokenException') {
        logger.info('Approval was already decided', { ...where, error: type });
        return { outcome: 'already-decided', rule: verdict.rule, reason: type };
      }
      throw err;
    }
    logger.info('Policy decided the approval', {
      ...where,
      decision: verdict.decision,
      rule: verdict.rule,
      summary,
    });
    return {
      outcome: verdict.decision === 'approve' ? 'approved' : 'rejected',
      rule: verdict.rule,
      reason: verdict.reason,
    };
  };
}

/** Lambda handler for the EventBridge rule. */
export const handler = createPolicyHandler();
