import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import type { MediaType } from '../../src/anilist/index.js';
import { UserFacingError } from '../../src/user-facing-error.js';
import { isNsfwChannel } from '../channel-nsfw.js';
import type { ChatInputCommand } from '../command.js';
import { readOptions } from '../options.js';
import { STALE_CARD_BUTTON, handleMediaCardButton, resolveTitleOption, showMediaCard } from './card.js';
import { MEDIA_TEXT_MAX } from './query.js';
import { answerTitleAutocomplete } from './suggestions.js';

/** The registration of a command that shows one title's card: its name and texts, with one `title` option. */
function titleCardDefinition<const Name extends string>(name: Name, description: string, titleDescription: string) {
  return {
    type: ApplicationCommandType.ChatInput,
    name,
    description,
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'title',
        description: titleDescription,
        required: true,
        autocomplete: true,
        max_length: MEDIA_TEXT_MAX,
      },
    ],
  } as const;
}

/**
 * `/anime` and `/manga` are the same command for two media types: resolve the `title` option (suggestions first,
 * 18+ titles only where the channel allows them), show the card, and take its buttons back.
 */
export function titleCardCommand<const Name extends string>(
  type: MediaType,
  texts: { readonly name: Name; readonly description: string; readonly titleDescription: string },
) {
  const definition = titleCardDefinition(texts.name, texts.description, texts.titleDescription);
  return {
    install: 'everywhere',
    definition,

    async execute(context) {
      const { interaction, deps, t } = context;
      const { title } = readOptions(interaction, definition);
      const nsfwAllowed = isNsfwChannel(interaction);
      const mediaId = () => resolveTitleOption(deps, t, { memberId: interaction.user.id, text: title, nsfwAllowed, type, command: definition.name });
      await showMediaCard(context, { command: definition.name, mediaId, type });
    },

    autocomplete: (context) => answerTitleAutocomplete(context, 'title', type),

    async handleComponent(context) {
      if (!(await handleMediaCardButton(context))) throw new UserFacingError(STALE_CARD_BUTTON);
    },
  } satisfies ChatInputCommand;
}
