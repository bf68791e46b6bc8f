import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARK = 'BENCH_COLD_RESULT ';

/**
 * The script a cold-start sample runs in a new Node process: import the bundle, read the event, call the
 * handler once with a Lambda-like context, print the timings on a marked line.
 */
const RUNNER = `import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile, functionName] = process.argv.slice(2);
const t0 = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const imported = performance.now();
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const deadline = Date.now() + 30000;
const context = { awsRequestId: crypto.randomUUID(), functionName, functionVersion: '$LATEST', memoryLimitInMB: '128',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:' + functionName, logGroupName: '/aws/lambda/' + functionName,
  logStreamName: 'bench', callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => deadline - Date.now() };
let error;
try { await mod.handler(event, context); } catch (err) { error = String(err); }
const done = performance.now();
process.stdout.write('\\n${MARK}' + JSON.stringify({ bootMs: t0, importMs: imported - t0, invokeMs: done - imported, error }) + '\\n');
`;

/** Writes the cold-start runner script into `dir`; returns its path. */
export function writeColdRunner(dir: string): string {
  const file = join(dir, 'cold-runner.mjs');
  writeFileSync(file, RUNNER);
  return file;
}

/** One cold-start sample: wall time from spawn to the handler's return, and its parts. */
export interface ColdSample {
  /** From spawning the process to the result line (Node boot + import + first invocation). */
  readonly totalMs: number;
  /** Node boot until the runner's first line (performance.now() at that point). */
  readonly bootMs: number;
  readonly importMs: number;
  readonly invokeMs: number;
}

/**
 * Runs `bundle`'s handler once with `eventFile` in a new Node process with `env`.
 *
 * @example
 * const s = await coldInvoke(runner, '/tmp/floor/index.mjs', '/tmp/event.json', 'floor', env);
 */
export function coldInvoke(
  runner: string,
  bundle: string,
  eventFile: string,
  functionName: string,
  env: NodeJS.ProcessEnv,
): Promise<ColdSample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [runner, bundle, eventFile, functionName], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let totalMs: number | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (totalMs === undefined && out.includes(MARK) && out.endsWith('\n'))
        totalMs = performance.now() - started;
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line || totalMs === undefined)
        return reject(new Error(`cold run of ${bundle} exited ${code}: ${out}\n${err}`));
      const r = JSON.parse(line.slice(MARK.length)) as Omit<ColdSample, 'totalMs'> & { error?: string };
      if (r.error) return reject(new Error(`handler ${functionName} threw: ${r.error}\n${out}`));
      resolve({ totalMs, bootMs: r.bootMs, importMs: r.importMs, invokeMs: r.invokeMs });
    });
  });
}
