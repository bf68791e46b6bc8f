import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { serviceError } from '../errors.js';
import type { RequestedRevision } from '../store/execution-repo.js';

/** The revision types each source provider accepts (StartPipelineExecution `sourceRevisions`). */
const TYPES_BY_PROVIDER: Record<string, readonly string[]> = {
  S3: ['S3_OBJECT_VERSION_ID', 'S3_OBJECT_KEY'],
  ECR: ['IMAGE_DIGEST'],
};
const COMMIT_TYPES = ['COMMIT_ID'];

/**
 * Checks StartPipelineExecution `sourceRevisions` against the pipeline: each names a source action of the
 * pipeline once, with a revision type its provider accepts (S3: S3_OBJECT_VERSION_ID / S3_OBJECT_KEY, ECR:
 * IMAGE_DIGEST, repositories: COMMIT_ID). Throws ValidationException naming the problem.
 *
 * @example
 * checkRequestedRevisions(decl, [{ actionName: 'Source', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: 'v1' }]);
 */
export function checkRequestedRevisions(
  decl: PipelineDeclaration,
  revisions: readonly RequestedRevision[],
): void {
  const sources = (decl.stages ?? [])
    .flatMap((s) => s.actions ?? [])
    .filter((a) => a.actionTypeId?.category === 'Source');
  const seen = new Set<string>();
  for (const r of revisions) {
    const action = sources.find((a) => a.name === r.actionName);
    if (!action)
      throw serviceError(
        'ValidationException',
        `sourceRevisions: pipeline ${decl.name} has no source action named '${r.actionName}'`,
      );
    if (seen.has(r.actionName))
      throw serviceError(
        'ValidationException',
        `sourceRevisions: action '${r.actionName}' is named more than once`,
      );
    seen.add(r.actionName);
    const allowed = TYPES_BY_PROVIDER[action.actionTypeId!.provider!] ?? COMMIT_TYPES;
    if (!allowed.includes(r.revisionType))
      throw serviceError(
        'ValidationException',
        `sourceRevisions: revision type ${r.revisionType} does not apply to the ${action.actionTypeId!.provider} source action '${r.actionName}' (use ${allowed.join(' or ')})`,
      );
  }
}
