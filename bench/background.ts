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
import type { FakeAniList } from '../fakes/anilist/index.js';
import { SEED_MEDIA } from '../fakes/anilist/index.js';
import type { FakeUser } from '../fakes/discord/index.js';
import { openDatabase } from '../src/db/database.js';
import { createNotificationSubscriptionsRepository, type NotificationBackgroundState } from '../src/db/notification-subscriptions.js';
import { AUTOCOMPLETE_BUDGET_MS } from '../commands/media/suggestions.js';
import { session, updateShape, type Step } from './budget.js';
import { startBotAgainstFakes } from './lib/bot-process.js';
import { MIGRATIONS, bounded, newEncryptionKey, sleep, tempDir } from './lib/common.js';
import { percentile, type FigureResult, type Measure } from './lib/results.js';
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
    const bot = await startBotAgainstFakes({
      discord,
      anilist,
      dir: dir.path,
      encryptionKey: key,
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

/** One sample with background on, its reference with background off (the same mix, same run). */
function onOff(label: string, unit: string, digits: number, on: number, off: number): Measure {
  return { label, unit, digits, anilink: [on], reference: [off], referenceLabel: 'the same mix with background off' };
}

function measures(on: RunResult, off: RunResult): Record<string, Measure> {
  const refused = (r: RunResult) => count(r.steps, 'refusal');
  const unclear = (r: RunResult) => count(r.steps, 'no answer') + count(r.steps, 'unexpected error');
  const outOfTime = (r: RunResult) => keystrokesOf(r.steps).filter((ms) => ms >= AUTOCOMPLETE_BUDGET_MS * 0.9).length;
  const idleRate = ratio(on.tailPolls, on.tailS);
  const mixRate = ratio(on.mixPolls, on.wallS);
  const rate = Number.isFinite(idleRate) ? idleRate : mixRate;
  const value = (label: string, unit: string, digits: number, x: number): Measure => ({ label, unit, digits, anilink: [x] });
  return {
    commandP50: onOff('mix commands (not keystrokes), final answer p50', 'ms', 0, percentile(commandsOf(on.steps), 50), percentile(commandsOf(off.steps), 50)),
    commandP95: onOff('mix commands, final answer p95', 'ms', 0, percentile(commandsOf(on.steps), 95), percentile(commandsOf(off.steps), 95)),
    keystrokeP95: onOff('autocomplete keystrokes, answer p95', 'ms', 0, percentile(keystrokesOf(on.steps), 95), percentile(keystrokesOf(off.steps), 95)),
    keystrokesOutOfTime: onOff(`keystrokes answered only at the ${AUTOCOMPLETE_BUDGET_MS / 1000} s budget, of ${keystrokesOf(on.steps).length}`, '', 0, outOfTime(on), outOfTime(off)),
    refused: onOff(`steps refused ("busy, try again in N s"), of ${on.steps.length}`, '', 0, refused(on), refused(off)),
    extraRefusals: value('steps refused with background on, beyond those refused with it off', '', 0, refused(on) - refused(off)),
    unclear: onOff('steps without a clear answer', '', 0, unclear(on), unclear(off)),
    interactiveRequests: onOff('AniList requests for members during the mix', '', 0, on.interactiveRequests, off.interactiveRequests),
    rateLimited: value('429s from AniList, and requests sent during a Retry-After (background on)', '', 0, on.rateLimited429s + on.duringRetryAfter),
    pollsPerMinuteBusy: value('notification polls per minute while the mix ran', '/min', 1, mixRate),
    pollsPerMinuteIdle: value('notification polls per minute while members were idle', '/min', 1, idleRate),
    roundMinutes: value(`one round over all ${OPTED_IN} opted-in members at the idle rate (each member's interval)`, 'min', 1, rate > 0 ? OPTED_IN / rate : Number.POSITIVE_INFINITY),
    lagAtEnd: value('poll lag at the end (anilink_notifications_poll_lag_seconds)', 's', 0, on.lagS),
    polledMembers: value('members polled during the run', '', 0, on.polledMembers),
    backgroundBeforeMix: value(
      "background requests in the minute before the mix (still in AniList's one-minute window when members come)",
      '',
      0,
      on.timeline.filter(([ms, operation]) => ms >= -60_000 && ms < 0 && operation === 'Notifications').length,
    ),
  };
}

export async function runBackground({ quick }: { quick: boolean }): Promise<Omit<FigureResult, 'figure' | 'load' | 'durationS'>> {
  const mixMembers = quick ? 5 : 10;
  // A full window (61 s) of background work before the members come, then (full run) a minute of idle members.
  const timing = { mixMembers, warmupMs: quick ? 30_000 : 65_000, tailMs: quick ? 0 : 60_000 };
  const off = await runOnce({ ...timing, background: false });
  const on = await runOnce({ ...timing, background: true });
  // The admin's dial: a smaller share of the budget for background work, polls further apart.
  const smaller = quick ? undefined : await runOnce({ ...timing, background: true, env: { ANILIST_BACKGROUND_SHARE: '0.25' } });
  const refusals = (steps: Step[]) => [...new Set(steps.filter((s) => s.outcome !== 'answer').map((s) => `${s.kind}: ${s.outcome}: ${s.text}`))];
  const summary = (r: RunResult | undefined) => (r ? { ...r, steps: undefined, refusals: refusals(r.steps), stepMs: r.steps.map((s) => [s.kind, s.outcome, Math.round(s.ms ?? -1)]) } : null);
  return {
    repetitions: 1,
    setup: { mixMembers, optedIn: OPTED_IN, warmupS: timing.warmupMs / 1000, tailS: timing.tailMs / 1000, anilistPerMinute: 30, backgroundShare: 0.5, mixWallOnS: Math.round(on.wallS), mixWallOffS: Math.round(off.wallS) },
    measures: {
      ...measures(on, off),
      ...(smaller
        ? {
            extraRefusalsSmallerShare: { label: 'steps refused beyond background off, with ANILIST_BACKGROUND_SHARE=0.25', unit: '', digits: 0, anilink: [count(smaller.steps, 'refusal') - count(off.steps, 'refusal')] },
            backgroundBeforeMixSmallerShare: { ...measures(smaller, off).backgroundBeforeMix!, label: 'background requests in the minute before the mix, with ANILIST_BACKGROUND_SHARE=0.25' },
          }
        : {}),
    },
    detail: { ...timing, optedIn: OPTED_IN, off: summary(off), on: summary(on), share025: smaller ? { summary: summary(smaller), measures: measures(smaller, off) } : null },
  };
}
