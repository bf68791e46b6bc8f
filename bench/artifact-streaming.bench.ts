/**
 * Benchmark: a 200 MB input artifact read and rewritten by the built `artifact-transform` handler in a
 * child process (like a Lambda execution environment) against the embedded S3 store on loopback.
 *
 * Prints the handler process's peak RSS (VmHWM from /proc and process.resourceUsage().maxRSS) against the
 * 128 MB budget of the smallest Lambda, and the handler's throughput against a plain fs.copyFile of the
 * same zip bytes measured in the same run. Exits 1 when the peak RSS passes 128 MB or the output is wrong.
 *
 * Run: `npm run bench`. The handler is bundled by scripts/build.mjs's `bundleHandler` (the options of
 * `npm run build`, so the same bytes as dist/lambdas/artifact-transform/index.mjs).
 */
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { buildJobEvent } from '../lambdas/testing/index.js';
import { openInputArtifact } from '../lambdas/toolkit/artifacts-read.js';
import { parseJobEvent } from '../lambdas/toolkit/job-event.js';
import { createS3Service } from '../local/s3/index.js';

const MiB = 1024 * 1024;
const RSS_BUDGET_MB = 128;
/** `BENCH_SCALE` (default 1) shrinks the artifact for quick experiments; the budget check stays. */
const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const BINARY_BYTES = Math.round(190 * MiB * SCALE);
const TEMPLATE_BYTES = Math.round(40 * MiB * SCALE);
const BUCKET = 'codepipeline-us-east-1-123456789012';
const root = resolve(process.env.CPKIT_ROOT ?? process.cwd());

/**
 * Bundles the handler exactly as `npm run build` does (scripts/build.mjs `bundleHandler`), into a private
 * directory so a concurrent build that empties dist/lambdas cannot pull it away mid-run.
 */
async function bundleTransformHandler(dir: string): Promise<string> {
  const buildScript = pathToFileURL(join(root, 'scripts', 'build.mjs')).href;
  const { bundleHandler } = (await import(buildScript)) as {
    bundleHandler: (entry: string, outfile: string) => Promise<unknown>;
  };
  const outfile = join(dir, 'artifact-transform', 'index.mjs');
  await bundleHandler(join(root, 'lambdas', 'handlers', 'artifact-transform', 'index.ts'), outfile);
  return outfile;
}

/** `bytes` of random data, generated chunk by chunk (never all in memory). */
function randomStream(bytes: number, hash: ReturnType<typeof createHash>): Readable {
  let left = bytes;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const chunk = randomBytes(Math.min(left, MiB));
      left -= chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
}

/** Text lines with a `${STAGE}` placeholder in each, chunk by chunk. */
function templateStream(bytes: number): Readable {
  let left = bytes;
  let line = 0;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const lines: string[] = [];
      let size = 0;
      while (size < 256 * 1024 && size < left) {
        const text = `line ${line++} stage=\${STAGE} id=${randomBytes(12).toString('hex')}\n`;
        lines.push(text);
        size += text.length;
      }
      const chunk = Buffer.from(lines.join('')).subarray(0, Math.min(size, left));
      left -= chunk.length;
      this.push(chunk);
    },
  });
}

async function buildInputZip(path: string): Promise<string> {
  const binaryHash = createHash('sha256');
  const zip = new yazl.ZipFile();
  // Random bytes do not compress: stored (with a data descriptor, as streaming zip writers do).
  zip.addReadStream(randomStream(BINARY_BYTES, binaryHash), 'assets/data.bin', { compress: false });
  zip.addReadStream(templateStream(TEMPLATE_BYTES), 'config/app.txt.tmpl');
  zip.end();
  await pipeline(zip.outputStream as Readable, createWriteStream(path));
  return binaryHash.digest('hex');
}

