import { parseArgs } from 'node:util';
import { loadDatabasePath } from '../src/config.js';
import { backupDatabase } from '../src/db/backup.js';

const USAGE = `Usage: npm run db:backup -- <backup file> [--force]

Copies the database named by DATABASE_PATH (from .env or the environment) to <backup file> while the bot
keeps running, checks the copy, and prints its row counts. --force replaces an existing file.
Restore: stop the bot, replace the database file with the backup, delete any -wal and -shm files next to
it, and start the bot (see README → Backups).
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [destination, ...extra] = positionals;
  if (!destination || extra.length > 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const started = performance.now();
  const result = await backupDatabase({ sourcePath: loadDatabasePath(), destinationPath: destination, overwrite: values.force });
  const counts = Object.entries(result.tables)
    .filter(([name]) => !name.startsWith('__'))
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  process.stdout.write(
    `Backed up to ${result.path} (${(result.bytes / 1024).toFixed(0)} KiB, integrity ok, ${Math.round(performance.now() - started)} ms): ${counts}\n`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Backup failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
