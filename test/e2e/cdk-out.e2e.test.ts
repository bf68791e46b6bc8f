import {
  CodePipelineClient,
  GetPipelineCommand,
  ListActionTypesCommand,
  ListPipelinesCommand,
} from '@aws-sdk/client-codepipeline';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCodePipeline, type LocalCodePipeline } from '../../local/index.js';
import type { LocalFunction } from '../../local/functions-file.js';
import type { LocalRule } from '../../local/engine/events.js';
import { synthesizedCpkitApp, TEST_WEBHOOK_URL } from '../helpers/cdk-synth.js';

let local: LocalCodePipeline;
let client: CodePipelineClient;
let dataDir: string;
const override: LocalFunction = {
  name: 'cpkit-http-check',
  bundle: join(process.cwd(), 'test', 'fixtures', 'handlers', 'output-vars.mjs'),
  handler: 'handler',
  timeoutSeconds: 5,
  memoryMB: 128,
  environment: { FROM: 'functions-file' },
};

beforeAll(async () => {
  const synth = await synthesizedCpkitApp();
  dataDir = mkdtempSync(join(tmpdir(), 'cpkit-cdk-out-e2e-'));
  local = await startLocalCodePipeline({
    port: 0,
    dataDir,
    cdkOut: synth.outdir,
    functions: [override],
    engine: { startOnCreate: false },
  });
  client = new CodePipelineClient({ endpoint: local.endpoint, region: 'us-east-1' });
}, 120_000);

