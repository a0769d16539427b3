import { afterEach, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers } from '../../fakes/discord/index.js';
import { eventually } from '../support/eventually.js';
import { describeOutput, killAllBots, type BotProcess } from './support/bot-process.js';
import { dataOf, expectCleanDiscordTraffic, expectNoSecretsInOutput, linkOverHttp, startWorld, type World } from './support/world.js';

let world: World | undefined;
let bots: BotProcess[] = [];

afterEach(async () => {
  await killAllBots();
  await world?.close();
  world = undefined;
  bots = [];
});


describe('notifications from the real bot process', () => {
  it('/notifications → an aired episode arrives by DM; after a restart the next one arrives and nothing comes twice', async () => {
    const w = (world = await startWorld({ env: { NOTIFICATION_POLL_SECONDS: '1' } }));
    bots.push(w.bot);
    await linkOverHttp(w, 'alice', SEED_USERS.alice.id);
    const optIn = w.discord.sendCommand({ name: 'notifications', user: 'alice', options: [{ name: 'enabled', value: true }, { name: 'types', value: 'airing' }] });
    expect(dataOf(await optIn.waitForInitialResponse(5_000)).content).toContain('Notifications on');

    const dms = () => w.discord.channelMessages.filter((record) => record.recipientId === fakeUsers.alice.id).map((record) => record.message.content);
    const reads = () => w.anilist.graphqlRequests().filter((request) => request.operationName === 'Notifications' && request.status === 200).length;
    w.anilist.pushNotification(SEED_USERS.alice.id, { type: 'AIRING', mediaId: SEED_MEDIA.frieren.id, episode: 1 });
    await eventually(() => dms().length === 1, 'the first DM', { context: () => describeOutput(w.bot) });
    expect(dms()[0]).toBe(`📺 Episode **1** of **Frieren: Beyond Journey's End** aired.\nhttps://anilist.co/anime/${SEED_MEDIA.frieren.id}`);

    // Stopped between two polls (SIGTERM), a notification arrives meanwhile, the bot starts again on the same file.
    const readsBefore = reads();
    await eventually(() => reads() > readsBefore, 'one more poll', { context: () => describeOutput(w.bot) });
    expect((await w.bot.stop('SIGTERM')).code).toBe(0);
    w.anilist.pushNotification(SEED_USERS.alice.id, { type: 'AIRING', mediaId: SEED_MEDIA.frieren.id, episode: 2 });
    bots.push(await w.restart());
    await eventually(() => dms().length >= 2, 'the DM after the restart', { context: () => describeOutput(w.bot) });
    const readsAfter = reads();
    await eventually(() => reads() >= readsAfter + 2, 'two more polls', { context: () => describeOutput(w.bot) });
    expect(dms().map((dm) => /Episode \*\*(\d+)\*\*/.exec(dm)?.[1])).toEqual(['1', '2']);
    // Read, not marked read: AniList still shows both as unread.
    expect(w.anilist.unreadNotificationCount(SEED_USERS.alice.id)).toBe(2);

    expectCleanDiscordTraffic(w);
    expectNoSecretsInOutput(w, bots);
  });
});