/** Runs the bundle's handler once in a new Node process; returns its timing and peak memory. */
async function runHandler(bundle: string, event: unknown, env: Record<string, string>) {
  const runner = join(mkdtempSync(join(tmpdir(), 'cpkit-bench-')), 'run.mjs');
  writeFileSync(
    runner,
    `import { readFileSync } from 'node:fs';
const { handler } = await import(${JSON.stringify(bundle)});
if (process.env.BENCH_TRACE_MEMORY) {
  setInterval(() => {
    const m = process.memoryUsage();
    process.stderr.write(['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'].map((k) => k + '=' + (m[k] / 1048576).toFixed(1)).join(' ') + '\\n');
  }, 500).unref();
}
const event = JSON.parse(readFileSync(0, 'utf8'));
const started = performance.now();
const outcome = await handler(event, { awsRequestId: 'bench', functionName: 'artifact-transform', getRemainingTimeInMillis: () => 900000 });
const ms = performance.now() - started;
const hwm = Number(/VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
process.stdout.write(JSON.stringify({ ms, vmHwmKb: hwm, maxRssKb: process.resourceUsage().maxRSS, outcome }) + '\\n');
`,
  );
  // Node flags as Lambda's runtime sets them for a 128 MB function (semi-space 5%, old space 90% of memory).
  const lambdaFlags = [
    `--max-semi-space-size=${Math.floor((RSS_BUDGET_MB * 5) / 100)}`,
    `--max-old-space-size=${Math.floor((RSS_BUDGET_MB * 90) / 100)}`,
  ];
  const child = spawn(process.execPath, [...lambdaFlags, runner], {
    env: { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(JSON.stringify(event));
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  rmSync(join(runner, '..'), { recursive: true, force: true });
  const last = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`handler process exited ${code}: ${out}`);
  return JSON.parse(last) as { ms: number; vmHwmKb: number; maxRssKb: number; outcome: unknown };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cpkit-bench-data-'));
  const bundle = await bundleTransformHandler(join(work, 'dist'));
  const s3 = createS3Service({ dataDir: join(work, 's3'), region: 'us-east-1' });
  const server = createServer((req, res) => void s3.handle(req, res));
  const results: unknown[] = [];
  const codepipeline = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      results.push({ target: req.headers['x-amz-target'], body: JSON.parse(body || '{}') });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => codepipeline.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cpEndpoint = `http://127.0.0.1:${(codepipeline.address() as AddressInfo).port}`;
  try {
    // Prepare: the 200 MB input zip on disk, uploaded to the store.
    const zipPath = join(work, 'input.zip');
    const binarySha = await buildInputZip(zipPath);
    const zipBytes = statSync(zipPath).size;
    const admin = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await new Upload({
      client: admin,
      params: { Bucket: BUCKET, Key: 'bench/input.zip', Body: createReadStream(zipPath) },
    }).done();

    // Baseline: a plain copy of the same bytes.
    const copyStarted = performance.now();
    await copyFile(zipPath, join(work, 'copy.zip'));
    const copyMs = performance.now() - copyStarted;

    // Act: the handler reads the 200 MB artifact and rewrites it.
    const event = buildJobEvent({
      bucketName: BUCKET,
      inputArtifacts: [{ name: 'SourceArtifact', objectKey: 'bench/input.zip' }],
      outputArtifacts: [{ name: 'Rendered', objectKey: 'bench/output.zip' }],
      userParameters: { templates: ['**/*.tmpl'], stripSuffix: '.tmpl', variables: { STAGE: 'production' } },
    });
    const run = await runHandler(bundle, event, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'function-role',
      AWS_SECRET_ACCESS_KEY: 'function-role',
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ENDPOINT_URL_CODEPIPELINE: cpEndpoint,
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });

    // Assess: the output holds the binary unchanged and the rendered template.
    const reported = results.find((r) =>
      String((r as { target: string }).target).endsWith('PutJobSuccessResult'),
    ) as { body: { outputVariables: Record<string, string> } } | undefined;
    if (!reported) throw new Error(`the handler did not report success: ${JSON.stringify(results)}`);
    process.env.AWS_ENDPOINT_URL_S3 = endpoint;
    const job = parseJobEvent(
      buildJobEvent({
        bucketName: BUCKET,
        inputArtifacts: [{ name: 'Out', objectKey: 'bench/output.zip' }],
      }),
    );
    const output = await openInputArtifact(job, 'Out');
    const outHash = createHash('sha256');
    for await (const chunk of await output.openEntry('assets/data.bin')) outHash.update(chunk as Buffer);
    const rendered = output.entry('config/app.txt');
    output.close();
    const correct = outHash.digest('hex') === binarySha && rendered !== undefined;

    const mb = zipBytes / MiB;
    const peakMb = Math.max(run.vmHwmKb, run.maxRssKb) / 1024;
    const handlerMbps = mb / (run.ms / 1000);
    const copyMbps = mb / (copyMs / 1000);
    console.log('artifact-streaming benchmark (artifact-transform, built bundle, child process)');
    console.log(
      `  input artifact:        ${mb.toFixed(1)} MiB zip (${(BINARY_BYTES + TEMPLATE_BYTES) / MiB} MiB of files)`,
    );
    console.log(
      `  output:                fileCount=${reported.body.outputVariables.fileCount} sha256=${reported.body.outputVariables.sha256.slice(0, 16)}... correct=${correct}`,
    );
    console.log(
      `  handler:               ${(run.ms / 1000).toFixed(2)} s, ${handlerMbps.toFixed(1)} MiB/s (read + inflate + render + deflate + upload)`,
    );
    console.log(`  fs.copyFile baseline:  ${(copyMs / 1000).toFixed(3)} s, ${copyMbps.toFixed(1)} MiB/s`);
    console.log(
      `  throughput ratio:      handler / copyFile = ${(handlerMbps / copyMbps).toFixed(4)} (copyFile is ${(copyMbps / handlerMbps).toFixed(1)}x faster)`,
    );
    console.log(
      `  peak RSS of handler:   ${peakMb.toFixed(1)} MB (VmHWM ${(run.vmHwmKb / 1024).toFixed(1)} MB, maxRSS ${(run.maxRssKb / 1024).toFixed(1)} MB)`,
    );
    console.log(
      `  RSS budget ratio:      ${(peakMb / RSS_BUDGET_MB).toFixed(2)} of ${RSS_BUDGET_MB} MB -> ${peakMb <= RSS_BUDGET_MB ? 'PASS' : 'FAIL'}`,
    );
    admin.destroy();
    if (peakMb > RSS_BUDGET_MB || !correct) process.exitCode = 1;
  } finally {
    server.closeAllConnections();
    codepipeline.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => codepipeline.close(() => r()));
    await s3.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
