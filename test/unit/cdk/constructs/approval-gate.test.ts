import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalGate, type ApprovalGateProps } from '../../../../cdk/constructs/approval-gate.js';

let bundlesDir: string;
beforeAll(() => {
  // The construct only needs the bundle files to exist; their content is not under test here.
  bundlesDir = mkdtempSync(join(tmpdir(), 'cpkit-gate-'));
  for (const name of ['approval-notify', 'approval-callback', 'approval-policy']) {
    mkdirSync(join(bundlesDir, name));
    writeFileSync(join(bundlesDir, name, 'index.mjs'), 'export const handler = async () => {};\n');
  }
});
afterAll(() => rmSync(bundlesDir, { recursive: true, force: true }));

/** Adds the Source stage a gate needs before it: one S3 source action with the output artifact `Src`. */
function addSourceStage(stack: Stack, pipeline: codepipeline.Pipeline): void {
  pipeline.addStage({
    stageName: 'Source',
    actions: [
      new actions.S3SourceAction({
        actionName: 'Src',
        bucket: s3.Bucket.fromBucketName(stack, 'SrcBucket', 'src-bucket'),
        bucketKey: 'app.zip',
        output: new codepipeline.Artifact('Src'),
      }),
    ],
  });
}

function build(props: Partial<ApprovalGateProps> = {}) {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  const pipeline = new codepipeline.Pipeline(stack, 'Pipeline', {
    pipelineName: 'deploy',
    pipelineType: codepipeline.PipelineType.V2,
    artifactBucket: new s3.Bucket(stack, 'Artifacts'),
  });
  addSourceStage(stack, pipeline);
  const stage = pipeline.addStage({ stageName: 'Gate' });
  const gate = new ApprovalGate(stack, 'Gate', {
    stage,
    actionName: 'Review',
    webhookUrl: 'https://hooks.slack.com/services/T0/B0/XXXX',
    additionalInformation: 'Check staging first',
    bundlesDir,
    ...props,
  });
  return { stack, gate, template: Template.fromStack(stack) };
}

/** The IAM statements attached to the role of the function whose handler env matches. */
function statementsOf(template: Template, functionLogicalIdPrefix: string): any[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p: any) =>
      p.Properties.Roles.some((r: any) => String(r.Ref).startsWith(functionLogicalIdPrefix)),
    )
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

const actionArn = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      Match.stringLikeRegexp(':codepipeline:eu-west-1:111111111111:'),
      { Ref: Match.stringLikeRegexp('^Pipeline') },
      '/Gate/Review',
    ],
  ],
};

