import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { CustomAction } from '../../../cdk/constructs/custom-action.js';
import { CustomActionType } from '../../../cdk/constructs/custom-action-type.js';

function scanType(stack: Stack, props: Partial<ConstructorParameters<typeof CustomActionType>[2]> = {}) {
  return new CustomActionType(stack, 'Scan', {
    category: codepipeline.ActionCategory.TEST,
    provider: 'SecretScan',
    artifactBounds: { minInputs: 1, maxInputs: 1, minOutputs: 0, maxOutputs: 0 },
    properties: [
      { name: 'Profile', required: true, queryable: true, description: 'Rule profile' },
      { name: 'ApiToken', required: false, secret: true },
    ],
    settings: { executionUrlTemplate: 'https://scan.example.com/runs/{ExternalExecutionId}' },
    ...props,
  });
}

describe('Class: CustomActionType', () => {
  it('renders AWS::CodePipeline::CustomActionType with bounds, properties and settings', () => {
    // Prepare
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    // Act
    const type = scanType(stack);
    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::CodePipeline::CustomActionType', {
      Category: 'Test',
      Provider: 'SecretScan',
      Version: '1',
      InputArtifactDetails: { MinimumCount: 1, MaximumCount: 1 },
      OutputArtifactDetails: { MinimumCount: 0, MaximumCount: 0 },
      ConfigurationProperties: [
        Match.objectLike({ Name: 'Profile', Required: true, Queryable: true, Secret: false, Key: false }),
        Match.objectLike({ Name: 'ApiToken', Required: false, Secret: true }),
      ],
      Settings: { ExecutionUrlTemplate: 'https://scan.example.com/runs/{ExternalExecutionId}' },
    });
    expect(JSON.stringify(stack.resolve(type.actionTypeArn))).toBe(
      JSON.stringify({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':codepipeline:eu-west-1:111111111111:actiontype:Custom/Test/SecretScan/1',
          ],
        ],
      }),
    );
  });

  it.each([
    [{ provider: 'bad provider!' }, /provider 'bad provider!'/],
    [{ artifactBounds: { minInputs: 2, maxInputs: 1, minOutputs: 0, maxOutputs: 0 } }, /minimums/],
    [{ artifactBounds: { minInputs: 0, maxInputs: 6, minOutputs: 0, maxOutputs: 0 } }, /maxInputs = 6/],
    [
      { properties: [{ name: 'Q', required: false, queryable: true }] },
      /queryable property 'Q' must be required/,
    ],
    [
      {
        properties: [
          { name: 'A', required: true, queryable: true },
          { name: 'B', required: true, queryable: true },
        ],
      },
      /at most one property can be queryable/,
    ],
    [
      {
        properties: [
          { name: 'A', required: true },
          { name: 'A', required: true },
        ],
      },
      /duplicate property 'A'/,
    ],
  ])('rejects invalid props %#, naming the value and the path', (props, message) => {
    const stack = new Stack(new App(), 'S');
    expect(() => scanType(stack, props as never)).toThrow(message);
    expect(() => scanType(new Stack(new App(), 'T'), props as never)).toThrow(/at T\/Scan/);
  });
});

describe('Class: CustomAction', () => {
  function pipelineWith(configuration: Record<string, string>) {
    const stack = new Stack(new App(), 'P', { env: { account: '111111111111', region: 'eu-west-1' } });
    const type = scanType(stack);
    const bucket = new s3.Bucket(stack, 'Source', { versioned: true });
    const source = new codepipeline.Artifact('Source');
    new codepipeline.Pipeline(stack, 'Pipeline', {
      pipelineName: 'scan-demo',
      pipelineType: codepipeline.PipelineType.V2,
      stages: [
        {
          stageName: 'Source',
          actions: [
            new actions.S3SourceAction({ actionName: 'S3', bucket, bucketKey: 'src.zip', output: source }),
          ],
        },
        {
          stageName: 'Scan',
          actions: [new CustomAction({ actionName: 'Scan', type, inputs: [source], configuration })],
        },
      ],
    });
    return stack;
  }

  it('adds a Custom-owned action with its configuration, after the type exists', () => {
    const template = Template.fromStack(pipelineWith({ Profile: 'strict' }));
    template.hasResource('AWS::CodePipeline::Pipeline', {
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^Scan')]),
      Properties: Match.objectLike({
        Stages: Match.arrayWith([
          Match.objectLike({
            Name: 'Scan',
            Actions: [
              Match.objectLike({
                ActionTypeId: { Category: 'Test', Owner: 'Custom', Provider: 'SecretScan', Version: '1' },
                Configuration: { Profile: 'strict' },
                InputArtifacts: [{ Name: 'Source' }],
              }),
            ],
          }),
        ]),
      }),
    });
  });

  it('rejects a missing required property and an unknown one', () => {
    expect(() => pipelineWith({})).toThrow(/missing required configuration 'Profile'/);
    expect(() => pipelineWith({ Profile: 'x', Nope: 'y' })).toThrow(/unknown configuration 'Nope'/);
  });
});
