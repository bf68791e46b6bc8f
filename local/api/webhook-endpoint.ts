import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookFilterRule } from '@aws-sdk/client-codepipeline';
import { parseCidr, parseJsonPath } from '../domain/webhook-rules.js';
import { getPipeline } from '../store/pipeline-repo.js';
import { getWebhook, recordWebhookTriggered } from '../store/webhook-repo.js';
import type { ApiContext } from './operation.js';

/** An HTTP delivery to `/_cpkit/webhooks/<name>`. */
export interface WebhookRequest {
  /** Raw request body (the signature covers these exact bytes). */
  readonly body: Buffer;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Address of the sender (for IP authentication). */
  readonly remoteAddress?: string;
}

/** The answer to a delivery. */
export interface WebhookResponse {
  readonly status: number;
  readonly body: { message: string; triggered?: boolean };
}

/** `ctx.services.webhookTriggered`: the engine starts the pipeline (trigger type Webhook). */
export type WebhookTriggeredService = (pipelineName: string, webhookName: string) => void | Promise<void>;

function header(req: WebhookRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sameDigest(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GitHub signatures: X-Hub-Signature-256 (`sha256=<hex>`) or X-Hub-Signature (`sha1=<hex>`), compared in constant time. */
function verifyGithubSignature(secret: string, req: WebhookRequest): boolean {
  const s256 = header(req, 'x-hub-signature-256');
  if (s256) return sameDigest('sha256=' + createHmac('sha256', secret).update(req.body).digest('hex'), s256);
  const s1 = header(req, 'x-hub-signature');
  if (s1) return sameDigest('sha1=' + createHmac('sha1', secret).update(req.body).digest('hex'), s1);
  return false;
}

/** Evaluates a filter's JSONPath on the payload; a scalar result is compared as a string. */
function select(payload: unknown, path: string): unknown {
  let node: unknown = payload;
  for (const seg of parseJsonPath(path) ?? []) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

/** MatchEquals with `{Key}` placeholders replaced by the target action's configuration values. */
function expand(matchEquals: string, config: Record<string, string>): string {
  return matchEquals.replace(/\{([^{}]+)\}/g, (whole, key: string) => config[key] ?? whole);
}

function matches(rule: WebhookFilterRule, payload: unknown, config: Record<string, string>): boolean {
  const value = select(payload, rule.jsonPath!);
  if (value === undefined || value === null) return false;
  if (rule.matchEquals === undefined) return true;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text === expand(rule.matchEquals, config);
}

/**
 * Handles a delivery to a webhook: authenticates it (GITHUB_HMAC signature, IP range or none),
 * parses the JSON payload, applies every filter (all must match), and on a match records it and
 * calls `ctx.services.webhookTriggered(pipeline, webhook)`.
 * @example
 * const res = await handleWebhookRequest(ctx, 'my-webhook', { body, headers: req.headers, remoteAddress });
 */
export async function handleWebhookRequest(
  ctx: ApiContext,
  name: string,
  req: WebhookRequest,
): Promise<WebhookResponse> {
  const webhook = getWebhook(ctx.db, name);
  if (!webhook) return { status: 404, body: { message: `Webhook '${name}' not found` } };
  const def = webhook.definition;
  const auth = def.authenticationConfiguration ?? {};
  if (def.authentication === 'GITHUB_HMAC' && !verifyGithubSignature(auth.SecretToken ?? '', req))
    return { status: 401, body: { message: 'Signature does not match the webhook secret token' } };
  if (def.authentication === 'IP') {
    const range = parseCidr(auth.AllowedIPRange ?? '');
    if (!range || !req.remoteAddress || !range.contains(req.remoteAddress))
      return { status: 403, body: { message: 'Sender address is not in the allowed IP range' } };
  }
  let payload: unknown;
  try {
    payload = req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
  } catch {
    return { status: 400, body: { message: 'Payload is not JSON' } };
  }
  const pipeline = getPipeline(ctx.db, def.targetPipeline!);
  const action = pipeline?.declaration.stages?.[0]?.actions?.find((a) => a.name === def.targetAction);
  if (!pipeline || !action)
    return {
      status: 404,
      body: { message: `Target ${def.targetPipeline}/${def.targetAction} does not exist` },
    };
  const config = action.configuration ?? {};
  if (!(def.filters ?? []).every((f) => matches(f, payload, config)))
    return {
      status: 200,
      body: { message: 'Filters did not match; the pipeline was not started', triggered: false },
    };
  recordWebhookTriggered(ctx.db, name, ctx.now());
  const trigger = ctx.services.webhookTriggered as WebhookTriggeredService | undefined;
  await trigger?.(def.targetPipeline!, name);
  return { status: 200, body: { message: 'Pipeline triggered', triggered: true } };
}
