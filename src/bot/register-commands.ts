import { Routes, type REST } from 'discord.js';
import type { Command } from '../../commands/command.js';
import { registrationOf } from '../../commands/registration.js';
import type { Translations } from '../i18n/index.js';

export interface RegistrationTarget {
  applicationId: string;
  /** Registers to one guild (instant, for testing) instead of globally. */
  guildId?: string | undefined;
}

/**
 * Bulk-overwrites the application's commands so Discord's list always matches the registry exactly, each with
 * where it may be used and its texts in every language of the catalogues.
 */
export async function registerCommands(rest: REST, commands: readonly Command[], target: RegistrationTarget, i18n: Translations): Promise<number> {
  const route = target.guildId
    ? Routes.applicationGuildCommands(target.applicationId, target.guildId)
    : Routes.applicationCommands(target.applicationId);
  const registered = (await rest.put(route, { body: commands.map((command) => registrationOf(command, i18n)) })) as unknown[];
  return registered.length;
}
