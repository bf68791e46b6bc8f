import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from '../../../local/data-dir-lock.js';

describe('Function: lockDataDir', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'cpkit-lock-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes the pid and refuses a second lock while held', () => {
    // Prepare
    const d = dir();

    // Act
    const lock = lockDataDir(d);

    // Assess
    expect(readFileSync(lock.file, 'utf8').trim()).toBe(String(process.pid));
    expect(() => lockDataDir(d)).toThrow(new DataDirInUseError(d, process.pid).message);
    lock.release();
    lockDataDir(d).release();
  });

  it('takes over a stale lock of a dead process', () => {
    // Prepare
    const d = dir();
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(join(d, 'cpkit.lock'), dead);

    // Act
    const lock = lockDataDir(d);

    // Assess
    expect(readFileSync(lock.file, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('refuses a lock held by another live process', () => {
    // Prepare
    const d = dir();
    writeFileSync(join(d, 'cpkit.lock'), String(process.ppid));

    // Act / Assess
    expect(() => lockDataDir(d)).toThrow(`data dir ${d} is in use by process ${process.ppid}`);
  });
});
