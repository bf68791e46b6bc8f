import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  ListPipelinesCommand,
  ListTagsForResourceCommand,
  PutWebhookCommand,
  TagResourceCommand,
  paginateListPipelines,
} from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PIPELINES } from '../../local/api/pipelines.js';
import { pipelineArn } from '../../local/domain/arns.js';
import { normalizePipeline } from '../../local/domain/pipeline-normalize.js';
import { MAX_TAGS_PER_RESOURCE } from '../../local/domain/tag-rules.js';
import { countPipelines, insertPipeline } from '../../local/store/pipeline-repo.js';
import { startTestServer, type TestLocalServer } from '../helpers/local-server.js';
import { validPipeline } from '../helpers/pipeline-fixtures.js';

let local: TestLocalServer;
beforeAll(async () => {
  local = await startTestServer();
});
afterAll(() => local.stop());

/** The modeled error name and HTTP status a call fails with. */
async function failure(p: Promise<unknown>): Promise<[string, number | undefined]> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
    return [err.name, err.$metadata?.httpStatusCode];
  }
  throw new Error('expected the call to fail');
}

const tags = (n: number, prefix = 'k') =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: 'v' }));

describe('Quota: 1,000 pipelines per region', () => {
  it('refuses the 1,001st pipeline with LimitExceededException until one is deleted', async () => {
    // Prepare: 999 pipelines straight into the store (the write CreatePipeline does), in one transaction
    local.db.transaction(() => {
      for (let i = 0; i < MAX_PIPELINES - 1; i++) {
        const declaration = normalizePipeline(validPipeline(`q-${String(i).padStart(4, '0')}`));
        insertPipeline(local.db, {
          declaration,
          arn: pipelineArn(local.context, declaration.name!),
          now: new Date(),
        });
      }
    })();
    const c = local.client;

    // Act: the 1,000th over the wire, then one more
    await c.send(new CreatePipelineCommand({ pipeline: validPipeline('q-last') }));
    const over = await failure(c.send(new CreatePipelineCommand({ pipeline: validPipeline('q-over') })));
    const stillThere = countPipelines(local.db);
    let listed = 0;
    for await (const page of paginateListPipelines({ client: c, pageSize: MAX_PIPELINES }, {}))
      listed += page.pipelines!.length;
    await c.send(new DeletePipelineCommand({ name: 'q-0000' }));
    await c.send(new CreatePipelineCommand({ pipeline: validPipeline('q-over') }));

    // Assess
    expect(over).toEqual(['LimitExceededException', 400]);
    expect([stillThere, listed]).toEqual([MAX_PIPELINES, MAX_PIPELINES]);
    expect((await c.send(new ListPipelinesCommand({ maxResults: 1 }))).pipelines![0].name).toBe('q-0001');
    expect(countPipelines(local.db)).toBe(MAX_PIPELINES);
  });
});

describe('Quota: 50 tags per resource', () => {
  it('accepts 50 tags, refuses a 51st key with TooManyTagsException and keeps the 50', async () => {
    // Prepare
    const c = local.client;
    await c.send(new DeletePipelineCommand({ name: 'q-0001' })); // room after the quota test above
    await c.send(new CreatePipelineCommand({ pipeline: validPipeline('tagged'), tags: tags(40) }));
    const resourceArn = pipelineArn(local.context, 'tagged');

    // Act
    await c.send(new TagResourceCommand({ resourceArn, tags: tags(10, 'm') }));
    const oneMore = await failure(
      c.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'x', value: '' }] })),
    );
    // overwriting an existing key adds none
    await c.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'k0', value: 'changed' }] }));
    const after = (await c.send(new ListTagsForResourceCommand({ resourceArn, maxResults: 100 }))).tags!;
    const createWith51 = await failure(
      c.send(new CreatePipelineCommand({ pipeline: validPipeline('tagged-2'), tags: tags(51) })),
    );
    const hookWith51 = await failure(
      c.send(
        new PutWebhookCommand({
          webhook: {
            name: 'tagged-hook',
            targetPipeline: 'tagged',
            targetAction: 'Source',
            filters: [],
            authentication: 'UNAUTHENTICATED',
            authenticationConfiguration: {},
          },
          tags: tags(MAX_TAGS_PER_RESOURCE + 1),
        }),
      ),
    );

    // Assess
    expect(oneMore).toEqual(['TooManyTagsException', 400]);
    expect(after).toHaveLength(MAX_TAGS_PER_RESOURCE);
    expect(after.find((t) => t.key === 'k0')!.value).toBe('changed');
    expect(after.some((t) => t.key === 'x')).toBe(false);
    expect([createWith51, hookWith51]).toEqual([
      ['TooManyTagsException', 400],
      ['TooManyTagsException', 400],
    ]);
    expect(
      await failure(
        c.send(new ListTagsForResourceCommand({ resourceArn: pipelineArn(local.context, 'tagged-2') })),
      ),
    ).toEqual(['ResourceNotFoundException', 400]);
  });
});
