import type { RuleDeclaration } from '@aws-sdk/client-codepipeline';
import type { SimulatedOutcome } from '../action-runners/simulated.js';
import { CronSyntaxError, insideDeploymentWindow } from './deployment-window.js';

/** The verdict of one rule evaluation. */
export interface RuleVerdict {
  readonly status: 'Succeeded' | 'Failed' | 'InProgress';
  readonly summary: string;
  readonly errorCode?: string;
  /** For InProgress: when to evaluate again (epoch ms). */
  readonly recheckAt?: number;
}

const OPERATORS = ['EQ', 'NE', 'CONTAINS', 'MATCHES'] as const;

/**
 * VariableCheck: compares the resolved `Variable` with `Value` using `Operator` EQ, NE, CONTAINS or MATCHES
 * (the whole value must match the regular expression, as Java's `Pattern.matches`).
 *
 * @example
 * variableCheck({ Variable: 'main', Value: 'main', Operator: 'EQ' }).status; // 'Succeeded'
 */
export function variableCheck(config: Readonly<Record<string, string>>): RuleVerdict {
  const { Variable: variable, Value: expected, Operator: operator } = config;
  if (variable === undefined || expected === undefined || !operator)
    return configError('VariableCheck needs the configuration Variable, Value and Operator');
  if (!OPERATORS.includes(operator as never))
    return configError(`VariableCheck Operator "${operator}" is not one of ${OPERATORS.join(', ')}`);
  let pass: boolean;
  if (operator === 'EQ') pass = variable === expected;
  else if (operator === 'NE') pass = variable !== expected;
  else if (operator === 'CONTAINS') pass = variable.includes(expected);
  else {
    try {
      pass = new RegExp(`^(?:${expected})$`, 'u').test(variable);
    } catch (err) {
      return configError(
        `VariableCheck Value "${expected}" is not a valid regular expression: ${(err as Error).message}`,
      );
    }
  }
  const shown = `"${variable}" ${operator} "${expected}"`;
  return pass
    ? { status: 'Succeeded', summary: `Variable check passed: ${shown}` }
    : { status: 'Failed', summary: `Variable check failed: ${shown} is false`, errorCode: 'JobFailed' };
}

/**
 * DeploymentWindow: succeeds inside the window; outside it the rule stays InProgress and is evaluated again
 * at the next minute (OverrideStageCondition lets an execution through earlier).
 *
 * @example
 * deploymentWindow({ Cron: '* * * * ? *' }, Date.now()).status; // 'Succeeded'
 */
export function deploymentWindow(config: Readonly<Record<string, string>>, now: number): RuleVerdict {
  const cron = config.Cron;
  const zone = config.TimeZone || 'UTC';
  if (!cron) return configError('DeploymentWindow needs the configuration Cron');
  try {
    if (insideDeploymentWindow(cron, zone, now))
      return { status: 'Succeeded', summary: `Inside the deployment window "${cron}" (${zone})` };
  } catch (err) {
    if (err instanceof CronSyntaxError) return configError(err.message);
    throw err;
  }
  return {
    status: 'InProgress',
    summary: `Waiting for the deployment window "${cron}" (${zone})`,
    recheckAt: Math.floor(now / 60_000) * 60_000 + 60_000,
  };
}

/**
 * Evaluates a rule that runs synchronously in the local engine. Providers that cannot run locally
 * (CloudWatchAlarm, Commands, LambdaInvoke, ...) fail with "not emulated locally" unless `--simulate
 * Provider=succeed|fail` covers them.
 *
 * @example
 * evaluateRule(rule, { Variable: 'a', Value: 'a', Operator: 'EQ' }, Date.now(), {});
 */
export function evaluateRule(
  rule: RuleDeclaration,
  resolved: Readonly<Record<string, string>>,
  now: number,
  simulate: Readonly<Record<string, SimulatedOutcome>>,
): RuleVerdict {
  const provider = rule.ruleTypeId?.provider ?? '';
  if (provider === 'VariableCheck') return variableCheck(resolved);
  if (provider === 'DeploymentWindow') return deploymentWindow(resolved, now);
  const simulated = simulate[provider];
  if (simulated) {
    const summary = `Simulated locally (--simulate ${provider}=${simulated}): rule ${rule.name} did not run`;
    return simulated === 'succeed'
      ? { status: 'Succeeded', summary }
      : { status: 'Failed', summary, errorCode: 'JobFailed' };
  }
  return configError(
    `Rule/AWS/${provider} rules are not emulated locally; start the engine with --simulate ${provider}=succeed (or =fail) to simulate them`,
  );
}

function configError(summary: string): RuleVerdict {
  return { status: 'Failed', summary, errorCode: 'ConfigurationError' };
}
