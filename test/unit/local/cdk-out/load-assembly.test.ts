import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCloudAssembly, IntrinsicResolver, readCloudAssembly } from '../../../../local/cdk-out/index.js';

let dir: string;
const env = () => ({ region: 'eu-west-1', accountId: '123456789012', dataDir: join(dir, 'data') });

/** Writes a one-stack assembly with `resources`, and an asset `asset.abc/index.mjs`. */
function assembly(resources: Record<string, unknown>, outputs: Record<string, unknown> = {}) {
  mkdirSync(join(dir, 'asset.abc'), { recursive: true });
  writeFileSync(join(dir, 'asset.abc', 'index.mjs'), 'export const handler = async () => 1;');
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      version: '55.0.0',
      artifacts: {
        'App.assets': { type: 'cdk:asset-manifest', properties: { file: 'App.assets.json' } },
        App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' } },
      },
    }),
  );
  writeFileSync(
    join(dir, 'App.assets.json'),
    JSON.stringify({ files: { abc: { source: { path: 'asset.abc' } } } }),
  );
  writeFileSync(join(dir, 'App.template.json'), JSON.stringify({ Resources: resources, Outputs: outputs }));
}

const fn = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    Runtime: 'nodejs22.x',
    Handler: 'index.handler',
    Code: { S3Bucket: 'b', S3Key: 'abc.zip' },
    ...props,
  },
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cpkit-cdk-out-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('Class: IntrinsicResolver', () => {
  it('resolves Ref, GetAtt, Join, Sub, Select/Split, ImportValue and pseudo parameters to local values', () => {
    // Prepare
    assembly(
      {
        Fn: fn({ FunctionName: 'named' }),
        Bucket: { Type: 'AWS::S3::Bucket' },
        Topic: { Type: 'AWS::SNS::Topic' },
      },
      { Out: { Value: { Ref: 'Bucket' }, Export: { Name: 'shared-bucket' } } },
    );
    const [stack] = readCloudAssembly(dir);
    const r = new IntrinsicResolver([stack], env());
    // Act + Assess
    expect(r.resolve(stack, { Ref: 'Fn' })).toBe('named');
    expect(r.resolve(stack, { 'Fn::GetAtt': ['Fn', 'Arn'] })).toBe(
      'arn:aws:lambda:eu-west-1:123456789012:function:named',
    );
    expect(r.resolve(stack, { Ref: 'Bucket' })).toBe('bucket');
    expect(r.resolve(stack, { Ref: 'Topic' })).toBe('arn:aws:sns:eu-west-1:123456789012:Topic');
    expect(
      r.resolve(stack, {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x:', { Ref: 'AWS::Region' }]],
      }),
    ).toBe('arn:aws:x:eu-west-1');
    expect(r.resolve(stack, { 'Fn::Sub': '${AWS::AccountId}/${Fn.Arn}/${!Literal}' })).toBe(
      '123456789012/arn:aws:lambda:eu-west-1:123456789012:function:named/${Literal}',
    );
    expect(
      r.resolve(stack, { 'Fn::Select': [6, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Fn', 'Arn'] }] }] }),
    ).toBe('named');
    expect(r.resolve(stack, { 'Fn::ImportValue': 'shared-bucket' })).toBe('bucket');
    expect(() => r.resolve(stack, { 'Fn::If': ['C', 'a', 'b'] })).toThrow(/Fn::If is not evaluated locally/);
    expect(() => r.resolve(stack, { Ref: 'Missing' })).toThrow(/unknown Missing/);
  });
});

describe('Function: loadCloudAssembly', () => {
  it('reports every resource and value it cannot map by name, and loads the rest', () => {
    // Prepare
    assembly({
      Good: fn({
        FunctionName: 'good',
        Environment: { Variables: { A: 'x', B: { 'Fn::GetAtt': ['Table', 'StreamArn'] } } },
      }),
      Python: fn({ FunctionName: 'py', Runtime: 'python3.12' }),
      NoAsset: fn({ FunctionName: 'lost', Code: { S3Bucket: 'b', S3Key: 'nope.zip' } }),
      Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      Schedule: {
        Type: 'AWS::Events::Rule',
        Properties: { ScheduleExpression: 'rate(1 hour)', Targets: [] },
      },
      ToQueue: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: { source: ['aws.codepipeline'] },
          Targets: [
            { Id: 'fn', Arn: { 'Fn::GetAtt': ['Good', 'Arn'] } },
            { Id: 'q', Arn: 'arn:aws:sqs:eu-west-1:123456789012:q' },
          ],
        },
      },
      Mail: {
        Type: 'AWS::SNS::Subscription',
        Properties: {
          Protocol: 'email',
          TopicArn: 'arn:aws:sns:eu-west-1:123456789012:t',
          Endpoint: 'a@b.c',
        },
      },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
    });
    // Act
    const loaded = loadCloudAssembly(dir, env());
    // Assess
    expect(loaded.functions.map((f) => f.name)).toEqual(['good']);
    expect(loaded.functions[0]).toMatchObject({
      handler: 'handler',
      timeoutSeconds: 3,
      memoryMB: 128,
      environment: { A: 'x' },
    });
    expect(loaded.rules).toEqual([
      { name: 'ToQueue', eventPattern: { source: ['aws.codepipeline'] }, targets: [{ function: 'good' }] },
    ]);
    const w = loaded.warnings.join('\n');
    expect(w).toMatch(/App\/Good .*environment variable B is not set locally: Fn::GetAtt Table\.StreamArn/);
    expect(w).toMatch(/App\/Python .*runtime 'python3\.12' is not emulated/);
    expect(w).toMatch(/App\/NoAsset .*code asset was not found/);
    expect(w).toMatch(/App\/Table \(AWS::DynamoDB::Table\): this resource type is not emulated locally/);
    expect(w).toMatch(/App\/Schedule \(AWS::Events::Rule\): scheduled rules are not emulated/);
    expect(w).toMatch(/App\/ToQueue .*target q \(arn:aws:sqs:.*\) is not a function loaded locally/);
    expect(w).toMatch(/App\/Mail .*protocol email is not emulated/);
    expect(loaded.withoutLocalEffect).toEqual({ 'AWS::IAM::Role': 1 });
  });

  it('converts a pipeline to the API shape with string configuration values', () => {
    // Prepare
    assembly({
      Src: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Enabled' } } },
      P: {
        Type: 'AWS::CodePipeline::Pipeline',
        Properties: {
          RoleArn: 'arn:aws:iam::123456789012:role/r',
          ArtifactStore: { Type: 'S3', Location: { Ref: 'Src' } },
          Stages: [
            {
              Name: 'Source',
              Actions: [
                {
                  Name: 'S',
                  ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'S3', Version: '1' },
                  Configuration: { S3Bucket: { Ref: 'Src' }, S3ObjectKey: 'k', PollForSourceChanges: false },
                  OutputArtifacts: [{ Name: 'Out' }],
                  RunOrder: 1,
                },
              ],
            },
          ],
          DisableInboundStageTransitions: [{ StageName: 'Source', Reason: 'hold' }],
          Tags: [{ Key: 'team', Value: 'a' }],
        },
      },
    });
    // Act
    const loaded = loadCloudAssembly(dir, env());
    // Assess
    const [p] = loaded.pipelines;
    expect(p.declaration).toEqual({
      name: 'P',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      artifactStore: { type: 'S3', location: 'src' },
      stages: [
        {
          name: 'Source',
          actions: [
            {
              name: 'S',
              actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
              configuration: { S3Bucket: 'src', S3ObjectKey: 'k', PollForSourceChanges: 'false' },
              outputArtifacts: [{ name: 'Out' }],
              runOrder: 1,
            },
          ],
        },
      ],
    });
    expect(p.tags).toEqual([{ key: 'team', value: 'a' }]);
    expect(p.disabledTransitions).toEqual([{ stageName: 'Source', reason: 'hold' }]);
    expect(loaded.buckets).toEqual([{ name: 'src', versioned: true }]);
  });
});
