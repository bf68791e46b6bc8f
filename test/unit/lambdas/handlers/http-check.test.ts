import { describe, expect, it } from 'vitest';
import { handler } from '../../../../lambdas/handlers/http-check/index.js';
import { buildJobEvent, createLambdaContext } from '../../../../lambdas/testing/index.js';
import { useHttpHandlerHarness } from '../../../helpers/http-handler-harness.js';
import { startHttpTarget } from '../../../helpers/http-target.js';

const harness = useHttpHandlerHarness({
  '/health': () => ({ status: 200, body: 'status: ok' }),
  '/down': () => ({ status: 503, body: 'maintenance' }),
  '/flaky': (hit) => (hit === 1 ? { status: 502 } : { status: 200, body: 'ok' }),
  '/slow': () => ({ status: 200, delayMs: 2_000 }),
  '/moved': () => ({ status: 301, headers: { location: '/health' } }),
});

const invoke = (userParameters: unknown, timeoutMs = 20_000) =>
  handler(buildJobEvent({ userParameters }), createLambdaContext({ timeoutMs }));
const success = () => harness.recorder.byOperation('PutJobSuccessResult')[0]?.body;
const failure = () => harness.recorder.byOperation('PutJobFailureResult')[0]?.body.failureDetails;

describe('Function: handler (http-check)', () => {
  it('succeeds with a summary and the output variables status and latencyMs', async () => {
    // Act
    const outcome = await invoke({ url: `${harness.target.url}/health`, bodyContains: 'ok' });

    // Assess
    expect(outcome.kind).toBe('succeeded');
    expect(harness.recorder.requests).toHaveLength(1);
    expect(success().executionDetails.summary).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/health answered HTTP 200 in \d+ ms \(attempt 1\)$/,
    );
    expect(success().outputVariables.status).toBe('200');
    expect(success().outputVariables.latencyMs).toMatch(/^\d+$/);
  });

  it('fails with JobFailed saying what was expected and what came back, after the retries', async () => {
    // Act
    await invoke({ url: `${harness.target.url}/down`, retries: 1 });

    // Assess
    expect(harness.target.hits.get('/down')).toBe(2);
    expect(failure().type).toBe('JobFailed');
    expect(failure().message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/down: expected HTTP 200, got 503 \(2 attempts\)$/,
    );
  });

  it('retries until the URL passes', async () => {
    await invoke({ url: `${harness.target.url}/flaky` });
    expect(harness.target.hits.get('/flaky')).toBe(2);
    expect(success().executionDetails.summary).toMatch(/\(attempt 2\)$/);
  });

  it('checks the expected status and body text', async () => {
    await invoke({ url: `${harness.target.url}/health`, bodyContains: 'green', retries: 0 });
    expect(failure().message).toMatch(
      /expected the body to contain "green"; it did not \(HTTP 200, 10 chars, starting "status: ok"\)/,
    );
    harness.recorder.requests.length = 0;
    await invoke({ url: `${harness.target.url}/down`, expectStatus: 503, retries: 0 });
    expect(success().outputVariables.status).toBe('503');
  });

  it('checks a redirect itself when a 3xx status is expected', async () => {
    await invoke({ url: `${harness.target.url}/moved`, expectStatus: 301, retries: 0 });
    expect(success().outputVariables.status).toBe('301');
  });

  it('reports a timeout and a refused connection clearly', async () => {
    await invoke({ url: `${harness.target.url}/slow`, timeoutMs: 200, retries: 0 });
    expect(failure().message).toMatch(/expected HTTP 200, got no response within 200 ms \(1 attempt\)/);
    harness.recorder.requests.length = 0;
    const closed = await startHttpTarget({});
    await closed.close();
    await invoke({ url: `${closed.url}/health`, retries: 0 });
    expect(failure().message).toMatch(/expected HTTP 200, the request failed: ECONNREFUSED/);
  });

  it('hides user info and query strings of the URL in what it reports', async () => {
    const url = new URL(`${harness.target.url}/down?token=s3cr3t-query`);
    url.username = 'admin';
    url.password = 'pa55word';
    await invoke({ url: url.toString(), retries: 0 });
    expect(JSON.stringify(harness.recorder.requests)).not.toMatch(/s3cr3t-query|pa55word|admin/);
    expect(failure().message).toContain('/down?...: expected HTTP 200, got 503');
    expect(harness.target.hits.get('/down')).toBe(1);
  });

  it('fails with ConfigurationError naming the bad parameter', async () => {
    // Prepare
    const cases: [unknown, RegExp][] = [
      [{}, /UserParameters\.url: required/],
      [{ url: 'ftp://example.com/x' }, /UserParameters\.url: must be a valid url/],
      [
        { url: `${harness.target.url}/health`, expectStatus: 42 },
        /UserParameters\.expectStatus: must be >= 100/,
      ],
      [{ url: `${harness.target.url}/health`, retries: 1.5 }, /UserParameters\.retries: must be an integer$/],
      [
        { url: `${harness.target.url}/health`, retries: 'two' },
        /UserParameters\.retries: expected number, received string/,
      ],
      [{ url: `${harness.target.url}/health`, expectedStatus: 200 }, /unknown key "expectedStatus"/],
    ];

    for (const [params, message] of cases) {
      harness.recorder.requests.length = 0;
      // Act
      await invoke(params);
      // Assess
      expect(failure()).toMatchObject({ type: 'ConfigurationError' });
      expect(failure().message).toMatch(message);
    }
    expect(harness.target.hits.size).toBe(0);
  });
});
