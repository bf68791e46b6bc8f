import type Database from 'better-sqlite3';
import type { Db } from './database.js';

const caches = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * The prepared statement for `sql` on `db`, prepared once per database handle and reused.
 * @example
 * stmt(db, 'SELECT name FROM pipelines WHERE name = ?').get('p');
 */
export function stmt(db: Db, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = db.prepare(sql)));
  return s;
}

/**
 * What changes whenever the content this handle can read may have changed:
 * - `total_changes()`: rows inserted, updated or deleted through this handle (incremented as each statement
 *   completes, so also by statements of a transaction that is later rolled back: a spurious change only);
 * - `data_version`: commits by any other connection, in this or another process;
 * - `schema_version`: DDL (a table dropped and re-created changes no row count).
 */
const STATE_SQL =
  "SELECT total_changes() || ':' || d.data_version || ':' || s.schema_version " +
  'FROM pragma_data_version d, pragma_schema_version s';
/** Entries per handle before the cache starts over (bounds memory; 1,000 pipelines fit). */
const MAX_READ_CACHE_ENTRIES = 2048;

interface ReadCache {
  state: string;
  readonly entries: Map<string, unknown>;
}
const readCaches = new WeakMap<Db, ReadCache>();

/**
 * The result of `read()` for `key`, reused while the database is unchanged: every entry is dropped as soon
 * as any row was written through `db`, another connection committed, or the schema changed (see STATE_SQL),
 * so a hit returns exactly what `read()` would read now. Inside a transaction entries are only used, never
 * filled (its own uncommitted writes may be rolled back). Results are shared between callers: cache
 * only plain data that nobody mutates (primitives, or objects frozen here), and build fresh objects from it.
 *
 * @example
 * const row = cachedRead(db, `pipeline\0${name}`, () => stmt(db, 'SELECT * FROM pipelines WHERE name = ?').get(name));
 */
export function cachedRead<T>(db: Db, key: string, read: () => T): T {
  const state = stmt(db, STATE_SQL).pluck().get() as string;
  const cache = readCaches.get(db);
  // Inside a transaction an entry filled outside it is still exact while the state is unchanged (no write
  // of this transaction yet, no commit seen from elsewhere), but nothing is filled: a fill could include
  // this transaction's own writes, which a rollback undoes without changing the state.
  if (db.inTransaction) {
    return cache?.state === state && cache.entries.has(key) ? (cache.entries.get(key) as T) : read();
  }
  if (!cache) readCaches.set(db, { state, entries: new Map() });
  else if (cache.state !== state || cache.entries.size >= MAX_READ_CACHE_ENTRIES) {
    cache.state = state;
    cache.entries.clear();
  }
  const entries = readCaches.get(db)!.entries;
  if (entries.has(key)) return entries.get(key) as T;
  const value = read();
  entries.set(key, freezeDeep(value));
  return value;
}

function freezeDeep<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) freezeDeep(v);
  }
  return value;
}

type AnyFunction = (...args: any[]) => unknown;
const transactions = new WeakMap<Db, Map<AnyFunction, AnyFunction>>();

/**
 * `fn` wrapped in a (deferred) transaction of `db`, built once per handle and function: `db.transaction()`
 * builds four wrapper functions on every call, which showed in the profile of per-request read transactions.
 * `fn` must be a long-lived function (module level), not a closure made per call.
 * @example
 * const readState = (name: string) => stmt(db, 'SELECT ...').all(name);
 * transactionOf(db, readState)('my-pipeline');
 */
export function transactionOf<F extends AnyFunction>(db: Db, fn: F): F {
  let byFn = transactions.get(db);
  if (!byFn) transactions.set(db, (byFn = new Map()));
  let wrapped = byFn.get(fn);
  if (!wrapped) byFn.set(fn, (wrapped = db.transaction(fn) as AnyFunction));
  return wrapped as F;
}
