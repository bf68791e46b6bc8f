import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../../../../lambdas/handlers/artifact-transform/glob.js';

describe('Function: globMatcher', () => {
  it.each([
    ['**', 'a/b/c.txt', true],
    ['*.tmpl', 'a.tmpl', true],
    ['*.tmpl', 'dir/a.tmpl', false],
    ['**/*.tmpl', 'a.tmpl', true],
    ['**/*.tmpl', 'x/y/a.tmpl', true],
    ['config/*.{json,yaml}', 'config/app.yaml', true],
    ['config/*.{json,yaml}', 'config/app.yml', false],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file/.txt', false],
    ['a.b', 'axb', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(globMatcher([glob])(path)).toBe(expected);
  });
});
