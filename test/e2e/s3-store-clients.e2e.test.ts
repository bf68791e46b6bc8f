import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Service } from '../../local/s3/index.js';
import { pythonClientEnv } from '../helpers/real-client-runners.js';
import { bundleS3StoreServer, startS3Store, type StartedS3Store } from '../helpers/s3-store.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const cliEnv = pythonClientEnv();

describe('S3 store with the aws CLI and boto3', () => {
  let s3: StartedS3Store;
  let work: string;
  let bigPath: string;
  let big: Buffer;
  beforeAll(async () => {
    s3 = await startS3Store();
    work = mkdtempSync(join(tmpdir(), 'cpkit-s3-clients-'));
    big = randomBytes(50 * MiB);
    bigPath = join(work, 'big.bin');
    writeFileSync(bigPath, big);
  });
  afterAll(async () => {
    await s3.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const clis = ['aws', ...(existsSync('/usr/bin/aws') ? ['/usr/bin/aws'] : [])];

  it.each(clis)(
    '%s: s3 mb/cp/ls round trips (multipart 50 MB, empty, small) and s3api versioning, ranges, errors',
    async (aws) => {
      // Prepare
      const bucket = aws === 'aws' ? 'cli-v1' : 'cli-v2';
      const cli = (...args: string[]) =>
        run(
          aws,
          ['--endpoint-url', s3.endpoint, ...args, ...(args[1] === 'cp' ? ['--only-show-errors'] : [])],
          { env: cliEnv, maxBuffer: 16 * MiB },
        );
      const up = join(work, `${bucket}-up`);
      const down = join(work, `${bucket}-down`);
      mkdirSync(join(up, 'dir', 'sub'), { recursive: true });
      copyFileSync(bigPath, join(up, 'dir', 'big.bin'));
      writeFileSync(join(up, 'empty'), '');
      writeFileSync(join(up, 'dir', 'sub', 'small.txt'), 'small from the cli');

      // Act
      await cli('s3', 'mb', `s3://${bucket}`);
      await cli('s3', 'cp', '--recursive', up, `s3://${bucket}/`);
      await cli('s3', 'cp', '--recursive', `s3://${bucket}/`, down);
      await cli('s3', 'cp', `s3://${bucket}/dir/big.bin`, `s3://${bucket}/copied/big.bin`);
      const top = (await cli('s3', 'ls', `s3://${bucket}/`)).stdout;
      await cli(
        's3api',
        'put-bucket-versioning',
        '--bucket',
        bucket,
        '--versioning-configuration',
        'Status=Enabled',
      );
      const small = join(up, 'dir', 'sub', 'small.txt');
      const v1 = JSON.parse(
        (await cli('s3api', 'put-object', '--bucket', bucket, '--key', 'v', '--body', small)).stdout,
      ) as {
        VersionId: string;
      };
      await cli('s3api', 'put-object', '--bucket', bucket, '--key', 'v', '--body', join(up, 'empty'));
      const versions = JSON.parse(
        (await cli('s3api', 'list-object-versions', '--bucket', bucket, '--prefix', 'v')).stdout,
      ) as {
        Versions: { VersionId: string; IsLatest: boolean }[];
      };
      const rangeOut = join(work, `${bucket}-range.out`);
      const ranged = JSON.parse(
        (
          await cli(
            's3api',
            'get-object',
            '--bucket',
            bucket,
            '--key',
            'v',
            '--version-id',
            v1.VersionId,
            '--range',
            'bytes=0-4',
            rangeOut,
          )
        ).stdout,
      ) as { ContentRange: string };
      const missing = await cli('s3api', 'head-object', '--bucket', bucket, '--key', 'nope').catch(
        (e: { stderr: string }) => e.stderr,
      );

      // Assess
      expect(sha256(readFileSync(join(down, 'dir', 'big.bin')))).toBe(sha256(big));
      expect(readFileSync(join(down, 'empty')).length).toBe(0);
      expect(readFileSync(join(down, 'dir', 'sub', 'small.txt'), 'utf8')).toBe('small from the cli');
      expect(top).toContain('PRE dir/');
      expect(top).toMatch(/\s0 empty/);
      const listed = await s3.client().send(new ListObjectsV2Command({ Bucket: bucket }));
      expect(listed.Contents?.map((c) => [c.Key, c.Size])).toEqual([
        ['copied/big.bin', 50 * MiB],
        ['dir/big.bin', 50 * MiB],
        ['dir/sub/small.txt', 18],
        ['empty', 0],
        ['v', 0],
      ]);
      const head = await s3.client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'dir/big.bin' }));
      expect(head.ETag).toMatch(/-\d+"$/);
      const copied = await s3.client().send(new GetObjectCommand({ Bucket: bucket, Key: 'copied/big.bin' }));
      expect(sha256(Buffer.from(await copied.Body!.transformToByteArray()))).toBe(sha256(big));
      expect(versions.Versions).toHaveLength(2);
      expect(versions.Versions.find((v) => v.IsLatest)?.VersionId).not.toBe(v1.VersionId);
      expect(ranged.ContentRange).toBe('bytes 0-4/18');
      expect(readFileSync(rangeOut, 'utf8')).toBe('small');
      expect(missing).toMatch(/404|Not Found/);
    },
    120_000, // each aws CLI process needs about a second to start; 12 of them plus 50 MB each way
  );

  it('boto3: upload_file multipart, download_file, put/get, ranges, metadata, delimiter listing, NoSuchKey', async () => {
    // Act
    const { stdout } = await run(
      'python3',
      [
        join(import.meta.dirname, '..', 'fixtures', 's3-boto3-roundtrip.py'),
        s3.endpoint,
        'boto3-bucket',
        bigPath,
        join(work, 'boto3.out'),
      ],
      { env: cliEnv, maxBuffer: 16 * MiB },
    );
    const out = JSON.parse(stdout) as Record<string, unknown>;

    // Assess
    expect(out.downloaded_sha256).toBe(sha256(big));
    expect(out.size).toBe(50 * MiB);
    expect(out.etag).toMatch(/^"[0-9a-f]{32}-10"$/);
    expect(out.empty).toBe('');
    expect(out.range).toBe('boto3');
    expect(out.content_range).toBe('bytes 6-10/11');
    expect(out.metadata).toEqual({ kind: 'small' });
    expect(out.keys).toEqual(['big.bin', 'empty']);
    expect(out.prefixes).toEqual(['dir/']);
    expect(out.encoded_keys).toEqual(['dir/a b+c&d.txt', 'dir/small.txt']);
    expect(out.missing).toBe('NoSuchKey');
  }, 60_000);
});

