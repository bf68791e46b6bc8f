import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from './local-server.js';

/** The synthesized CDK app shared by every CDK test of a run. */
export interface SynthesizedCpkitApp {
  /** The cloud assembly directory. */
  readonly outdir: string;
  /** Template of each stack by stack id. */
  readonly templates: Record<string, Record<string, any>>;
  /** cdk-nag AwsSolutions run on the synthesized construct tree, and every acknowledgment in it. */
  readonly nag: { violations: unknown[]; acknowledgments: NagAcknowledgmentRecord[] };
}

/** One acknowledged cdk-nag rule on a construct. */
export interface NagAcknowledgmentRecord {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** A fixed context, so that every test sees the same templates. */
export const TEST_WEBHOOK_URL = 'https://hooks.example.com/services/T000/B000/cpkit-tests';

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, out);
    else if (/\.(ts|mjs|json)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Hash of everything the synth depends on: CDK sources, handler sources, the build script, CDK versions. */
function inputsHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...filesUnder(join(repoRoot, 'cdk')),
    ...filesUnder(join(repoRoot, 'lambdas')),
    join(repoRoot, 'scripts', 'build.mjs'),
    join(repoRoot, 'local', 'demo', 'synth.ts'),
    join(repoRoot, 'test', 'helpers', 'cdk-synth.ts'),
    join(repoRoot, 'node_modules', 'aws-cdk-lib', 'package.json'),
    join(repoRoot, 'node_modules', 'cdk-nag', 'package.json'),
  ].sort();
  for (const f of files) hash.update(relative(repoRoot, f)).update('\0').update(readFileSync(f)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

function load(outdir: string): SynthesizedCpkitApp {
  const templates: Record<string, Record<string, any>> = {};
  for (const f of readdirSync(outdir)) {
    const m = /^(.+)\.template\.json$/.exec(f);
    if (m) templates[m[1]] = JSON.parse(readFileSync(join(outdir, f), 'utf8'));
  }
  return {
    outdir,
    templates,
    nag: JSON.parse(readFileSync(join(outdir, 'cpkit-nag.json'), 'utf8')),
  };
}

async function synthesizeInto(dir: string): Promise<void> {
  // Fresh bundles from source (not dist/, which another build may be rewriting), as `npm run bundle` makes them.
  const { bundleHandler, handlerNames } = (await import(join(repoRoot, 'scripts', 'build.mjs'))) as {
    bundleHandler: (entry: string, outfile: string) => Promise<unknown>;
    handlerNames: () => string[];
  };
  const bundlesDir = join(dir, 'bundles');
  await Promise.all(
    handlerNames().map((n) =>
      bundleHandler(join(repoRoot, 'lambdas', 'handlers', n, 'index.ts'), join(bundlesDir, n, 'index.mjs')),
    ),
  );
  const { synthesizeCpkitApp } = await import('../../local/demo/synth.js');
  const { app } = synthesizeCpkitApp({
    outdir: join(dir, 'cdk.out'),
    bundlesDir,
    context: { 'cpkit:approvalWebhookUrl': TEST_WEBHOOK_URL, 'cpkit:approvalWebhookFormat': 'slack' },
  });
  // synth() already failed on any unacknowledged finding; record the findings and acknowledgments for the tests.
  const { AwsSolutionsChecks } = await import('cdk-nag');
  const { Validations } = await import('aws-cdk-lib');
  const report = new AwsSolutionsChecks().validateScope(app);
  const acknowledgments: NagAcknowledgmentRecord[] = [];
  for (const c of app.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, unknown>)) {
        acknowledgments.push({ path: c.node.path, id, reason: typeof reason === 'string' ? reason : '' });
      }
    }
  }
  writeFileSync(
    join(dir, 'cdk.out', 'cpkit-nag.json'),
    JSON.stringify({ violations: report.violations, acknowledgments }, null, 1),
  );
}

let cached: Promise<SynthesizedCpkitApp> | undefined;

/**
 * Synthesizes the CDK app once per content of its inputs and shares the result between test files (and
 * workers) through a directory under the OS temp dir: `cpkit-cdk-synth-<hash>`. The first caller takes a lock
 * directory and synthesizes; others wait for it. Older synth directories are removed.
 */
export function synthesizedCpkitApp(): Promise<SynthesizedCpkitApp> {
  cached ??= (async () => {
    const key = inputsHash();
    const dir = join(tmpdir(), `cpkit-cdk-synth-${key}`);
    const lock = `${dir}.lock`;
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (existsSync(join(dir, '.complete'))) return load(join(dir, 'cdk.out'));
      try {
        mkdirSync(lock);
      } catch {
        // Someone else synthesizes; a lock older than 3 minutes belongs to a dead run.
        if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 180_000)
          rmSync(lock, { recursive: true, force: true });
        if (Date.now() > deadline) throw new Error(`waited too long for the shared CDK synth (${lock})`);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      try {
        for (const old of readdirSync(tmpdir()).filter((n) => /^cpkit-cdk-synth-[0-9a-f]{16}$/.test(n))) {
          if (old !== `cpkit-cdk-synth-${key}`) rmSync(join(tmpdir(), old), { recursive: true, force: true });
        }
        const staging = `${dir}.staging-${process.pid}`;
        rmSync(staging, { recursive: true, force: true });
        await synthesizeInto(staging);
        if (!existsSync(join(staging, 'cdk.out', 'manifest.json')))
          throw new Error('synth wrote no manifest');
        rmSync(dir, { recursive: true, force: true });
        renameSync(staging, dir);
        writeFileSync(join(dir, '.complete'), new Date().toISOString());
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
  })();
  return cached;
}
