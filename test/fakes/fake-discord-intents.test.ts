/** The fake gateway honours intents the way Discord does, and shows threads and their channels as Discord does. */
import { Client, Events, GatewayDispatchEvents, GatewayIntentBits, type GatewayDispatchPayload } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord, type FakeGuildSpec } from '../../fakes/discord/index.js';
import { TEST_DISCORD_TOKEN } from '../support/env.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const guild: FakeGuildSpec = {
  channels: [{ name: 'general' }, { name: 'nsfw-lounge', nsfw: true }, { name: 'after-dark', type: 11, parent: 'nsfw-lounge' }],
};

/** A plain discord.js client that records every dispatch it receives. */
async function connect(discord: FakeDiscord, intents: GatewayIntentBits[]): Promise<{ client: Client; dispatches: GatewayDispatchPayload[] }> {
  const client = new Client({ intents, rest: { api: discord.apiUrl } });
  cleanups.push(() => client.destroy());
  const dispatches: GatewayDispatchPayload[] = [];
  client.on(Events.Raw, (packet: GatewayDispatchPayload) => dispatches.push(packet));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(TEST_DISCORD_TOKEN);
  await ready;
  return { client, dispatches };
}

async function fake(guilds: FakeGuildSpec[]): Promise<FakeDiscord> {
  const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN, guilds });
  cleanups.push(() => discord.close());
  return discord;
}

const channelNamed = (discord: FakeDiscord, name: string) => discord.guilds[0]!.channels.find((c) => c.name === name)!;

describe('fake Discord: intents and channels', () => {
  it('sends no GUILD_CREATE without the Guilds intent; READY lists every guild as unavailable', async () => {
    const discord = await fake([guild, {}]);
    const { dispatches } = await connect(discord, []);
    const ready = dispatches.find((p) => p.t === GatewayDispatchEvents.Ready);
    expect(ready?.d.guilds.map((g) => ({ id: g.id, unavailable: g.unavailable }))).toEqual(discord.guilds.map((g) => ({ id: g.id, unavailable: true })));
    // The socket is ordered: once a later dispatch arrived, any GUILD_CREATE would have too.
    discord.sendCommand({ name: 'anything' });
    await expect.poll(() => dispatches.some((p) => p.t === GatewayDispatchEvents.InteractionCreate)).toBe(true);
    expect(dispatches.filter((p) => p.t === GatewayDispatchEvents.GuildCreate)).toEqual([]);
    // Guild and channel events need the intent too.
    expect(discord.dispatch('CHANNEL_UPDATE', { ...channelNamed(discord, 'general'), nsfw: true }, discord.guilds[0]!.id)).toBe(0);
  });

  it('with the Guilds intent, GUILD_CREATE lists threads apart from channels', async () => {
    const discord = await fake([guild]);
    const { dispatches } = await connect(discord, [GatewayIntentBits.Guilds]);
    const created = dispatches.find((p) => p.t === GatewayDispatchEvents.GuildCreate);
    if (created?.t !== GatewayDispatchEvents.GuildCreate) throw new Error('no GUILD_CREATE');
    expect(created.d.channels.map((c) => c.name)).toEqual(['general', 'nsfw-lounge']);
    expect(created.d.threads.map((t) => ({ name: t.name, type: t.type, parent_id: t.parent_id }))).toEqual([
      { name: 'after-dark', type: 11, parent_id: channelNamed(discord, 'nsfw-lounge').id },
    ]);
    expect(discord.dispatch('CHANNEL_UPDATE', { ...channelNamed(discord, 'general') }, discord.guilds[0]!.id)).toBe(1);
  });

  it('interaction payloads carry the channel: nsfw for guild channels, parent and no flag for threads', async () => {
    const discord = await fake([guild]);
    await connect(discord, []);
    const inLounge = discord.sendCommand({ name: 'anything', channelId: channelNamed(discord, 'nsfw-lounge').id });
    expect(inLounge.payload.channel).toMatchObject({ id: channelNamed(discord, 'nsfw-lounge').id, type: 0, nsfw: true, guild_id: discord.guilds[0]!.id });
    expect(discord.sendCommand({ name: 'anything' }).payload.channel).toMatchObject({ type: 0, nsfw: false });

    const thread = discord.sendCommand({ name: 'anything', channelId: channelNamed(discord, 'after-dark').id }).payload.channel as Record<string, unknown>;
    expect(thread).toMatchObject({ type: 11, parent_id: channelNamed(discord, 'nsfw-lounge').id, thread_metadata: { archived: false } });
    expect(thread).not.toHaveProperty('nsfw');

    // Over REST too: a thread has no flag, its parent has.
    const { client } = await connect(discord, []);
    const fetched = (await client.rest.get(`/channels/${channelNamed(discord, 'after-dark').id}`)) as Record<string, unknown>;
    expect(fetched).not.toHaveProperty('nsfw');
    expect(await client.rest.get(`/channels/${channelNamed(discord, 'nsfw-lounge').id}`)).toMatchObject({ nsfw: true });
  });

  it('refuses a thread without a parent', async () => {
    await expect(fake([{ channels: [{ name: 'stray', type: 11 }] }])).rejects.toThrow(/needs a parent/);
  });
});
