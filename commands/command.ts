import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageComponentInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { AniListClient } from '../src/anilist/index.js';
import type { Logger } from '../src/logger.js';
import type { LinkService } from '../src/linking/link-service.js';

/** What commands may use. Built once per bot by createCommandDeps (src/app.ts calls it); tests pass their own. */
export interface CommandDeps {
  links: LinkService;
  anilist: AniListClient;
  clock: () => Date;
}

/** The services commands share, plus any per-bot state they keep (never module-level: two bots in one process). */
export function createCommandDeps(services: { links: LinkService; anilist: AniListClient; clock: () => Date }): CommandDeps {
  return { ...services };
}

export interface CommandContext<I> {
  interaction: I;
  deps: CommandDeps;
  /** A child logger tagged with the interaction id, command and user id. */
  log: Logger;
}

export interface Command {
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(context: CommandContext<ChatInputCommandInteraction>): Promise<void>;
  autocomplete?(context: CommandContext<AutocompleteInteraction>): Promise<void>;
  /** Receives buttons whose custom_id starts with `${definition.name}:`. */
  handleComponent?(context: CommandContext<MessageComponentInteraction>): Promise<void>;
}

/** Custom ids are `<command>:<action>:<args…>`, so the dispatcher can route a button to the command that issued it. */
export function customId(command: string, ...parts: (string | number)[]): string {
  return [command, ...parts].join(':');
}
