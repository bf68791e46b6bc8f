#!/usr/bin/env node
// Bundles everything with esbuild (no type-check; `npm run build` runs tsc first):
//  - each handler lambdas/handlers/<name>/index.ts -> dist/lambdas/<name>/index.mjs (self-contained, what the CDK app deploys)
//  - the package's entry points -> dist/lib/*.mjs (dependencies stay external)
//  - the CLI -> dist/cli/cpkit.mjs (dependencies stay external)
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/**
 * Bundles one TypeScript entry to an ESM file with its dependencies left external (so they resolve from
 * node_modules at run time), for scripts that build a TS entry and then import it.
 * @param {string} entry absolute path of the .ts entry point
 * @param {string} outfile absolute path of the .mjs to write
 * @param {import('esbuild').BuildOptions} [options] extra esbuild options (e.g. `sourcemap`, `logLevel`)
 * @returns {Promise<string>} `outfile`
 * @example
 * const out = await bundleEntry(join(root, 'cdk', 'app.ts'), join(root, 'dist', 'cdk', 'app.mjs'));
 * const { createApp } = await import(pathToFileURL(out).href);
 */
export async function bundleEntry(entry, outfile, options = {}) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    ...options,
  });
  return outfile;
}

/**
 * Bundles one TypeScript entry with {@link bundleEntry} and imports the result.
 * @param {string} entry absolute path of the .ts entry point
 * @param {string} outfile absolute path of the .mjs to write
 * @returns {Promise<Record<string, unknown>>} the bundle's module namespace
 * @example
 * const { main } = await importBundledEntry(join(root, 'local', 'demo', 'main.ts'), join(root, 'dist', 'demo', 'main.mjs'));
 */
export async function importBundledEntry(entry, outfile) {
  return import(pathToFileURL(await bundleEntry(entry, outfile)).href);
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
