import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenDatabase {
  readonly db: Db;
  readonly sqlite: Database.Database;
  /** A cheap query that proves the file is readable, for /healthz. */
  isHealthy(): boolean;
  /**
   * Moves the WAL into the main file and truncates it. With secure_delete, deleted rows are overwritten with zeros
   * in the pages themselves, so after this nothing deleted (an unlinked token) is left in either file.
   */
  checkpoint(): void;
  close(): void;
}

/**
 * Opens (creating if needed) the SQLite file and brings its schema up to date. Migrations run at every start,
 * so a fresh path just works and an older database is upgraded in place. Several processes may open the same
 * file (sharding): WAL lets them read while one writes, and busy_timeout makes a writer wait for another.
 */
export function openDatabase(path: string, migrationsFolder: string, options: { migrate?: boolean } = {}): OpenDatabase {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Created owner-only: it holds the sealed tokens. SQLite gives its -wal and -shm files the same permissions.
    closeSync(openSync(path, 'a', 0o600));
  }
  const sqlite = new Database(path);
  try {
    sqlite.pragma('journal_mode = WAL');
    // Deleted content is overwritten with zeros instead of lingering in free space (per connection, so every
    // process that opens the file sets it).
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    const db = drizzle(sqlite, { schema });
    // Shard processes skip this: the sharding manager migrated the shared file before spawning them.
    if (options.migrate ?? true) migrate(db, { migrationsFolder });
    const healthCheck = sqlite.prepare('SELECT 1 AS ok');
    return {
      db,
      sqlite,
      isHealthy: () => {
        try {
          return (healthCheck.get() as { ok: number } | undefined)?.ok === 1;
        } catch {
          return false;
        }
      },
      checkpoint: () => void sqlite.pragma('wal_checkpoint(TRUNCATE)'),
      close: () => sqlite.close(),
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
