/**
 * The bot connects with no gateway intent: everything it needs comes with each interaction. These tests run the real
 * discord.js client (createDiscordClient) against the fake gateway, which, like Discord, sends no GUILD_CREATE
 * without the Guilds intent and gives threads no NSFW flag of their own.
 */
import { Events } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import { startFakeDiscord, type DiscordMessage, type FakeGuildSpec, type SendCommandOptions } from '../../fakes/discord/index.js';
import { createDiscordClient } from '../../src/bot/client.js';
import { trackGateway } from '../../src/bot/gateway-status.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { linkMember, startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { TEST_DISCORD_TOKEN } from '../support/env.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-intents-');
let harness: BotHarness | undefined;

afterEach(async () => {
  expect(harness?.discord.schemaViolations ?? []).toEqual([]);
  await harness?.close();
  harness = undefined;
});

const ADULT_TITLE = 'Yoru no Himitsu';

/** A community server: SFW and NSFW text channels, a thread in each, and an age-restricted forum with a post. */
const server: FakeGuildSpec = {
  name: 'Threads',
  channels: [
    { name: 'general' },
    { name: 'nsfw-lounge', nsfw: true },
    { name: 'after-dark', type: 11, parent: 'nsfw-lounge' },
    { name: 'spoilers', type: 12, parent: 'general' },
    { name: 'art', type: 15, nsfw: true },
    { name: 'a post', type: 11, parent: 'art' },
  ],
};

function channelId(h: BotHarness, name: string): string {
  const channel = h.discord.guilds[0]!.channels.find((c) => c.name === name);
  if (!channel) throw new Error(`no channel ${name}`);
  return channel.id;
}

async function listMessage(h: BotHarness, options: Omit<SendCommandOptions, 'name' | 'user'>): Promise<DiscordMessage> {
  const adult = h.anilistFake.store.findEntry(SEED_USERS.bob.id, SEED_MEDIA.adultAnimeA.id)!;
  const handle = h.discord.sendCommand({ name: 'list', user: 'bob', options: [{ name: 'status', value: adult.status }], ...options });
  await handle.waitForInitialResponse();
  return (await handle.waitForEdit()).message!;
}

const showsAdult = (message: DiscordMessage) => JSON.stringify(message).includes(ADULT_TITLE);
const channelLookups = (h: BotHarness, id: string) => h.discord.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${id}`).length;

describe('no gateway intent', () => {
  it('identifies with intents 0, is ready at once, and reports READY’s guild count', async () => {
    const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN, guilds: [server, {}, {}] });
    const client = createDiscordClient({ apiUrl: discord.apiUrl });
    try {
      const gateway = trackGateway(client);
      expect(gateway.guilds()).toBeUndefined();
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(TEST_DISCORD_TOKEN);
      await ready;
      expect(discord.sessions().map((s) => s.intents)).toEqual([0]);
      expect(gateway.guilds()).toBe(3);
      expect(gateway.ready()).toBe(true);
      expect(gateway.status()).toBe('ready');

      const metrics = createMetrics({ gateway: () => ({ ready: gateway.ready(), guilds: gateway.guilds() }), processMetrics: false });
      const text = await metrics.registry.metrics();
      expect(text).toContain('anilink_gateway_ready 1');
      expect(text).toContain('anilink_gateway_guilds 3');
    } finally {
      await client.destroy();
      await discord.close();
    }
  });

  it('keeps no guild’s channels, roles or members in memory', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir(), discord: { guilds: [server, {}] } }));
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    expect(showsAdult(await listMessage(h, { channelId: channelId(h, 'nsfw-lounge') }))).toBe(true);
    expect(h.client.channels.cache.size).toBe(0);
    expect(h.client.users.cache.map((u) => u.id)).toEqual([h.client.user!.id]);
    expect([...h.client.guilds.cache.values()].every((g) => !g.available && g.channels.cache.size === 0 && g.roles.cache.size === 0 && g.members.cache.size === 0)).toBe(true);
  });

  it('shows adult titles only in NSFW channels and in threads and posts of NSFW channels', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir(), discord: { guilds: [server] } }));
    await linkMember(h, 'bob', SEED_USERS.bob.id);

    expect(showsAdult(await listMessage(h, { channelId: channelId(h, 'general') }))).toBe(false);
    expect(showsAdult(await listMessage(h, { channelId: channelId(h, 'spoilers') }))).toBe(false);
    expect(showsAdult(await listMessage(h, { dm: true }))).toBe(false);
    expect(showsAdult(await listMessage(h, { channelId: channelId(h, 'nsfw-lounge') }))).toBe(true);
    expect(showsAdult(await listMessage(h, { channelId: channelId(h, 'after-dark') }))).toBe(true);
    expect(showsAdult(await listMessage(h, { channelId: channelId(h, 'a post') }))).toBe(true);

    // Each thread's parent was asked for once; a channel's own flag needs no lookup.
    await listMessage(h, { channelId: channelId(h, 'after-dark') });
    expect(channelLookups(h, channelId(h, 'nsfw-lounge'))).toBe(1);
    expect(channelLookups(h, channelId(h, 'general'))).toBe(1);
    expect(channelLookups(h, channelId(h, 'art'))).toBe(1);
    expect(channelLookups(h, channelId(h, 'after-dark'))).toBe(0);
  });

  it('hides adult titles in a thread whose parent cannot be looked up', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir(), discord: { guilds: [server] } }));
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    const vanished = '1100000000000000999';
    const orphan = (payload: Record<string, unknown>) => {
      (payload.channel as Record<string, unknown>).parent_id = vanished;
    };
    expect(showsAdult(await listMessage(h, { channelId: channelId(h, 'after-dark'), raw: orphan }))).toBe(false);
    expect(channelLookups(h, vanished)).toBe(1);
    // "Unknown Channel" is an answer, remembered like one.
    expect(showsAdult(await listMessage(h, { channelId: channelId(h, 'after-dark'), raw: orphan }))).toBe(false);
    expect(channelLookups(h, vanished)).toBe(1);
  });

  it('hides adult titles when the payload carries no channel', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir(), discord: { guilds: [server] } }));
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    const withoutChannel = (payload: Record<string, unknown>) => {
      delete payload.channel;
    };
    expect(showsAdult(await listMessage(h, { channelId: channelId(h, 'nsfw-lounge'), raw: withoutChannel }))).toBe(false);
  });
});
