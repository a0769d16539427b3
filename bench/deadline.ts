/**
 * Figure 1 — deadline safety. 500 chat-input interactions from 50 linked members dispatched within one second,
 * the fake AniList answering every GraphQL request after 1.5 s. Measured on the fake Discord: dispatch → initial
 * callback (its own latencyMs), dispatch → first follow-up/edit (the final answer).
 * Reference in the same run: a plain discord.js bot that defers at once and edits after the same 1.5 s, with no
 * AniList budget to respect (the best any bot could do on this machine).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { FakeDiscord, InteractionHandle } from '../fakes/discord/index.js';
import { startRealBot, startRefBot } from './lib/bot-process.js';
import { bounded, comparison, fmt, freePort, newEncryptionKey, percentile, ratio, sleep, tempDir, waitUntil, type Row } from './lib/common.js';
import { benchDiscordUsers, dbPath, seedLinks, startAniList, startDiscord } from './lib/world.js';

const MEMBERS = 50;
const INTERACTIONS = 500;
const BURST_MS = 1000;
const ANILIST_LATENCY_MS = 1500;
const DEADLINE_MS = 3000;

export interface BurstResult {
  command: string;
  initial: number[];
  late: number;
  missing: number;
  final: number[];
  noFinal: number;
  dispatchSpanMs: number;
  outcomes: Record<string, number>;
  anilistRequests: number;
  anilist429s: number;
  duringRetryAfter: number;
  /** CPU time (user + system) the bot process spent from the burst's start until every final answer was in. */
  cpuMs: number;
  /** 1-minute load average of the machine when the burst started (other work competing for the cores). */
  loadAtStart: number;
}

/** utime + stime of a process in ms, from /proc (Linux); NaN elsewhere. */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks; USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/** Which command to burst: /list once the registry has it, else /profile (defers, then calls AniList). */
export async function burstCommand(): Promise<string> {
  const { commands } = await import('../commands/index.js');
  return commands.some((c) => c.definition.name === 'list') ? 'list' : 'profile';
}

function classify(handle: InteractionHandle): string {
  const messages = [...handle.edits.map((e) => e.message), ...handle.followUps];
  const first = messages.find((m) => m !== undefined && m !== null);
  if (!first) return 'no final answer';
  if (first.embeds.length > 0) return 'answer (embed)';
  const content = first.content.toLowerCase();
  if (content.startsWith('done:')) return 'answer (reference)';
  if (content.includes('busy') || content.includes('try again')) return 'refusal: AniList busy, try again';
  return `other: ${first.content.slice(0, 60)}`;
}

async function burst(discord: FakeDiscord, users: ReturnType<typeof benchDiscordUsers>, command: string): Promise<{ handles: InteractionHandle[]; sentAt: number[]; span: number }> {
  const handles: InteractionHandle[] = [];
  const sentAt: number[] = [];
  const start = performance.now();
  for (let i = 0; i < INTERACTIONS; i++) {
    const due = start + (i * BURST_MS) / INTERACTIONS;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    sentAt.push(Date.now());
    handles.push(discord.sendCommand({ name: command, user: users[i % users.length]! }));
  }
  return { handles, sentAt, span: performance.now() - start };
}

async function collect(handles: InteractionHandle[], sentAt: number[], finalTimeoutMs: number): Promise<Pick<BurstResult, 'initial' | 'late' | 'missing' | 'final' | 'noFinal' | 'outcomes'>> {
  const initial: number[] = [];
  let missing = 0;
  await Promise.all(
    handles.map(async (h) => {
      try {
        initial.push((await h.waitForInitialResponse(10_000)).latencyMs);
      } catch {
        missing++;
      }
    }),
  );
  // Final answer: the first successful edit of @original or follow-up (an error after a public defer is a follow-up).
  const finalOf = (h: InteractionHandle) =>
    h.webhookRequests.find((r) => (r.method === 'PATCH' || r.method === 'POST') && r.status >= 200 && r.status < 300);
  await waitUntil(() => handles.every((h) => finalOf(h) !== undefined), finalTimeoutMs, 'final answers', 100).catch(() => undefined);
  const final: number[] = [];
  let noFinal = 0;
  const outcomes: Record<string, number> = {};
  handles.forEach((h, i) => {
    const f = finalOf(h);
    if (f) final.push(f.receivedAt - sentAt[i]!);
    else noFinal++;
    const outcome = classify(h);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  });
  return { initial, late: initial.filter((ms) => ms > DEADLINE_MS).length, missing, final, noFinal, outcomes };
}

