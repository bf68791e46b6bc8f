import { describe, expect, it } from 'vitest';
import { handler } from '../../../../lambdas/handlers/wait-for/index.js';
import { buildJobEvent, createLambdaContext } from '../../../../lambdas/testing/index.js';
import { useHttpHandlerHarness } from '../../../helpers/http-handler-harness.js';

const harness = useHttpHandlerHarness({
  '/ready': () => ({ status: 200 }),
  '/never': () => ({ status: 503 }),
  '/second': (hit) => ({ status: hit >= 2 ? 200 : 503 }),
});

const only = () => {
  expect(harness.recorder.requests).toHaveLength(1);
  return harness.recorder.requests[0].body;
};

describe('Function: handler (wait-for)', () => {
  it('succeeds at once when the URL is ready, with attempts and waitedSeconds', async () => {
    await handler(
      buildJobEvent({ userParameters: { url: `${harness.target.url}/ready` } }),
      createLambdaContext({ timeoutMs: 10_000 }),
    );
    expect(only().outputVariables).toEqual({ status: '200', attempts: '1', waitedSeconds: '0' });
  });

  it('checks again after the interval within the same invocation', async () => {
    await handler(
      buildJobEvent({ userParameters: { url: `${harness.target.url}/second`, intervalSeconds: 1 } }),
      createLambdaContext({ timeoutMs: 10_000 }),
    );
    expect(harness.target.hits.get('/second')).toBe(2);
    expect(only().outputVariables).toMatchObject({ status: '200', attempts: '2' });
  });

  it('hands over with continueLater carrying the attempt count and start time when its time is up', async () => {
    // Prepare
    const before = Date.now();

    // Act: 2.5 s timeout (margin 500 ms) with a 30 s interval leaves room for one check only
    await handler(
      buildJobEvent({ userParameters: { url: `${harness.target.url}/never` } }),
      createLambdaContext({ timeoutMs: 2_500 }),
    );

    // Assess
    const body = only();
    expect(body.outputVariables).toBeUndefined();
    const state = JSON.parse(body.continuationToken);
    expect(state.attempts).toBe(1);
    expect(state.startedAt).toBeGreaterThanOrEqual(before);
    expect(state.nextCheckAt).toBeGreaterThan(state.startedAt);
    expect(body.executionDetails.summary).toMatch(
      /waiting for .*\/never to answer HTTP 200: 1 attempt\(s\) so far, last: expected HTTP 200, got 503/,
    );
    expect(body.executionDetails.percentComplete).toBe(0);
  });

  it('checks at least once per invocation, even with a tiny time budget', async () => {
    await handler(
      buildJobEvent({ userParameters: { url: `${harness.target.url}/never`, intervalSeconds: 1 } }),
      createLambdaContext({ timeoutMs: 1_500 }),
    );
    expect(harness.target.hits.get('/never')).toBe(1);
    expect(JSON.parse(only().continuationToken)).toMatchObject({ attempts: 1 });
  });

  it('continues from the state of the previous invocation', async () => {
    await handler(
      buildJobEvent({
        userParameters: { url: `${harness.target.url}/ready` },
        continuation: { state: { attempts: 3, startedAt: Date.now() - 90_000 } },
      }),
      createLambdaContext({ timeoutMs: 10_000 }),
    );
    expect(only().outputVariables).toMatchObject({ attempts: '4', waitedSeconds: '90' });
  });

  it('fails with a clear message once maxMinutes passed', async () => {
    await handler(
      buildJobEvent({
        userParameters: { url: `${harness.target.url}/never`, maxMinutes: 1 },
        continuation: { state: { attempts: 7, startedAt: Date.now() - 61_000 } },
      }),
      createLambdaContext({ timeoutMs: 10_000 }),
    );
    expect(only().failureDetails).toEqual({
      type: 'JobFailed',
      message: expect.stringMatching(
        /^gave up waiting for http:\/\/127\.0\.0\.1:\d+\/never after 1 min \(8 attempts\): expected HTTP 200, got 503$/,
      ),
    });
  });

  it('refuses bad parameters and a foreign continuation state', async () => {
    await handler(
      buildJobEvent({ userParameters: { url: `${harness.target.url}/ready`, maxMinutes: 2_000 } }),
      createLambdaContext(),
    );
    expect(only().failureDetails).toMatchObject({
      type: 'ConfigurationError',
      message: expect.stringMatching(/UserParameters\.maxMinutes: must be <= 1440/),
    });
    harness.recorder.requests.length = 0;
    await handler(
      buildJobEvent({
        userParameters: { url: `${harness.target.url}/ready` },
        continuation: 'not-our-token',
      }),
      createLambdaContext(),
    );
    expect(only().failureDetails.message).toMatch(/continuation state does not match/);
    expect(harness.target.hits.size).toBe(0);
  });
});
