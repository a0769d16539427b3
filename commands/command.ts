import {
  ApplicationCommandType,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type MessageComponentInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
  type UserContextMenuCommandInteraction,
} from 'discord.js';
import type { AniListClient } from '../src/anilist/index.js';
import type { Translations, Translator } from '../src/i18n/index.js';
import type { LinkService } from '../src/linking/index.js';
import type { Logger } from '../src/logger.js';
import type { LinkedRoles } from '../src/roles/index.js';
import type { ServerMembership } from '../src/servers/membership.js';
import { createServerViews, type ServerViews, type ServerViewsTuning } from './media/server-views.js';
import type { NotificationSettings } from '../src/notifications/index.js';
import type { AiringFeedSettings } from '../src/airing/index.js';
import { createKeystrokeTracker, type KeystrokeTracker } from './media/suggestions.js';
import { createRandomPicks, type RandomPicks } from './taste/random-picks.js';

/** The services commands use, built by the application (src/app.ts). */
export interface CommandServices {
  links: LinkService;
  anilist: AniListClient;
  /** Which linked members used the bot in which server (recorded by the dispatcher). */
  membership: ServerMembership;
  /** Members' role connections: /update passes on the statistics AniList answered with, /unlink clears them. */
  linkedRoles: Pick<LinkedRoles, 'noteStatistics' | 'has' | 'disconnect'>;
  clock: () => Date;
  /** The message catalogues; each interaction gets its member's translator (`CommandContext.t`) from them. */
  i18n: Translations;
  logger?: Logger | undefined;
  /** Knobs of the per-bot state (tests). */
  tuning?: { serverViews?: ServerViewsTuning | undefined } | undefined;
  /** Members' `/notifications` opt-ins. */
  notifications: NotificationSettings;
  /** Servers' `/airing-feed`. */
  airingFeeds: AiringFeedSettings;
}

/** What commands may use: the services, plus the state commands keep per bot. */
export interface CommandDeps extends CommandServices {
  /** The newest autocomplete keystroke of each member, so older ones waiting for AniList are abandoned. */
  keystrokes: KeystrokeTracker;
  /** "Who in this server has this title", cached per server and title. */
  serverViews: ServerViews;
  /** /random's pools, so "Reroll" asks AniList nothing. */
  randomPicks: RandomPicks;
}

/** The services commands share, plus any per-bot state they keep (never module-level: two bots in one process). */
export function createCommandDeps(services: CommandServices): CommandDeps {
  return {
    ...services,
    keystrokes: createKeystrokeTracker(),
    serverViews: createServerViews(services, services.tuning?.serverViews),
    randomPicks: createRandomPicks({ clock: services.clock }),
  };
}

export interface CommandContext<I> {
  interaction: I;
  deps: CommandDeps;
  /** A child logger tagged with the interaction id, command and user id. */
  log: Logger;
  /**
   * Everything said to the member who sent the interaction, in their Discord language (`interaction.locale`),
   * English where a catalogue lacks a message: `t('list.empty', { … })`.
   */
  t: Translator;
}

/**
 * Where members may use a command, mapped to Discord's `integration_types` and `contexts` at registration:
 * - `everywhere`: installed on a server or on the member's own account, used in servers, the bot's DM and other
 *   DMs and group DMs (a member who installed the app on their account can use it in a server without the bot);
 * - `server`: installed on a server, used in its channels only (the default).
 */
export type CommandInstall = 'everywhere' | 'server';

type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/**
 * A slash command as registered with Discord. Written as a literal (`as const`) so its options keep their
 * names, types and choices, and `readOptions` can type what the interaction carries from it.
 */
export type CommandDefinition = DeepReadonly<RESTPostAPIChatInputApplicationCommandsJSONBody>;

/** A user context-menu command (right-click a member → Apps): a name, no description, no options. */
export type UserCommandDefinition = DeepReadonly<RESTPostAPIContextMenuApplicationCommandsJSONBody> & { readonly type: ApplicationCommandType.User };

/** A slash command. Declare it with `satisfies ChatInputCommand`, so it keeps its literal definition. */
export interface ChatInputCommand {
  definition: CommandDefinition;
  /** Where it can be used (default `server`); see CommandInstall. */
  install?: CommandInstall;
  execute(context: CommandContext<ChatInputCommandInteraction>): Promise<void>;
  autocomplete?(context: CommandContext<AutocompleteInteraction>): Promise<void>;
  /** Receives buttons whose custom_id starts with `${definition.name}:`. */
  handleComponent?(context: CommandContext<MessageComponentInteraction>): Promise<void>;
}

/** A user context-menu command. Declare it with `satisfies UserCommand`. */
export interface UserCommand {
  definition: UserCommandDefinition;
  /** Where it can be used (default `server`); see CommandInstall. */
  install?: CommandInstall;
  execute(context: CommandContext<UserContextMenuCommandInteraction>): Promise<void>;
}

/** Anything in the registry: Discord tells them apart by type, so a slash command and a menu may share a name. */
export type Command = ChatInputCommand | UserCommand;

export function isUserCommand(command: Command): command is UserCommand {
  return command.definition.type === ApplicationCommandType.User;
}

export function isChatInputCommand(command: Command): command is ChatInputCommand {
  return !isUserCommand(command);
}

/** Custom ids are `<command>:<action>:<args…>`, so the dispatcher can route a button to the command that issued it. */
export function customId(command: string, ...parts: (string | number)[]): string {
  return [command, ...parts].join(':');
}
