import {
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  DeleteCustomActionTypeCommand,
  DeletePipelineCommand,
  DeleteWebhookCommand,
  DeregisterWebhookWithThirdPartyCommand,
  GetActionTypeCommand,
  GetPipelineCommand,
  ListActionTypesCommand,
  ListPipelinesCommand,
  ListRuleTypesCommand,
  ListTagsForResourceCommand,
  ListWebhooksCommand,
  PutWebhookCommand,
  RegisterWebhookWithThirdPartyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateActionTypeCommand,
  UpdatePipelineCommand,
  paginateListPipelines,
  type PipelineDeclaration,
  type StageDeclaration,
  type WebhookDefinition,
} from '@aws-sdk/client-codepipeline';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestLocalServer } from '../helpers/local-server.js';
import { approval, validPipeline } from '../helpers/pipeline-fixtures.js';

let local: TestLocalServer;
const started: string[] = [];
const ARN = 'arn:aws:codepipeline:us-east-1:000000000000:';

beforeAll(async () => {
  local = await startTestServer();
  local.services.webhookTriggered = (p: string, w: string) => void started.push(`${p}/${w}`);
});
afterAll(() => local.stop());

/** The modeled error name and HTTP status a call fails with. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('expected the call to fail');
}

describe('Pipelines over the wire', () => {
  it('creates, gets (with metadata and versions), updates, lists and deletes', async () => {
    const c = local.client;
    const created = await c.send(
      new CreatePipelineCommand({ pipeline: validPipeline('wire-1'), tags: [{ key: 'a', value: 'b' }] }),
    );
    expect(created.pipeline).toMatchObject({ name: 'wire-1', version: 1, pipelineType: 'V1' });
    expect(created.tags).toEqual([{ key: 'a', value: 'b' }]);
    const got = await c.send(new GetPipelineCommand({ name: 'wire-1' }));
    expect(got.metadata!.pipelineArn).toBe(`${ARN}wire-1`);
    expect(got.metadata!.created).toBeInstanceOf(Date);
    const next = {
      ...got.pipeline!,
      stages: [...got.pipeline!.stages!, { name: 'Gate', actions: [approval('A', 15)] }],
    };
    const updated = await c.send(new UpdatePipelineCommand({ pipeline: next }));
    expect(updated.pipeline!.version).toBe(2);
    expect(
      (await c.send(new GetPipelineCommand({ name: 'wire-1', version: 1 }))).pipeline!.stages,
    ).toHaveLength(2);
    expect(
      (await c.send(new GetPipelineCommand({ name: 'wire-1' }))).pipeline!.stages![2].actions![0]
        .timeoutInMinutes,
    ).toBe(15);
    for (const n of ['wire-2', 'wire-3'])
      await c.send(
        new CreatePipelineCommand({
          pipeline: validPipeline(n, { pipelineType: 'V2', executionMode: 'PARALLEL' }),
        }),
      );
    const names: string[] = [];
    for await (const page of paginateListPipelines({ client: c, pageSize: 1 }, {}))
      names.push(...page.pipelines!.map((p) => p.name!));
    expect(names).toEqual(['wire-1', 'wire-2', 'wire-3']);
    const summaries = (await c.send(new ListPipelinesCommand({}))).pipelines!;
    expect(summaries[1]).toMatchObject({ name: 'wire-2', pipelineType: 'V2', executionMode: 'PARALLEL' });
    await c.send(new DeletePipelineCommand({ name: 'wire-3' }));
    expect((await failure(c.send(new GetPipelineCommand({ name: 'wire-3' })))).name).toBe(
      'PipelineNotFoundException',
    );
  });

  it('answers each declared error with HTTP 400 and its modeled type', async () => {
    const c = local.client;
    /** A valid pipeline whose second stage is `stage`. */
    const withSecondStage = (name: string, stage: StageDeclaration): PipelineDeclaration => ({
      ...validPipeline(name),
      stages: [validPipeline().stages![0], stage],
    });
    await c.send(new CreatePipelineCommand({ pipeline: validPipeline('err-1') }));
    const cases: [Promise<unknown>, string][] = [
      [c.send(new CreatePipelineCommand({ pipeline: validPipeline('err-1') })), 'PipelineNameInUseException'],
      [
        c.send(
          new CreatePipelineCommand({
            pipeline: validPipeline('err-2', { stages: validPipeline().stages!.slice(0, 1) }),
          }),
        ),
        'InvalidStructureException',
      ],
      [
        c.send(
          new CreatePipelineCommand({
            pipeline: withSecondStage('err-3', { name: 'E', actions: [] }),
          }),
        ),
        'InvalidStageDeclarationException',
      ],
      [
        c.send(
          new CreatePipelineCommand({
            pipeline: withSecondStage('err-4', {
              name: 'B',
              actions: [approval()],
              blockers: [
                { name: 'x', type: 'Schedule' },
                { name: 'x', type: 'Schedule' },
              ],
            }),
          }),
        ),
        'InvalidBlockerDeclarationException',
      ],
      [
        c.send(
          new CreatePipelineCommand({
            pipeline: withSecondStage('err-5', {
              name: 'B',
              actions: [
                {
                  ...approval(),
                  actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Nope', version: '1' },
                },
              ],
            }),
          }),
        ),
        'InvalidActionDeclarationException',
      ],
      [
        c.send(
          new CreatePipelineCommand({
            pipeline: validPipeline('err-6'),
            tags: [{ key: 'aws:x', value: '' }],
          }),
        ),
        'InvalidTagsException',
      ],
      [
        c.send(
          new CreatePipelineCommand({
            pipeline: validPipeline('err-7'),
            tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' })),
          }),
        ),
        'TooManyTagsException',
      ],
      [c.send(new CreatePipelineCommand({ pipeline: validPipeline('bad name') })), 'ValidationException'],
      [c.send(new GetPipelineCommand({ name: 'err-1', version: 9 })), 'PipelineVersionNotFoundException'],
      [
        c.send(new UpdatePipelineCommand({ pipeline: validPipeline('err-1', { version: 5 }) })),
        'InvalidStructureException',
      ],
      [c.send(new ListPipelinesCommand({ nextToken: 'not-a-token' })), 'InvalidNextTokenException'],
      [c.send(new ListPipelinesCommand({ maxResults: 1001 })), 'ValidationException'],
    ];
    for (const [call, type] of cases) {
      const f = await failure(call);
      expect([f.name, f.status]).toEqual([type, 400]);
      expect(f.message.length).toBeGreaterThan(10);
    }
    expect((await local.client.send(new GetPipelineCommand({ name: 'err-1' }))).pipeline!.version).toBe(1);
  });
});

