import type { ActionDeclaration, PipelineDeclaration } from '@aws-sdk/client-codepipeline';

/** A role ARN accepted by the service model's pattern. */
export const ROLE_ARN = 'arn:aws:iam::000000000000:role/cp-role';

/** An S3 source action producing `out`. */
export function s3Source(name = 'Source', out = 'SourceOut'): ActionDeclaration {
  return {
    name,
    actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
    configuration: { S3Bucket: 'src-bucket', S3ObjectKey: 'src.zip' },
    outputArtifacts: [{ name: out }],
  };
}

/** A Lambda invoke action reading `inputs`. */
export function lambdaInvoke(
  name = 'Invoke',
  inputs: string[] = ['SourceOut'],
  outputs: string[] = [],
): ActionDeclaration {
  return {
    name,
    actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
    configuration: { FunctionName: 'fn' },
    inputArtifacts: inputs.map((n) => ({ name: n })),
    outputArtifacts: outputs.map((n) => ({ name: n })),
  };
}

/** A manual approval action. */
export function approval(name = 'Approve', timeoutInMinutes?: number): ActionDeclaration {
  return {
    name,
    actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
    ...(timeoutInMinutes ? { timeoutInMinutes } : {}),
  };
}

/** A valid two-stage pipeline (S3 source, Lambda invoke); `patch` overrides top-level members. */
export function validPipeline(name = 'p1', patch: Partial<PipelineDeclaration> = {}): PipelineDeclaration {
  return {
    name,
    roleArn: ROLE_ARN,
    artifactStore: { type: 'S3', location: 'artifact-bucket' },
    stages: [
      { name: 'Source', actions: [s3Source()] },
      { name: 'Run', actions: [lambdaInvoke()] },
    ],
    ...patch,
  };
}
