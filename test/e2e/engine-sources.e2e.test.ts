import {
  CreatePipelineCommand,
  PutActionRevisionCommand,
  StartPipelineExecutionCommand,
  type ActionDeclaration,
} from '@aws-sdk/client-codepipeline';
import { GetObjectCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSourceDirs } from '../../local/engine/action-runners/local-folder-source.js';
import {
  ARTIFACT_BUCKET,
  actionsOf,
  createPipeline,
  invoke,
  SOURCE_BUCKET,
  startEngineTestServer,
  waitForExecution,
} from '../helpers/engine-e2e.js';
import { tempDir, type TestLocalServer } from '../helpers/local-server.js';

const dir = tempDir('cpkit-source-dir-');
mkdirSync(join(dir, 'repo'));
writeFileSync(join(dir, 'repo', 'index.js'), 'export const v = 1;\n');
let local: TestLocalServer;

const connectionSource = (name: string, provider = 'CodeStarSourceConnection'): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Source', owner: 'AWS', provider, version: '1' },
  configuration: {
    ConnectionArn: 'arn:aws:codeconnections:us-east-1:000000000000:connection/abc',
    FullRepositoryId: 'acme/app',
    BranchName: 'main',
  },
  outputArtifacts: [{ name: `${name}Out` }],
});

async function create(name: string, source: ActionDeclaration): Promise<string> {
  await local.client.send(
    new CreatePipelineCommand({
      pipeline: {
        name,
        roleArn: 'arn:aws:iam::000000000000:role/pipeline-role',
        artifactStore: { type: 'S3', location: ARTIFACT_BUCKET },
        pipelineType: 'V2',
        stages: [
          { name: 'Source', actions: [source] },
          {
            name: 'Deploy',
            actions: [
              invoke('Run', 'succeed', { inputArtifacts: [{ name: source.outputArtifacts![0].name }] }),
            ],
          },
        ],
      },
    }),
  );
  return (await local.client.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
}

beforeAll(async () => {
  local = await startEngineTestServer({
    source: 'v1',
    engine: { sourceDirs: parseSourceDirs(['CodeStarSourceConnection=repo'], dir) },
  });
});
afterAll(async () => {
  await local?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('--source-dir: source providers read from local folders (e2e)', () => {
  it('zips the mapped folder as the source artifact with the content hash as revision', async () => {
    // Act
    const id = await create('folder-src', connectionSource('Code'));
    const done = await waitForExecution(local.client, 'folder-src', id);
    const actions = await actionsOf(local.client, 'folder-src', id);
    const location = actions.Code.output!.outputArtifacts![0].s3location!;
    const s3 = new S3Client({
      endpoint: local.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    const zip = Buffer.from(await object.Body!.transformToByteArray());
    s3.destroy();
    // Assess
    const expected = createHash('sha256').update('index.js\0export const v = 1;\n\0').digest('hex');
    expect(done.status).toBe('Succeeded');
    expect(done.artifactRevisions?.[0]).toMatchObject({ name: 'CodeOut', revisionId: expected });
    expect(actions.Code.output?.outputVariables).toMatchObject({
      CommitId: expected,
      BranchName: 'main',
      FullRepositoryName: 'acme/app',
    });
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(zip.includes(Buffer.from('index.js'))).toBe(true);
    expect(actions.Run.status).toBe('Succeeded');
  });

  it('still fails an unmapped source provider with a message naming --source-dir', async () => {
    const source: ActionDeclaration = {
      ...connectionSource('Repo', 'CodeCommit'),
      configuration: { RepositoryName: 'app', BranchName: 'main' },
    };
    const id = await create('unmapped-src', source);
    const done = await waitForExecution(local.client, 'unmapped-src', id);
    expect(done.status).toBe('Failed');
    expect(done.statusSummary).toContain('--source-dir CodeCommit=DIR');
  });
});

describe('Requested source revisions: PutActionRevision and StartPipelineExecution sourceRevisions (e2e)', () => {
  async function artifactBody(pipeline: string, id: string): Promise<string> {
    const location = (await actionsOf(local.client, pipeline, id)).Source.output!.outputArtifacts![0]
      .s3location!;
    const s3 = new S3Client({
      endpoint: local.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    const body = await object.Body!.transformToString();
    s3.destroy();
    return body;
  }

  it('runs the S3 source action on the object version a PutActionRevision or sourceRevisions names', async () => {
    // Prepare: a versioned source bucket with two versions of the object, the newest being "new"
    const s3 = new S3Client({
      endpoint: local.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: SOURCE_BUCKET,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    const oldVersion = (
      await s3.send(new PutObjectCommand({ Bucket: SOURCE_BUCKET, Key: 'rev.zip', Body: 'old' }))
    ).VersionId!;
    await s3.send(new PutObjectCommand({ Bucket: SOURCE_BUCKET, Key: 'rev.zip', Body: 'new' }));
    s3.destroy();
    await createPipeline(local.client, 'rev-p', [{ name: 'Deploy', actions: [invoke('Run', 'succeed')] }], {
      sourceKey: 'rev.zip',
    });
    // Act
    const put = await local.client.send(
      new PutActionRevisionCommand({
        pipelineName: 'rev-p',
        stageName: 'Source',
        actionName: 'Source',
        actionRevision: { revisionId: oldVersion, revisionChangeId: oldVersion, created: new Date() },
      }),
    );
    const byRevision = await waitForExecution(local.client, 'rev-p', put.pipelineExecutionId!);
    const latest = (await local.client.send(new StartPipelineExecutionCommand({ name: 'rev-p' })))
      .pipelineExecutionId!;
    await waitForExecution(local.client, 'rev-p', latest);
    const pinned = (
      await local.client.send(
        new StartPipelineExecutionCommand({
          name: 'rev-p',
          sourceRevisions: [
            { actionName: 'Source', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: oldVersion },
          ],
        }),
      )
    ).pipelineExecutionId!;
    await waitForExecution(local.client, 'rev-p', pinned);
    // Assess
    expect(byRevision.status).toBe('Succeeded');
    expect(byRevision.artifactRevisions?.[0]?.revisionId).toBe(oldVersion);
    expect(await artifactBody('rev-p', put.pipelineExecutionId!)).toBe('old');
    expect(await artifactBody('rev-p', latest)).toBe('new');
    expect(await artifactBody('rev-p', pinned)).toBe('old');
  });

  it('fails on a version that does not exist and rejects revision types the provider does not take', async () => {
    const missing = (
      await local.client.send(
        new StartPipelineExecutionCommand({
          name: 'rev-p',
          sourceRevisions: [
            { actionName: 'Source', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: 'nope' },
          ],
        }),
      )
    ).pipelineExecutionId!;
    const done = await waitForExecution(local.client, 'rev-p', missing);
    const wrongType = local.client.send(
      new StartPipelineExecutionCommand({
        name: 'rev-p',
        sourceRevisions: [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: 'abc' }],
      }),
    );
    const unknownAction = local.client.send(
      new StartPipelineExecutionCommand({
        name: 'rev-p',
        sourceRevisions: [{ actionName: 'Nope', revisionType: 'S3_OBJECT_KEY', revisionValue: 'x.zip' }],
      }),
    );
    expect(done.status).toBe('Failed');
    expect(done.statusSummary).toContain('Version nope of s3://');
    await expect(wrongType).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(unknownAction).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
