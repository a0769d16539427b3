/**
 * The airing feed's AniList cost, measured: the real bot built in-process by buildApp (the background scheduler,
 * the limiter's background lane, the real SQLite file) against the fake AniList and the fake Discord. SERVERS
 * servers each have a feed; MEMBERS linked members are spread over them (each in 1 to 3 servers); every member
 * watches a few of TITLES new airing anime, so the feeds' members watch TITLES titles together (plus the seed's
 * own Watching entries, counted as they come). CHECKS checks run, each covering one AIRING_FEED_POLL_SECONDS
 * window of the harness's clock, with a few episodes airing in each window.
 *
 * Printed, from the fake AniList's request log and the feed's own outcome of each check: requests per check by
 * kind (members' Watching lists, airing schedules), the union of titles, and what that makes per hour and per day
 * at the default AIRING_FEED_POLL_SECONDS (900). The bot's and the fake's per-minute budgets are raised so the
 * run takes seconds: pacing changes when requests go, never how many.
 *
 *   npx tsx bench/airing-cost.ts [--servers 20] [--members 200] [--titles 120] [--checks 4]
 */
import { REST } from 'discord.js';
import { parseArgs } from 'node:util';
import { SEED_MEDIA, startFakeAniList, type FakeMedia } from '../fakes/anilist/index.js';
import { startFakeDiscord, type FakeUser } from '../fakes/discord/index.js';
import type { AiringCheckOutcome } from '../src/airing/index.js';
import { createRateLimiter } from '../src/anilist/index.js';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { createAiringFeedsRepository } from '../src/db/airing-feeds.js';
import { openDatabase } from '../src/db/database.js';
import { createLogger } from '../src/logger.js';
import { BENCH_DISCORD_TOKEN, MIGRATIONS, newEncryptionKey, tempDir, waitUntil } from './lib/common.js';
import { benchDiscordUsers, dbPath, seedLinks } from './lib/world.js';

const DEFAULT_POLL_SECONDS = 900;
const WATCHLIST_REFRESH_HOURS = 6;

