import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  GetObjectTaggingCommand,
  PutObjectTaggingCommand,
  UploadPartCopyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumOf } from '../../local/s3/checksums.js';
import { getObjectBytes, startS3Store, type StartedS3Store } from '../helpers/s3-store.js';
import { sdkErrorOf } from '../helpers/sdk-error.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const MiB = 1024 * 1024;

describe('S3 store with the JS SDK', () => {
  let s3: StartedS3Store;
  let client: S3Client;
  let big: Buffer;
  beforeAll(async () => {
    s3 = await startS3Store();
    client = s3.client();
    big = randomBytes(50 * MiB);
    await client.send(new CreateBucketCommand({ Bucket: 'sdk' }));
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('round-trips empty, small and 50 MB objects byte for byte (plain, aws-chunked stream, multipart)', async () => {
    // Act
    await client.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'empty', Body: Buffer.alloc(0) }));
    const small = await client.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'small.txt', Body: 'hello' }));
    const path = join(s3.dataDir, 'big-source.bin');
    writeFileSync(path, big);
    const streamed = await client.send(
      new PutObjectCommand({
        Bucket: 'sdk',
        Key: 'big-stream',
        Body: createReadStream(path),
        ContentLength: big.length,
      }),
    );
    const upload = new Upload({
      client,
      params: { Bucket: 'sdk', Key: 'big-multipart', Body: createReadStream(path) },
      partSize: 5 * MiB,
      queueSize: 2,
    });
    const multipart = await upload.done();

    // Assess
    expect((await getObjectBytes(client, { Bucket: 'sdk', Key: 'empty' })).bytes.length).toBe(0);
    expect((await getObjectBytes(client, { Bucket: 'sdk', Key: 'small.txt' })).bytes.toString()).toBe(
      'hello',
    );
    expect(small.ETag).toBe(`"${createHash('md5').update('hello').digest('hex')}"`);
    expect(small.ChecksumCRC32).toBe(checksumOf('CRC32', Buffer.from('hello')));
    expect(streamed.ETag).toBe(`"${createHash('md5').update(big).digest('hex')}"`);
    expect(sha256((await getObjectBytes(client, { Bucket: 'sdk', Key: 'big-stream' })).bytes)).toBe(
      sha256(big),
    );
    const parts = Array.from({ length: 10 }, (_, i) =>
      createHash('md5')
        .update(big.subarray(i * 5 * MiB, (i + 1) * 5 * MiB))
        .digest(),
    );
    expect(multipart.ETag).toBe(`"${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-10"`);
    const got = await getObjectBytes(client, { Bucket: 'sdk', Key: 'big-multipart' });
    expect(sha256(got.bytes)).toBe(sha256(big));
    expect(got.out.ContentLength).toBe(big.length);
  });

  it('serves ranges (206), suffix and open ranges, and InvalidRange (416)', async () => {
    // Prepare
    await client.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'digits', Body: '0123456789' }));

    // Act
    const first = await getObjectBytes(client, { Bucket: 'sdk', Key: 'digits', Range: 'bytes=2-4' });
    const suffix = await getObjectBytes(client, { Bucket: 'sdk', Key: 'digits', Range: 'bytes=-3' });
    const open = await getObjectBytes(client, { Bucket: 'sdk', Key: 'digits', Range: 'bytes=8-' });
    const bigRange = await getObjectBytes(client, {
      Bucket: 'sdk',
      Key: 'big-multipart',
      Range: `bytes=${7 * MiB}-${12 * MiB}`,
    });
    const invalid = await sdkErrorOf(
      client.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'digits', Range: 'bytes=10-' })),
    );

    // Assess
    expect(first.bytes.toString()).toBe('234');
    expect(first.out.ContentRange).toBe('bytes 2-4/10');
    expect(first.out.$metadata.httpStatusCode).toBe(206);
    expect(suffix.bytes.toString()).toBe('789');
    expect(open.bytes.toString()).toBe('89');
    expect(bigRange.bytes.equals(big.subarray(7 * MiB, 12 * MiB + 1))).toBe(true);
    expect(invalid).toEqual({ name: 'InvalidRange', status: 416 });
  });

  it('keeps versions, delete markers and restores by deleting a version', async () => {
    // Prepare
    await client.send(new CreateBucketCommand({ Bucket: 'versioned' }));
    await client.send(
      new PutBucketVersioningCommand({ Bucket: 'versioned', VersioningConfiguration: { Status: 'Enabled' } }),
    );

    // Act
    const v1 = await client.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'k', Body: 'one' }));
    const v2 = await client.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'k', Body: 'two' }));
    const marker = await client.send(new DeleteObjectCommand({ Bucket: 'versioned', Key: 'k' }));
    const afterDelete = await sdkErrorOf(
      client.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'k' })),
    );
    const old = await getObjectBytes(client, { Bucket: 'versioned', Key: 'k', VersionId: v1.VersionId });
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: 'versioned' }));
    await client.send(
      new DeleteObjectCommand({ Bucket: 'versioned', Key: 'k', VersionId: marker.VersionId }),
    );
    const restored = await getObjectBytes(client, { Bucket: 'versioned', Key: 'k' });

    // Assess
    expect(v1.VersionId).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(v2.VersionId).not.toBe(v1.VersionId);
    expect(marker.DeleteMarker).toBe(true);
    expect(afterDelete).toEqual({ name: 'NoSuchKey', status: 404 });
    expect(old.bytes.toString()).toBe('one');
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual([v2.VersionId, v1.VersionId]);
    expect(versions.DeleteMarkers?.[0]).toMatchObject({ VersionId: marker.VersionId, IsLatest: true });
    expect(restored.bytes.toString()).toBe('two');
    expect(restored.out.VersionId).toBe(v2.VersionId);
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: 'versioned' }))).Status).toBe(
      'Enabled',
    );
  });

  it('lists with prefix, delimiter, common prefixes and continuation tokens', async () => {
    // Prepare
    await client.send(new CreateBucketCommand({ Bucket: 'listing' }));
    const keys = ['a/1', 'a/2', 'b/x/1', 'c', 'd e+f', 'e/1'];
    for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: 'listing', Key, Body: Key }));

    // Act
    const pages: { keys: string[]; prefixes: string[] }[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }),
      );
      pages.push({
        keys: (page.Contents ?? []).map((c) => c.Key!),
        prefixes: (page.CommonPrefixes ?? []).map((p) => p.Prefix!),
      });
      token = page.NextContinuationToken;
    } while (token);
    const underA = await client.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'a/' }));
    const after = await client.send(new ListObjectsV2Command({ Bucket: 'listing', StartAfter: 'c' }));

    // Assess
    expect(pages.flatMap((p) => p.prefixes)).toEqual(['a/', 'b/', 'e/']);
    expect(pages.flatMap((p) => p.keys)).toEqual(['c', 'd e+f']);
    expect(pages).toHaveLength(3);
    expect(underA.Contents?.map((c) => c.Key)).toEqual(['a/1', 'a/2']);
    expect(after.Contents?.map((c) => c.Key)).toEqual(['d e+f', 'e/1']);
  });

  it('copies objects with COPY and REPLACE metadata directives and from a version', async () => {
    // Prepare
    await client.send(
      new PutObjectCommand({
        Bucket: 'sdk',
        Key: 'meta.txt',
        Body: 'meta',
        ContentType: 'text/plain',
        Metadata: { color: 'blue' },
      }),
    );

    // Act
    await client.send(new CopyObjectCommand({ Bucket: 'sdk', Key: 'copy1', CopySource: 'sdk/meta.txt' }));
    await client.send(
      new CopyObjectCommand({
        Bucket: 'sdk',
        Key: 'copy2',
        CopySource: '/sdk/meta.txt',
        MetadataDirective: 'REPLACE',
        ContentType: 'application/json',
        Metadata: { color: 'red' },
      }),
    );
    const v1 = (
      await client.send(new ListObjectVersionsCommand({ Bucket: 'versioned', Prefix: 'k' }))
    ).Versions!.at(-1)!;
    await client.send(
      new CopyObjectCommand({
        Bucket: 'sdk',
        Key: 'copy3',
        CopySource: `versioned/k?versionId=${v1.VersionId}`,
      }),
    );
    const self = await sdkErrorOf(
      client.send(new CopyObjectCommand({ Bucket: 'sdk', Key: 'meta.txt', CopySource: 'sdk/meta.txt' })),
    );

    // Assess
    const h1 = await client.send(new HeadObjectCommand({ Bucket: 'sdk', Key: 'copy1' }));
    const h2 = await client.send(new HeadObjectCommand({ Bucket: 'sdk', Key: 'copy2' }));
    expect([h1.ContentType, h1.Metadata?.color]).toEqual(['text/plain', 'blue']);
    expect([h2.ContentType, h2.Metadata?.color]).toEqual(['application/json', 'red']);
    expect((await getObjectBytes(client, { Bucket: 'sdk', Key: 'copy3' })).bytes.toString()).toBe('one');
    expect(self).toEqual({ name: 'InvalidRequest', status: 400 });
  });

  it('stores tags from x-amz-tagging and Put/Get/DeleteObjectTagging, copies them per tagging directive', async () => {
    // Prepare
    await client.send(
      new PutObjectCommand({ Bucket: 'sdk', Key: 'tagged', Body: 't', Tagging: 'stage=build&team=c%20i' }),
    );

    // Act
    const initial = await client.send(new GetObjectTaggingCommand({ Bucket: 'sdk', Key: 'tagged' }));
    const head = await client.send(new HeadObjectCommand({ Bucket: 'sdk', Key: 'tagged' }));
    await client.send(
      new PutObjectTaggingCommand({
        Bucket: 'sdk',
        Key: 'tagged',
        Tagging: { TagSet: [{ Key: 'only', Value: 'one' }] },
      }),
    );
    await client.send(new CopyObjectCommand({ Bucket: 'sdk', Key: 'tagged-copy', CopySource: 'sdk/tagged' }));
    await client.send(
      new CopyObjectCommand({
        Bucket: 'sdk',
        Key: 'tagged-replaced',
        CopySource: 'sdk/tagged',
        TaggingDirective: 'REPLACE',
        Tagging: 'x=y',
      }),
    );
    await client.send(new DeleteObjectTaggingCommand({ Bucket: 'sdk', Key: 'tagged' }));
    const tagsOf = async (Key: string) =>
      (await client.send(new GetObjectTaggingCommand({ Bucket: 'sdk', Key }))).TagSet;
    const tooMany = await sdkErrorOf(
      client.send(
        new PutObjectTaggingCommand({
          Bucket: 'sdk',
          Key: 'tagged',
          Tagging: { TagSet: Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) },
        }),
      ),
    );

    // Assess
    expect(initial.TagSet).toEqual([
      { Key: 'stage', Value: 'build' },
      { Key: 'team', Value: 'c i' },
    ]);
    expect(head.TagCount).toBe(2);
    expect(await tagsOf('tagged-copy')).toEqual([{ Key: 'only', Value: 'one' }]);
    expect(await tagsOf('tagged-replaced')).toEqual([{ Key: 'x', Value: 'y' }]);
    expect(await tagsOf('tagged')).toEqual([]);
    expect(tooMany).toEqual({ name: 'BadRequest', status: 400 });
  });

  it('copies parts with UploadPartCopy (ranges) and honours copy-source conditions', async () => {
    // Prepare
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: 'sdk', Key: 'part-copy' }),
    );
    const range = (start: number, end: number) => `bytes=${start}-${end}`;

    // Act
    const p1 = await client.send(
      new UploadPartCopyCommand({
        Bucket: 'sdk',
        Key: 'part-copy',
        UploadId,
        PartNumber: 1,
        CopySource: 'sdk/big-stream',
        CopySourceRange: range(0, 5 * MiB - 1),
      }),
    );
    const p2 = await client.send(
      new UploadPartCopyCommand({
        Bucket: 'sdk',
        Key: 'part-copy',
        UploadId,
        PartNumber: 2,
        CopySource: 'sdk/big-stream',
        CopySourceRange: range(5 * MiB, 6 * MiB - 1),
      }),
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'sdk',
        Key: 'part-copy',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.CopyPartResult?.ETag },
            { PartNumber: 2, ETag: p2.CopyPartResult?.ETag },
          ],
        },
      }),
    );
    const badRange = await sdkErrorOf(
      client.send(
        new UploadPartCopyCommand({
          Bucket: 'sdk',
          Key: 'part-copy',
          UploadId: 'x',
          PartNumber: 1,
          CopySource: 'sdk/big-stream',
        }),
      ),
    );
    const failedCondition = await sdkErrorOf(
      client.send(
        new CopyObjectCommand({
          Bucket: 'sdk',
          Key: 'cond',
          CopySource: 'sdk/small.txt',
          CopySourceIfMatch: '"nope"',
        }),
      ),
    );

    // Assess
    expect(
      (await getObjectBytes(client, { Bucket: 'sdk', Key: 'part-copy' })).bytes.equals(
        big.subarray(0, 6 * MiB),
      ),
    ).toBe(true);
    expect(badRange).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect(failedCondition).toEqual({ name: 'PreconditionFailed', status: 412 });
  });

  it('accepts, stores and returns SSE-KMS headers (default key alias/aws/s3)', async () => {
    // Act
    const put = await client.send(
      new PutObjectCommand({
        Bucket: 'sdk',
        Key: 'kms',
        Body: 'x',
        ServerSideEncryption: 'aws:kms',
        BucketKeyEnabled: true,
      }),
    );
    const withKey = await client.send(
      new PutObjectCommand({
        Bucket: 'sdk',
        Key: 'kms2',
        Body: 'x',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'arn:aws:kms:us-east-1:111122223333:key/abc',
      }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: 'sdk', Key: 'kms' }));

    // Assess
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toBe('arn:aws:kms:us-east-1:000000000000:alias/aws/s3');
    expect(put.BucketKeyEnabled).toBe(true);
    expect(withKey.SSEKMSKeyId).toBe('arn:aws:kms:us-east-1:111122223333:key/abc');
    expect([head.ServerSideEncryption, head.SSEKMSKeyId, head.BucketKeyEnabled]).toEqual([
      'aws:kms',
      'arn:aws:kms:us-east-1:000000000000:alias/aws/s3',
      true,
    ]);
  });

  it('answers S3 errors with their codes and statuses', async () => {
    // Prepare
    await client.send(new CreateBucketCommand({ Bucket: 'errs' }));
    await client.send(new PutObjectCommand({ Bucket: 'errs', Key: 'k', Body: 'x' }));

    // Act & Assess
    expect(await sdkErrorOf(client.send(new GetObjectCommand({ Bucket: 'nope', Key: 'k' })))).toEqual({
      name: 'NoSuchBucket',
      status: 404,
    });
    expect(await sdkErrorOf(client.send(new GetObjectCommand({ Bucket: 'errs', Key: 'missing' })))).toEqual({
      name: 'NoSuchKey',
      status: 404,
    });
    expect(await sdkErrorOf(client.send(new HeadObjectCommand({ Bucket: 'errs', Key: 'missing' })))).toEqual({
      name: 'NotFound',
      status: 404,
    });
    expect(await sdkErrorOf(client.send(new HeadBucketCommand({ Bucket: 'nope' })))).toEqual({
      name: 'NotFound',
      status: 404,
    });
    expect(await sdkErrorOf(client.send(new CreateBucketCommand({ Bucket: 'errs' })))).toEqual({
      name: 'BucketAlreadyOwnedByYou',
      status: 409,
    });
    expect(await sdkErrorOf(client.send(new DeleteBucketCommand({ Bucket: 'errs' })))).toEqual({
      name: 'BucketNotEmpty',
      status: 409,
    });
    expect(await sdkErrorOf(client.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).toEqual({
      name: 'InvalidBucketName',
      status: 400,
    });
    expect(
      await sdkErrorOf(
        client.send(
          new GetObjectCommand({
            Bucket: 'errs',
            Key: 'k',
            IfNoneMatch: '"9dd4e461268c8034f5c8564e155c67a6"',
          }),
        ),
      ),
    ).toMatchObject({ status: 304 });
    expect(
      await sdkErrorOf(client.send(new GetObjectCommand({ Bucket: 'errs', Key: 'k', IfMatch: '"other"' }))),
    ).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    await client.send(new DeleteObjectCommand({ Bucket: 'errs', Key: 'k' }));
    await client.send(new DeleteBucketCommand({ Bucket: 'errs' }));
    expect(await sdkErrorOf(client.send(new HeadBucketCommand({ Bucket: 'errs' })))).toMatchObject({
      status: 404,
    });
  });

  it('enforces multipart rules: EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload; lists parts', async () => {
    // Prepare
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'sdk', Key: 'mp' }));
    const p1 = await client.send(
      new UploadPartCommand({
        Bucket: 'sdk',
        Key: 'mp',
        UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(1024, 1),
      }),
    );
    const p2 = await client.send(
      new UploadPartCommand({ Bucket: 'sdk', Key: 'mp', UploadId, PartNumber: 2, Body: Buffer.alloc(10, 2) }),
    );
    const complete = (Parts: { PartNumber: number; ETag?: string }[]) =>
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'sdk',
          Key: 'mp',
          UploadId,
          MultipartUpload: { Parts },
        }),
      );

    // Act & Assess
    const listed = await client.send(new ListPartsCommand({ Bucket: 'sdk', Key: 'mp', UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 1024, p1.ETag],
      [2, 10, p2.ETag],
    ]);
    expect(
      await sdkErrorOf(
        complete([
          { PartNumber: 1, ETag: p1.ETag },
          { PartNumber: 2, ETag: p2.ETag },
        ]),
      ),
    ).toEqual({
      name: 'EntityTooSmall',
      status: 400,
    });
    expect(await sdkErrorOf(complete([{ PartNumber: 1, ETag: '"0000"' }]))).toEqual({
      name: 'InvalidPart',
      status: 400,
    });
    expect(
      await sdkErrorOf(
        complete([
          { PartNumber: 2, ETag: p2.ETag },
          { PartNumber: 1, ETag: p1.ETag },
        ]),
      ),
    ).toEqual({
      name: 'InvalidPartOrder',
      status: 400,
    });
    const single = await complete([{ PartNumber: 1, ETag: p1.ETag }]);
    expect(single.ETag).toMatch(/-1"$/);
    expect(
      (await getObjectBytes(client, { Bucket: 'sdk', Key: 'mp' })).bytes.equals(Buffer.alloc(1024, 1)),
    ).toBe(true);
    const second = await client.send(new CreateMultipartUploadCommand({ Bucket: 'sdk', Key: 'mp2' }));
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: 'sdk', Key: 'mp2', UploadId: second.UploadId }),
    );
    expect(
      await sdkErrorOf(
        client.send(new ListPartsCommand({ Bucket: 'sdk', Key: 'mp2', UploadId: second.UploadId })),
      ),
    ).toEqual({
      name: 'NoSuchUpload',
      status: 404,
    });
  });
});
