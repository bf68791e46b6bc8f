import type {
  CreateCustomActionTypeInput,
  PipelineDeclaration,
  WebhookDefinition,
} from '@aws-sdk/client-codepipeline';
import { expect } from 'vitest';
import { ROLE_ARN, approval, s3Source, validPipeline } from './pipeline-fixtures.js';

/**
 * The one scenario every real client drives (aws CLI v1 and v2, boto3 current and old): custom action
 * types, pipelines from a JSON file, versions, pagination, tags, webhooks, deletes, and each error the
 * server can answer for these operations. Steps of one phase do not depend on each other (the CLI
 * runner runs them concurrently); phases run in order.
 *
 * `v1` is the subset older clients know: no pipelineType/variables/triggers/executionMode and no
 * operation newer than Debian's botocore 1.29 (ListRuleTypes).
 */
export type ScenarioMode = 'v2' | 'v1';

/** The JSON output of a call as the client shows it (CLI stdout, or boto3's dict). */
export type Output = Record<string, any>;

/** One call of the scenario. */
export interface ScenarioStep {
  /** Unique id (shows up in failures). */
  readonly id: string;
  /** API operation name. */
  readonly op: string;
  /** The request as API-shaped JSON (boto3 keyword arguments; CLI `--cli-input-json` unless `cli` is set). */
  readonly input: object;
  /** Explicit CLI arguments after `codepipeline <command>`, in the form a user would type them. */
  readonly cli?: readonly string[];
  /** boto3: run through the operation's paginator with this PaginationConfig and return the full result. */
  readonly paginate?: Record<string, number>;
  /** 'ok' or the error code the client must report. */
  readonly expect: string;
  /** Assertions on the output of a successful call. */
  readonly check?: (out: Output) => void;
}

/** Files the CLI reads with `file://` (written by the runner into a temp dir). */
export type ScenarioFiles = Record<string, unknown>;

/** The scenario for one mode: its phases and the JSON files its CLI steps read. */
export interface Scenario {
  readonly phases: readonly (readonly ScenarioStep[])[];
  readonly files: ScenarioFiles;
}

const REGION_ACCOUNT = 'arn:aws:codepipeline:us-east-1:000000000000:';
const CUSTOM = { category: 'Test', owner: 'Custom', provider: 'RcTest', version: '1' };
const GITHUB = { category: 'Source', owner: 'ThirdParty', provider: 'GitHub', version: '1' };

function customActionType(provider = CUSTOM.provider): CreateCustomActionTypeInput {
  return {
    category: 'Test',
    provider,
    version: '1',
    settings: { entityUrlTemplate: 'https://example.com/{Config:Url}' },
    configurationProperties: [{ name: 'Url', required: true, key: true, secret: false, queryable: false }],
    inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
    outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
  };
}

/** The main pipeline: V2 with variables, a trigger and QUEUED mode, or its V1 counterpart. */
export function scenarioPipeline(mode: ScenarioMode, name = 'rc-a'): PipelineDeclaration {
  const v2 = mode === 'v2';
  const source = v2
    ? {
        name: 'Source',
        actionTypeId: {
          category: 'Source',
          owner: 'AWS',
          provider: 'CodeStarSourceConnection',
          version: '1',
        },
        configuration: {
          ConnectionArn: 'arn:aws:codeconnections:us-east-1:000000000000:connection/rc',
          FullRepositoryId: 'owner/repo',
          BranchName: 'main',
        },
        outputArtifacts: [{ name: 'SourceOut' }],
      }
    : s3Source();
  return {
    name,
    roleArn: ROLE_ARN,
    artifactStore: { type: 'S3', location: 'artifact-bucket' },
    ...(v2
      ? {
          pipelineType: 'V2',
          executionMode: 'QUEUED',
          variables: [{ name: 'env', defaultValue: 'dev', description: 'target environment' }],
          triggers: [
            {
              providerType: 'CodeStarSourceConnection',
              gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: ['main'] } }] },
            },
          ],
        }
      : {}),
    stages: [
      { name: 'Source', actions: [source] },
      {
        name: 'Check',
        actions: [
          {
            name: 'Probe',
            actionTypeId: CUSTOM,
            configuration: { Url: v2 ? 'https://example.com/#{variables.env}' : 'https://example.com/' },
            inputArtifacts: [{ name: 'SourceOut' }],
          },
        ],
      },
    ],
  } as PipelineDeclaration;
}

