import { describe, expect, it } from 'vitest';
import { insideDeploymentWindow } from '../../../../../local/engine/rules/deployment-window.js';

// Monday 2026-11-23 10:30 UTC
const monday = Date.UTC(2026, 10, 23, 10, 30);

describe('Function: insideDeploymentWindow', () => {
  it('matches hours, weekday ranges and names', () => {
    expect(insideDeploymentWindow('* * 9-17 ? * MON-FRI', 'UTC', monday)).toBe(true);
    expect(insideDeploymentWindow('* * 9-17 ? * SAT,SUN', 'UTC', monday)).toBe(false);
    expect(insideDeploymentWindow('* 0/15 * ? * *', 'UTC', monday)).toBe(true);
    expect(insideDeploymentWindow('* 0/20 * ? * *', 'UTC', monday)).toBe(false);
    expect(insideDeploymentWindow('* * * 23 NOV ? 2026', 'UTC', monday)).toBe(true);
    expect(insideDeploymentWindow('* * * ? * * 2027', 'UTC', monday)).toBe(false);
  });

  it('evaluates in the rule time zone', () => {
    // 10:30 UTC is 19:30 in Tokyo
    expect(insideDeploymentWindow('* * 19 ? * *', 'Asia/Tokyo', monday)).toBe(true);
    expect(insideDeploymentWindow('* * 10 ? * *', 'Asia/Tokyo', monday)).toBe(false);
  });

  it('supports L, L-n, W, nL and n#k', () => {
    const lastDay = Date.UTC(2026, 10, 30, 12); // Monday 30 November
    expect(insideDeploymentWindow('* * * L * ?', 'UTC', lastDay)).toBe(true);
    expect(insideDeploymentWindow('* * * L-7 * ?', 'UTC', monday)).toBe(true);
    expect(insideDeploymentWindow('* * * LW * ?', 'UTC', lastDay)).toBe(true);
    expect(insideDeploymentWindow('* * * ? * 2L', 'UTC', lastDay)).toBe(true);
    expect(insideDeploymentWindow('* * * ? * 2L', 'UTC', monday)).toBe(false);
    expect(insideDeploymentWindow('* * * ? * MON#4', 'UTC', monday)).toBe(true);
    // 1 Nov 2026 is a Sunday: 1W is Monday 2 Nov
    expect(insideDeploymentWindow('* * * 1W * ?', 'UTC', Date.UTC(2026, 10, 2, 8))).toBe(true);
  });

  it('rejects expressions and time zones it cannot read, naming the problem', () => {
    expect(() => insideDeploymentWindow('* * *', 'UTC', monday)).toThrow(/3 fields/);
    expect(() => insideDeploymentWindow('0 * * ? * *', 'UTC', monday)).toThrow(/seconds/);
    expect(() => insideDeploymentWindow('* 61 * ? * *', 'UTC', monday)).toThrow(/minutes/);
    expect(() => insideDeploymentWindow('* * * 1 * MON', 'UTC', monday)).toThrow(/both/);
    expect(() => insideDeploymentWindow('* * * ? * *', 'Mars/Base', monday)).toThrow(/TimeZone/);
  });
});
