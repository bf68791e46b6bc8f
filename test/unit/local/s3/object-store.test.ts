import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksumOf } from '../../../../local/s3/checksums.js';
import { MultipartStore } from '../../../../local/s3/multipart-store.js';
import { ObjectStore } from '../../../../local/s3/object-store.js';

const text = async (store: ObjectStore, bucket: string, key: string, versionId?: string): Promise<string> =>
  Buffer.concat(await (await store.getObject(bucket, key, { versionId })).body.toArray()).toString();

describe('Class: ObjectStore', () => {
  let dir: string;
  let store: ObjectStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cpkit-s3-unit-'));
    store = new ObjectStore({ dataDir: dir, region: 'us-east-1' });
    await store.ensureBucket('bkt');
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces the object and its blob when versioning was never enabled', async () => {
    // Act
    const first = await store.putObject('bkt', 'k', 'one');
    await store.putObject('bkt', 'k', 'two');

    // Assess
    expect(first.versionId).toBeUndefined();
    expect(await text(store, 'bkt', 'k')).toBe('two');
    expect(store.listObjectVersions('bkt', { maxKeys: 1000 }).entries).toHaveLength(1);
    const blobs = readdirSync(join(dir, 's3', 'blobs')).flatMap((d) =>
      readdirSync(join(dir, 's3', 'blobs', d)),
    );
    expect(blobs).toHaveLength(1);
  });

  it('keeps Enabled versions, replaces the null version when Suspended, and promotes on version delete', async () => {
    // Prepare
    await store.putObject('bkt', 'k', 'null-before');
    store.setVersioning('bkt', 'Enabled');
    const v1 = await store.putObject('bkt', 'k', 'v1');
    store.setVersioning('bkt', 'Suspended');

    // Act
    await store.putObject('bkt', 'k', 'suspended-1');
    await store.putObject('bkt', 'k', 'suspended-2');
    const versions = store
      .listObjectVersions('bkt', { maxKeys: 1000 })
      .entries.map((r) => [r.versionId, r.isLatest]);
    await store.removeObject('bkt', 'k', 'null');

    // Assess
    expect(versions).toEqual([
      ['null', true],
      [v1.versionId, false],
    ]);
    expect(await text(store, 'bkt', 'k')).toBe('v1');
    expect(store.findObject('bkt', 'k')?.isLatest).toBe(true);
  });

  it('lists with a delimiter across pages, resuming after a common prefix and after a v1 marker that is one', async () => {
    // Prepare
    for (const key of ['a/1', 'a/2', 'a/3', 'b', 'c/1', 'd']) await store.putObject('bkt', key, key);

    // Act
    const first = store.listObjects('bkt', { delimiter: '/', maxKeys: 1 });
    const second = store.listObjects('bkt', { delimiter: '/', maxKeys: 2, after: first.next });
    const third = store.listObjects('bkt', { delimiter: '/', maxKeys: 10, after: second.next });
    const fromMarker = store.listObjects('bkt', { delimiter: '/', maxKeys: 10, after: 'a/' });

    // Assess
    expect([first.commonPrefixes, first.entries.length, first.isTruncated]).toEqual([['a/'], 0, true]);
    expect([second.entries.map((e) => e.key), second.commonPrefixes, second.isTruncated]).toEqual([
      ['b'],
      ['c/'],
      true,
    ]);
    expect([third.entries.map((e) => e.key), third.isTruncated, third.next]).toEqual([
      ['d'],
      false,
      undefined,
    ]);
    expect([fromMarker.entries.map((e) => e.key), fromMarker.commonPrefixes]).toEqual([['b', 'd'], ['c/']]);
  });

  it('pages versions with key and version id markers', async () => {
    // Prepare
    store.setVersioning('bkt', 'Enabled');
    for (const body of ['1', '2', '3']) await store.putObject('bkt', 'k', body);
    await store.putObject('bkt', 'z', 'z');

    // Act
    const page1 = store.listObjectVersions('bkt', { maxKeys: 2 });
    const page2 = store.listObjectVersions('bkt', {
      maxKeys: 2,
      after: page1.next,
      versionIdMarker: page1.nextVersionId,
    });

    // Assess
    expect(page1.isTruncated).toBe(true);
    expect(page2.entries.map((e) => e.key)).toEqual(['k', 'z']);
    expect(new Set([...page1.entries, ...page2.entries].map((e) => e.versionId)).size).toBe(4);
    expect(page2.isTruncated).toBe(false);
  });

  it('cleans orphan temp files and unreferenced blobs at start', async () => {
    // Prepare
    await store.putObject('bkt', 'kept', 'kept');
    writeFileSync(join(dir, 's3', 'tmp', 'interrupted.part'), 'partial');
    const orphanDir = join(dir, 's3', 'blobs', 'ff');
    rmSync(orphanDir, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(orphanDir, { recursive: true });
    writeFileSync(join(orphanDir, 'ff00orphan'), 'renamed but never committed');
    store.close();

    // Act
    store = new ObjectStore({ dataDir: dir, region: 'us-east-1' });

    // Assess
    expect(readdirSync(join(dir, 's3', 'tmp'))).toEqual([]);
    expect(readdirSync(orphanDir)).toEqual([]);
    expect(await text(store, 'bkt', 'kept')).toBe('kept');
  });

  it('refuses to delete a bucket with versions or delete markers (BucketNotEmpty)', async () => {
    // Prepare
    store.setVersioning('bkt', 'Enabled');
    await store.putObject('bkt', 'k', 'x');
    await store.deleteObject('bkt', 'k');

    // Act & Assess
    await expect(store.deleteBucket('bkt')).rejects.toMatchObject({ code: 'BucketNotEmpty' });
    await expect(store.getObject('bkt', 'k')).rejects.toMatchObject({ code: 'NoSuchKey' });
  });
});

describe('Class: MultipartStore', () => {
  it('completes with the md5-of-md5s ETag and a composite checksum, and removes the parts', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cpkit-s3-mp-'));
    const store = new ObjectStore({ dataDir: dir, region: 'us-east-1' });
    await store.ensureBucket('bkt');
    const uploads = new MultipartStore(store);
    const upload = uploads.create('bkt', 'big', {}, { algorithm: 'CRC32', type: 'COMPOSITE' });
    const { Readable } = await import('node:stream');
    const part = async (n: number, data: Buffer) => {
      const temp = await store.receive(Readable.from([data]), ['CRC32']);
      return uploads.putPart(upload, n, temp, {
        algorithm: 'CRC32',
        value: temp.checksums.CRC32!,
        type: 'FULL_OBJECT',
      });
    };
    const p1 = await part(1, Buffer.alloc(5 * 1024 * 1024, 1));
    const p2 = await part(2, Buffer.from('tail'));

    // Act
    const record = await uploads.complete(upload, [
      { partNumber: 1, etag: p1.etag },
      { partNumber: 2, etag: p2.etag },
    ]);

    // Assess
    expect(record.etag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(record.size).toBe(5 * 1024 * 1024 + 4);
    expect(record.partSizes).toEqual([5 * 1024 * 1024, 4]);
    const raw = Buffer.concat([p1, p2].map((p) => Buffer.from(p.checksum!.value, 'base64')));
    expect(record.checksum).toEqual({
      algorithm: 'CRC32',
      value: `${checksumOf('CRC32', raw)}-2`,
      type: 'COMPOSITE',
    });
    expect(() => uploads.require('bkt', 'big', upload.uploadId)).toThrow(
      expect.objectContaining({ code: 'NoSuchUpload' }),
    );
    expect(store.db.prepare('SELECT COUNT(*) FROM parts').pluck().get()).toBe(0);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
