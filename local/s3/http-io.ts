import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Error } from './errors.js';
import { toXml, type XmlValue } from './xml.js';

/** The request ids S3 puts on every response (`x-amz-request-id`, `x-amz-id-2`). */
export function newRequestIds(): { requestId: string; hostId: string } {
  return {
    requestId: randomBytes(8).toString('hex').toUpperCase(),
    hostId: randomBytes(48).toString('base64'),
  };
}

/** Sets S3's common response headers. */
export function setCommonHeaders(res: ServerResponse, ids: { requestId: string; hostId: string }): void {
  res.setHeader('x-amz-request-id', ids.requestId);
  res.setHeader('x-amz-id-2', ids.hostId);
  res.setHeader('Server', 'AmazonS3');
}

/** Writes an XML document with status 200 (or `status`). */
export function sendXml(
  res: ServerResponse,
  root: string,
  body: Record<string, XmlValue>,
  status = 200,
): void {
  const text = toXml(root, body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/xml');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Writes an empty response. */
export function sendEmpty(res: ServerResponse, status = 200): void {
  res.statusCode = status;
  res.setHeader('Content-Length', 0);
  res.end();
}

/**
 * Writes an S3 error: S3's `<Error>` XML body with the error's status, or no body for HEAD requests and
 * 304. Anything that is not an `S3Error` is an `InternalError` (500), never bad input.
 */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  ids: { requestId: string; hostId: string },
  resource?: string,
): void {
  const s3Error =
    error instanceof S3Error
      ? error
      : new S3Error('InternalError', 'We encountered an internal error. Please try again.');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(s3Error.headers)) res.setHeader(name, value);
  res.statusCode = s3Error.status;
  if (req.method === 'HEAD' || s3Error.status === 304) {
    res.removeHeader('Content-Type');
    res.end();
    return;
  }
  const details: Record<string, XmlValue> = {};
  for (const [name, value] of Object.entries(s3Error.details)) if (value !== undefined) details[name] = value;
  const text = toXml(
    'Error',
    {
      Code: s3Error.code,
      Message: s3Error.message,
      ...details,
      ...(resource && !('BucketName' in details) && !('Key' in details) ? { Resource: resource } : {}),
      RequestId: ids.requestId,
      HostId: ids.hostId,
    },
    false,
  );
  res.setHeader('Content-Type', 'application/xml');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Reads a small request body (XML documents) with a size limit. */
export async function readSmallBody(req: IncomingMessage, limit = 2 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new S3Error('MaxMessageLengthExceeded', 'Your request was too big.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** One request header as a string (first value), or undefined. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** An HTTP date (`Last-Modified`) as S3 writes it. */
export function httpDate(date: Date): string {
  return date.toUTCString();
}

/** An ISO timestamp with milliseconds, as S3 writes in XML. */
export function isoDate(date: Date): string {
  return date.toISOString();
}