describe('S3 store crash safety', () => {
  let child: ChildProcess | undefined;
  let dataDir: string;
  let script: string;
  beforeAll(async () => {
    script = await bundleS3StoreServer();
    dataDir = mkdtempSync(join(tmpdir(), 'cpkit-s3-kill-'));
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(script, { force: true });
  });

  async function startChild(): Promise<string> {
    child = spawn(process.execPath, [script, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => {
        const m = /listening on (http:\/\/\S+)/.exec(d.toString());
        if (m) resolve(m[1]);
      });
      child!.once('exit', (code) => reject(new Error(`store exited early with ${code}`)));
    });
  }

  it('leaves no partial object visible after kill -9 during a 50 MB upload, and keeps committed ones', async () => {
    // Prepare
    const endpoint = await startChild();
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    await client.send(new CreateBucketCommand({ Bucket: 'crash' }));
    await client.send(new PutObjectCommand({ Bucket: 'crash', Key: 'committed', Body: 'safe' }));
    const total = 50 * MiB;
    const req = request(`${endpoint}/crash/partial`, { method: 'PUT', headers: { 'content-length': total } });
    req.on('error', () => undefined);
    const chunk = randomBytes(MiB);
    for (let sent = 0; sent < 20 * MiB; sent += MiB) {
      if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
    }
    await new Promise((r) => setTimeout(r, 300));
    const tmpBefore = readdirSync(join(dataDir, 's3', 'tmp'));

    // Act
    child!.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    req.destroy();
    client.destroy();
    const restartedEndpoint = await startChild();
    const after = new S3Client({
      endpoint: restartedEndpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const listing = await after.send(new ListObjectsV2Command({ Bucket: 'crash' }));
    const head = await after
      .send(new HeadObjectCommand({ Bucket: 'crash', Key: 'partial' }))
      .catch((e: { name: string }) => e.name);
    const committed = await after.send(new HeadObjectCommand({ Bucket: 'crash', Key: 'committed' }));
    after.destroy();
    child!.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    child = undefined;

    // Assess
    expect(tmpBefore.length).toBe(1);
    expect(listing.Contents?.map((c) => c.Key)).toEqual(['committed']);
    expect(head).toBe('NotFound');
    expect(committed.ContentLength).toBe(4);
    expect(readdirSync(join(dataDir, 's3', 'tmp'))).toEqual([]);
    const reopened = createS3Service({ dataDir, region: 'us-east-1' });
    expect(await reopened.artifacts.headObject('crash', 'partial')).toBeUndefined();
    await reopened.close();
  });
});
