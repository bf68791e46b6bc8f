import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumOf } from '../../local/s3/checksums.js';
import { getObjectBytes, startS3Store, type StartedS3Store } from '../helpers/s3-store.js';
import { sdkErrorOf } from '../helpers/sdk-error.js';

describe('S3 store over raw HTTP', () => {
  let s3: StartedS3Store;
  beforeAll(async () => {
    s3 = await startS3Store();
    await s3.client().send(new CreateBucketCommand({ Bucket: 'raw' }));
  });
  afterAll(async () => {
    await s3.stop();
  });

  const put = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`${s3.endpoint}${path}`, { method: 'PUT', body, headers });

  it('decodes aws-chunked bodies with trailing checksums and rejects a wrong one (BadDigest)', async () => {
    // Prepare
    const data = randomBytes(100_000);
    const chunked = (trailer: string) =>
      Buffer.concat([
        Buffer.from(`${(65536).toString(16)}\r\n`),
        data.subarray(0, 65536),
        Buffer.from(`\r\n${(data.length - 65536).toString(16)}\r\n`),
        data.subarray(65536),
        Buffer.from(`\r\n0\r\n${trailer}\r\n\r\n`),
      ]);
    const headers = (algorithm: string) => ({
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(data.length),
      'x-amz-trailer': `x-amz-checksum-${algorithm}`,
    });

    // Act
    const results = [];
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      const name = `x-amz-checksum-${algorithm.toLowerCase()}`;
      const res = await put(
        `/raw/chunked-${algorithm}`,
        chunked(`${name}:${checksumOf(algorithm, data)}`),
        headers(algorithm.toLowerCase()),
      );
      results.push([algorithm, res.status, res.headers.get(name) === checksumOf(algorithm, data)]);
    }
    const bad = await put(
      '/raw/chunked-bad',
      chunked(`x-amz-checksum-crc32:${checksumOf('CRC32', Buffer.from('x'))}`),
      headers('crc32'),
    );
    const got = await fetch(`${s3.endpoint}/raw/chunked-SHA256`);
    const missing = await fetch(`${s3.endpoint}/raw/chunked-bad`);

    // Assess
    expect(results.every(([, status, echoed]) => status === 200 && echoed)).toBe(true);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<Code>BadDigest</Code>');
    expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
    expect(got.headers.get('content-encoding')).toBeNull();
    expect(missing.status).toBe(404);
  });

  it('decodes SigV4 signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', async () => {
    // Prepare
    const sig = 'f'.repeat(64);
    const body = Buffer.from(
      `5;chunk-signature=${sig}\r\nhello\r\n6;chunk-signature=${sig}\r\n world\r\n0;chunk-signature=${sig}\r\n\r\n`,
    );

    // Act
    const res = await put('/raw/signed', body, {
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'x-amz-decoded-content-length': '11',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=' +
        sig,
    });

    // Assess
    expect(res.status).toBe(200);
    expect(await (await fetch(`${s3.endpoint}/raw/signed`)).text()).toBe('hello world');
  });

  it('verifies Content-MD5 and x-amz-checksum-* headers on plain PUT', async () => {
    // Act
    const badMd5 = await put('/raw/md5', 'abc', {
      'content-md5': createHash('md5').update('abd').digest('base64'),
    });
    const goodMd5 = await put('/raw/md5', 'abc', {
      'content-md5': createHash('md5').update('abc').digest('base64'),
    });
    const badCrc = await put('/raw/crc', 'abc', {
      'x-amz-checksum-crc32c': checksumOf('CRC32C', Buffer.from('abd')),
    });
    const badSha = await put('/raw/sha', 'abc', {
      'x-amz-content-sha256': createHash('sha256').update('abd').digest('hex'),
    });

    // Assess
    expect([badMd5.status, goodMd5.status, badCrc.status, badSha.status]).toEqual([400, 200, 400, 400]);
    expect(await badMd5.text()).toContain('<Code>BadDigest</Code>');
    expect(await badSha.text()).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect((await fetch(`${s3.endpoint}/raw/crc`)).status).toBe(404);
  });

  it('serves <bucket>.localhost virtual-host addressing', async () => {
    // Act
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${s3.endpoint}/vhost.txt`,
        { method: 'PUT', headers: { host: `raw.localhost:${new URL(s3.endpoint).port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('v');
    });
    const got = await fetch(`${s3.endpoint}/raw/vhost.txt`);

    // Assess
    expect(status).toBe(200);
    expect(await got.text()).toBe('v');
  });

  it('answers unsupported subresources with 501 NotImplemented XML and HEAD errors without body', async () => {
    // Act
    const acl = await fetch(`${s3.endpoint}/raw?acl`);
    const head = await fetch(`${s3.endpoint}/raw/missing`, { method: 'HEAD' });
    const post = await fetch(`${s3.endpoint}/raw/x`, { method: 'POST' });

    // Assess
    expect(acl.status).toBe(501);
    expect(await acl.text()).toMatch(/<Code>NotImplemented<\/Code>.*<RequestId>[0-9A-F]{16}<\/RequestId>/s);
    expect(acl.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
    expect(acl.headers.get('x-amz-id-2')).toBeTruthy();
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
    expect(post.status).toBe(405);
  });
});

