import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backupDatabase, rowCounts } from '../../src/db/backup.js';
import { projectRoot } from '../../src/paths.js';
import { useTempDir } from '../support/temp.js';
import { DAY_MS, linkRow, openTestDatabase } from './helpers.js';

const tempDir = useTempDir('anilink-backup-');
const TSX = join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const BATCH = 50;

/**
 * Another process writing the way the bot does (its own connection, WAL mode): transactions of BATCH rows
 * in a loop until killed, so a consistent copy always holds a multiple of BATCH rows.
 */
const WRITER = `
const Database = require(${JSON.stringify(join(projectRoot, 'node_modules', 'better-sqlite3'))});
const db = new Database(process.argv[1]);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare('INSERT INTO writes (batch, payload) VALUES (?, ?)');
const batch = db.transaction((n) => { for (let i = 0; i < ${BATCH}; i++) insert.run(n, 'x'.repeat(200)); });
let n = 0;
process.stdout.write('ready\\n');
for (;;) batch(n++);
`;

function prepareDatabase(dir: string): string {
  const { database, accounts, path } = openTestDatabase(dir);
  for (let i = 0; i < 25; i++) accounts.save(linkRow(`3000000000000001${String(i).padStart(2, '0')}`, new Date(Date.now() + 300 * DAY_MS)), new Date());
  database.sqlite.exec('CREATE TABLE writes (id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, payload TEXT NOT NULL)');
  // A few MB, so the copy takes long enough for the writer to get in between.
  const fill = database.sqlite.transaction(() => {
    const insert = database.sqlite.prepare('INSERT INTO writes (batch, payload) VALUES (-1, ?)');
    for (let i = 0; i < 20_000; i++) insert.run('y'.repeat(200));
  });
  fill();
  database.close();
  return path;
}

function countRows(path: string): number {
  const sqlite = new Database(path, { readonly: true });
  try {
    return (sqlite.prepare('SELECT COUNT(*) AS n FROM writes').get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

describe('online backup', () => {
  it('copies a consistent, intact database while another connection keeps writing', async () => {
    const dir = tempDir();
    const path = prepareDatabase(dir);
    const writer = spawn(process.execPath, ['-e', WRITER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        writer.stdout.once('data', () => resolve());
        writer.once('exit', (code) => reject(new Error(`writer exited with ${code}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const before = countRows(path);
      const copies = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const result = await backupDatabase({ sourcePath: path, destinationPath: join(dir, `backup-${i}.sqlite`) });
        copies.push({ ...result, ms: performance.now() - started });
      }
      const after = countRows(path);
      expect(after).toBeGreaterThan(before);

      let previous = 0;
      for (const copy of copies) {
        const sqlite = new Database(copy.path, { readonly: true });
        try {
          expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
          expect(sqlite.pragma('journal_mode', { simple: true })).toBe('delete');
          const counts = rowCounts(sqlite);
          expect(counts).toEqual(copy.tables);
          expect(counts.linked_accounts).toBe(25);
          const written = counts.writes! - 20_000;
          // Whole transactions only, growing from copy to copy, within what the writer had written.
          expect(written % BATCH).toBe(0);
          expect(counts.writes).toBeGreaterThanOrEqual(Math.max(before, previous));
          expect(counts.writes).toBeLessThanOrEqual(after);
          previous = counts.writes!;
        } finally {
          sqlite.close();
        }
      }
      console.log(
        `backup under concurrent writes: ${copies.map((c) => `${(c.bytes / 1_048_576).toFixed(1)} MiB in ${Math.round(c.ms)} ms`).join(', ')}; writer added ${after - before} rows meanwhile`,
      );
      expect(readdirSync(dir).filter((name) => name.includes('.partial-'))).toEqual([]);
      expect(existsSync(`${copies[0]!.path}-wal`)).toBe(false);
    } finally {
      writer.kill();
    }
  });

  it('refuses to overwrite a file or to copy onto the database itself', async () => {
    const dir = tempDir();
    const { database, path } = openTestDatabase(dir);
    database.close();
    const destination = join(dir, 'copy.sqlite');
    await backupDatabase({ sourcePath: path, destinationPath: destination });
    await expect(backupDatabase({ sourcePath: path, destinationPath: destination })).rejects.toThrow(/already exists/);
    await expect(backupDatabase({ sourcePath: path, destinationPath: destination, overwrite: true })).resolves.toMatchObject({ path: destination });
    await expect(backupDatabase({ sourcePath: path, destinationPath: path })).rejects.toThrow(/database itself/);
    await expect(backupDatabase({ sourcePath: join(dir, 'missing.sqlite'), destinationPath: join(dir, 'x.sqlite') })).rejects.toThrow(/DATABASE_PATH/);
  });

  it('npm run db:backup -- <file>: the script backs up DATABASE_PATH and prints the row counts', () => {
    const dir = tempDir();
    const { database, accounts, path } = openTestDatabase(dir);
    accounts.save(linkRow('300000000000000201', new Date(Date.now() + DAY_MS)), new Date());
    database.close();
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', TSX, join(projectRoot, 'scripts', 'db-backup.ts'), ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH, DATABASE_PATH: path },
        encoding: 'utf8',
      });
    const ok = run(join(dir, 'nightly.sqlite'));
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^Backed up to .*nightly\.sqlite .*integrity ok.*linked_accounts 1/);
    const again = run(join(dir, 'nightly.sqlite'));
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('--force');
    const usage = run();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run db:backup -- <backup file>');
  });
});
