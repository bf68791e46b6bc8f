import type { StageDeclaration } from '@aws-sdk/client-codepipeline';
import { describe, expect, it } from 'vitest';
import { checkStageConditions } from '../../../../local/domain/stage-condition-rules.js';

const rule = (provider: string, configuration: Record<string, string> = {}) => ({
  name: 'R',
  ruleTypeId: { category: 'Rule' as const, owner: 'AWS' as const, provider, version: '1' },
  configuration,
});
const stage = (extra: Partial<StageDeclaration>): StageDeclaration => ({
  name: 'Deploy',
  actions: [],
  ...extra,
});
const vc = rule('VariableCheck', { Variable: 'a', Value: 'b', Operator: 'EQ' });

function typeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { type?: string }).type + ': ' + (err as Error).message;
  }
  return undefined;
}

describe('Function: checkStageConditions', () => {
  it('accepts valid entry, success and failure declarations', () => {
    expect(
      typeOf(() =>
        checkStageConditions(
          stage({
            beforeEntry: { conditions: [{ result: 'SKIP', rules: [vc] }] },
            onSuccess: {
              conditions: [
                { result: 'ROLLBACK', rules: [rule('DeploymentWindow', { Cron: '* * * ? * *' })] },
              ],
            },
            onFailure: { result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' } },
          }),
        ),
      ),
    ).toBeUndefined();
  });

  it('rejects results a kind does not allow, retry misuse, unknown types and missing configuration', () => {
    expect(
      typeOf(() =>
        checkStageConditions(stage({ beforeEntry: { conditions: [{ result: 'ROLLBACK', rules: [vc] }] } })),
      ),
    ).toMatch(/^InvalidStageDeclarationException: .*beforeEntry allows FAIL, SKIP/);
    expect(
      typeOf(() => checkStageConditions(stage({ onFailure: { result: 'FAIL', retryConfiguration: {} } }))),
    ).toMatch(/needs onFailure result RETRY/);
    expect(
      typeOf(() =>
        checkStageConditions(stage({ onFailure: { result: 'RETRY', conditions: [{ rules: [vc] }] } })),
      ),
    ).toMatch(/cannot be used with onFailure conditions/);
    expect(
      typeOf(() => checkStageConditions(stage({ onSuccess: { conditions: [{ rules: [rule('Nope')] }] } }))),
    ).toMatch(/unknown rule type Nope/);
    expect(
      typeOf(() =>
        checkStageConditions(stage({ onSuccess: { conditions: [{ rules: [rule('VariableCheck')] }] } })),
      ),
    ).toMatch(/missing the required configuration 'Variable'/);
    expect(
      typeOf(() =>
        checkStageConditions(
          stage({
            beforeEntry: {
              conditions: [{ result: 'SKIP', rules: [rule('CloudWatchAlarm', { AlarmName: 'a' })] }],
            },
          }),
        ),
      ),
    ).toMatch(/only LambdaInvoke and VariableCheck/);
  });
});
