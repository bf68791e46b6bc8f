import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../../../local/errors.js';
import {
  COMMON_ERRORS,
  checkDeclaredError,
  emittableErrorTypes,
  isKnownErrorType,
  serializeError,
  setUndeclaredErrorReporter,
  statusOf,
  type UndeclaredErrorReporter,
} from '../../../../local/protocol/errors.js';
import { modeledErrorShapes, serviceModel } from '../../../../local/protocol/service-model.js';

describe('Function: statusOf', () => {
  it('answers 400 for every modeled error, ConflictException included (AWS API reference: HTTP 400)', () => {
    // Act
    const statuses = modeledErrorShapes().map((type) => [type, statusOf(type)]);

    // Assess
    expect(statuses.filter(([, status]) => status !== 400)).toEqual([]);
    expect(statusOf('ConflictException')).toBe(400);
  });

  it('keeps 5xx for internal faults only', () => {
    // Assess
    const fivexx = emittableErrorTypes().filter((type) => statusOf(type) >= 500);
    expect(fivexx.sort()).toEqual(['InternalFailure', 'ServiceUnavailable']);
    expect(statusOf('RequestEntityTooLargeException')).toBe(413);
    expect(statusOf('UnknownOperationException')).toBe(400);
  });
});

describe('Function: emittableErrorTypes', () => {
  it('lists only error shapes of the model or common errors', () => {
    // Prepare
    const shapes = serviceModel().shapes;

    // Assess
    for (const type of emittableErrorTypes()) {
      const modeled = shapes[type]?.exception === true;
      expect(modeled || COMMON_ERRORS.includes(type), type).toBe(true);
    }
    expect(isKnownErrorType('PipelineNotFoundException')).toBe(true);
    expect(isKnownErrorType('NoSuchThingException')).toBe(false);
  });
});

describe('Function: serializeError', () => {
  it('serializes a ServiceError as {__type, message}', () => {
    // Act
    const out = serializeError(new ServiceError('PipelineNotFoundException', 'gone'), 'r1');

    // Assess
    expect(out).toEqual({ status: 400, body: { __type: 'PipelineNotFoundException', message: 'gone' } });
  });

  it('answers InternalFailure 500 for anything else without leaking its message', () => {
    // Act
    const out = serializeError(new Error('SQLITE_CORRUPT at /secret/path'), 'r2');

    // Assess
    expect(out.status).toBe(500);
    expect(out.body.__type).toBe('InternalFailure');
    expect(JSON.stringify(out.body)).not.toContain('secret');
  });
});

describe('Function: checkDeclaredError', () => {
  let previous: UndeclaredErrorReporter | undefined;
  afterEach(() => {
    if (previous) setUndeclaredErrorReporter(previous);
  });

  it('accepts declared and common errors and reports the others', () => {
    // Prepare
    const found: string[] = [];
    previous = setUndeclaredErrorReporter((op, type) => found.push(`${op}:${type}`));

    // Act
    const declared = checkDeclaredError('GetPipeline', 'PipelineNotFoundException');
    const common = checkDeclaredError('GetPipeline', 'ThrottlingException');
    const undeclared = checkDeclaredError('GetPipeline', 'WebhookNotFoundException');

    // Assess
    expect([declared, common, undeclared]).toEqual([true, true, false]);
    expect(found).toEqual(['GetPipeline:WebhookNotFoundException']);
  });
});
