/**
 * Figure 2 — AniList budget efficiency. Each member runs a realistic session against the real bot process:
 * `/list` (all statuses), two page turns, three autocomplete keystroke bursts on `/update`, one `/update`, `/list`
 * again, with a human think time between steps; members start one second apart. The bot's budget is the default
 * 30/min; the fake AniList enforces 30/min and a burst limiter (ANILIST_BURST), as AniList does.
 *
 * The figure is AniList requests per *served* command (a command that got its answer, not "busy, try again"); a
 * keystroke burst counts as one command, served when its last keystroke got suggestions. The served fraction is
 * printed beside it, because a bot that refuses everything spends nothing.
 *
 * `/update` and its autocomplete are driven from its registered definition (the autocomplete option and the
 * required options are discovered at run time).
 */
import type { FakeDiscord, FakeUser, InteractionHandle } from '../fakes/discord/index.js';
import { startBotAgainstFakes } from './lib/bot-process.js';
import { bounded, newEncryptionKey, sleep, tempDir, waitUntil } from './lib/common.js';
import type { FigureResult } from './lib/results.js';
import { benchDiscordUsers, dbPath, seedLinks, startAniList, startDiscord } from './lib/world.js';

const THINK_MS = 1500;
const KEYSTROKE_MS = 150;
const BURSTS = ['frie', 'bocc', 'cowb'];
/** AniList's burst limiter has no documented size: at most 20 requests in any 10 s (two thirds of a minute's budget). */
const ANILIST_BURST = { max: 20, windowMs: 10_000 };

interface CommandOption {
  name: string;
  type: number;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { value: unknown }[];
  min_value?: number;
}

interface UpdateShape {
  focused: string;
  required: CommandOption[];
  /** Whether /update has a `progress` option (set to 1 so the command really writes). */
  progress: boolean;
}

export async function updateShape(): Promise<UpdateShape | undefined> {
  const { commands } = await import('../commands/index.js');
  const { isChatInputCommand } = await import('../commands/command.js');
  const update = commands.filter(isChatInputCommand).find((c) => c.definition.name === 'update');
  if (!update?.autocomplete) return undefined;
  const options = ((update.definition as { options?: CommandOption[] }).options ?? []).filter((o) => o.type !== 1 && o.type !== 2);
  const focused = options.find((o) => o.autocomplete && o.type === 3) ?? options.find((o) => o.autocomplete);
  if (!focused) return undefined;
  return { focused: focused.name, required: options.filter((o) => o.required && o.name !== focused.name), progress: options.some((o) => o.name === 'progress') };
}

function defaultValue(option: CommandOption): unknown {
  if (option.choices?.length) return option.choices[0]!.value;
  if (option.type === 4 || option.type === 10) return Math.max(1, option.min_value ?? 1);
  if (option.type === 5) return true;
  return 'x';
}

/** `skipped`: a page turn that could not be made because the list before it was refused (no page button). */
export type Outcome = 'answer' | 'refusal' | 'unexpected error' | 'no answer' | 'skipped';

export interface Step {
  kind: 'list' | 'page' | 'autocomplete' | 'update';
  outcome: Outcome;
  text: string;
  /** Autocomplete: how many suggestions came back. */
  choices?: number;
  /** Autocomplete: the last keystroke of its burst. */
  lastOfBurst?: boolean;
  /** From sending the interaction to its visible result (bench/background.ts compares these). */
  ms?: number;
}

/** Waits for the visible result of an interaction: an edit/follow-up after a defer, or the initial response itself. */
async function settle(handle: InteractionHandle, timeoutMs: number): Promise<{ outcome: Outcome; text: string }> {
  let initial;
  try {
    initial = await handle.waitForInitialResponse(timeoutMs);
  } catch {
    return { outcome: 'no answer', text: '' };
  }
  if (handle.type === 4) return { outcome: 'answer', text: `${handle.choices()?.length ?? 0} choices` };
  const deferred = initial.type === 5 || initial.type === 6;
  if (deferred) {
    await waitUntil(() => handle.edits.length > 0 || handle.followUps.length > 0, timeoutMs, 'final answer', 50).catch(() => undefined);
  }
  const message = handle.followUps[0] ?? handle.edits[0]?.message ?? (initial.data as { content?: string; embeds?: unknown[] } | undefined);
  if (!message) return { outcome: 'no answer', text: '' };
  const content = (message as { content?: string }).content ?? '';
  const embeds = (message as { embeds?: unknown[] }).embeds ?? [];
  if (/something went wrong/i.test(content)) return { outcome: 'unexpected error', text: content };
  if (embeds.length > 0 || (!/try again|busy|not linked|no longer active/i.test(content) && content.length > 0)) return { outcome: 'answer', text: content.slice(0, 80) };
  if (content.length > 0) return { outcome: 'refusal', text: content.slice(0, 120) };
  return { outcome: 'no answer', text: '' };
}

