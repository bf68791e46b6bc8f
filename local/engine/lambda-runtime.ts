import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalFunction } from '../functions-file.js';
import { LAMBDA_WORKER_SOURCE } from './lambda-worker-source.js';
import { FUNCTION_ROLE_ACCESS_KEY_ID } from './job-credentials.js';

/** Outcome of one invocation. */
export interface InvocationResult {
  readonly requestId: string;
  readonly ok: boolean;
  /** The handler's return value (ok) */
  readonly value?: unknown;
  /** Lambda-style error (not ok): `errorType` is e.g. `Error`, `Runtime.ExitError`, `Sandbox.Timedout`. */
  readonly error?: { errorType: string; errorMessage: string };
  /** True when a new worker process had to be started (cold start). */
  readonly cold: boolean;
  readonly durationMs: number;
  readonly initMs?: number;
}

/** Options of {@link LambdaRuntime}. */
export interface LambdaRuntimeOptions {
  /** Per-function logs go to `<logDir>/<function>.log`. */
  readonly logDir: string;
  readonly region: string;
  readonly accountId: string;
  /** AWS_ENDPOINT_URL given to functions (the engine's own URL); read at each cold start. */
  readonly endpoint: () => string;
  /** Idle workers are stopped after this long. @default 300000 (5 minutes) */
  readonly idleMs?: number;
  /** At most this many worker processes per function; further invocations wait. @default 8 */
  readonly maxWorkersPerFunction?: number;
}

interface Worker {
  readonly fn: LocalFunction;
  readonly proc: ChildProcess;
  busy: boolean;
  dead: boolean;
  idleTimer?: NodeJS.Timeout;
  onMessage?: (msg: any) => void;
  onExit?: (code: number | null, signal: string | null) => void;
}

/**
 * The local Lambda runtime (design.md, "Local Lambda runtime"): warm worker processes per function, each
 * importing the bundle once and serving one invocation at a time with Lambda's environment and a real
 * `context`; killed at the function's timeout; a crashed or timed-out worker is replaced; idle ones are reaped.
 * START/END/REPORT lines (with `Init Duration` on cold starts) and console output go to `<logDir>/<fn>.log`.
 *
 * @example
 * const runtime = new LambdaRuntime({ logDir, region: 'us-east-1', accountId: '000000000000', endpoint: () => url });
 * const result = await runtime.invoke(fn, { hello: 'world' });
 * await runtime.close();
 */
export class LambdaRuntime {
  private readonly workers = new Map<string, Worker[]>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private closed = false;

  private logDirReady = false;

  constructor(private readonly options: LambdaRuntimeOptions) {}

  /** Path of a function's log file. */
  logFile(functionName: string): string {
    return join(this.options.logDir, `${functionName}.log`);
  }

  /** The ARN a function has locally. */
  functionArn(fn: LocalFunction): string {
    return `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${fn.name}`;
  }

