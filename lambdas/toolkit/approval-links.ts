import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ApprovalMessage } from './approval-message.js';
import { CodePipelineKitError } from './errors.js';

/**
 * Signed one-click links for manual approvals.
 *
 * A link carries one query parameter, `link=v1.<payload>.<signature>`: `payload` is base64url JSON with the
 * pipeline, stage, action, approval token, decision, expiry (epoch seconds) and a random per-link nonce;
 * `signature` is base64url HMAC-SHA256 over `cpkit-approval-link.v1.<payload>` with the signing secret. Changing
 * any byte of the payload invalidates the signature; signatures are compared with `crypto.timingSafeEqual`.
 * A GET of the link only shows a confirmation page; the page's POST carries the same link plus a confirmation
 * MAC derived from the link's signature (so a bare link replayed as a POST is refused).
 */

/** What a link does when confirmed. */
export type ApprovalDecision = 'approve' | 'reject';

/** Version prefix of the link format. */
export const APPROVAL_LINK_VERSION = 'v1';
/** Query parameter holding the signed link. */
export const APPROVAL_LINK_PARAM = 'link';
/** Default lifetime of a link: one hour (never beyond the approval's own expiry). */
export const DEFAULT_APPROVAL_LINK_TTL_SECONDS = 3600;
/** Shortest accepted signing secret (bytes of UTF-8). */
export const MIN_SIGNING_SECRET_BYTES = 32;

const LINK_CONTEXT = `cpkit-approval-link.${APPROVAL_LINK_VERSION}.`;
const CONFIRM_CONTEXT = `cpkit-approval-confirm.${APPROVAL_LINK_VERSION}.`;
const NONCE_BYTES = 16;

const payloadSchema = z.strictObject({
  p: z.string().min(1).max(100),
  s: z.string().min(1).max(100),
  a: z.string().min(1).max(100),
  t: z.string().min(1).max(256),
  d: z.enum(['approve', 'reject']),
  e: z.number().int().positive(),
  n: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
});

/** The signed content of a link. */
export interface ApprovalLinkPayload {
  readonly pipelineName: string;
  readonly stageName: string;
  readonly actionName: string;
  /** The approval token. Never log it. */
  readonly token: string;
  readonly decision: ApprovalDecision;
  readonly expiresAt: Date;
  /** Random per-link value bound into the signature. */
  readonly nonce: string;
}

/** The approve/reject pair built for one approval. */
export interface ApprovalLinks {
  readonly approve: string;
  readonly reject: string;
  /** When both links stop working. */
  readonly expiresAt: Date;
}

/** Options of {@link createApprovalLinks}. */
export interface CreateApprovalLinksOptions {
  /** The signing secret (at least 32 bytes). */
  readonly secret: string;
  /** Base URL of the callback (e.g. the Lambda Function URL). */
  readonly callbackUrl: string;
  /** @default 3600 (one hour); always capped at the approval's `expires` */
  readonly ttlSeconds?: number;
  /** @default new Date() */
  readonly now?: Date;
}

/** Why a link was refused. `expired` is only reported for a link whose signature is valid. */
export type ApprovalLinkFailure = 'malformed' | 'unsupported-version' | 'bad-signature' | 'expired';

/** Result of {@link verifyApprovalLink}. */
export type ApprovalLinkVerification =
  | { readonly ok: true; readonly payload: ApprovalLinkPayload; readonly signature: string }
  | { readonly ok: false; readonly reason: ApprovalLinkFailure; readonly payload?: ApprovalLinkPayload };

/** A link could not be created (bad secret, URL, or the approval has already expired). */
export class ApprovalLinkError extends CodePipelineKitError {
  constructor(message: string) {
    super(message, { failureType: 'ConfigurationError' });
    this.name = 'ApprovalLinkError';
  }
}

function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || Buffer.byteLength(secret, 'utf8') < MIN_SIGNING_SECRET_BYTES) {
    throw new ApprovalLinkError(`Approval signing secret must be at least ${MIN_SIGNING_SECRET_BYTES} bytes`);
  }
}

function mac(secret: string, context: string, data: string): Buffer {
  return createHmac('sha256', secret).update(context).update(data).digest();
}

/** Constant-time comparison of a presented base64url MAC with the expected bytes (any length is safe). */
function macMatches(presented: string, expected: Buffer): boolean {
  const given = /^[A-Za-z0-9_-]*$/.test(presented) ? Buffer.from(presented, 'base64url') : Buffer.alloc(0);
  // Compare equal-length buffers always, so a wrong length takes the same path as a wrong value.
  const candidate = given.length === expected.length ? given : Buffer.alloc(expected.length);
  const same = timingSafeEqual(candidate, expected);
  return same && given.length === expected.length;
}

/**
 * Signs one link for `decision`.
 * @throws ApprovalLinkError when the secret is too short, the URL is invalid or the expiry is not in the future.
 *
 * @example
 * const url = signApprovalLink(fields, 'approve', new Date(Date.now() + 3600_000), { secret, callbackUrl });
 */
