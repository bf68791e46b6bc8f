import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The S3 store's own metadata database handle (separate from the engine's). */
export type S3Db = Database.Database;

/**
 * The store's schema migrations, applied in key order, each once, each in one transaction.
 * Never edit one that has shipped: add a new one.
 */
export const S3_MIGRATIONS: Readonly<Record<string, string>> = {
  '001-buckets-objects': `
    CREATE TABLE buckets (
      name TEXT PRIMARY KEY,
      region TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      versioning TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE objects (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      bucket TEXT NOT NULL REFERENCES buckets(name),
      key TEXT NOT NULL,
      version_id TEXT NOT NULL,
      is_latest INTEGER NOT NULL,
      is_delete_marker INTEGER NOT NULL,
      blob TEXT,
      size INTEGER NOT NULL DEFAULT 0,
      etag TEXT NOT NULL DEFAULT '',
      last_modified INTEGER NOT NULL,
      content_type TEXT,
      headers TEXT NOT NULL DEFAULT '{}',
      metadata TEXT NOT NULL DEFAULT '{}',
      sse TEXT,
      checksum TEXT,
      part_sizes TEXT,
      UNIQUE (bucket, key, version_id)
    );
    CREATE INDEX objects_latest ON objects (bucket, key) WHERE is_latest = 1;
    CREATE TABLE uploads (
      upload_id TEXT PRIMARY KEY,
      bucket TEXT NOT NULL REFERENCES buckets(name),
      key TEXT NOT NULL,
      initiated INTEGER NOT NULL,
      content_type TEXT,
      headers TEXT NOT NULL DEFAULT '{}',
      metadata TEXT NOT NULL DEFAULT '{}',
      sse TEXT,
      checksum_algorithm TEXT,
      checksum_type TEXT
    );
    CREATE TABLE parts (
      upload_id TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,
      part_number INTEGER NOT NULL,
      blob TEXT NOT NULL,
      size INTEGER NOT NULL,
      etag TEXT NOT NULL,
      md5 TEXT NOT NULL,
      checksum TEXT,
      last_modified INTEGER NOT NULL,
      PRIMARY KEY (upload_id, part_number)
    );
  `,
  '002-object-tags': `
    ALTER TABLE objects ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE uploads ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';
  `,
};

/**
 * Opens (creating) `<s3Dir>/index.sqlite` in WAL mode with synchronous=FULL, so that an object whose
 * PUT was acknowledged survives `kill -9`, and applies pending migrations.
 */
export function openS3Database(s3Dir: string): S3Db {
  mkdirSync(s3Dir, { recursive: true });
  const db = new Database(join(s3Dir, 'index.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
  );
  for (const id of Object.keys(S3_MIGRATIONS).sort()) {
    if (applied.has(id)) continue;
    db.transaction(() => {
      db.exec(S3_MIGRATIONS[id]);
      db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(id, Date.now());
    })();
  }
  return db;
}
