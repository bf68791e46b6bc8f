import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { buildJobEvent, createLambdaContext } from '../../../../lambdas/testing/index.js';
import { codePipelineJob, type JobRunContext } from '../../../../lambdas/toolkit/middleware.js';
import { recorderClient } from '../../../helpers/recorder-client.js';
import { useJobRecorder } from '../../../helpers/use-job-recorder.js';

const job = useJobRecorder();

const params = z.object({ name: z.string() });

describe('Function: codePipelineJob', () => {
  it('gives the handler the run and reports success with its response', async () => {
    // Prepare
    const handler = middy(async (_event: unknown, context: JobRunContext<{ name: string }>) => ({
      summary: `hello ${context.jobRun.params.name}`,
    })).use(codePipelineJob({ userParameters: params, client: recorderClient(job.recorder.url) }));

    // Act
    const result = await handler(
      buildJobEvent({ userParameters: { name: 'ada' } }),
      createLambdaContext() as never,
    );

    // Assess
    expect(result).toMatchObject({ kind: 'succeeded' });
    expect(job.recorder.requests.map((r) => r.operation)).toEqual(['PutJobSuccessResult']);
    expect(job.recorder.requests[0].body.executionDetails.summary).toBe('hello ada');
  });

  it('reports a thrown error as a failure and ends the invocation without an error', async () => {
    const handler = middy(async () => {
      throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    }).use(codePipelineJob({ client: recorderClient(job.recorder.url) }));
    const result = await handler(buildJobEvent(), createLambdaContext() as never);
    expect(result).toMatchObject({ kind: 'failed', failureType: 'PermissionError' });
    expect(job.recorder.requests[0].body.failureDetails).toEqual({
      type: 'PermissionError',
      message: 'AccessDeniedException: denied',
    });
  });

  it('rethrows when asked', async () => {
    const handler = middy(async () => {
      throw new Error('boom');
    }).use(codePipelineJob({ client: recorderClient(job.recorder.url), rethrow: true }));
    await expect(handler(buildJobEvent(), createLambdaContext() as never)).rejects.toThrow('boom');
    expect(job.recorder.requests).toHaveLength(1);
  });

  it('skips the handler and reports ConfigurationError for bad UserParameters', async () => {
    let ran = false;
    const handler = middy(async () => {
      ran = true;
    }).use(codePipelineJob({ userParameters: params, client: recorderClient(job.recorder.url) }));
    await handler(buildJobEvent({ userParameters: { name: 7 } }), createLambdaContext() as never);
    expect(ran).toBe(false);
    expect(job.recorder.requests[0].body.failureDetails.type).toBe('ConfigurationError');
    expect(job.recorder.requests[0].body.failureDetails.message).toMatch(
      /UserParameters\.name: expected string, received number/,
    );
  });

  it('does not report twice when the handler reported itself', async () => {
    const handler = middy(async (_e: unknown, context: JobRunContext) => {
      await context.jobRun.continueLater({ page: 2 });
      return { summary: 'ignored' };
    }).use(codePipelineJob({ client: recorderClient(job.recorder.url) }));
    const result = await handler(buildJobEvent(), createLambdaContext() as never);
    expect(result).toMatchObject({ kind: 'continued' });
    expect(job.recorder.requests).toHaveLength(1);
  });

  it('leaves a non-job event to Lambda as an error', async () => {
    const handler = middy(async () => undefined).use(
      codePipelineJob({ client: recorderClient(job.recorder.url) }),
    );
    await expect(handler({ hello: 'world' }, createLambdaContext() as never)).rejects.toThrow(
      /missing "CodePipeline.job"/,
    );
    expect(job.recorder.requests).toHaveLength(0);
  });
});
