import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ArtifactNotFoundError,
  ArtifactStoreError,
  InvalidArtifactError,
} from '../../../../lambdas/toolkit/artifact-errors.js';
import {
  ArtifactEntryMissingError,
  extractInputArtifact,
  openInputArtifact,
} from '../../../../lambdas/toolkit/artifacts-read.js';
import { useArtifactTestStore } from '../../../helpers/artifact-store.js';
import { rawZip, usesDataDescriptor, yazlZip } from '../../../helpers/zip-craft.js';

const artifacts = useArtifactTestStore();

describe('Function: openInputArtifact', () => {
  it('lists and streams the entries of a zip written with data descriptors, with the job credentials', async () => {
    // Prepare
    const zip = await yazlZip([
      { path: 'config/app.json', content: '{"name":"demo"}', streamed: true },
      { path: 'bin/run.sh', content: '#!/bin/sh\necho hi\n', streamed: true, mode: 0o100755 },
      { path: 'README.md', content: '# demo\n' },
    ]);
    expect(usesDataDescriptor(zip)).toBe(true);
    await artifacts.store.put('in/dd.zip', zip);
    const { job } = artifacts.store.job({ inputs: { Source: 'in/dd.zip' } });
    const before = artifacts.store.requests.length;

    // Act
    const artifact = await openInputArtifact(job, 'Source');
    const text = await artifact.readText('config/app.json');
    const script = await artifact.readFile(artifact.entries[1]);
    artifact.close();

    // Assess
    expect(artifact.entries.map((e) => [e.path, e.size, e.isDirectory])).toEqual([
      ['config/app.json', 15, false],
      ['bin/run.sh', 18, false],
      ['README.md', 7, false],
    ]);
    expect(artifact.entries[1].mode).toBe(0o755);
    expect(text).toBe('{"name":"demo"}');
    expect(script.toString()).toBe('#!/bin/sh\necho hi\n');
    const seen = artifacts.store.requests.slice(before);
    const jobKey = job.artifactCredentials!.accessKeyId;
    expect(seen.every((r) => String(r.headers.authorization).includes(`Credential=${jobKey}/`))).toBe(true);
    expect(
      seen.filter((r) => r.method === 'GET').every((r) => /^bytes=\d+-\d+$/.test(String(r.headers.range))),
    ).toBe(true);
    expect(seen.filter((r) => r.method === 'GET').every((r) => r.headers['if-match'] !== undefined)).toBe(
      true,
    );
  });

  it('reads the central directory of many entries with a handful of ranged GETs, never the whole object', async () => {
    // Prepare
    const entries = Array.from({ length: 2000 }, (_, i) => ({
      path: `files/f${String(i).padStart(4, '0')}.txt`,
      content: `file ${i}\n`,
    }));
    const noise = randomBytes(1024 * 1024);
    const zip = await yazlZip([{ path: 'big.bin', content: noise }, ...entries]);
    await artifacts.store.put('in/many.zip', zip);
    const { job } = artifacts.store.job({ inputs: { Source: 'in/many.zip' } });
    const before = artifacts.store.requests.length;

    // Act
    const artifact = await openInputArtifact(job, 'Source');
    const last = await artifact.readText('files/f1999.txt');
    artifact.close();

    // Assess
    const gets = artifacts.store.requests.slice(before).filter((r) => r.method === 'GET');
    expect(artifact.entries).toHaveLength(2001);
    expect(last).toBe('file 1999\n');
    expect(gets.length).toBeLessThanOrEqual(6);
    for (const get of gets) {
      const [, start, end] = /^bytes=(\d+)-(\d+)$/.exec(String(get.headers.range))!;
      expect(Number(end) - Number(start) + 1).toBeLessThan(zip.length);
    }
  });

  it('names the available artifacts when asked for one the job does not have', async () => {
    // Prepare
    const { job } = artifacts.store.job({ inputs: { Source: 'in/dd.zip' } });

    // Act / Assess
    await expect(openInputArtifact(job, 'Build')).rejects.toThrow(ArtifactNotFoundError);
    await expect(openInputArtifact(job, 'Build')).rejects.toThrow(
      'The job has no input artifact "Build" (input artifacts: "Source")',
    );
  });

  it('fails with ArtifactStoreError when the object is missing', async () => {
    // Prepare
    const { job } = artifacts.store.job({ inputs: { Source: 'in/missing.zip' } });

    // Act
    const err = await openInputArtifact(job, 'Source').catch((e: unknown) => e);

    // Assess
    expect(err).toBeInstanceOf(ArtifactStoreError);
    expect((err as ArtifactStoreError).failureType).toBe('JobFailed');
    expect((err as Error).message).toContain('in/missing.zip');
  });

  it('fails with InvalidArtifactError for an object that is not a zip', async () => {
    // Prepare
    await artifacts.store.put('in/not-a-zip.zip', Buffer.from('this is plain text, not a zip archive'));
    const { job } = artifacts.store.job({ inputs: { Source: 'in/not-a-zip.zip' } });

    // Act / Assess
    await expect(openInputArtifact(job, 'Source')).rejects.toThrow(InvalidArtifactError);
  });

  it('fails the read of an entry whose data does not match its CRC-32', async () => {
    // Prepare: flip one byte of stored data, sizes stay right
    const zip = rawZip([{ name: 'a.txt', data: Buffer.from('hello world'), method: 0 }]);
    zip[30 + 'a.txt'.length] ^= 0xff;
    await artifacts.store.put('in/crc.zip', zip);
    const { job } = artifacts.store.job({ inputs: { Source: 'in/crc.zip' } });
    const artifact = await openInputArtifact(job, 'Source');

    // Act
    const err = await artifact.readText('a.txt').catch((e: unknown) => e);
    artifact.close();

    // Assess
    expect(err).toBeInstanceOf(InvalidArtifactError);
    expect((err as Error).message).toContain('entry "a.txt" fails its CRC-32 check');
  });

  it('says which entry is missing', async () => {
    // Prepare
    const { job } = artifacts.store.job({ inputs: { Source: 'in/dd.zip' } });
    const artifact = await openInputArtifact(job, 'Source');

    // Act
    const err = await artifact.readText('nope.json').catch((e: unknown) => e);
    artifact.close();

    // Assess
    expect(err).toBeInstanceOf(ArtifactEntryMissingError);
    expect((err as Error).message).toBe('Artifact "Source" entry "nope.json": no such entry');
  });
});

describe('Function: extractInputArtifact', () => {
  it('extracts files and directories byte for byte, keeping the exec bit', async () => {
    // Prepare
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256));
    const zip = await yazlZip([
      { path: 'a/b/c.bin', content: binary, streamed: true },
      { path: 'run.sh', content: 'echo ok\n', mode: 0o100755 },
    ]);
    await artifacts.store.put('in/extract.zip', zip);
    const { job } = artifacts.store.job({ inputs: { Source: 'in/extract.zip' } });
    const dir = mkdtempSync(join(tmpdir(), 'cpkit-extract-'));

    try {
      // Act
      const result = await extractInputArtifact(job, 'Source', join(dir, 'out'));

      // Assess
      expect(result).toMatchObject({ files: 2, bytes: binary.length + 8 });
      expect(readFileSync(join(dir, 'out', 'a', 'b', 'c.bin')).equals(binary)).toBe(true);
      expect(readFileSync(join(dir, 'out', 'run.sh'), 'utf8')).toBe('echo ok\n');
      expect(statSync(join(dir, 'out', 'run.sh')).mode & 0o111).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
