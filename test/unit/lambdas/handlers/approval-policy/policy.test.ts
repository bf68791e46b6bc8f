import { describe, expect, it } from 'vitest';
import {
  ApprovalPolicyError,
  evaluateApprovalPolicy,
  localTime,
  needsVariables,
  parseApprovalPolicy,
} from '../../../../../lambdas/handlers/approval-policy/policy.js';

const where = { pipelineName: 'deploy', stageName: 'Gate', actionName: 'Review' };
const at = (iso: string, variables?: Record<string, string>) => ({ ...where, now: new Date(iso), variables });

const officeHours = parseApprovalPolicy({
  timeZone: 'Europe/Berlin',
  rules: [
    { name: 'year-end freeze', type: 'freeze', from: '2026-12-20', to: '2027-01-02' },
    { name: 'hotfix', type: 'variable', variable: 'RELEASE_KIND', equals: 'hotfix' },
    {
      name: 'office hours',
      type: 'window',
      days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
      from: '09:00',
      to: '17:00',
      outside: 'reject',
    },
  ],
});

describe('Function: evaluateApprovalPolicy', () => {
  it('approves inside the window in the policy time zone, not in UTC', () => {
    // 08:30 UTC on Monday 2026-11-23 is 09:30 in Berlin (CET, UTC+1).
    expect(evaluateApprovalPolicy(officeHours, at('2026-11-23T08:30:00Z'))).toEqual({
      decision: 'approve',
      rule: 'office hours',
      reason: 'Mon 09:30 (Europe/Berlin) is inside Mon,Tue,Wed,Thu,Fri 09:00-17:00',
    });
    // 07:30 UTC is 08:30 in Berlin: outside, so `outside: reject` decides.
    expect(evaluateApprovalPolicy(officeHours, at('2026-11-23T07:30:00Z'))).toMatchObject({
      decision: 'reject',
      rule: 'office hours',
    });
    // 16:30 UTC on Friday is 17:30 in Berlin; Saturday noon is not a weekday.
    expect(evaluateApprovalPolicy(officeHours, at('2026-11-27T16:30:00Z')).decision).toBe('reject');
    expect(evaluateApprovalPolicy(officeHours, at('2026-11-28T12:00:00Z')).decision).toBe('reject');
  });

  it('follows daylight saving time', () => {
    // In July Berlin is UTC+2: 07:30 UTC is 09:30 local (inside), though it would be outside in winter.
    expect(evaluateApprovalPolicy(officeHours, at('2026-07-06T07:30:00Z')).decision).toBe('approve');
    expect(evaluateApprovalPolicy(officeHours, at('2026-01-05T07:30:00Z')).decision).toBe('reject');
  });

  it('rejects during a freeze, whole local days inclusive, before any other rule', () => {
    // 2027-01-02 23:30 Berlin = 22:30 UTC: still frozen; 23:30 UTC is already 2027-01-03 in Berlin.
    expect(evaluateApprovalPolicy(officeHours, at('2027-01-02T22:30:00Z'))).toEqual({
      decision: 'reject',
      rule: 'year-end freeze',
      reason: '2027-01-02 (Europe/Berlin) is inside the freeze 2026-12-20 to 2027-01-02',
    });
    expect(evaluateApprovalPolicy(officeHours, at('2027-01-04T09:00:00Z'))).toMatchObject({
      rule: 'office hours',
      decision: 'approve',
    });
    // The first minute of the freeze in Berlin is 2026-12-19T23:00Z.
    expect(evaluateApprovalPolicy(officeHours, at('2026-12-19T22:59:00Z')).rule).not.toBe('year-end freeze');
    expect(evaluateApprovalPolicy(officeHours, at('2026-12-19T23:00:00Z')).rule).toBe('year-end freeze');
  });

  it('treats ISO date-times in a freeze as instants', () => {
    const policy = parseApprovalPolicy({
      rules: [
        { name: 'release night', type: 'freeze', from: '2026-11-23T18:00:00Z', to: '2026-11-23T20:00:00Z' },
      ],
    });
    expect(evaluateApprovalPolicy(policy, at('2026-11-23T17:59:59Z')).decision).toBe('none');
    expect(evaluateApprovalPolicy(policy, at('2026-11-23T19:00:00Z')).decision).toBe('reject');
  });

  it('approves when a pipeline variable matches, ahead of the window', () => {
    expect(
      evaluateApprovalPolicy(officeHours, at('2026-11-28T12:00:00Z', { RELEASE_KIND: 'hotfix' })),
    ).toMatchObject({ decision: 'approve', rule: 'hotfix', reason: 'variable RELEASE_KIND equals "hotfix"' });
    expect(needsVariables(officeHours, where)).toBe(true);
  });

  it('handles windows across midnight, counted from the day they start', () => {
    const policy = parseApprovalPolicy({
      timeZone: 'America/New_York',
      rules: [{ name: 'night deploys', type: 'window', days: ['Fri'], from: '22:00', to: '06:00' }],
    });
    // Friday 23:00 New York (EST, UTC-5) = Saturday 04:00 UTC; Saturday 05:00 local is still Friday night.
    expect(evaluateApprovalPolicy(policy, at('2026-11-28T04:00:00Z')).decision).toBe('approve');
    expect(evaluateApprovalPolicy(policy, at('2026-11-28T10:00:00Z')).decision).toBe('approve');
    expect(evaluateApprovalPolicy(policy, at('2026-11-28T11:30:00Z')).decision).toBe('none');
    // Thursday 23:00 local is not a Friday night.
    expect(evaluateApprovalPolicy(policy, at('2026-11-27T04:00:00Z')).decision).toBe('none');
  });

  it('applies rules only to their scoped pipelines, stages and actions, and leaves the rest to people', () => {
    const policy = parseApprovalPolicy({
      rules: [{ name: 'staging always', type: 'window', from: '00:00', to: '24:00', stages: ['Staging'] }],
    });
    expect(evaluateApprovalPolicy(policy, at('2026-11-23T12:00:00Z'))).toEqual({
      decision: 'none',
      reason: 'no rule decided; left to people',
    });
    expect(
      evaluateApprovalPolicy(policy, { ...at('2026-11-23T23:59:00Z'), stageName: 'Staging' }).decision,
    ).toBe('approve');
  });
});

