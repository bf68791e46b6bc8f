import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaRuntime } from '../../../../local/engine/lambda-runtime.js';
import type { LocalFunction } from '../../../../local/functions-file.js';
import { removeDir, repoRoot, tempDir } from '../../../helpers/local-server.js';

const bundle = join(repoRoot, 'test', 'fixtures', 'handlers', 'runtime-probe.mjs');
const probe: LocalFunction = {
  name: 'probe',
  bundle,
  handler: 'handler',
  timeoutSeconds: 1,
  memoryMB: 128,
  environment: {},
};

let runtime: LambdaRuntime;
let dir: string;

function create(idleMs = 60_000): LambdaRuntime {
  dir = tempDir('cpkit-runtime-');
  runtime = new LambdaRuntime({
    logDir: dir,
    region: 'us-east-1',
    accountId: '000000000000',
    endpoint: () => 'http://127.0.0.1:9',
    idleMs,
  });
  return runtime;
}

afterEach(async () => {
  await runtime?.close();
  removeDir(dir);
});

describe('Class: LambdaRuntime', () => {
  it('keeps a warm worker: the second invocation reuses the process and is not a cold start', async () => {
    create();
    const first = await runtime.invoke(probe, { mode: 'echo' });
    const second = await runtime.invoke(probe, { mode: 'echo' });
    expect(first).toMatchObject({ ok: true, cold: true });
    expect(second).toMatchObject({ ok: true, cold: false });
    expect((second.value as { pid: number }).pid).toBe((first.value as { pid: number }).pid);
    expect((second.value as { invocations: number }).invocations).toBe(2);
    expect((first.value as { remaining: number }).remaining).toBeGreaterThan(0);
    const log = readFileSync(runtime.logFile('probe'), 'utf8');
    expect(log).toContain(`${first.requestId}\tINFO\techo {"mode":"echo"}`);
    expect(log.match(/Init Duration/g)).toHaveLength(1);
  });

  it('replaces a worker that crashed or timed out', async () => {
    create();
    const warm = await runtime.invoke(probe, { mode: 'echo' });
    const crashed = await runtime.invoke(probe, { mode: 'crash' });
    const timedOut = await runtime.invoke(probe, { mode: 'hang' });
    const after = await runtime.invoke(probe, { mode: 'echo' });
    expect(crashed).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
    expect(crashed.error?.errorMessage).toContain('exit status 3');
    expect(timedOut).toMatchObject({
      ok: false,
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' },
    });
    expect(after).toMatchObject({ ok: true, cold: true });
    expect((after.value as { pid: number }).pid).not.toBe((warm.value as { pid: number }).pid);
  });

  it('supports callback handlers and reports a missing export as an init error', async () => {
    create();
    const viaCallback = await runtime.invoke({ ...probe, handler: 'callbackHandler' }, { value: 7 });
    const missing = await runtime.invoke({ ...probe, name: 'missing', handler: 'nope' }, {});
    expect(viaCallback.value).toEqual({ viaCallback: 7 });
    expect(missing).toMatchObject({ ok: false, error: { errorType: 'Runtime.HandlerNotFound' } });
  });

  it('reaps idle workers', async () => {
    create(50);
    await runtime.invoke(probe, { mode: 'echo' });
    const deadline = Date.now() + 5000;
    while (runtime.workerCount('probe') > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(runtime.workerCount('probe')).toBe(0);
  });

  it('retries a failed asynchronous invocation twice', async () => {
    create();
    const results = await runtime.invokeAsync(probe, { mode: 'crash' }, { retryDelaysMs: [1, 1] });
    expect(results.map((r) => r.ok)).toEqual([false, false, false]);
    const stopped = await runtime.invokeAsync(
      probe,
      { mode: 'crash' },
      { retryDelaysMs: [1, 1], shouldRetry: () => false },
    );
    expect(stopped).toHaveLength(1);
  });
});
