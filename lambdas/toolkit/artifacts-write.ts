import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import yazl from 'yazl';
import { UnsafeArtifactEntryError, toArtifactStoreError } from './artifact-errors.js';
import {
  ARTIFACT_ENTRY_MTIME,
  ARTIFACT_UPLOAD_PART_BYTES,
  ARTIFACT_UPLOAD_QUEUE_SIZE,
} from './artifact-limits.js';
import { findArtifact } from './artifacts-read.js';
import {
  createArtifactS3Client,
  type ArtifactClientOptions,
  type ArtifactJob,
} from './s3-artifact-client.js';
import { checkEntryName } from './zip-safety.js';

/** Content of one output file: text (UTF-8), bytes, a stream, or a function that opens the stream. */
export type OutputFileContent = string | Buffer | Readable | (() => Readable | Promise<Readable>);

/** One file of an output artifact. */
export interface OutputFile {
  /** Relative `/`-separated path inside the zip (no `..`, not absolute). */
  readonly path: string;
  /**
   * The bytes. Give a function for large files: it is called only when the zip reaches the file, so
   * only one file is open at a time.
   */
  readonly content: OutputFileContent;
  /**
   * Unix permission bits.
   * @default 0o644
   */
  readonly mode?: number;
}

/**
 * What {@link writeOutputArtifact} uploads: a directory path (its regular files, recursively), a list or
 * async iterable of {@link OutputFile}s, or a stream that already is a zip (`{ zip: stream }`).
 */
export type OutputArtifactSource =
  | string
  | { readonly directory: string }
  | readonly OutputFile[]
  | AsyncIterable<OutputFile>
  | { readonly zip: Readable };

/** Options of {@link writeOutputArtifact}. */
export interface WriteOutputArtifactOptions extends ArtifactClientOptions {
  /**
   * Bytes per multipart part; with `queueSize` parts in flight this bounds the upload's memory.
   * @default 8 MiB
   */
  readonly partSize?: number;
  /**
   * Parts uploaded at the same time.
   * @default 2
   */
  readonly queueSize?: number;
  /**
   * Deflate level 0 (store) to 9.
   * @default 6
   */
  readonly compressionLevel?: number;
  /**
   * Modification time written for every entry. The fixed default makes the same files give the same
   * zip bytes, so `sha256` identifies the content.
   * @default 1980-01-01T00:00 (DOS epoch)
   */
  readonly mtime?: Date;
}

/** What {@link writeOutputArtifact} uploaded. */
export interface WriteOutputArtifactResult {
  readonly name: string;
  readonly bucketName: string;
  readonly objectKey: string;
  /** Size of the uploaded zip in bytes. */
  readonly bytes: number;
  /** SHA-256 of the uploaded zip, lowercase hex. */
  readonly sha256: string;
  /** Files in the zip (undefined when a ready zip stream was given). */
  readonly fileCount?: number;
  readonly etag?: string;
  /** KMS key used for SSE-KMS, when the job carries an encryption key. */
  readonly kmsKeyId?: string;
}

/**
 * Zips files, a directory or a ready zip stream into an output artifact of the job and uploads it
 * with the job's artifact credentials, streaming: the zip is built by yazl while `@aws-sdk/lib-storage`
 * uploads it in parts of `partSize` with `queueSize` in flight, so memory stays bounded whatever the
 * size. When the job carries an `encryptionKey`, the object is written with SSE-KMS and that key.
 *
 * @example
 * ```ts
 * const result = await writeOutputArtifact(run.job, 'BuildOutput', [
 *   { path: 'version.txt', content: '1.2.3\n' },
 *   { path: 'app.js', content: () => createReadStream('/tmp/build/app.js') },
 * ]);
 * return { outputVariables: { sha256: result.sha256 } };
 * ```
 */
