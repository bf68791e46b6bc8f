import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../../../../lambdas/handlers/artifact-transform/index.js';
import { openInputArtifact } from '../../../../../lambdas/toolkit/artifacts-read.js';
import { startHandlerHarness, type HandlerHarness } from '../../../../helpers/handler-harness.js';
import { yazlZip } from '../../../../helpers/zip-craft.js';

let h: HandlerHarness;
const binary = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 131) % 256));

beforeAll(async () => {
  h = await startHandlerHarness();
  await h.store.put(
    'in/templates.zip',
    await yazlZip([
      {
        path: 'deploy/app.env.tmpl',
        content: 'STAGE=${STAGE}\nCOMMIT=${COMMIT}\nKEEP=$${STAGE}\n',
        streamed: true,
      },
      { path: 'deploy/notes.txt', content: 'not a template: ${STAGE}\n' },
      { path: 'assets/logo.bin', content: binary },
      { path: 'run.sh.tmpl', content: '#!/bin/sh\necho ${STAGE}\n', mode: 0o100755 },
    ]),
  );
});

afterAll(async () => {
  await h.stop();
});

/** The output artifact of a job read back: path -> bytes. */
async function output(objectKey: string): Promise<Map<string, Buffer>> {
  const { job } = h.store.job({ inputs: { Out: objectKey } });
  const artifact = await openInputArtifact(job, 'Out');
  const files = new Map<string, Buffer>();
  for (const entry of artifact.entries) files.set(entry.path, await artifact.readFile(entry));
  artifact.close();
  return files;
}

describe('Function: handler (artifact-transform)', () => {
  it('renders templates, copies other files byte for byte, and reports fileCount and sha256', async () => {
    // Prepare
    const { event, job } = h.store.job({
      inputs: { SourceArtifact: 'in/templates.zip' },
      userParameters: {
        templates: ['**/*.tmpl'],
        stripSuffix: '.tmpl',
        variables: { STAGE: 'prod', COMMIT: 'a1b2c3d' },
      },
    });
    const objectKey = job.outputArtifacts[0].location.s3Location.objectKey;

    // Act
    const result = await h.invoke(handler, event);

    // Assess
    expect(result.operation).toBe('PutJobSuccessResult');
    const stored = await h.store.get(objectKey);
    expect(result.body.outputVariables).toEqual({
      fileCount: '4',
      sha256: createHash('sha256').update(stored).digest('hex'),
    });
    expect(result.body.executionDetails.summary).toBe(
      'Rendered 2 template(s) of "SourceArtifact" into "Out": 4 file(s), 3 substitution(s)',
    );
    const files = await output(objectKey);
    expect([...files.keys()]).toEqual(['deploy/app.env', 'deploy/notes.txt', 'assets/logo.bin', 'run.sh']);
    expect(files.get('deploy/app.env')!.toString()).toBe('STAGE=prod\nCOMMIT=a1b2c3d\nKEEP=${STAGE}\n');
    expect(files.get('deploy/notes.txt')!.toString()).toBe('not a template: ${STAGE}\n');
    expect(files.get('assets/logo.bin')!.equals(binary)).toBe(true);
    expect(files.get('run.sh')!.toString()).toBe('#!/bin/sh\necho prod\n');
  });

  it('fails naming the template and the key when failOnMissing is set, and writes no output', async () => {
    // Prepare
    const { event, job } = h.store.job({
      inputs: { SourceArtifact: 'in/templates.zip' },
      userParameters: { templates: ['deploy/*.tmpl'], variables: { STAGE: 'dev' }, failOnMissing: true },
    });

    // Act
    const result = await h.invoke(handler, event);

    // Assess
    expect(result.body.failureDetails).toEqual({
      type: 'JobFailed',
      message: 'Template "deploy/app.env.tmpl" uses ${COMMIT} with no value in UserParameters.variables',
    });
    await expect(h.store.head(job.outputArtifacts[0].location.s3Location.objectKey)).rejects.toThrow();
  });

  it('fails with ConfigurationError when a pipeline variable was not resolved', async () => {
    // Prepare
    const { event } = h.store.job({
      inputs: { SourceArtifact: 'in/templates.zip' },
      userParameters: { variables: { COMMIT: '#{SourceVariables.CommitId}' } },
    });

    // Act
    const result = await h.invoke(handler, event);

    // Assess
    expect(result.body.failureDetails.type).toBe('ConfigurationError');
    expect(result.body.failureDetails.message).toContain('COMMIT=#{SourceVariables.CommitId}');
  });

  it('writes the output with SSE-KMS when the job carries an encryption key', async () => {
    // Prepare
    const keyId = 'arn:aws:kms:us-east-1:123456789012:key/0f0f0f0f-aaaa-bbbb-cccc-000000000001';
    const { event, job } = h.store.job({
      inputs: { SourceArtifact: 'in/templates.zip' },
      userParameters: { variables: { STAGE: 'x', COMMIT: 'y' } },
      encryptionKey: keyId,
    });

    // Act
    const result = await h.invoke(handler, event);

    // Assess
    expect(result.operation).toBe('PutJobSuccessResult');
    expect(await h.store.head(job.outputArtifacts[0].location.s3Location.objectKey)).toMatchObject({
      sse: 'aws:kms',
      kmsKeyId: keyId,
    });
  });
});
