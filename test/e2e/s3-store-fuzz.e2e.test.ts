import fc from 'fast-check';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Store, type StartedS3Store } from '../helpers/s3-store.js';

interface RawResponse {
  status: number;
  body: string;
}

function send(
  endpoint: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const framed = { ...headers, 'content-length': String(body.length) };
    const req = request(`${endpoint}${path}`, { method, headers: framed, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout on ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

const segment = fc.oneof(
  fc.constantFrom(
    'fuzz',
    'fuzz/a',
    'fuzz/a/b',
    'Fuzz',
    '_cpkit',
    'no-such-bucket/x',
    'fuzz/%zz',
    'fuzz/a%2Fb',
    '',
  ),
  fc.stringMatching(/^[a-z0-9._\-/%]{0,20}$/),
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?uploads',
    '?uploadId=nope',
    '?uploadId=nope&partNumber=0',
    '?partNumber=99999&uploadId=x',
    '?versioning',
    '?versions&max-keys=-1',
    '?list-type=2&max-keys=abc',
    '?list-type=2&continuation-token=garbage',
    '?list-type=2&encoding-type=xml',
    '?delete',
    '?acl',
    '?tagging',
    '?location',
    '?versionId=bogus',
  ),
);
const headerSet = fc.record(
  {
    range: fc.constantFrom('bytes=0-0', 'bytes=-0', 'bytes=9-1', 'bytes=x', 'bytes=100000-'),
    'content-md5': fc.constantFrom('AAAA', 'not base64!', '1B2M2Y8AsgTpgAmY7PhCfg=='),
    'x-amz-content-sha256': fc.constantFrom(
      'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'abc',
    ),
    'x-amz-trailer': fc.constantFrom('x-amz-checksum-crc32', 'x-amz-checksum-md5', 'bogus'),
    'x-amz-checksum-crc32': fc.constantFrom('AAAAAA==', '!!', 'AAAAAAAAAAA='),
    'x-amz-copy-source': fc.constantFrom('fuzz/a', '/', 'nobucket', '%zz/k', 'fuzz/missing?versionId=x'),
    'x-amz-server-side-encryption': fc.constantFrom('aws:kms', 'rot13', 'AES256'),
    'x-amz-server-side-encryption-aws-kms-key-id': fc.constantFrom('alias/x'),
    'x-amz-metadata-directive': fc.constantFrom('COPY', 'REPLACE', 'MERGE'),
    authorization: fc.constantFrom('AWS4-HMAC-SHA256 Credential=/', 'garbage', 'AWS x'),
  },
  { requiredKeys: [] },
);
const bodies = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.constantFrom(
    Buffer.from('<CompleteMultipartUpload><Part><PartNumber>x</PartNumber></Part></CompleteMultipartUpload>'),
    Buffer.from('<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>'),
    Buffer.from('<Delete><Object><Key>a</Key></Object></Delete>'),
    Buffer.from('5\r\nhello\r\n0\r\n\r\n'),
    Buffer.from('zz\r\n'),
    Buffer.from('<<<not xml'),
  ),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);

describe('S3 store under malformed requests', () => {
  let s3: StartedS3Store;
  beforeAll(async () => {
    s3 = await startS3Store();
    await send(s3.endpoint, 'PUT', '/fuzz', {}, Buffer.alloc(0));
    await send(s3.endpoint, 'PUT', '/fuzz/a', {}, Buffer.from('stored'));
    await send(s3.endpoint, 'PUT', '/keep-this-bucket-0123456789', {}, Buffer.alloc(0));
    await send(s3.endpoint, 'PUT', '/keep-this-bucket-0123456789/k', {}, Buffer.from('stored'));
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('never answers 500 or hangs, and every error body is S3 XML', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH'),
        segment,
        query,
        headerSet,
        bodies,
        async (method, path, q, headers, body) => {
          // Act
          const res = await send(
            s3.endpoint,
            method,
            `/${path}${q}`,
            headers as Record<string, string>,
            body,
          );

          // Assess
          expect(res.status).not.toBe(500);
          expect(res.status).toBeGreaterThanOrEqual(200);
          if (res.status >= 400 && method !== 'HEAD')
            expect(res.body).toMatch(/^<\?xml[^>]*>\s*<Error><Code>\w+<\/Code>/);
        },
      ),
      { numRuns: 300 },
    );
    // An object the requests did not address is intact after all that, and the store still serves.
    const after = await send(s3.endpoint, 'GET', '/keep-this-bucket-0123456789/k', {}, Buffer.alloc(0));
    expect([after.status, after.body]).toEqual([200, 'stored']);
  });
});