async function runOne(kind: 'anilink' | 'reference', command: string): Promise<BurstResult> {
  const dir = tempDir(`anilink-bench-deadline-${kind}-`);
  const users = benchDiscordUsers(MEMBERS);
  const { fake: anilist, users: anilistUsers } = await startAniList(MEMBERS, { rateLimitPerMinute: 30 });
  const port = await freePort();
  const discord = await startDiscord({ extraUsers: users });
  const key = newEncryptionKey();
  let stop: () => Promise<void> = () => Promise.resolve();
  let pid = -1;
  try {
    if (kind === 'anilink') {
      seedLinks({ databasePath: dbPath(dir.path), encryptionKey: key, discordUsers: users, anilist, anilistUsers });
      const bot = await startRealBot({
        discord,
        anilistOauthUrl: anilist.oauthUrl,
        anilistApiUrl: anilist.graphqlUrl,
        port,
        databasePath: dbPath(dir.path),
        encryptionKey: key,
        logFile: join(dir.path, 'bot.log'),
      });
      stop = () => bot.child.stop();
      pid = bot.child.pid;
    } else {
      const ref = startRefBot({ mode: 'defer', discord, logFile: join(dir.path, 'ref.log'), workMs: ANILIST_LATENCY_MS });
      stop = () => ref.stop();
      pid = ref.pid;
      await discord.waitForReady(1, 30_000);
    }
    // Warm-up off the clock: 20 commands from someone who is not linked (answered without AniList).
    const warm = Array.from({ length: 20 }, () => discord.sendCommand({ name: command, user: 'dave' }));
    await Promise.all(warm.map((h) => h.waitForInitialResponse(10_000).catch(() => undefined)));
    await sleep(2500);

    anilist.inject({ kind: 'latency', ms: ANILIST_LATENCY_MS }, { times: Infinity });
    const before = anilist.stats();
    const loadAtStart = loadavg()[0] ?? Number.NaN;
    const cpuBefore = processCpuMs(pid);
    const { handles, sentAt, span } = await burst(discord, users, command);
    const collected = await collect(handles, sentAt, 90_000);
    const cpuMs = processCpuMs(pid) - cpuBefore;
    const after = anilist.stats();
    return {
      cpuMs,
      loadAtStart,
      command,
      ...collected,
      dispatchSpanMs: span,
      anilistRequests: after.graphqlRequests - before.graphqlRequests,
      anilist429s: after.rateLimited429s - before.rateLimited429s,
      duringRetryAfter: after.requestsDuringRetryAfter - before.requestsDuringRetryAfter,
    };
  } finally {
    await stop();
    await discord.close();
    await anilist.close();
    dir.remove();
  }
}

export async function runDeadline(): Promise<{ rows: Row[]; detail: Record<string, unknown> }> {
  const command = await burstCommand();
  const bot = await bounded(runOne('anilink', command), 240_000, 'deadline benchmark (anilink)');
  const ref = await bounded(runOne('reference', command), 240_000, 'deadline benchmark (reference)');
  const f = '1 deadline';
  const p = (xs: number[], q: number) => percentile(xs, q);
  const rows: Row[] = [
    { figure: f, metric: `burst: ${INTERACTIONS} × /${command}, ${MEMBERS} members, dispatched in`, value: fmt(bot.dispatchSpanMs, 'ms'), reference: fmt(ref.dispatchSpanMs, 'ms') },
    ...([50, 99] as const).map((q) => comparison(f, `initial callback p${q}`, p(bot.initial, q), p(ref.initial, q), 'ms')),
    comparison(f, 'initial callback max', Math.max(...bot.initial), Math.max(...ref.initial), 'ms'),
    comparison(f, `process CPU per ${command} interaction (burst → last final answer)`, bot.cpuMs / INTERACTIONS, ref.cpuMs / INTERACTIONS, 'ms', 2),
    {
      figure: f,
      metric: 'machine load average (1 min) at burst start',
      value: bot.loadAtStart.toFixed(2),
      reference: ref.loadAtStart.toFixed(2),
    },
    {
      figure: f,
      metric: 'initial callbacks later than 3 s (+ none at all)',
      value: `${bot.late} (+${bot.missing})`,
      reference: `${ref.late} (+${ref.missing})`,
      target: '0',
      ok: bot.late + bot.missing === 0,
    },
    ...([50, 99] as const).map((q) => comparison(f, `final answer p${q}`, p(bot.final, q), p(ref.final, q), 'ms')),
    {
      figure: f,
      metric: 'final answer max (no final answer)',
      value: `${fmt(Math.max(...bot.final), 'ms')} (${bot.noFinal})`,
      reference: `${fmt(Math.max(...ref.final), 'ms')} (${ref.noFinal})`,
      ratio: ratio(Math.max(...bot.final), Math.max(...ref.final)),
    },
    {
      figure: f,
      metric: 'AniList requests / 429s / during Retry-After',
      value: `${bot.anilistRequests} / ${bot.anilist429s} / ${bot.duringRetryAfter}`,
      reference: 'n/a (no AniList)',
    },
    ...Object.entries(bot.outcomes).map(([outcome, count]) => ({ figure: f, metric: `final answers: ${outcome}`, value: String(count) })),
  ];
  return { rows, detail: { anilink: summarize(bot), reference: summarize(ref) } };
}

function summarize(r: BurstResult) {
  return { ...r, initial: undefined, final: undefined };
}
