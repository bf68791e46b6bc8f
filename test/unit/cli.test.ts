import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('Command: cpkit', () => {
  it('prints the package version', () => {
    const out = execFileSync(process.execPath, ['bin/cpkit.mjs', '--version'], { encoding: 'utf8' });
    expect(out.trim()).toBe(pkg.version);
  });

  it('prints help that names the command', () => {
    const out = execFileSync(process.execPath, ['bin/cpkit.mjs', '--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: cpkit');
  });
});
