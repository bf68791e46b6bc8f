import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ApprovalMessageParseError,
  parseApprovalMessage,
  parseApprovalSnsEvent,
} from '../../../../lambdas/toolkit/approval-message.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../fixtures/events/sns-approval/${name}.json`, import.meta.url), 'utf8'),
  );

describe('Function: parseApprovalMessage', () => {
  it('parses a full SNS event with every optional field', () => {
    // Prepare
    const event = fixture('full');
    // Act
    const message = parseApprovalMessage(event);
    // Assess
    expect(message.region).toBe('us-east-2');
    expect(message.approval).toMatchObject({
      pipelineName: 'MyPipeline',
      stageName: 'Prod-Gate',
      actionName: 'Approve',
      token: '1a2b3c4d-aaaa-bbbb-cccc-ddddeeeeffff',
      externalEntityLink: 'https://review.example.com/pr/42',
      customData: 'Check the staging dashboard first.',
    });
    expect(message.approval.expires.toISOString()).toBe('2024-05-01T12:34:00.000Z');
    expect(message.expiresText).toBe('2024-05-01T12:34Z');
  });

  it('accepts the record, the raw message string and a parsed object alike', () => {
    // Prepare
    const event = fixture('minimal');
    const record = event.Records[0];
    // Act
    const fromRecord = parseApprovalMessage(record);
    const fromString = parseApprovalMessage(record.Sns.Message);
    const fromObject = parseApprovalMessage(JSON.parse(record.Sns.Message));
    // Assess
    expect(fromRecord).toEqual(fromString);
    expect(fromObject).toEqual(fromString);
    expect(fromRecord.approval.customData).toBeUndefined();
    expect(fromRecord.approval.externalEntityLink).toBeUndefined();
  });

  it('accepts full ISO timestamps with seconds and offsets', () => {
    // Prepare
    const raw = JSON.parse(fixture('minimal').Records[0].Sns.Message);
    raw.approval.expires = '2026-11-30T11:05:30+01:00';
    // Act
    const message = parseApprovalMessage(raw);
    // Assess
    expect(message.approval.expires.toISOString()).toBe('2026-11-30T10:05:30.000Z');
  });

  it('names each missing or invalid field and never echoes the message', () => {
    // Prepare
    const event = fixture('not-approval');
    // Act
    const act = () => parseApprovalMessage(event);
    // Assess
    expect(act).toThrow(ApprovalMessageParseError);
    try {
      act();
    } catch (err) {
      const e = err as ApprovalMessageParseError;
      expect(e.issues.some((i) => i.startsWith('approval.token:'))).toBe(true);
      expect(e.issues.some((i) => i.startsWith('approval.expires:'))).toBe(true);
      expect(e.failureType).toBe('ConfigurationError');
    }
  });

  it('rejects a message that is not JSON and an impossible date', () => {
    // Prepare
    const raw = JSON.parse(fixture('minimal').Records[0].Sns.Message);
    raw.approval.expires = '2026-13-45T99:99Z';
    // Act / Assess
    expect(() => parseApprovalMessage('{not json')).toThrow(/not valid JSON/);
    expect(() => parseApprovalMessage(raw)).toThrow(/approval\.expires/);
  });

  it('refuses an SNS event with several records and points to parseApprovalSnsEvent', () => {
    // Prepare
    const one = fixture('minimal').Records[0];
    // Act / Assess
    expect(() => parseApprovalMessage({ Records: [one, one] })).toThrow(/parseApprovalSnsEvent/);
  });
});

describe('Function: parseApprovalSnsEvent', () => {
  it('parses every record and names the index of a bad one', () => {
    // Prepare
    const good = fixture('minimal').Records[0];
    const bad = fixture('not-approval').Records[0];
    // Act
    const all = parseApprovalSnsEvent({ Records: [good, good] });
    // Assess
    expect(all).toHaveLength(2);
    expect(() => parseApprovalSnsEvent({ Records: [good, bad] })).toThrow(/^Records\[1\]/);
    expect(() => parseApprovalSnsEvent({})).toThrow(/Not an SNS event/);
  });
});
