import type { SNSEvent } from 'aws-lambda';
import { createApprovalLinks, DEFAULT_APPROVAL_LINK_TTL_SECONDS } from '../../toolkit/approval-links.js';
import { parseApprovalSnsEvent, type ApprovalMessage } from '../../toolkit/approval-message.js';
import { getSecretString, loadApprovalSigningSecret } from '../../toolkit/approval-secret.js';
import { CodePipelineKitError } from '../../toolkit/errors.js';
import { createJobLogger, Redactor } from '../../toolkit/logger.js';
import { webhookBody, type WebhookFormat } from './webhook-message.js';

/**
 * `approval-notify`: subscribed to a manual approval action's SNS topic. For each approval message it signs an
 * approve and a reject link to the callback (`CALLBACK_URL`) and posts them to an incoming webhook
 * (`WEBHOOK_URL`) as Slack Block Kit (`FORMAT=slack`, the default) or plain JSON (`FORMAT=generic`).
 *
 * Environment: `CALLBACK_URL`, `WEBHOOK_URL` (both required), `FORMAT`, `LINK_TTL_SECONDS` (default 3600,
 * capped at the approval's expiry), and the signing secret (`APPROVAL_SECRET_ARN`, `APPROVAL_SECRET` or
 * `APPROVAL_SECRET_FILE`). The approval token, the links, the secret and the webhook URL (a Slack webhook URL is
 * a credential) never reach a log.
 */

/** Configuration of the notify handler, read from the environment on each invocation. */
export interface NotifyConfig {
  readonly callbackUrl: string;
  /** The webhook URL from `WEBHOOK_URL`, when set. */
  readonly webhookUrl?: string;
  /** A Secrets Manager secret holding the webhook URL (`WEBHOOK_URL_SECRET_ARN`), used when set. */
  readonly webhookUrlSecretArn?: string;
  readonly format: WebhookFormat;
  readonly ttlSeconds: number;
}

/** The notify handler is misconfigured; the message names the variable. */
export class NotifyConfigError extends CodePipelineKitError {
  constructor(message: string) {
    super(message, { failureType: 'ConfigurationError' });
    this.name = 'NotifyConfigError';
  }
}

/** Reads and checks the handler's environment. */
export function notifyConfig(env: NodeJS.ProcessEnv = process.env): NotifyConfig {
  const url = (name: string): string => {
    const value = env[name];
    if (!value) throw new NotifyConfigError(`${name} is not set`);
    return checkedUrl(value, name);
  };
  const format = (env.FORMAT ?? 'slack').toLowerCase();
  if (format !== 'slack' && format !== 'generic') {
    throw new NotifyConfigError(`FORMAT must be slack or generic, got '${env.FORMAT}'`);
  }
  const ttlSeconds = env.LINK_TTL_SECONDS ? Number(env.LINK_TTL_SECONDS) : DEFAULT_APPROVAL_LINK_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new NotifyConfigError(
      `LINK_TTL_SECONDS must be a positive whole number, got '${env.LINK_TTL_SECONDS}'`,
    );
  }
  const callbackUrl = url('CALLBACK_URL');
  const webhookUrlSecretArn = env.WEBHOOK_URL_SECRET_ARN || undefined;
  if (webhookUrlSecretArn) return { callbackUrl, webhookUrlSecretArn, format, ttlSeconds };
  if (!env.WEBHOOK_URL) throw new NotifyConfigError('WEBHOOK_URL (or WEBHOOK_URL_SECRET_ARN) is not set');
  return { callbackUrl, webhookUrl: url('WEBHOOK_URL'), format, ttlSeconds };
}

function checkedUrl(value: string, source: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    throw new NotifyConfigError(`${source} is not an http(s) URL`);
  }
  return value;
}

let webhookFromSecret: { arn: string; url: Promise<string> } | undefined;

/** The webhook URL: `WEBHOOK_URL`, or the secret's value (read once per container; a failure is not cached). */
export async function resolveWebhookUrl(config: NotifyConfig): Promise<string> {
  if (config.webhookUrl) return config.webhookUrl;
  const arn = config.webhookUrlSecretArn!;
  if (webhookFromSecret?.arn !== arn) {
    const url = getSecretString(arn).then((v) => checkedUrl(v.trim(), `the value of secret ${arn}`));
    webhookFromSecret = { arn, url };
    url.catch(() => {
      if (webhookFromSecret?.url === url) webhookFromSecret = undefined;
    });
  }
  return webhookFromSecret.url;
}

/** Outcome for one approval message. */
export interface NotifyOutcome {
  readonly pipelineName: string;
  readonly stageName: string;
  readonly actionName: string;
  readonly status: 'posted' | 'skipped-expired';
}

const WEBHOOK_TIMEOUT_MS = 5000;

async function notifyOne(
  message: ApprovalMessage,
  config: NotifyConfig & { readonly webhookUrl: string },
  secret: string,
  redactor: Redactor,
  logger: ReturnType<typeof createJobLogger>,
): Promise<NotifyOutcome> {
  const { pipelineName, stageName, actionName, token } = message.approval;
  redactor.addSecretValues([token]);
  const where = { pipelineName, stageName, actionName };
  const now = new Date();
  if (message.approval.expires.getTime() <= now.getTime()) {
    logger.warn('Approval already expired; no links sent', where);
    return { ...where, status: 'skipped-expired' };
  }
  const links = createApprovalLinks(message, {
    secret,
    callbackUrl: config.callbackUrl,
    ttlSeconds: config.ttlSeconds,
    now,
  });
  redactor.addSecretValues([links.approve, links.reject]);
  const response = await fetch(config.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(webhookBody(config.format, message, links)),
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  await response.arrayBuffer().catch(() => undefined);
  const webhookHost = new URL(config.webhookUrl).host;
  if (!response.ok) {
    // Thrown so that Lambda's asynchronous retries (SNS invokes asynchronously) try again.
    throw new Error(
      `Webhook at ${webhookHost} answered HTTP ${response.status} for ${pipelineName}/${stageName}`,
    );
  }
  logger.info('Approval links posted', {
    ...where,
    format: config.format,
    webhookHost,
    linksExpire: links.expiresAt.toISOString(),
  });
  return { ...where, status: 'posted' };
}

/**
 * Lambda handler for the SNS topic of a manual approval action.
 *
 * @example
 * // CDK: topic.addSubscription(new LambdaSubscription(notifyFunction)), with CALLBACK_URL and WEBHOOK_URL set.
 * await handler(snsEvent); // posts the approve/reject links to the webhook
 */
export async function handler(event: SNSEvent): Promise<NotifyOutcome[]> {
  const redactor = new Redactor({ extraKeys: ['link', 'approve', 'reject', 'webhookUrl'] });
  const logger = createJobLogger({ redactor, loggerOptions: { serviceName: 'approval-notify' } });
  const config = notifyConfig();
  const webhookUrl = await resolveWebhookUrl(config);
  redactor.addSecretValues([webhookUrl]);
  const secret = await loadApprovalSigningSecret();
  redactor.addSecretValues([secret]);
  const messages = parseApprovalSnsEvent(event);
  const outcomes: NotifyOutcome[] = [];
  for (const message of messages) {
    outcomes.push(await notifyOne(message, { ...config, webhookUrl }, secret, redactor, logger));
  }
  return outcomes;
}
