import { Routes, type REST } from 'discord.js';
import type { Command } from '../../commands/command.js';

export interface RegistrationTarget {
  applicationId: string;
  /** Registers to one guild (instant, for testing) instead of globally. */
  guildId?: string | undefined;
}

/** Bulk-overwrites the application's commands so Discord's list always matches the registry exactly. */
export async function registerCommands(rest: REST, commands: readonly Command[], target: RegistrationTarget): Promise<number> {
  const route = target.guildId
    ? Routes.applicationGuildCommands(target.applicationId, target.guildId)
    : Routes.applicationCommands(target.applicationId);
  const registered = (await rest.put(route, { body: commands.map((command) => command.definition) })) as unknown[];
  return registered.length;
}