function pageButtons(handle: InteractionHandle): string[] {
  const message = handle.currentMessage();
  const ids: string[] = [];
  for (const row of (message?.components ?? []) as { components?: { custom_id?: string; disabled?: boolean }[] }[]) {
    for (const c of row.components ?? []) if (c.custom_id?.startsWith('list:page:') && !c.disabled) ids.push(c.custom_id);
  }
  return ids;
}

export async function session(discord: FakeDiscord, user: FakeUser, update: UpdateShape | undefined): Promise<Step[]> {
  const steps: Step[] = [];
  const run = async (kind: Step['kind'], handle: InteractionHandle) => {
    const sentAt = performance.now();
    const result = await settle(handle, 60_000);
    steps.push({ kind, ...result, ms: performance.now() - sentAt });
    return handle;
  };
  const list = await run('list', discord.sendCommand({ name: 'list', user, options: [{ name: 'status', value: 'ALL' }] }));
  let source = list;
  for (let turn = 0; turn < 2; turn++) {
    await sleep(THINK_MS);
    const button = pageButtons(source)[0];
    if (!button) {
      steps.push({ kind: 'page', outcome: 'skipped', text: 'no page button on the message' });
      continue;
    }
    source = await run('page', discord.sendButton({ customId: button, user, from: source }));
  }
  let chosen: unknown;
  if (update) {
    for (const word of BURSTS) {
      await sleep(THINK_MS);
      for (let n = 1; n <= word.length; n++) {
        const h = await run('autocomplete', discord.sendAutocomplete({ name: 'update', user, focused: update.focused, focusedValue: word.slice(0, n) }));
        const choices = (h.choices() as { value: unknown }[] | undefined) ?? [];
        Object.assign(steps.at(-1)!, { choices: choices.length, lastOfBurst: n === word.length });
        if (choices[0]) chosen = choices[0].value;
        await sleep(KEYSTROKE_MS);
      }
    }
    await sleep(THINK_MS);
    await run(
      'update',
      discord.sendCommand({
        name: 'update',
        user,
        options: [
          { name: update.focused, value: chosen ?? 'Frieren' },
          ...update.required.map((o) => ({ name: o.name, type: o.type, value: defaultValue(o) })),
          ...(update.progress && !update.required.some((o) => o.name === 'progress') ? [{ name: 'progress', type: 4, value: 1 }] : []),
        ],
      }),
    );
  }
  await sleep(THINK_MS);
  await run('list', discord.sendCommand({ name: 'list', user, options: [{ name: 'status', value: 'ALL' }] }));
  return steps;
}

interface BudgetRun {
  wallS: number;
  requests: number;
  rateLimited: number;
  duringRetryAfter: number;
  commands: number;
  served: number;
  interactions: number;
  unexpectedErrors: number;
  silent: number;
  skipped: number;
  byOperation: Record<string, number>;
  outcomeCounts: Record<string, number>;
  refusals: string[];
}

