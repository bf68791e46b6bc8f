import { describe, expect, it } from 'vitest';
import { createCustomActionType, deleteCustomActionType } from '../../../../local/api/action-types.js';
import { createPipeline } from '../../../../local/api/pipelines.js';
import type { ApiContext } from '../../../../local/api/operation.js';
import { listTagsForResource, tagResource, untagResource } from '../../../../local/api/tags.js';
import { errorType, memoryApiContext } from '../../../helpers/api-context.js';
import { validPipeline } from '../../../helpers/pipeline-fixtures.js';

const ARN = 'arn:aws:codepipeline:us-east-1:000000000000:p1';

/** Creates the custom action type Test/T/1 (no artifacts), the resource these tests tag. */
function createTestActionType(ctx: ApiContext): void {
  createCustomActionType(
    {
      category: 'Test',
      provider: 'T',
      version: '1',
      inputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
    },
    ctx,
  );
}

describe('Function: tagResource / untagResource / listTagsForResource', () => {
  it('adds, overwrites, lists (sorted, paged) and removes tags', async () => {
    const ctx = memoryApiContext();
    await createPipeline({ pipeline: validPipeline('p1') }, ctx);
    tagResource(
      {
        resourceArn: ARN,
        tags: [
          { key: 'b', value: '1' },
          { key: 'a', value: '2' },
        ],
      },
      ctx,
    );
    tagResource({ resourceArn: ARN, tags: [{ key: 'b', value: '3' }] }, ctx);
    expect(listTagsForResource({ resourceArn: ARN }, ctx).tags).toEqual([
      { key: 'a', value: '2' },
      { key: 'b', value: '3' },
    ]);
    const page = listTagsForResource({ resourceArn: ARN, maxResults: 1 }, ctx);
    expect(page.tags).toEqual([{ key: 'a', value: '2' }]);
    expect(
      listTagsForResource({ resourceArn: ARN, maxResults: 1, nextToken: page.nextToken }, ctx).tags,
    ).toEqual([{ key: 'b', value: '3' }]);
    untagResource({ resourceArn: ARN, tagKeys: ['a', 'missing'] }, ctx);
    expect(listTagsForResource({ resourceArn: ARN }, ctx).tags).toEqual([{ key: 'b', value: '3' }]);
  });

  it('validates ARNs, existence, system keys and the 50-tag limit', async () => {
    const ctx = memoryApiContext();
    await createPipeline({ pipeline: validPipeline('p1') }, ctx);
    expect(
      await errorType(() =>
        listTagsForResource({ resourceArn: 'arn:aws:codepipeline:us-east-1:000000000000:bad name' }, ctx),
      ),
    ).toBe('InvalidArnException');
    expect(await errorType(() => listTagsForResource({ resourceArn: ARN.replace('p1', 'p2') }, ctx))).toBe(
      'ResourceNotFoundException',
    );
    expect(
      await errorType(() => listTagsForResource({ resourceArn: ARN.replace('us-east-1', 'eu-west-1') }, ctx)),
    ).toBe('ResourceNotFoundException');
    expect(
      await errorType(() => tagResource({ resourceArn: ARN, tags: [{ key: 'aws:cost', value: 'x' }] }, ctx)),
    ).toBe('InvalidTagsException');
    expect(await errorType(() => untagResource({ resourceArn: ARN, tagKeys: ['aws:cost'] }, ctx))).toBe(
      'InvalidTagsException',
    );
    tagResource(
      { resourceArn: ARN, tags: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: '' })) },
      ctx,
    );
    tagResource({ resourceArn: ARN, tags: [{ key: 'k0', value: 'overwrite is fine' }] }, ctx);
    expect(
      await errorType(() => tagResource({ resourceArn: ARN, tags: [{ key: 'one-more', value: '' }] }, ctx)),
    ).toBe('TooManyTagsException');
    expect(listTagsForResource({ resourceArn: ARN, maxResults: 100 }, ctx).tags).toHaveLength(50);
  });

  it('tags custom action types by their ARN', () => {
    const ctx = memoryApiContext();
    createTestActionType(ctx);
    const arn = 'arn:aws:codepipeline:us-east-1:000000000000:actiontype:Custom/Test/T/1';
    tagResource({ resourceArn: arn, tags: [{ key: 'x', value: 'y' }] }, ctx);
    expect(listTagsForResource({ resourceArn: arn }, ctx).tags).toEqual([{ key: 'x', value: 'y' }]);
  });

  it('stores tags under the canonical ARN, so no spelling of an ARN keeps tags past the resource', async () => {
    // Prepare
    const ctx = memoryApiContext();
    await createPipeline({ pipeline: validPipeline('p1') }, ctx);
    createTestActionType(ctx);
    const typeArn = 'arn:aws:codepipeline:us-east-1:000000000000:actiontype:Custom/Test/T/1';

    // Act: another partition is someone else's resource; `ActionType:` is the same action type
    const otherPartition = await errorType(() =>
      tagResource(
        { resourceArn: ARN.replace('arn:aws:', 'arn:aws-cn:'), tags: [{ key: 'a', value: '1' }] },
        ctx,
      ),
    );
    tagResource(
      { resourceArn: typeArn.replace('actiontype:', 'ActionType:'), tags: [{ key: 'x', value: 'y' }] },
      ctx,
    );
    const sameTags = listTagsForResource({ resourceArn: typeArn }, ctx).tags;
    deleteCustomActionType({ category: 'Test', provider: 'T', version: '1' }, ctx);
    createTestActionType(ctx);

    // Assess
    expect(otherPartition).toBe('ResourceNotFoundException');
    expect(sameTags).toEqual([{ key: 'x', value: 'y' }]);
    expect(
      listTagsForResource({ resourceArn: typeArn.replace('actiontype:', 'ActionType:') }, ctx).tags,
    ).toEqual([]);
  });
});