  /** Invokes a function once (synchronously, like `RequestResponse`). Never throws for function errors. */
  async invoke(fn: LocalFunction, event: unknown): Promise<InvocationResult> {
    if (this.closed) throw new Error('the Lambda runtime is closed');
    const requestId = randomUUID();
    const { worker, cold, initMs, initError } = await this.acquire(fn);
    if (initError) {
      this.log(fn, `INIT_REPORT Init Duration: ${(initMs ?? 0).toFixed(2)} ms\tPhase: init\tStatus: error`);
      this.log(fn, `START RequestId: ${requestId} Version: $LATEST`);
      this.log(fn, `${new Date().toISOString()}\t${requestId}\tERROR\t${JSON.stringify(initError)}`);
      this.log(fn, `END RequestId: ${requestId}`);
      return { requestId, ok: false, error: initError, cold: true, durationMs: 0, initMs };
    }
    this.log(fn, `START RequestId: ${requestId} Version: $LATEST`);
    const started = performance.now();
    const timeoutMs = fn.timeoutSeconds * 1000;
    const outcome = await new Promise<{ ok: boolean; value?: unknown; error?: InvocationResult['error'] }>(
      (resolve) => {
        const timer = setTimeout(() => {
          this.kill(worker);
          resolve({
            ok: false,
            error: {
              errorType: 'Sandbox.Timedout',
              errorMessage: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
            },
          });
        }, timeoutMs);
        worker.onMessage = (msg) => {
          if (msg.type === 'log') this.log(fn, msg.line);
          else if (msg.type === 'result' && msg.requestId === requestId) {
            clearTimeout(timer);
            resolve(msg.ok ? { ok: true, value: msg.value } : { ok: false, error: msg.error });
          }
        };
        worker.onExit = (code, signal) => {
          clearTimeout(timer);
          resolve({
            ok: false,
            error: {
              errorType: 'Runtime.ExitError',
              errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}`,
            },
          });
        };
        worker.proc.send({
          type: 'invoke',
          requestId,
          event,
          deadline: Date.now() + timeoutMs,
          functionName: fn.name,
          invokedFunctionArn: this.functionArn(fn),
          memoryMB: fn.memoryMB,
          logStreamName: `local/${worker.proc.pid}`,
        });
      },
    );
    const durationMs = performance.now() - started;
    if (!outcome.ok && outcome.error) {
      this.log(fn, `${new Date().toISOString()}\t${requestId}\tERROR\t${JSON.stringify(outcome.error)}`);
    }
    this.log(fn, `END RequestId: ${requestId}`);
    this.log(
      fn,
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\t` +
        `Memory Size: ${fn.memoryMB} MB${cold ? `\tInit Duration: ${(initMs ?? 0).toFixed(2)} ms` : ''}` +
        (outcome.error?.errorType === 'Sandbox.Timedout' ? '\tStatus: timeout' : ''),
    );
    this.release(worker);
    return { requestId, ...outcome, cold, durationMs, initMs: cold ? initMs : undefined };
  }

  /**
   * Invokes like Lambda's asynchronous invocation: an error, crash or timeout is retried (twice by default)
   * after the given delays, unless `shouldRetry` says the work is already done (e.g. the job got a result).
   * Returns every attempt's result; the last one decides.
   */
  async invokeAsync(
    fn: LocalFunction,
    event: unknown,
    options: { retryDelaysMs: readonly number[]; shouldRetry?: () => boolean },
  ): Promise<InvocationResult[]> {
    const results: InvocationResult[] = [];
    for (let attempt = 0; ; attempt++) {
      const result = await this.invoke(fn, event);
      results.push(result);
      if (result.ok || attempt >= options.retryDelaysMs.length || this.closed) return results;
      await new Promise((r) => setTimeout(r, options.retryDelaysMs[attempt]));
      if (this.closed || (options.shouldRetry && !options.shouldRetry())) return results;
    }
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.workers.values()].flat();
    await Promise.all(
      all.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.dead || w.proc.exitCode !== null) return resolve();
            w.proc.once('exit', () => resolve());
            this.kill(w);
          }),
      ),
    );
    this.workers.clear();
  }

  /** Number of live worker processes of a function (for tests and the console). */
  workerCount(functionName: string): number {
    return (this.workers.get(functionName) ?? []).filter((w) => !w.dead).length;
  }

  private async acquire(
    fn: LocalFunction,
  ): Promise<{ worker: Worker; cold: boolean; initMs?: number; initError?: InvocationResult['error'] }> {
    for (;;) {
      const list = this.workers.get(fn.name) ?? [];
      const idle = list.find(
        (w) => !w.busy && !w.dead && w.fn.bundle === fn.bundle && w.fn.handler === fn.handler,
      );
      if (idle) {
        idle.busy = true;
        if (idle.idleTimer) clearTimeout(idle.idleTimer);
        return { worker: idle, cold: false };
      }
      if (list.filter((w) => !w.dead).length < (this.options.maxWorkersPerFunction ?? 8)) break;
      await new Promise<void>((resolve) => {
        const q = this.waiters.get(fn.name) ?? [];
        q.push(resolve);
        this.waiters.set(fn.name, q);
      });
    }
    return this.spawnWorker(fn);
  }

  private spawnWorker(
    fn: LocalFunction,
  ): Promise<{ worker: Worker; cold: boolean; initMs?: number; initError?: InvocationResult['error'] }> {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', LAMBDA_WORKER_SOURCE], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: this.environment(fn),
      cwd: undefined,
    });
    const worker: Worker = { fn, proc, busy: true, dead: false };
    const list = this.workers.get(fn.name) ?? [];
    list.push(worker);
    this.workers.set(fn.name, list);
    proc.stdout?.on('data', (chunk: Buffer) => this.logRaw(fn, chunk));
    proc.stderr?.on('data', (chunk: Buffer) => this.logRaw(fn, chunk));
    proc.on('message', (msg) => worker.onMessage?.(msg));
    proc.on('exit', (code, signal) => {
      worker.dead = true;
      this.remove(worker);
      worker.onExit?.(code, signal);
    });
    proc.on('error', () => {
      worker.dead = true;
      this.remove(worker);
      worker.onExit?.(null, 'spawn error');
    });
    return new Promise((resolve) => {
      worker.onMessage = (msg) => {
        if (msg.type === 'log') this.log(fn, msg.line);
        else if (msg.type === 'started') proc.send({ type: 'init', bundle: fn.bundle, handler: fn.handler });
        else if (msg.type === 'ready') resolve({ worker, cold: true, initMs: msg.initMs });
        else if (msg.type === 'init-error') {
          this.kill(worker);
          resolve({ worker, cold: true, initError: msg.error });
        }
      };
      worker.onExit = (code, signal) =>
        resolve({
          worker,
          cold: true,
          initError: {
            errorType: 'Runtime.ExitError',
            errorMessage: `Runtime exited during init: ${signal ? `signal: ${signal}` : `exit status ${code}`}`,
          },
        });
    });
  }

  private environment(fn: LocalFunction): NodeJS.ProcessEnv {
    const endpoint = this.options.endpoint();
    const base: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      HOME: process.env.HOME,
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: this.options.region,
      AWS_DEFAULT_REGION: this.options.region,
      AWS_ACCESS_KEY_ID: FUNCTION_ROLE_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: 'local-lambda-secret',
      AWS_SESSION_TOKEN: 'local-lambda-session',
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMB),
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/${fn.name}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
    };
    return { ...base, ...fn.environment };
  }

  private release(worker: Worker): void {
    if (worker.dead) return this.wakeWaiter(worker.fn.name);
    worker.busy = false;
    worker.onMessage = (msg) => {
      if (msg.type === 'log') this.log(worker.fn, msg.line);
    };
    worker.onExit = undefined;
    worker.idleTimer = setTimeout(() => this.kill(worker), this.options.idleMs ?? 300_000);
    worker.idleTimer.unref();
    this.wakeWaiter(worker.fn.name);
  }

  private wakeWaiter(name: string): void {
    const next = this.waiters.get(name)?.shift();
    next?.();
  }

  private remove(worker: Worker): void {
    const list = this.workers.get(worker.fn.name);
    if (!list) return;
    const i = list.indexOf(worker);
    if (i >= 0) list.splice(i, 1);
    if (worker.idleTimer) clearTimeout(worker.idleTimer);
    this.wakeWaiter(worker.fn.name);
  }

  private ensureLogDir(): void {
    if (this.logDirReady) return;
    mkdirSync(this.options.logDir, { recursive: true });
    this.logDirReady = true;
  }

  private kill(worker: Worker): void {
    worker.dead = true;
    if (worker.proc.exitCode === null && worker.proc.signalCode === null) worker.proc.kill('SIGKILL');
  }

  private log(fn: LocalFunction, line: string): void {
    this.ensureLogDir();
    appendFileSync(this.logFile(fn.name), line.endsWith('\n') ? line : line + '\n');
  }

  private logRaw(fn: LocalFunction, chunk: Buffer): void {
    this.ensureLogDir();
    appendFileSync(this.logFile(fn.name), chunk);
  }
}