describe('Function: parseApprovalPolicy', () => {
  it.each([
    [{ rules: [] }, /rules/],
    [
      {
        timeZone: 'Mars/Olympus',
        rules: [{ name: 'x', type: 'freeze', from: '2026-01-01', to: '2026-01-02' }],
      },
      /timeZone: is not an IANA time zone/,
    ],
    [{ rules: [{ name: 'x', type: 'window', from: '25:00', to: '26:00' }] }, /rules\.0\.from/],
    [
      { rules: [{ name: 'x', type: 'freeze', from: 'tomorrow', to: '2026-01-02' }] },
      /rules\.0\.from: must be YYYY-MM-DD/,
    ],
    [{ rules: [{ name: 'x', type: 'holiday' }] }, /rules\.0\.type/],
    [{ rules: [{ name: 'x', type: 'variable', variable: 'A', equals: 'b', extra: 1 }] }, /extra/],
  ])('names the bad field of %j', (policy, message) => {
    expect(() => parseApprovalPolicy(policy)).toThrow(ApprovalPolicyError);
    expect(() => parseApprovalPolicy(policy)).toThrow(message);
  });

  it('parses JSON text and refuses text that is not JSON', () => {
    expect(
      parseApprovalPolicy('{"rules":[{"name":"a","type":"variable","variable":"X","equals":"1"}]}').timeZone,
    ).toBe('UTC');
    expect(() => parseApprovalPolicy('{')).toThrow(/not valid JSON/);
  });
});

describe('Function: localTime', () => {
  it('gives the wall clock of a zone, including half-hour offsets', () => {
    expect(localTime(new Date('2026-11-23T23:45:00Z'), 'Asia/Kolkata')).toEqual({
      weekday: 'Tue',
      date: '2026-11-24',
      minutes: 5 * 60 + 15,
    });
  });
});
