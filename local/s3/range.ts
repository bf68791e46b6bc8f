import { S3Error } from './errors.js';

/** An inclusive byte range of an object, as S3 serves it for a `Range` header. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Resolves a `Range` header against an object of `size` bytes the way S3 does:
 * `bytes=a-b` (end clamped to the last byte), `bytes=a-` and suffix `bytes=-n` (the last n bytes, at most
 * the whole object). A header S3 ignores (another unit, several ranges, end before start, bad syntax)
 * gives undefined (the whole object, 200). A range that starts past the end, a zero-length suffix or any
 * range of an empty object throws `InvalidRange` (416).
 *
 * @example
 * parseRange('bytes=-10', 100); // { start: 90, end: 99 }
 * parseRange('bytes=0-', 0); // throws InvalidRange
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  const invalid = (): S3Error =>
    new S3Error('InvalidRange', 'The requested range is not satisfiable', {
      RangeRequested: header,
      ActualObjectSize: size,
    });
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw invalid();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) throw invalid();
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { start, end };
}

/** The `Content-Range` value of a served range. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
