import { ServiceError } from '../errors.js';

/**
 * Opaque continuation token of a list operation: the last key of the previous page, bound to
 * the list it came from, so that a token from another list is refused.
 * @example
 * const token = encodePageToken('pipelines', 'last-name');
 * decodePageToken('pipelines', token); // 'last-name'
 */
export function encodePageToken(list: string, lastKey: string): string {
  return Buffer.from(JSON.stringify({ l: list, k: lastKey }), 'utf8').toString('base64url');
}

/** The last key inside a token of `list`, or InvalidNextTokenException. */
export function decodePageToken(list: string, token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      l?: unknown;
      k?: unknown;
    };
    if (parsed.l === list && typeof parsed.k === 'string') return parsed.k;
  } catch {
    // fall through
  }
  throw new ServiceError('InvalidNextTokenException', 'The next token is not valid.');
}

/**
 * Pages an in-memory sorted list by key.
 * @example
 * pageByKey(items, (i) => i.name, 'types', input.nextToken, 100);
 */
export function pageByKey<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  list: string,
  token: string | undefined,
  limit: number,
): { page: T[]; nextToken?: string } {
  const after = decodePageToken(list, token);
  const rest = after === undefined ? items : items.filter((i) => keyOf(i) > after);
  const page = rest.slice(0, limit);
  return rest.length > limit
    ? { page, nextToken: encodePageToken(list, keyOf(page[page.length - 1])) }
    : { page };
}
