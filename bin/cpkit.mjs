#!/usr/bin/env node
// The `cpkit` command. `prepare` bundles the CLI on `npm ci`; if the bundle is missing
// (for example after `npm ci --ignore-scripts`), bundle it first so `npx cpkit` always works.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'cpkit.mjs');
if (!existsSync(cli)) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit' });
}
await import(pathToFileURL(cli).href);
