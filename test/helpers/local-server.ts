import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  startLocalCodePipeline,
  type LocalCodePipeline,
  type LocalCodePipelineOptions,
} from '../../local/index.js';

/** Repository root (for spawning bin/cpkit.mjs). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A fresh temp directory; remove it with `rmSync(dir, { recursive: true, force: true })`. */
export function tempDir(prefix = 'cpkit-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A CodePipeline client for a local endpoint with dummy credentials. */
export function codePipelineClient(endpoint: string): CodePipelineClient {
  return new CodePipelineClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/** An in-process local engine for a test. */
export interface TestLocalServer extends LocalCodePipeline {
  /** A CodePipeline client bound to the endpoint (destroyed by stop()). */
  readonly client: CodePipelineClient;
}

/**
 * Starts the engine in this process on port 0 with a fresh temp data dir (unless `options.dataDir`
 * is given, which is then kept). `stop()` stops it and removes the temp dir.
 *
 * @example
 * let local: TestLocalServer;
 * beforeAll(async () => { local = await startTestServer(); });
 * afterAll(() => local.stop());
 * await local.client.send(new ListPipelinesCommand({}));
 */
export async function startTestServer(options: LocalCodePipelineOptions = {}): Promise<TestLocalServer> {
  const local = await startLocalCodePipeline({ port: 0, ...options });
  const client = codePipelineClient(local.endpoint);
  return {
    ...local,
    client,
    stop: async () => {
      client.destroy();
      await local.stop();
    },
  };
}

/** A `cpkit serve` child process. */
export interface SpawnedServe {
  readonly child: ChildProcess;
  /** From the `listening on` line. */
  readonly endpoint: string;
  readonly port: number;
  /** From the `data dir:` line. */
  readonly dataDir: string;
  /** Everything written to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The result of a `cpkit` run that exited. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cliEnv(): NodeJS.ProcessEnv {
  return { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
}

/**
 * Spawns `node bin/cpkit.mjs serve <args>` and resolves once it printed its `listening on` line
 * (rejects when it exits first or after `timeoutMs`, with its stderr in the message).
 *
 * @example
 * const serve = await spawnServe(['--port', '0', '--data-dir', dir]);
 * ...
 * expect(await serve.stop()).toBe(0);
 */
export function spawnServe(args: string[], timeoutMs = 15_000): Promise<SpawnedServe> {
  const child = spawn(process.execPath, ['bin/cpkit.mjs', 'serve', ...args], {
    cwd: repoRoot,
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let dataDir = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cpkit serve did not start within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`cpkit serve exited with ${code} before listening; stderr: ${err}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      out += line + '\n';
      const dir = /^data dir: (.+)$/.exec(line);
      if (dir) dataDir = dir[1];
      const listening = /listening on (http:\/\/[^\s]+:(\d+))/.exec(line);
      if (!listening) return;
      clearTimeout(timer);
      resolve({
        child,
        endpoint: listening[1],
        port: Number(listening[2]),
        dataDir,
        stdout: () => out,
        stderr: () => err,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    });
  });
}

/**
 * Runs `node bin/cpkit.mjs <args>` to completion (for commands that exit, or serve with bad flags).
 *
 * @example
 * const { code, stderr } = await runCli(['serve', '--port', 'x']);
 */
export function runCli(args: string[], timeoutMs = 15_000): Promise<CliResult> {
  const child = spawn(process.execPath, ['bin/cpkit.mjs', ...args], {
    cwd: repoRoot,
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Removes a temp dir (ignores errors). */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
