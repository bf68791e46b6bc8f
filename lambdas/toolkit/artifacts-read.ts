import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Transform, type Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import {
  ArtifactEntryMissingError,
  ArtifactNotFoundError,
  InvalidArtifactError,
  toArtifactStoreError,
} from './artifact-errors.js';
import { extractEntries } from './artifacts-extract.js';
import type { ZipSafetyLimits } from './artifact-limits.js';
import { CodePipelineKitError } from './errors.js';
import {
  createArtifactS3Client,
  type ArtifactClientOptions,
  type ArtifactJob,
} from './s3-artifact-client.js';
import { S3RangeReader } from './s3-range-reader.js';
import type { Artifact } from './types.js';
import { ZipBudget } from './zip-safety.js';

export { ArtifactEntryMissingError } from './artifact-errors.js';

/** One file or directory of an input artifact, after the zip-safety checks. */
export interface ArtifactEntry {
  /** Relative, `/`-separated path without `.` or `..` segments. */
  readonly path: string;
  readonly isDirectory: boolean;
  /** Uncompressed size in bytes (as declared by the central directory, enforced while reading). */
  readonly size: number;
  readonly compressedSize: number;
  readonly lastModified: Date;
  /** Unix permission bits when the archive carries them (e.g. 0o755), else undefined. */
  readonly mode?: number;
}

/** Options of {@link openInputArtifact} and {@link extractInputArtifact}. */
export interface OpenInputArtifactOptions extends ArtifactClientOptions {
  /**
   * Zip-safety limits for this artifact (merged over the defaults).
   * @default DEFAULT_ZIP_SAFETY_LIMITS
   */
  readonly limits?: Partial<ZipSafetyLimits>;
}

/** What {@link InputArtifact.extractTo} wrote. */
export interface ExtractResult {
  readonly directory: string;
  readonly files: number;
  readonly directories: number;
  readonly bytes: number;
}

/** An opened input artifact: its checked entries, and streams of their contents. */
export interface InputArtifact {
  readonly name: string;
  readonly revision: string | null;
  readonly bucketName: string;
  readonly objectKey: string;
  /** Size of the zip object in bytes. */
  readonly size: number;
  /** Every entry, in central-directory order; all passed the zip-safety checks. */
  readonly entries: readonly ArtifactEntry[];
  /** The entry at `path` (a file, or a directory given with or without a trailing `/`). */
  entry(path: string): ArtifactEntry | undefined;
  /** Streams the uncompressed content of a file entry, metered against the zip-safety limits. */
  openEntry(entry: string | ArtifactEntry): Promise<Readable>;
  /** The whole content of a file entry. */
  readFile(entry: string | ArtifactEntry): Promise<Buffer>;
  /** The whole content of a file entry as UTF-8 text. */
  readText(entry: string | ArtifactEntry): Promise<string>;
  /** Extracts every entry under `directory` (created if missing); nothing is written outside it. */
  extractTo(directory: string): Promise<ExtractResult>;
  /** Releases the zip reader (and the S3 client the helper created). */
  close(): void;
}

/**
 * Opens an input artifact of the job with the job's artifact credentials. The zip's central directory is
 * read with ranged GETs (no download of the whole object), so archives written with data descriptors
 * work and memory stays flat; every entry is checked (no absolute or `..` paths, no symlinks, entry
 * count, declared total size and compression ratio) before the artifact is returned, and each entry's
 * bytes are counted again while they inflate. A violation throws {@link UnsafeArtifactEntryError},
 * which fails the job with `JobFailed` and names the entry.
 *
 * @example
 * ```ts
 * export const handler = withJob(async (run) => {
 *   const source = await openInputArtifact(run.job, 'SourceArtifact');
 *   try {
 *     const config = JSON.parse(await source.readText('config/app.json'));
 *     return { summary: `${source.entries.length} entries, app ${config.name}` };
 *   } finally {
 *     source.close();
 *   }
 * });
 * ```
 */
export async function openInputArtifact(
  job: ArtifactJob,
  name: string,
  options: OpenInputArtifactOptions = {},
): Promise<InputArtifact> {
  const artifact = findArtifact(job.inputArtifacts, name, 'input');
  const { bucketName, objectKey } = artifact.location.s3Location;
  const ownsClient = !options.s3Client;
  const client = options.s3Client ?? createArtifactS3Client(job, options);
  const wrap = (operation: string) => (err: unknown) =>
    toArtifactStoreError(err, name, operation, artifact.location.s3Location);
  try {
    const head = await client
      .send(new HeadObjectCommand({ Bucket: bucketName, Key: objectKey }))
      .catch((err: unknown) => {
        throw wrap('HeadObject')(err);
      });
    const size = head.ContentLength ?? 0;
    const reader = new S3RangeReader({
      client,
      bucket: bucketName,
      key: objectKey,
      size,
      etag: head.ETag,
      wrapError: wrap('GetObject'),
    });
    const zip = await yauzl
      .fromRandomAccessReaderPromise(reader, size, {
        lazyEntries: true,
        autoClose: false,
        decodeStrings: false,
        // Sizes are enforced by ZipBudget.meter, which names the entry and the rule.
        validateEntrySizes: false,
      })
      .catch((err: unknown) => {
        throw asZipError(name, err);
      });
    return await readCentralDirectory(artifact, zip, client, ownsClient, options.limits);
  } catch (err) {
    if (ownsClient) client.destroy();
    throw err;
  }
}

