import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands } from '../commands/index.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { createStoredTokenOpener } from '../src/doctor/token-opener.js';
import { formatReport, runDoctor, type DoctorDeps } from '../src/doctor/run.js';
import { migrationsFolder, projectRoot } from '../src/paths.js';

/** `npm run doctor`: a ✓/✗ line per check, with the fix under each ✗. Exit code 0 only when everything is ✓. */
async function doctor(): Promise<number> {
  let config: DoctorDeps['config'];
  try {
    config = { config: loadConfig() };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    config = { problems: error.problems };
  }
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const results = await runDoctor({
    config,
    migrationsFolder,
    commands: commands.map((command) => command.definition),
    openToken: (account, key) => createStoredTokenOpener({ key })(account),
    userAgent: `anilink/${version} doctor${config.config ? ` (+${config.config.http.publicUrl})` : ''}`,
  });
  process.stdout.write(formatReport(results));
  return results.every((result) => result.ok) ? 0 : 1;
}

doctor().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`The doctor itself failed: ${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
