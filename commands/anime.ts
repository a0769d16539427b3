import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import { UserFacingError } from '../src/user-facing-error.js';
import { isNsfwChannel } from './channel-nsfw.js';
import type { ChatInputCommand } from './command.js';
import { STALE_CARD_BUTTON, handleMediaCardButton, resolveTitleOption, showMediaCard } from './media/card.js';
import { MEDIA_TEXT_MAX } from './media/query.js';
import { answerTitleAutocomplete } from './media/suggestions.js';
import { readOptions } from './options.js';

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'anime',
  description: 'Show an anime, and who in this server has it on their list',
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'title',
      description: 'The anime (pick from the suggestions)',
      required: true,
      autocomplete: true,
      max_length: MEDIA_TEXT_MAX,
    },
  ],
} as const;

export const anime = {
  install: 'everywhere',
  definition,

  async execute(context) {
    const { interaction, deps, t } = context;
    const { title } = readOptions(interaction, definition);
    const nsfwAllowed = isNsfwChannel(interaction);
    const mediaId = () => resolveTitleOption(deps, t, { memberId: interaction.user.id, text: title, nsfwAllowed, type: 'ANIME', command: 'anime' });
    await showMediaCard(context, { command: 'anime', mediaId, type: 'ANIME' });
  },

  autocomplete: (context) => answerTitleAutocomplete(context, 'title', 'ANIME'),

  async handleComponent(context) {
    if (!(await handleMediaCardButton(context))) throw new UserFacingError(STALE_CARD_BUTTON);
  },
} satisfies ChatInputCommand;
