import type { ActionRunRow } from '../../store/action-run-repo.js';
import { getExecution } from '../../store/execution-repo.js';
import { describeError, type ActionRunner, type RunnerContext } from './runner.js';

/**
 * Runs `Source / AWS / S3` actions: reads the configured object (its current version) from the artifact store,
 * records its version as the source revision, and copies it to the output artifact's key. Output variables
 * (with a namespace): BucketName, ObjectKey, ETag, VersionId, as on AWS.
 *
 * @example
 * new S3SourceRunner(ctx).start(actionRun);
 */
export class S3SourceRunner implements ActionRunner {
  constructor(private readonly ctx: RunnerContext) {}

  start(run: ActionRunRow): void {
    void this.run(run);
  }

  resume(run: ActionRunRow): void {
    void this.run(run);
  }

  private async run(run: ActionRunRow): Promise<void> {
    const config = run.resolvedConfiguration ?? {};
    const bucket = config.S3Bucket;
    // StartPipelineExecution sourceRevisions / PutActionRevision: a given object version (or key) of this action
    const requested = getExecution(this.ctx.db, run.executionId)?.requestedRevisions.find(
      (r) => r.actionName === run.actionName,
    );
    const key = requested?.revisionType === 'S3_OBJECT_KEY' ? requested.revisionValue : config.S3ObjectKey;
    const versionId =
      requested?.revisionType === 'S3_OBJECT_VERSION_ID' ? requested.revisionValue : undefined;
    const fail = (message: string, code = 'JobFailed'): void =>
      this.ctx.commit(() => {
        this.ctx.complete(run.id, {
          status: 'Failed',
          errorCode: code,
          errorMessage: message,
          summary: message,
        });
      });
    if (!bucket || !key)
      return fail(
        'The S3 source action needs the configuration S3Bucket and S3ObjectKey',
        'ConfigurationError',
      );
    try {
      const object = await this.ctx.artifacts.readObject(bucket, key, versionId);
      if (!object && versionId) {
        return fail(
          `Version ${versionId} of s3://${bucket}/${key} (the requested source revision) does not exist in the artifact store`,
          'RevisionUnavailable',
        );
      }
      if (!object) {
        return fail(
          `The object s3://${bucket}/${key} does not exist in the artifact store: upload it first (for example aws s3 cp file.zip s3://${bucket}/${key} --endpoint-url <engine>)`,
          'RevisionUnavailable',
        );
      }
      const revision = object.versionId ?? object.etag ?? 'null';
      for (const output of run.outputArtifacts) {
        await this.ctx.artifacts.writeObject(output.bucket, output.key, object.body);
      }
      this.ctx.commit(() => {
        this.ctx.complete(run.id, {
          status: 'Succeeded',
          summary: `Amazon S3 version id: ${revision}`,
          externalExecutionId: revision,
          outputVariables: {
            BucketName: bucket,
            ObjectKey: key,
            ETag: (object.etag ?? '').replace(/"/g, ''),
            VersionId: object.versionId ?? '',
          },
          outputArtifactRevisions: Object.fromEntries(run.outputArtifacts.map((a) => [a.name, revision])),
          sourceRevision: {
            actionName: run.actionName,
            revisionId: revision,
            revisionSummary: `s3://${bucket}/${key}`,
          },
        });
      });
    } catch (err) {
      fail(`Reading s3://${bucket}/${key} failed: ${describeError(err)}`);
    }
  }
}
