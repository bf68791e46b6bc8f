import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createJobWorkerHandler } from '../../../../lambdas/toolkit/job-worker-handler.js';
import { FakeJobServer } from '../../../helpers/fake-job-server.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const TYPE = { category: 'Test', owner: 'Custom', provider: 'SecretScan', version: '1' };
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const started = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../../fixtures/events/eventbridge/action-started-custom.json'),
    'utf8',
  ),
);

let server: FakeJobServer;
let client: CodePipelineClient;

beforeEach(async () => {
  server = new FakeJobServer();
  client = new CodePipelineClient({
    endpoint: await server.start(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  client.destroy();
  await server.stop();
});

describe('Function: createJobWorkerHandler', () => {
  it('on a STARTED event of its type, works every queued job and returns', async () => {
    // Prepare
    const ids = [1, 2, 3].map(() => server.addJob({ actionTypeId: TYPE }));
    const run = vi.fn(async () => ({ summary: 'ok' }));
    const handler = createJobWorkerHandler({
      actionType: TYPE,
      client,
      logger: quiet,
      concurrency: 2,
      emptyPollRetries: 0,
      run,
    });
    // Act
    const result = await handler(started, { getRemainingTimeInMillis: () => 60_000 });
    // Assess
    expect(run).toHaveBeenCalledTimes(3);
    expect(ids.map((id) => server.jobs.get(id)!.results.map((r) => r.kind))).toEqual([
      ['success'],
      ['success'],
      ['success'],
    ]);
    expect(result.stats).toMatchObject({ acknowledged: 3, succeeded: 3 });
  });

  it('polls again after an empty poll, for a job that trails its event', async () => {
    // Prepare
    const run = vi.fn();
    const handler = createJobWorkerHandler({
      actionType: TYPE,
      client,
      logger: quiet,
      emptyPollRetries: 3,
      emptyPollDelayMs: 20,
      run,
    });
    setTimeout(() => server.addJob({ actionTypeId: TYPE }), 30);
    // Act
    const result = await handler(started);
    // Assess
    expect(run).toHaveBeenCalledTimes(1);
    expect(result.stats!.emptyPolls).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['another provider', { type: { ...TYPE, provider: 'Other' } }, /is not Custom\/Test\/SecretScan\/1/],
    ['an AWS-owned action', { type: { ...TYPE, owner: 'AWS' } }, /is not Custom/],
    ['a SUCCEEDED action', { state: 'SUCCEEDED' }, /state SUCCEEDED, not STARTED/],
  ])('ignores %s without polling', async (_name, change, reason) => {
    // Prepare
    server.addJob({ actionTypeId: TYPE });
    const handler = createJobWorkerHandler({ actionType: TYPE, client, logger: quiet, run: vi.fn() });
    // Act
    const result = await handler({ ...started, detail: { ...started.detail, ...change } });
    // Assess
    expect(result.ignored).toMatch(reason);
    expect(server.calls.PollForJobs).toBeUndefined();
  });

  it('ignores an event that is not a CodePipeline action event, saying why', async () => {
    const handler = createJobWorkerHandler({ actionType: TYPE, client, logger: quiet, run: vi.fn() });
    const result = await handler({ Records: [] });
    expect(result.ignored).toMatch(/detail-type/);
    expect(server.calls.PollForJobs).toBeUndefined();
  });

  it('accepts a numeric type.version in the event', async () => {
    server.addJob({ actionTypeId: TYPE });
    const run = vi.fn();
    const handler = createJobWorkerHandler({
      actionType: TYPE,
      client,
      logger: quiet,
      emptyPollRetries: 0,
      run,
    });
    await handler({ ...started, detail: { ...started.detail, type: { ...TYPE, version: 1 } } });
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('takes no new job when the invocation is about to time out', async () => {
    server.addJob({ actionTypeId: TYPE });
    const handler = createJobWorkerHandler({ actionType: TYPE, client, logger: quiet, run: vi.fn() });
    const result = await handler(started, { getRemainingTimeInMillis: () => 5_000 });
    expect(result.stats!.polls).toBe(0);
    expect(server.calls.PollForJobs).toBeUndefined();
  });
});
