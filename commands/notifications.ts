import { ApplicationCommandOptionType, ApplicationCommandType, MessageFlags, escapeMarkdown } from 'discord.js';
import { ANILIST_NOTIFICATIONS_URL, NOTIFICATION_TYPES_DESCRIPTION, NOTIFICATION_TYPE_CHOICES, type EnableOutcome, type NotificationTypesChoice } from '../src/notifications/index.js';
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

export const NOTIFICATIONS_UNAVAILABLE =
  "This bot does not deliver AniList notifications: its admin gave background work no share of the AniList budget (ANILIST_BACKGROUND_SHARE=0).";

/** "2 minutes", "90 seconds", "1 minute". */
function interval(seconds: number): string {
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return seconds === 1 ? 'second' : `${seconds} seconds`;
}

function enabledText(outcome: EnableOutcome, types: NotificationTypesChoice, anilistName: string, pollSeconds: number): string {
  const what = NOTIFICATION_TYPES_DESCRIPTION[types];
  const account = `AniList account **${escapeMarkdown(anilistName)}**`;
  switch (outcome) {
    case 'started':
      return [
        `Notifications on: I will DM you ${what} of your ${account} as they arrive from now on.`,
        `I look every ${interval(pollSeconds)}, less often while the bot is busy. Earlier ones stay on AniList (<${ANILIST_NOTIFICATIONS_URL}>), and nothing is marked read there.`,
        "Keep direct messages from this server's members open, or I cannot deliver them.",
      ].join('\n');
    case 'changed':
      return `Changed: from now on I DM you ${what} of your ${account}.`;
    case 'resumed':
      return `Notifications on again: I DM you ${what} of your ${account}, starting with the ones I could not deliver while your DMs were closed.`;
    case 'unchanged':
      return `Your notifications are already on: I DM you ${what} of your ${account}. Run \`/notifications enabled:false\` to stop them.`;
  }
}

export const notifications = {
  definition,

  async execute({ interaction, deps }) {
    const { enabled, types } = readOptions(interaction, definition);
    const userId = interaction.user.id;
    if (!enabled) {
      const removed = deps.notifications.disable(userId);
      await interaction.reply({
        content: removed
          ? `Notifications off: I will not DM you your AniList notifications any more. They stay on AniList: <${ANILIST_NOTIFICATIONS_URL}>`
          : 'Your AniList notifications were not on, so there is nothing to turn off.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (!deps.notifications.available) throw new UserFacingError(NOTIFICATIONS_UNAVAILABLE);
    const member = deps.links.requireUsableMember(userId);
    const result = deps.notifications.enable(member, types);
    await interaction.reply({
      content: enabledText(result.outcome, result.types, member.anilistName, deps.notifications.pollSeconds),
      flags: MessageFlags.Ephemeral,
    });
  },
} satisfies ChatInputCommand;
