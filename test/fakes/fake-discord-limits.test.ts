/**
 * The fake Discord's rate limits and permission answers, and that the real discord.js REST client queues around
 * the limits the way it does against Discord.
 */
import { Client, DiscordAPIError, Events, GatewayIntentBits, REST, Routes, type Interaction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createDirectMessages } from '../../src/expiry/direct-messages.js';
import {
  AVAILABLE_LOCALES,
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

/** Command writes are limited to 5 per 20 s per application; these tests register more often than that. */
const unlimitedCommandWrites: StartFakeDiscordOptions = { rateLimits: { routes: { 'application-commands-write': null } } };

describe('fake Discord command localizations', () => {
  const put = (f: FakeDiscord, body: unknown) => raw(f, 'PUT', `/applications/${f.applicationId}/commands`, body);
  const violations = async (f: FakeDiscord, body: unknown) => {
    const answer = await put(f, body);
    return { status: answer.status, errors: answer.status === 200 ? [] : f.schemaViolations.at(-1)?.errors.map((e) => [e.path, e.code]) };
  };
  const command = (extra: Record<string, unknown> = {}) => ({ type: 1, name: 'list', description: 'Show a list', ...extra });

  it('knows exactly the locales of Discord’s OpenAPI description', () => {
    const spec = JSON.parse(readFileSync(new URL('../../fakes/discord/openapi.json', import.meta.url), 'utf8')) as {
      components: { schemas: { AvailableLocalesEnum: { oneOf: { const: string }[] } } };
    };
    expect([...AVAILABLE_LOCALES].sort()).toEqual(spec.components.schemas.AvailableLocalesEnum.oneOf.map((entry) => entry.const).sort());
  });

  it('accepts localized names that follow the name rules, in any script', async () => {
    const f = await fake(unlimitedCommandWrites);
    const ok = await violations(f, [
      command({
        name_localizations: { ja: 'リスト', de: 'liste', 'pt-BR': 'visível_nos_servidores', hi: 'सूची', th: 'รายการ' },
        description_localizations: { ja: 'リストを表示', fr: 'Affiche une liste' },
        options: [{ type: 3, name: 'type', description: 'Which', name_localizations: { ja: '種類' }, choices: [{ name: 'Anime', value: 'A', name_localizations: { ja: 'アニメ' } }] }],
      }),
      { type: 2, name: 'AniList profile', name_localizations: { ja: 'AniList プロフィール', de: 'AniList-Profil' } },
    ]);
    expect(ok).toEqual({ status: 200, errors: [] });
  });

  it('rejects localized names that break the rules, unknown locales, and names that collide in one language', async () => {
    const f = await fake(unlimitedCommandWrites);
    expect(await violations(f, [command({ name_localizations: { de: 'Liste' } })])).toEqual({ status: 400, errors: [['0.name_localizations.de', 'APPLICATION_COMMAND_INVALID_NAME']] });
    expect(await violations(f, [command({ name_localizations: { fr: 'mettre à jour' } })])).toEqual({ status: 400, errors: [['0.name_localizations.fr', 'APPLICATION_COMMAND_INVALID_NAME']] });
    expect(await violations(f, [command({ description_localizations: { pt: 'Lista' } })])).toEqual({ status: 400, errors: [['0.description_localizations.pt', 'BASE_TYPE_CHOICES']] });
    expect(await violations(f, [command({ options: [{ type: 3, name: 'type', description: 'x', name_localizations: { ja: 'Type' } }] })])).toEqual({
      status: 400,
      errors: [['0.options.0.name_localizations.ja', 'APPLICATION_COMMAND_INVALID_NAME']],
    });
    // Two commands that look alike to Japanese members, and two options that look alike to German ones.
    expect(await violations(f, [command({ name_localizations: { ja: 'リスト' } }), { type: 1, name: 'lists', description: 'x', name_localizations: { ja: 'リスト' } }])).toEqual({
      status: 400,
      errors: [['1.name_localizations.ja', 'APPLICATION_COMMANDS_DUPLICATE_NAME']],
    });
    expect(await violations(f, [command({ name_localizations: { de: 'lists' } }), { type: 1, name: 'lists', description: 'x' }])).toEqual({
      status: 400,
      errors: [['1.name_localizations.de', 'APPLICATION_COMMANDS_DUPLICATE_NAME']],
    });
    const options = [
      { type: 3, name: 'media', description: 'x', name_localizations: { de: 'titel' } },
      { type: 3, name: 'title', description: 'x', name_localizations: { de: 'titel' } },
    ];
    expect(await violations(f, [command({ options })])).toEqual({ status: 400, errors: [['0.options.1.name_localizations.de', 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS']] });
    expect(f.registeredCommands.global).toEqual([]);
  });

  it('applies the 4000-character limit in every language', async () => {
    const f = await fake(unlimitedCommandWrites);
    const choices = Array.from({ length: 25 }, (_, i) => ({ name: `c${i}`, value: `v${i}`, name_localizations: { ja: 'あ'.repeat(100) } }));
    const options = Array.from({ length: 2 }, (_, i) => ({ type: 3, name: `o${i}`, description: 'x', choices }));
    expect(await violations(f, [command({ options })])).toEqual({ status: 400, errors: [['0', 'APPLICATION_COMMAND_TOO_LARGE']] });
  });
});

describe('fake Discord user installs', () => {
  const register = (f: FakeDiscord, integrationTypes: number[]) =>
    raw(f, 'PUT', `/applications/${f.applicationId}/commands`, [{ type: 1, name: 'list', description: 'x', integration_types: integrationTypes, contexts: [0, 1, 2] }]);

  it('foreignGuild sends what Discord sends from a server without the bot: no guild object, only the member’s own install', async () => {
    const f = await fake();
    expect((await register(f, [0, 1])).status).toBe(200);
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: f.apiUrl } });
    cleanups.push(() => client.destroy());
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(TOKEN);
    await ready;
    const received = new Promise<Interaction>((resolve) => client.once(Events.InteractionCreate, resolve));
    const handle = f.sendCommand({ name: 'list', foreignGuild: true, user: 'bob', locale: 'pt-BR' });
    const payload = handle.payload;
    expect(payload.guild).toBeUndefined();
    expect(payload.authorizing_integration_owners).toEqual({ '1': fakeUsers.bob.id });
    expect(payload.context).toBe(0);
    expect(payload.locale).toBe('pt-BR');
    expect(typeof payload.guild_id).toBe('string');
    expect(f.guilds.some((guild) => guild.id === payload.guild_id)).toBe(false);
    expect(payload.member).toMatchObject({ user: { id: fakeUsers.bob.id } });
    // As discord.js reads it: a server, but not one it knows or was installed in.
    const interaction = await received;
    expect([interaction.guildId, interaction.guild, interaction.authorizingIntegrationOwners.guildId, interaction.locale]).toEqual([payload.guild_id, null, null, 'pt-BR']);
    // In a server the bot is in, the payload says it is installed there.
    const inServer = f.sendCommand({ name: 'list' });
    expect(inServer.payload).toMatchObject({ authorizing_integration_owners: { '0': f.guilds[0]!.id }, guild: { id: f.guilds[0]!.id } });
  });

  it('refuses to send a command from a server without the bot when it cannot be installed on an account', async () => {
    const f = await fake();
    expect((await register(f, [0])).status).toBe(200);
    expect(() => f.sendCommand({ name: 'list', foreignGuild: true })).toThrow(/cannot be used in a server without the bot/);
    expect((await register(f, [0, 1])).status).toBe(200);
    expect(() => f.sendCommand({ name: 'list', foreignGuild: f.guilds[0]!.id })).toThrow(/the bot is in guild/);
  });
});
