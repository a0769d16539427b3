/**
 * One member's polls, run one at a time by hand: the real poller with the real subscriptions table (a SQLite file),
 * the bot's AniList client against the fake AniList, and DMs through discord.js REST to the fake Discord.
 */
import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers, startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';
import { openDatabase } from '../../src/db/database.js';
import { createNotificationSubscriptionsRepository, type NotificationSubscriptionsRepository, type NotificationTypesChoice } from '../../src/db/notification-subscriptions.js';
import { createDirectMessages } from '../../src/expiry/direct-messages.js';
import { createNotificationPoller, type PollOutcome } from '../../src/notifications/index.js';
import { migrationsFolder } from '../../src/paths.js';
import { TEST_DISCORD_TOKEN } from '../support/env.js';
import { startLinkHarness, type LinkHarness } from '../support/link-harness.js';
import { useTempDir } from '../support/temp.js';
import { linkThroughAniList } from '../ops/helpers.js';

const tempDir = useTempDir('anilink-poller-');
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const alice = fakeUsers.alice.id;
const ANILIST_ALICE = SEED_USERS.alice.id;

interface World {
  h: LinkHarness;
  discord: FakeDiscord;
  subscriptions: NotificationSubscriptionsRepository;
  outcomes: PollOutcome[];
  /** One poll of Alice's inbox, as the scheduler runs it; `subscriptions` replaces the table access (e.g. after a restart). */
  poll(options?: { subscriptions?: NotificationSubscriptionsRepository; maxPages?: number }): Promise<void>;
  optIn(types?: NotificationTypesChoice): void;
  dms(): string[];
  /** The `Notifications` requests AniList received, with their variables. */
  inboxReads(): { types: unknown; page: unknown }[];
}

/** `discordLocale`: alice's Discord language when she linked. */
async function world(discordLocale?: string): Promise<World> {
  const h = await startLinkHarness({ dir: tempDir() });
  cleanups.push(() => h.close());
  // These journeys send a hundred DMs to one member to test paging, not Discord's 5-per-5-s limit on a channel
  // (which the DM tests of the expiry reminders and of the bot harness keep on).
  const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN, now: h.clock.nowMs, rateLimits: false });
  cleanups.push(() => discord.close());
  await linkThroughAniList(h, alice, ANILIST_ALICE, discordLocale);
  const subscriptions = createNotificationSubscriptionsRepository(h.database.db);
  const dms = createDirectMessages(new REST({ api: discord.apiUrl }).setToken(TEST_DISCORD_TOKEN));
  const outcomes: PollOutcome[] = [];
  return {
    h,
    discord,
    subscriptions,
    outcomes,
    async poll(options = {}) {
      const poller = createNotificationPoller({
        subscriptions: options.subscriptions ?? subscriptions,
        members: h.links,
        anilist: h.anilist,
        dms,
        i18n: h.app.i18n,
        clock: h.clock.now,
        logger: h.logs.logger,
        pollIntervalMs: 120_000,
        maxPages: options.maxPages,
        onPoll: (outcome) => outcomes.push(outcome),
      });
      await poller.run({ key: alice, dueAt: 0 }, new AbortController().signal);
    },
    optIn(types = 'all') {
      subscriptions.create({ discordUserId: alice, anilistUserId: ANILIST_ALICE, types }, h.clock.now());
    },
    dms: () => discord.channelMessages.filter((record) => record.recipientId === alice).map((record) => record.message.content),
    inboxReads: () =>
      h.anilistFake
        .graphqlRequests()
        .filter((request) => request.operationName === 'Notifications')
        .map((request) => {
          const variables = (request.body as { variables: { types: unknown; page: unknown } }).variables;
          return { types: variables.types, page: variables.page };
        }),
  };
}

