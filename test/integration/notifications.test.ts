/**
 * `/notifications` journeys with the whole bot built by the real builder: the discord.js client against the fake
 * gateway, the background scheduler started by app.start, polls every second (NOTIFICATION_POLL_SECONDS=1).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS, type NewFakeNotification } from '../../fakes/anilist/index.js';
import { fakeUsers, type InteractionHandle } from '../../fakes/discord/index.js';
import type { RateLimiterOptions } from '../../src/anilist/index.js';
import { createNotificationSubscriptionsRepository } from '../../src/db/notification-subscriptions.js';
import { inEnglish } from '../../src/i18n/index.js';
import { LINK_EXPIRED, RUN_LINK_FIRST } from '../../src/linking/index.js';
import { DMS_CLOSED_NOTICE } from '../../src/notifications/index.js';
import { NOTIFICATIONS_UNAVAILABLE } from '../../commands/notifications.js';
import { linkMember, startAgain, startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-notifications-');
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Member = 'alice' | 'bob' | 'carol';
const ANILIST: Record<Member, number> = { alice: SEED_USERS.alice.id, bob: SEED_USERS.bob.id, carol: SEED_USERS.carol.id };

async function start(env: Record<string, string> = {}, limiter?: RateLimiterOptions): Promise<BotHarness> {
  const h = await startBotHarness({ dir: tempDir(), env: { NOTIFICATION_POLL_SECONDS: '1', ...env }, limiter });
  cleanups.push(() => h.close());
  return h;
}


function dmsTo(h: BotHarness, member: Member): string[] {
  return h.discord.channelMessages.filter((record) => record.recipientId === fakeUsers[member].id).map((record) => record.message.content);
}

/** Reads of a member's inbox AniList answered or refused so far. */
function inboxReads(h: BotHarness, member: Member): number {
  return h.anilistFake.graphqlRequests().filter((request) => request.operationName === 'Notifications' && request.viewerId === ANILIST[member]).length;
}

/** Waits until `count` more reads of the member's inbox were answered: polls went by. */
async function polls(h: BotHarness, member: Member, count = 2): Promise<void> {
  const answered = () =>
    h.anilistFake.graphqlRequests().filter((r) => r.operationName === 'Notifications' && r.viewerId === ANILIST[member] && r.status === 200).length;
  const target = answered() + count;
  await eventually(() => answered() >= target, `${count} polls of ${member}'s inbox`);
}

async function command(h: BotHarness, member: Member, name: string, options: { name: string; value: unknown }[] = []): Promise<{ content: string; handle: InteractionHandle }> {
  const handle = h.discord.sendCommand({ name, user: member, options });
  const initial = await handle.waitForInitialResponse();
  return { content: (initial.data as { content?: string } | undefined)?.content ?? '', handle };
}

async function optIn(h: BotHarness, member: Member, types?: string): Promise<string> {
  const options = [{ name: 'enabled', value: true }, ...(types === undefined ? [] : [{ name: 'types', value: types }])];
  return (await command(h, member, 'notifications', options)).content;
}

/** Pushes a notification and waits one second of the shared clock, so it is older than anything that follows. */
function push(h: BotHarness, member: Member, notification: NewFakeNotification) {
  const pushed = h.anilistFake.pushNotification(ANILIST[member], notification);
  h.clock.advance(1_000);
  return pushed;
}

const airing = (episode: number, mediaId: number = SEED_MEDIA.frieren.id): NewFakeNotification => ({ type: 'AIRING', mediaId, episode });

