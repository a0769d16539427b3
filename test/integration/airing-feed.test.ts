/**
 * `/airing-feed` journeys with the whole bot built by the real builder: the discord.js client against the fake
 * gateway (two servers), the background scheduler started by app.start, a check every second
 * (AIRING_FEED_POLL_SECONDS=1), the fake AniList airing episodes on the harness's clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS, type FakeMedia } from '../../fakes/anilist/index.js';
import { Perm, fakeUsers, type FakeUserRef } from '../../fakes/discord/index.js';
import type { RateLimiterOptions } from '../../src/anilist/index.js';
import { AIRING_FEED_MESSAGES } from '../../src/airing/index.js';
import { createTranslations } from '../../src/i18n/index.js';
import { createAiringFeedsRepository } from '../../src/db/airing-feeds.js';
import { openDatabase } from '../../src/db/database.js';
import { migrationsFolder } from '../../src/paths.js';
import { linkMember, startAgain, startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-airing-');
const en = createTranslations().forLocale('en');
const ja = createTranslations().forLocale('ja');
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const APOTHECARY = SEED_MEDIA.apothecary.id;
/** An adult anime that is airing, added to the fake for these journeys. */
const ADULT_AIRING = 4_001;

async function start(env: Record<string, string> = {}, limiter?: RateLimiterOptions): Promise<BotHarness> {
  const h = await startBotHarness({
    dir: tempDir(),
    env: { AIRING_FEED_POLL_SECONDS: '1', ...env },
    limiter,
    // Server Two's owner is Dave, whose AniList profile is private: setting a feed up counts him, and adds nobody
    // watching. Server Two is a Japanese community: its feed posts in Japanese.
    discord: {
      guilds: [{ name: 'Server One' }, { name: 'Server Two', ownerId: fakeUsers.dave.id, preferredLocale: 'ja', roles: [{ name: 'Simulcast' }] }],
    },
  });
  cleanups.push(() => h.close());
  return h;
}


function guild(h: BotHarness, index: number) {
  return h.discord.guilds[index]!;
}

function channel(h: BotHarness, guildIndex: number, name: string): string {
  return guild(h, guildIndex).channels.find((c) => c.name === name)!.id;
}

function postsIn(h: BotHarness, channelId: string): string[] {
  return h.discord.channelMessages.filter((record) => record.channelId === channelId).map((record) => record.message.content);
}

/** The feed's episode posts in a channel (the announcement made when it was set, which names the command, left out). */
function episodePosts(h: BotHarness, channelId: string): string[] {
  return postsIn(h, channelId).filter((content) => content.includes('📺') && !content.includes('`'));
}

/** The titles of a channel's posts, in any language (the bold text that is not a number). */
function episodeTitles(h: BotHarness, channelId: string): string[] {
  return episodePosts(h, channelId).map((post) => [...post.matchAll(/\*\*(.+?)\*\*/g)].map((m) => m[1]!).find((bold) => !/^\d+$/.test(bold)) ?? post);
}

/** The episode numbers of a channel's posts, in any language (the only bold number of a post). */
function episodeNumbers(h: BotHarness, channelId: string): string[] {
  return episodePosts(h, channelId).map((post) => /\*\*(\d+)\*\*/.exec(post)?.[1] ?? post);
}

function dmsTo(h: BotHarness, user: keyof typeof fakeUsers): string[] {
  return h.discord.channelMessages.filter((record) => record.recipientId === fakeUsers[user].id).map((record) => record.message.content);
}

/** A command that asks AniList nothing, so the member is recorded in the server. */
async function seenIn(h: BotHarness, user: FakeUserRef, guildIndex: number): Promise<void> {
  await h.discord.sendCommand({ name: 'privacy', user, guildId: guild(h, guildIndex).id }).waitForInitialResponse();
}

