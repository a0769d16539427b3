import { Events, type Client } from 'discord.js';
import { commands as registry } from '../../commands/index.js';
import type { Command } from '../../commands/command.js';
import { createDiscordClient } from '../../src/bot/client.js';
import { createInteractionDispatcher } from '../../src/bot/dispatcher.js';
import { createInteractionReplies } from '../../src/bot/interaction-replies.js';
import { registerCommands } from '../../src/bot/register-commands.js';
import { fakeUsers, startFakeDiscord, type FakeDiscord, type StartFakeDiscordOptions } from '../../fakes/discord/index.js';
import { TestBrowser, hrefOf } from './browser.js';
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

/**
 * Links a fake Discord member to a seeded AniList user the way a member does it: /link, the start page, the fake
 * AniList's approve button, the callback. Throws when any step does not go as expected.
 */
export async function linkMember(h: BotHarness, user: keyof typeof fakeUsers, anilistUserId: number): Promise<void> {
  const handle = h.discord.sendCommand({ name: 'link', user });
  const initial = await handle.waitForInitialResponse();
  const url = (initial.data as { components?: { components?: { url?: string }[] }[] } | undefined)?.components?.[0]?.components?.[0]?.url;
  if (!url) throw new Error('/link answered without a link button');
  const browser = new TestBrowser();
  const page = await browser.get(url);
  h.anilistFake.setLoggedInUser(anilistUserId);
  const continueUrl = hrefOf(page.body, 'Continue to AniList');
  if (!continueUrl) throw new Error('the start page has no "Continue to AniList" link');
  const callback = await browser.get(await h.anilistFake.approve(continueUrl));
  if (callback.status !== 303) throw new Error(`the OAuth callback answered ${callback.status}`);
  if (h.links.findLink(fakeUsers[user].id)?.anilistUserId !== anilistUserId) throw new Error('the link was not stored');
}