describe('Action types over the wire', () => {
  it('lists, creates, describes, updates and deletes action types', async () => {
    const c = local.client;
    const aws = (await c.send(new ListActionTypesCommand({ actionOwnerFilter: 'AWS' }))).actionTypes!;
    expect(
      aws.find((t) => t.id!.provider === 'CodeBuild' && t.id!.category === 'Build')?.inputArtifactDetails,
    ).toEqual({ minimumCount: 1, maximumCount: 5 });
    const made = await c.send(
      new CreateCustomActionTypeCommand({
        category: 'Test',
        provider: 'Wire',
        version: '1',
        configurationProperties: [{ name: 'Url', required: true, key: true, secret: false }],
        inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
        settings: { entityUrlTemplate: 'https://example.com/{Config:Url}' },
      }),
    );
    expect(made.actionType!.id!.owner).toBe('Custom');
    expect(
      (await c.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }))).actionTypes!.map(
        (t) => t.id!.provider,
      ),
    ).toContain('Wire');
    const gh = await c.send(
      new GetActionTypeCommand({ category: 'Source', owner: 'ThirdParty', provider: 'GitHub', version: '1' }),
    );
    await c.send(new UpdateActionTypeCommand({ actionType: { ...gh.actionType!, description: 'updated' } }));
    expect(
      (
        await failure(
          c.send(
            new GetActionTypeCommand({ category: 'Source', owner: 'AWS', provider: 'Nope', version: '1' }),
          ),
        )
      ).name,
    ).toBe('ActionTypeNotFoundException');
    expect(
      (
        await failure(
          c.send(
            new UpdateActionTypeCommand({
              actionType: { ...gh.actionType!, id: { ...gh.actionType!.id!, owner: 'AWS', provider: 'S3' } },
            }),
          ),
        )
      ).name,
    ).toBe('RequestFailedException');
    expect(
      (
        await failure(
          c.send(
            new UpdateActionTypeCommand({
              actionType: { ...gh.actionType!, id: { ...gh.actionType!.id!, provider: 'Nope' } },
            }),
          ),
        )
      ).name,
    ).toBe('ActionTypeNotFoundException');
    expect((await failure(c.send(new ListActionTypesCommand({ nextToken: 'x' })))).name).toBe(
      'InvalidNextTokenException',
    );
    await c.send(new DeleteCustomActionTypeCommand({ category: 'Test', provider: 'Wire', version: '1' }));
    expect((await c.send(new ListRuleTypesCommand({}))).ruleTypes!.length).toBeGreaterThanOrEqual(4);
  });
});

