import type { CreateCustomActionTypeInput } from '@aws-sdk/client-codepipeline';
import { describe, expect, it } from 'vitest';
import {
  createCustomActionType,
  deleteCustomActionType,
  getActionType,
  listActionTypes,
  listRuleTypes,
  updateActionType,
} from '../../../../local/api/action-types.js';
import { createPipeline } from '../../../../local/api/pipelines.js';
import { findActionType, saveActionType } from '../../../../local/store/action-type-repo.js';
import { errorType, memoryApiContext } from '../../../helpers/api-context.js';
import { validPipeline } from '../../../helpers/pipeline-fixtures.js';

const custom = (provider = 'Jenkins', version = '1') => ({
  category: 'Build' as const,
  provider,
  version,
  configurationProperties: [{ name: 'Project', required: true, key: true, secret: false, queryable: true }],
  inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
  outputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
});

describe('Function: listActionTypes', () => {
  it('lists built-in types of every category, filtered by owner and region', () => {
    const ctx = memoryApiContext();
    const all = listActionTypes({}, ctx).actionTypes!;
    expect(new Set(all.map((t) => t.id!.category))).toEqual(
      new Set(['Source', 'Build', 'Test', 'Deploy', 'Approval', 'Invoke', 'Compute']),
    );
    expect(
      listActionTypes({ actionOwnerFilter: 'ThirdParty' }, ctx).actionTypes!.map((t) => t.id!.provider),
    ).toEqual(['GitHub']);
    expect(listActionTypes({ regionFilter: 'eu-west-1' }, ctx).actionTypes).toEqual([]);
  });

  it('pages through more than 100 types', () => {
    // Prepare: 80 stored types on top of the built-in ones (stored directly: the API allows 50)
    const ctx = memoryApiContext();
    for (let i = 0; i < 80; i++) {
      const id = {
        category: 'Build',
        owner: 'Custom',
        provider: `P${String(i).padStart(2, '0')}`,
        version: '1',
      };
      const t = { ...custom(id.provider), id, configurationProperties: [], builtin: false };
      saveActionType(ctx.db, t, `arn:${i}`, ctx.now());
    }
    // Act
    const first = listActionTypes({}, ctx);
    const second = listActionTypes({ nextToken: first.nextToken }, ctx);
    // Assess
    expect(first.actionTypes).toHaveLength(100);
    expect(second.nextToken).toBeUndefined();
    const ids = [...first.actionTypes!, ...second.actionTypes!].map((t) => JSON.stringify(t.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(80 + listActionTypes({ actionOwnerFilter: 'AWS' }, ctx).actionTypes!.length + 1);
  });

  it('refuses a foreign token', async () => {
    expect(await errorType(() => listActionTypes({ nextToken: 'bm9wZQ' }, memoryApiContext()))).toBe(
      'InvalidNextTokenException',
    );
  });
});

describe('Function: createCustomActionType / deleteCustomActionType', () => {
  it('creates a usable Custom type, deletes it, and restores it from an identical definition', async () => {
    const ctx = memoryApiContext();
    const out = createCustomActionType({ ...custom(), tags: [{ key: 'a', value: 'b' }] }, ctx);
    expect(out.actionType!.id).toEqual({
      category: 'Build',
      owner: 'Custom',
      provider: 'Jenkins',
      version: '1',
    });
    expect(out.tags).toEqual([{ key: 'a', value: 'b' }]);
    const p = validPipeline();
    p.stages![1].actions = [
      {
        name: 'J',
        actionTypeId: { category: 'Build', owner: 'Custom', provider: 'Jenkins', version: '1' },
        configuration: { Project: 'proj_1' },
        inputArtifacts: [{ name: 'SourceOut' }],
      },
    ];
    await createPipeline({ pipeline: p }, ctx);
    deleteCustomActionType({ category: 'Build', provider: 'Jenkins', version: '1' }, ctx);
    const id = { category: 'Build', owner: 'Custom', provider: 'Jenkins', version: '1' };
    expect(findActionType(ctx.db, id)).toBeUndefined();
    expect(findActionType(ctx.db, id, { includeDeleted: true })?.deleted).toBe(true);
    expect(await errorType(() => createPipeline({ pipeline: { ...p, name: 'p2' } }, ctx))).toBe(
      'InvalidActionDeclarationException',
    );
    expect(
      await errorType(() =>
        createCustomActionType(
          { ...custom(), outputArtifactDetails: { minimumCount: 0, maximumCount: 2 } },
          ctx,
        ),
      ),
    ).toBe('ValidationException');
    createCustomActionType(custom(), ctx);
    expect(findActionType(ctx.db, id)?.deleted).toBeUndefined();
  });

  it('checks queryable properties, bounds and the quota of 50', async () => {
    const ctx = memoryApiContext();
    const notRequired = custom('X');
    notRequired.configurationProperties[0].required = false;
    expect(await errorType(() => createCustomActionType(notRequired, ctx))).toBe('ValidationException');
    expect(
      await errorType(() =>
        createCustomActionType(
          { ...custom('Y'), inputArtifactDetails: { minimumCount: 3, maximumCount: 1 } },
          ctx,
        ),
      ),
    ).toBe('ValidationException');
    for (let i = 0; i < 50; i++) createCustomActionType(custom(`P${i}`), ctx);
    expect(await errorType(() => createCustomActionType(custom('Z'), ctx))).toBe('LimitExceededException');
  });
});

describe('Function: getActionType / updateActionType / listRuleTypes', () => {
  it('describes a type as an ActionTypeDeclaration and updates third-party types only', async () => {
    const ctx = memoryApiContext();
    const lambda = getActionType(
      { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
      ctx,
    ).actionType!;
    expect(lambda.properties).toContainEqual({
      name: 'FunctionName',
      optional: false,
      key: true,
      noEcho: false,
    });
    expect(
      await errorType(() =>
        getActionType({ category: 'Invoke', owner: 'AWS', provider: 'Nope', version: '1' }, ctx),
      ),
    ).toBe('ActionTypeNotFoundException');
    expect(await errorType(() => updateActionType({ actionType: lambda }, ctx))).toBe(
      'RequestFailedException',
    );
    const github = getActionType(
      { category: 'Source', owner: 'ThirdParty', provider: 'GitHub', version: '1' },
      ctx,
    ).actionType!;
    updateActionType({ actionType: { ...github, description: 'changed' } }, ctx);
    expect(
      getActionType({ category: 'Source', owner: 'ThirdParty', provider: 'GitHub', version: '1' }, ctx)
        .actionType!.description,
    ).toBe('changed');
    expect(
      await errorType(() =>
        updateActionType({ actionType: { ...github, id: { ...github.id!, provider: 'None' } } }, ctx),
      ),
    ).toBe('ActionTypeNotFoundException');
  });

  it('lists the built-in rule types', () => {
    const ctx = memoryApiContext();
    const providers = listRuleTypes({}, ctx).ruleTypes!.map((r) => r.id!.provider);
    expect(providers).toEqual(
      expect.arrayContaining(['DeploymentWindow', 'LambdaInvoke', 'VariableCheck', 'CloudWatchAlarm']),
    );
    expect(listRuleTypes({ regionFilter: 'eu-west-1' }, ctx).ruleTypes).toEqual([]);
  });

  it('recognizes an identical custom action type whatever the order of its members', async () => {
    // Prepare
    const ctx = memoryApiContext();
    const first: CreateCustomActionTypeInput = {
      category: 'Test',
      provider: 'Order',
      version: '1',
      configurationProperties: [{ name: 'Url', required: true, key: true, secret: false }],
      inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
    };
    const reordered: CreateCustomActionTypeInput = {
      ...first,
      configurationProperties: [{ secret: false, key: true, required: true, name: 'Url' }],
      inputArtifactDetails: { maximumCount: 1, minimumCount: 0 },
    };
    createCustomActionType(first, ctx);

    // Act
    const again = await errorType(() => createCustomActionType(reordered, ctx));
    deleteCustomActionType({ category: 'Test', provider: 'Order', version: '1' }, ctx);
    const restored = await errorType(() => createCustomActionType(reordered, ctx));

    // Assess
    expect([again, restored]).toEqual(['none', 'none']);
    expect(
      await errorType(() =>
        createCustomActionType(
          { ...reordered, inputArtifactDetails: { maximumCount: 2, minimumCount: 0 } },
          ctx,
        ),
      ),
    ).toBe('ValidationException');
  });
});
