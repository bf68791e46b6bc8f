#!/usr/bin/env node
// Bundles everything with esbuild (no type-check; `npm run build` runs tsc first):
//  - each handler lambdas/handlers/<name>/index.ts -> dist/lambdas/<name>/index.mjs (self-contained, what the CDK app deploys)
//  - the package's entry points -> dist/lib/*.mjs (dependencies stay external)
//  - the CLI -> dist/cli/cpkit.mjs (dependencies stay external)
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');

/** Options shared by every bundle: ESM for Node 20 with the SDK's ESM build (see docs: toolchain). */
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  legalComments: 'none',
};
// Some CommonJS dependencies still call require() for Node built-ins; give ESM bundles a real one.
const requireBanner = {
  js: "import { createRequire as __cpkitCreateRequire } from 'node:module'; const require = __cpkitCreateRequire(import.meta.url);",
};

export function handlerNames() {
  const dir = join(root, 'lambdas', 'handlers');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

export async function bundleHandler(entry, outfile) {
  return build({
    ...common,
    entryPoints: [entry],
    outfile,
    minify: true,
    banner: requireBanner,
    metafile: true,
  });
}

async function main() {
  const started = Date.now();
  const jobs = [];
  rmSync(join(root, 'dist', 'lambdas'), { recursive: true, force: true });
  for (const name of handlerNames()) {
    jobs.push(
      bundleHandler(
        join(root, 'lambdas', 'handlers', name, 'index.ts'),
        join(root, 'dist', 'lambdas', name, 'index.mjs'),
      ),
    );
  }
  const libEntries = {
    index: 'lambdas/toolkit/index.ts',
    middy: 'lambdas/toolkit/middleware.ts',
    testing: 'lambdas/testing/index.ts',
    local: 'local/index.ts',
    cdk: 'cdk/index.ts',
  };
  for (const [name, src] of Object.entries(libEntries)) {
    if (!existsSync(join(root, src))) continue;
    jobs.push(
      build({
        ...common,
        entryPoints: [join(root, src)],
        outfile: join(root, 'dist', 'lib', `${name}.mjs`),
        packages: 'external',
      }),
    );
  }
  if (existsSync(join(root, 'local', 'cli.ts'))) {
    jobs.push(
      build({
        ...common,
        entryPoints: [join(root, 'local', 'cli.ts')],
        outfile: join(root, 'dist', 'cli', 'cpkit.mjs'),
        packages: 'external',
      }),
    );
  }
  await Promise.all(jobs);
  if (!quiet) console.log(`bundled ${jobs.length} entry points in ${Date.now() - started} ms`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
