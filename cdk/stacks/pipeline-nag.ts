import { Stack, type CfnResource } from 'aws-cdk-lib';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { NagAcknowledgment } from '../nag.js';

/** cdk-nag findings of every stack deploying codepipeline-kit handler functions, each with its reason. */
export function functionNagAcknowledgments(): NagAcknowledgment[] {
  return [
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'AWS-managed basic execution role: only CreateLogStream/PutLogEvents, the minimum Lambda needs.',
    },
    {
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is pinned on purpose: the bundles target Node 20+ and are tested on 20/22; pass runtime to use nodejs24.x.',
    },
  ];
}

/**
 * cdk-nag findings every sample pipeline stack accepts: CDK's own grants to the pipeline's roles on its
 * artifact bucket, and the Invoke actions' grants on the functions they call (with their versions/aliases).
 */
export function pipelineNagAcknowledgments(
  artifactBucket: Bucket,
  invokedFunctionNames: readonly string[],
): NagAcknowledgment[] {
  const stack = Stack.of(artifactBucket);
  const bucketId = stack.resolve(
    stack.getLogicalId(artifactBucket.node.defaultChild as CfnResource),
  ) as string;
  return [
    ...functionNagAcknowledgments(),
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'lambda:ListFunctions (added by LambdaInvokeAction) and the CodePipeline job operations have no resource type in IAM.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason:
        "The pipeline's roles read and write artifacts under any key of the pipeline's own artifact bucket.",
    },
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `CDK's bucket grant (${action}) to the pipeline's roles, scoped to the pipeline's own buckets.`,
    })),
    ...[...new Set(invokedFunctionNames)].map((name) => ({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:${stack.region}:${stack.account}:function:${name}:*]`,
      reason: `LambdaInvokeAction grants invoking ${name} and its versions/aliases (the :* suffix), nothing else.`,
    })),
  ];
}
