import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsafeArtifactEntryError } from '../../../../lambdas/toolkit/artifact-errors.js';
import { extractInputArtifact, openInputArtifact } from '../../../../lambdas/toolkit/artifacts-read.js';
import { failureFromError } from '../../../../lambdas/toolkit/error-mapping.js';
import { Redactor } from '../../../../lambdas/toolkit/logger.js';
import { useArtifactTestStore } from '../../../helpers/artifact-store.js';
import { rawZip, yazlZip, type RawEntry } from '../../../helpers/zip-craft.js';

let parent: string;
let target: string;
const artifacts = useArtifactTestStore();

beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'cpkit-slip-'));
  target = join(parent, 'target');
});

afterEach(() => {
  rmSync(parent, { recursive: true, force: true });
});

/** Uploads `zip`, extracts it into `target`, and returns the error (or undefined). */
async function extract(zip: Buffer, limits = {}): Promise<unknown> {
  const key = `in/${Math.random().toString(36).slice(2)}.zip`;
  await artifacts.store.put(key, zip);
  const { job } = artifacts.store.job({ inputs: { Source: key } });
  return extractInputArtifact(job, 'Source', target, { limits }).then(
    () => undefined,
    (err: unknown) => err,
  );
}

/** Everything under `parent` except what is inside `target`. */
function outsideTarget(): string[] {
  return readdirSync(parent, { recursive: true, encoding: 'utf8' }).filter(
    (p) => p !== 'target' && !p.startsWith(`target/`),
  );
}

/** Files extracted into `target` (none when it was never created). */
function targetFiles(): string[] {
  return existsSync(target) ? readdirSync(target, { recursive: true, encoding: 'utf8' }) : [];
}

const ok: RawEntry = { name: 'ok.txt', data: Buffer.from('fine') };

