import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A `--cdk-out` directory that is not a synthesized cloud assembly. */
export class CdkOutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CdkOutError';
  }
}

/**
 * Checks that `dir` is a cloud assembly directory (exists, is a directory, has `manifest.json`) and
 * returns its absolute path. Loading its pipelines and functions belongs to the CDK issue.
 *
 * @example
 * const cdkOut = checkCdkOutDir('cdk.out');
 */
export function checkCdkOutDir(dir: string): string {
  const path = resolve(dir);
  if (!existsSync(path)) throw new CdkOutError(`--cdk-out: directory not found: ${path}`);
  if (!statSync(path).isDirectory()) throw new CdkOutError(`--cdk-out: not a directory: ${path}`);
  if (!existsSync(join(path, 'manifest.json'))) {
    throw new CdkOutError(`--cdk-out: ${path} has no manifest.json (run \`cdk synth\` first)`);
  }
  return path;
}