const { values: args } = parseArgs({
  options: {
    servers: { type: 'string', default: '20' },
    members: { type: 'string', default: '200' },
    titles: { type: 'string', default: '120' },
    checks: { type: 'string', default: '4' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('npx tsx bench/airing-cost.ts [--servers 20] [--members 200] [--titles 120] [--checks 4]');
  process.exit(0);
}
const SERVERS = Number(args.servers);
const MEMBERS = Number(args.members);
const TITLES = Number(args.titles);
const CHECKS = Number(args.checks);

let offsetMs = 0;
const nowMs = () => Date.now() + offsetMs;
const clock = () => new Date(nowMs());

const dir = tempDir('anilink-airing-cost-');
const discordUsers: FakeUser[] = benchDiscordUsers(MEMBERS);
const discord = await startFakeDiscord({
  token: BENCH_DISCORD_TOKEN,
  now: nowMs,
  extraUsers: discordUsers,
  guilds: Array.from({ length: SERVERS }, (_, i) => ({ name: `Server ${i + 1}` })),
  rateLimits: false,
});
const anilist = await startFakeAniList({ now: nowMs, rateLimitPerMinute: 6_000, burstLimit: false });

// AniList users: public profiles, each watching 4 of the new titles (consecutive, so every title is watched).
const template = anilist.store.getUser(710_001)!;
const anilistUsers = Array.from({ length: MEMBERS }, (_, i) => ({ id: 730_001 + i, name: `AiringUser${i + 1}` }));
for (const user of anilistUsers) anilist.store.users.set(user.id, { ...structuredClone(template), id: user.id, name: user.name });
const base = anilist.store.getMedia(SEED_MEDIA.apothecary.id)!;
const titleIds = Array.from({ length: TITLES }, (_, i) => 6_001 + i);
for (const id of titleIds) {
  const media: FakeMedia = { ...structuredClone(base), id, title: { romaji: `Simulcast ${id}`, english: null, native: null } };
  anilist.store.media.set(id, media);
}
anilistUsers.forEach((user, i) => {
  for (let k = 0; k < 4; k++) anilist.store.addEntry({ userId: user.id, mediaId: titleIds[(i * 4 + k) % TITLES]!, status: 'CURRENT' });
});

const encryptionKey = newEncryptionKey();
const databasePath = dbPath(dir.path);
const members = seedLinks({ databasePath, encryptionKey, discordUsers, anilist, anilistUsers });

const config = parseConfig({
  DISCORD_TOKEN: BENCH_DISCORD_TOKEN,
  DISCORD_CLIENT_SECRET: 'bench-discord-client-secret',
  DISCORD_API_URL: discord.apiUrl,
  ANILIST_CLIENT_ID: anilist.clientId,
  ANILIST_CLIENT_SECRET: 'bench-client-secret-value',
  ANILIST_API_URL: anilist.graphqlUrl,
  ANILIST_OAUTH_URL: anilist.oauthUrl,
  PUBLIC_URL: 'http://127.0.0.1:3000',
  DATABASE_PATH: databasePath,
  TOKEN_ENCRYPTION_KEY: encryptionKey,
  REGISTER_COMMANDS: 'false',
  METRICS: 'false',
  EXPIRY_REMINDER_DAYS: '0',
  AIRING_FEED_POLL_SECONDS: '1',
});
const database = openDatabase(databasePath, MIGRATIONS);
const limiter = createRateLimiter({ perMinute: 6_000 });
const outcomes: AiringCheckOutcome[] = [];
const app = await buildApp({
  config,
  db: database,
  limiter,
  rest: new REST({ api: discord.apiUrl, retries: 0 }).setToken(BENCH_DISCORD_TOKEN),
  logger: createLogger({ level: 'silent' }),
  clock,
  gateway: { status: () => 'bench', ready: () => true, guilds: () => SERVERS },
  tuning: { onAiringCheck: (outcome) => outcomes.push(outcome) },
});

// Every member used the bot in 1 to 3 servers; every server sets up a feed.
members.forEach((member, i) => {
  for (let k = 0; k <= i % 3; k++) app.membership.recordSeen(discord.guilds[(i + k * 7) % SERVERS]!.id, member.discord.id);
});
const feeds = createAiringFeedsRepository(database.db);
for (const guild of discord.guilds) {
  const channelId = guild.channels.find((channel) => channel.name === 'general')?.id ?? guild.channels[0]!.id;
  feeds.set({ guildId: guild.id, channelId, roleId: null, channelNsfw: false, setBy: members[0]!.discord.id, locale: 'en' }, clock());
}
const logStart = anilist.graphqlRequests().length;

await app.start({ applicationId: discord.applicationId });
const perCheck: { watchlist: number; schedule: number; episodes: number; queued: number }[] = [];
for (let check = 0; check < CHECKS; check++) {
  const seen = outcomes.length;
  if (check > 0) {
    // The next window: a few titles air an episode in it, then the clock moves one default interval on.
    const windowStartS = Math.floor(nowMs() / 1000);
    for (let k = 0; k < 5; k++) anilist.setAiringSchedule(titleIds[(check * 5 + k) % TITLES]!, [{ episode: check + 1, airingAt: windowStartS + 60 + k }]);
    offsetMs += DEFAULT_POLL_SECONDS * 1000;
  }
  await waitUntil(() => outcomes.length > seen, 60_000, `check ${check + 1}`);
  const outcome = outcomes[outcomes.length - 1]!;
  if (!outcome.ok) throw new Error(`check ${check + 1} failed`);
  perCheck.push({ watchlist: outcome.watchlistRequests, schedule: outcome.scheduleRequests, episodes: outcome.episodes, queued: outcome.queued });
}
await app.close();

const requests = anilist.graphqlRequests().slice(logStart);
const byOperation = (name: string) => requests.filter((r) => r.operationName === name).length;
const titlesWatched = outcomes[outcomes.length - 1]!.titles;
const schedulePerCheck = Math.ceil(titlesWatched / 50);
const watchlistPerRefresh = perCheck[0]!.watchlist;
const checksPerHour = 3600 / DEFAULT_POLL_SECONDS;
const perHour = schedulePerCheck * checksPerHour + watchlistPerRefresh / WATCHLIST_REFRESH_HOURS;

console.log(`Airing feed cost: ${SERVERS} servers with a feed, ${MEMBERS} linked members, ${titlesWatched} titles watched in all`);
console.log('check  watchlist-requests  schedule-requests  episodes  posts-queued');
perCheck.forEach((row, i) => console.log(`${String(i + 1).padStart(5)}  ${String(row.watchlist).padStart(18)}  ${String(row.schedule).padStart(17)}  ${String(row.episodes).padStart(8)}  ${String(row.queued).padStart(12)}`));
console.log(`fake AniList saw: AiringWatchlist ${byOperation('AiringWatchlist')}, AiringSchedules ${byOperation('AiringSchedules')}, anything else ${requests.length - byOperation('AiringWatchlist') - byOperation('AiringSchedules')}`);
console.log(`per check: ${schedulePerCheck} schedule request(s) (ceil(${titlesWatched} / 50)), shared by all ${SERVERS} servers`);
console.log(`per ${WATCHLIST_REFRESH_HOURS} h: ${watchlistPerRefresh} watchlist request(s) for ${MEMBERS} members (50 members, up to 200 entries, a request)`);
console.log(
  `at AIRING_FEED_POLL_SECONDS=${DEFAULT_POLL_SECONDS}: ${perHour.toFixed(1)} requests/hour, ${(perHour * 24).toFixed(0)}/day, ` +
    `${((perHour / 60 / 30) * 100).toFixed(2)}% of AniList's 30 requests/minute`,
);

limiter.close();
database.close();
await discord.close();
await anilist.close();
dir.remove();
