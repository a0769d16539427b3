import { closeSync, existsSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export interface BackupResult {
  path: string;
  bytes: number;
  /** Row counts of every table in the copy. */
  tables: Record<string, number>;
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/**
 * A consistent copy of a live database with SQLite's online backup API (better-sqlite3's `.backup()`), safe while
 * the bot keeps writing in WAL mode. The copy is written next to the destination, checked with
 * `PRAGMA integrity_check`, switched to a self-contained rollback journal (no -wal file to forget), and only
 * then renamed into place, so a half-written backup never carries the final name.
 */
export async function backupDatabase({
  sourcePath,
  destinationPath,
  overwrite = false,
}: {
  sourcePath: string;
  destinationPath: string;
  overwrite?: boolean;
}): Promise<BackupResult> {
  const source = resolve(sourcePath);
  const destination = resolve(destinationPath);
  if (source === destination) throw new BackupError('the backup file cannot be the database itself');
  if (!existsSync(source)) throw new BackupError(`there is no database at ${source} (check DATABASE_PATH)`);
  if (existsSync(destination) && !overwrite) throw new BackupError(`${destination} already exists; choose another name or pass --force`);
  if (!existsSync(dirname(destination))) throw new BackupError(`the folder ${dirname(destination)} does not exist`);

  const partial = `${destination}.partial-${process.pid}`;
  // Owner-only from the first byte: the copy holds the sealed tokens. SQLite writes into the empty file it finds.
  rmSync(partial, { force: true });
  closeSync(openSync(partial, 'wx', 0o600));
  const sqlite = new Database(source, { fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 5000');
    // All remaining pages in one step: a step reads one consistent snapshot, whereas small steps restart from
    // scratch whenever another connection (the running bot) writes in between, which may never finish.
    await sqlite.backup(partial, { progress: () => 0x7fffffff });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    sqlite.close();
  }

  let tables: Record<string, number>;
  const copy = new Database(partial, { fileMustExist: true });
  try {
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new BackupError(`the copy failed PRAGMA integrity_check: ${String(integrity)}`);
    copy.pragma('journal_mode = DELETE');
    tables = rowCounts(copy);
  } catch (error) {
    copy.close();
    rmSync(partial, { force: true });
    throw error;
  }
  copy.close();
  renameSync(partial, destination);
  return { path: destination, bytes: statSync(destination).size, tables };
}

/** Row count per table (names come from sqlite_master, quoted as identifiers). */
export function rowCounts(sqlite: Database.Database): Record<string, number> {
  const names = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  return Object.fromEntries(
    names.map(({ name }) => [name, (sqlite.prepare(`SELECT COUNT(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n]),
  );
}
