import {
  ApplicationCommandType,
  MessageFlags,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageComponentInteraction,
  type RepliableInteraction,
  type UserContextMenuCommandInteraction,
} from 'discord.js';
import { isChatInputCommand, isUserCommand, type ChatInputCommand, type Command, type CommandDeps, type UserCommand } from '../../commands/command.js';
import { placeOf } from '../../commands/where.js';
import { msg, type Translator } from '../i18n/index.js';
import { UNEXPECTED_ERROR_MESSAGE, UserFacingError, type UserFacingText } from '../user-facing-error.js';
import type { Logger } from '../logger.js';
import { settleInteractionChannel } from './interaction-channel.js';

export const UNKNOWN_COMMAND_MESSAGE = msg('common.unknownCommand');
export const STALE_COMPONENT_MESSAGE = msg('common.staleComponent');

export interface DispatcherDeps {
  commands: readonly Command[];
  /**
   * What the commands get: createCommandDeps(...)'s result. Bare services are still accepted, and then get
   * their per-bot state here (one dispatcher per bot), until every caller passes createCommandDeps's result.
   */
  deps: CommandDeps;
  logger: Logger;
  /** Told about every handled interaction, e.g. for metrics. Optional; the dispatcher works the same without. */
  observer?: InteractionObserver | undefined;
  /**
   * Told, before the handler runs, about every interaction in a server the bot is in: who used the bot where
   * (server membership). Not for a server where only the member installed the app: the bot cannot see its members.
   * Must be cheap and synchronous; a failure is logged and the interaction goes on.
   */
  onGuildInteraction?: ((guildId: string, discordUserId: string) => void) | undefined;
  /** What a member must be told the next time they run a command, shown privately after its answer. */
  notices?: MemberNotices | undefined;
}

/** Messages owed to members (e.g. "I could not DM you your notifications"), each shown once. */
export interface MemberNotices {
  /** Said in the language of the member's interaction. */
  pendingFor(discordUserId: string): UserFacingText | undefined;
  /** The notice reached the member. */
  delivered(discordUserId: string): void;
}

export interface InteractionObservation {
  /** A command in the registry, or 'unknown' (so stale or forged names cannot grow label sets without bound). */
  command: string;
  type: 'command' | 'autocomplete' | 'component';
  outcome: 'ok' | 'user_error' | 'error';
  /** Until the first reply, defer, update or autocomplete answer was acknowledged; undefined when there was none. */
  firstResponseMs: number | undefined;
  /** Until the handler (or the error message after a failure) finished. */
  totalMs: number;
}

export interface InteractionObserver {
  observe(observation: InteractionObservation): void;
}

/** The calls that acknowledge an interaction; whichever resolves first is its first response. */
const FIRST_RESPONSE_METHODS = ['reply', 'deferReply', 'update', 'deferUpdate', 'showModal', 'respond'] as const;

export type InteractionDispatcher = (interaction: Interaction) => Promise<void>;

/**
 * Routes every interaction to its command and is the one error boundary: whatever a handler throws, the member
 * gets an ephemeral message and the process keeps running.
 */
