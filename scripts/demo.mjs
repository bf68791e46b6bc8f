#!/usr/bin/env node
// `npm start` (after `node scripts/build.mjs`): bundles local/demo/main.ts with esbuild (dependencies external,
// no type-check) and runs the demo: synth, local engine with the assembly, the release pipeline end to end.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importBundledEntry } from './build.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.CDK_DISABLE_VERSION_CHECK ??= '1';
process.env.CDK_DISABLE_CLI_TELEMETRY ??= '1';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundlesDir = join(root, 'dist', 'lambdas');
if (!existsSync(join(bundlesDir, 'secret-scan', 'index.mjs'))) {
  console.error('demo: the handler bundles are missing; run `node scripts/build.mjs` first');
  process.exit(1);
}
const { main } = await importBundledEntry(
  join(root, 'local', 'demo', 'main.ts'),
  join(root, 'dist', 'demo', 'main.mjs'),
);
process.exit(await main(bundlesDir));
