import { describe, expect, it } from 'vitest';
import { matchesPattern, validatePattern } from '../../../../local/engine/event-pattern.js';

const event = {
  source: 'aws.codepipeline',
  'detail-type': 'CodePipeline Action Execution State Change',
  resources: ['arn:aws:codepipeline:us-east-1:000000000000:demo'],
  detail: {
    pipeline: 'demo-app',
    state: 'FAILED',
    type: { owner: 'AWS', provider: 'Lambda' },
    'execution-result': { 'error-code': 'JobFailed' },
  },
};

describe('Function: matchesPattern', () => {
  it.each([
    [{ source: ['aws.codepipeline'] }, true],
    [{ source: ['aws.s3'] }, false],
    [{ detail: { state: ['SUCCEEDED', 'FAILED'] } }, true],
    [{ detail: { pipeline: [{ prefix: 'demo-' }] } }, true],
    [{ detail: { pipeline: [{ prefix: 'prod-' }] } }, false],
    [{ detail: { pipeline: [{ suffix: '-app' }] } }, true],
    [{ detail: { state: [{ 'anything-but': 'STARTED' }] } }, true],
    [{ detail: { state: [{ 'anything-but': ['FAILED', 'STARTED'] }] } }, false],
    [{ detail: { pipeline: [{ 'anything-but': { prefix: 'demo' } }] } }, false],
    [{ detail: { state: [{ 'equals-ignore-case': 'failed' }] } }, true],
    [{ detail: { 'execution-result': { 'error-code': [{ exists: true }] } } }, true],
    [{ detail: { 'input-artifacts': [{ exists: false }] } }, true],
    [{ detail: { state: [{ exists: false }] } }, false],
    [{ detail: { type: { provider: ['Lambda'] } } }, true],
    [{ resources: ['arn:aws:codepipeline:us-east-1:000000000000:demo'] }, true],
    [{ detail: { missing: ['x'] } }, false],
  ])('%j -> %s', (pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
});

describe('Function: validatePattern', () => {
  it('rejects values that are neither matcher arrays nor objects, and unknown matchers', () => {
    expect(() => validatePattern({ source: 'aws.codepipeline' })).toThrow(/source: a value must be an array/);
    expect(() => validatePattern({ detail: { state: [{ wildcard: '*' }] } })).toThrow(
      /detail.state: unsupported matcher/,
    );
    expect(() => validatePattern([])).toThrow(/must be a JSON object/);
    expect(() => validatePattern({ detail: { state: ['FAILED', { prefix: 'S' }] } })).not.toThrow();
  });
});