export function createInteractionDispatcher({ commands, deps, logger, observer, onGuildInteraction, notices }: DispatcherDeps): InteractionDispatcher {
  const registry = createRegistry(commands);

  return async function dispatch(interaction) {
    const described = describe(interaction);
    const log = logger.child({
      interactionId: interaction.id,
      userId: interaction.user.id,
      guildId: interaction.guildId ?? undefined,
      ...described,
    });
    const started = performance.now();
    const type = interactionType(interaction);
    const firstResponse = observer && type ? watchFirstResponse(interaction, started) : undefined;
    const observe = (outcome: InteractionObservation['outcome']) => {
      if (!observer || !type) return;
      const command = described.command !== undefined && registry.names.has(described.command) ? described.command : 'unknown';
      try {
        observer.observe({ command, type, outcome, firstResponseMs: firstResponse?.(), totalMs: performance.now() - started });
      } catch (error) {
        log.warn({ err: error }, 'could not record interaction metrics');
      }
    };
    // Every reply, error and button in the member's own Discord language.
    const t = deps.i18n.forDiscord(interaction.locale);
    if (interaction.guildId !== null && onGuildInteraction && placeOf(interaction) === 'server') {
      try {
        onGuildInteraction(interaction.guildId, interaction.user.id);
      } catch (error) {
        log.warn({ err: error }, 'could not record the member seen in this server');
      }
    }
    try {
      // A thread's NSFW flag is its parent's, looked up over REST on the first interaction there; handlers read it
      // synchronously (commands/channel-nsfw.ts), so it is settled here. Everywhere else this resolves at once.
      await settleInteractionChannel(interaction);
      if (interaction.isChatInputCommand()) {
        await runChatInput(registry, interaction, { deps, log, t });
      } else if (interaction.isUserContextMenuCommand()) {
        await runUserCommand(registry, interaction, { deps, log, t });
      } else if (interaction.isAutocomplete()) {
        await runAutocomplete(registry, interaction, { deps, log, t });
      } else if (interaction.isMessageComponent()) {
        await runComponent(registry, interaction, { deps, log, t });
      } else {
        log.debug('ignored an interaction type the bot does not use');
        return;
      }
      log.info({ ms: Math.round(performance.now() - started), outcome: 'ok' }, 'interaction handled');
      observe('ok');
    } catch (error) {
      const userFacing = error instanceof UserFacingError;
      if (userFacing) {
        log.info({ ms: Math.round(performance.now() - started), outcome: 'user_error', reason: error.message }, 'interaction refused');
      } else {
        log.error({ err: error, ms: Math.round(performance.now() - started), outcome: 'error' }, 'interaction failed');
      }
      if (interaction.isAutocomplete()) {
        await respondEmptyAutocomplete(interaction, log);
      } else if (interaction.isRepliable()) {
        await sendEphemeralError(interaction, userFacing ? error.render(t) : t.render(UNEXPECTED_ERROR_MESSAGE), log);
      }
      observe(userFacing ? 'user_error' : 'error');
    }
    if (notices && interaction.isChatInputCommand()) await showNotice(interaction, notices, log, t);
  };
}

/** The registry by Discord's key for a command (type and name), and slash commands by their component prefix. */
interface Registry {
  readonly chatInput: ReadonlyMap<string, ChatInputCommand>;
  readonly user: ReadonlyMap<string, UserCommand>;
  readonly names: ReadonlySet<string>;
}

function createRegistry(commands: readonly Command[]): Registry {
  const chatInput = new Map<string, ChatInputCommand>();
  const user = new Map<string, UserCommand>();
  for (const command of commands) {
    const name = command.definition.name;
    if (isUserCommand(command)) {
      if (user.has(name)) throw new Error(`two user commands are named "${name}"`);
      user.set(name, command);
    } else if (isChatInputCommand(command)) {
      if (chatInput.has(name)) throw new Error(`two slash commands are named "${name}"`);
      chatInput.set(name, command);
    }
  }
  return { chatInput, user, names: new Set(commands.map((command) => command.definition.name)) };
}

/** After the command's own answer, so the notice never delays or replaces it. */
async function showNotice(interaction: ChatInputCommandInteraction, notices: MemberNotices, log: Logger, t: Translator): Promise<void> {
  try {
    const notice = notices.pendingFor(interaction.user.id);
    if (notice === undefined || !(interaction.replied || interaction.deferred)) return;
    await interaction.followUp({ content: t.render(notice), flags: MessageFlags.Ephemeral });
    notices.delivered(interaction.user.id);
  } catch (error) {
    // Shown next time instead.
    log.warn({ err: error }, 'could not show the member a pending notice');
  }
}

