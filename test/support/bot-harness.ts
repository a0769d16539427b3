import { Events, type Client } from 'discord.js';
import { commands as registry } from '../../commands/index.js';
import type { Command } from '../../commands/command.js';
import { createDiscordClient } from '../../src/bot/client.js';
import { createInteractionDispatcher } from '../../src/bot/dispatcher.js';
import { createInteractionReplies } from '../../src/bot/interaction-replies.js';
import { registerCommands } from '../../src/bot/register-commands.js';
import { startFakeDiscord, type FakeDiscord, type StartFakeDiscordOptions } from '../fakes/discord/index.js';
import { TEST_DISCORD_TOKEN } from './env.js';
import { startLinkHarness, type LinkHarness, type LinkHarnessOptions } from './link-harness.js';

export interface BotHarness extends LinkHarness {
  discord: FakeDiscord;
  client: Client;
}

/**
 * The whole bot in one process: the real discord.js client against the fake gateway, the real dispatcher and
 * commands, and the linking half from startLinkHarness against the fake AniList.
 */
export async function startBotHarness(
  options: LinkHarnessOptions & { discord?: StartFakeDiscordOptions; commands?: readonly Command[] },
): Promise<BotHarness> {
  const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN, ...options.discord });
  const client = createDiscordClient({ apiUrl: discord.apiUrl });
  const links = await startLinkHarness({ ...options, replies: createInteractionReplies(client.rest) });
  const commands = options.commands ?? registry;
  const dispatch = createInteractionDispatcher({
    commands,
    deps: { links: links.links, anilist: links.anilist, clock: links.clock.now },
    logger: links.logs.logger,
  });
  client.on(Events.InteractionCreate, (interaction) => void dispatch(interaction));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(TEST_DISCORD_TOKEN);
  await ready;
  await registerCommands(client.rest, commands, { applicationId: discord.applicationId });
  return {
    ...links,
    discord,
    client,
    async close() {
      await client.destroy();
      await discord.close();
      await links.close();
    },
  };
}
