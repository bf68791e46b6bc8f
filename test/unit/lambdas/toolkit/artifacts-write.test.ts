import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ArtifactStoreError, UnsafeArtifactEntryError } from '../../../../lambdas/toolkit/artifact-errors.js';
import { openInputArtifact } from '../../../../lambdas/toolkit/artifacts-read.js';
import { writeOutputArtifact } from '../../../../lambdas/toolkit/artifacts-write.js';
import { failureFromError } from '../../../../lambdas/toolkit/error-mapping.js';
import { Redactor } from '../../../../lambdas/toolkit/logger.js';
import type { Job } from '../../../../lambdas/toolkit/types.js';
import { useArtifactTestStore } from '../../../helpers/artifact-store.js';
import { yazlZip } from '../../../helpers/zip-craft.js';

const artifacts = useArtifactTestStore();

/** The output artifact of `job` read back as an input artifact: path -> content. */
async function readBack(job: Job): Promise<Record<string, string>> {
  const out = job.outputArtifacts[0];
  const { job: reader } = artifacts.store.job({ inputs: { Out: out.location.s3Location.objectKey } });
  const artifact = await openInputArtifact(reader, 'Out');
  const files: Record<string, string> = {};
  for (const entry of artifact.entries) files[entry.path] = await artifact.readText(entry);
  artifact.close();
  return files;
}

