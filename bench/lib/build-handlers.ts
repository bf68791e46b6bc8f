import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../local/package-root.js';

/** scripts/build.mjs's exports the benches use. */
interface BuildScript {
  handlerNames(): string[];
  bundleHandler(entry: string, outfile: string): Promise<unknown>;
}

async function buildScript(): Promise<BuildScript> {
  return (await import(pathToFileURL(join(packageRoot(), 'scripts', 'build.mjs')).href)) as BuildScript;
}

/**
 * Bundles one handler `entry` to `outfile` with scripts/build.mjs's `bundleHandler`.
 *
 * @example
 * await bundleOne('bench/fixtures/timed-handler.ts', '/tmp/timed/index.mjs');
 */
export async function bundleOne(entry: string, outfile: string): Promise<void> {
  const { bundleHandler } = await buildScript();
  await bundleHandler(entry, outfile);
}

/** A handler bundle built for a benchmark. */
export interface BuiltBundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
}

/**
 * Bundles the floor handler (bench/fixtures/floor-handler.ts) and every handler of lambdas/handlers/ with
 * scripts/build.mjs's `bundleHandler` (the options of `npm run build`) into `outDir`, a private directory so a
 * concurrent build emptying dist/lambdas cannot pull a bundle away mid-run.
 *
 * @example
 * const { floor, handlers } = await buildHandlerBundles('/tmp/x');
 */
export async function buildHandlerBundles(
  outDir: string,
  only?: readonly string[],
): Promise<{ floor: BuiltBundle; handlers: BuiltBundle[] }> {
  const root = packageRoot();
  const { handlerNames, bundleHandler } = await buildScript();
  mkdirSync(outDir, { recursive: true });
  const build = async (name: string, entry: string): Promise<BuiltBundle> => {
    const file = join(outDir, name, 'index.mjs');
    await bundleHandler(entry, file);
    return { name, file, bytes: statSync(file).size };
  };
  const names = handlerNames().filter((n) => !only || only.includes(n));
  const floor = await build('floor', join(root, 'bench', 'fixtures', 'floor-handler.ts'));
  const handlers: BuiltBundle[] = [];
  for (const name of names) {
    handlers.push(await build(name, join(root, 'lambdas', 'handlers', name, 'index.ts')));
  }
  return { floor, handlers };
}
