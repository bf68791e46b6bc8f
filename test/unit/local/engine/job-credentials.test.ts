import { describe, expect, it } from 'vitest';
import {
  FUNCTION_ROLE_ACCESS_KEY_ID,
  JobCredentialsAuthorizer,
  newJobCredentials,
} from '../../../../local/engine/job-credentials.js';
import { insertActionRun, updateActionRun } from '../../../../local/store/action-run-repo.js';
import { openDatabase } from '../../../../local/store/database.js';
import { insertExecution } from '../../../../local/store/execution-repo.js';
import { insertJob } from '../../../../local/store/job-repo.js';
import { insertPipeline } from '../../../../local/store/pipeline-repo.js';

function setup(now: number) {
  const db = openDatabase(':memory:');
  insertExecution(db, {
    id: 'e1',
    pipelineName: 'p',
    pipelineVersion: 1,
    executionMode: 'SUPERSEDED',
    triggerType: 'StartPipelineExecution',
    variables: [],
    now,
  });
  insertActionRun(db, {
    id: 'a1',
    executionId: 'e1',
    pipelineName: 'p',
    pipelineVersion: 1,
    stageName: 'Build',
    stageAttempt: 1,
    actionName: 'Invoke',
    runOrder: 1,
    category: 'Invoke',
    owner: 'AWS',
    provider: 'Lambda',
    typeVersion: '1',
    namespace: null,
    region: 'us-east-1',
    startedAt: now,
  });
  updateActionRun(
    db,
    'a1',
    {
      inputArtifacts: [{ name: 'In', bucket: 'art', key: 'p/In/abc' }],
      outputArtifacts: [{ name: 'Out', bucket: 'art', key: 'p/Out/def' }],
    },
    now,
  );
  const creds = newJobCredentials(now, 1000);
  insertJob(db, {
    id: 'j1',
    actionRunId: 'a1',
    kind: 'lambda',
    continuationToken: null,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    credentialsExpireAt: creds.expiresAt,
    replyDeadline: null,
    actionDeadline: null,
    createdAt: now,
  });
  return { db, creds };
}

describe('Class: JobCredentialsAuthorizer', () => {
  it('lets a job read its inputs and write its outputs, and nothing else', () => {
    let now = 1_000_000;
    const { db, creds } = setup(now);
    const auth = new JobCredentialsAuthorizer(db, () => now);
    const key = creds.accessKeyId;
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(auth.authorize({ accessKeyId: key, action: 'read', bucket: 'art', key: 'p/In/abc' })).toEqual({
      allowed: true,
    });
    expect(auth.authorize({ accessKeyId: key, action: 'write', bucket: 'art', key: 'p/Out/def' })).toEqual({
      allowed: true,
    });
    const denied = [
      auth.authorize({ accessKeyId: key, action: 'write', bucket: 'art', key: 'p/In/abc' }),
      auth.authorize({ accessKeyId: key, action: 'read', bucket: 'art', key: 'p/Out/def' }),
      auth.authorize({ accessKeyId: key, action: 'read', bucket: 'other', key: 'p/In/abc' }),
      auth.authorize({ accessKeyId: key, action: 'list', bucket: 'art' }),
    ];
    for (const d of denied) expect(d.allowed).toBe(false);
    expect(denied[0]).toMatchObject({
      message: expect.stringContaining('may write only its output artifacts'),
    });
    now += 1000;
    expect(
      auth.authorize({ accessKeyId: key, action: 'read', bucket: 'art', key: 'p/In/abc' }),
    ).toMatchObject({
      allowed: false,
      message: expect.stringContaining('expired'),
    });
  });

  it('allows everything to keys that are not job credentials', () => {
    const { db } = setup(0);
    const auth = new JobCredentialsAuthorizer(db, () => 0);
    expect(auth.authorize({ accessKeyId: 'AKIAUSER', action: 'admin', bucket: 'art' })).toEqual({
      allowed: true,
    });
    expect(auth.authorize({ action: 'write', bucket: 'art', key: 'x' })).toEqual({ allowed: true });
  });

  it("denies the functions' own execution role on artifact buckets, as a Lambda role without a grant", () => {
    // Prepare
    const { db } = setup(0);
    insertPipeline(db, {
      arn: 'arn:aws:codepipeline:us-east-1:000000000000:p',
      declaration: {
        name: 'p',
        roleArn: 'arn:aws:iam::000000000000:role/r',
        artifactStore: { type: 'S3', location: 'art' },
        pipelineType: 'V2',
        executionMode: 'SUPERSEDED',
        stages: [],
        version: 1,
      },
      now: new Date(0),
    });
    const auth = new JobCredentialsAuthorizer(db, () => 0);
    // Act
    const onArtifacts = auth.authorize({
      accessKeyId: FUNCTION_ROLE_ACCESS_KEY_ID,
      action: 'read',
      bucket: 'art',
      key: 'p/In/abc',
    });
    const elsewhere = auth.authorize({
      accessKeyId: FUNCTION_ROLE_ACCESS_KEY_ID,
      action: 'read',
      bucket: 'other',
      key: 'k',
    });
    // Assess
    expect(onArtifacts).toMatchObject({
      allowed: false,
      message: expect.stringContaining("job's artifactCredentials"),
    });
    expect(elsewhere).toEqual({ allowed: true });
  });
});
