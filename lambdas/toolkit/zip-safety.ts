import { Transform, type TransformCallback } from 'node:stream';
import yauzl from 'yauzl';
import { InvalidArtifactError, UnsafeArtifactEntryError } from './artifact-errors.js';
import { DEFAULT_ZIP_SAFETY_LIMITS, type ZipSafetyLimits } from './artifact-limits.js';

/** Unix file type bits in the upper 16 bits of a zip entry's external attributes. */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** An entry name checked by {@link safeEntryPath}: relative, `/`-separated, no `.`/`..` segments. */
export interface SafeEntryPath {
  readonly path: string;
  readonly isDirectory: boolean;
}

/**
 * Decodes an entry's raw file name (UTF-8 flag, Info-ZIP Unicode path field, else CP437; backslashes
 * read as separators) and checks that it stays inside whatever directory it is extracted to: no
 * absolute path, no drive letter, no `..` segment, no NUL. Returns the normalized relative path.
 * @internal
 */
export function safeEntryPath(artifactName: string, entry: yauzl.Entry): SafeEntryPath {
  const raw = entry.fileNameRaw ?? (entry.fileName as unknown as Buffer);
  const name = Buffer.isBuffer(raw)
    ? yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true)
    : String(raw);
  return checkEntryName(artifactName, name);
}

/**
 * The path rules of {@link safeEntryPath} on an already decoded name.
 * @internal
 */
export function checkEntryName(artifactName: string, name: string): SafeEntryPath {
  const reject = (detail: string): never => {
    throw new UnsafeArtifactEntryError(artifactName, name, 'path', detail);
  };
  if (name.length === 0) reject('empty file name');
  if (name.includes('\0')) reject('file name contains a NUL character');
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/')) reject('absolute path');
  if (/^[A-Za-z]:/.test(slashed)) reject('absolute path (drive letter)');
  const segments = slashed.split('/');
  if (segments.includes('..')) reject('path escapes the target directory (".." segment)');
  const kept = segments.filter((s) => s !== '' && s !== '.');
  if (kept.length === 0) reject('file name names no file');
  return { path: kept.join('/'), isDirectory: slashed.endsWith('/') };
}

/** True when the entry's Unix mode (upper 16 bits of the external attributes) says symlink. */
export function isSymlinkEntry(entry: Pick<yauzl.Entry, 'externalFileAttributes'>): boolean {
  return ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

/**
 * Running zip-safety budget of one opened artifact: entry count and declared sizes while the central
 * directory is read, then the bytes actually inflated by every stream opened from it.
 * @internal
 */
export class ZipBudget {
  public readonly limits: ZipSafetyLimits;
  private entries = 0;
  private declaredTotal = 0;
  private inflatedTotal = 0;
  private readonly localHeaderOffsets = new Set<number>();

  public constructor(
    private readonly artifactName: string,
    limits: Partial<ZipSafetyLimits> = {},
  ) {
    this.limits = { ...DEFAULT_ZIP_SAFETY_LIMITS, ...limits };
  }

  /** Fails fast on the entry count the end-of-central-directory record declares. */
  public checkEntryCount(entryCount: number): void {
    if (entryCount > this.limits.maxEntries) {
      throw new UnsafeArtifactEntryError(
        this.artifactName,
        '(central directory)',
        'entries',
        `${entryCount} entries, more than the limit of ${this.limits.maxEntries}`,
      );
    }
  }

  /** Checks one central-directory entry: path, type, declared size and ratio, overlap. */
  public admit(entry: yauzl.Entry): SafeEntryPath {
    const safe = safeEntryPath(this.artifactName, entry);
    const fail = (rule: UnsafeArtifactEntryError['rule'], detail: string): never => {
      throw new UnsafeArtifactEntryError(this.artifactName, safe.path, rule, detail);
    };
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      fail('entries', `more than the limit of ${this.limits.maxEntries} entries`);
    }
    if (isSymlinkEntry(entry)) fail('symlink', 'symbolic links are not extracted');
    if (entry.isEncrypted()) fail('encrypted', 'encrypted entries are not supported');
    if (safe.isDirectory) return safe;
    this.declaredTotal += entry.uncompressedSize;
    if (this.declaredTotal > this.limits.maxTotalBytes) {
      fail(
        'size',
        `declared sizes add up to ${this.declaredTotal} bytes, more than the limit of ${this.limits.maxTotalBytes}`,
      );
    }
    this.checkRatio(safe.path, entry.uncompressedSize, entry.compressedSize, 'declared');
    if (this.localHeaderOffsets.has(entry.relativeOffsetOfLocalHeader)) {
      fail('ratio', 'shares its data with another entry (overlapping entries of a zip bomb)');
    }
    this.localHeaderOffsets.add(entry.relativeOffsetOfLocalHeader);
    return safe;
  }

  /**
   * A pass-through stream that counts the bytes actually inflated for `path` and fails when they pass
   * the declared size, the ratio limit or the artifact's total.
   */
  public meter(path: string, declaredSize: number, compressedSize: number): Transform {
    let entryBytes = 0;
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback: TransformCallback) => {
        entryBytes += chunk.length;
        this.inflatedTotal += chunk.length;
        try {
          if (entryBytes > declaredSize) {
            throw new UnsafeArtifactEntryError(
              this.artifactName,
              path,
              'size',
              `inflates past its declared size of ${declaredSize} bytes`,
            );
          }
          if (this.inflatedTotal > this.limits.maxTotalBytes) {
            throw new UnsafeArtifactEntryError(
              this.artifactName,
              path,
              'size',
              `entries inflate to more than the limit of ${this.limits.maxTotalBytes} bytes`,
            );
          }
          this.checkRatio(path, entryBytes, compressedSize, 'inflated');
        } catch (err) {
          callback(err as Error);
          return;
        }
        callback(null, chunk);
      },
      flush: (callback: TransformCallback) => {
        if (entryBytes < declaredSize) {
          callback(
            new InvalidArtifactError(
              this.artifactName,
              `entry "${path}" holds ${entryBytes} bytes, fewer than its declared ${declaredSize} (truncated or corrupt)`,
            ),
          );
          return;
        }
        callback();
      },
    });
  }

  private checkRatio(path: string, bytes: number, compressedSize: number, what: string): void {
    if (bytes < this.limits.ratioCheckMinBytes) return;
    const ratio = bytes / Math.max(compressedSize, 1);
    if (ratio > this.limits.maxCompressionRatio) {
      throw new UnsafeArtifactEntryError(
        this.artifactName,
        path,
        'ratio',
        `${what} compression ratio ${Math.round(ratio)}:1 is above the limit of ${this.limits.maxCompressionRatio}:1 (zip bomb)`,
      );
    }
  }
}
