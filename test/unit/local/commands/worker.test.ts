import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  loadWorkerModule,
  parseWorkerFlags,
  WorkerUsageError,
  type WorkerFlags,
} from '../../../../local/commands/worker.js';
import { FakeJobServer } from '../../../helpers/fake-job-server.js';

const root = join(import.meta.dirname, '../../../..');
let dir: string;
const base = (): WorkerFlags => ({
  category: 'Test',
  provider: 'Checker',
  version: '1',
  module: join(dir, 'fn.mjs'),
  export: 'worker',
  concurrency: '2',
  graceSeconds: '5',
  maxIdleSeconds: '1',
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cpkit-worker-'));
  writeFileSync(
    join(dir, 'fn.mjs'),
    'export const worker = async (job) => ({ summary: `did ${job.id}` });\n',
  );
  writeFileSync(
    join(dir, 'object.mjs'),
    "export default { configuration: [{ name: 'Profile', required: true }], run: async (job) => ({ summary: job.config.Profile }) };\n",
  );
  writeFileSync(join(dir, 'none.mjs'), 'export const other = 1;\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Function: parseWorkerFlags', () => {
  it('reads valid flags', () => {
    const s = parseWorkerFlags({ ...base(), queryParam: 'Profile=strict', jobTimeoutSeconds: '90' });
    expect(s).toMatchObject({
      actionType: { category: 'Test', provider: 'Checker', version: '1' },
      concurrency: 2,
      queryParam: { Profile: 'strict' },
      graceMs: 5000,
      jobTimeoutMs: 90_000,
      maxIdleMs: 1000,
    });
  });

  it.each([
    [{ category: 'Testing' }, /--category must be one of/],
    [{ provider: undefined }, /--provider/],
    [{ version: 'v 1' }, /--version/],
    [{ module: undefined }, /--module <file> is required/],
    [{ module: '/nope/x.mjs' }, /file not found/],
    [{ concurrency: '0' }, /--concurrency/],
    [{ queryParam: 'Profile' }, /--query-param must be KEY=VALUE/],
    [{ endpoint: 'localhost:4566' }, /--endpoint must be an http/],
    [{ graceSeconds: '-1' }, /--grace-seconds/],
  ])('rejects %j naming the flag', (change, message) => {
    expect(() => parseWorkerFlags({ ...base(), ...(change as object) })).toThrow(message);
  });
});

describe('Function: loadWorkerModule', () => {
  it('takes a named function export', async () => {
    expect(typeof (await loadWorkerModule(join(dir, 'fn.mjs'), 'worker')).run).toBe('function');
  });

  it('falls back to a default { run, configuration } export', async () => {
    const def = await loadWorkerModule(join(dir, 'object.mjs'), 'worker');
    expect(def.configuration).toEqual([{ name: 'Profile', required: true }]);
  });

  it('names the exports it found when there is no job function', async () => {
    await expect(loadWorkerModule(join(dir, 'none.mjs'), 'worker')).rejects.toThrow(
      /exports no job function as 'worker' or default \(exports: other\)/,
    );
    await expect(loadWorkerModule(join(dir, 'none.mjs'), 'worker')).rejects.toBeInstanceOf(WorkerUsageError);
  });
});

describe('Command: cpkit worker', () => {
  let server: FakeJobServer;
  afterEach(async () => server?.stop());

  it('works queued jobs, and on SIGTERM stops polling and exits 0 with its counts', async () => {
    // Prepare
    const cli = join(root, 'dist', 'cli', 'cpkit.mjs');
    expect(existsSync(cli), 'dist/cli/cpkit.mjs is built by `npm test` (pretest) or `npm run bundle`').toBe(
      true,
    );
    server = new FakeJobServer();
    const endpoint = await server.start();
    const type = { category: 'Test', owner: 'Custom', provider: 'Checker', version: '1' };
    const ids = [1, 2, 3, 4, 5].map(() => server.addJob({ actionTypeId: type }));
    // Act
    const child = spawn(
      process.execPath,
      [
        cli,
        'worker',
        '--category',
        'Test',
        '--provider',
        'Checker',
        '--module',
        join(dir, 'fn.mjs'),
        '--endpoint',
        endpoint,
        '--concurrency',
        '2',
        '--max-idle-seconds',
        '0.2',
      ],
      { env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const deadline = Date.now() + 20_000;
    while (!ids.every((id) => server.jobs.get(id)!.results.length === 1) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    // Assess
    expect(out).toContain('worker polling Custom/Test/Checker/1');
    expect(
      ids.map((id) => server.jobs.get(id)!.results.map((r) => r.body.executionDetails?.summary)),
    ).toEqual(ids.map((id) => [`did ${id}`]));
    expect(code).toBe(0);
    expect(out).toMatch(/worker stopped: 5 succeeded, 0 failed/);
  });
});