async function runOnce(members: number, update: UpdateShape | undefined): Promise<BudgetRun> {
  const dir = tempDir('anilink-bench-budget-');
  const users = benchDiscordUsers(members);
  const { fake: anilist, users: anilistUsers } = await startAniList(members, { rateLimitPerMinute: 30, burstLimit: ANILIST_BURST });
  const discord = await startDiscord({ extraUsers: users });
  const key = newEncryptionKey();
  let stop: () => Promise<void> = () => Promise.resolve();
  try {
    seedLinks({ databasePath: dbPath(dir.path), encryptionKey: key, discordUsers: users, anilist, anilistUsers });
    const bot = await startBotAgainstFakes({
      discord,
      anilist,
      dir: dir.path,
      encryptionKey: key,
    });
    stop = () => bot.child.stop();
    const started = performance.now();
    const before = anilist.stats();
    const firstRequest = anilist.requests.length;
    const sessions = await bounded(
      Promise.all(users.map(async (user, i) => (await sleep(i * 1000), session(discord, user, update)))),
      20 * 60_000,
      'budget sessions',
    );
    const after = anilist.stats();
    const byOperation: Record<string, number> = {};
    for (const r of anilist.requests.slice(firstRequest)) {
      if (r.kind !== 'graphql') continue;
      const variables = (r.body as { variables?: { type?: string } } | undefined)?.variables;
      const name = `${r.operationName ?? '?'}${variables?.type ? `(${variables.type})` : ''}`;
      byOperation[name] = (byOperation[name] ?? 0) + 1;
    }
    const steps = sessions.flat();
    // The mix counts each keystroke burst as one command: /list, 2 page turns, 3 bursts, /update, /list.
    const commandSteps = steps.filter((s) => s.kind !== 'autocomplete');
    const bursts = steps.filter((s) => s.kind === 'autocomplete' && s.lastOfBurst);
    const served = commandSteps.filter((s) => s.outcome === 'answer').length + bursts.filter((s) => (s.choices ?? 0) > 0).length;
    const outcomeCounts: Record<string, number> = {};
    for (const s of steps) outcomeCounts[`${s.kind}: ${s.outcome}`] = (outcomeCounts[`${s.kind}: ${s.outcome}`] ?? 0) + 1;
    return {
      wallS: (performance.now() - started) / 1000,
      requests: after.graphqlRequests - before.graphqlRequests,
      rateLimited: after.rateLimited429s - before.rateLimited429s,
      duringRetryAfter: after.requestsDuringRetryAfter - before.requestsDuringRetryAfter,
      commands: commandSteps.length + bursts.length,
      served,
      interactions: steps.length,
      unexpectedErrors: steps.filter((s) => s.outcome === 'unexpected error').length,
      silent: steps.filter((s) => s.outcome === 'no answer').length,
      skipped: steps.filter((s) => s.outcome === 'skipped').length,
      byOperation,
      outcomeCounts,
      refusals: [...new Set(steps.filter((s) => s.outcome !== 'answer').map((s) => `${s.kind}: ${s.outcome}: ${s.text}`))],
    };
  } finally {
    await stop();
    await discord.close();
    await anilist.close();
    dir.remove();
  }
}

export async function runBudget({ quick, repetitions }: { quick: boolean; repetitions: number }): Promise<Omit<FigureResult, 'figure' | 'load' | 'durationS'>> {
  const { commands } = await import('../commands/index.js');
  if (!commands.some((c) => c.definition.name === 'list')) throw new Error('/list is not registered in commands/index.ts');
  const update = await updateShape();
  if (!update) throw new Error('/update with an autocomplete option is not registered in commands/index.ts');
  const members = quick ? 10 : 50;
  const runs: BudgetRun[] = [];
  for (let i = 0; i < repetitions; i++) runs.push(await runOnce(members, update));
  const own = (label: string, unit: string, digits: number, read: (r: BudgetRun) => number) => ({ label, unit, digits, anilink: runs.map(read) });
  return {
    repetitions,
    setup: {
      members,
      mix: '/list, 2 page turns, 3 autocomplete bursts, /update, /list',
      'think ms': THINK_MS,
      'keystroke ms': KEYSTROKE_MS,
      'members start apart ms': 1000,
      'bot budget /min': 30,
      'fake AniList /min': 30,
      'fake AniList burst': `${ANILIST_BURST.max} per ${ANILIST_BURST.windowMs / 1000} s`,
    },
    measures: {
      requestsPerServed: own('AniList requests per served command', '', 2, (r) => r.requests / r.served),
      servedFraction: own('served fraction of the mix\'s commands', '', 2, (r) => r.served / r.commands),
      requests: own('AniList requests', '', 0, (r) => r.requests),
      commands: own('commands of the mix (a keystroke burst = 1)', '', 0, (r) => r.commands),
      served: own('commands served', '', 0, (r) => r.served),
      perCommand: own('AniList requests per command of the mix', '', 2, (r) => r.requests / r.commands),
      perInteraction: own('AniList requests per interaction (each keystroke counted)', '', 2, (r) => r.requests / r.interactions),
      rateLimited: own('429s from AniList', '', 0, (r) => r.rateLimited),
      duringRetryAfter: own('requests sent during a Retry-After', '', 0, (r) => r.duringRetryAfter),
      unexpectedErrors: own('steps answered "something went wrong"', '', 0, (r) => r.unexpectedErrors),
      silent: own('steps without any answer', '', 0, (r) => r.silent),
      skipped: own('page turns not possible (the list before was refused; not served)', '', 0, (r) => r.skipped),
      wall: own('session wall time', 's', 0, (r) => r.wallS),
    },
    detail: runs.map(({ byOperation, outcomeCounts, refusals }) => ({ byOperation, outcomeCounts, refusals })),
  };
}
