import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineFlagsError, engineSettingsFromFlags } from '../../../../local/commands/engine-flags.js';
import {
  loadSubscriptionsFile,
  parseSubscriptions,
  snsLambdaEvent,
  subscribedTo,
  SubscriptionsFileError,
} from '../../../../local/engine/subscriptions.js';
import { removeDir, tempDir } from '../../../helpers/local-server.js';

const dir = tempDir('cpkit-subs-');
afterAll(() => removeDir(dir));

describe('Function: parseSubscriptions', () => {
  it.each([
    [{}, /expected \{"subscriptions": \[\.\.\.\]\}/],
    [
      { subscriptions: [{ topic: 'arn:aws:sqs:us-east-1:000000000000:q', function: 'f' }] },
      /"topic" must be/,
    ],
    [{ subscriptions: [{ topic: 'approvals', function: 'bad name' }] }, /subscriptions\[0\]: "function"/],
    [{ subscriptions: [null] }, /subscriptions\[0\]: "topic"/],
  ])('names the problem in %j', (raw, message) => {
    expect(() => parseSubscriptions(raw)).toThrow(SubscriptionsFileError);
    expect(() => parseSubscriptions(raw)).toThrow(message);
  });
});

describe('Function: subscribedTo', () => {
  it('matches a topic by ARN, or by name against any ARN', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:approvals';
    expect(subscribedTo({ topic: arn, function: 'f' }, arn)).toBe(true);
    expect(subscribedTo({ topic: 'approvals', function: 'f' }, arn)).toBe(true);
    expect(subscribedTo({ topic: 'other', function: 'f' }, arn)).toBe(false);
    expect(subscribedTo({ topic: 'arn:aws:sns:us-east-1:123456789012:approvals', function: 'f' }, arn)).toBe(
      false,
    );
  });
});

describe('Function: snsLambdaEvent', () => {
  it('builds the one-record SNS event Lambda receives, with the subject cut to 100 characters', () => {
    const event = snsLambdaEvent({
      topicArn: 'arn:aws:sns:us-east-1:0:t',
      subject: 's'.repeat(150),
      message: '{}',
      now: 0,
    });
    const record = (event.Records as any[])[0];
    expect(record).toMatchObject({ EventSource: 'aws:sns', Sns: { Type: 'Notification', Message: '{}' } });
    expect(record.Sns.Subject).toHaveLength(100);
    expect(record.Sns.Timestamp).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('Function: engineSettingsFromFlags (--subscriptions)', () => {
  it('loads the file and reports a bad one as a flag error', () => {
    // Prepare
    const good = join(dir, 'subs.json');
    writeFileSync(
      good,
      JSON.stringify({ subscriptions: [{ topic: 'approvals', function: 'approval-notify' }] }),
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"subscriptions": [{"topic": 1}]}');
    // Act / Assess
    expect(engineSettingsFromFlags({ subscriptions: good }).subscriptions).toEqual([
      { topic: 'approvals', function: 'approval-notify' },
    ]);
    expect(loadSubscriptionsFile(good)).toHaveLength(1);
    expect(() => engineSettingsFromFlags({ subscriptions: bad })).toThrow(EngineFlagsError);
    expect(() => engineSettingsFromFlags({ subscriptions: join(dir, 'missing.json') })).toThrow(
      /^--subscriptions: file not found/,
    );
  });
});
