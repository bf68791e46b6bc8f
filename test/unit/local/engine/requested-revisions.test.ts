import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { describe, expect, it } from 'vitest';
import { checkRequestedRevisions } from '../../../../local/engine/requested-revisions.js';

const source = (name: string, provider: string) => ({
  name,
  actionTypeId: { category: 'Source' as const, owner: 'AWS' as const, provider, version: '1' },
});
const decl: PipelineDeclaration = {
  name: 'p',
  roleArn: 'arn:aws:iam::000000000000:role/r',
  stages: [
    {
      name: 'Source',
      actions: [source('Bucket', 'S3'), source('Repo', 'CodeStarSourceConnection'), source('Img', 'ECR')],
    },
    {
      name: 'Build',
      actions: [
        {
          ...source('Build', 'CodeBuild'),
          actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
        },
      ],
    },
  ],
};
const message = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return `${(err as { type: string }).type}: ${(err as Error).message}`;
  }
  return undefined;
};

describe('Function: checkRequestedRevisions', () => {
  it('accepts the revision type of each source provider', () => {
    expect(
      message(() =>
        checkRequestedRevisions(decl, [
          { actionName: 'Bucket', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: 'v1' },
          { actionName: 'Repo', revisionType: 'COMMIT_ID', revisionValue: 'abc' },
          { actionName: 'Img', revisionType: 'IMAGE_DIGEST', revisionValue: 'sha256:1' },
        ]),
      ),
    ).toBeUndefined();
  });

  it('rejects unknown or non-source actions, repeats and mismatched types with ValidationException', () => {
    const one = (actionName: string, revisionType: string) => () =>
      checkRequestedRevisions(decl, [{ actionName, revisionType, revisionValue: 'x' }]);
    expect(message(one('Build', 'COMMIT_ID'))).toMatch(
      /^ValidationException: .*no source action named 'Build'/,
    );
    expect(message(one('Bucket', 'COMMIT_ID'))).toMatch(/S3_OBJECT_VERSION_ID or S3_OBJECT_KEY/);
    expect(message(one('Repo', 'S3_OBJECT_KEY'))).toMatch(/use COMMIT_ID/);
    expect(
      message(() =>
        checkRequestedRevisions(decl, [
          { actionName: 'Repo', revisionType: 'COMMIT_ID', revisionValue: 'a' },
          { actionName: 'Repo', revisionType: 'COMMIT_ID', revisionValue: 'b' },
        ]),
      ),
    ).toMatch(/more than once/);
  });
});
