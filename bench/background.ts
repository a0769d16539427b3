/**
 * Figure 6 — what background work costs commands. The interactive mix of figure 2 (bench/budget.ts: `/list`, two
 * page turns, three autocomplete bursts, `/update`, `/list`, members one second apart) runs against the real bot
 * process, with 200 linked members, once with none of them opted in to notification DMs (background off: the
 * reference) and once with all 200 opted in, each with one notification waiting and every poll due at start-up
 * (the whole queue overdue). Budget 30/min in the bot and in the fake AniList; NOTIFICATION_POLL_SECONDS and
 * ANILIST_BACKGROUND_SHARE at their defaults (120 s, 0.5); the full run adds ANILIST_BACKGROUND_SHARE=0.25.
 * Every run first lets the bot work alone for a full window (65 s; 30 s with --quick), so members arrive while
 * the background lane holds its share of the window, and (full run) watches one more idle minute after the mix.
 *
 * Reported, on ÷ off: the mix's latencies and refusals, AniList requests for members and 429s; and how far behind
 * the polls fall: polls per minute while members are busy and while they are idle, the round over all 200
 * members at the idle rate (each member's effective interval, target ≤ 30 min), and the oldest due poll at the
 * end (anilink_notifications_poll_lag_seconds). `detail.*.timeline` lists every AniList request around the mix.
 */
import { join } from 'node:path';
import type { FakeAniList } from '../fakes/anilist/index.js';
import { SEED_MEDIA } from '../fakes/anilist/index.js';
import type { FakeUser } from '../fakes/discord/index.js';
import { openDatabase } from '../src/db/database.js';
import { createNotificationSubscriptionsRepository, type NotificationBackgroundState } from '../src/db/notification-subscriptions.js';
import { AUTOCOMPLETE_BUDGET_MS } from '../commands/media/suggestions.js';
import { session, updateShape, type Step } from './budget.js';
import { startRealBot } from './lib/bot-process.js';
import { MIGRATIONS, bounded, comparison, fmt, freePort, newEncryptionKey, percentile, sleep, tempDir, type Row } from './lib/common.js';
import { benchDiscordUsers, dbPath, seedLinks, startAniList, startDiscord, type Member } from './lib/world.js';

const OPTED_IN = 200;

interface RunResult {
  steps: Step[];
  wallS: number;
  interactiveRequests: number;
  rateLimited429s: number;
  duringRetryAfter: number;
  /** Notification polls sent while the mix ran, and in the idle tail after it. */
  mixPolls: number;
  tailPolls: number;
  tailS: number;
  polledMembers: number;
  dms: number;
  state: NotificationBackgroundState;
  lagS: number;
  /** Every AniList request from the end of the warm-up's first minute on: [ms from the mix start, operation, HTTP status]. */
  timeline: [number, string, number][];
}

interface RunOptions {
  /** Opt all members in, each with one notification waiting. */
  background: boolean;
  /** More configuration for the bot, e.g. another ANILIST_BACKGROUND_SHARE. */
  env?: Record<string, string>;
  mixMembers: number;
  warmupMs: number;
  tailMs: number;
}

function optIn(databasePath: string, members: readonly Member[]): void {
  const database = openDatabase(databasePath, MIGRATIONS);
  try {
    const subscriptions = createNotificationSubscriptionsRepository(database.db);
    const now = new Date();
    for (const member of members) subscriptions.create({ discordUserId: member.discord.id, anilistUserId: member.anilistUserId, types: 'all' }, now);
  } finally {
    database.close();
  }
}

function readState(databasePath: string): NotificationBackgroundState {
  const database = openDatabase(databasePath, MIGRATIONS, { migrate: false });
  try {
    return createNotificationSubscriptionsRepository(database.db).backgroundState(new Date());
  } finally {
    database.close();
  }
}

