import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../../local/errors.js';
import {
  handleJsonRequest,
  serializeOutput,
  type JsonRequest,
} from '../../../../local/protocol/json-protocol.js';

const T = 'CodePipeline_20150709.';
function request(
  target: string | undefined,
  body: string,
  contentType = 'application/x-amz-json-1.1',
): JsonRequest {
  return { target, contentType, body: Buffer.from(body) };
}
const echo = (op: string, input: unknown) => ({ op, input });

describe('Function: handleJsonRequest', () => {
  it('runs the operation with the validated input; an empty body is {}', async () => {
    // Prepare
    const seen: unknown[] = [];

    // Act
    const res = await handleJsonRequest(
      request(`${T}ListPipelines`, ''),
      (op, input) => {
        seen.push([op, input]);
        return { pipelines: [] };
      },
      'rid',
    );

    // Assess
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ pipelines: [] });
    expect(seen).toEqual([['ListPipelines', {}]]);
    expect(res.headers['x-amzn-RequestId']).toBe('rid');
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
  });

  it('accepts JSON 1.0 too', async () => {
    // Act
    const res = await handleJsonRequest(
      request(`${T}ListPipelines`, '{}', 'application/x-amz-json-1.0'),
      () => ({}),
      'r',
    );

    // Assess
    expect(res.status).toBe(200);
  });

  it.each([
    [`${T}NoSuchOperation`],
    ['DynamoDB_20120810.ListTables'],
    ['ListPipelines'],
    [`${T}toString`],
    [undefined],
  ])('answers UnknownOperationException for target %s', async (target) => {
    // Act
    const res = await handleJsonRequest(request(target, '{}'), echo, 'r');

    // Assess
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).__type).toBe('UnknownOperationException');
  });

  it('answers SerializationException for a body that is not JSON', async () => {
    // Act
    const res = await handleJsonRequest(request(`${T}ListPipelines`, '{"maxResults":'), echo, 'r');

    // Assess
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      __type: 'SerializationException',
      message: 'The request body is not valid JSON',
    });
  });

  it('answers ValidationException before calling the operation', async () => {
    // Prepare
    let called = false;

    // Act
    const res = await handleJsonRequest(request(`${T}GetPipeline`, '{}'), () => (called = true), 'r');

    // Assess
    expect(called).toBe(false);
    expect(JSON.parse(res.body).__type).toBe('ValidationException');
  });

  it('serializes a thrown ServiceError with the status table and hides internal faults', async () => {
    // Act
    const modeled = await handleJsonRequest(
      request(`${T}GetPipeline`, '{"name":"x"}'),
      () => {
        throw new ServiceError('PipelineNotFoundException', 'no pipeline x');
      },
      'r',
    );
    const fault = await handleJsonRequest(
      request(`${T}GetPipeline`, '{"name":"x"}'),
      () => {
        throw new TypeError('cannot read properties of undefined');
      },
      'r',
    );

    // Assess
    expect(modeled.status).toBe(400);
    expect(JSON.parse(modeled.body)).toEqual({
      __type: 'PipelineNotFoundException',
      message: 'no pipeline x',
    });
    expect(fault.status).toBe(500);
    expect(JSON.parse(fault.body).__type).toBe('InternalFailure');
    expect(fault.body).not.toContain('undefined');
  });
});

describe('Function: serializeOutput', () => {
  it('writes timestamps as epoch seconds and drops members the shape does not declare', () => {
    // Act
    const out = serializeOutput('GetPipelineOutput', {
      pipeline: { name: 'p', version: 2, internalRowId: 7 },
      metadata: { pipelineArn: 'arn', created: new Date(1700000000500), updated: 1700000001 },
      secret: 'x',
    });

    // Assess
    expect(out).toEqual({
      pipeline: { name: 'p', version: 2 },
      metadata: { pipelineArn: 'arn', created: 1700000000.5, updated: 1700000001 },
    });
  });

  it('serializes timestamps inside lists and drops nulls', () => {
    // Act
    const out = serializeOutput('ListPipelinesOutput', {
      pipelines: [{ name: 'a', created: new Date(0), updated: null }],
      nextToken: undefined,
    });

    // Assess
    expect(out).toEqual({ pipelines: [{ name: 'a', created: 0 }] });
  });
});
