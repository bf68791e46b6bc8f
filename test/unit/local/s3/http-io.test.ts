import type { IncomingMessage, ServerResponse } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { S3Error, noSuchBucket } from '../../../../local/s3/errors.js';
import { sendError } from '../../../../local/s3/http-io.js';

function fakeResponse(): ServerResponse & { body: string; headers: Record<string, unknown> } {
  const res = {
    statusCode: 200,
    headersSent: false,
    body: '',
    headers: {} as Record<string, unknown>,
    setHeader(name: string, value: unknown) {
      this.headers[name.toLowerCase()] = value;
    },
    removeHeader(name: string) {
      delete this.headers[name.toLowerCase()];
    },
    end(text?: string) {
      this.body = text ?? '';
    },
    destroy() {},
  };
  return res as unknown as ServerResponse & { body: string; headers: Record<string, unknown> };
}

const ids = { requestId: 'ABCDEF0123456789', hostId: 'host/id=' };

describe('Function: sendError', () => {
  it('writes S3 XML with code, message, details, request id and the status of the code', () => {
    // Prepare
    const res = fakeResponse();

    // Act
    sendError({ method: 'GET' } as IncomingMessage, res, noSuchBucket('missing-bucket'), ids);

    // Assess
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/xml');
    const doc = new XMLParser().parse(res.body) as { Error: Record<string, string> };
    expect(doc.Error).toEqual({
      Code: 'NoSuchBucket',
      Message: 'The specified bucket does not exist',
      BucketName: 'missing-bucket',
      RequestId: ids.requestId,
      HostId: ids.hostId,
    });
  });

  it('sends no body for HEAD and keeps the extra headers', () => {
    // Prepare
    const res = fakeResponse();
    const error = new S3Error(
      'NoSuchKey',
      'The specified key does not exist.',
      { Key: 'k' },
      { 'x-amz-delete-marker': 'true' },
    );

    // Act
    sendError({ method: 'HEAD' } as IncomingMessage, res, error, ids);

    // Assess
    expect(res.statusCode).toBe(404);
    expect(res.body).toBe('');
    expect(res.headers['x-amz-delete-marker']).toBe('true');
  });

  it.each([
    ['InvalidRange', 416],
    ['AccessDenied', 403],
    ['BucketNotEmpty', 409],
    ['NotImplemented', 501],
    ['EntityTooSmall', 400],
    ['PreconditionFailed', 412],
  ])('answers %s with %i', (code, status) => {
    const res = fakeResponse();
    sendError({ method: 'GET' } as IncomingMessage, res, new S3Error(code, 'm'), ids);
    expect(res.statusCode).toBe(status);
  });

  it('turns an unexpected error into InternalError without leaking its message, and escapes XML', () => {
    const res = fakeResponse();
    sendError({ method: 'GET' } as IncomingMessage, res, new Error('secret path /x'), ids);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');

    const res2 = fakeResponse();
    sendError(
      { method: 'GET' } as IncomingMessage,
      res2,
      new S3Error('NoSuchKey', 'm', { Key: 'a<b>&c' }),
      ids,
    );
    expect(res2.body).toContain('<Key>a&lt;b&gt;&amp;c</Key>');
  });
});
