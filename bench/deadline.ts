/**
 * Figure 1 — deadline safety. 500 `/list` commands from 50 linked members dispatched within one second, the fake
 * AniList answering every GraphQL request after 1.5 s. Measured on the fake Discord: dispatch → initial callback (its
 * own latencyMs) and dispatch → first edit or follow-up (the final answer), served answers apart from refusals.
 * Reference, interleaved: a plain discord.js bot that defers at once and edits after the same 1.5 s, with no AniList
 * budget to respect (the best any bot could do on this machine).
 */
import { join } from 'node:path';
import type { FakeDiscord, InteractionHandle } from '../fakes/discord/index.js';
import { startBotAgainstFakes, startRefBot } from './lib/bot-process.js';
import { bounded, freePort, interleaved, newEncryptionKey, processCpuMs, sleep, tempDir, waitUntil } from './lib/common.js';
import { pairedMeasures, percentile, type FigureResult } from './lib/results.js';
import { benchDiscordUsers, dbPath, seedLinks, startAniList, startDiscord } from './lib/world.js';

const MEMBERS = 50;
const INTERACTIONS = 500;
const BURST_MS = 1000;
const ANILIST_LATENCY_MS = 1500;
const DEADLINE_MS = 3000;

type Outcome = 'served' | 'refused' | 'other' | 'none';

interface BurstResult {
  initial: number[];
  late: number;
  missing: number;
  finalServed: number[];
  finalRefused: number[];
  outcomes: Record<Outcome, number>;
  others: string[];
  dispatchSpanMs: number;
  anilistRequests: number;
  anilist429s: number;
  /** CPU time (user + system) of the bot process from the burst's start until every final answer was in. */
  cpuMs: number;
}

/** Which command to burst: /list once the registry has it, else /profile (defers, then calls AniList). */
async function burstCommand(): Promise<string> {
  const { commands } = await import('../commands/index.js');
  return commands.some((c) => c.definition.name === 'list') ? 'list' : 'profile';
}

/** Discord's interaction callback type for an answer sent as the initial response (no defer). */
const CHANNEL_MESSAGE_WITH_SOURCE = 4;

/** The answer when the initial response was the message itself: how a busy refusal is sent (one Discord call). */
function answeredAtOnce(handle: InteractionHandle): { content: string; embeds: readonly unknown[] } | undefined {
  const initial = handle.initialResponse;
  if (initial?.type !== CHANNEL_MESSAGE_WITH_SOURCE) return undefined;
  const data = initial.data ?? {};
  return { content: typeof data.content === 'string' ? data.content : '', embeds: Array.isArray(data.embeds) ? data.embeds : [] };
}

