import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Another live process (or this one) already serves the data dir. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`data dir ${dataDir} is in use by process ${pid}`);
    this.name = 'DataDirInUseError';
  }
}

/** A held lock; `release()` is idempotent. */
export interface DataDirLock {
  readonly file: string;
  release(): void;
}

const LOCK_FILE = 'cpkit.lock';
const held = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data dir's lock file (`cpkit.lock`, holding the owner's pid). A lock left by a dead process
 * is taken over; a live owner -> `DataDirInUseError` ("data dir X is in use by process N").
 *
 * @example
 * const lock = lockDataDir('/tmp/data');
 * try { ... } finally { lock.release(); }
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      held.add(file);
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          held.delete(file);
          rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner: number;
    try {
      owner = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    } catch {
      continue; // removed meanwhile: try again
    }
    const ours = owner === process.pid;
    if (Number.isInteger(owner) && owner > 0 && ((ours && held.has(file)) || (!ours && isAlive(owner)))) {
      throw new DataDirInUseError(dataDir, owner);
    }
    rmSync(file, { force: true }); // stale: its process is gone (or it is unreadable)
  }
  throw new Error(`could not take the lock ${file}`);
}