function interactionType(interaction: Interaction): InteractionObservation['type'] | undefined {
  if (interaction.isChatInputCommand() || interaction.isUserContextMenuCommand()) return 'command';
  if (interaction.isAutocomplete()) return 'autocomplete';
  if (interaction.isMessageComponent()) return 'component';
  return undefined;
}

/**
 * Wraps this interaction object's acknowledging methods to note when the first one resolves. Only the instance
 * is touched; arguments and results pass through unchanged. Returns a reader for the elapsed milliseconds.
 */
function watchFirstResponse(interaction: Interaction, started: number): () => number | undefined {
  let firstMs: number | undefined;
  for (const name of FIRST_RESPONSE_METHODS) {
    const original: unknown = Reflect.get(interaction, name);
    if (typeof original !== 'function') continue;
    Reflect.set(interaction, name, async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      const result: unknown = await (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      firstMs ??= performance.now() - started;
      return result;
    });
  }
  return () => firstMs;
}

function describe(interaction: Interaction): { command?: string; customId?: string } {
  if (interaction.isChatInputCommand() || interaction.isUserContextMenuCommand() || interaction.isAutocomplete()) return { command: interaction.commandName };
  if (interaction.isMessageComponent()) return { command: commandOfCustomId(interaction.customId), customId: interaction.customId };
  return {};
}

function commandOfCustomId(customId: string): string {
  return customId.split(':', 1)[0] ?? '';
}

/** What every handler gets besides its interaction. */
interface HandlerScope {
  deps: CommandDeps;
  log: Logger;
  t: Translator;
}

async function runChatInput(registry: Registry, interaction: ChatInputCommandInteraction, scope: HandlerScope) {
  const command = registry.chatInput.get(interaction.commandName);
  if (!command) throw new UserFacingError(UNKNOWN_COMMAND_MESSAGE);
  await command.execute({ interaction, ...scope });
}

async function runUserCommand(registry: Registry, interaction: UserContextMenuCommandInteraction, scope: HandlerScope) {
  const command = interaction.commandType === ApplicationCommandType.User ? registry.user.get(interaction.commandName) : undefined;
  if (!command) throw new UserFacingError(UNKNOWN_COMMAND_MESSAGE);
  await command.execute({ interaction, ...scope });
}

async function runAutocomplete(registry: Registry, interaction: AutocompleteInteraction, scope: HandlerScope) {
  const command = registry.chatInput.get(interaction.commandName);
  if (!command?.autocomplete) {
    await interaction.respond([]);
    return;
  }
  await command.autocomplete({ interaction, ...scope });
}

async function runComponent(registry: Registry, interaction: MessageComponentInteraction, scope: HandlerScope) {
  const command = registry.chatInput.get(commandOfCustomId(interaction.customId));
  if (!command?.handleComponent) throw new UserFacingError(STALE_COMPONENT_MESSAGE);
  await command.handleComponent({ interaction, ...scope });
}

async function respondEmptyAutocomplete(interaction: AutocompleteInteraction, log: Logger) {
  if (interaction.responded) return;
  try {
    await interaction.respond([]);
  } catch (error) {
    log.warn({ err: error }, 'could not answer autocomplete after an error');
  }
}

/** Uses whichever of reply, editReply or followUp the interaction's state still allows. */
export async function sendEphemeralError(interaction: RepliableInteraction, content: string, log: Logger): Promise<void> {
  try {
    if (interaction.deferred && !interaction.replied) {
      if (interaction.ephemeral) {
        await interaction.editReply({ content, embeds: [], components: [] });
      } else {
        // A public "thinking…" placeholder must not turn into a public error: remove it and answer privately.
        await interaction.deleteReply().catch((error: unknown) => log.debug({ err: error }, 'could not delete the public placeholder before the private error'));
        await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
      }
    } else if (interaction.replied) {
      await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
    } else {
      await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    }
  } catch (error) {
    // The interaction may have expired (3 s / 15 min); there is nobody left to tell.
    log.warn({ err: error }, 'could not deliver the error message to the member');
  }
}
