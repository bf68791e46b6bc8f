import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../../../../lambdas/handlers/secret-scan/rules.js';
import {
  formatFinding,
  scanArtifact,
  type ScannableArtifact,
} from '../../../../../lambdas/handlers/secret-scan/scan-artifact.js';

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const OTHER_KEY = 'AKIAJ2EXAMPLE7OTHERX';

function artifact(files: Record<string, string | Buffer>): ScannableArtifact {
  const entries = Object.entries(files).map(([path, content]) => ({
    path,
    isDirectory: false,
    size: Buffer.byteLength(content),
    compressedSize: 0,
    lastModified: new Date(0),
  }));
  return {
    entries: [
      { path: 'src/', isDirectory: true, size: 0, compressedSize: 0, lastModified: new Date(0) },
      ...entries,
    ],
    entry: (path) => entries.find((e) => e.path === path),
    readFile: async (e) => Buffer.from(files[typeof e === 'string' ? e : e.path]),
  };
}

describe('Function: scanArtifact', () => {
  it('scans text files, skips binaries and allow-listed paths, and applies allowed fingerprints', async () => {
    // Prepare
    const source = artifact({
      '.secret-scan-allow': `vendor/\nsha256:${fingerprintOf(OTHER_KEY).slice(7, 23)}\n`,
      'src/app.ts': `const a = 1;\nconst key = '${KEY_ID}';\n`,
      'src/other.ts': `// example: ${OTHER_KEY}\n`,
      'vendor/lib.js': `k='${KEY_ID}'`,
      'logo.png': Buffer.from([0x89, 0x50, 0x00, 0x01]),
    });
    // Act
    const result = await scanArtifact(source);
    // Assess
    expect(result.filesScanned).toBe(2);
    expect(result.filesSkipped).toBe(2);
    expect(result.allowed).toBe(1);
    expect(result.findings.map(formatFinding)).toEqual([
      `src/app.ts:2: aws-access-key-id AKIA************ (20 chars) [${fingerprintOf(KEY_ID)}]`,
    ]);
  });

  it('counts files of a clean artifact', async () => {
    const result = await scanArtifact(
      artifact({ 'README.md': '# hello\n', 'src/a.ts': 'export const a = 1;\n' }),
    );
    expect(result).toMatchObject({ filesScanned: 2, filesSkipped: 0, findings: [] });
  });
});
