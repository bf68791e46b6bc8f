import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The directory of codepipeline-kit's own package.json, found by walking up from this module.
 * Works from the TypeScript sources (vitest), from the bundles in dist/, and from an installed package.
 * @internal
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'codepipeline-kit') return (cached = dir);
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('codepipeline-kit: cannot find the package root from ' + import.meta.url);
    dir = parent;
  }
}

/** The package's version, from package.json. @internal */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
