import { createHmac, timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../errors.js';
import { declaredErrors } from './service-model.js';

/**
 * Opaque, tamper-checked `nextToken`s shared by every List* operation.
 *
 * A token is `base64url(JSON position) + '.' + base64url(HMAC-SHA256)`, keyed by the operation name, so
 * a token of ListPipelines is not accepted by ListWebhooks, an edited token is rejected, and tokens keep
 * working across restarts (the key is not a secret: the check catches corruption and misuse, it does not
 * protect data; positions never contain anything the caller could not list anyway).
 */
const KEY_PREFIX = 'codepipeline-kit/next-token/';

function mac(operation: string, payload: string): string {
  return createHmac('sha256', KEY_PREFIX + operation)
    .update(payload)
    .digest('base64url');
}

/**
 * Encodes a position (any JSON value, e.g. the last key returned) as a nextToken for `operation`.
 *
 * @example
 * const nextToken = encodeNextToken('ListPipelines', { after: 'pipeline-42' });
 */
export function encodeNextToken(operation: string, position: unknown): string {
  const payload = Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
  return `${payload}.${mac(operation, payload)}`;
}

/**
 * Decodes a nextToken of `operation`. A token that was not issued for this operation, or was altered,
 * fails with the operation's `InvalidNextTokenException` when the model declares it, else
 * `ValidationException`.
 *
 * @example
 * const { after } = decodeNextToken<{ after: string }>('ListPipelines', input.nextToken);
 */
export function decodeNextToken<T = unknown>(operation: string, token: string): T {
  const [payload, signature, extra] = token.split('.');
  if (payload && signature && extra === undefined) {
    const expected = Buffer.from(mac(operation, payload));
    const given = Buffer.from(signature);
    if (expected.length === given.length && timingSafeEqual(expected, given)) {
      try {
        return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
      } catch {
        // fall through: a valid MAC over garbage cannot happen unless the key leaked; treat as invalid
      }
    }
  }
  throw invalidNextToken(operation);
}

/** The error for a bad token of `operation`. */
export function invalidNextToken(operation: string): ServiceError {
  if (declaredErrors(operation).includes('InvalidNextTokenException')) {
    return new ServiceError(
      'InvalidNextTokenException',
      'The next token was specified in an invalid format. Make sure that the next token you provide is the token returned by a previous call.',
    );
  }
  return new ServiceError('ValidationException', 'Invalid nextToken');
}

/** One page of a keyed listing. */
export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/**
 * Pages through `items` (already sorted by `keyOf`) after the token's key. Keyed rather than offset
 * based, so deleting an item between two calls never skips or repeats another one.
 *
 * @example
 * const page = pageByKey('ListPipelines', rows, (r) => r.name, input.nextToken, input.maxResults ?? 100);
 * return { pipelines: page.items.map(toSummary), nextToken: page.nextToken };
 */
export function pageByKey<T>(
  operation: string,
  items: readonly T[],
  keyOf: (item: T) => string,
  nextToken: string | undefined,
  pageSize: number,
): Page<T> {
  let start = 0;
  if (nextToken !== undefined) {
    const position = decodeNextToken<{ after?: unknown }>(operation, nextToken);
    if (typeof position !== 'object' || position === null || typeof position.after !== 'string') {
      throw invalidNextToken(operation);
    }
    const after = position.after;
    start = items.findIndex((item) => keyOf(item) > after);
    if (start === -1) start = items.length;
  }
  const size = Math.max(1, Math.floor(pageSize));
  const slice = items.slice(start, start + size);
  const more = start + size < items.length;
  return {
    items: slice,
    nextToken: more ? encodeNextToken(operation, { after: keyOf(slice[slice.length - 1]) }) : undefined,
  };
}