afterAll(async () => {
  await local?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const functions = () => local.services.functions as LocalFunction[];
const fn = (name: string) => functions().find((f) => f.name === name)!;

describe('Function: startLocalCodePipeline with cdkOut', () => {
  it('creates every pipeline of the assembly under its explicit name, structure intact', async () => {
    // Act
    const names = (await client.send(new ListPipelinesCommand({}))).pipelines?.map((p) => p.name).sort();
    const release = (await client.send(new GetPipelineCommand({ name: 'cpkit-release' }))).pipeline!;
    // Assess
    expect(names).toEqual(['cpkit-release', 'cpkit-variables']);
    expect(release.pipelineType).toBe('V2');
    expect(release.executionMode).toBe('QUEUED');
    expect(release.stages?.map((s) => s.name)).toEqual([
      'Source',
      'Validate',
      'Scan',
      'Build',
      'Approve',
      'Verify',
    ]);
    expect(release.roleArn).toBe('arn:aws:iam::000000000000:role/PipelineRoleD68726F7');
    expect(release.artifactStore?.location).toBe('bucketsartifactsb9ee6400');
    const validate = release.stages![1].actions![0];
    expect(validate.configuration?.FunctionName).toBe('cpkit-artifact-validate');
    const approve = release.stages![4].actions![0];
    expect(approve.configuration?.NotificationArn).toMatch(
      /^arn:aws:sns:us-east-1:000000000000:ApprovalGateTopic/,
    );
    expect(release.stages![0].actions![0].configuration).toMatchObject({
      S3Bucket: 'bucketssource8381af02',
      PollForSourceChanges: 'false',
    });
    expect(release.variables?.map((v) => v.name)).toContain('RELEASE_KIND');
  });

  it('loads each function with its staged asset, timeout, memory and resolved environment', () => {
    // Assess
    const validate = fn('cpkit-artifact-validate');
    expect(validate.bundle).toMatch(/asset\.[0-9a-f]+\/index\.mjs$/);
    expect(statSync(validate.bundle).isFile()).toBe(true);
    expect(validate).toMatchObject({ handler: 'handler', timeoutSeconds: 60, memoryMB: 256 });
    const notify = fn('cpkit-release-approval-notify');
    expect(notify.environment.CALLBACK_URL).toBe(
      `${local.endpoint}/_cpkit/functions/cpkit-release-approval-callback/`,
    );
    expect(notify.environment.WEBHOOK_URL).toBe(TEST_WEBHOOK_URL);
    expect(notify.environment.APPROVAL_SECRET_ARN).toBeUndefined();
    // The generated signing secret is shared by notify and callback, private to the data dir.
    const secretFile = notify.environment.APPROVAL_SECRET_FILE;
    expect(fn('cpkit-release-approval-callback').environment.APPROVAL_SECRET_FILE).toBe(secretFile);
    expect(secretFile.startsWith(dataDir)).toBe(true);
    expect(readFileSync(secretFile, 'utf8').length).toBeGreaterThanOrEqual(64);
    expect(statSync(secretFile).mode & 0o077).toBe(0);
  });

  it('lets --functions win over the assembly for the same name', () => {
    expect(fn('cpkit-http-check')).toEqual(override);
    expect(functions().filter((f) => f.name === 'cpkit-http-check')).toHaveLength(1);
  });

  it('registers the custom action type', async () => {
    const types = await client.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }));
    expect(types.actionTypes?.map((t) => t.id)).toContainEqual({
      category: 'Test',
      owner: 'Custom',
      provider: 'SecretScan',
      version: '1',
    });
  });

  it('wires the EventBridge rules and the SNS subscription to the local functions', () => {
    const report = local.cdkOut!;
    expect(report.subscriptions).toEqual([
      expect.stringMatching(
        /^arn:aws:sns:us-east-1:000000000000:ApprovalGateTopic\w+ -> cpkit-release-approval-notify$/,
      ),
    ]);
    expect(report.rules).toHaveLength(2);
    expect(report.rules).toEqual(
      expect.arrayContaining([expect.stringMatching(/ActionStarted/), expect.stringMatching(/PolicyRule/)]),
    );
    expect(report.warnings).toEqual([]);
    expect(report.buckets).toEqual(
      expect.arrayContaining(['bucketssource8381af02', 'bucketsartifactsb9ee6400']),
    );
    expect(report.withoutLocalEffect['AWS::IAM::Role']).toBeGreaterThan(0);
  });

  it('creates the buckets in the local store, versioned where declared', async () => {
    const store = (
      local.services.s3 as { store: { getBucket(n: string): { versioning: string } | undefined } }
    ).store;
    expect(store.getBucket('bucketssource8381af02')?.versioning).toBe('Enabled');
    expect(store.getBucket('bucketsaccesslogsa5f88218')?.versioning).toBe('');
  });

  it('matches rule patterns from the assembly against the engine events (policy rule for the approval action)', async () => {
    const { matchesPattern } = await import('../../local/engine/event-pattern.js');
    const { loadCloudAssembly } = await import('../../local/cdk-out/index.js');
    const loaded = loadCloudAssembly((await synthesizedCpkitApp()).outdir, {
      region: 'us-east-1',
      accountId: '000000000000',
      dataDir,
    });
    const policy = loaded.rules.find(
      (r: LocalRule) => r.targets[0].function === 'cpkit-release-approval-policy',
    )!;
    const event = {
      source: 'aws.codepipeline',
      'detail-type': 'CodePipeline Action Execution State Change',
      resources: ['arn:aws:codepipeline:us-east-1:000000000000:cpkit-release'],
      detail: { stage: 'Approve', action: 'Review', state: 'STARTED', type: { category: 'Approval' } },
    };
    expect(matchesPattern(policy.eventPattern, event)).toBe(true);
    expect(
      matchesPattern(policy.eventPattern, {
        ...event,
        resources: ['arn:aws:codepipeline:us-east-1:000000000000:other'],
      }),
    ).toBe(false);
  });

  it('updates instead of failing when started again on the same data dir', async () => {
    // Prepare
    await local.stop();
    // Act
    local = await startLocalCodePipeline({ port: 0, dataDir, cdkOut: (await synthesizedCpkitApp()).outdir });
    // Assess
    expect(local.cdkOut?.pipelines.sort()).toEqual(['cpkit-release', 'cpkit-variables']);
    expect(local.cdkOut?.warnings).toEqual([]);
    client = new CodePipelineClient({ endpoint: local.endpoint, region: 'us-east-1' });
  });
});
