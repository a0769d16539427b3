/**
 * Figure 2 — AniList budget efficiency. Each member runs a realistic session against the real bot process:
 * `/list` (all statuses), two page turns, three autocomplete keystroke bursts on `/update`, one `/update`, `/list`
 * again, with a human think time between steps; members start one second apart. The bot's budget is the
 * default 30/min and the fake AniList enforces 30/min as well (AniList's degraded mode).
 *
 * Scaled run: 50 members × this mix need several hundred AniList calls, i.e. 10+ minutes at 30/min, and the
 * budget cannot be raised past 90/min (config maximum), so the default run uses 10 members (1/5 of the spec)
 * with the same mix, budget and pacing; `--quick` uses 5. Requests per command do not depend on the scale
 * except for the search cache shared between members (fewer members share less, so it is conservative).
 *
 * `/update` and its autocomplete are driven from its registered definition (the autocomplete option and the
 * required options are discovered at run time). While the registry has no `/update`, those steps are skipped
 * and the figure is reported as partial.
 */
import { join } from 'node:path';
import type { FakeDiscord, FakeUser, InteractionHandle } from '../fakes/discord/index.js';
import { startRealBot } from './lib/bot-process.js';
import { bounded, fmt, freePort, newEncryptionKey, sleep, tempDir, waitUntil, type Row } from './lib/common.js';
import { benchDiscordUsers, dbPath, seedLinks, startAniList, startDiscord } from './lib/world.js';

const THINK_MS = 1500;
const KEYSTROKE_MS = 150;
const BURSTS = ['frie', 'bocc', 'cowb'];

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
  const update = commands.find((c) => c.definition.name === 'update');
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

export type Outcome = 'answer' | 'refusal' | 'unexpected error' | 'no answer';

export interface Step {
  kind: 'list' | 'page' | 'autocomplete' | 'update';
  outcome: Outcome;
  text: string;
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
      steps.push({ kind: 'page', outcome: 'no answer', text: 'no page button on the message' });
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
        const first = (h.choices() as { value: unknown }[] | undefined)?.[0];
        if (first) chosen = first.value;
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

export async function runBudget({ quick }: { quick: boolean }): Promise<{ rows: Row[]; detail: unknown }> {
  const f = '2 budget';
  const { commands } = await import('../commands/index.js');
  if (!commands.some((c) => c.definition.name === 'list')) {
    return { rows: [{ figure: f, metric: 'pending', value: '/list is not registered in commands/index.ts yet' }], detail: { pending: true } };
  }
  const update = await updateShape();
  const members = quick ? 5 : 10;
  const dir = tempDir('anilink-bench-budget-');
  const users = benchDiscordUsers(members);
  const { fake: anilist, users: anilistUsers } = await startAniList(members, { rateLimitPerMinute: 30 });
  const discord = await startDiscord({ extraUsers: users });
  const key = newEncryptionKey();
  let stop: () => Promise<void> = () => Promise.resolve();
  try {
    seedLinks({ databasePath: dbPath(dir.path), encryptionKey: key, discordUsers: users, anilist, anilistUsers });
    const bot = await startRealBot({
      discord,
      anilistOauthUrl: anilist.oauthUrl,
      anilistApiUrl: anilist.graphqlUrl,
      port: await freePort(),
      databasePath: dbPath(dir.path),
      encryptionKey: key,
      logFile: join(dir.path, 'bot.log'),
    });
    stop = () => bot.child.stop();
    const started = performance.now();
    const before = anilist.stats();
    const firstRequest = anilist.requests.length;
    const sessions = await bounded(
      Promise.all(users.map(async (user, i) => (await sleep(i * 1000), session(discord, user, update)))),
      15 * 60_000,
      'budget sessions',
    );
    const after = anilist.stats();
    const wallS = (performance.now() - started) / 1000;
    const byOperation: Record<string, number> = {};
    for (const r of anilist.requests.slice(firstRequest)) {
      if (r.kind !== 'graphql') continue;
      const variables = (r.body as { variables?: { type?: string } } | undefined)?.variables;
      const name = `${r.operationName ?? '?'}${variables?.type ? `(${variables.type})` : ''}`;
      byOperation[name] = (byOperation[name] ?? 0) + 1;
    }
    const steps = sessions.flat();
    const byKind = (kind: Step['kind']) => steps.filter((s) => s.kind === kind).length;
    // The spec's mix counts each keystroke burst as one command: /list, 2 page turns, 3 bursts, /update, /list.
    const commandsRun = byKind('list') + byKind('page') + byKind('update') + (update ? BURSTS.length * members : 0);
    const interactions = steps.length;
    const requests = after.graphqlRequests - before.graphqlRequests;
    const clearMembers = sessions.filter((s) => s.every((step) => step.outcome === 'answer' || step.outcome === 'refusal')).length;
    const fullyServed = sessions.filter((s) => s.every((step) => step.outcome === 'answer')).length;
    const outcomeCounts: Record<string, number> = {};
    for (const s of steps) outcomeCounts[`${s.kind}: ${s.outcome}`] = (outcomeCounts[`${s.kind}: ${s.outcome}`] ?? 0) + 1;
    const rows: Row[] = [
      {
        figure: f,
        metric: `run: ${members} members (1/${50 / members} of spec), budget 30/min${update ? '' : ' — PARTIAL: no /update yet'}`,
        value: `${fmt(wallS, 's')} wall`,
      },
      { figure: f, metric: 'AniList requests / command of the mix (burst = 1)', value: `${requests} / ${commandsRun} = ${(requests / commandsRun).toFixed(2)}`, target: '< 1', ok: requests / commandsRun < 1 },
      { figure: f, metric: 'AniList requests / all interactions', value: `${requests} / ${interactions} = ${(requests / interactions).toFixed(2)}`, target: '< 1', ok: requests / interactions < 1 },
      { figure: f, metric: 'requests by operation', value: Object.entries(byOperation).map(([op, n]) => `${op}×${n}`).join(' ') },
      { figure: f, metric: '429s received', value: String(after.rateLimited429s - before.rateLimited429s), target: '0', ok: after.rateLimited429s === before.rateLimited429s },
      {
        figure: f,
        metric: 'requests sent during Retry-After',
        value: String(after.requestsDuringRetryAfter - before.requestsDuringRetryAfter),
        target: '0',
        ok: after.requestsDuringRetryAfter === before.requestsDuringRetryAfter,
      },
      { figure: f, metric: 'members with a clear answer to every step', value: `${clearMembers} / ${members}`, target: `${members}`, ok: clearMembers === members },
      { figure: f, metric: 'members served without any refusal', value: `${fullyServed} / ${members}` },
      ...Object.entries(outcomeCounts).map(([k, n]) => ({ figure: f, metric: `steps ${k}`, value: String(n) })),
    ];
    const refusals = [...new Set(steps.filter((s) => s.outcome !== 'answer').map((s) => `${s.kind}: ${s.outcome}: ${s.text}`))];
    return { rows, detail: { members, update: update ?? null, wallS, requests, byOperation, outcomeCounts, refusals } };
  } finally {
    await stop();
    await discord.close();
    await anilist.close();
    dir.remove();
  }
}