async function setFeed(h: BotHarness, guildIndex: number, channelName: string, options: { role?: string; user?: FakeUserRef; locale?: string } = {}): Promise<string> {
  const handle = h.discord.sendCommand({
    name: 'airing-feed',
    subcommand: 'set',
    user: options.user ?? 'carol',
    ...(options.locale ? { locale: options.locale } : {}),
    guildId: guild(h, guildIndex).id,
    options: [{ name: 'channel', value: channel(h, guildIndex, channelName) }, ...(options.role ? [{ name: 'role', value: options.role }] : [])],
  });
  await handle.waitForInitialResponse();
  const edit = await handle.waitForEdit();
  return edit.message?.content ?? '';
}

/** Checks whose airing-schedule request AniList answered. */
function scheduleReads(h: BotHarness): number {
  return h.anilistFake.graphqlRequests().filter((r) => r.operationName === 'AiringSchedules' && r.status === 200).length;
}

async function checks(h: BotHarness, count = 2): Promise<void> {
  const target = scheduleReads(h) + count;
  await eventually(() => scheduleReads(h) >= target, `${count} airing checks`);
}

const nowS = (h: BotHarness) => Math.floor(h.clock.nowMs() / 1000);

function addAdultAiringAnime(h: BotHarness): void {
  const base = h.anilistFake.store.getMedia(SEED_MEDIA.adultAnimeA.id)!;
  const adult: FakeMedia = { ...structuredClone(base), id: ADULT_AIRING, status: 'RELEASING', episodes: null, title: { romaji: 'Yoru no Himitsu 2', english: null, native: null } };
  h.anilistFake.store.media.set(ADULT_AIRING, adult);
  h.anilistFake.store.addEntry({ userId: SEED_USERS.alice.id, mediaId: ADULT_AIRING, status: 'CURRENT' });
}

