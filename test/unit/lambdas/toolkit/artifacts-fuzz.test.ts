import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractInputArtifact } from '../../../../lambdas/toolkit/artifacts-read.js';
import { CodePipelineKitError } from '../../../../lambdas/toolkit/errors.js';
import { useArtifactTestStore } from '../../../helpers/artifact-store.js';
import { rawZip, yazlZip } from '../../../helpers/zip-craft.js';

let seeds: Buffer[];
const artifacts = useArtifactTestStore();

beforeAll(async () => {
  seeds = [
    await yazlZip([
      { path: 'a/b.txt', content: 'hello '.repeat(50), streamed: true },
      { path: 'c.json', content: '{"x":1}' },
    ]),
    rawZip([
      { name: 'x/y.txt', data: Buffer.from('stored data'), method: 0 },
      { name: 'z.txt', data: Buffer.from('deflated '.repeat(20)) },
    ]),
  ];
});

describe('Function: extractInputArtifact (fuzzed archives)', () => {
  it('either extracts or fails with a toolkit error, and never writes outside the target', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        async (seedIndex, edits) => {
          // Prepare: overwrite a few bytes anywhere (headers, names, sizes, offsets, data)
          const zip = Buffer.from(seeds[seedIndex]);
          for (const [at, value] of edits) zip[at % zip.length] = value;
          const key = `fuzz/${n++}.zip`;
          await artifacts.store.put(key, zip);
          const { job } = artifacts.store.job({ inputs: { Source: key } });
          const parent = mkdtempSync(join(tmpdir(), 'cpkit-fuzz-'));

          try {
            // Act
            const err = await extractInputArtifact(job, 'Source', join(parent, 'target')).then(
              () => undefined,
              (e: unknown) => e,
            );

            // Assess
            if (err !== undefined) expect(err).toBeInstanceOf(CodePipelineKitError);
            expect(readdirSync(parent)).toEqual(readdirSync(parent).includes('target') ? ['target'] : []);
          } finally {
            rmSync(parent, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
