import { describe, expect, it } from 'vitest';
import { parseAllowList } from '../../../../../lambdas/handlers/secret-scan/allow-list.js';

describe('Function: parseAllowList', () => {
  const allow = parseAllowList(
    [
      '# test fixtures hold fake keys',
      'test/fixtures/',
      '*.snap',
      '/docs/*.md',
      'src/config.ts:12  # the documented example key',
      'sha256:0123456789abcdef',
      'sha256:12ab',
    ].join('\n'),
  );

  it.each([
    ['test/fixtures/keys/a.pem', true],
    ['pkg/test/fixtures/x.json', false],
    ['pkg/__snapshots__/x.snap', true],
    ['src/__snapshots__/a.test.ts.snap', true],
    ['docs/readme.md', true],
    ['docs/deep/readme.md', false],
    ['other/docs/readme.md', false],
    ['src/config.ts', false],
  ])('skipsFile(%s) is %s', (path, expected) => {
    expect(allow.skipsFile(path)).toBe(expected);
  });

  it('allows a finding by place or by fingerprint prefix', () => {
    expect(allow.allows({ file: 'src/config.ts', line: 12, fingerprint: 'sha256:ffff' })).toBe(true);
    expect(allow.allows({ file: 'src/config.ts', line: 13, fingerprint: 'sha256:ffff' })).toBe(false);
    expect(allow.allows({ file: 'a', line: 1, fingerprint: 'sha256:0123456789abcdef' })).toBe(true);
  });

  it('reports a fingerprint too short to be safe', () => {
    expect(allow.problems).toEqual(['line 7: a fingerprint needs at least 8 hex digits']);
  });
});
