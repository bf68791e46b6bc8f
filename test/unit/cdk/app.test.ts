import { Match, Template } from 'aws-cdk-lib/assertions';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizedCpkitApp, TEST_WEBHOOK_URL, type SynthesizedCpkitApp } from '../../helpers/cdk-synth.js';

let synth: SynthesizedCpkitApp;
const template = (stack: string) => Template.fromJSON(synth.templates[stack]);

beforeAll(async () => {
  synth = await synthesizedCpkitApp();
}, 120_000);

/** Every IAM policy statement of a template. */
function statements(stack: string): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  return Object.values(synth.templates[stack].Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}
const actionsOf = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('Function: createApp', () => {
  it('synthesizes the four stacks offline for the fixed environment', () => {
    // Assess
    expect(Object.keys(synth.templates).sort()).toEqual([
      'CpkitHandlers',
      'CpkitReleasePipeline',
      'CpkitSecretScan',
      'CpkitVariablesPipeline',
    ]);
    expect(JSON.stringify(synth.templates)).not.toMatch(/AWS::AccountId|Fn::GetAZs|lookup/);
  });

  it('has zero unacknowledged cdk-nag AwsSolutions findings, and every acknowledgment has a reason', () => {
    // Assess
    expect(synth.nag.violations).toEqual([]);
    const nagAcks = synth.nag.acknowledgments.filter((a) => a.id.includes('AwsSolutions-'));
    expect(nagAcks.length).toBeGreaterThan(10);
    for (const a of nagAcks) expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(20);
  });

  it('fails synth on an unacknowledged cdk-nag finding (the checks are registered as a validation plugin)', async () => {
    // Prepare
    const { App, Stack } = await import('aws-cdk-lib');
    const { Bucket } = await import('aws-cdk-lib/aws-s3');
    const { registerAwsSolutionsChecks } = await import('../../../cdk/nag.js');
    const outdir = mkdtempSync(join(tmpdir(), 'cpkit-nag-probe-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    registerAwsSolutionsChecks(app);
    new Bucket(new Stack(app, 'Probe', { env: { account: '000000000000', region: 'us-east-1' } }), 'Plain');
    // Act + Assess
    try {
      expect(() => app.synth()).toThrow(/AwsSolutions-S1|Validation failed/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('passes cfn-lint with zero errors on every template', () => {
    // Prepare
    const files = Object.keys(synth.templates).map((s) => join(synth.outdir, `${s}.template.json`));
    const which = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
    const [cmd, args] =
      which.status === 0
        ? ['cfn-lint', []]
        : ['python3', ['-c', 'import sys; from cfnlint.runner import main; sys.exit(main())']];
    // Act
    const run = spawnSync(cmd, [...args, '--format', 'json', '--', ...files], { encoding: 'utf8' });
    // Assess
    expect(run.error).toBeUndefined();
    const findings = JSON.parse(run.stdout || '[]') as {
      Level: string;
      Rule: { Id: string };
      Message: string;
    }[];
    expect(findings.filter((f) => f.Level === 'Error')).toEqual([]);
    expect(run.status! & 2).toBe(0);
  }, 60_000);
});

describe('Class: HandlersStack', () => {
  it('deploys the four Invoke handlers by explicit name on nodejs22.x with handler index.handler', () => {
    const t = template('CpkitHandlers');
    for (const name of ['artifact-validate', 'artifact-transform', 'http-check', 'wait-for']) {
      t.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `cpkit-${name}`,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: name }) },
      });
    }
    t.resourceCountIs('AWS::Lambda::Function', 4);
    t.resourceCountIs('AWS::Logs::LogGroup', 4);
  });

  it('grants only the job result operations, on * (they have no resource type)', () => {
    for (const s of statements('CpkitHandlers')) {
      expect(actionsOf(s).sort()).toEqual([
        'codepipeline:PutJobFailureResult',
        'codepipeline:PutJobSuccessResult',
      ]);
      expect(s.Resource).toBe('*');
    }
  });
});

describe('Class: SecretScanStack', () => {
  it('declares the SecretScan custom action type and wakes its worker on STARTED events of that type only', () => {
    const t = template('CpkitSecretScan');
    t.hasResourceProperties('AWS::CodePipeline::CustomActionType', {
      Category: 'Test',
      Provider: 'SecretScan',
      Version: '1',
      InputArtifactDetails: { MinimumCount: 1, MaximumCount: 5 },
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.codepipeline'],
        'detail-type': ['CodePipeline Action Execution State Change'],
        detail: {
          state: ['STARTED'],
          type: { owner: ['Custom'], category: ['Test'], provider: ['SecretScan'], version: ['1'] },
        },
      },
    });
    t.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'cpkit-secret-scan' });
  });

  it('scopes PollForJobs to the action type ARN', () => {
    const poll = statements('CpkitSecretScan').find((s) =>
      actionsOf(s).includes('codepipeline:PollForJobs'),
    )!;
    expect(actionsOf(poll)).toEqual(['codepipeline:PollForJobs']);
    expect(JSON.stringify(poll.Resource)).toContain(':actiontype:Custom/Test/SecretScan/1');
  });
});

