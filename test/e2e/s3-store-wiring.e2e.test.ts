import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCodePipeline, type LocalCodePipeline } from '../../local/index.js';
import type { ArtifactStore, S3Service } from '../../local/s3/index.js';
import { startS3Store, type StartedS3Store } from '../helpers/s3-store.js';

describe('S3 store wiring in startLocalCodePipeline', () => {
  let local: LocalCodePipeline;
  let external: StartedS3Store;
  let withExternal: LocalCodePipeline;
  beforeAll(async () => {
    local = await startLocalCodePipeline({ port: 0 });
    external = await startS3Store();
    withExternal = await startLocalCodePipeline({ port: 0, s3Endpoint: external.endpoint });
  });
  afterAll(async () => {
    await local.stop();
    await withExternal.stop();
    await external.stop();
  });

  it('serves S3 on the engine port and shares the store with services.artifacts', async () => {
    // Prepare
    const client = new S3Client({ endpoint: local.endpoint, region: 'us-east-1', forcePathStyle: true });
    const artifacts = local.services.artifacts as ArtifactStore;

    // Act
    await client.send(new CreateBucketCommand({ Bucket: 'wired' }));
    await client.send(new PutObjectCommand({ Bucket: 'wired', Key: 'from-sdk', Body: 'sdk' }));
    await artifacts.putObject('wired', 'from-engine', 'engine');
    const viaEngine = await artifacts.headObject('wired', 'from-sdk');
    const viaSdk = await client.send(new GetObjectCommand({ Bucket: 'wired', Key: 'from-engine' }));
    client.destroy();

    // Assess
    expect(viaEngine?.size).toBe(3);
    expect(await viaSdk.Body?.transformToString()).toBe('engine');
    expect((local.services.s3 as S3Service).store).toBeDefined();
  });

  it('uses the external endpoint for artifacts with --s3-endpoint (SDK adapter)', async () => {
    // Prepare
    const artifacts = withExternal.services.artifacts as ArtifactStore;

    // Act
    await artifacts.ensureBucket('outside');
    await artifacts.ensureBucket('outside');
    const put = await artifacts.putObject('outside', 'a/b.zip', Buffer.from('zip-bytes'), {
      sse: { algorithm: 'aws:kms' },
    });
    const head = await artifacts.headObject('outside', 'a/b.zip');
    const streamed = await artifacts.putObject(
      'outside',
      'streamed',
      Readable.from([Buffer.from('stream-'), Buffer.from('bytes')]),
    );
    const streamedHead = await external.service.artifacts.headObject('outside', 'streamed');
    const got = await artifacts.getObject('outside', 'a/b.zip');
    const text = (await got.body.toArray()).map(String).join('');
    const missing = await artifacts.headObject('outside', 'nope');
    const error = await artifacts.getObject('outside', 'nope').catch((e: { code: string }) => e.code);
    await artifacts.deleteObject('outside', 'a/b.zip');

    // Assess
    expect(head).toMatchObject({ size: 9, etag: put.etag });
    expect(text).toBe('zip-bytes');
    expect(streamedHead).toMatchObject({ size: 12, etag: streamed.etag });
    expect(missing).toBeUndefined();
    expect(error).toBe('NoSuchKey');
    expect(external.service.store.getBucket('outside')).toBeDefined();
    expect(await external.service.artifacts.headObject('outside', 'a/b.zip')).toBeUndefined();
    expect((withExternal.services.s3 as S3Service).store.getBucket('outside')).toBeUndefined();
  });
});
