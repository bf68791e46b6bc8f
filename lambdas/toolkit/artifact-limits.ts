/**
 * Limits of the artifact helpers (zip safety and bounded-memory streaming). Every number here can be
 * overridden per call through {@link ZipSafetyLimits} / the helpers' options.
 */

/** The zip-safety limits applied while listing and extracting an input artifact. */
export interface ZipSafetyLimits {
  /**
   * Most entries (files and directories) an artifact may hold.
   * @default 20000
   */
  readonly maxEntries: number;
  /**
   * Most uncompressed bytes of all entries together, declared and actually inflated.
   * @default 1 GiB
   */
  readonly maxTotalBytes: number;
  /**
   * Highest uncompressed / compressed ratio of one entry (declared and actually inflated). Deflate
   * tops out near 1032:1; real source trees compress 3-20:1; zip bombs sit at the top.
   * @default 200
   */
  readonly maxCompressionRatio: number;
  /**
   * The ratio is only checked once an entry has inflated past this many bytes, so small, very
   * repetitive files (a file of spaces) stay allowed.
   * @default 1 MiB
   */
  readonly ratioCheckMinBytes: number;
}

/**
 * Default {@link ZipSafetyLimits}; pass a partial override per call.
 *
 * @example
 * ```ts
 * await extractInputArtifact(job, 'Source', dir, {
 *   limits: { maxTotalBytes: 4 * DEFAULT_ZIP_SAFETY_LIMITS.maxTotalBytes },
 * });
 * ```
 */
export const DEFAULT_ZIP_SAFETY_LIMITS: ZipSafetyLimits = Object.freeze({
  maxEntries: 20_000,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
  ratioCheckMinBytes: 1024 * 1024,
});

/**
 * Part size of the multipart upload of an output artifact. S3's minimum part is 5 MiB; with
 * {@link ARTIFACT_UPLOAD_QUEUE_SIZE} parts in flight, an upload holds about 3 parts in memory.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html
 */
export const ARTIFACT_UPLOAD_PART_BYTES = 5 * 1024 * 1024;

/** Parts of an output artifact uploaded at the same time. */
export const ARTIFACT_UPLOAD_QUEUE_SIZE = 2;

/** Size of one ranged GET the zip reader caches for the central directory and local headers. */
export const ARTIFACT_READ_BLOCK_BYTES = 256 * 1024;

/** Blocks of {@link ARTIFACT_READ_BLOCK_BYTES} the zip reader keeps (least recently used dropped). */
export const ARTIFACT_READ_CACHED_BLOCKS = 4;

/**
 * Fixed modification time written into output artifacts built from files or content, so the same
 * content always gives the same zip bytes (and sha256). The DOS epoch, 1980-01-01.
 */
export const ARTIFACT_ENTRY_MTIME = new Date(1980, 0, 1, 0, 0, 0);
