import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromBuffer } from 'yauzl';
import {
  findSourceDir,
  parseSourceDirs,
  zipFolder,
} from '../../../../../local/engine/action-runners/local-folder-source.js';
import { EngineFlagsError, engineSettingsFromFlags } from '../../../../../local/commands/engine-flags.js';
import { tempDir } from '../../../../helpers/local-server.js';

const dir = tempDir('cpkit-folder-source-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'repo', 'src'), { recursive: true });
mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
writeFileSync(join(dir, 'repo', 'README.md'), 'hello\n');
writeFileSync(join(dir, 'repo', 'src', 'app.js'), 'console.log(1);\n');
writeFileSync(join(dir, 'repo', '.git', 'HEAD'), 'ref: refs/heads/main\n');

function entries(zip: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      const names: string[] = [];
      file.on('entry', (e: { fileName: string }) => {
        names.push(e.fileName);
        file.readEntry();
      });
      file.on('end', () => resolve(names));
      file.readEntry();
    });
  });
}

describe('Function: parseSourceDirs', () => {
  it('reads Provider=DIR and Provider:ActionName=DIR relative to a base dir', () => {
    expect(parseSourceDirs(['CodeCommit=repo', 'GitHub:App=repo/src'], dir)).toEqual([
      { provider: 'CodeCommit', dir: join(dir, 'repo') },
      { provider: 'GitHub', actionName: 'App', dir: join(dir, 'repo', 'src') },
    ]);
  });

  it('rejects a wrong syntax and a path that is not a folder, naming the value', () => {
    expect(() => parseSourceDirs(['CodeCommit'], dir)).toThrow(/Provider=DIR/);
    expect(() => parseSourceDirs(['CodeCommit=missing'], dir)).toThrow(/is not a folder/);
    expect(() => engineSettingsFromFlags({ sourceDir: ['CodeCommit=/no/such/dir'] })).toThrow(
      EngineFlagsError,
    );
  });
});

describe('Function: findSourceDir', () => {
  it('prefers the mapping of the action over the one of its provider', () => {
    const mappings = [
      { provider: 'GitHub', dir: '/all' },
      { provider: 'GitHub', actionName: 'App', dir: '/app' },
    ];
    expect(findSourceDir(mappings, 'GitHub', 'App')?.dir).toBe('/app');
    expect(findSourceDir(mappings, 'GitHub', 'Other')?.dir).toBe('/all');
    expect(findSourceDir(mappings, 'CodeCommit', 'App')).toBeUndefined();
  });
});

describe('Function: zipFolder', () => {
  it('zips the files without .git, deterministically, with the SHA-256 of paths and contents as revision', async () => {
    const first = await zipFolder(join(dir, 'repo'));
    const second = await zipFolder(join(dir, 'repo'));
    const expected = createHash('sha256')
      .update('README.md\0hello\n\0')
      .update('src/app.js\0console.log(1);\n\0')
      .digest('hex');
    expect(await entries(first.zip)).toEqual(['README.md', 'src/app.js']);
    expect(first.revision).toBe(expected);
    expect(second.zip.equals(first.zip)).toBe(true);
    writeFileSync(join(dir, 'repo', 'README.md'), 'changed\n');
    expect((await zipFolder(join(dir, 'repo'))).revision).not.toBe(expected);
  });
});
