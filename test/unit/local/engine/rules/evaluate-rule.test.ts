import { describe, expect, it } from 'vitest';
import { evaluateRule, variableCheck } from '../../../../../local/engine/rules/evaluate-rule.js';

describe('Function: variableCheck', () => {
  it('applies EQ, NE, CONTAINS and MATCHES (whole value)', () => {
    expect(variableCheck({ Variable: 'main', Value: 'main', Operator: 'EQ' }).status).toBe('Succeeded');
    expect(variableCheck({ Variable: 'main', Value: 'main', Operator: 'NE' }).status).toBe('Failed');
    expect(variableCheck({ Variable: 'fix: update x', Value: 'update', Operator: 'CONTAINS' }).status).toBe(
      'Succeeded',
    );
    expect(
      variableCheck({ Variable: 'release-1.2', Value: 'release-\\d+\\.\\d+', Operator: 'MATCHES' }).status,
    ).toBe('Succeeded');
    expect(
      variableCheck({ Variable: 'xrelease-1.2', Value: 'release-\\d+\\.\\d+', Operator: 'MATCHES' }).status,
    ).toBe('Failed');
  });

  it('reports configuration errors', () => {
    expect(variableCheck({ Variable: 'a', Value: 'a', Operator: 'GT' })).toMatchObject({
      status: 'Failed',
      errorCode: 'ConfigurationError',
    });
    expect(variableCheck({ Variable: 'a', Value: '(', Operator: 'MATCHES' }).summary).toContain(
      'regular expression',
    );
  });
});

describe('Function: evaluateRule', () => {
  const rule = (provider: string) => ({
    name: 'R',
    ruleTypeId: { category: 'Rule' as const, owner: 'AWS' as const, provider, version: '1' },
  });

  it('waits outside a deployment window and asks for a recheck at the next minute', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 30);
    const verdict = evaluateRule(rule('DeploymentWindow'), { Cron: '* * * ? * * 2199' }, now, {});
    expect(verdict).toMatchObject({ status: 'InProgress', recheckAt: Date.UTC(2026, 0, 1, 0, 1) });
  });

  it('fails providers that are not emulated unless simulated', () => {
    expect(evaluateRule(rule('Commands'), {}, 0, {}).summary).toContain('--simulate Commands=succeed');
    expect(evaluateRule(rule('Commands'), {}, 0, { Commands: 'fail' }).status).toBe('Failed');
    expect(evaluateRule(rule('Commands'), {}, 0, { Commands: 'succeed' }).status).toBe('Succeeded');
  });
});