describe('the notification poller', () => {
  it('starts from the opt-in, then DMs each new notification once, oldest first, titles in the member’s language; AniList’s unread count stays', async () => {
    const w = await world();
    const frieren = SEED_MEDIA.frieren.id;
    w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'AIRING', mediaId: frieren, episode: 4 });
    w.h.clock.advance(60_000);
    w.optIn();
    await w.poll();
    expect(w.dms()).toEqual([]);
    expect(w.outcomes).toEqual(['ok']);

    w.h.clock.advance(1_000);
    const episode5 = w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'AIRING', mediaId: frieren, episode: 5 });
    w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'ACTIVITY_LIKE', userId: SEED_USERS.bob.id, activityId: 31 });
    w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'ACTIVITY_LIKE', userId: SEED_USERS.carol.id, activityId: 31 });
    w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'FOLLOWING', userId: SEED_USERS.bob.id });
    const episode6 = w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'AIRING', mediaId: frieren, episode: 6 });
    await w.poll();
    await w.poll();
    expect(w.dms()).toEqual([
      // Alice reads AniList in English.
      `📺 Episode **5** of **Frieren: Beyond Journey's End** aired.\nhttps://anilist.co/anime/${frieren}`,
      [
        '🔔 **2 new likes** and **1 new follower** on AniList:',
        '• **BobFake** liked your activity. <https://anilist.co/activity/31>',
        '• **CarolFake** liked your activity. <https://anilist.co/activity/31>',
        '• **BobFake** started following you.',
        '<https://anilist.co/notifications>',
      ].join('\n'),
      `📺 Episode **6** of **Frieren: Beyond Journey's End** aired.\nhttps://anilist.co/anime/${frieren}`,
    ]);
    expect(w.subscriptions.find(alice)).toMatchObject({ cursor: episode6.id, deliveredCount: 5 });
    expect(episode5.id).toBeLessThan(episode6.id);
    // Everything the bot read is still unread on anilist.co.
    expect(w.h.anilistFake.unreadNotificationCount(ANILIST_ALICE)).toBe(6);
    expect(w.discord.schemaViolations).toEqual([]);
    // Three polls, each one request carrying Alice's token, on the background lane.
    expect(w.inboxReads()).toHaveLength(3);
    expect(w.h.anilistFake.graphqlRequests().filter((r) => r.operationName === 'Notifications').every((r) => r.viewerId === ANILIST_ALICE)).toBe(true);
    expect(w.h.limiter.stats().background.sent).toBe(3);
  });

  it('writes the DMs in the language the member had in Discord when they linked; titles and names stay AniList’s', async () => {
    const w = await world('ja');
    w.optIn();
    await w.poll();
    w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'AIRING', mediaId: SEED_MEDIA.frieren.id, episode: 7 });
    w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'ACTIVITY_LIKE', userId: SEED_USERS.bob.id, activityId: 40 });
    w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'FOLLOWING', userId: SEED_USERS.carol.id });
    await w.poll();
    expect(w.dms()).toEqual([
      `📺 **Frieren: Beyond Journey's End** の第 **7** 話が放送されました。\nhttps://anilist.co/anime/${SEED_MEDIA.frieren.id}`,
      [
        '🔔 AniList で**新しいいいね 1 件**、**新しいフォロワー 1 人**:',
        '• **BobFake** があなたのアクティビティにいいねしました。 <https://anilist.co/activity/40>',
        '• **CarolFake** があなたをフォローしました。',
        '<https://anilist.co/notifications>',
      ].join('\n'),
    ]);
  });

  it('asks AniList only for the chosen types: with "Airing only" the likes stay on AniList', async () => {
    const w = await world();
    w.optIn('airing');
    w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'ACTIVITY_LIKE', userId: SEED_USERS.bob.id, activityId: 1 });
    w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'AIRING', mediaId: SEED_MEDIA.apothecary.id, episode: 2 });
    await w.poll();
    expect(w.dms()).toEqual([`📺 Episode **2** of **The Apothecary Diaries** aired.\nhttps://anilist.co/anime/${SEED_MEDIA.apothecary.id}`]);
    expect(w.inboxReads()).toEqual([{ types: ['AIRING'], page: 1 }]);
  });

  it('reads page after page back to the cursor; beyond the pages one poll reads, the first DM points to AniList for the rest', async () => {
    const w = await world();
    w.optIn('airing');
    await w.poll();
    for (let episode = 1; episode <= 55; episode++) w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'AIRING', mediaId: SEED_MEDIA.onePiece.id, episode });
    await w.poll();
    expect(w.dms().map((dm) => /Episode \*\*(\d+)\*\*/.exec(dm)?.[1])).toEqual(Array.from({ length: 55 }, (_, i) => String(i + 1)));
    expect(w.inboxReads().map((read) => read.page)).toEqual([1, 1, 2]);

    for (let episode = 56; episode <= 58; episode++) w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'AIRING', mediaId: SEED_MEDIA.onePiece.id, episode });
    await w.poll({ maxPages: 1 });
    expect(w.dms().slice(55)).toHaveLength(3);
    expect(w.dms()[55]).not.toContain('More notifications');

    // 60 new ones, one page of 50 read: the 50 newest come, and the first says where the 10 older ones are.
    for (let episode = 59; episode <= 118; episode++) w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'AIRING', mediaId: SEED_MEDIA.onePiece.id, episode });
    await w.poll({ maxPages: 1 });
    const latest = w.dms().slice(58);
    expect(latest).toHaveLength(50);
    expect(latest[0]).toMatch(/^-# More notifications arrived than I could fetch at once; the older ones are on AniList: <https:\/\/anilist\.co\/notifications>\n📺 Episode \*\*69\*\*/);
  });

  it('a crash between a DM and its record repeats that one message after the restart, and skips none', async () => {
    const w = await world();
    w.optIn('airing');
    await w.poll();
    for (const episode of [7, 8, 9]) w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'AIRING', mediaId: SEED_MEDIA.frieren.id, episode });
    // The process dies right after Discord accepted the second DM, before the cursor moved past it.
    let recorded = 0;
    const crashing: NotificationSubscriptionsRepository = {
      ...w.subscriptions,
      recordDelivery(...args) {
        if (++recorded === 2) throw new Error('SIGKILL');
        return w.subscriptions.recordDelivery(...args);
      },
    };
    await expect(w.poll({ subscriptions: crashing })).rejects.toThrow('SIGKILL');
    const episodes = () => w.dms().map((dm) => /Episode \*\*(\d+)\*\*/.exec(dm)?.[1]);
    expect(episodes()).toEqual(['7', '8']);

    // Restarted: the same file, opened again.
    const reopened = openDatabase(w.h.databasePath, migrationsFolder);
    cleanups.push(() => reopened.close());
    await w.poll({ subscriptions: createNotificationSubscriptionsRepository(reopened.db) });
    await w.poll({ subscriptions: createNotificationSubscriptionsRepository(reopened.db) });
    expect(episodes()).toEqual(['7', '8', '8', '9']);
  });

  it('another AniList account on the same Discord member starts over from then: nothing of the old cursor carries over', async () => {
    const w = await world();
    w.optIn('airing');
    w.h.anilistFake.pushNotification(ANILIST_ALICE, { type: 'AIRING', mediaId: SEED_MEDIA.frieren.id, episode: 1 });
    await w.poll();
    expect(w.dms()).toHaveLength(1);
    w.h.anilistFake.pushNotification(SEED_USERS.bob.id, { type: 'AIRING', mediaId: SEED_MEDIA.aot.id, episode: 1 });
    w.h.clock.advance(5_000);
    await linkThroughAniList(w.h, alice, SEED_USERS.bob.id);
    await w.poll();
    expect(w.subscriptions.find(alice)).toMatchObject({ anilistUserId: SEED_USERS.bob.id, generation: 1 });
    expect(w.dms()).toHaveLength(1);
    w.h.anilistFake.pushNotification(SEED_USERS.bob.id, { type: 'AIRING', mediaId: SEED_MEDIA.aot.id, episode: 2 });
    await w.poll();
    // Bob reads AniList in romaji.
    expect(w.dms()[1]).toContain('Episode **2** of **Shingeki no Kyojin** aired.');
  });
});
