import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { packageRoot } from '../../local/package-root.js';

/** A server process a benchmark started. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly endpoint: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it exited. */
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/**
 * Starts `node bin/cpkit.mjs serve --port 0 --data-dir <dir> <args>` (the built CLI) and resolves once it
 * prints its `listening on` line.
 *
 * @example
 * const serve = await startServe(dir);
 * await serve.stop();
 */
export function startServe(dataDir: string, args: string[] = []): Promise<ServerProcess> {
  const root = packageRoot();
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'cpkit.mjs'), 'serve', '--port', '0', '--data-dir', dataDir, ...args],
    {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cpkit serve did not start in 30 s: ${err}`));
    }, 30_000);
    child.once('exit', (code) => reject(new Error(`cpkit serve exited ${code}: ${err}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve({ child, endpoint: m[1], stop: stopper(child) });
    });
  });
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * Starts a server process from `command args` and resolves when `ready()` succeeds (polled every 100 ms).
 *
 * @example
 * const moto = await startProcess('python3', ['-m', 'moto.server', '-p', '5000'], url, () => ping(url));
 */
export async function startProcess(
  command: string,
  args: string[],
  endpoint: string,
  ready: () => Promise<unknown>,
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited ${child.exitCode}: ${err}`);
    try {
      await ready();
      return { child, endpoint, stop: stopper(child) };
    } catch (e) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${command} not ready in ${timeoutMs} ms: ${err}`, { cause: e });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
