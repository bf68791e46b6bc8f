import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomActionType } from '../../../cdk/constructs/custom-action-type.js';
import { JobWorkerFunction } from '../../../cdk/constructs/job-worker-function.js';

let bundlesDir: string;
beforeAll(() => {
  bundlesDir = mkdtempSync(join(tmpdir(), 'cpkit-bundles-'));
  mkdirSync(join(bundlesDir, 'secret-scan'));
  writeFileSync(join(bundlesDir, 'secret-scan', 'index.mjs'), 'export const handler = async () => ({});\n');
});
afterAll(() => rmSync(bundlesDir, { recursive: true, force: true }));

function synth(props: Partial<ConstructorParameters<typeof JobWorkerFunction>[2]> = {}): {
  stack: Stack;
  worker: JobWorkerFunction;
  template: Template;
} {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  const actionType = new CustomActionType(stack, 'ScanType', {
    category: codepipeline.ActionCategory.TEST,
    provider: 'SecretScan',
    version: '2',
    artifactBounds: { minInputs: 1, maxInputs: 1, minOutputs: 0, maxOutputs: 0 },
  });
  const worker = new JobWorkerFunction(stack, 'Worker', {
    actionType,
    handlerName: 'secret-scan',
    bundlesDir,
    functionName: 'cpkit-secret-scan',
    ...props,
  });
  return {
    stack,
    worker,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

describe('Class: JobWorkerFunction', () => {
  // One synth shared by the template assertions (CDK synth is the slow part).
  let template: Template;
  beforeAll(() => {
    template = synth().template;
  });

  it('deploys the built bundle with the action type in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'cpkit-secret-scan',
      Handler: 'index.handler',
      Runtime: Match.stringLikeRegexp('^nodejs(2[2-9]|[3-9]\\d)\\.x$'),
      Timeout: 300,
      Environment: {
        Variables: Match.objectLike({
          CPKIT_ACTION_CATEGORY: 'Test',
          CPKIT_ACTION_PROVIDER: 'SecretScan',
          CPKIT_ACTION_VERSION: '2',
        }),
      },
    });
  });

  it('wakes the function on STARTED action events of exactly this custom type', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.codepipeline'],
        'detail-type': ['CodePipeline Action Execution State Change'],
        detail: {
          state: ['STARTED'],
          type: { owner: ['Custom'], category: ['Test'], provider: ['SecretScan'], version: ['2'] },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkerHandlerFunction'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
    });
  });

  it('scopes PollForJobs to the action type ARN and puts the other job operations on * only', () => {
    // Act
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const actionsOf = (s: any) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
    // Assess
    const poll = statements.filter((s) => actionsOf(s).includes('codepipeline:PollForJobs'));
    expect(poll).toHaveLength(1);
    expect(JSON.stringify(poll[0].Resource)).toContain(
      ':codepipeline:eu-west-1:111111111111:actiontype:Custom/Test/SecretScan/2',
    );
    for (const action of ['AcknowledgeJob', 'GetJobDetails', 'PutJobSuccessResult', 'PutJobFailureResult']) {
      const granting = statements.filter((s) => actionsOf(s).includes(`codepipeline:${action}`));
      expect(granting.length, action).toBeGreaterThan(0);
      expect(
        granting.every((s) => s.Resource === '*'),
        action,
      ).toBe(true);
    }
    const all = statements.flatMap(actionsOf).filter((a: string) => a.startsWith('codepipeline:'));
    expect(new Set(all)).toEqual(
      new Set([
        'codepipeline:PollForJobs',
        'codepipeline:AcknowledgeJob',
        'codepipeline:GetJobDetails',
        'codepipeline:PutJobSuccessResult',
        'codepipeline:PutJobFailureResult',
      ]),
    );
  });

  it('rejects a retry count EventBridge does not accept, naming the construct', () => {
    expect(() => synth({ retryAttempts: 200 })).toThrow(/JobWorkerFunction at S\/Worker: retryAttempts 200/);
  });
});
