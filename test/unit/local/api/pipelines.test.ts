import { describe, expect, it } from 'vitest';
import {
  createPipeline,
  deletePipeline,
  getPipeline,
  listPipelines,
  updatePipeline,
} from '../../../../local/api/pipelines.js';
import { createCustomActionType } from '../../../../local/api/action-types.js';
import { listTags } from '../../../../local/store/tag-repo.js';
import { errorType, memoryApiContext } from '../../../helpers/api-context.js';
import { validPipeline } from '../../../helpers/pipeline-fixtures.js';

describe('Function: createPipeline', () => {
  it('stores version 1 with defaults, tags and notifies listeners', async () => {
    // Prepare
    const events: string[] = [];
    const ctx = memoryApiContext({
      pipelineListeners: [{ pipelineCreated: (n: string) => void events.push(n) }],
    });
    // Act
    const out = await createPipeline(
      { pipeline: validPipeline('p1'), tags: [{ key: 'team', value: 'ci' }] },
      ctx,
    );
    // Assess
    expect(out.pipeline).toMatchObject({
      name: 'p1',
      version: 1,
      pipelineType: 'V1',
      executionMode: 'SUPERSEDED',
    });
    expect(out.pipeline!.stages![1].actions![0]).toMatchObject({ runOrder: 1, outputArtifacts: [] });
    expect(out.tags).toEqual([{ key: 'team', value: 'ci' }]);
    expect(events).toEqual(['p1']);
  });

  it('keeps V2 fields exactly as given', async () => {
    const ctx = memoryApiContext();
    const p = validPipeline('v2', {
      pipelineType: 'V2',
      executionMode: 'QUEUED',
      variables: [{ name: 'env', defaultValue: 'dev', description: 'target' }],
    });
    p.stages!.push({
      name: 'Gate',
      actions: [
        {
          name: 'A',
          actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
          timeoutInMinutes: 30,
        },
      ],
    });
    await createPipeline({ pipeline: p }, ctx);
    const got = getPipeline({ name: 'v2' }, ctx).pipeline!;
    expect(got.variables).toEqual([{ name: 'env', defaultValue: 'dev', description: 'target' }]);
    expect(got.executionMode).toBe('QUEUED');
    expect(got.stages![2].actions![0].timeoutInMinutes).toBe(30);
  });

  it('refuses a taken name, aws: tags, more than 50 tags and the 1,001st pipeline', async () => {
    const ctx = memoryApiContext();
    await createPipeline({ pipeline: validPipeline('p1') }, ctx);
    expect(await errorType(() => createPipeline({ pipeline: validPipeline('p1') }, ctx))).toBe(
      'PipelineNameInUseException',
    );
    expect(
      await errorType(() =>
        createPipeline({ pipeline: validPipeline('p2'), tags: [{ key: 'aws:x', value: '' }] }, ctx),
      ),
    ).toBe('InvalidTagsException');
    const tags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(await errorType(() => createPipeline({ pipeline: validPipeline('p3'), tags }, ctx))).toBe(
      'TooManyTagsException',
    );
    const insert = ctx.db.prepare(
      "INSERT INTO pipelines (name, arn, current_version, pipeline_type, execution_mode, created_at, updated_at) VALUES (?, 'a', 1, 'V1', 'SUPERSEDED', 0, 0)",
    );
    ctx.db.transaction(() => {
      for (let i = 0; i < 999; i++) insert.run(`filler-${i}`);
    })();
    expect(await errorType(() => createPipeline({ pipeline: validPipeline('p4') }, ctx))).toBe(
      'LimitExceededException',
    );
  });

  it('masks secret configuration values and keeps them on update with ****', async () => {
    const ctx = memoryApiContext();
    createCustomActionType(
      {
        category: 'Build',
        provider: 'Vault',
        version: '1',
        configurationProperties: [{ name: 'Token', required: true, key: false, secret: true }],
        inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      },
      ctx,
    );
    const p = validPipeline('s');
    p.stages![1].actions = [
      {
        name: 'B',
        actionTypeId: { category: 'Build', owner: 'Custom', provider: 'Vault', version: '1' },
        configuration: { Token: 's3cret' },
      },
    ];
    const created = await createPipeline({ pipeline: p }, ctx);
    expect(created.pipeline!.stages![1].actions![0].configuration).toEqual({ Token: '****' });
    await updatePipeline({ pipeline: created.pipeline }, ctx);
    const { getPipeline: repoGet } = await import('../../../../local/store/pipeline-repo.js');
    expect(repoGet(ctx.db, 's')!.declaration.stages![1].actions![0].configuration).toEqual({
      Token: 's3cret',
    });
  });
});