export async function writeOutputArtifact(
  job: ArtifactJob,
  name: string,
  source: OutputArtifactSource,
  options: WriteOutputArtifactOptions = {},
): Promise<WriteOutputArtifactResult> {
  const artifact = findArtifact(job.outputArtifacts, name, 'output');
  const { bucketName, objectKey } = artifact.location.s3Location;
  const client = options.s3Client ?? createArtifactS3Client(job, options);
  const kmsKeyId = job.encryptionKey?.id;

  const built = isZipSource(source)
    ? { stream: source.zip, fileCount: undefined }
    : zipFiles(name, source, options);
  const hash = createHash('sha256');
  let bytes = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  const upload = new Upload({
    client,
    partSize: options.partSize ?? ARTIFACT_UPLOAD_PART_BYTES,
    queueSize: options.queueSize ?? ARTIFACT_UPLOAD_QUEUE_SIZE,
    leavePartsOnError: false,
    params: {
      Bucket: bucketName,
      Key: objectKey,
      Body: body,
      ContentType: 'application/zip',
      ...(kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: kmsKeyId } : {}),
    },
  });
  let sourceError: unknown;
  const sourceFailed = new Promise<never>((_resolve, reject) => {
    const onError = (err: unknown) => {
      sourceError ??= err;
      reject(err);
    };
    built.stream.on('error', onError);
    body.on('error', onError);
  });
  built.stream.pipe(body);
  try {
    const done = await Promise.race([upload.done(), sourceFailed]);
    return {
      name,
      bucketName,
      objectKey,
      bytes,
      sha256: hash.digest('hex'),
      fileCount: await built.fileCount,
      etag: 'ETag' in done ? done.ETag : undefined,
      kmsKeyId,
    };
  } catch (err) {
    await upload.abort().catch(() => undefined);
    built.stream.destroy();
    body.destroy();
    // A failing source (a file, a template, an input entry) is the handler's error, not the store's.
    if (sourceError !== undefined) throw sourceError;
    throw toArtifactStoreError(err, name, 'Upload', artifact.location.s3Location);
  } finally {
    if (!options.s3Client) client.destroy();
  }
}

function isZipSource(source: OutputArtifactSource): source is { readonly zip: Readable } {
  return typeof source === 'object' && source !== null && 'zip' in source && !Array.isArray(source);
}

/** Builds the zip stream of a directory or a file list; `fileCount` settles once every file was added. */
function zipFiles(
  artifactName: string,
  source: Exclude<OutputArtifactSource, { readonly zip: Readable }>,
  options: WriteOutputArtifactOptions,
): { stream: Readable; fileCount: Promise<number> } {
  const zip = new yazl.ZipFile();
  const stream = zip.outputStream as Readable;
  const mtime = options.mtime ?? ARTIFACT_ENTRY_MTIME;
  const compressionLevel = options.compressionLevel ?? 6;
  const seen = new Set<string>();
  const files: AsyncIterable<OutputFile> | readonly OutputFile[] =
    typeof source === 'string'
      ? walkDirectory(artifactName, source)
      : 'directory' in source
        ? walkDirectory(artifactName, source.directory)
        : source;

  const fail = (err: unknown) => stream.destroy(err instanceof Error ? err : new Error(String(err)));
  zip.on('error', fail);
  const fileCount = (async () => {
    let count = 0;
    try {
      for await (const file of files) {
        const { path } = checkEntryName(artifactName, file.path);
        if (seen.has(path)) {
          throw new UnsafeArtifactEntryError(artifactName, path, 'path', 'the output lists this path twice');
        }
        seen.add(path);
        addFile(zip, path, file, { mtime, compressionLevel, mode: file.mode ?? 0o644 }, fail);
        count += 1;
      }
      zip.end();
    } catch (err) {
      fail(err);
      throw err;
    }
    return count;
  })();
  fileCount.catch(() => undefined);
  return { stream, fileCount };
}

function addFile(
  zip: yazl.ZipFile,
  path: string,
  file: OutputFile,
  entry: { mtime: Date; compressionLevel: number; mode: number },
  fail: (err: unknown) => void,
): void {
  const content = file.content;
  const options = {
    mtime: entry.mtime,
    mode: 0o100000 | (entry.mode & 0o7777),
    compressionLevel: entry.compressionLevel,
  };
  if (typeof content === 'string' || Buffer.isBuffer(content)) {
    zip.addBuffer(typeof content === 'string' ? Buffer.from(content, 'utf8') : content, path, options);
    return;
  }
  zip.addReadStreamLazy(path, options, (callback) => {
    Promise.resolve(typeof content === 'function' ? content() : content).then(
      (readable) => {
        // yazl does not listen for errors of the streams it reads; a failing source fails the zip.
        readable.on('error', fail);
        callback(null, readable);
      },
      (err: unknown) => fail(err),
    );
  });
}

/** Regular files under `root`, sorted by path, with their exec bit; symlinks are refused. */
async function* walkDirectory(artifactName: string, root: string, prefix = ''): AsyncGenerator<OutputFile> {
  const dirents = await readdir(join(root, prefix), { withFileTypes: true });
  dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const dirent of dirents) {
    const rel = prefix ? `${prefix}/${dirent.name}` : dirent.name;
    const abs = join(root, rel);
    if (dirent.isDirectory()) {
      yield* walkDirectory(artifactName, root, rel);
    } else if (dirent.isFile()) {
      const stat = await lstat(abs);
      yield {
        path: rel,
        mode: stat.mode & 0o111 ? 0o755 : 0o644,
        content: () => createReadStream(abs),
      };
    } else {
      throw new UnsafeArtifactEntryError(
        artifactName,
        rel,
        dirent.isSymbolicLink() ? 'symlink' : 'path',
        'only regular files and directories are zipped into an output artifact',
      );
    }
  }
}