// At AniList's 30 requests a minute, background polls only use a full burst bucket (one every 2 s at most), so these
// journeys take tens of seconds of real budget time.
describe('/notifications', { timeout: 60_000 }, () => {
  it('opt in → an airing notification arrives by DM once, nothing from before; opt out → nothing more', async () => {
    const h = await start({ METRICS: 'true', METRICS_TOKEN: 'a-long-enough-metrics-token-123' });
    await linkMember(h, 'alice', ANILIST.alice);
    await linkMember(h, 'bob', ANILIST.bob);
    push(h, 'alice', airing(3));

    const reply = await optIn(h, 'alice', 'airing');
    expect(reply).toContain('Notifications on: I will DM you new episodes of the anime you are watching of your AniList account **AliceFake**');
    expect(reply).toContain('I look every second');
    expect(await optIn(h, 'bob')).toContain('Notifications on');
    expect(await optIn(h, 'carol')).toBe(inEnglish(RUN_LINK_FIRST));
    await polls(h, 'alice', 1);
    push(h, 'alice', airing(4));
    await eventually(() => dmsTo(h, 'alice').length > 0, 'the DM');
    await polls(h, 'alice');
    expect(dmsTo(h, 'alice')).toEqual([`📺 Episode **4** of **Frieren: Beyond Journey's End** aired.\nhttps://anilist.co/anime/${SEED_MEDIA.frieren.id}`]);
    expect(h.anilistFake.unreadNotificationCount(ANILIST.alice)).toBe(2);
    expect(await optIn(h, 'alice', 'airing')).toContain('already on');

    const metrics = await h.app.metrics!.registry.metrics();
    expect(metrics).toMatch(/^anilink_notification_dms_total\{outcome="sent"\} 1$/m);
    expect(metrics).toMatch(/^anilink_notification_members\{state="active"\} 2$/m);
    expect(metrics).toMatch(/^anilink_notifications_poll_lag_seconds \d/m);
    expect(metrics).toMatch(/^anilink_anilist_requests_total\{lane="background",outcome="ok"\} [1-9]/m);

    const off = await command(h, 'alice', 'notifications', [{ name: 'enabled', value: false }]);
    expect(off.content).toContain('Notifications off');
    // A poll of Alice's that had already started may still finish; none starts after it.
    await polls(h, 'bob');
    const readsWhenOff = inboxReads(h, 'alice');
    push(h, 'alice', airing(5));
    // Bob is still polled; Alice is not any more.
    await polls(h, 'bob');
    expect(inboxReads(h, 'alice')).toBe(readsWhenOff);
    expect(dmsTo(h, 'alice')).toHaveLength(1);
    expect((await command(h, 'alice', 'notifications', [{ name: 'enabled', value: false }])).content).toContain('were not on');
    expect(h.discord.schemaViolations).toEqual([]);
  });

  it('a restart between two polls delivers nothing twice (same SQLite file, rebuilt app)', async () => {
    const h = await start();
    await linkMember(h, 'alice', ANILIST.alice);
    await optIn(h, 'alice', 'all');
    push(h, 'alice', airing(1));
    await eventually(() => dmsTo(h, 'alice').length === 1, 'the first DM');
    await polls(h, 'alice', 1);

    // Down: the background jobs and servers stop; the database file stays.
    await h.app.close();
    push(h, 'alice', airing(2));
    push(h, 'alice', { type: 'ACTIVITY_LIKE', userId: SEED_USERS.bob.id, activityId: 9 });

    const restarted = await startAgain(h);
    cleanups.push(() => restarted.close());

    await eventually(() => dmsTo(h, 'alice').length >= 3, 'the DMs after the restart');
    await polls(h, 'alice');
    const dms = dmsTo(h, 'alice');
    expect(dms).toHaveLength(3);
    expect(dms[0]).toContain('Episode **1**');
    expect(dms[1]).toContain('Episode **2**');
    expect(dms[2]).toContain('**1 new like**');
  });

  it('a 429 pauses background work while commands keep being answered', { timeout: 40_000 }, async () => {
    // A small burst bucket: after a pause the limiter restarts from one token, and background work waits until the
    // bucket is full again (with the harness's 30 tokens at 90/min, about twenty seconds).
    const h = await start({}, { burst: 4 });
    await linkMember(h, 'alice', ANILIST.alice);
    await optIn(h, 'alice', 'airing');
    await polls(h, 'alice', 1);
    push(h, 'alice', airing(8));
    // The next request AniList gets (Alice's next poll: nothing else is talking to it) is answered 429.
    h.anilistFake.inject({ kind: 'rateLimited', retryAfterS: 3 });
    await eventually(() => h.limiter.stats().pausedUntil !== null, 'the 429 to pause the limiter');
    const requestsBefore = h.anilistFake.graphqlRequests().length;
    expect(h.anilistFake.graphqlRequests().at(-1)).toMatchObject({ operationName: 'Notifications', status: 429 });

    // A member's command during the pause is answered, and goes before the background work once it ends.
    const profile = h.discord.sendCommand({ name: 'profile', user: 'alice' });
    await profile.waitForInitialResponse();
    const answer = await profile.waitForEdit(10_000);
    expect(answer.message?.embeds[0]?.title).toBe('AliceFake');
    // Other commands need no AniList at all and are answered at once.
    expect(await optIn(h, 'alice', 'airing')).toContain('already on');

    await eventually(() => dmsTo(h, 'alice').length === 1, 'the DM after the pause');
    expect(dmsTo(h, 'alice')[0]).toContain('Episode **8**');
    expect(h.anilistFake.stats().requestsDuringRetryAfter).toBe(0);
    const after = h.anilistFake.graphqlRequests().slice(requestsBefore).map((r) => r.operationName);
    expect(after[0]).toBe('UserProfile');
    expect(after).toContain('Notifications');
  });

  it('AniList failing (500) loses nothing: the next poll delivers, once', async () => {
    const h = await start();
    await linkMember(h, 'alice', ANILIST.alice);
    await optIn(h, 'alice', 'airing');
    await polls(h, 'alice', 1);
    h.anilistFake.inject({ kind: 'status500' }, { times: 2 });
    push(h, 'alice', airing(10));
    await eventually(() => dmsTo(h, 'alice').length === 1, 'the DM');
    await polls(h, 'alice');
    expect(dmsTo(h, 'alice')).toHaveLength(1);
    expect(h.logs.text()).toContain('could not read AniList notifications; the next poll tries again');
  });

  it('closed DMs: remembered, polling stops, the next command tells the member once, and opting in again delivers what was missed', async () => {
    const h = await start();
    await linkMember(h, 'alice', ANILIST.alice);
    await linkMember(h, 'bob', ANILIST.bob);
    await optIn(h, 'alice');
    await optIn(h, 'bob', 'airing');
    await polls(h, 'bob', 1);
    h.discord.setDmsClosed(fakeUsers.bob.id);
    push(h, 'bob', airing(11, SEED_MEDIA.apothecary.id));
    await eventually(() => createNotificationSubscriptionsRepository(h.database.db).find(fakeUsers.bob.id)?.dmClosedAt != null, 'closed DMs recorded');
    push(h, 'bob', airing(12, SEED_MEDIA.apothecary.id));
    const readsWhenClosed = inboxReads(h, 'bob');
    await polls(h, 'alice');
    expect(inboxReads(h, 'bob')).toBe(readsWhenClosed);

    // The next command Bob runs is answered, then he is told, privately and once.
    const first = await command(h, 'bob', 'profile');
    await first.handle.waitForEdit();
    const notice = await first.handle.waitForFollowUp();
    expect(notice.content).toBe(inEnglish(DMS_CLOSED_NOTICE));
    expect(notice.flags & 64).toBe(64);
    const second = await command(h, 'bob', 'link');
    expect(second.content).toContain('Link');
    await polls(h, 'alice', 1);
    expect(second.handle.followUps).toEqual([]);

    h.discord.setDmsClosed(fakeUsers.bob.id, false);
    expect(await optIn(h, 'bob')).toContain('starting with the ones I could not deliver');
    await eventually(() => dmsTo(h, 'bob').length === 2, 'the missed DMs');
    expect(dmsTo(h, 'bob').map((dm) => /Episode \*\*(\d+)\*\*/.exec(dm)?.[1])).toEqual(['11', '12']);
  });

  it('an expired token pauses the member until they link again; what arrived meanwhile still comes', async () => {
    const h = await start();
    await linkMember(h, 'alice', ANILIST.alice);
    await linkMember(h, 'carol', ANILIST.carol);
    await optIn(h, 'alice', 'airing');
    await optIn(h, 'carol', 'airing');
    await polls(h, 'alice', 1);
    h.anilistFake.revokeAllTokens(ANILIST.alice);
    push(h, 'alice', airing(20));
    await eventually(() => h.links.member(fakeUsers.alice.id)?.state === 'rejected', 'the rejected token');
    const readsWhenRejected = inboxReads(h, 'alice');
    await polls(h, 'carol');
    expect(inboxReads(h, 'alice')).toBe(readsWhenRejected);
    expect(dmsTo(h, 'alice')).toEqual([]);
    expect(h.logs.text()).toContain('AniList rejected the token; notifications pause until the member links again');
    expect(await optIn(h, 'alice')).toBe(inEnglish(LINK_EXPIRED));

    await linkMember(h, 'alice', ANILIST.alice);
    await eventually(() => dmsTo(h, 'alice').length === 1, 'the DM after linking again');
    expect(dmsTo(h, 'alice')[0]).toContain('Episode **20**');
    // Carol reads AniList in Japanese.
    push(h, 'carol', airing(21));
    await eventually(() => dmsTo(h, 'carol').length === 1, "Carol's DM");
    expect(dmsTo(h, 'carol')[0]).toContain('Episode **21** of **葬送のフリーレン** aired.');
  });

  it('with ANILIST_BACKGROUND_SHARE=0 there are no notifications to turn on', async () => {
    const h = await start({ ANILIST_BACKGROUND_SHARE: '0' });
    await linkMember(h, 'alice', ANILIST.alice);
    expect(await optIn(h, 'alice')).toBe(inEnglish(NOTIFICATIONS_UNAVAILABLE));
    expect((await command(h, 'alice', 'notifications', [{ name: 'enabled', value: false }])).content).toContain('were not on');
  });
});