describe('Function: updatePipeline', () => {
  it('increments the version and keeps old versions', async () => {
    const ctx = memoryApiContext();
    await createPipeline({ pipeline: validPipeline('p1') }, ctx);
    ctx.advance(1000);
    const p = validPipeline('p1', { version: 1 });
    p.stages![1].name = 'Renamed';
    const out = await updatePipeline({ pipeline: p }, ctx);
    expect(out.pipeline!.version).toBe(2);
    expect(getPipeline({ name: 'p1', version: 1 }, ctx).pipeline!.stages![1].name).toBe('Run');
    const current = getPipeline({ name: 'p1' }, ctx);
    expect(current.pipeline!.stages![1].name).toBe('Renamed');
    expect(current.metadata!.updated!.getTime() - current.metadata!.created!.getTime()).toBe(1000);
    expect(await errorType(() => getPipeline({ name: 'p1', version: 3 }, ctx))).toBe(
      'PipelineVersionNotFoundException',
    );
  });

  it('refuses a stale version and an invalid structure, leaving the pipeline unchanged', async () => {
    const ctx = memoryApiContext();
    await createPipeline({ pipeline: validPipeline('p1') }, ctx);
    await updatePipeline({ pipeline: validPipeline('p1', { version: 1 }) }, ctx);
    expect(
      await errorType(() => updatePipeline({ pipeline: validPipeline('p1', { version: 1 }) }, ctx)),
    ).toBe('InvalidStructureException');
    const broken = validPipeline('p1', { version: 2 });
    broken.stages!.pop();
    expect(await errorType(() => updatePipeline({ pipeline: broken }, ctx))).toBe(
      'InvalidStructureException',
    );
    expect(getPipeline({ name: 'p1' }, ctx).pipeline!.version).toBe(2);
  });
});

describe('Function: deletePipeline / listPipelines', () => {
  it('pages with maxResults and nextToken and forgets deleted pipelines with their tags', async () => {
    const ctx = memoryApiContext();
    for (const n of ['c', 'a', 'b'])
      await createPipeline({ pipeline: validPipeline(n), tags: [{ key: 'k', value: n }] }, ctx);
    const first = listPipelines({ maxResults: 2 }, ctx);
    expect(first.pipelines!.map((p) => p.name)).toEqual(['a', 'b']);
    expect(first.pipelines![0]).toMatchObject({
      version: 1,
      pipelineType: 'V1',
      executionMode: 'SUPERSEDED',
    });
    const second = listPipelines({ maxResults: 2, nextToken: first.nextToken }, ctx);
    expect(second.pipelines!.map((p) => p.name)).toEqual(['c']);
    expect(second.nextToken).toBeUndefined();
    expect(await errorType(() => listPipelines({ nextToken: 'garbage' }, ctx))).toBe(
      'InvalidNextTokenException',
    );
    await deletePipeline({ name: 'b' }, ctx);
    await deletePipeline({ name: 'b' }, ctx);
    expect(listPipelines({}, ctx).pipelines!.map((p) => p.name)).toEqual(['a', 'c']);
    expect(listTags(ctx.db, 'arn:aws:codepipeline:us-east-1:000000000000:b')).toEqual([]);
    expect(await errorType(() => getPipeline({ name: 'b' }, ctx))).toBe('PipelineNotFoundException');
  });
});
