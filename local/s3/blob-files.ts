import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { copyFile, link, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createChecksummer, type ChecksumAlgorithm, type Checksummer } from './checksums.js';

/** A fully written and fsynced temp file, not yet visible as an object. */
export interface TempBlob {
  readonly path: string;
  readonly size: number;
  /** Hex MD5 of the bytes ('' when not computed: multipart concatenation). */
  readonly md5Hex: string;
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/**
 * The object bytes on disk: `<root>/blobs/<xx>/<id>` files that never change once written, and
 * `<root>/tmp/` for uploads in flight. A blob only appears under `blobs/` after it was fully written and
 * fsynced (temp file + rename), so a crash never leaves a partial object; orphans are cleaned at start.
 */
export class BlobFiles {
  private readonly tmpDir: string;
  private readonly blobDir: string;

  constructor(root: string) {
    this.tmpDir = join(root, 'tmp');
    this.blobDir = join(root, 'blobs');
    mkdirSync(this.tmpDir, { recursive: true });
    mkdirSync(this.blobDir, { recursive: true });
  }

  /** Removes temp files of interrupted uploads and blobs no stored object or part references. */
  cleanOrphans(referenced: ReadonlySet<string>): { temps: number; blobs: number } {
    let temps = 0;
    let blobs = 0;
    for (const name of readdirSync(this.tmpDir)) {
      rmSync(join(this.tmpDir, name), { force: true, recursive: true });
      temps++;
    }
    for (const shard of readdirSync(this.blobDir)) {
      for (const name of readdirSync(join(this.blobDir, shard))) {
        if (referenced.has(name)) continue;
        rmSync(join(this.blobDir, shard, name), { force: true });
        blobs++;
      }
    }
    return { temps, blobs };
  }

  /**
   * Streams `source` to a temp file (never whole in memory), computing its MD5 and the requested
   * checksums on the way (of the bytes after `decoder`, e.g. aws-chunked), then fsyncs it. On any error the temp file is removed.
   */
  async writeTemp(
    source: Readable,
    algorithms: readonly ChecksumAlgorithm[] = [],
    decoder?: Transform,
    withMd5 = true,
  ): Promise<TempBlob> {
    const path = join(this.tmpDir, `${newId()}.part`);
    const digest = new DigestStream(algorithms, withMd5);
    const sink = createWriteStream(path, { highWaterMark: 1024 * 1024 });
    try {
      await (decoder ? pipeline(source, decoder, digest, sink) : pipeline(source, digest, sink));
      await fsyncPath(path, 'r+');
      return { path, ...digest.result() };
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
  }

  /** Writes the concatenation of stored blobs to a temp file (multipart completion). */
  async concatTemp(
    blobs: readonly string[],
    algorithms: readonly ChecksumAlgorithm[] = [],
  ): Promise<TempBlob> {
    const open = (blob: string): Readable => this.open(blob);
    async function* concatenated(): AsyncGenerator<Buffer> {
      for (const blob of blobs) for await (const chunk of open(blob)) yield chunk as Buffer;
    }
    // The multipart ETag comes from the parts' MD5s: the whole object's MD5 is not needed.
    return this.writeTemp(Readable.from(concatenated(), { objectMode: false }), algorithms, undefined, false);
  }

  /** Moves a temp file under `blobs/` (atomic rename, directory fsynced) and returns the blob name. */
  async commit(temp: TempBlob): Promise<string> {
    const name = newId();
    const dir = this.shardDir(name);
    mkdirSync(dir, { recursive: true });
    await rename(temp.path, join(dir, name));
    await fsyncPath(dir, 'r');
    return name;
  }

  /** A second blob name with the same bytes (hard link; a copy where links are not possible). */
  async duplicate(blob: string): Promise<string> {
    const name = newId();
    const dir = this.shardDir(name);
    mkdirSync(dir, { recursive: true });
    try {
      await link(this.pathOf(blob), join(dir, name));
    } catch {
      await copyFile(this.pathOf(blob), join(dir, name));
      await fsyncPath(join(dir, name), 'r+');
    }
    return name;
  }

  /** Reads a blob, optionally an inclusive byte range of it. */
  open(blob: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(blob), { ...range, highWaterMark: 1024 * 1024 });
  }

  /** The hex MD5 of a stored blob (streamed). */
  async md5Of(blob: string): Promise<string> {
    const hash = createHash('md5');
    for await (const chunk of this.open(blob) as AsyncIterable<Buffer>) hash.update(chunk);
    return hash.digest('hex');
  }

  /** Deletes a blob (a missing one is fine). */
  async remove(blob: string | null | undefined): Promise<void> {
    if (blob) await rm(this.pathOf(blob), { force: true });
  }

  /** Deletes a temp file that will not become an object. */
  async discard(temp: TempBlob): Promise<void> {
    await rm(temp.path, { force: true });
  }

  private pathOf(blob: string): string {
    return join(this.shardDir(blob), blob);
  }

  private shardDir(name: string): string {
    return join(this.blobDir, name.slice(0, 2));
  }
}

function newId(): string {
  return randomBytes(16).toString('hex');
}

async function fsyncPath(path: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

class DigestStream extends Transform {
  private readonly md5 = createHash('md5');
  private readonly checksummers: Checksummer[];
  private size = 0;

  constructor(
    algorithms: readonly ChecksumAlgorithm[],
    private readonly withMd5: boolean,
  ) {
    super();
    this.checksummers = [...new Set(algorithms)].map(createChecksummer);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    if (this.withMd5) this.md5.update(chunk);
    for (const c of this.checksummers) c.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  result(): Omit<TempBlob, 'path'> {
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const c of this.checksummers) checksums[c.algorithm] = c.digest();
    return { size: this.size, md5Hex: this.withMd5 ? this.md5.digest('hex') : '', checksums };
  }
}
