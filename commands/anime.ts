import type { ChatInputCommand } from './command.js';
import { titleCardCommand } from './media/title-command.js';

export const anime = titleCardCommand('ANIME', {
  name: 'anime',
  description: 'Show an anime, and who in this server has it on their list',
  titleDescription: 'The anime (pick from the suggestions)',
}) satisfies ChatInputCommand;