export function signApprovalLink(
  fields: Pick<ApprovalLinkPayload, 'pipelineName' | 'stageName' | 'actionName' | 'token'>,
  decision: ApprovalDecision,
  expiresAt: Date,
  options: Pick<CreateApprovalLinksOptions, 'secret' | 'callbackUrl' | 'now'>,
): string {
  assertSecret(options.secret);
  let url: URL;
  try {
    url = new URL(options.callbackUrl);
  } catch {
    throw new ApprovalLinkError('Approval callback URL is not a valid absolute URL');
  }
  const now = options.now ?? new Date();
  const e = Math.floor(expiresAt.getTime() / 1000);
  if (!Number.isFinite(e) || e * 1000 <= now.getTime()) {
    throw new ApprovalLinkError('Approval link expiry must be in the future (the approval may have expired)');
  }
  const payload = {
    p: fields.pipelineName,
    s: fields.stageName,
    a: fields.actionName,
    t: fields.token,
    d: decision,
    e,
    n: randomBytes(NONCE_BYTES).toString('base64url'),
  };
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new ApprovalLinkError(
      `Approval link fields are invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  }
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  const signature = mac(options.secret, LINK_CONTEXT, encoded).toString('base64url');
  url.searchParams.set(APPROVAL_LINK_PARAM, `${APPROVAL_LINK_VERSION}.${encoded}.${signature}`);
  return url.toString();
}

/**
 * Builds the approve and reject links for an approval message. Both expire after `ttlSeconds` (default one
 * hour) or at the approval's own `expires`, whichever comes first.
 * @throws ApprovalLinkError when the approval has already expired or the options are invalid.
 *
 * @example
 * const message = parseApprovalMessage(event.Records[0]);
 * const links = createApprovalLinks(message, { secret, callbackUrl: process.env.CALLBACK_URL! });
 * await postToChat({ approve: links.approve, reject: links.reject });
 */
export function createApprovalLinks(
  message: Pick<ApprovalMessage, 'approval'>,
  options: CreateApprovalLinksOptions,
): ApprovalLinks {
  const now = options.now ?? new Date();
  const ttl = options.ttlSeconds ?? DEFAULT_APPROVAL_LINK_TTL_SECONDS;
  if (!Number.isFinite(ttl) || ttl <= 0)
    throw new ApprovalLinkError(`ttlSeconds must be positive, got ${ttl}`);
  const byTtl = now.getTime() + ttl * 1000;
  const expiresAt = new Date(Math.min(byTtl, message.approval.expires.getTime()));
  const { pipelineName, stageName, actionName, token } = message.approval;
  const fields = { pipelineName, stageName, actionName, token };
  return {
    approve: signApprovalLink(fields, 'approve', expiresAt, { ...options, now }),
    reject: signApprovalLink(fields, 'reject', expiresAt, { ...options, now }),
    expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000),
  };
}

/**
 * Verifies a signed link value (the `link` query parameter or form field). The signature is checked before
 * anything else, so a tampered expiry is `bad-signature`, and only a genuine link can be `expired`.
 *
 * @example
 * const result = verifyApprovalLink(new URL(request.url).searchParams.get('link') ?? '', { secret });
 * if (!result.ok) return result.reason === 'expired' ? gone() : forbidden();
 */
export function verifyApprovalLink(
  value: string,
  options: { readonly secret: string; readonly now?: Date },
): ApprovalLinkVerification {
  assertSecret(options.secret);
  if (typeof value !== 'string' || value.length > 4096) return { ok: false, reason: 'malformed' };
  const parts = value.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [version, encoded, signature] = parts;
  if (version !== APPROVAL_LINK_VERSION) return { ok: false, reason: 'unsupported-version' };
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return { ok: false, reason: 'malformed' };
  if (!macMatches(signature, mac(options.secret, LINK_CONTEXT, encoded))) {
    return { ok: false, reason: 'bad-signature' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = payloadSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const p = parsed.data;
  const payload: ApprovalLinkPayload = {
    pipelineName: p.p,
    stageName: p.s,
    actionName: p.a,
    token: p.t,
    decision: p.d,
    expiresAt: new Date(p.e * 1000),
    nonce: p.n,
  };
  const now = options.now ?? new Date();
  if (payload.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', payload };
  return { ok: true, payload, signature };
}

/**
 * The confirmation MAC the confirmation page puts into its form: bound to the link's signature (and so to its
 * nonce), distinct from it, so a POST must come from a page this secret rendered for this exact link.
 *
 * @example
 * const confirm = approvalConfirmationMac(result.signature, secret);
 */
export function approvalConfirmationMac(linkSignature: string, secret: string): string {
  assertSecret(secret);
  return mac(secret, CONFIRM_CONTEXT, linkSignature).toString('base64url');
}

/**
 * Checks a presented confirmation MAC in constant time.
 *
 * @example
 * if (!verifyApprovalConfirmationMac(form.get('confirm') ?? '', result.signature, secret)) return forbidden();
 */
export function verifyApprovalConfirmationMac(
  presented: string,
  linkSignature: string,
  secret: string,
): boolean {
  assertSecret(secret);
  if (typeof presented !== 'string' || presented.length > 128) return false;
  return macMatches(presented, mac(secret, CONFIRM_CONTEXT, linkSignature));
}
