import { constants as fsConstants } from 'node:fs';
import { lstat, mkdir, open, realpath, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UnsafeArtifactEntryError } from './artifact-errors.js';
import type { ArtifactEntry, ExtractResult } from './artifacts-read.js';

/**
 * Writes checked entries under `directory`: every path resolves inside it, every directory level is
 * created one at a time and refused when it exists as a symlink or a file, files are opened with
 * O_NOFOLLOW, and a file whose bytes fail a check while inflating is removed.
 * @internal
 */
export async function extractEntries(
  artifactName: string,
  entries: readonly ArtifactEntry[],
  directory: string,
  openEntry: (entry: ArtifactEntry) => Promise<Readable>,
): Promise<ExtractResult> {
  await mkdir(directory, { recursive: true });
  const root = await realpath(resolve(directory));
  let files = 0;
  let directories = 0;
  let bytes = 0;
  const known = new Set<string>([root]);
  for (const entry of entries) {
    const target = resolve(root, ...entry.path.split('/'));
    if (!target.startsWith(root + sep)) {
      throw new UnsafeArtifactEntryError(
        artifactName,
        entry.path,
        'path',
        'resolves outside the target directory',
      );
    }
    const segments = entry.path.split('/');
    if (entry.isDirectory) {
      await makeDirectories(artifactName, root, segments, entry.path, known);
      directories += 1;
      continue;
    }
    await makeDirectories(artifactName, root, segments.slice(0, -1), entry.path, known);
    const mode = entry.mode !== undefined && entry.mode & 0o111 ? 0o755 : 0o644;
    // O_NOFOLLOW: a symlink planted at the target path is never followed.
    const handle = await open(
      target,
      fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_NOFOLLOW,
      mode,
    );
    const out = handle.createWriteStream();
    try {
      await pipeline(await openEntry(entry), out);
    } catch (err) {
      await rm(target, { force: true });
      throw err;
    }
    files += 1;
    bytes += entry.size;
  }
  return { directory: root, files, directories, bytes };
}

/**
 * Creates the directories of `segments` under `root` one level at a time, refusing any level that
 * exists as a symlink or a file, so no directory outside `root` is ever created or entered.
 */
async function makeDirectories(
  artifactName: string,
  root: string,
  segments: readonly string[],
  entryPath: string,
  known: Set<string>,
): Promise<void> {
  let current = root;
  for (const segment of segments) {
    current = join(current, segment);
    if (known.has(current)) continue;
    const stat = await lstat(current).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!stat) {
      await mkdir(current);
    } else if (stat.isSymbolicLink() || !stat.isDirectory()) {
      throw new UnsafeArtifactEntryError(
        artifactName,
        entryPath,
        'path',
        `"${current.slice(root.length + 1)}" exists in the target directory and is not a directory`,
      );
    }
    known.add(current);
  }
}
