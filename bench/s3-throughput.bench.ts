/**
 * Upload and download throughput of the embedded S3 store for a 50 MB object, against a plain
 * fs.copyFile of the same bytes measured in the same run (ratios printed; no thresholds).
 *
 * Run: npx esbuild bench/s3-throughput.bench.ts --bundle --platform=node --format=esm --packages=external \
 *        --outfile=node_modules/.cache/bench/s3-throughput.mjs && node node_modules/.cache/bench/s3-throughput.mjs
 */
import { GetObjectCommand, PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile, open } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bundleS3StoreServer } from '../test/helpers/s3-store.js';

const SIZE = 50 * 1024 * 1024;
const ROUNDS = 3;

async function timed(fn: () => Promise<void>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  await handle.sync();
  await handle.close();
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const work = mkdtempSync(join(tmpdir(), 'cpkit-bench-s3-'));
  const source = join(work, 'source.bin');
  writeFileSync(source, randomBytes(SIZE));
  // The store runs in its own process, as under `cpkit serve`, so that client and server do not share a thread.
  const script = await bundleS3StoreServer();
  const child = spawn(process.execPath, [script, join(work, 'data')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const m = /listening on (http:\/\/\S+)/.exec(d.toString());
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`store exited with ${code}`)));
  });
  const client = (checksums: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED') =>
    new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
    });
  const plain = client('WHEN_REQUIRED');
  const sdkDefault = client('WHEN_SUPPORTED');
  await plain.send(new CreateBucketCommand({ Bucket: 'bench' }));

  try {
    const results: [string, number][] = [];
    results.push(['fs.copyFile (baseline)', await timed(() => copyFile(source, join(work, 'copy.bin')))]);
    results.push([
      'fs.copyFile + fsync',
      await timed(async () => {
        await copyFile(source, join(work, 'copy.bin'));
        await fsync(join(work, 'copy.bin'));
      }),
    ]);
    results.push([
      'upload PutObject (plain body, no checksum)',
      await timed(async () => {
        await plain.send(
          new PutObjectCommand({
            Bucket: 'bench',
            Key: 'plain',
            Body: createReadStream(source),
            ContentLength: SIZE,
          }),
        );
      }),
    ]);
    results.push([
      'upload PutObject (SDK default: aws-chunked + CRC32 trailer)',
      await timed(async () => {
        await sdkDefault.send(
          new PutObjectCommand({
            Bucket: 'bench',
            Key: 'chunked',
            Body: createReadStream(source),
            ContentLength: SIZE,
          }),
        );
      }),
    ]);
    results.push([
      'upload lib-storage multipart (5 MiB parts, queue 4)',
      await timed(async () => {
        await new Upload({
          client: sdkDefault,
          params: { Bucket: 'bench', Key: 'multipart', Body: createReadStream(source) },
          partSize: 5 * 1024 * 1024,
          queueSize: 4,
        }).done();
      }),
    ]);
    results.push([
      'download GetObject to a file',
      await timed(async () => {
        const out = await plain.send(new GetObjectCommand({ Bucket: 'bench', Key: 'plain' }));
        await pipeline(out.Body as Readable, createWriteStream(join(work, 'download.bin')));
      }),
    ]);
    results.push([
      'download GetObject (SDK default, CRC32 validated)',
      await timed(async () => {
        const out = await sdkDefault.send(new GetObjectCommand({ Bucket: 'bench', Key: 'chunked' }));
        await pipeline(out.Body as Readable, createWriteStream(join(work, 'download2.bin')));
      }),
    ]);

    const baseline = results[0][1];
    const mb = SIZE / (1024 * 1024);
    console.log(
      `S3 store throughput, ${mb} MiB object, median of ${ROUNDS} rounds (Node ${process.version})`,
    );
    for (const [name, seconds] of results) {
      const ratio = baseline / seconds;
      console.log(
        `${name.padEnd(62)} ${(mb / seconds).toFixed(0).padStart(6)} MiB/s  ${(seconds * 1000).toFixed(0).padStart(6)} ms  ${ratio.toFixed(2)}x of fs.copyFile`,
      );
    }
  } finally {
    plain.destroy();
    sdkDefault.destroy();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(script, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