describe('Class: ApprovalGate', () => {
  // One synth shared by the tests that only read the default gate.
  let basic: ReturnType<typeof build>;
  beforeAll(() => {
    basic = build({ timeout: Duration.hours(12) });
  });

  it('adds a Manual approval with its topic, CustomData and timeout', () => {
    // Act
    const { template } = basic;
    // Assess
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([
        Match.objectLike({
          Name: 'Gate',
          Actions: [
            Match.objectLike({
              Name: 'Review',
              ActionTypeId: { Category: 'Approval', Owner: 'AWS', Provider: 'Manual', Version: '1' },
              Configuration: {
                NotificationArn: { Ref: Match.stringLikeRegexp('^GateTopic') },
                CustomData: 'Check staging first',
              },
              TimeoutInMinutes: 720,
            }),
          ],
        }),
      ]),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^GateTopic') },
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GateNotifyFunction'), 'Arn'] },
    });
  });

  it('serves the callback through a Function URL with auth NONE and wires its URL into the notify function', () => {
    // Act
    const { template } = basic;
    // Assess
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GateCallbackFunction'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CALLBACK_URL: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^GateCallbackFunctionFunctionUrl'), 'FunctionUrl'],
          },
          WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/XXXX',
          FORMAT: 'slack',
          LINK_TTL_SECONDS: '3600',
          APPROVAL_SECRET_ARN: { Ref: Match.stringLikeRegexp('^GateSigningSecret') },
        }),
      },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
  });

  it('gives the callback PutApprovalResult on this action only, state on the pipeline, and read of the secret only', () => {
    // Act
    const { template } = basic;
    const callback = statementsOf(template, 'GateCallbackFunction');
    const notify = statementsOf(template, 'GateNotifyFunction');
    // Assess
    expect(callback).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'codepipeline:PutApprovalResult', Resource: expect.anything() }),
        expect.objectContaining({ Action: 'codepipeline:GetPipelineState' }),
        expect.objectContaining({
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: { Ref: expect.stringMatching(/^GateSigningSecret/) },
        }),
      ]),
    );
    const put = callback.find((s) => s.Action === 'codepipeline:PutApprovalResult');
    expect(JSON.stringify(put.Resource)).toMatch(/\/Gate\/Review"\]\]\}$/);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'codepipeline:PutApprovalResult', Resource: actionArn }),
        ]),
      },
    });
    const state = callback.find((s) => s.Action === 'codepipeline:GetPipelineState');
    expect(JSON.stringify(state.Resource)).not.toContain('/Gate');
    // No wildcard anywhere, and no job-result permission (these are not Invoke-action targets).
    for (const s of [...callback, ...notify]) {
      expect(s.Resource).not.toBe('*');
      expect(JSON.stringify(s.Action)).not.toContain('PutJob');
    }
    expect(notify.map((s) => s.Action)).toEqual([
      ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    ]);
  });

  it('adds the policy function with an EventBridge rule for this approval starting', () => {
    // Act
    const { template, gate } = build({
      policy: { parameterName: '/cpkit/approval-policy' },
      functionNamePrefix: 'cpkit',
    });
    // Assess
    expect(gate.policyFunction).toBeDefined();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.codepipeline'],
        'detail-type': ['CodePipeline Action Execution State Change'],
        resources: [Match.anyValue()],
        detail: { stage: ['Gate'], action: ['Review'], state: ['STARTED'], type: { category: ['Approval'] } },
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatePolicyFunction'), 'Arn'] } }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'cpkit-approval-policy',
      Environment: { Variables: Match.objectLike({ POLICY_PARAMETER: '/cpkit/approval-policy' }) },
    });
    const policy = statementsOf(template, 'GatePolicyFunction');
    expect(policy.map((s) => s.Action)).toEqual(
      expect.arrayContaining([
        'codepipeline:PutApprovalResult',
        ['codepipeline:GetPipelineState', 'codepipeline:GetPipelineExecution'],
        'ssm:GetParameter',
      ]),
    );
    const ssm = policy.find((s) => s.Action === 'ssm:GetParameter');
    expect(JSON.stringify(ssm.Resource)).toContain(
      ':ssm:eu-west-1:111111111111:parameter/cpkit/approval-policy',
    );
  });

  it('reads the webhook URL from a secret the notify function alone may read', () => {
    // Prepare
    const stack = new Stack(new App(), 'W', { env: { account: '111111111111', region: 'eu-west-1' } });
    const hook = new Secret(stack, 'Hook');
    const pipeline = new codepipeline.Pipeline(stack, 'Pipeline', {
      pipelineType: codepipeline.PipelineType.V2,
    });
    addSourceStage(stack, pipeline);
    // Act
    new ApprovalGate(stack, 'Gate', {
      stage: pipeline.addStage({ stageName: 'Gate' }),
      webhookUrlSecret: hook,
      bundlesDir,
    });
    const template = Template.fromStack(stack);
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ WEBHOOK_URL_SECRET_ARN: { Ref: Match.stringLikeRegexp('^Hook') } }),
      },
    });
    const notifyReads = statementsOf(template, 'GateNotifyFunction').map((st) => JSON.stringify(st.Resource));
    const callbackReads = statementsOf(template, 'GateCallbackFunction').map((st) =>
      JSON.stringify(st.Resource),
    );
    expect(notifyReads.some((r) => r.includes('"Hook'))).toBe(true);
    expect(callbackReads.some((r) => r.includes('"Hook'))).toBe(false);
  });

  it('validates the policy document at synth time, naming the bad field', () => {
    expect(() =>
      build({ policy: { document: { rules: [{ name: 'x', type: 'window', from: '9', to: '17:00' }] } } }),
    ).toThrow(/ApprovalGate at S\/Gate: Approval policy is invalid: rules\.0\.from/);
  });

  it.each([
    [{ actionName: 'bad name!' }, /actionName 'bad name!'/],
    [{ webhookUrl: 'not a url' }, /webhookUrl must be an http/],
    [{ timeout: Duration.minutes(1) }, /timeout 60 s/],
    [{ linkTtl: Duration.days(8) }, /linkTtl/],
    [{ policy: {} }, /exactly one of document or parameterName/],
    [{ webhookUrl: undefined }, /exactly one of webhookUrl or webhookUrlSecret/],
  ])('refuses %o', (props, message) => {
    expect(() => build(props as Partial<ApprovalGateProps>)).toThrow(message);
  });
});
