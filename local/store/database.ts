import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrations } from './migrations/index.js';

/** The engine's embedded database handle. */
export type Db = Database.Database;

/**
 * Opens (creating if needed) the engine's SQLite database in `dataDir` (or in memory for `':memory:'`),
 * in WAL mode with synchronous=FULL so that a write acknowledged to a client survives `kill -9`,
 * and applies pending migrations, each in its own transaction.
 */
export function openDatabase(dataDir: string | ':memory:'): Db {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'codepipeline.sqlite');
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
  );
  const ids = Object.keys(migrations).sort();
  for (const id of ids) {
    if (applied.has(id)) continue;
    db.transaction(() => {
      db.exec(migrations[id]);
      db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(id, Date.now());
    })();
  }
}