describe('S3 store authorizer', () => {
  let s3: StartedS3Store;
  beforeAll(async () => {
    s3 = await startS3Store({
      authorizer: {
        authorize: ({ accessKeyId, action, key }) => {
          if (accessKeyId !== 'JOBKEY') return { allowed: true };
          if (action === 'read' && key?.startsWith('in/')) return { allowed: true };
          if (action === 'write' && key?.startsWith('out/')) return { allowed: true };
          return { allowed: false, message: `JOBKEY may not ${action} ${key ?? ''}` };
        },
      },
    });
    const admin = s3.client();
    await admin.send(new CreateBucketCommand({ Bucket: 'art' }));
    await admin.send(new PutObjectCommand({ Bucket: 'art', Key: 'in/a', Body: 'input' }));
    await admin.send(new PutObjectCommand({ Bucket: 'art', Key: 'secret', Body: 'no' }));
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('allows what the authorizer allows and answers AccessDenied (403) otherwise', async () => {
    // Prepare
    const job = s3.client({ accessKeyId: 'JOBKEY' });

    // Act & Assess
    expect((await getObjectBytes(job, { Bucket: 'art', Key: 'in/a' })).bytes.toString()).toBe('input');
    await job.send(new PutObjectCommand({ Bucket: 'art', Key: 'out/b', Body: 'output' }));
    expect(await sdkErrorOf(job.send(new GetObjectCommand({ Bucket: 'art', Key: 'secret' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    expect(
      await sdkErrorOf(job.send(new PutObjectCommand({ Bucket: 'art', Key: 'in/a', Body: 'overwrite' }))),
    ).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    expect(await sdkErrorOf(job.send(new ListObjectsV2Command({ Bucket: 'art' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    expect((await getObjectBytes(s3.client(), { Bucket: 'art', Key: 'in/a' })).bytes.toString()).toBe(
      'input',
    );
    const presignedStyle = await fetch(
      `${s3.endpoint}/art/secret?X-Amz-Credential=JOBKEY%2F20260101%2Fus-east-1%2Fs3%2Faws4_request`,
    );
    expect(presignedStyle.status).toBe(403);
  });
});

describe('S3 store ArtifactStore API', () => {
  let s3: StartedS3Store;
  beforeAll(async () => {
    s3 = await startS3Store();
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('puts, heads, gets and deletes artifacts visible to SDK clients', async () => {
    // Prepare
    const { artifacts } = s3.service;

    // Act
    await artifacts.ensureBucket('engine-artifacts');
    await artifacts.ensureBucket('engine-artifacts');
    const put = await artifacts.putObject('engine-artifacts', 'p/Source/x.zip', Buffer.from('zip'), {
      contentType: 'application/zip',
      sse: { algorithm: 'aws:kms' },
    });
    const head = await artifacts.headObject('engine-artifacts', 'p/Source/x.zip');
    const viaSdk = await s3
      .client()
      .send(new HeadObjectCommand({ Bucket: 'engine-artifacts', Key: 'p/Source/x.zip' }));
    const got = await artifacts.getObject('engine-artifacts', 'p/Source/x.zip');
    const chunks: Buffer[] = [];
    for await (const c of got.body) chunks.push(c as Buffer);
    await artifacts.deleteObject('engine-artifacts', 'p/Source/x.zip');

    // Assess
    expect(head).toMatchObject({ size: 3, etag: put.etag });
    expect([viaSdk.ContentType, viaSdk.SSEKMSKeyId]).toEqual([
      'application/zip',
      'arn:aws:kms:us-east-1:000000000000:alias/aws/s3',
    ]);
    expect(Buffer.concat(chunks).toString()).toBe('zip');
    expect(await artifacts.headObject('engine-artifacts', 'p/Source/x.zip')).toBeUndefined();
    await expect(artifacts.getObject('engine-artifacts', 'p/Source/x.zip')).rejects.toMatchObject({
      code: 'NoSuchKey',
    });
    await expect(artifacts.getObject('no-bucket', 'x')).rejects.toMatchObject({ code: 'NoSuchBucket' });
  });
});

describe('S3 store survives reading its data dir again', () => {
  it('keeps objects across a restart on the same data dir', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cpkit-s3-restart-'));
    const { createS3Service } = await import('../../local/s3/index.js');
    const first = createS3Service({ dataDir: dir, region: 'us-east-1' });
    await first.artifacts.ensureBucket('keep');
    await first.artifacts.putObject('keep', 'k', 'kept');
    await first.close();

    // Act
    const second = createS3Service({ dataDir: dir, region: 'us-east-1' });
    const got = await second.artifacts.getObject('keep', 'k');
    const text = (await got.body.toArray()).map(String).join('');
    await second.close();
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(text).toBe('kept');
  });
});
