import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ArtifactObjectInfo, ArtifactStore } from '../../local/s3/artifact-store.js';

/**
 * An in-memory ArtifactStore (the S3 module's interface) for tests that run the engine without the
 * embedded S3 store. Versioned like a bucket with versioning enabled.
 */
export function memoryArtifactStore(): ArtifactStore {
  const buckets = new Map<string, Map<string, (ArtifactObjectInfo & { body: Buffer })[]>>();
  let n = 0;
  const latest = (bucket: string, key: string, versionId?: string) => {
    const versions = buckets.get(bucket)?.get(key) ?? [];
    return versionId ? versions.find((v) => v.versionId === versionId) : versions.at(-1);
  };
  return {
    async ensureBucket(bucket) {
      if (!buckets.has(bucket)) buckets.set(bucket, new Map());
    },
    async putObject(bucket, key, body) {
      const b = buckets.get(bucket);
      if (!b) throw Object.assign(new Error(`NoSuchBucket: ${bucket}`), { name: 'NoSuchBucket' });
      const chunks: Buffer[] = [];
      if (typeof body === 'string' || Buffer.isBuffer(body)) chunks.push(Buffer.from(body));
      else for await (const c of body) chunks.push(Buffer.from(c));
      const data = Buffer.concat(chunks);
      const etag = `"${createHash('md5').update(data).digest('hex')}"`;
      const versionId = `v${++n}`;
      b.set(key, [
        ...(b.get(key) ?? []),
        { body: data, etag, versionId, size: data.length, lastModified: new Date() },
      ]);
      return { etag, versionId };
    },
    async getObject(bucket, key, opts) {
      const v = latest(bucket, key, opts?.versionId);
      if (!v) throw Object.assign(new Error(`NoSuchKey: ${key}`), { name: 'NoSuchKey' });
      return { ...v, body: Readable.from([v.body]) };
    },
    async headObject(bucket, key, opts) {
      const v = latest(bucket, key, opts?.versionId);
      if (!v) return undefined;
      const { body: _body, ...info } = v;
      return info;
    },
    async deleteObject(bucket, key) {
      buckets.get(bucket)?.delete(key);
    },
  };
}
