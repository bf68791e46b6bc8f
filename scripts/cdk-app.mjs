#!/usr/bin/env node
// The `app` of cdk.json: bundles cdk/app.ts (dependencies external) and synthesizes it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importBundledEntry } from './build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { createApp } = await importBundledEntry(
  join(root, 'cdk', 'app.ts'),
  join(root, 'dist', 'cdk', 'app.mjs'),
);
createApp().synth();