describe('Function: extractInputArtifact (zip safety)', () => {
  it.each([
    ['../evil', 'path escapes the target directory'],
    ['a/../../evil', 'path escapes the target directory'],
    ['..\\evil', 'path escapes the target directory'],
    ['/etc/evil', 'absolute path'],
    ['C:/evil', 'absolute path (drive letter)'],
  ])('rejects the entry %j before writing anything', async (name, reason) => {
    // Prepare
    const zip = rawZip([ok, { name, data: Buffer.from('pwned') }]);

    // Act
    const err = await extract(zip);

    // Assess
    expect(err).toBeInstanceOf(UnsafeArtifactEntryError);
    expect((err as UnsafeArtifactEntryError).rule).toBe('path');
    expect((err as Error).message).toContain(`Artifact "Source" entry "${name}" rejected: ${reason}`);
    expect(outsideTarget()).toEqual([]);
    expect(targetFiles()).toEqual([]);
  });

  it('rejects a symlink entry', async () => {
    // Prepare
    const zip = rawZip([{ name: 'link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777, method: 0 }]);

    // Act
    const err = await extract(zip);

    // Assess
    expect(err).toBeInstanceOf(UnsafeArtifactEntryError);
    expect((err as Error).message).toBe(
      'Artifact "Source" entry "link" rejected: symbolic links are not extracted',
    );
  });

  it('never follows a symlink that already sits in the target directory', async () => {
    // Prepare
    const outside = join(parent, 'outside');
    mkdirSync(outside);
    mkdirSync(target);
    symlinkSync(outside, join(target, 'link'));
    const zip = rawZip([{ name: 'link/planted.txt', data: Buffer.from('x') }]);

    // Act
    const err = await extract(zip);

    // Assess
    expect(err).toBeInstanceOf(UnsafeArtifactEntryError);
    expect((err as Error).message).toContain('entry "link/planted.txt"');
    expect(readdirSync(outside)).toEqual([]);
  });

  it('rejects a zip bomb by its declared compression ratio', async () => {
    // Prepare: 20 MiB of zeros deflate to about 20 KiB (ratio about 1000:1)
    const zip = rawZip([ok, { name: 'bomb.bin', data: Buffer.alloc(20 * 1024 * 1024) }]);

    // Act
    const err = await extract(zip);

    // Assess
    expect(err).toBeInstanceOf(UnsafeArtifactEntryError);
    expect((err as UnsafeArtifactEntryError).rule).toBe('ratio');
    expect((err as Error).message).toMatch(
      /^Artifact "Source" entry "bomb\.bin" rejected: declared compression ratio \d+:1 is above the limit of 200:1/,
    );
    expect(targetFiles()).toEqual([]);
  });

  it('rejects a zip bomb that lies about its size while it inflates, and removes the partial file', async () => {
    // Prepare: the headers declare 4 KiB, the data inflates to 20 MiB
    const zip = rawZip([{ name: 'liar.bin', data: Buffer.alloc(20 * 1024 * 1024), declaredSize: 4096 }]);

    // Act
    const err = await extract(zip);

    // Assess
    expect(err).toBeInstanceOf(UnsafeArtifactEntryError);
    expect((err as UnsafeArtifactEntryError).rule).toBe('size');
    expect((err as Error).message).toBe(
      'Artifact "Source" entry "liar.bin" rejected: inflates past its declared size of 4096 bytes',
    );
    expect(targetFiles()).toEqual([]);
  });

  it('rejects an artifact whose declared sizes add up to more than the total limit', async () => {
    // Prepare
    const zip = await yazlZip(
      Array.from({ length: 5 }, (_, i) => ({ path: `part${i}.txt`, content: 'x'.repeat(40_000) })),
    );

    // Act
    const err = await extract(zip, { maxTotalBytes: 100_000 });

    // Assess
    expect(err).toBeInstanceOf(UnsafeArtifactEntryError);
    expect((err as Error).message).toBe(
      'Artifact "Source" entry "part2.txt" rejected: declared sizes add up to 120000 bytes, more than the limit of 100000',
    );
    expect(targetFiles()).toEqual([]);
  });

  it('rejects overlapping entries that share one compressed stream (non-recursive zip bomb)', async () => {
    // Prepare
    const zip = rawZip([
      { name: 'a.txt', data: Buffer.from('shared data') },
      { name: 'b.txt', sameDataAs: 0 },
    ]);

    // Act
    const err = await extract(zip);

    // Assess
    expect(err).toBeInstanceOf(UnsafeArtifactEntryError);
    expect((err as Error).message).toContain('entry "b.txt" rejected: shares its data with another entry');
  });

  it('rejects more entries than the limit', async () => {
    // Prepare
    const zip = await yazlZip(Array.from({ length: 11 }, (_, i) => ({ path: `f${i}`, content: String(i) })));

    // Act
    const err = await extract(zip, { maxEntries: 10 });

    // Assess
    expect(err).toBeInstanceOf(UnsafeArtifactEntryError);
    expect((err as Error).message).toBe(
      'Artifact "Source" entry "(central directory)" rejected: 11 entries, more than the limit of 10',
    );
  });

  it('makes the job fail with JobFailed and a message naming the entry', async () => {
    // Prepare
    const err = await extract(rawZip([{ name: '../evil', data: Buffer.from('x') }]));

    // Act
    const failure = failureFromError(err, new Redactor());

    // Assess
    expect(failure).toEqual({
      type: 'JobFailed',
      message: 'Artifact "Source" entry "../evil" rejected: path escapes the target directory (".." segment)',
    });
  });
});

describe('Function: openInputArtifact (zip safety)', () => {
  it('fails listing before any entry can be read when one entry is unsafe', async () => {
    // Prepare
    await artifacts.store.put('in/mixed.zip', rawZip([ok, { name: '/abs', data: Buffer.from('x') }]));
    const { job } = artifacts.store.job({ inputs: { Source: 'in/mixed.zip' } });

    // Act / Assess
    await expect(openInputArtifact(job, 'Source')).rejects.toThrow(
      'Artifact "Source" entry "/abs" rejected: absolute path',
    );
  });
});
