import {
  CreatePipelineCommand,
  StartPipelineExecutionCommand,
  type ActionDeclaration,
} from '@aws-sdk/client-codepipeline';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSourceDirs } from '../../local/engine/action-runners/local-folder-source.js';
import {
  ARTIFACT_BUCKET,
  actionsOf,
  invoke,
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