function classify(handle: InteractionHandle): { outcome: Outcome; text?: string } {
  const messages = [answeredAtOnce(handle), ...handle.edits.map((e) => e.message), ...handle.followUps];
  const first = messages.find((m) => m !== undefined && m !== null);
  if (!first) return { outcome: 'none' };
  if (first.embeds.length > 0 || first.content.toLowerCase().startsWith('done:')) return { outcome: 'served' };
  const content = first.content.toLowerCase();
  if (content.includes('busy') || content.includes('try again')) return { outcome: 'refused' };
  return { outcome: 'other', text: first.content.slice(0, 80) };
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

async function collect(handles: InteractionHandle[], sentAt: number[], finalTimeoutMs: number) {
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
  const finalOf = (h: InteractionHandle) => h.webhookRequests.find((r) => (r.method === 'PATCH' || r.method === 'POST') && r.status >= 200 && r.status < 300);
  // An answer sent as the initial response is final at once: its latency is the initial response's.
  const finalLatency = (h: InteractionHandle, sent: number) => {
    const atOnce = answeredAtOnce(h) ? h.initialResponse?.latencyMs : undefined;
    if (atOnce !== undefined) return atOnce;
    const f = finalOf(h);
    return f ? f.receivedAt - sent : undefined;
  };
  await waitUntil(() => handles.every((h) => answeredAtOnce(h) !== undefined || finalOf(h) !== undefined), finalTimeoutMs, 'final answers', 100).catch(() => undefined);
  const finalServed: number[] = [];
  const finalRefused: number[] = [];
  const outcomes: Record<Outcome, number> = { served: 0, refused: 0, other: 0, none: 0 };
  const others = new Set<string>();
  handles.forEach((h, i) => {
    const { outcome, text } = classify(h);
    outcomes[outcome]++;
    if (text) others.add(text);
    const latency = finalLatency(h, sentAt[i]!);
    if (latency !== undefined && outcome === 'served') finalServed.push(latency);
    if (latency !== undefined && outcome === 'refused') finalRefused.push(latency);
  });
  return { initial, late: initial.filter((ms) => ms > DEADLINE_MS).length, missing, finalServed, finalRefused, outcomes, others: [...others] };
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
      const bot = await startBotAgainstFakes({
        discord,
        anilist,
        dir: dir.path,
        encryptionKey: key,
        port,
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
    const cpuBefore = await processCpuMs(pid);
    const { handles, sentAt, span } = await burst(discord, users, command);
    const collected = await collect(handles, sentAt, 90_000);
    const cpuMs = (await processCpuMs(pid)) - cpuBefore;
    const after = anilist.stats();
    return {
      ...collected,
      cpuMs,
      dispatchSpanMs: span,
      anilistRequests: after.graphqlRequests - before.graphqlRequests,
      anilist429s: after.rateLimited429s - before.rateLimited429s,
    };
  } finally {
    await stop();
    await discord.close();
    await anilist.close();
    dir.remove();
  }
}

export async function runDeadline({ repetitions }: { repetitions: number }): Promise<Omit<FigureResult, 'figure' | 'load' | 'durationS'>> {
  const command = await burstCommand();
  const runs = await interleaved(
    repetitions,
    () => bounded(runOne('anilink', command), 240_000, 'deadline (anilink)'),
    () => bounded(runOne('reference', command), 240_000, 'deadline (reference)'),
  );
  const both = pairedMeasures(runs, 'discord.js 14 (Guilds, default caches): defer at once, edit after the same 1.5 s');
  const own = (label: string, unit: string, digits: number, read: (r: BurstResult) => number) => ({ label, unit, digits, anilink: runs.bot.map(read) });
  return {
    repetitions,
    setup: {
      command: `/${command}`,
      interactions: INTERACTIONS,
      members: MEMBERS,
      'burst ms': BURST_MS,
      'AniList latency ms': ANILIST_LATENCY_MS,
      'AniList limit /min': 30,
    },
    measures: {
      lateInitial: both('initial responses later than 3 s or missing', '', 0, (r) => r.late + r.missing),
      initialP50: both('initial response p50', 'ms', 0, (r) => percentile(r.initial, 50)),
      initialP99: both('initial response p99', 'ms', 0, (r) => percentile(r.initial, 99)),
      initialMax: both('initial response max', 'ms', 0, (r) => Math.max(...r.initial)),
      cpuPerInteraction: both('process CPU per interaction (burst → last final answer)', 'ms', 2, (r) => r.cpuMs / INTERACTIONS),
      dispatchSpan: both(`${INTERACTIONS} interactions dispatched in`, 'ms', 0, (r) => r.dispatchSpanMs),
      served: both('final answers: the list (served)', '', 0, (r) => r.outcomes.served),
      refused: own('final answers: "AniList is busy, try again in N s" (refused)', '', 0, (r) => r.outcomes.refused),
      otherOrNone: both('final answers: anything else, or none', '', 0, (r) => r.outcomes.other + r.outcomes.none),
      finalServedP50: both('served: final answer p50', 'ms', 0, (r) => percentile(r.finalServed, 50)),
      finalServedP99: both('served: final answer p99', 'ms', 0, (r) => percentile(r.finalServed, 99)),
      finalRefusedP50: own('refused: final answer p50', 'ms', 0, (r) => percentile(r.finalRefused, 50)),
      anilistRequests: own('AniList requests during the burst', '', 0, (r) => r.anilistRequests),
      anilist429s: own('AniList 429s during the burst', '', 0, (r) => r.anilist429s),
    },
    detail: { anilink: runs.bot.map(summarize), reference: runs.reference.map(summarize) },
  };
}

function summarize(r: BurstResult) {
  return { late: r.late, missing: r.missing, outcomes: r.outcomes, others: r.others, cpuMs: r.cpuMs, dispatchSpanMs: r.dispatchSpanMs, anilistRequests: r.anilistRequests };
}