describe('Class: ReleasePipelineStack', () => {
  it('is a V2 pipeline named cpkit-release with the six stages in order and the right action types', () => {
    const t = template('CpkitReleasePipeline');
    const pipeline = Object.values(t.findResources('AWS::CodePipeline::Pipeline'))[0].Properties;
    expect(pipeline.Name).toBe('cpkit-release');
    expect(pipeline.PipelineType).toBe('V2');
    const shape = pipeline.Stages.map((s: any) => [
      s.Name,
      s.Actions.map((a: any) => `${a.Name}:${a.ActionTypeId.Owner}/${a.ActionTypeId.Provider}:${a.RunOrder}`),
    ]);
    expect(shape).toEqual([
      ['Source', ['Source:AWS/S3:1']],
      ['Validate', ['Validate:AWS/Lambda:1']],
      ['Scan', ['SecretScan:Custom/SecretScan:1']],
      ['Build', ['Render:AWS/Lambda:1']],
      ['Approve', ['Review:AWS/Manual:1']],
      ['Verify', ['Smoke:AWS/Lambda:1', 'WaitReady:AWS/Lambda:2']],
    ]);
    const render = pipeline.Stages[3].Actions[0];
    expect(render.OutputArtifacts).toEqual([{ Name: 'DeployArtifact' }]);
    expect(JSON.parse(render.Configuration.UserParameters).variables.FILE_COUNT).toBe(
      '#{Validate.fileCount}',
    );
    expect(pipeline.Variables.map((v: any) => v.Name)).toEqual([
      'SMOKE_URL',
      'READY_URL',
      'WAIT_INTERVAL_SECONDS',
      'RELEASE_KIND',
    ]);
  });

  it('reads the source from a versioned, SSL-only bucket', () => {
    const t = template('CpkitReleasePipeline');
    t.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'source/' }),
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('gates with signed links: topic -> notify, callback URL, PutApprovalResult on that one action only', () => {
    const t = template('CpkitReleasePipeline');
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    t.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    t.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'cpkit-release-approval-notify',
      Environment: { Variables: Match.objectLike({ WEBHOOK_URL: TEST_WEBHOOK_URL, FORMAT: 'slack' }) },
    });
    const approvals = statements('CpkitReleasePipeline').filter((s) =>
      actionsOf(s).includes('codepipeline:PutApprovalResult'),
    );
    expect(approvals.length).toBe(2); // callback and policy
    for (const s of approvals) {
      expect(actionsOf(s)).toEqual(['codepipeline:PutApprovalResult']);
      expect(JSON.stringify(s.Resource)).toMatch(/\/Approve\/Review"\]\]\}$/);
    }
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: {
          stage: ['Approve'],
          action: ['Review'],
          state: ['STARTED'],
          type: { category: ['Approval'] },
        },
      }),
    });
  });

  it('lets each Invoke action role invoke only its own function', () => {
    const invokes = statements('CpkitReleasePipeline').filter((s) =>
      actionsOf(s).includes('lambda:InvokeFunction'),
    );
    expect(invokes.length).toBe(4);
    for (const s of invokes) {
      const resources = JSON.stringify(s.Resource);
      expect(resources.match(/function:cpkit-[a-z-]+/g)!.every((m, _, all) => m === all[0])).toBe(true);
    }
  });
});

describe('Class: VariablesPipelineStack', () => {
  it('passes output variables of Inspect into the configuration of Render', () => {
    const pipeline = Object.values(
      template('CpkitVariablesPipeline').findResources('AWS::CodePipeline::Pipeline'),
    )[0].Properties;
    expect(pipeline.Name).toBe('cpkit-variables');
    expect(pipeline.PipelineType).toBe('V2');
    const [inspect, render] = pipeline.Stages[1].Actions;
    expect(inspect.Namespace).toBe('Inspect');
    expect(render.RunOrder).toBeGreaterThan(inspect.RunOrder);
    const vars = JSON.parse(render.Configuration.UserParameters).variables;
    expect(vars).toMatchObject({ FILE_COUNT: '#{Inspect.fileCount}', BYTES: '#{Inspect.bytes}' });
  });
});
