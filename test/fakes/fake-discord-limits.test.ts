/**
 * The fake Discord's rate limits and permission answers, and that the real discord.js REST client queues around
 * the limits the way it does against Discord.
 */
import { Client, DiscordAPIError, Events, GatewayIntentBits, REST, Routes } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createDirectMessages } from '../../src/expiry/direct-messages.js';
import {
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_ROUTE_LIMITS,
  fakeUsers,
  Perm,
  startFakeDiscord,
  type FakeDiscord,
  type FakeUser,
  type RecordedRequest,
  type StartFakeDiscordOptions,
} from '../../fakes/discord/index.js';

const TOKEN = 'limits-token.abc.def';
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fake(options: StartFakeDiscordOptions = {}): Promise<FakeDiscord> {
  const f = await startFakeDiscord({ token: TOKEN, ...options });
  cleanups.push(() => f.close());
  return f;
}

function rest(f: FakeDiscord): REST {
  return new REST({ api: f.apiUrl }).setToken(TOKEN);
}

async function raw(f: FakeDiscord, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${f.apiUrl}/v10${path}`, {
    method,
    headers: { authorization: `Bot ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const channelPosts = (f: FakeDiscord): RecordedRequest[] => f.requests.filter((r) => r.route === '/channels/{channel_id}/messages');

function user(n: number): FakeUser {
  return { ...fakeUsers.alice, id: String(400000000000000000n + BigInt(n)), username: `member${n}`, global_name: null };
}

describe('fake Discord rate limits', () => {
  it('a burst of DMs to one member through discord.js: all delivered, no 429 reaches the caller, 5 per 5 s applied', async () => {
    const f = await fake();
    const dms = createDirectMessages(rest(f));
    const results = await Promise.all(Array.from({ length: 7 }, (_, i) => dms.send(fakeUsers.bob.id, { content: `reminder ${i}` })));

    expect(results).toEqual(Array(7).fill('sent'));
    expect(f.channelMessages.map((m) => m.message.content).sort()).toEqual(Array.from({ length: 7 }, (_, i) => `reminder ${i}`).sort());
    // The fake counted every DM in the channel's bucket: five fill the window, then discord.js waited for the
    // reset it was told (X-RateLimit-Reset-After) instead of being refused.
    expect(channelPosts(f).map((r) => [r.status, r.rateLimit?.bucket, r.rateLimit?.limit, r.rateLimit?.remaining])).toEqual([
      [200, 'channel-messages', 5, 4],
      [200, 'channel-messages', 5, 3],
      [200, 'channel-messages', 5, 2],
      [200, 'channel-messages', 5, 1],
      [200, 'channel-messages', 5, 0],
      [200, 'channel-messages', 5, 4],
      [200, 'channel-messages', 5, 3],
    ]);
    expect(f.rateLimitHits).toEqual([]);
  });

  it('a burst of DMs to 40 members through discord.js: the global 50/s limit holds and every DM is delivered', async () => {
    const members = Array.from({ length: 40 }, (_, i) => user(i));
    const f = await fake({ extraUsers: members });
    const dms = createDirectMessages(rest(f));
    const results = await Promise.all(members.map((m) => dms.send(m.id, { content: `hello ${m.username}` })));

    expect(results).toEqual(Array(40).fill('sent'));
    expect(new Set(f.channelMessages.map((m) => m.recipientId))).toEqual(new Set(members.map((m) => m.id)));
    // 80 requests: more than one global window holds, and the first was filled to the limit. discord.js paces
    // itself at 50/s; whatever the fake refused anyway (its windows start when requests arrive, discord.js's when
    // they leave) was global and retried.
    expect(f.requests.filter((r) => r.status === 200)).toHaveLength(80);
    expect(Math.max(...f.requests.map((r) => r.globalRateLimit?.position ?? 0))).toBe(50);
    expect(f.requests.filter((r) => r.globalRateLimit?.position === 1).length).toBeGreaterThanOrEqual(2);
    expect(f.rateLimitHits.every((hit) => hit.scope === 'global' && hit.global)).toBe(true);
    console.info(`[fake-discord] 40 DMs = 80 requests, ${f.rateLimitHits.length} global 429s absorbed by discord.js`);
  });

  it('follow-ups through discord.js: 5 per 2 s per interaction webhook, queued by discord.js', async () => {
    const f = await fake();
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: f.apiUrl } });
    cleanups.push(() => client.destroy());
    const failures: unknown[] = [];
    client.on(Events.InteractionCreate, (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      void (async () => {
        await interaction.deferReply();
        await Promise.all(Array.from({ length: 7 }, (_, i) => interaction.followUp(`part ${i + 1}`)));
      })().catch((error: unknown) => failures.push(error));
    });
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(TOKEN);
    await ready;

    const handle = f.sendCommand({ name: 'parts' });
    for (let i = 0; i < 7; i++) await handle.waitForFollowUp(10_000);
    expect(failures).toEqual([]);
    const executes = handle.webhookRequests.filter((r) => r.method === 'POST');
    expect(executes.map((r) => [r.status, r.rateLimit?.bucket, r.rateLimit?.remaining])).toEqual([
      [200, 'webhook-execute', 4],
      [200, 'webhook-execute', 3],
      [200, 'webhook-execute', 2],
      [200, 'webhook-execute', 1],
      [200, 'webhook-execute', 0],
      [200, 'webhook-execute', 4],
      [200, 'webhook-execute', 3],
    ]);
    expect(f.rateLimitHits).toEqual([]);
  });

  it('refuses the sixth command registration within 20 s with 429, Retry-After and the documented body', async () => {
    const f = await fake();
    const put = () => raw(f, 'PUT', `/applications/${f.applicationId}/commands`, [{ name: 'ping', description: 'Ping', type: 1 }]);
    for (let i = 0; i < 5; i++) {
      const ok = await put();
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-limit')).toBe('5');
      expect(ok.headers.get('x-ratelimit-remaining')).toBe(String(4 - i));
      expect(Number(ok.headers.get('x-ratelimit-reset-after'))).toBeLessThanOrEqual(20);
      expect(Number(ok.headers.get('x-ratelimit-reset')) * 1000).toBeGreaterThan(Date.now());
      expect(ok.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]+$/);
    }
    const limited = await put();
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as { message: string; retry_after: number; global: boolean };
    expect(body).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(body.retry_after).toBeGreaterThan(15);
    expect(body.retry_after).toBeLessThanOrEqual(20);
    expect(limited.headers.get('retry-after')).toBe(String(Math.ceil(body.retry_after)));
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.has('x-ratelimit-global')).toBe(false);
    expect(f.rateLimitHits).toMatchObject([{ method: 'PUT', bucket: 'application-commands-write', scope: 'user', global: false }]);
    expect(DEFAULT_ROUTE_LIMITS['application-commands-write']).toEqual({ limit: 5, windowMs: 20_000 });
  });

  it('the global limit: the 51st request in a second is refused as global; interaction endpoints are not bound by it', async () => {
    const f = await fake();
    const answers = await Promise.all(Array.from({ length: 51 }, () => raw(f, 'GET', '/users/@me')));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.headers.get('x-ratelimit-global')).toBe('true');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('global');
    expect(await limited.json()).toMatchObject({ message: 'You are being rate limited.', global: true });
    // Still inside the exhausted global window: an interaction callback is judged on its own merits (here: unknown).
    const callback = await fetch(`${f.apiUrl}/v10/interactions/1/nope/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 4, data: { content: 'x' } }),
    });
    expect(callback.status).toBe(404);
    expect(await callback.json()).toMatchObject({ code: 10062 });
    expect(f.rateLimitHits).toMatchObject([{ bucket: 'global', scope: 'global' }]);
  });

  it('counts command creates per day (200 by default); a bulk overwrite counts only new names', async () => {
    const f = await fake({ rateLimits: { dailyCommandCreates: 3, routes: { 'application-commands-write': null } } });
    const put = (names: string[]) =>
      raw(f, 'PUT', `/applications/${f.applicationId}/commands`, names.map((name) => ({ name, description: name, type: 1 })));
    expect((await put(['a', 'b'])).status).toBe(200);
    expect((await put(['a', 'b'])).status).toBe(200);
    expect((await put(['a', 'c'])).status).toBe(200);
    const over = await put(['a', 'c', 'd']);
    expect(over.status).toBe(400);
    expect(await over.json()).toEqual({ message: 'Max number of daily application command creates has been reached (3)', code: 30034 });
    expect(f.registeredCommands.global.map((c) => c.name)).toEqual(['a', 'c']);
  });

  it('rateLimits: false turns every limit off', async () => {
    const f = await fake({ rateLimits: false });
    const answers = await Promise.all(Array.from({ length: 60 }, () => raw(f, 'GET', '/users/@me')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers[0]!.headers.has('x-ratelimit-limit')).toBe(false);
  });
});

describe('fake Discord permissions', () => {
  const withoutSend = (BigInt(DEFAULT_BOT_PERMISSIONS) & ~Perm.SendMessages).toString();
  const withoutView = (BigInt(DEFAULT_BOT_PERMISSIONS) & ~Perm.ViewChannel).toString();

  it('posting where the bot may not answers 50013 Missing Permissions (or 50001 Missing Access), as Discord does', async () => {
    const f = await fake({
      guilds: [{ channels: [{ name: 'general' }, { name: 'announcements', botPermissions: withoutSend }, { name: 'staff', botPermissions: withoutView }] }],
    });
    const [general, announcements, staff] = f.guilds[0]!.channels;
    const r = rest(f);
    await r.post(Routes.channelMessages(general!.id), { body: { content: 'hello' } });
    await expect(r.post(Routes.channelMessages(announcements!.id), { body: { content: 'hello' } })).rejects.toMatchObject({
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    await expect(r.post(Routes.channelMessages(staff!.id), { body: { content: 'hello' } })).rejects.toMatchObject({ status: 403, code: 50001 });
    await expect(r.get(Routes.channel(staff!.id))).rejects.toMatchObject({ status: 403, code: 50001 });
    expect(f.channelMessages.map((m) => m.channelId)).toEqual([general!.id]);
    // What the gateway and interactions tell the bot matches: a member overwrite, and app_permissions per channel.
    expect(announcements!.permission_overwrites).toEqual([{ id: f.botUser.id, type: 1, allow: '0', deny: String(Perm.SendMessages) }]);
  });

  it('setBotChannelPermissions changes it at run time and tells connected clients (CHANNEL_UPDATE)', async () => {
    const f = await fake();
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: f.apiUrl } });
    cleanups.push(() => client.destroy());
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(TOKEN);
    await ready;
    const general = f.guilds[0]!.channels[0]!;
    const updated = new Promise<void>((resolve) => client.once(Events.ChannelUpdate, () => resolve()));
    f.setBotChannelPermissions(general.id, withoutSend);
    await updated;
    const channel = await client.channels.fetch(general.id);
    if (!channel || !('permissionsFor' in channel)) throw new Error(`${general.id} is not a guild channel`);
    expect(channel.permissionsFor(client.user!)?.has('SendMessages')).toBe(false);
    expect(channel.permissionsFor(client.user!)?.has('ViewChannel')).toBe(true);
    await expect(client.rest.post(Routes.channelMessages(general.id), { body: { content: 'x' } })).rejects.toBeInstanceOf(DiscordAPIError);
    const handle = f.sendCommand({ name: 'anything', channelId: general.id });
    expect(BigInt(handle.payload.app_permissions as string) & Perm.SendMessages).toBe(0n);

    f.setBotChannelPermissions(general.id, null);
    await client.rest.post(Routes.channelMessages(general.id), { body: { content: 'allowed again' } });
    expect(f.channelMessages.at(-1)?.message.content).toBe('allowed again');
  });

  it('closedDms: a DM to a member who closed them answers 50007 Cannot send messages to this user', async () => {
    const f = await fake({ closedDms: [fakeUsers.carol.id] });
    const dms = createDirectMessages(rest(f));
    expect(await dms.send(fakeUsers.carol.id, { content: 'hi' })).toBe('undeliverable');
    expect(f.requests.at(-1)).toMatchObject({ status: 403, response: { message: 'Cannot send messages to this user', code: 50007 } });
    expect(await dms.send(fakeUsers.dave.id, { content: 'hi' })).toBe('sent');
  });
});
