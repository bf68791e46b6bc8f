import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACTION_EXECUTION_STATE_CHANGE,
  PipelineEventParseError,
  parseActionExecutionStateChange,
  parseCodePipelineEvent,
  parsePipelineExecutionStateChange,
  parseStageExecutionStateChange,
} from '../../../../lambdas/toolkit/pipeline-events.js';

const fixtureDir = join(import.meta.dirname, '../../../fixtures/events/eventbridge');
function fixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(fixtureDir, `${name}.json`), 'utf8'));
}

describe('Function: parsePipelineExecutionStateChange', () => {
  it('parses a STARTED event with its trigger and a numeric version', () => {
    // Prepare
    const event = fixture('pipeline-started');
    // Act
    const parsed = parsePipelineExecutionStateChange(event);
    // Assess
    expect(parsed.detail.state).toBe('STARTED');
    expect(parsed.detail.version).toBe(3);
    expect(parsed.detail['execution-trigger']?.['trigger-type']).toBe('StartPipelineExecution');
    expect(parsed.resources).toEqual(['arn:aws:codepipeline:us-east-1:123456789012:demo-pipeline']);
  });

  it('accepts the newer STOPPED state and normalizes a string version to a number', () => {
    const parsed = parsePipelineExecutionStateChange(fixture('pipeline-stopped'));
    expect(parsed.detail.state).toBe('STOPPED');
    expect(parsed.detail.version).toBe(3);
  });

  it('rejects an unknown state, naming the field and the allowed values', () => {
    const event = fixture('pipeline-started');
    event.detail.state = 'EXPLODED';
    expect(() => parsePipelineExecutionStateChange(event)).toThrow(/detail\.state: .*STOPPING/);
  });

  it('rejects a stage event passed as a pipeline event', () => {
    expect(() => parsePipelineExecutionStateChange(fixture('stage-failed'))).toThrow(PipelineEventParseError);
  });
});

describe('Function: parseStageExecutionStateChange', () => {
  it('parses a FAILED stage event', () => {
    const parsed = parseStageExecutionStateChange(fixture('stage-failed'));
    expect(parsed.detail).toMatchObject({ stage: 'Test', state: 'FAILED', pipeline: 'demo-pipeline' });
  });

  it('lists every missing field in one error', () => {
    // Prepare
    const event = fixture('stage-failed');
    delete event.detail.stage;
    delete event.detail['execution-id'];
    // Act
    let error: PipelineEventParseError | undefined;
    try {
      parseStageExecutionStateChange(event);
    } catch (e) {
      error = e as PipelineEventParseError;
    }
    // Assess
    expect(error).toBeInstanceOf(PipelineEventParseError);
    expect(error!.issues.map((i) => i.split(':')[0]).sort()).toEqual(['detail.execution-id', 'detail.stage']);
  });
});

describe('Function: parseActionExecutionStateChange', () => {
  it('parses a custom action STARTED event with s3location artifacts', () => {
    const parsed = parseActionExecutionStateChange(fixture('action-started-custom'));
    expect(parsed.detail.type).toEqual({
      owner: 'Custom',
      category: 'Test',
      provider: 'SecretScan',
      version: '1',
    });
    expect(parsed.detail['input-artifacts']?.[0].s3location).toEqual({
      bucket: 'codepipeline-us-east-1-artifacts',
      key: 'demo-pipeline/SourceArti/AbC123',
    });
  });

  it('normalizes a numeric type.version to a string', () => {
    const parsed = parseActionExecutionStateChange(fixture('action-succeeded-numeric-version'));
    expect(parsed.detail.type.version).toBe('1');
    expect(parsed.detail['execution-result']?.['external-execution-id']).toBe('run-42');
  });

  it('accepts ABANDONED', () => {
    expect(parseActionExecutionStateChange(fixture('action-abandoned')).detail.state).toBe('ABANDONED');
  });

  it('keeps fields it does not know', () => {
    const event = fixture('action-started-custom');
    event.detail['future-field'] = { a: 1 };
    expect(
      (parseActionExecutionStateChange(event).detail as Record<string, unknown>)['future-field'],
    ).toEqual({
      a: 1,
    });
  });

  it('rejects an event from another source', () => {
    const event = fixture('action-started-custom');
    event.source = 'aws.codebuild';
    expect(() => parseActionExecutionStateChange(event)).toThrow(/source/);
  });
});

describe('Function: parseCodePipelineEvent', () => {
  it.each([
    ['pipeline-started', 'CodePipeline Pipeline Execution State Change'],
    ['stage-failed', 'CodePipeline Stage Execution State Change'],
    ['action-abandoned', ACTION_EXECUTION_STATE_CHANGE],
  ])('dispatches %s by detail-type', (name, detailType) => {
    expect(parseCodePipelineEvent(fixture(name))['detail-type']).toBe(detailType);
  });

  it.each([[null], ['text'], [{}], [{ 'detail-type': 'Object Created' }]])(
    'rejects %j with a message listing the known detail-types',
    (input) => {
      expect(() => parseCodePipelineEvent(input)).toThrow(/expected detail-type one of .*Action Execution/);
    },
  );
});