async function runOnce(options: RunOptions): Promise<RunResult> {
  const dir = tempDir(`anilink-bench-background-${options.background ? 'on' : 'off'}-`);
  const users: FakeUser[] = benchDiscordUsers(OPTED_IN);
  const { fake: anilist, users: anilistUsers } = await startAniList(OPTED_IN, { rateLimitPerMinute: 30 });
  const discord = await startDiscord({ extraUsers: users });
  const key = newEncryptionKey();
  let stop: () => Promise<void> = () => Promise.resolve();
  try {
    const members = seedLinks({ databasePath: dbPath(dir.path), encryptionKey: key, discordUsers: users, anilist, anilistUsers });
    if (options.background) {
      optIn(dbPath(dir.path), members);
      // One new notification each, so every poll also sends a DM (a second later: after the opt-in).
      await sleep(1_000);
      for (const user of anilistUsers) anilist.pushNotification(user.id, { type: 'AIRING', mediaId: SEED_MEDIA.frieren.id, episode: 7 });
    }
    const update = await updateShape();
    const bot = await startRealBot({
      discord,
      anilistOauthUrl: anilist.oauthUrl,
      anilistApiUrl: anilist.graphqlUrl,
      port: await freePort(),
      databasePath: dbPath(dir.path),
      encryptionKey: key,
      logFile: join(dir.path, 'bot.log'),
      env: options.env,
    });
    stop = () => bot.child.stop();
    // Long enough for the background lane to fill its share of the window: members arrive into a busy bot.
    await sleep(options.warmupMs);
    const polls = () => anilist.requests.filter((r) => r.kind === 'graphql' && r.operationName === 'Notifications').length;
    const firstMixRequest = anilist.requests.length;
    const before = anilist.stats();
    const pollsBefore = polls();
    const mixStartedAt = performance.now();
    // The fake AniList stamps requests with Date.now().
    const mixStartedAtClock = Date.now();
    const mixUsers = users.slice(0, options.mixMembers);
    const sessions = await bounded(
      Promise.all(mixUsers.map(async (user, i) => (await sleep(i * 1000), session(discord, user, update)))),
      15 * 60_000,
      'background-figure sessions',
    );
    const after = anilist.stats();
    const mixEndedAt = performance.now();
    const mixRequests = anilist.requests.slice(firstMixRequest).filter((r) => r.kind === 'graphql');
    const mixPolls = polls() - pollsBefore;
    // Members idle again: the rate background work gets when nobody else needs the budget.
    await sleep(options.tailMs);
    const tailPolls = polls() - pollsBefore - mixPolls;
    const state = readState(dbPath(dir.path));
    const optedIn = new Set(users.map((u) => u.id));
    const timeline = anilist.requests
      .filter((r) => r.kind === 'graphql' && r.time >= mixStartedAtClock - 65_000)
      .map((r): [number, string, number] => [r.time - mixStartedAtClock, r.operationName ?? '?', r.status]);
    return {
      timeline,
      steps: sessions.flat(),
      wallS: (mixEndedAt - mixStartedAt) / 1000,
      interactiveRequests: mixRequests.filter((r) => r.operationName !== 'Notifications').length,
      rateLimited429s: after.rateLimited429s - before.rateLimited429s,
      duringRetryAfter: after.requestsDuringRetryAfter - before.requestsDuringRetryAfter,
      mixPolls,
      tailPolls,
      tailS: options.tailMs / 1000,
      polledMembers: new Set(anilist.requests.filter((r) => r.operationName === 'Notifications' && r.status === 200).map((r) => r.viewerId)).size,
      dms: discord.channelMessages.filter((m) => m.recipientId !== null && optedIn.has(m.recipientId)).length,
      state,
      lagS: state.oldestDueAt === undefined ? 0 : Math.max(0, (Date.now() - state.oldestDueAt.getTime()) / 1000),
    };
  } finally {
    await stop();
    await discord.close();
    await closeQuietly(anilist);
    dir.remove();
  }
}

async function closeQuietly(fake: FakeAniList): Promise<void> {
  await fake.close().catch(() => undefined);
}

const commandsOf = (steps: Step[]) => steps.filter((s) => s.kind !== 'autocomplete' && s.ms !== undefined).map((s) => s.ms!);
const keystrokesOf = (steps: Step[]) => steps.filter((s) => s.kind === 'autocomplete' && s.ms !== undefined).map((s) => s.ms!);
const count = (steps: Step[], outcome: Step['outcome']) => steps.filter((s) => s.outcome === outcome).length;

const ratio = (part: number, seconds: number) => (seconds > 0 ? (part / seconds) * 60 : NaN);

