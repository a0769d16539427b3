import { afterEach, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
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


describe('the airing feed from the real bot process', () => {
  it('/airing-feed set → an aired episode is posted in the channel; after a restart the next one is, and nothing twice', async () => {
    const w = (world = await startWorld({ env: { AIRING_FEED_POLL_SECONDS: '1' } }));
    bots.push(w.bot);
    const guild = w.discord.guilds[0]!;
    const channelId = guild.channels.find((channel) => channel.name === 'general')!.id;
    // Alice watches The Apothecary Diaries (seed) and uses the bot in the server, so the feed counts her.
    await linkOverHttp(w, 'alice', SEED_USERS.alice.id);
    await w.discord.sendCommand({ name: 'privacy', user: 'alice' }).waitForInitialResponse(5_000);

    // Carol owns the server (Manage Server).
    const set = w.discord.sendCommand({ name: 'airing-feed', subcommand: 'set', user: 'carol', options: [{ name: 'channel', value: channelId }] });
    await set.waitForInitialResponse(5_000);
    expect((await set.waitForEdit(10_000)).message?.content).toContain('Airing feed on');

    const posts = () =>
      w.discord.channelMessages.filter((record) => record.channelId === channelId && record.message.content.includes('📺 Episode')).map((record) => record.message.content);
    const checks = () => w.anilist.graphqlRequests().filter((request) => request.operationName === 'AiringSchedules' && request.status === 200).length;
    const apothecary = SEED_MEDIA.apothecary.id;
    const nowS = () => Math.floor(Date.now() / 1000);
    w.anilist.setAiringSchedule(apothecary, [{ episode: 13, airingAt: nowS() + 2 }]);
    await eventually(() => posts().length === 1, 'the first post', { context: () => describeOutput(w.bot) });
    expect(posts()[0]).toBe(`📺 Episode **13** of **Kusuriya no Hitorigoto** aired. 1 member here is watching. <https://anilist.co/anime/${apothecary}>`);

    // Stopped between two checks (SIGTERM), the next episode airs meanwhile, the bot starts again on the same file.
    const before = checks();
    await eventually(() => checks() > before, 'one more check', { context: () => describeOutput(w.bot) });
    expect((await w.bot.stop('SIGTERM')).code).toBe(0);
    w.anilist.setAiringSchedule(apothecary, [
      { episode: 13, airingAt: nowS() - 60 },
      { episode: 14, airingAt: nowS() + 1 },
    ]);
    bots.push(await w.restart());
    await eventually(() => posts().length >= 2, 'the post after the restart', { context: () => describeOutput(w.bot) });
    const after = checks();
    await eventually(() => checks() >= after + 2, 'two more checks', { context: () => describeOutput(w.bot) });
    expect(posts().map((post) => /Episode \*\*(\d+)\*\*/.exec(post)?.[1])).toEqual(['13', '14']);
    // Every AniList request of the feed went without a token.
    const feedRequests = w.anilist.graphqlRequests().filter((request) => request.operationName === 'AiringSchedules' || request.operationName === 'AiringWatchlist');
    expect(feedRequests.length).toBeGreaterThan(0);
    expect(feedRequests.every((request) => request.headers.authorization === undefined)).toBe(true);
    expect(dataOf(await w.discord.sendCommand({ name: 'airing-feed', subcommand: 'off', user: 'carol' }).waitForInitialResponse(5_000)).content).toBe(
      `Airing feed off: nothing more goes to <#${channelId}>.`,
    );

    expectCleanDiscordTraffic(w);
    expectNoSecretsInOutput(w, bots);
  });
});
