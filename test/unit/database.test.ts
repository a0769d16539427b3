import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrationsFolder, projectRoot } from '../../src/paths.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-db-');

function tableNames(path: string): string[] {
  const database = openDatabase(path, migrationsFolder);
  try {
    return (database.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
      (row) => row.name,
    );
  } finally {
    database.close();
  }
}

describe('database', () => {
  it('creates a fresh file (and its folder) with every table, in WAL mode with foreign keys on', () => {
    const path = join(tempDir(), 'nested', 'folder', 'anilink.sqlite');
    expect(tableNames(path)).toEqual(expect.arrayContaining(['link_requests', 'linked_accounts', '__drizzle_migrations']));
    const database = openDatabase(path, migrationsFolder);
    try {
      expect(database.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(database.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(database.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(database.isHealthy()).toBe(true);
    } finally {
      database.close();
    }
  });

  it('migrating the same file twice is harmless and keeps data', () => {
    const path = join(tempDir(), 'anilink.sqlite');
    const first = openDatabase(path, migrationsFolder);
    first.sqlite
      .prepare(
        `INSERT INTO linked_accounts (discord_user_id, anilist_user_id, anilist_name, anilist_site_url, sealed_token, token_expires_at, score_format, title_language)
         VALUES ('1', 2, 'name', 'https://anilist.co/user/name', 'v1.x', 0, 'POINT_10', 'ROMAJI')`,
      )
      .run();
    const applied = (first.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
    first.close();

    const second = openDatabase(path, migrationsFolder);
    try {
      expect((second.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n).toBe(applied);
      expect((second.sqlite.prepare('SELECT count(*) AS n FROM linked_accounts').get() as { n: number }).n).toBe(1);
    } finally {
      second.close();
    }
  });

  it('reports unhealthy once closed', () => {
    const database = openDatabase(join(tempDir(), 'anilink.sqlite'), migrationsFolder);
    database.close();
    expect(database.isHealthy()).toBe(false);
  });

  it('the committed migrations match src/db/schema.ts (drizzle-kit generates nothing new)', () => {
    const out = join(tempDir(), 'migrations');
    cpSync(migrationsFolder, out, { recursive: true });
    const before = readdirSync(out).sort();
    const output = execFileSync(
      join(projectRoot, 'node_modules', '.bin', 'drizzle-kit'),
      // drizzle-kit prefixes `./` to the folder, so it must be relative to the working directory.
      ['generate', '--dialect', 'sqlite', '--schema', 'src/db/schema.ts', '--out', relative(projectRoot, out)],
      { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(readdirSync(out).sort()).toEqual(before);
    expect(output).toMatch(/No schema changes/i);
  }, 60_000);
});