function compare(f: string, label: string, on: RunResult, off: RunResult): Row[] {
  const refused = (r: RunResult) => count(r.steps, 'refusal');
  const unclear = (r: RunResult) => count(r.steps, 'no answer') + count(r.steps, 'unexpected error');
  const idleRate = ratio(on.tailPolls, on.tailS);
  const mixRate = ratio(on.mixPolls, on.wallS);
  const rate = Number.isFinite(idleRate) ? idleRate : mixRate;
  const roundMinutes = rate > 0 ? OPTED_IN / rate : Infinity;
  return [
    comparison(f, `${label}: mix commands (not keystrokes), final answer p50`, percentile(commandsOf(on.steps), 50), percentile(commandsOf(off.steps), 50), 'ms'),
    comparison(f, `${label}: mix commands, final answer p95`, percentile(commandsOf(on.steps), 95), percentile(commandsOf(off.steps), 95), 'ms'),
    comparison(f, `${label}: autocomplete keystrokes, answer p95`, percentile(keystrokesOf(on.steps), 95), percentile(keystrokesOf(off.steps), 95), 'ms'),
    {
      figure: f,
      metric: `${label}: keystrokes answered only at the ${AUTOCOMPLETE_BUDGET_MS / 1000} s budget (no search result from AniList in time), of ${keystrokesOf(on.steps).length}`,
      value: String(keystrokesOf(on.steps).filter((ms) => ms >= AUTOCOMPLETE_BUDGET_MS * 0.9).length),
      reference: String(keystrokesOf(off.steps).filter((ms) => ms >= AUTOCOMPLETE_BUDGET_MS * 0.9).length),
    },
    {
      figure: f,
      metric: `${label}: steps refused ("busy, try again in N s") / without a clear answer, of ${on.steps.length}`,
      value: `${refused(on)} / ${unclear(on)}`,
      reference: `${refused(off)} / ${unclear(off)}`,
      target: 'on = off',
      ok: refused(on) <= refused(off) && unclear(on) <= unclear(off),
    },
    comparison(f, `${label}: AniList requests for members during the mix`, on.interactiveRequests, off.interactiveRequests),
    { figure: f, metric: `${label}: 429s / requests during Retry-After`, value: `${on.rateLimited429s} / ${on.duringRetryAfter}`, reference: `${off.rateLimited429s} / ${off.duringRetryAfter}`, target: '0 / 0', ok: on.rateLimited429s + on.duringRetryAfter === 0 },
    {
      figure: f,
      metric: `${label}: notification polls per minute while the mix ran${Number.isFinite(idleRate) ? ' / while members were idle' : ''}`,
      value: Number.isFinite(idleRate) ? `${fmt(mixRate, '', 1)} / ${fmt(idleRate, '', 1)}` : fmt(mixRate, '', 1),
    },
    { figure: f, metric: `${label}: one round over all ${OPTED_IN} members at the idle rate (each member's interval)`, value: fmt(roundMinutes, 'min', 1), target: '≤ 30 min', ok: roundMinutes <= 30 },
    { figure: f, metric: `${label}: members polled / DMs sent / poll lag at the end (anilink_notifications_poll_lag_seconds)`, value: `${on.polledMembers} / ${on.dms} / ${fmt(on.lagS, 's')}` },
  ];
}

export async function runBackground({ quick }: { quick: boolean }): Promise<{ rows: Row[]; detail: unknown }> {
  const f = '6 background';
  const { commands } = await import('../commands/index.js');
  if (!commands.some((c) => c.definition.name === 'list') || !commands.some((c) => c.definition.name === 'notifications')) {
    return { rows: [{ figure: f, metric: 'pending', value: '/list or /notifications is not registered yet' }], detail: { pending: true } };
  }
  const mixMembers = quick ? 5 : 10;
  // A full window (61 s) of background work before the members come, then (full run) a minute of idle members.
  const timing = { mixMembers, warmupMs: quick ? 30_000 : 65_000, tailMs: quick ? 0 : 60_000 };
  const off = await runOnce({ ...timing, background: false });
  const on = await runOnce({ ...timing, background: true });
  // The admin's dial: a smaller share of the budget for background work, polls further apart.
  const smaller = quick ? undefined : await runOnce({ ...timing, background: true, env: { ANILIST_BACKGROUND_SHARE: '0.25' } });

  const rows: Row[] = [
    {
      figure: f,
      metric: `run: the figure-2 mix for ${mixMembers} members; ${OPTED_IN} linked, background on = all opted in, every poll due at start; ${timing.warmupMs / 1000} s of background first; budget 30/min`,
      value: `${fmt(on.wallS, 's')} mix`,
      reference: `${fmt(off.wallS, 's')} mix (off)`,
    },
    ...compare(f, 'share 0.5 (default)', on, off),
    ...(smaller ? compare(f, 'share 0.25', smaller, off) : []),
  ];
  const refusals = (steps: Step[]) => [...new Set(steps.filter((s) => s.outcome !== 'answer').map((s) => `${s.kind}: ${s.outcome}: ${s.text}`))];
  const summary = (r: RunResult | undefined) => (r ? { ...r, steps: undefined, refusals: refusals(r.steps), stepMs: r.steps.map((s) => [s.kind, s.outcome, Math.round(s.ms ?? -1)]) } : null);
  return { rows, detail: { ...timing, optedIn: OPTED_IN, off: summary(off), on: summary(on), share025: summary(smaller) } };
}
