import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { buildJobEvent, createLambdaContext } from '../../../../lambdas/testing/index.js';
import {
  JobReportError,
  JobReportValidationError,
  JobRun,
  limits,
  type JobRunOptions,
} from '../../../../lambdas/toolkit/index.js';
import { recorderClient } from '../../../helpers/recorder-client.js';
import { useJobRecorder } from '../../../helpers/use-job-recorder.js';

const job = useJobRecorder();

function newRun<S = unknown>(event = buildJobEvent(), options: JobRunOptions<'raw', S> = {}) {
  return JobRun.fromEvent(event, createLambdaContext({ timeoutMs: 60_000 }), {
    client: recorderClient(job.recorder.url),
    ...options,
  });
}

describe('Class: JobRun', () => {
  it('reports success once with summary, external id, percent, output variables and revision', async () => {
    // Prepare
    const event = buildJobEvent({ jobId: '0b6f3c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f' });
    const run = newRun(event);

    // Act
    const outcome = await run.succeed({
      summary: 'deployed',
      externalExecutionId: 'deploy-42',
      percentComplete: 100,
      outputVariables: { status: '200', 'build@id-1_x': 'v1' },
      currentRevision: { revision: 'abc123', changeIdentifier: 'chg-1', revisionSummary: 'commit msg' },
    });

    // Assess
    expect(outcome).toEqual({ kind: 'succeeded', alreadyClosed: false, message: 'deployed' });
    const [req] = job.recorder.byOperation('PutJobSuccessResult');
    expect(job.recorder.requests).toHaveLength(1);
    expect(req.target).toBe('CodePipeline_20150709.PutJobSuccessResult');
    expect(req.body).toEqual({
      jobId: '0b6f3c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
      executionDetails: { summary: 'deployed', externalExecutionId: 'deploy-42', percentComplete: 100 },
      outputVariables: { status: '200', 'build@id-1_x': 'v1' },
      currentRevision: { revision: 'abc123', changeIdentifier: 'chg-1', revisionSummary: 'commit msg' },
    });
  });

  it('truncates a long summary to 2048 and a long failure message to 5000 chars with a visible marker', async () => {
    // Prepare
    const a = newRun();
    const b = newRun();

    // Act
    await a.succeed({ summary: 's'.repeat(5000) });
    await b.fail('JobFailed', 'm'.repeat(9000));

    // Assess
    const summary = job.recorder.byOperation('PutJobSuccessResult')[0].body.executionDetails
      .summary as string;
    const message = job.recorder.byOperation('PutJobFailureResult')[0].body.failureDetails.message as string;
    expect(summary).toHaveLength(limits.SUMMARY_MAX_CHARS);
    expect(summary.endsWith(limits.TRUNCATION_MARKER)).toBe(true);
    expect(message).toHaveLength(limits.FAILURE_MESSAGE_MAX_CHARS);
    expect(message.endsWith(limits.TRUNCATION_MARKER)).toBe(true);
  });

  it('keeps texts at the limit untouched', async () => {
    await newRun().succeed({ summary: 'x'.repeat(2048) });
    expect(job.recorder.requests[0].body.executionDetails.summary).toBe('x'.repeat(2048));
  });

  it('sends each of the six failure types and refuses any other before calling', async () => {
    // The six types of the service model, spelled out here so that a wrong list in the toolkit fails
    const sixTypes = [
      'JobFailed',
      'ConfigurationError',
      'PermissionError',
      'RevisionOutOfSync',
      'RevisionUnavailable',
      'SystemUnavailable',
    ] as const;
    for (const type of sixTypes) {
      const outcome = await newRun().fail(type, `because ${type}`, { externalExecutionId: 'ext-1' });
      expect(outcome).toMatchObject({ kind: 'failed', failureType: type, alreadyClosed: false });
    }
    await expect(newRun().fail('Oops' as never, 'x')).rejects.toThrow(JobReportValidationError);
    expect(job.recorder.byOperation('PutJobFailureResult').map((r) => r.body.failureDetails.type)).toEqual([
      ...sixTypes,
    ]);
    expect(job.recorder.requests[0].body.failureDetails.externalExecutionId).toBe('ext-1');
  });

  it('checks output variable keys, value types and the 122,880-byte total before calling', async () => {
    // Prepare
    const exactly = { k: 'v'.repeat(limits.OUTPUT_VARIABLES_MAX_BYTES - 1) };
    const over = { k: 'v'.repeat(limits.OUTPUT_VARIABLES_MAX_BYTES) };
    const multibyte = { k: 'é'.repeat(limits.OUTPUT_VARIABLES_MAX_BYTES / 2) }; // 2 bytes each + key

    // Act & Assess
    await expect(newRun().succeed({ outputVariables: { 'bad key': 'x' } })).rejects.toThrow(
      /"bad key" must match/,
    );
    await expect(newRun().succeed({ outputVariables: { 'a.b': 'x' } })).rejects.toThrow(
      JobReportValidationError,
    );
    await expect(newRun().succeed({ outputVariables: { n: 5 as never } })).rejects.toThrow(
      /must be a string, got number/,
    );
    await expect(newRun().succeed({ outputVariables: over })).rejects.toThrow(/122881 bytes/);
    await expect(newRun().succeed({ outputVariables: multibyte })).rejects.toThrow(/122881 bytes/);
    expect(job.recorder.requests).toHaveLength(0);
    await newRun().succeed({ outputVariables: exactly });
    expect(job.recorder.requests).toHaveLength(1);
  });

  it('checks percentComplete and id lengths before calling', async () => {
    await expect(newRun().succeed({ percentComplete: 101 })).rejects.toThrow(/percentComplete/);
    await expect(newRun().succeed({ percentComplete: 2.5 })).rejects.toThrow(/percentComplete/);
    await expect(newRun().succeed({ externalExecutionId: 'x'.repeat(1501) })).rejects.toThrow(
      /externalExecutionId/,
    );
    await expect(
      newRun().succeed({ currentRevision: { revision: 'r', changeIdentifier: 'c'.repeat(101) } }),
    ).rejects.toThrow(/changeIdentifier/);
    expect(job.recorder.requests).toHaveLength(0);
  });

  it('lets a run whose report was refused by validation report again', async () => {
    const run = newRun();
    await expect(run.succeed({ percentComplete: -1 })).rejects.toThrow(JobReportValidationError);
    await expect(run.succeed({ summary: 'fine' })).resolves.toMatchObject({ kind: 'succeeded' });
    expect(job.recorder.requests).toHaveLength(1);
  });

  it('makes a second report a no-op that returns the first outcome and logs a warning', async () => {
    // Prepare
    const run = newRun();

    // Act
    const first = await run.fail('JobFailed', 'broken');
    const second = await run.succeed({ summary: 'all good' });
    const third = await run.continueLater({ n: 1 });

    // Assess
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(job.recorder.requests).toHaveLength(1);
    const warnings = job.output.records().filter((r) => r.level === 'WARN');
    expect(warnings.map((w) => w.message)).toEqual([
      'job already reported in this invocation; ignoring the second report',
      'job already reported in this invocation; ignoring the second report',
    ]);
    expect(warnings[0]).toMatchObject({ first: 'failed', ignored: 'succeeded', job_id: run.job.id });
  });

  it('sends only one request for concurrent reports', async () => {
    const run = newRun();
    const [a, b] = await Promise.all([run.succeed({ summary: 'a' }), run.fail('JobFailed', 'b')]);
    expect(b).toBe(a);
    expect(job.recorder.requests).toHaveLength(1);
  });

  it('returns alreadyClosed on InvalidJobStateException, logs a warning, and never calls it a success', async () => {
    // Prepare
    job.recorder.respondWith(() => ({
      status: 400,
      body: { __type: 'InvalidJobStateException', message: 'job is Succeeded' },
    }));
    const run = newRun();

    // Act
    const outcome = await run.succeed({ summary: 'done' });
    const again = await run.fail('JobFailed', 'x');

    // Assess
    expect(outcome).toMatchObject({ alreadyClosed: true });
    expect(again).toBe(outcome);
    expect(job.recorder.requests).toHaveLength(1);
    expect(
      job.output.records().some((r) => r.level === 'WARN' && /InvalidJobStateException/.test(r.message)),
    ).toBe(true);
    expect(job.output.records().some((r) => r.message === 'job reported')).toBe(false);
  });

  it('lets the SDK retry throttling and 5xx, then reports once', async () => {
    // Prepare
    job.recorder.respondWith((_req, i) =>
      i === 0
        ? { status: 400, body: { __type: 'ThrottlingException', message: 'slow down' } }
        : i === 1
          ? { status: 503, body: {} }
          : undefined,
    );

    // Act
    const outcome = await newRun().succeed();

    // Assess
    expect(outcome.alreadyClosed).toBe(false);
    expect(job.recorder.requests).toHaveLength(3);
  });

  it('throws JobReportError (with the SDK error as cause) when the service refuses the report', async () => {
    job.recorder.respondWith(() => ({
      status: 400,
      body: { __type: 'JobNotFoundException', message: 'no such job' },
    }));
    const error = await newRun()
      .succeed()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobReportError);
    expect((error as JobReportError).message).toMatch(
      /PutJobSuccessResult failed: JobNotFoundException: no such job/,
    );
  });

  it('serializes continuation state into the token, refuses output variables and oversized state', async () => {
    // Prepare
    const run = newRun<{ attempts: number; startedAt: number }>();

    // Act
    const outcome = await run.continueLater(
      { attempts: 2, startedAt: 1767225600000 },
      { summary: 'still waiting', percentComplete: 10 },
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'continued', alreadyClosed: false });
    expect(job.recorder.requests[0].body).toEqual({
      jobId: run.job.id,
      continuationToken: '{"attempts":2,"startedAt":1767225600000}',
      executionDetails: { summary: 'still waiting', percentComplete: 10 },
    });
    expect(job.recorder.requests[0].body.outputVariables).toBeUndefined();
    await expect(newRun().continueLater('x'.repeat(2047))).rejects.toThrow(/2049 chars, more than the 2048/);
    await expect(newRun().continueLater({ a: 1n } as never)).rejects.toThrow(/not JSON-serializable/);
    await expect(newRun().continueLater({}, { outputVariables: { a: 'b' } } as never)).rejects.toThrow(
      /outputVariables cannot be sent together with a continuation token/,
    );
  });

  it('gives the state back typed on the next invocation, checked by the state schema', async () => {
    // Prepare
    const stateSchema = z.object({ attempts: z.number(), startedAt: z.number() });
    const event = buildJobEvent({ continuation: { state: { attempts: 3, startedAt: 5 } } });

    // Act
    const run = JobRun.fromEvent(event, undefined, { client: recorderClient(job.recorder.url), stateSchema });

    // Assess
    expect(run.isContinuation).toBe(true);
    expect(run.state).toEqual({ attempts: 3, startedAt: 5 });
    expect(newRun().state).toBeUndefined();
  });

  it('fails the job when the continuation state does not match the schema', async () => {
    // Prepare
    const stateSchema = z.object({ attempts: z.number() });
    const run = JobRun.fromEvent(buildJobEvent({ continuation: 'opaque-token' }), undefined, {
      client: recorderClient(job.recorder.url),
      stateSchema,
    });

    // Act
    const started = await run.begin();

    // Assess
    expect(started).toBe(false);
    expect(job.recorder.requests[0].body.failureDetails).toMatchObject({ type: 'JobFailed' });
    expect(job.recorder.requests[0].body.failureDetails.message).toMatch(/continuation state does not match/);
  });
});
