import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  buildArtifactCredentials,
  buildJobEvent,
  createLambdaContext,
} from '../../../../lambdas/testing/index.js';
import {
  JobEventError,
  JobFailureError,
  withJob,
  type JobRunOptions,
} from '../../../../lambdas/toolkit/index.js';
import { TimeoutGuard } from '../../../../lambdas/toolkit/timeout-guard.js';
import { recorderClient } from '../../../helpers/recorder-client.js';
import { useJobRecorder } from '../../../helpers/use-job-recorder.js';

const job = useJobRecorder();

const opts = <T extends JobRunOptions<any, any>>(
  o: T,
): T & { client: ReturnType<typeof recorderClient> } => ({
  client: recorderClient(job.recorder.url),
  ...o,
});
const failure = () => job.recorder.byOperation('PutJobFailureResult')[0]?.body.failureDetails;

describe('Function: withJob', () => {
  it('reports success with what the handler returns when it does not report itself', async () => {
    // Prepare
    const handler = withJob(async () => ({ summary: 'ok', outputVariables: { a: '1' } }), opts({}));

    // Act
    const outcome = await handler(buildJobEvent(), createLambdaContext());

    // Assess
    expect(outcome).toMatchObject({ kind: 'succeeded', alreadyClosed: false });
    expect(job.recorder.requests).toHaveLength(1);
    expect(job.recorder.requests[0].body).toMatchObject({
      executionDetails: { summary: 'ok' },
      outputVariables: { a: '1' },
    });
  });

  it('does not report twice when the handler reported and returned', async () => {
    const handler = withJob(async (run) => {
      await run.fail('RevisionUnavailable', 'gone');
    }, opts({}));
    await handler(buildJobEvent(), createLambdaContext());
    expect(job.recorder.requests.map((r) => r.operation)).toEqual(['PutJobFailureResult']);
    expect(failure()).toEqual({ type: 'RevisionUnavailable', message: 'gone' });
  });

  it('maps an uncaught error to JobFailed with a safe message and does not rethrow', async () => {
    // Prepare
    const event = buildJobEvent();
    const creds = event['CodePipeline.job'].data.artifactCredentials!;
    const handler = withJob(async () => {
      throw new TypeError(`cannot read with ${creds.secretAccessKey} and token ${creds.sessionToken}`);
    }, opts({}));

    // Act
    const outcome = await handler(event, createLambdaContext());

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', failureType: 'JobFailed' });
    expect(failure().type).toBe('JobFailed');
    expect(failure().message).toBe('TypeError: cannot read with [REDACTED] and token [REDACTED]');
    expect(failure().message).not.toMatch(/at .*\.ts/); // no stack
  });

  it('maps zod and validation errors to ConfigurationError and access-denied errors to PermissionError', async () => {
    // Prepare
    const cases: [() => unknown, string, RegExp][] = [
      [
        () => z.object({ port: z.number() }).parse({ port: 'x' }),
        'ConfigurationError',
        /port: expected number, received string/,
      ],
      [
        () => {
          throw Object.assign(new Error('bad template'), { name: 'ValidationException' });
        },
        'ConfigurationError',
        /ValidationException: bad template/,
      ],
      [
        () => {
          throw Object.assign(new Error('Access Denied'), {
            name: 'AccessDenied',
            $metadata: { httpStatusCode: 403 },
          });
        },
        'PermissionError',
        /AccessDenied: Access Denied/,
      ],
      [
        () => {
          throw Object.assign(new Error('nope'), {
            name: 'S3ServiceException',
            $metadata: { httpStatusCode: 403 },
          });
        },
        'PermissionError',
        /nope/,
      ],
      [
        () => {
          throw Object.assign(new Error('key'), { name: 'KMS.AccessDeniedException' });
        },
        'PermissionError',
        /key/,
      ],
      [
        () => {
          throw new JobFailureError('RevisionOutOfSync', 'stale revision');
        },
        'RevisionOutOfSync',
        /^stale revision$/,
      ],
      [
        () => {
          throw 'a plain string';
        },
        'JobFailed',
        /^a plain string$/,
      ],
    ];

    for (const [fn, type, message] of cases) {
      job.recorder.requests.length = 0;
      // Act
      await withJob(async () => void fn(), opts({}))(buildJobEvent(), createLambdaContext());
      // Assess
      expect(failure().type).toBe(type);
      expect(failure().message).toMatch(message);
    }
  });

  it('rethrows after reporting when rethrow is set', async () => {
    const handler = withJob(
      async () => {
        throw new Error('boom');
      },
      opts({ rethrow: true }),
    );
    await expect(handler(buildJobEvent(), createLambdaContext())).rejects.toThrow('boom');
    expect(job.recorder.requests).toHaveLength(1);
  });

  it('reports bad UserParameters as ConfigurationError without running the handler', async () => {
    // Prepare
    let ran = false;
    const handler = withJob(
      async () => {
        ran = true;
      },
      opts({ userParameters: z.object({ url: z.url(), retries: z.number().int() }) }),
    );

    // Act
    await handler(
      buildJobEvent({ userParameters: { url: 'https://x.example', retries: 1.5 } }),
      createLambdaContext(),
    );

    // Assess
    expect(ran).toBe(false);
    expect(failure().type).toBe('ConfigurationError');
    expect(failure().message).toMatch(/UserParameters\.retries/);
  });

  it('throws JobEventError for an event that is not a job, and reports nothing', async () => {
    const handler = withJob(async () => undefined, opts({}));
    await expect(handler({ Records: [] }, createLambdaContext())).rejects.toThrow(JobEventError);
    expect(job.recorder.requests).toHaveLength(0);
  });

  it('ends the invocation with an error when the report itself cannot be delivered', async () => {
    job.recorder.respondWith(() => ({
      status: 400,
      body: { __type: 'JobNotFoundException', message: 'unknown job' },
    }));
    const handler = withJob(async () => ({ summary: 'x' }), opts({}));
    await expect(handler(buildJobEvent(), createLambdaContext())).rejects.toThrow(/JobNotFoundException/);
  });

  it('keeps the first report when the handler throws after reporting', async () => {
    const handler = withJob(async (run) => {
      await run.succeed({ summary: 'done' });
      throw new Error('late');
    }, opts({}));
    const outcome = await handler(buildJobEvent(), createLambdaContext());
    expect(outcome.kind).toBe('succeeded');
    expect(job.recorder.requests.map((r) => r.operation)).toEqual(['PutJobSuccessResult']);
  });

  it('fails a job as "timed out" when the handler runs into the time budget', async () => {
    // Prepare: 600 ms timeout -> margin 120 ms (20%), the guard fires after about 480 ms
    const handler = withJob(
      (run) =>
        new Promise<void>((resolve) => run.signal.addEventListener('abort', () => setTimeout(resolve, 50))),
      opts({}),
    );

    // Act
    const outcome = await handler(buildJobEvent(), createLambdaContext({ timeoutMs: 600 }));

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', failureType: 'JobFailed' });
    const [, timeout, margin] = /^timed out: .*timeout (\d+) ms, margin (\d+) ms/.exec(failure().message)!;
    expect(Number(timeout)).toBeLessThanOrEqual(600);
    expect(Number(margin)).toBe(Math.floor(Number(timeout) * 0.2));
    expect(job.recorder.requests).toHaveLength(1);
  });

  it('continues from the last checkpoint instead of failing when the handler saved one', async () => {
    const handler = withJob<'raw', { step: number }>(
      async (run) => {
        run.checkpoint({ step: 2 });
        await new Promise<void>((resolve) => run.signal.addEventListener('abort', () => resolve()));
        await run.succeed({ summary: 'too late' }); // a no-op: the guard reported first
      },
      opts({ timeoutMarginMs: 100 }),
    );
    const outcome = await handler(buildJobEvent(), createLambdaContext({ timeoutMs: 300 }));
    expect(outcome.kind).toBe('continued');
    expect(job.recorder.requests).toHaveLength(1);
    expect(job.recorder.requests[0].body.continuationToken).toBe('{"step":2}');
  });

  it('never leaks artifact credentials into log lines when a handler logs the whole event', async () => {
    // Prepare
    const creds = buildArtifactCredentials();
    const event = buildJobEvent({
      credentials: creds,
      continuation: { state: { cursor: 'opaque-cursor-9f8e7d' } },
    });
    const handler = withJob(async (run) => {
      run.logger.info('event', { event });
      run.logger.info(JSON.stringify(event));
      run.logger.error('failed', new Error(`with ${creds.sessionToken}`));
    }, opts({}));

    // Act
    await handler(event, createLambdaContext());

    // Assess
    const text = job.output.text();
    for (const secret of [
      creds.accessKeyId,
      creds.secretAccessKey,
      creds.sessionToken,
      'opaque-cursor-9f8e7d',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[REDACTED]');
  });
});

describe('Class: TimeoutGuard', () => {
  const ctx = (ms: number) => ({ getRemainingTimeInMillis: () => ms });

  it('uses the smaller of 3 s and 20% of the function timeout as the default margin', () => {
    expect(new TimeoutGuard(ctx(60_000), undefined, () => undefined).marginMs).toBe(3_000);
    expect(new TimeoutGuard(ctx(10_000), undefined, () => undefined).marginMs).toBe(2_000);
    expect(new TimeoutGuard(ctx(3_000), undefined, () => undefined).marginMs).toBe(600);
    expect(new TimeoutGuard(ctx(10_000), 500, () => undefined).marginMs).toBe(500);
    expect(new TimeoutGuard(ctx(10_000), 500, () => undefined).remainingBudgetMs()).toBe(9_500);
  });

  it('stays off without a Lambda context', () => {
    const guard = new TimeoutGuard(undefined, undefined, () => undefined);
    guard.start();
    expect(guard.remainingBudgetMs()).toBe(Number.POSITIVE_INFINITY);
    guard.stop();
  });

  it('fires at once when the budget is already used', () => {
    let fired = 0;
    new TimeoutGuard(ctx(100), 200, () => fired++).start();
    expect(fired).toBe(1);
  });
});
