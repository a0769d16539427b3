import { REST, Routes, type RESTGetCurrentApplicationResult } from 'discord.js';
import { commands } from '../commands/index.js';
import { registerCommands } from '../src/bot/register-commands.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { createTranslations } from '../src/i18n/index.js';

/** `npm run commands:deploy`: the same bulk overwrite the bot does at start-up, on demand. */
async function deploy(): Promise<void> {
  const config = loadConfig();
  const rest = new REST({ api: config.discord.apiUrl }).setToken(config.discord.token);
  const application = (await rest.get(Routes.currentApplication())) as RESTGetCurrentApplicationResult;
  const count = await registerCommands(rest, commands, { applicationId: application.id, guildId: config.discord.guildId }, createTranslations());
  process.stdout.write(
    `Registered ${count} commands ${config.discord.guildId ? `to guild ${config.discord.guildId}` : 'globally (may take up to an hour to appear)'}.\n`,
  );
}

deploy().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Could not register commands: ${(error as Error).message}\n`);
  process.exit(1);
});
