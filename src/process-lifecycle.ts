import closeWithGrace from 'close-with-grace';
import { ConfigError, type Config } from './config.js';
import { openDatabase, type OpenDatabase } from './db/database.js';
import type { Logger } from './logger.js';
import { migrationsFolder } from './paths.js';

/**
 * Signals close the process gracefully within `graceMs` (exit 0), a second signal exits at once, and an
 * uncaught exception closes it with exit 1. Stray promise rejections are logged, not fatal: one bad gateway
 * payload must not take every member's bot down.
 */
export function closeGracefullyOnSignals({
  logger,
  graceMs,
  close,
  processName,
}: {
  logger: Logger;
  graceMs: number;
  close: () => Promise<void>;
  /** Names the process in the shutdown log line when there are several (a shard). */
  processName?: string;
}): void {
  const shuttingDown = processName ? `${processName} shutting down` : 'shutting down';
  closeWithGrace(
    { delay: graceMs, logger: { error: (message: string) => logger.error(message) }, skip: ['unhandledRejection'] },
    async ({ signal, err }) => {
      if (err) logger.fatal({ err }, `unexpected error; ${shuttingDown}`);
      else logger.info({ signal }, shuttingDown);
      await close();
    },
  );
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
}

/** A start-up step failed: one actionable line for the admin, release what was opened, exit 1. */
export async function exitAfterStartupFailure(logger: Logger, message: string, close: () => Promise<void>): Promise<never> {
  logger.fatal(message);
  await close().catch(() => undefined);
  process.exit(1);
}

/** The configuration, or the list of its problems on stderr and exit 1 (no logger exists before it). */
export function loadConfigOrExit(load: () => Config): Config {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** The database, or one actionable line and exit 1. */
export function openDatabaseOrExit(path: string, logger: Logger, options: { migrate?: boolean } = {}): OpenDatabase {
  try {
    return openDatabase(path, migrationsFolder, options);
  } catch (error) {
    logger.fatal(`Cannot open the database at ${path}: ${(error as Error).message}. Check DATABASE_PATH and that the folder is writable.`);
    process.exit(1);
  }
}
