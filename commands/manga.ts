import type { ChatInputCommand } from './command.js';
import { titleCardCommand } from './media/title-command.js';

export const manga = titleCardCommand('MANGA', {
  name: 'manga',
  description: 'Show a manga, and who in this server has it on their list',
  titleDescription: 'The manga (pick from the suggestions)',
}) satisfies ChatInputCommand;
