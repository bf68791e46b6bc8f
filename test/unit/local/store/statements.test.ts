import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../local/store/database.js';
import { getPipeline, insertPipeline, listPipelineSummaries } from '../../../../local/store/pipeline-repo.js';
import { cachedRead } from '../../../../local/store/statements.js';

describe('Function: cachedRead', () => {
  let dir: string;
  let db: Db;
  let reads: number;
  const count = () =>
    cachedRead(db, 'count', () => {
      reads++;
      return (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cpkit-read-cache-'));
    db = openDatabase(dir);
    db.exec('CREATE TABLE t (v INTEGER)');
    reads = 0;
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads once while nothing changes', () => {
    // Act
    const results = [count(), count(), count()];

    // Assess
    expect(results).toEqual([0, 0, 0]);
    expect(reads).toBe(1);
  });

  it('reads again after a write through the same handle, even with raw SQL', () => {
    // Prepare
    count();

    // Act
    db.exec('INSERT INTO t VALUES (1)');

    // Assess
    expect(count()).toBe(1);
    expect(reads).toBe(2);
  });

  it('reads again after another connection committed', () => {
    // Prepare
    count();
    const other = new Database(join(dir, 'codepipeline.sqlite'));

    // Act
    other.prepare('INSERT INTO t VALUES (1)').run();
    other.close();

    // Assess
    expect(count()).toBe(1);
  });

  it('bypasses the cache inside a transaction and forgets what was rolled back', () => {
    // Prepare
    count();

    // Act
    let inside = -1;
    try {
      db.transaction(() => {
        db.prepare('INSERT INTO t VALUES (1)').run();
        inside = count();
        throw new Error('roll back');
      })();
    } catch {
      // expected
    }

    // Assess
    expect(inside).toBe(1);
    expect(count()).toBe(0);
  });

  it('uses an entry filled before a read-only transaction inside it', () => {
    // Prepare
    count();

    // Act
    const inside = db.transaction(() => count())();

    // Assess
    expect(inside).toBe(0);
    expect(reads).toBe(1);
  });

  it('reads again after a table is dropped and re-created empty', () => {
    // Prepare
    db.exec('INSERT INTO t VALUES (1)');
    expect(count()).toBe(1);

    // Act
    db.exec('DROP TABLE t; CREATE TABLE t (v INTEGER)');

    // Assess
    expect(count()).toBe(0);
  });

  it('freezes cached objects so a caller cannot change what the next caller gets', () => {
    // Act
    const row = cachedRead(db, 'row', () => ({ a: { b: 1 } }));

    // Assess
    expect(Object.isFrozen(row)).toBe(true);
    expect(Object.isFrozen(row.a)).toBe(true);
  });
});

describe('Function: getPipeline (cached)', () => {
  let dir: string;
  let db: Db;
  const declaration = (name: string, role: string) => ({
    name,
    roleArn: role,
    pipelineType: 'V2' as const,
    executionMode: 'QUEUED' as const,
    stages: [],
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cpkit-read-cache-'));
    db = openDatabase(dir);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every caller its own objects and sees a deleted and re-created pipeline', () => {
    // Prepare
    insertPipeline(db, { declaration: declaration('p', 'arn:1'), arn: 'arn:p', now: new Date(1000) });
    const first = getPipeline(db, 'p')!;
    first.declaration.roleArn = 'changed by a caller';
    first.metadata.created.setTime(0);

    // Act
    const second = getPipeline(db, 'p')!;
    db.exec(
      "DELETE FROM pipelines WHERE name = 'p'; DELETE FROM pipeline_versions WHERE pipeline_name = 'p'",
    );
    const gone = getPipeline(db, 'p');
    insertPipeline(db, { declaration: declaration('p', 'arn:2'), arn: 'arn:p', now: new Date(2000) });
    const third = getPipeline(db, 'p')!;

    // Assess
    expect(second.declaration.roleArn).toBe('arn:1');
    expect(second.metadata.created.getTime()).toBe(1000);
    expect(gone).toBeUndefined();
    expect(third.declaration.roleArn).toBe('arn:2');
    expect(listPipelineSummaries(db, undefined, 10).map((s) => s.created?.getTime())).toEqual([2000]);
  });
});
