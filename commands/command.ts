import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageComponentInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { AniListClient } from '../src/anilist/index.js';
import type { LinkService } from '../src/linking/index.js';
import type { Logger } from '../src/logger.js';
import type { NotificationSettings } from '../src/notifications/index.js';
import { createKeystrokeTracker, type KeystrokeTracker } from './media/suggestions.js';

/** The services commands use, built by the application (src/app.ts). */
export interface CommandServices {
  links: LinkService;
  anilist: AniListClient;
  clock: () => Date;
  /** Members' `/notifications` opt-ins. */
  notifications: NotificationSettings;
}

/** What commands may use: the services, plus the state commands keep per bot. */
export interface CommandDeps extends CommandServices {
  /** The newest autocomplete keystroke of each member, so older ones waiting for AniList are abandoned. */
  keystrokes: KeystrokeTracker;
}

/** The services commands share, plus any per-bot state they keep (never module-level: two bots in one process). */
export function createCommandDeps(services: CommandServices): CommandDeps {
  return { ...services, keystrokes: createKeystrokeTracker() };
}

export interface CommandContext<I> {
  interaction: I;
  deps: CommandDeps;
  /** A child logger tagged with the interaction id, command and user id. */
  log: Logger;
}

type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/**
 * A slash command as registered with Discord. Written as a literal (`as const`) so its options keep their
 * names, types and choices, and `readOptions` can type what the interaction carries from it.
 */
export type CommandDefinition = DeepReadonly<RESTPostAPIChatInputApplicationCommandsJSONBody>;

/** Declare commands with `satisfies Command`, so each keeps its literal definition. */
export interface Command {
  definition: CommandDefinition;
  execute(context: CommandContext<ChatInputCommandInteraction>): Promise<void>;
  autocomplete?(context: CommandContext<AutocompleteInteraction>): Promise<void>;
  /** Receives buttons whose custom_id starts with `${definition.name}:`. */
  handleComponent?(context: CommandContext<MessageComponentInteraction>): Promise<void>;
}

/** Custom ids are `<command>:<action>:<args…>`, so the dispatcher can route a button to the command that issued it. */
export function customId(command: string, ...parts: (string | number)[]): string {
  return [command, ...parts].join(':');
}