describe('Webhooks and tags over the wire', () => {
  it('puts a webhook, delivers a signed payload to its URL and manages tags', async () => {
    const c = local.client;
    await c.send(new CreatePipelineCommand({ pipeline: validPipeline('hooked') }));
    const put = await c.send(
      new PutWebhookCommand({
        webhook: {
          name: 'hook-1',
          targetPipeline: 'hooked',
          targetAction: 'Source',
          filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/main' }],
          authentication: 'GITHUB_HMAC',
          authenticationConfiguration: { SecretToken: 's3cr3t' },
        },
      }),
    );
    expect(put.webhook!.url).toBe(`${local.endpoint}/_cpkit/webhooks/hook-1`);
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const signature = 'sha256=' + createHmac('sha256', 's3cr3t').update(body).digest('hex');
    const bad = await fetch(put.webhook!.url!, {
      method: 'POST',
      body,
      headers: { 'x-hub-signature-256': 'sha256=0' },
    });
    expect(bad.status).toBe(401);
    const good = await fetch(put.webhook!.url!, {
      method: 'POST',
      body,
      headers: { 'x-hub-signature-256': signature },
    });
    expect(good.status).toBe(200);
    expect(started).toEqual(['hooked/hook-1']);
    expect((await c.send(new ListWebhooksCommand({}))).webhooks![0].lastTriggered).toBeInstanceOf(Date);
    await c.send(new RegisterWebhookWithThirdPartyCommand({ webhookName: 'hook-1' }));
    await c.send(new DeregisterWebhookWithThirdPartyCommand({ webhookName: 'hook-1' }));
    expect(
      (await failure(c.send(new RegisterWebhookWithThirdPartyCommand({ webhookName: 'none' })))).name,
    ).toBe('WebhookNotFoundException');
    /** The error name PutWebhook answers for hook-1's definition with `changes`. */
    const putWebhookFailure = async (changes: Partial<WebhookDefinition>) =>
      (await failure(c.send(new PutWebhookCommand({ webhook: { ...put.webhook!.definition!, ...changes } }))))
        .name;
    expect(
      await putWebhookFailure({ targetPipeline: 'none', authenticationConfiguration: { SecretToken: 'x' } }),
    ).toBe('PipelineNotFoundException');
    expect(await putWebhookFailure({ authenticationConfiguration: {} })).toBe(
      'InvalidWebhookAuthenticationParametersException',
    );
    expect(
      await putWebhookFailure({
        authenticationConfiguration: { SecretToken: 'x' },
        filters: [{ jsonPath: 'nope' }],
      }),
    ).toBe('InvalidWebhookFilterPatternException');

    const arn = `${ARN}webhook:hook-1`;
    await c.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'k', value: 'v' }] }));
    expect((await c.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: 'k', value: 'v' },
    ]);
    await c.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['k'] }));
    expect((await c.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([]);
    expect(
      (await failure(c.send(new TagResourceCommand({ resourceArn: `${ARN}missing`, tags: [] })))).name,
    ).toBe('ResourceNotFoundException');
    expect(
      (await failure(c.send(new ListTagsForResourceCommand({ resourceArn: `${ARN}actiontype:Custom/x` }))))
        .name,
    ).toBe('InvalidArnException');
    expect(
      (await failure(c.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['aws:k'] })))).name,
    ).toBe('InvalidTagsException');
    await c.send(new DeleteWebhookCommand({ name: 'hook-1' }));
    expect((await c.send(new ListWebhooksCommand({}))).webhooks).toEqual([]);
  });
});
