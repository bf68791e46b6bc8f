import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, { types?: string; import?: string } | string>;
};
// The consumer project lives inside the repo so that the package's own dependencies resolve from the
// repo's node_modules by walking up (no registry access needed), while the package itself comes
// only from the packed tarball.
const work = join(root, '.cpkit', 'pack-test');
const installed = join(work, 'node_modules', pkg.name);
const entryPoints = Object.keys(pkg.exports).filter((k) => k !== './package.json');

describe('Package: npm pack', () => {
  beforeAll(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(installed, { recursive: true });
    // `npm pack` runs `prepack` (the full build: declarations + bundles).
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [{ filename }] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
    execFileSync('tar', ['-xzf', join(work, filename), '-C', installed, '--strip-components=1']);
    writeFileSync(
      join(work, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships the files of every entry point and no sources or tests', () => {
    for (const entry of entryPoints) {
      const target = pkg.exports[entry];
      const files = typeof target === 'string' ? [target] : [target.import, target.types];
      for (const file of files) expect(existsSync(join(installed, file!)), `${entry} -> ${file}`).toBe(true);
    }
    expect(existsSync(join(installed, 'test'))).toBe(false);
    expect(existsSync(join(installed, 'lambdas', 'toolkit'))).toBe(false);
    expect(existsSync(join(installed, 'bin', 'cpkit.mjs'))).toBe(true);
  });

  it('imports each entry point from a consumer project', () => {
    const names = entryPoints.map((e) => (e === '.' ? pkg.name : `${pkg.name}/${e.slice(2)}`));
    const script = names
      .map(
        (n, i) =>
          `const m${i} = await import(${JSON.stringify(n)}); console.log(${JSON.stringify(n)}, Object.keys(m${i}).length);`,
      )
      .join('\n');
    writeFileSync(join(work, 'import-all.mjs'), script);
    const out = execFileSync(process.execPath, ['import-all.mjs'], { cwd: work, encoding: 'utf8' });
    for (const n of names) expect(out).toMatch(new RegExp(`^${n.replace('/', '\\/')} [1-9]`, 'm'));
  });

  it('type-checks a consumer that imports each entry point through the .d.ts files', () => {
    const names = entryPoints.map((e) => (e === '.' ? pkg.name : `${pkg.name}/${e.slice(2)}`));
    writeFileSync(
      join(work, 'consumer.ts'),
      names.map((n, i) => `import * as m${i} from '${n}';\nvoid m${i};`).join('\n'),
    );
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    execFileSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      {
        cwd: work,
        encoding: 'utf8',
      },
    );
  });

  it('starts the packaged local CodePipeline from codepipeline-kit/testing and answers the real SDK', () => {
    // The service model and every migration must ship inside the tarball for this to work.
    writeFileSync(
      join(work, 'engine.mjs'),
      [
        "import { startLocalCodePipeline, buildJobEvent } from 'codepipeline-kit/testing';",
        "import { CodePipelineClient, ListActionTypesCommand, GetPipelineCommand } from '@aws-sdk/client-codepipeline';",
        'const local = await startLocalCodePipeline({ port: 0 });',
        "const client = new CodePipelineClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });",
        "const types = await client.send(new ListActionTypesCommand({ actionOwnerFilter: 'AWS' }));",
        'let missing;',
        "try { await client.send(new GetPipelineCommand({ name: 'nope' })); } catch (err) { missing = err.name; }",
        "console.log(JSON.stringify({ types: types.actionTypes.length, missing, job: typeof buildJobEvent()['CodePipeline.job'].id }));",
        'client.destroy();',
        'await local.stop();',
      ].join('\n'),
    );
    const out = execFileSync(process.execPath, ['engine.mjs'], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    const result = JSON.parse(out.trim().split('\n').pop()!) as {
      types: number;
      missing: string;
      job: string;
    };
    expect(result.types).toBeGreaterThan(10);
    expect(result.missing).toBe('PipelineNotFoundException');
    expect(result.job).toBe('string');
  });

  it('runs the cpkit bin from the installed package', () => {
    const out = execFileSync(process.execPath, [join(installed, 'bin', 'cpkit.mjs'), '--version'], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe(pkg.version);
  });
});