/** The valid fixture pipeline with a manual approval as its second stage. */
function simplePipeline(name: string): PipelineDeclaration {
  return validPipeline(name, {
    stages: [
      { name: 'Source', actions: [s3Source()] },
      { name: 'Gate', actions: [approval('Approve')] },
    ],
  });
}

function webhook(patch: Partial<WebhookDefinition> = {}): WebhookDefinition {
  return {
    name: 'rc-hook',
    targetPipeline: 'rc-a',
    targetAction: 'Source',
    filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/main' }],
    authentication: 'GITHUB_HMAC',
    authenticationConfiguration: { SecretToken: 'rc-secret' },
    ...patch,
  };
}

const cliTags = (tags: { key: string; value: string }[]) => tags.map((t) => `key=${t.key},value=${t.value}`);
const names = (out: Output) => (out.pipelines as { name: string }[]).map((p) => p.name);
const manyTags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));

/**
 * The scenario of one mode.
 * @example
 * const { phases, files } = realClientScenario('v2');
 */
export function realClientScenario(mode: ScenarioMode): Scenario {
  const v2 = mode === 'v2';
  const pipeline = scenarioPipeline(mode);
  const updated: PipelineDeclaration = {
    ...pipeline,
    version: 1,
    // timeoutInMinutes is newer than the V1-era models
    stages: [...pipeline.stages!, { name: 'Gate', actions: [approval('Approve', v2 ? 30 : undefined)] }],
  };
  const arn = `${REGION_ACCOUNT}rc-a`;
  const files: ScenarioFiles = {
    'pipeline.json': pipeline,
    'pipeline-update.json': updated,
    'webhook.json': webhook(),
  };
  const stages = pipeline.stages!;
  const withStages = (name: string, s: unknown[]) => ({ pipeline: { ...simplePipeline(name), stages: s } });
  const phases: ScenarioStep[][] = [
    [
      {
        id: 'create-custom-action-type',
        op: 'CreateCustomActionType',
        input: { ...customActionType(), tags: [{ key: 'owner', value: 'rc' }] },
        expect: 'ok',
        check: (o) => {
          expect(o.actionType.id).toEqual(CUSTOM);
          expect(o.tags).toEqual([{ key: 'owner', value: 'rc' }]);
        },
      },
    ],
    [
      {
        id: 'list-action-types-custom',
        op: 'ListActionTypes',
        input: { actionOwnerFilter: 'Custom' },
        cli: ['--action-owner-filter', 'Custom'],
        expect: 'ok',
        check: (o) => expect(o.actionTypes.map((t: Output) => t.id)).toEqual([CUSTOM]),
      },
      {
        // GetActionType is for AWS and ThirdParty types only (the model's owner pattern is AWS|ThirdParty)
        id: 'get-action-type',
        op: 'GetActionType',
        input: GITHUB,
        cli: [
          '--category',
          'Source',
          '--owner',
          'ThirdParty',
          '--provider',
          'GitHub',
          '--action-version',
          '1',
        ],
        expect: 'ok',
        check: (o) => {
          expect(o.actionType.id).toEqual(GITHUB);
          expect(o.actionType.outputArtifactDetails).toEqual({ minimumCount: 1, maximumCount: 1 });
        },
      },
      {
        id: 'get-action-type-unknown',
        op: 'GetActionType',
        input: { ...GITHUB, provider: 'Nope' },
        expect: 'ActionTypeNotFoundException',
      },
      {
        id: 'create-custom-action-type-system-tag',
        op: 'CreateCustomActionType',
        input: { ...customActionType('RcOther'), tags: [{ key: 'aws:owner', value: 'x' }] },
        expect: 'InvalidTagsException',
      },
      {
        id: 'create-custom-action-type-51-tags',
        op: 'CreateCustomActionType',
        input: { ...customActionType('RcOther'), tags: manyTags },
        expect: 'TooManyTagsException',
      },
      {
        id: 'list-action-types-bad-token',
        op: 'ListActionTypes',
        input: { nextToken: 'not-a-token' },
        expect: 'InvalidNextTokenException',
      },
    ],
    [
      {
        id: 'create-pipeline-from-file',
        op: 'CreatePipeline',
        input: { pipeline, tags: [{ key: 'team', value: 'ci' }] },
        cli: ['--pipeline', 'file://pipeline.json', '--tags', ...cliTags([{ key: 'team', value: 'ci' }])],
        expect: 'ok',
        check: (o) => {
          expect(o.pipeline).toMatchObject({ name: 'rc-a', version: 1 });
          expect(o.tags).toEqual([{ key: 'team', value: 'ci' }]);
          if (v2)
            expect(o.pipeline).toMatchObject({
              pipelineType: 'V2',
              executionMode: 'QUEUED',
              variables: pipeline.variables,
              triggers: pipeline.triggers,
            });
        },
      },
      {
        id: 'create-pipeline-b',
        op: 'CreatePipeline',
        input: { pipeline: simplePipeline('rc-b') },
        expect: 'ok',
      },
      {
        id: 'create-pipeline-c',
        op: 'CreatePipeline',
        input: { pipeline: simplePipeline('rc-c') },
        expect: 'ok',
      },
    ],
    [
      {
        id: 'get-pipeline',
        op: 'GetPipeline',
        input: { name: 'rc-a' },
        cli: ['--name', 'rc-a'],
        expect: 'ok',
        check: (o) => {
          expect(o.metadata.pipelineArn).toBe(arn);
          expect(o.metadata.created).toBeTruthy();
          expect(o.pipeline.stages).toHaveLength(2);
          if (v2)
            expect(o.pipeline).toMatchObject({
              pipelineType: 'V2',
              executionMode: 'QUEUED',
              variables: pipeline.variables,
              triggers: pipeline.triggers,
            });
        },
      },
      {
        id: 'create-pipeline-name-in-use',
        op: 'CreatePipeline',
        input: { pipeline },
        expect: 'PipelineNameInUseException',
      },
      {
        id: 'create-pipeline-one-stage',
        op: 'CreatePipeline',
        input: withStages('rc-x', stages.slice(0, 1)),
        expect: 'InvalidStructureException',
      },
      {
        id: 'create-pipeline-empty-stage',
        op: 'CreatePipeline',
        input: withStages('rc-x', [
          { name: 'Source', actions: [s3Source()] },
          { name: 'E', actions: [] },
        ]),
        expect: 'InvalidStageDeclarationException',
      },
      {
        id: 'create-pipeline-duplicate-blocker',
        op: 'CreatePipeline',
        input: withStages('rc-x', [
          { name: 'Source', actions: [s3Source()] },
          {
            name: 'B',
            actions: [approval()],
            blockers: [
              { name: 'x', type: 'Schedule' },
              { name: 'x', type: 'Schedule' },
            ],
          },
        ]),
        expect: 'InvalidBlockerDeclarationException',
      },
      {
        id: 'create-pipeline-unknown-provider',
        op: 'CreatePipeline',
        input: withStages('rc-x', [
          { name: 'Source', actions: [s3Source()] },
          {
            name: 'B',
            actions: [
              {
                ...approval(),
                actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'No', version: '1' },
              },
            ],
          },
        ]),
        expect: 'InvalidActionDeclarationException',
      },
      {
        // botocore does not check patterns client-side, so the server's ValidationException answers
        id: 'create-pipeline-bad-name',
        op: 'CreatePipeline',
        input: { pipeline: simplePipeline('bad name!') },
        expect: 'ValidationException',
      },
      {
        id: 'get-pipeline-unknown',
        op: 'GetPipeline',
        input: { name: 'rc-none' },
        cli: ['--name', 'rc-none'],
        expect: 'PipelineNotFoundException',
      },
      {
        id: 'get-pipeline-unknown-version',
        op: 'GetPipeline',
        input: { name: 'rc-a', version: 9 },
        cli: ['--name', 'rc-a', '--pipeline-version', '9'],
        expect: 'PipelineVersionNotFoundException',
      },
    ],
    [
      {
        id: 'update-pipeline',
        op: 'UpdatePipeline',
        input: { pipeline: updated },
        cli: ['--pipeline', 'file://pipeline-update.json'],
        expect: 'ok',
        check: (o) => {
          expect(o.pipeline.version).toBe(2);
          expect(o.pipeline.stages[2].actions[0].timeoutInMinutes).toBe(v2 ? 30 : undefined);
        },
      },
    ],
    [
      {
        id: 'get-pipeline-version-1',
        op: 'GetPipeline',
        input: { name: 'rc-a', version: 1 },
        cli: ['--name', 'rc-a', '--pipeline-version', '1'],
        expect: 'ok',
        check: (o) => expect([o.pipeline.version, o.pipeline.stages.length]).toEqual([1, 2]),
      },
      {
        id: 'update-pipeline-stale-version',
        op: 'UpdatePipeline',
        input: { pipeline: updated },
        cli: ['--pipeline', 'file://pipeline-update.json'],
        expect: 'InvalidStructureException',
      },
      {
        id: 'list-pipelines-paginated',
        op: 'ListPipelines',
        input: {},
        paginate: { PageSize: 1 },
        cli: ['--page-size', '1'],
        expect: 'ok',
        check: (o) => expect(names(o)).toEqual(['rc-a', 'rc-b', 'rc-c']),
      },
      {
        id: 'list-pipelines-first-item',
        op: 'ListPipelines',
        input: {},
        paginate: { PageSize: 1, MaxItems: 1 },
        cli: ['--page-size', '1', '--max-items', '1'],
        expect: 'ok',
        check: (o) => {
          expect(names(o)).toEqual(['rc-a']);
          expect(typeof o.NextToken).toBe('string');
        },
      },
      {
        id: 'tag-resource',
        op: 'TagResource',
        input: { resourceArn: arn, tags: [{ key: 'stage', value: 'dev' }] },
        cli: ['--resource-arn', arn, '--tags', ...cliTags([{ key: 'stage', value: 'dev' }])],
        expect: 'ok',
      },
      {
        id: 'put-webhook',
        op: 'PutWebhook',
        input: { webhook: webhook() },
        cli: ['--webhook', 'file://webhook.json'],
        expect: 'ok',
        check: (o) => {
          expect(o.webhook.url).toMatch(/\/_cpkit\/webhooks\/rc-hook$/);
          expect(o.webhook.arn).toBe(`${REGION_ACCOUNT}webhook:rc-hook`);
          expect(JSON.stringify(o)).not.toContain('rc-secret');
        },
      },
    ],
    [
      {
        id: 'list-tags-for-resource',
        op: 'ListTagsForResource',
        input: { resourceArn: arn },
        cli: ['--resource-arn', arn],
        expect: 'ok',
        check: (o) =>
          expect(o.tags).toEqual([
            { key: 'stage', value: 'dev' },
            { key: 'team', value: 'ci' },
          ]),
      },
      {
        id: 'tag-resource-unknown',
        op: 'TagResource',
        input: { resourceArn: `${REGION_ACCOUNT}rc-none`, tags: [{ key: 'k', value: 'v' }] },
        expect: 'ResourceNotFoundException',
      },
      {
        id: 'list-tags-bad-arn',
        op: 'ListTagsForResource',
        input: { resourceArn: `${REGION_ACCOUNT}actiontype:Custom/x` },
        expect: 'InvalidArnException',
      },
      {
        id: 'list-webhooks',
        op: 'ListWebhooks',
        input: {},
        expect: 'ok',
        check: (o) => {
          expect(o.webhooks.map((w: Output) => w.definition.name)).toEqual(['rc-hook']);
          expect(JSON.stringify(o)).not.toContain('rc-secret');
        },
      },
      {
        id: 'put-webhook-no-secret',
        op: 'PutWebhook',
        input: { webhook: webhook({ authenticationConfiguration: {} }) },
        expect: 'InvalidWebhookAuthenticationParametersException',
      },
      {
        id: 'put-webhook-bad-filter',
        op: 'PutWebhook',
        input: { webhook: webhook({ filters: [{ jsonPath: 'not a path' }] }) },
        expect: 'InvalidWebhookFilterPatternException',
      },
      {
        id: 'register-webhook-unknown',
        op: 'RegisterWebhookWithThirdParty',
        input: { webhookName: 'rc-none' },
        expect: 'WebhookNotFoundException',
      },
      {
        id: 'update-aws-action-type',
        op: 'UpdateActionType',
        input: {
          actionType: {
            id: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
            executor: { type: 'JobWorker', configuration: { jobWorkerExecutorConfiguration: {} } },
            inputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
            outputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
          },
        },
        expect: 'RequestFailedException',
      },
    ],
    [
      {
        id: 'untag-resource',
        op: 'UntagResource',
        input: { resourceArn: arn, tagKeys: ['stage'] },
        cli: ['--resource-arn', arn, '--tag-keys', 'stage'],
        expect: 'ok',
      },
      { id: 'delete-webhook', op: 'DeleteWebhook', input: { name: 'rc-hook' }, expect: 'ok' },
      { id: 'delete-pipeline-b', op: 'DeletePipeline', input: { name: 'rc-b' }, expect: 'ok' },
      { id: 'delete-pipeline-c', op: 'DeletePipeline', input: { name: 'rc-c' }, expect: 'ok' },
    ],
    [
      {
        id: 'list-tags-after-untag',
        op: 'ListTagsForResource',
        input: { resourceArn: arn },
        expect: 'ok',
        check: (o) => expect(o.tags).toEqual([{ key: 'team', value: 'ci' }]),
      },
      {
        id: 'list-webhooks-after-delete',
        op: 'ListWebhooks',
        input: {},
        expect: 'ok',
        check: (o) => expect(o.webhooks).toEqual([]),
      },
      {
        id: 'list-pipelines-after-deletes',
        op: 'ListPipelines',
        input: {},
        expect: 'ok',
        check: (o) => expect(names(o)).toEqual(['rc-a']),
      },
      ...(v2
        ? [
            {
              id: 'list-rule-types',
              op: 'ListRuleTypes',
              input: {},
              expect: 'ok',
              check: (o: Output) => expect(o.ruleTypes.length).toBeGreaterThan(0),
            },
          ]
        : []),
    ],
    [
      {
        id: 'delete-pipeline',
        op: 'DeletePipeline',
        input: { name: 'rc-a' },
        cli: ['--name', 'rc-a'],
        expect: 'ok',
      },
      {
        id: 'delete-custom-action-type',
        op: 'DeleteCustomActionType',
        input: { category: 'Test', provider: 'RcTest', version: '1' },
        cli: ['--category', 'Test', '--provider', 'RcTest', '--action-version', '1'],
        expect: 'ok',
      },
    ],
    [
      {
        id: 'list-pipelines-empty',
        op: 'ListPipelines',
        input: {},
        expect: 'ok',
        check: (o) => expect(o.pipelines).toEqual([]),
      },
      {
        id: 'list-action-types-custom-empty',
        op: 'ListActionTypes',
        input: { actionOwnerFilter: 'Custom' },
        cli: ['--action-owner-filter', 'Custom'],
        expect: 'ok',
        check: (o) => expect(o.actionTypes).toEqual([]),
      },
    ],
  ];
  return { phases, files };
}

/** Run after the test filled the custom action type quota (50): the next create is refused. */
export function quotaStep(): ScenarioStep {
  return {
    id: 'create-custom-action-type-over-quota',
    op: 'CreateCustomActionType',
    input: customActionType('RcOverQuota'),
    expect: 'LimitExceededException',
  };
}

/** Every error code the scenario (with the quota step) expects at least once. */
export function expectedErrorCodes(scenario: Scenario): string[] {
  const codes = scenario.phases.flat().map((s) => s.expect);
  return [...new Set([...codes, quotaStep().expect])].filter((c) => c !== 'ok').sort();
}

/** Filler custom action types for the quota step (`count` of them). */
export function fillerActionTypes(count: number): CreateCustomActionTypeInput[] {
  return Array.from({ length: count }, (_, i) => customActionType(`RcFill${i}`));
}
