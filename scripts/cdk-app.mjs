#!/usr/bin/env node
// The `app` of cdk.json: bundles cdk/app.ts (dependencies external) and synthesizes it.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'cdk', 'app.mjs');
await build({
  entryPoints: [join(root, 'cdk', 'app.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const { createApp } = await import(pathToFileURL(outfile).href);
createApp().synth();
