import type { Condition, StageDeclaration } from '@aws-sdk/client-codepipeline';
import { listBuiltinRuleTypes } from '../action-types/builtin.js';
import { ServiceError } from '../errors.js';

const stageError = (m: string) => new ServiceError('InvalidStageDeclarationException', m);

/** Results each condition kind accepts (stage conditions user guide). */
const RESULTS = {
  beforeEntry: ['FAIL', 'SKIP'],
  onSuccess: ['ROLLBACK', 'FAIL'],
  onFailure: ['ROLLBACK', 'FAIL', 'RETRY'],
} as const;

/** Rule providers an entry condition with result SKIP may use. */
const SKIP_PROVIDERS = new Set(['LambdaInvoke', 'VariableCheck']);

/**
 * Checks a V2 stage's beforeEntry / onSuccess / onFailure declarations: the result each kind allows, retry
 * configuration only with result RETRY and without failure conditions, and every rule against the built-in rule
 * types (category Rule, owner AWS, known provider and version, required configuration, unique names).
 * Throws InvalidStageDeclarationException naming the stage, condition and rule.
 *
 * @example
 * checkStageConditions({ name: 'Deploy', actions: [...], beforeEntry: { conditions: [...] } });
 */
export function checkStageConditions(s: StageDeclaration): void {
  const kinds = [
    ['beforeEntry', s.beforeEntry?.conditions],
    ['onSuccess', s.onSuccess?.conditions],
    ['onFailure', s.onFailure?.conditions],
  ] as const;
  const failure = s.onFailure;
  if (failure?.result && !RESULTS.onFailure.includes(failure.result as never))
    throw stageError(
      `Stage '${s.name}' onFailure result ${failure.result} is not allowed: use one of ${RESULTS.onFailure.join(', ')}`,
    );
  if (failure?.retryConfiguration && failure.result !== 'RETRY')
    throw stageError(
      `Stage '${s.name}' declares onFailure.retryConfiguration, which needs onFailure result RETRY`,
    );
  if (failure?.result === 'RETRY' && failure.conditions?.length)
    throw stageError(
      `Stage '${s.name}': automatic stage retry (result RETRY) cannot be used with onFailure conditions`,
    );
  for (const [kind, conditions] of kinds) for (const c of conditions ?? []) checkCondition(s, kind, c);
}

function checkCondition(s: StageDeclaration, kind: keyof typeof RESULTS, c: Condition): void {
  const where = `Stage '${s.name}' ${kind} condition`;
  if (c.result && !RESULTS[kind].includes(c.result as never))
    throw stageError(`${where} has result ${c.result}; ${kind} allows ${RESULTS[kind].join(', ')}`);
  const names = new Set<string>();
  for (const rule of c.rules ?? []) {
    if (names.has(rule.name!)) throw stageError(`${where} contains more than one rule named '${rule.name}'`);
    names.add(rule.name!);
    const id = rule.ruleTypeId!;
    if (id.category !== 'Rule' || (id.owner ?? 'AWS') !== 'AWS')
      throw stageError(`${where} rule '${rule.name}' must have ruleTypeId category Rule and owner AWS`);
    const type = listBuiltinRuleTypes().find(
      (t) => t.id.provider === id.provider && t.id.version === (id.version ?? '1'),
    );
    if (!type)
      throw stageError(
        `${where} rule '${rule.name}' has an unknown rule type ${id.provider} version ${id.version ?? '1'} (see ListRuleTypes)`,
      );
    for (const p of type.ruleConfigurationProperties ?? [])
      if (p.required && !rule.configuration?.[p.name!])
        throw stageError(`${where} rule '${rule.name}' is missing the required configuration '${p.name}'`);
    if (kind === 'beforeEntry' && c.result === 'SKIP' && !SKIP_PROVIDERS.has(id.provider!))
      throw stageError(
        `${where} has result SKIP, which only LambdaInvoke and VariableCheck rules support (rule '${rule.name}' is ${id.provider})`,
      );
  }
}
