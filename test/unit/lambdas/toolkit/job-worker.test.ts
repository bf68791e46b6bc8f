import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { JobWorker, JobWorkerConfigError } from '../../../../lambdas/toolkit/job-worker.js';
import { FakeJobServer } from '../../../helpers/fake-job-server.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const TYPE = { category: 'Test', owner: 'Custom', provider: 'Checker', version: '1' };
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

function clientFor(endpoint: string): CodePipelineClient {
  return new CodePipelineClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

let server: FakeJobServer;
let client: CodePipelineClient;
const workers: JobWorker<any, any>[] = [];

function worker<W extends JobWorker<any, any>>(w: W): W {
  workers.push(w);
  return w;
}

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeEach(async () => {
  server = new FakeJobServer({ ackTimeoutMs: 200 });
  client = clientFor(await server.start());
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop(0)));
  client.destroy();
  await server.stop();
});

describe('Class: JobWorker', () => {
  it('acknowledges a job, runs the function with typed configuration and reports success once', async () => {
    // Prepare
    const id = server.addJob({
      actionTypeId: TYPE,
      configuration: { Profile: 'strict', Threshold: '7', Deep: 'true' },
    });
    const seen: unknown[] = [];
    const w = worker(
      new JobWorker({
        actionType: TYPE,
        client,
        logger: quiet,
        idleBackoff: { initialMs: 5, maxMs: 20 },
        configuration: [
          { name: 'Profile', required: true },
          { name: 'Threshold', required: true, type: 'Number' },
          { name: 'Deep', required: false, type: 'Boolean' },
        ] as const,
        run: (job) => {
          const threshold: number = job.config.Threshold;
          seen.push(job.config, job.pipelineContext?.pipelineName, job.actionTypeId.provider, threshold);
          return { summary: 'checked', outputVariables: { profile: job.config.Profile } };
        },
      }),
    );
    // Act
    void w.start();
    await until(() => w.stats.succeeded === 1, 'the result');
    // Assess
    expect(seen).toEqual([{ Profile: 'strict', Threshold: 7, Deep: true }, 'demo', 'Checker', 7]);
    expect(server.jobs.get(id)!.results[0]).toMatchObject({
      kind: 'success',
      body: { executionDetails: { summary: 'checked' }, outputVariables: { profile: 'strict' } },
    });
    expect(server.calls.AcknowledgeJob).toBe(1);
    expect(w.stats).toMatchObject({ acknowledged: 1, succeeded: 1, failed: 0 });
  });

  it('fails a job whose configuration does not match the declaration with ConfigurationError', async () => {
    // Prepare
    const id = server.addJob({
      actionTypeId: TYPE,
      configuration: { Threshold: 'many', Token: 's3cr3t-value' },
    });
    const run = vi.fn();
    const w = worker(
      new JobWorker({
        actionType: TYPE,
        client,
        logger: quiet,
        configuration: z.object({ Profile: z.string(), Threshold: z.coerce.number(), Token: z.string() }),
        run,
      }),
    );
    // Act
    await w.pollOnce();
    await w.idle();
    // Assess
    expect(run).not.toHaveBeenCalled();
    const { body } = server.jobs.get(id)!.results[0];
    expect(body.failureDetails.type).toBe('ConfigurationError');
    expect(body.failureDetails.message).toMatch(/configuration\.Profile.*required/);
    expect(body.failureDetails.message).toMatch(/configuration\.Threshold/);
    expect(body.failureDetails.message).not.toContain('s3cr3t-value');
  });

  it('polls only with the queryParam and hands matching jobs only', async () => {
    // Prepare
    const strict = server.addJob({ actionTypeId: TYPE, configuration: { Profile: 'strict' } });
    const lax = server.addJob({ actionTypeId: TYPE, configuration: { Profile: 'lax' } });
    const ran: string[] = [];
    const w = worker(
      new JobWorker({
        actionType: TYPE,
        client,
        logger: quiet,
        queryParam: { Profile: 'strict' },
        run: (j) => void ran.push(j.id),
      }),
    );
    // Act
    await w.pollOnce();
    await w.idle();
    await w.pollOnce();
    // Assess
    expect(ran).toEqual([strict]);
    expect(server.jobs.get(lax)!.status).toBe('Queued');
    expect(server.requests.find((r) => r.target === 'PollForJobs')!.body.queryParam).toEqual({
      Profile: 'strict',
    });
  });

  it('skips a job another worker acknowledged first (InvalidNonceException) and takes it when handed out again', async () => {
    // Prepare
    const id = server.addJob({ actionTypeId: TYPE });
    server.injectedErrors.AcknowledgeJob = ['InvalidNonceException'];
    const run = vi.fn();
    const w = worker(new JobWorker({ actionType: TYPE, client, logger: quiet, run }));
    // Act
    expect(await w.pollOnce()).toBe(0);
    await new Promise((r) => setTimeout(r, 250)); // the fake hands an unacknowledged job out again after 200 ms
    expect(await w.pollOnce()).toBe(1);
    await w.idle();
    // Assess
    expect(w.stats.lostToOtherWorker).toBe(1);
    expect(run).toHaveBeenCalledTimes(1);
    expect(server.jobs.get(id)!.results).toHaveLength(1);
  });

  it('never starts a job id twice, even when the service delivers it again', async () => {
    // Prepare
    const id = server.addJob({ actionTypeId: TYPE });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const run = vi.fn(() => gate);
    const w = worker(new JobWorker({ actionType: TYPE, client, logger: quiet, concurrency: 2, run }));
    // Act
    await w.pollOnce();
    server.redeliverOnNextPoll.push(id);
    await w.pollOnce();
    release();
    await w.idle();
    server.redeliverOnNextPoll.push(id);
    await w.pollOnce();
    // Assess
    expect(run).toHaveBeenCalledTimes(1);
    expect(w.stats.duplicates).toBe(2);
    expect(server.jobs.get(id)!.results).toHaveLength(1);
  });

  it('does not run a job that AcknowledgeJob reports as no longer open', async () => {
    // Prepare: worker A finishes the job; the service then delivers it to worker B
    const id = server.addJob({ actionTypeId: TYPE });
    const runA = vi.fn();
    const runB = vi.fn();
    const a = worker(new JobWorker({ actionType: TYPE, client, logger: quiet, run: runA }));
    const b = worker(new JobWorker({ actionType: TYPE, client, logger: quiet, run: runB }));
    await a.pollOnce();
    await a.idle();
    server.redeliverOnNextPoll.push(id);
    // Act
    const started = await b.pollOnce();
    // Assess
    expect(started).toBe(0);
    expect(runA).toHaveBeenCalledTimes(1);
    expect(runB).not.toHaveBeenCalled();
    expect(server.jobs.get(id)!.results).toHaveLength(1);
  });

  it('shares 60 jobs between 3 workers: each job runs and is reported exactly once, concurrency is bounded', async () => {
    // Prepare
    Array.from({ length: 60 }, (_, i) =>
      server.addJob({ actionTypeId: TYPE, configuration: { N: String(i) } }),
    );
    const runs = new Map<string, number>();
    let active = 0;
    let peak = 0;
    const make = () =>
      worker(
        new JobWorker({
          actionType: TYPE,
          client: clientFor(server.endpoint),
          logger: quiet,
          concurrency: 4,
          idleBackoff: { initialMs: 2, maxMs: 10 },
          run: async (job) => {
            runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
            active++;
            peak = Math.max(peak, active);
            await new Promise((r) => setTimeout(r, 1 + (Number(job.config.N) % 3)));
            active--;
          },
        }),
      );
    const pool = [make(), make(), make()];
    // Act
    pool.forEach((w) => void w.start());
    await until(() => pool.reduce((n, w) => n + w.stats.succeeded, 0) === 60, 'all results');
    // Assess
    expect(runs.size).toBe(60);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(server.doubleReported()).toEqual([]);
    expect(peak).toBeLessThanOrEqual(12);
    expect(pool.reduce((n, w) => n + w.stats.succeeded, 0)).toBe(60);
  });

  it('carries continuation state to the next job of the action', async () => {
    // Prepare
    server.addJob({ actionTypeId: TYPE });
    const states: unknown[] = [];
    const w = worker(
      new JobWorker({
        actionType: TYPE,
        client,
        logger: quiet,
        stateSchema: z.object({ step: z.number() }),
        run: async (_job, run) => {
          states.push(run.state);
          if (!run.state) await run.continueLater({ step: 1 }, { summary: 'started' });
          else return { summary: `done at step ${run.state.step}` };
        },
      }),
    );
    // Act
    await w.pollOnce();
    await w.idle();
    await w.pollOnce();
    await w.idle();
    // Assess
    expect(states).toEqual([undefined, { step: 1 }]);
    const results = [...server.jobs.values()].map((j) => j.results[0]?.body);
    expect(results[0]).toMatchObject({ continuationToken: '{"step":1}' });
    expect(results[1]).toMatchObject({ executionDetails: { summary: 'done at step 1' } });
  });

  it('on stop, lets a short job finish and fails a job still running after the grace period', async () => {
    // Prepare
    const quick = server.addJob({ actionTypeId: TYPE, configuration: { Kind: 'quick' } });
    const stuck = server.addJob({ actionTypeId: TYPE, configuration: { Kind: 'stuck' } });
    let aborted = false;
    const w = worker(
      new JobWorker({
        actionType: TYPE,
        client,
        logger: quiet,
        concurrency: 2,
        run: async (job) => {
          if (job.config.Kind === 'quick') return void (await new Promise((r) => setTimeout(r, 20)));
          await new Promise<void>((resolve) =>
            job.signal.addEventListener('abort', () => ((aborted = true), resolve())),
          );
          return { summary: 'too late' };
        },
      }),
    );
    await w.pollOnce();
    // Act
    await w.stop(150);
    await new Promise((r) => setTimeout(r, 20));
    // Assess
    expect(server.jobs.get(quick)!.results.map((r) => r.kind)).toEqual(['success']);
    const stuckResults = server.jobs.get(stuck)!.results;
    expect(stuckResults).toHaveLength(1);
    expect(stuckResults[0].body.failureDetails.message).toMatch(
      /job worker shut down before the job finished/,
    );
    expect(aborted).toBe(true);
    expect(w.stats.failedOnShutdown).toBe(1);
    expect(await w.pollOnce()).toBe(0);
  });

  it('fails a job that exceeds jobTimeoutMs instead of leaving it open', async () => {
    const id = server.addJob({ actionTypeId: TYPE });
    const w = worker(
      new JobWorker({
        actionType: TYPE,
        client,
        logger: quiet,
        jobTimeoutMs: 50,
        run: () => new Promise(() => {}),
      }),
    );
    await w.pollOnce();
    await until(() => server.jobs.get(id)!.results.length === 1, 'the timeout failure');
    expect(server.jobs.get(id)!.results[0].body.failureDetails.message).toMatch(/timed out/);
  });

  it('never logs a secret configuration value or the artifact credentials, even when the job logs them', async () => {
    // Prepare
    const id = server.addJob({
      actionTypeId: TYPE,
      configuration: { Profile: 'strict', ApiToken: 'tok-very-secret-42' },
    });
    const lines: string[] = [];
    const spy = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: any) => (lines.push(String(chunk)), true));
    const w = worker(
      new JobWorker({
        actionType: TYPE,
        client,
        logger: quiet,
        loggerOptions: { logLevel: 'INFO' },
        configuration: [
          { name: 'Profile', required: true },
          { name: 'ApiToken', required: true, secret: true },
        ] as const,
        run: (job, run) => {
          run.logger.info('starting', {
            configuration: job.configuration,
            credentials: job.artifactCredentials,
          });
          run.logger.info(`token is ${job.config.ApiToken}`);
          return { summary: 'ok' };
        },
      }),
    );
    // Act
    try {
      await w.pollOnce();
      await w.idle();
    } finally {
      spy.mockRestore();
    }
    // Assess
    const out = lines.join('');
    expect(out).toContain('starting');
    expect(out).toContain('strict');
    expect(out).not.toContain('tok-very-secret-42');
    expect(out).not.toContain(`secret-${id}`);
    expect(out).not.toContain(`session-${id}`);
  });

  it('backs off exponentially with jitter while idle and resets after a job', async () => {
    // Prepare
    vi.useFakeTimers();
    try {
      let polls = 0;
      const stub = { send: vi.fn(async () => (polls++, { jobs: [] })) };
      const w = new JobWorker({
        actionType: TYPE,
        client: stub as never,
        logger: quiet,
        idleBackoff: { initialMs: 100, maxMs: 800 },
        random: () => 1,
        run: () => undefined,
      });
      // Act
      void w.start();
      await vi.advanceTimersByTimeAsync(0);
      const after = [] as number[];
      for (const step of [100, 200, 400, 800, 800, 800]) {
        await vi.advanceTimersByTimeAsync(step);
        after.push(polls);
      }
      await w.stop(0);
      // Assess: one poll per doubled delay, capped at maxMs
      expect(after).toEqual([2, 3, 4, 5, 6, 7]);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    [{ concurrency: 0 }, /concurrency/],
    [{ queryParam: { a: 'x', b: 'y' } }, /at most one/],
    [{ queryParam: { Profile: 'has space' } }, /queryParam Profile/],
    [{ actionType: { category: 'Testing', provider: 'X' } }, /category 'Testing'/],
  ])('rejects invalid options %j', (extra, message) => {
    expect(
      () => new JobWorker({ actionType: TYPE, client, run: () => undefined, ...(extra as object) }),
    ).toThrow(JobWorkerConfigError);
    expect(
      () => new JobWorker({ actionType: TYPE, client, run: () => undefined, ...(extra as object) }),
    ).toThrow(message);
  });
});
