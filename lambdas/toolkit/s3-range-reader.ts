import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PassThrough, Readable } from 'node:stream';
import yauzl from 'yauzl';
import { ARTIFACT_READ_BLOCK_BYTES, ARTIFACT_READ_CACHED_BLOCKS } from './artifact-limits.js';

/** What {@link S3RangeReader} reads and how it reports S3 failures. @internal */
export interface S3RangeReaderOptions {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  /** The object's size from HeadObject. */
  readonly size: number;
  /** The object's ETag from HeadObject; every GET sends `If-Match` so a replaced object is noticed. */
  readonly etag?: string;
  readonly blockBytes?: number;
  readonly cachedBlocks?: number;
  /** Turns an SDK error into the error the caller sees. */
  readonly wrapError: (err: unknown) => Error;
}

/**
 * A yauzl random-access reader over one S3 object. Small reads (end of central directory, central
 * directory records, local file headers) are served from a few cached blocks fetched with ranged GETs,
 * so a central directory of thousands of entries costs a handful of requests; entry data outside the
 * cache streams from its own ranged GET. Memory stays at `blockBytes * cachedBlocks` plus stream buffers.
 * @internal
 */
export class S3RangeReader extends yauzl.RandomAccessReader {
  /** Ranged GETs sent so far (for tests and the benchmark). */
  public requests = 0;
  private readonly blockBytes: number;
  private readonly cachedBlocks: number;
  private readonly blocks = new Map<number, Promise<Buffer>>();

  public constructor(private readonly options: S3RangeReaderOptions) {
    super();
    this.blockBytes = options.blockBytes ?? ARTIFACT_READ_BLOCK_BYTES;
    this.cachedBlocks = options.cachedBlocks ?? ARTIFACT_READ_CACHED_BLOCKS;
  }

  public override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    this.readRange(position, position + length).then(
      (data) => {
        data.copy(buffer, offset);
        callback(null, data.length);
      },
      (err: Error) => callback(err),
    );
  }

  public override _readStreamForRange(start: number, end: number): Readable {
    const first = Math.floor(start / this.blockBytes);
    const cached = this.blocks.get(first);
    if (cached && Math.floor((end - 1) / this.blockBytes) === first) {
      const out = new PassThrough();
      cached.then(
        (block) => out.end(block.subarray(start - first * this.blockBytes, end - first * this.blockBytes)),
        (err: Error) => out.destroy(err),
      );
      return out;
    }
    const out = new PassThrough();
    this.get(start, end).then(
      (body) => {
        body.on('error', (err) => out.destroy(this.options.wrapError(err)));
        out.on('close', () => body.destroy());
        body.pipe(out);
      },
      (err: Error) => out.destroy(err),
    );
    return out;
  }

  /** Bytes `[start, end)` of the object, through the block cache. */
  public async readRange(start: number, end: number): Promise<Buffer> {
    if (end > this.options.size) end = this.options.size;
    if (end <= start) return Buffer.alloc(0);
    const firstBlock = Math.floor(start / this.blockBytes);
    const lastBlock = Math.floor((end - 1) / this.blockBytes);
    if (lastBlock - firstBlock + 1 > this.cachedBlocks) {
      return collect(await this.get(start, end)).catch((err: unknown) => {
        throw this.options.wrapError(err);
      });
    }
    const parts: Buffer[] = [];
    for (let b = firstBlock; b <= lastBlock; b++) {
      const block = await this.block(b);
      const blockStart = b * this.blockBytes;
      parts.push(block.subarray(Math.max(start - blockStart, 0), Math.min(end - blockStart, block.length)));
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  private block(index: number): Promise<Buffer> {
    const hit = this.blocks.get(index);
    if (hit) {
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return hit;
    }
    const start = index * this.blockBytes;
    const end = Math.min(start + this.blockBytes, this.options.size);
    const loading = this.get(start, end)
      .then(collect)
      .catch((err: unknown) => {
        throw this.options.wrapError(err);
      });
    loading.catch(() => this.blocks.delete(index));
    this.blocks.set(index, loading);
    while (this.blocks.size > this.cachedBlocks) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
    return loading;
  }

  private async get(start: number, end: number): Promise<Readable> {
    this.requests += 1;
    try {
      const res = await this.options.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: this.options.key,
          Range: `bytes=${start}-${end - 1}`,
          IfMatch: this.options.etag,
        }),
      );
      return res.Body as Readable;
    } catch (err) {
      throw this.options.wrapError(err);
    }
  }
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