/**
 * Extracts an input artifact of the job into `directory` (created if missing) with the checks of
 * {@link openInputArtifact}: nothing is written outside `directory`, and an unsafe archive fails before
 * any file is written (or, for bytes that only show while inflating, the partial file is removed).
 *
 * @example
 * ```ts
 * const dir = await mkdtemp(join(tmpdir(), 'src-'));
 * const { files } = await extractInputArtifact(run.job, 'SourceArtifact', dir);
 * ```
 */
export async function extractInputArtifact(
  job: ArtifactJob,
  name: string,
  directory: string,
  options: OpenInputArtifactOptions = {},
): Promise<ExtractResult> {
  const artifact = await openInputArtifact(job, name, options);
  try {
    return await artifact.extractTo(directory);
  } finally {
    artifact.close();
  }
}

/** @internal */
export function findArtifact(
  artifacts: readonly Artifact[],
  name: string,
  kind: 'input' | 'output',
): Artifact {
  const found = artifacts.find((a) => a.name === name);
  if (!found)
    throw new ArtifactNotFoundError(
      name,
      kind,
      artifacts.map((a) => a.name),
    );
  return found;
}

async function readCentralDirectory(
  artifact: Artifact,
  zip: yauzl.ZipFile,
  client: S3Client,
  ownsClient: boolean,
  limits: Partial<ZipSafetyLimits> | undefined,
): Promise<InputArtifact> {
  const name = artifact.name;
  const budget = new ZipBudget(name, limits);
  const entries: ArtifactEntry[] = [];
  const raw = new Map<ArtifactEntry, yauzl.Entry>();
  const byPath = new Map<string, ArtifactEntry>();
  try {
    budget.checkEntryCount(zip.entryCount);
    for await (const entry of zip.eachEntry()) {
      const safe = budget.admit(entry);
      const unixMode = entry.versionMadeBy >> 8 === 3 ? (entry.externalFileAttributes >>> 16) & 0o7777 : 0;
      const item: ArtifactEntry = {
        path: safe.path,
        isDirectory: safe.isDirectory,
        size: safe.isDirectory ? 0 : entry.uncompressedSize,
        compressedSize: safe.isDirectory ? 0 : entry.compressedSize,
        lastModified: entry.getLastModDate(),
        mode: unixMode || undefined,
      };
      entries.push(item);
      raw.set(item, entry);
      byPath.set(safe.isDirectory ? `${safe.path}/` : safe.path, item);
    }
  } catch (err) {
    zip.close();
    throw asZipError(name, err);
  }

  const resolveEntry = (ref: string | ArtifactEntry): [ArtifactEntry, yauzl.Entry] => {
    const item =
      typeof ref === 'string' ? (byPath.get(ref) ?? byPath.get(`${ref.replace(/\/$/, '')}/`)) : ref;
    const entry = item && raw.get(item);
    if (!item || !entry) throw new ArtifactEntryMissingError(name, typeof ref === 'string' ? ref : ref.path);
    return [item, entry];
  };

  const openEntry = async (ref: string | ArtifactEntry): Promise<Readable> => {
    const [item, entry] = resolveEntry(ref);
    if (item.isDirectory) throw new ArtifactEntryMissingError(name, item.path, 'is a directory');
    const source = await zip.openReadStreamPromise(entry).catch((err: unknown) => {
      throw asZipError(name, err, item.path);
    });
    return meterEntry(source, budget.meter(item.path, entry.uncompressedSize, entry.compressedSize), {
      artifactName: name,
      path: item.path,
      crc32: entry.crc32,
      size: entry.uncompressedSize,
    });
  };

  const readFile = async (ref: string | ArtifactEntry): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of await openEntry(ref)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  let closed = false;
  return {
    name,
    revision: artifact.revision,
    bucketName: artifact.location.s3Location.bucketName,
    objectKey: artifact.location.s3Location.objectKey,
    size: zip.fileSize,
    entries,
    entry: (path) => byPath.get(path) ?? byPath.get(`${path.replace(/\/$/, '')}/`),
    openEntry,
    readFile,
    readText: async (ref) => (await readFile(ref)).toString('utf8'),
    extractTo: (directory) => extractEntries(name, entries, directory, openEntry),
    close: () => {
      if (closed) return;
      closed = true;
      zip.close();
      if (ownsClient) client.destroy();
    },
  };
}

interface MeterContext {
  readonly artifactName: string;
  readonly path: string;
  readonly crc32: number;
  readonly size: number;
}

/** Pipes the inflating stream through the meter, checks the CRC-32 at the end, maps zip errors. */
function meterEntry(source: Readable, meter: Transform, ctx: MeterContext): Readable {
  let crc = 0;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      crc = crc32(chunk, crc);
      callback(null, chunk);
    },
    flush(callback) {
      if (crc >>> 0 !== ctx.crc32 >>> 0) {
        callback(new InvalidArtifactError(ctx.artifactName, `entry "${ctx.path}" fails its CRC-32 check`));
        return;
      }
      callback();
    },
  });
  // Not stream.pipeline: it would destroy `out` with the raw error (a zlib or S3 error) before it could be
  // mapped to a toolkit error that names the artifact and the entry.
  const fail = (err: unknown) => {
    if (!out.destroyed) out.destroy(asZipError(ctx.artifactName, err, ctx.path));
  };
  source.on('error', fail);
  meter.on('error', fail);
  out.on('close', () => {
    source.destroy();
    meter.destroy();
  });
  source.pipe(meter).pipe(out);
  return out;
}

function asZipError(artifactName: string, err: unknown, entryPath?: string): Error {
  if (err instanceof CodePipelineKitError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new InvalidArtifactError(artifactName, entryPath ? `entry "${entryPath}": ${message}` : message, {
    cause: err,
  });
}