// Background calls only use a full burst bucket (one every 2 s at most at 30/min): these journeys take a while.
describe('/airing-feed', { timeout: 90_000 }, () => {
  it('each episode once per server, with how many members watch it and the role mentioned; nothing twice across a restart', async () => {
    const h = await start();
    // Alice (public, Watching the Apothecary Diaries) and Carol are in Server One; only Alice in Server Two.
    // Bob watches it too but chose server_views:false; Dave's AniList (Erin) is a private profile.
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await linkMember(h, 'carol', SEED_USERS.carol.id);
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    await linkMember(h, 'dave', SEED_USERS.erin.id);
    for (const userId of [SEED_USERS.carol.id, SEED_USERS.bob.id, SEED_USERS.erin.id]) h.anilistFake.store.addEntry({ userId, mediaId: APOTHECARY, status: 'CURRENT' });
    for (const user of ['alice', 'carol', 'bob', 'dave'] as const) await seenIn(h, user, 0);
    await seenIn(h, 'alice', 1);
    await h.discord.sendCommand({ name: 'privacy', user: 'bob', options: [{ name: 'server_views', value: false }] }).waitForInitialResponse();

    const role = guild(h, 1).roles.find((r) => r.name === 'Simulcast')!.id;
    const first = await setFeed(h, 0, 'general');
    expect(first).toContain(`Airing feed on: new episodes go to <#${channel(h, 0, 'general')}>.`);
    expect(first).toContain('(4 members so far)');
    expect(first).toContain('Adult titles are left out');
    // Dave's own Discord is in German: the reply is his, the channel's announcement is the server's (Japanese).
    const second = await setFeed(h, 1, 'anime-talk', { role, user: 'dave', locale: 'de' });
    expect(second).toContain(`Episoden-Feed an: Neue Folgen gehen nach <#${channel(h, 1, 'anime-talk')}>, mit Erwähnung von <@&${role}>.`);
    expect(second).toContain('(bisher 2 Mitglieder)');
    expect(postsIn(h, channel(h, 0, 'general'))[0]).toBe(AIRING_FEED_MESSAGES.announcement(en, fakeUsers.carol.id));
    expect(postsIn(h, channel(h, 1, 'anime-talk'))[0]).toBe(AIRING_FEED_MESSAGES.announcement(ja, fakeUsers.dave.id));
    expect(postsIn(h, channel(h, 1, 'anime-talk'))[0]).toContain('このチャンネルで **放送フィード** を始めます');

    // Episode 13 airs 30 s from now; the clock moves a minute on.
    const at = nowS(h);
    h.anilistFake.setAiringSchedule(APOTHECARY, [{ episode: 13, airingAt: at + 30 }, { episode: 14, airingAt: at + 3_600 }]);
    await checks(h, 1);
    h.clock.advance(60_000);
    await eventually(() => episodePosts(h, channel(h, 0, 'general')).length === 1 && episodePosts(h, channel(h, 1, 'anime-talk')).length === 1, 'episode 13 in both servers');
    const url = `<https://anilist.co/anime/${APOTHECARY}>`;
    expect(episodePosts(h, channel(h, 0, 'general'))).toEqual([`📺 Episode **13** of **Kusuriya no Hitorigoto** aired. 2 members here are watching. ${url}`]);
    expect(episodePosts(h, channel(h, 1, 'anime-talk'))).toEqual([`<@&${role}> 📺 **Kusuriya no Hitorigoto** の第 **13** 話が放送されました。ここでは 1 人が視聴中です。 ${url}`]);
    const rolePost = h.discord.channelMessages.find((record) => record.channelId === channel(h, 1, 'anime-talk') && episodePosts(h, record.channelId).includes(record.message.content))!;
    expect(rolePost.body).toMatchObject({ allowed_mentions: { parse: [], roles: [role] } });

    // Down: the same SQLite file, a rebuilt app. Episode 14 airs while it is down.
    await checks(h, 2);
    await h.app.close();
    h.clock.advance(3_600_000);
    // As if the last window had not been saved: the next one covers episode 13 again, and must not post it again.
    const database = openDatabase(h.databasePath, migrationsFolder);
    createAiringFeedsRepository(database.db).recordCheck([], new Date((at - 60) * 1000), new Date(h.clock.nowMs()), h.clock.now());
    const restarted = await startAgain(h, database);
    cleanups.push(() => restarted.close());
    await eventually(() => episodePosts(h, channel(h, 0, 'general')).length >= 2 && episodePosts(h, channel(h, 1, 'anime-talk')).length >= 2, 'episode 14 in both servers');
    await checks(h, 2);
    expect(episodeNumbers(h, channel(h, 0, 'general'))).toEqual(['13', '14']);
    expect(episodeNumbers(h, channel(h, 1, 'anime-talk'))).toEqual(['13', '14']);
    // Every AniList request of the feed went without a token, and asked about at most 50 ids.
    const feedRequests = h.anilistFake.graphqlRequests().filter((r) => r.operationName === 'AiringSchedules' || r.operationName === 'AiringWatchlist');
    expect(feedRequests.every((r) => r.headers.authorization === undefined)).toBe(true);
    const watchlistIds = feedRequests.filter((r) => r.operationName === 'AiringWatchlist').map((r) => (r.body as { variables: { userIds: number[] } }).variables.userIds);
    // Bob (server_views:false) is never asked about.
    expect(watchlistIds.flat()).not.toContain(SEED_USERS.bob.id);
    expect(h.discord.schemaViolations).toEqual([]);
  });

  it('the union of every server’s titles is asked once per window, one airing-schedule request per 50 titles', async () => {
    const h = await start({ METRICS: 'true', METRICS_TOKEN: 'a-long-enough-metrics-token-123' });
    // Sixty more airing titles: Alice watches the first 40, Carol the last 40 (20 shared by both).
    const base = h.anilistFake.store.getMedia(APOTHECARY)!;
    const extra = Array.from({ length: 60 }, (_, i) => 5_001 + i);
    for (const id of extra) h.anilistFake.store.media.set(id, { ...structuredClone(base), id, title: { romaji: `Simulcast ${id}`, english: null, native: null } });
    for (const id of extra.slice(0, 40)) h.anilistFake.store.addEntry({ userId: SEED_USERS.alice.id, mediaId: id, status: 'CURRENT' });
    for (const id of extra.slice(20)) h.anilistFake.store.addEntry({ userId: SEED_USERS.carol.id, mediaId: id, status: 'CURRENT' });
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await linkMember(h, 'carol', SEED_USERS.carol.id);
    await seenIn(h, 'alice', 0);
    await seenIn(h, 'carol', 1);
    // Server One counts Alice and Carol (who sets its feed up), Server Two only Carol (Dave's profile is private).
    await setFeed(h, 0, 'general');
    await setFeed(h, 1, 'anime-talk', { user: 'dave' });
    const watching = (userId: number) =>
      h.anilistFake.store.entriesOf(userId, 'ANIME').filter((entry) => entry.status === 'CURRENT' && entry.private !== true).map((entry) => entry.mediaId);
    const union = new Set([...watching(SEED_USERS.alice.id), ...watching(SEED_USERS.carol.id)]);
    expect(union.size).toBeGreaterThan(50);
    expect(union.size).toBeLessThanOrEqual(100);

    const shared = extra[30]!;
    h.anilistFake.setAiringSchedule(shared, [{ episode: 5, airingAt: nowS(h) + 30 }]);
    await checks(h, 2);
    h.clock.advance(60_000);
    await eventually(() => episodePosts(h, channel(h, 0, 'general')).length === 1 && episodePosts(h, channel(h, 1, 'anime-talk')).length === 1, 'the post in both servers');
    await checks(h, 2);
    expect(episodePosts(h, channel(h, 0, 'general'))[0]).toContain(`Episode **5** of **Simulcast ${shared}** aired. 2 members here are watching.`);
    expect(episodePosts(h, channel(h, 1, 'anime-talk'))[0]).toContain(`**Simulcast ${shared}** の第 **5** 話が放送されました。ここでは 1 人が視聴中です。`);

    // Every window (the same airingAt bounds) was asked in exactly two requests, 50 titles and the rest, together the
    // union once: not once per server (which would take three).
    const windows = new Map<string, number[][]>();
    for (const request of h.anilistFake.graphqlRequests()) {
      if (request.operationName !== 'AiringSchedules' || request.status !== 200) continue;
      const { mediaIds, after, before } = (request.body as { variables: { mediaIds: number[]; after: number; before: number } }).variables;
      const key = `${after}-${before}`;
      windows.set(key, [...(windows.get(key) ?? []), mediaIds]);
    }
    expect(windows.size).toBeGreaterThanOrEqual(2);
    for (const requests of windows.values()) {
      expect(requests.map((ids) => ids.length)).toEqual([50, union.size - 50]);
      expect(new Set(requests.flat())).toEqual(union);
    }
    // The watchlists were read once for both servers: Alice and Carol in one request.
    const watchlistReads = h.anilistFake.graphqlRequests().filter((r) => r.operationName === 'AiringWatchlist' && r.status === 200);
    expect(watchlistReads.map((r) => (r.body as { variables: { userIds: number[] } }).variables.userIds)).toEqual([[SEED_USERS.alice.id, SEED_USERS.carol.id].sort((a, b) => a - b)]);
    // /metrics counts the feed's AniList requests by kind, and its checks.
    const metrics = await h.app.metrics!.registry.metrics();
    expect(metrics).toMatch(/^anilink_airing_feed_anilist_requests_total\{kind="watchlist"\} 1$/m);
    expect(metrics).toMatch(/^anilink_airing_feed_anilist_requests_total\{kind="schedule"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^anilink_airing_feed_checks_total\{outcome="ok"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^anilink_airing_feeds\{state="active"\} 2$/m);
  });

  it('adult titles only in age-restricted channels, checked again before posting', async () => {
    const h = await start();
    addAdultAiringAnime(h);
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await seenIn(h, 'alice', 0);
    await seenIn(h, 'alice', 1);
    // Both servers set their NSFW channel; Server Two's is made SFW afterwards (the feed still has it as NSFW).
    expect(await setFeed(h, 0, 'nsfw-lounge')).toContain('This channel is age-restricted, so adult titles are announced too.');
    expect(await setFeed(h, 1, 'nsfw-lounge', { user: 'dave' })).toContain('age-restricted');
    guild(h, 1).channels.find((c) => c.name === 'nsfw-lounge')!.nsfw = false;
    const at = nowS(h);
    h.anilistFake.setAiringSchedule(ADULT_AIRING, [{ episode: 3, airingAt: at + 20 }]);
    h.anilistFake.setAiringSchedule(APOTHECARY, [{ episode: 13, airingAt: at + 25 }]);
    await checks(h, 1);
    h.clock.advance(60_000);
    await eventually(() => episodePosts(h, channel(h, 0, 'nsfw-lounge')).length === 2 && episodePosts(h, channel(h, 1, 'nsfw-lounge')).length === 1, 'the posts');
    await checks(h, 2);
    expect(episodeTitles(h, channel(h, 0, 'nsfw-lounge'))).toEqual(['Yoru no Himitsu 2', 'Kusuriya no Hitorigoto']);
    // Server Two's channel is no longer age-restricted: the adult title is left out, the other is posted.
    expect(episodeTitles(h, channel(h, 1, 'nsfw-lounge'))).toEqual(['Kusuriya no Hitorigoto']);

    // A feed in an SFW channel never even queues adult titles.
    expect(await setFeed(h, 0, 'general')).toContain('Adult titles are left out');
    h.anilistFake.setAiringSchedule(ADULT_AIRING, [{ episode: 4, airingAt: nowS(h) + 20 }]);
    h.anilistFake.setAiringSchedule(APOTHECARY, [{ episode: 14, airingAt: nowS(h) + 25 }]);
    await checks(h, 1);
    h.clock.advance(60_000);
    await eventually(() => episodePosts(h, channel(h, 0, 'general')).length === 1, 'the SFW post');
    await checks(h, 2);
    expect(episodePosts(h, channel(h, 0, 'general'))).toHaveLength(1);
    expect(episodePosts(h, channel(h, 0, 'general'))[0]).toContain('Episode **14** of **Kusuriya no Hitorigoto**');
  });

  it('a channel the bot cannot post in: refused when set, and a feed whose channel closes stops and tells the admin by DM', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await seenIn(h, 'alice', 0);
    const general = channel(h, 0, 'general');
    const withoutSend = (BigInt(guild(h, 0).everyonePermissions) & ~Perm.SendMessages).toString();

    h.discord.setBotChannelPermissions(general, withoutSend);
    const refused = await setFeed(h, 0, 'general');
    expect(refused).toBe(en.render(AIRING_FEED_MESSAGES.cannotPost(general, 'missing_permissions')));
    expect(createAiringFeedsRepository(h.database.db).find(guild(h, 0).id)).toBeUndefined();

    h.discord.setBotChannelPermissions(general, null);
    expect(await setFeed(h, 0, 'general')).toContain('Airing feed on');
    await checks(h, 1);
    h.discord.setBotChannelPermissions(general, withoutSend);
    h.anilistFake.setAiringSchedule(APOTHECARY, [{ episode: 13, airingAt: nowS(h) + 20 }]);
    h.clock.advance(60_000);
    await eventually(() => createAiringFeedsRepository(h.database.db).find(guild(h, 0).id)?.disabledAt != null, 'the feed to stop');
    await eventually(() => dmsTo(h, 'carol').length === 1, 'the DM to the admin');
    expect(dmsTo(h, 'carol')[0]).toBe(AIRING_FEED_MESSAGES.disabled(en, general, guild(h, 0).id, 'missing_permissions'));
    expect(episodePosts(h, general)).toEqual([]);
    // Stopped: no feed is active any more, and /airing-feed off clears it.
    expect(createAiringFeedsRepository(h.database.db).active()).toEqual([]);
    const off = h.discord.sendCommand({ name: 'airing-feed', subcommand: 'off', user: 'carol' });
    expect((await off.waitForInitialResponse()).data?.content).toBe(AIRING_FEED_MESSAGES.off(en, general));
  });

  it('only members with Manage Server: registered with default_member_permissions, and checked again from the payload', async () => {
    const h = await start();
    const registered = h.discord.registeredCommands.global.find((c) => c.name === 'airing-feed');
    expect(registered).toMatchObject({ default_member_permissions: String(Perm.ManageGuild), contexts: [0] });
    // Discord does not offer it to Alice (@everyone's permissions)…
    expect(() => h.discord.sendCommand({ name: 'airing-feed', subcommand: 'off', user: 'alice' })).toThrow(/default_member_permissions/);
    // …unless a server admin allowed it to her: then the bot refuses by itself.
    for (const subcommand of ['set', 'off']) {
      const handle = h.discord.sendCommand({
        name: 'airing-feed',
        subcommand,
        user: 'alice',
        allowedByServerOverride: true,
        options: subcommand === 'set' ? [{ name: 'channel', value: channel(h, 0, 'general') }] : [],
      });
      const answer = await handle.waitForInitialResponse();
      expect(answer.data).toMatchObject({ content: en.render(AIRING_FEED_MESSAGES.needsManageServer), flags: 64 });
    }
    expect(createAiringFeedsRepository(h.database.db).find(guild(h, 0).id)).toBeUndefined();
    expect(postsIn(h, channel(h, 0, 'general'))).toEqual([]);
    // A member whose roles grant Manage Server may.
    const viaRole = h.discord.sendCommand({ name: 'airing-feed', subcommand: 'off', user: 'dave', memberPermissions: String(BigInt(guild(h, 0).everyonePermissions) | Perm.ManageGuild) });
    expect((await viaRole.waitForInitialResponse()).data?.content).toBe(AIRING_FEED_MESSAGES.offNone(en));
  });

  it('a 429 pauses the feed while commands keep being answered; a 500 loses nothing', async () => {
    const h = await start({}, { burst: 4 });
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await seenIn(h, 'alice', 0);
    await setFeed(h, 0, 'general');
    await checks(h, 1);
    // Episode 13 airs in a moment; the clock is not moved here: the limiter times the pause by the real clock, and
    // AniList's X-RateLimit-Reset comes from the fake's clock, so the two must agree.
    h.anilistFake.setAiringSchedule(APOTHECARY, [{ episode: 13, airingAt: nowS(h) + 1 }, { episode: 14, airingAt: nowS(h) + 30 }]);
    // The next request AniList gets (the feed's next check: nothing else is talking to it) is answered 429.
    h.anilistFake.inject({ kind: 'rateLimited', retryAfterS: 3 });
    await eventually(() => h.limiter.stats().pausedUntil !== null, 'the 429 to pause the limiter');
    const requestsBefore = h.anilistFake.graphqlRequests().length;
    expect(h.anilistFake.graphqlRequests().at(-1)).toMatchObject({ operationName: 'AiringSchedules', status: 429 });

    // A member's command during the pause is answered, and goes before the feed once it ends.
    const profile = h.discord.sendCommand({ name: 'profile', user: 'alice' });
    await profile.waitForInitialResponse();
    expect((await profile.waitForEdit(10_000)).message?.embeds[0]?.title).toBe('AliceFake');
    // Commands that need no AniList are answered at once.
    const other = h.discord.sendCommand({ name: 'airing-feed', subcommand: 'off', user: 'dave', guildId: guild(h, 1).id });
    expect((await other.waitForInitialResponse()).data?.content).toBe(AIRING_FEED_MESSAGES.offNone(en));

    await eventually(() => episodePosts(h, channel(h, 0, 'general')).length === 1, 'the post after the pause');
    expect(h.anilistFake.stats().requestsDuringRetryAfter).toBe(0);
    const after = h.anilistFake.graphqlRequests().slice(requestsBefore).map((r) => r.operationName);
    expect(after[0]).toBe('UserProfile');
    expect(after).toContain('AiringSchedules');

    // AniList failing: the window stays where it was and the next check covers it.
    await checks(h, 1);
    h.anilistFake.inject({ kind: 'status500' }, { times: 2 });
    h.clock.advance(60_000);
    await eventually(() => episodePosts(h, channel(h, 0, 'general')).length === 2, 'episode 14 after the failures');
    await checks(h, 2);
    expect(episodeNumbers(h, channel(h, 0, 'general'))).toEqual(['13', '14']);
    expect(h.logs.text()).toContain('airing feed check failed; the next one tries again');
  });
});