describe('Function: writeOutputArtifact', () => {
  it('zips a file list (strings, buffers, streams, lazy streams) that reads back byte for byte', async () => {
    // Prepare
    const { job } = artifacts.store.job({ inputs: {} });

    // Act
    const result = await writeOutputArtifact(job, 'Out', [
      { path: 'a.txt', content: 'alpha\n' },
      { path: 'dir/b.bin', content: Buffer.from([0, 1, 2, 255]) },
      { path: 'c.txt', content: Readable.from(['str', 'eam']) },
      { path: 'd/e/f.txt', content: () => Readable.from([Buffer.from('lazy')]) },
    ]);

    // Assess
    const stored = await artifacts.store.get(job.outputArtifacts[0].location.s3Location.objectKey);
    expect(result).toMatchObject({ name: 'Out', fileCount: 4, bytes: stored.length });
    expect(result.sha256).toBe(createHash('sha256').update(stored).digest('hex'));
    expect(await readBack(job)).toEqual({
      'a.txt': 'alpha\n',
      'dir/b.bin': Buffer.from([0, 1, 2, 255]).toString(),
      'c.txt': 'stream',
      'd/e/f.txt': 'lazy',
    });
  });

  it('writes the same zip bytes (same sha256) for the same files', async () => {
    // Prepare
    const files = [{ path: 'x.txt', content: 'same' }];
    const first = artifacts.store.job({ inputs: {} }).job;
    const second = artifacts.store.job({ inputs: {} }).job;

    // Act
    const a = await writeOutputArtifact(first, 'Out', files);
    const b = await writeOutputArtifact(second, 'Out', files);

    // Assess
    expect(a.sha256).toBe(b.sha256);
  });

  it('zips a directory recursively and refuses a symlink inside it', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cpkit-out-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'top.txt'), 'top');
    writeFileSync(join(dir, 'sub', 'run.sh'), 'echo');
    chmodSync(join(dir, 'sub', 'run.sh'), 0o755);
    const { job } = artifacts.store.job({ inputs: {} });

    try {
      // Act
      const result = await writeOutputArtifact(job, 'Out', dir);
      symlinkSync('/etc/passwd', join(dir, 'leak'));
      const refused = await writeOutputArtifact(artifacts.store.job({ inputs: {} }).job, 'Out', {
        directory: dir,
      }).catch((e: unknown) => e);

      // Assess
      expect(result.fileCount).toBe(2);
      expect(await readBack(job)).toEqual({ 'sub/run.sh': 'echo', 'top.txt': 'top' });
      const reader = artifacts.store.job({
        inputs: { Out: job.outputArtifacts[0].location.s3Location.objectKey },
      }).job;
      const artifact = await openInputArtifact(reader, 'Out');
      expect(artifact.entry('sub/run.sh')?.mode).toBe(0o755);
      artifact.close();
      expect(refused).toBeInstanceOf(UnsafeArtifactEntryError);
      expect((refused as Error).message).toContain('entry "leak"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uploads a ready zip stream unchanged', async () => {
    // Prepare
    const zip = await yazlZip([{ path: 'ready.txt', content: 'ready' }]);
    const { job } = artifacts.store.job({ inputs: {} });

    // Act
    const result = await writeOutputArtifact(job, 'Out', { zip: Readable.from([zip]) });

    // Assess
    expect(result.fileCount).toBeUndefined();
    expect(
      (await artifacts.store.get(job.outputArtifacts[0].location.s3Location.objectKey)).equals(zip),
    ).toBe(true);
  });

  it('rejects a path that leaves the zip root or appears twice', async () => {
    // Prepare
    const { job } = artifacts.store.job({ inputs: {} });

    // Act / Assess
    await expect(writeOutputArtifact(job, 'Out', [{ path: '../x', content: 'x' }])).rejects.toThrow(
      'Artifact "Out" entry "../x" rejected: path escapes the target directory',
    );
    await expect(
      writeOutputArtifact(job, 'Out', [
        { path: 'a', content: '1' },
        { path: './a', content: '2' },
      ]),
    ).rejects.toThrow('Artifact "Out" entry "a" rejected: the output lists this path twice');
  });

  it('fails with the source error when a file stream fails, and leaves no object behind', async () => {
    // Prepare
    const { job } = artifacts.store.job({ inputs: {} });
    const broken = new Readable({
      read() {
        this.destroy(new Error('disk read failed'));
      },
    });

    // Act
    const err = await writeOutputArtifact(job, 'Out', [{ path: 'x', content: broken }]).catch(
      (e: unknown) => e,
    );

    // Assess
    expect((err as Error).message).toBe('disk read failed');
    await expect(
      artifacts.store.head(job.outputArtifacts[0].location.s3Location.objectKey),
    ).rejects.toThrow();
  });

  it('writes with SSE-KMS and the job key, single PUT and multipart alike', async () => {
    // Prepare: 12 MiB of random bytes do not compress, so with 5 MiB parts the upload is multipart
    const keyId = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const small = artifacts.store.job({ inputs: {}, encryptionKey: keyId }).job;
    const large = artifacts.store.job({ inputs: {}, encryptionKey: keyId }).job;
    const before = artifacts.store.requests.length;

    // Act
    await writeOutputArtifact(small, 'Out', [{ path: 'a.txt', content: 'secret config' }]);
    await writeOutputArtifact(large, 'Out', [{ path: 'big.bin', content: randomBytes(12 * 1024 * 1024) }], {
      partSize: 5 * 1024 * 1024,
    });

    // Assess
    const seen = artifacts.store.requests.slice(before);
    const put = seen.find((r) => r.method === 'PUT' && !r.url.includes('uploadId'))!;
    const create = seen.find((r) => r.method === 'POST' && r.url.includes('uploads'))!;
    const parts = seen.filter((r) => r.method === 'PUT' && r.url.includes('partNumber='));
    for (const request of [put, create]) {
      expect(request.headers['x-amz-server-side-encryption']).toBe('aws:kms');
      expect(request.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(keyId);
    }
    expect(parts.length).toBe(3);
    for (const job of [small, large]) {
      expect(await artifacts.store.head(job.outputArtifacts[0].location.s3Location.objectKey)).toMatchObject({
        sse: 'aws:kms',
        kmsKeyId: keyId,
      });
    }
  });

  it('writes without SSE headers when the job has no encryption key', async () => {
    // Prepare
    const { job } = artifacts.store.job({ inputs: {} });
    const before = artifacts.store.requests.length;

    // Act
    await writeOutputArtifact(job, 'Out', [{ path: 'a.txt', content: 'plain' }]);

    // Assess
    const put = artifacts.store.requests.slice(before).find((r) => r.method === 'PUT')!;
    expect(put.headers['x-amz-server-side-encryption']).toBeUndefined();
  });
});

describe('Function: artifact access with the wrong credentials', () => {
  it('is denied when a handler uses its own function credentials instead of the job credentials', async () => {
    // Prepare: the function's role (AWS_ACCESS_KEY_ID of the process) is not allowed on the artifact bucket
    await artifacts.store.put('in/private.zip', await yazlZip([{ path: 'a', content: 'a' }]));
    const { job } = artifacts.store.job({ inputs: { Source: 'in/private.zip' } });
    const functionRole = new S3Client({
      endpoint: artifacts.store.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'FUNCTIONROLEKEY', secretAccessKey: 'function-secret' },
    });

    try {
      // Act
      const direct = await functionRole
        .send(new GetObjectCommand({ Bucket: artifacts.store.bucket, Key: 'in/private.zip' }))
        .catch((e: unknown) => e);
      const viaToolkit = await openInputArtifact(job, 'Source', { s3Client: functionRole }).catch(
        (e: unknown) => e,
      );
      const withJobCredentials = await openInputArtifact(job, 'Source');
      withJobCredentials.close();

      // Assess
      expect((direct as Error).name).toBe('AccessDenied');
      expect(viaToolkit).toBeInstanceOf(ArtifactStoreError);
      expect(failureFromError(viaToolkit, new Redactor())).toEqual({
        type: 'PermissionError',
        message: `HeadObject of artifact "Source" (s3://${artifacts.store.bucket}/in/private.zip) failed: AccessDenied (HTTP 403)`,
      });
      expect(withJobCredentials.entries).toHaveLength(1);
    } finally {
      functionRole.destroy();
    }
  });
});
