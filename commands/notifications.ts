import { ApplicationCommandOptionType, ApplicationCommandType, MessageFlags, escapeMarkdown } from 'discord.js';
import { ANILIST_NOTIFICATIONS_URL, NOTIFICATION_TYPES_DESCRIPTION, NOTIFICATION_TYPE_CHOICES, type EnableOutcome, type NotificationTypesChoice } from '../src/notifications/index.js';
import { msg, type Translator } from '../src/i18n/index.js';
import { UserFacingError } from '../src/user-facing-error.js';
import type { ChatInputCommand } from './command.js';
import { readOptions } from './options.js';

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'notifications',
  description: 'Get your AniList notifications as direct messages',
  options: [
    { type: ApplicationCommandOptionType.Boolean, name: 'enabled', description: 'Turn them on or off', required: true },
    { type: ApplicationCommandOptionType.String, name: 'types', description: 'Which ones (default: all)', required: false, choices: NOTIFICATION_TYPE_CHOICES },
  ],
} as const;

export const NOTIFICATIONS_UNAVAILABLE = msg('notifications.unavailable');

/** "every minute", "every 2 minutes", "every 90 seconds". */
function interval(t: Translator, seconds: number): string {
  return seconds % 60 === 0 ? t('notifications.everyMinutes', { minutes: seconds / 60 }) : t('notifications.everySeconds', { seconds });
}

function enabledText(t: Translator, outcome: EnableOutcome, types: NotificationTypesChoice, anilistName: string, pollSeconds: number): string {
  const values = { what: t(NOTIFICATION_TYPES_DESCRIPTION[types]), name: escapeMarkdown(anilistName) };
  switch (outcome) {
    case 'started':
      return t('notifications.started', { ...values, interval: interval(t, pollSeconds), url: ANILIST_NOTIFICATIONS_URL });
    case 'changed':
      return t('notifications.changed', values);
    case 'resumed':
      return t('notifications.resumed', values);
    case 'unchanged':
      return t('notifications.unchanged', values);
  }
}

export const notifications = {
  install: 'everywhere',
  definition,

  async execute({ interaction, deps, t }) {
    const { enabled, types } = readOptions(interaction, definition);
    const userId = interaction.user.id;
    if (!enabled) {
      const removed = deps.notifications.disable(userId);
      await interaction.reply({
        content: removed ? t('notifications.off', { url: ANILIST_NOTIFICATIONS_URL }) : t('notifications.notOn'),
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (!deps.notifications.available) throw new UserFacingError(NOTIFICATIONS_UNAVAILABLE);
    const member = deps.links.requireUsableMember(userId);
    const result = deps.notifications.enable(member, types);
    await interaction.reply({
      content: enabledText(t, result.outcome, result.types, member.anilistName, deps.notifications.pollSeconds),
      flags: MessageFlags.Ephemeral,
    });
  },
} satisfies ChatInputCommand;
