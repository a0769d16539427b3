/**
 * Figure 7 — what taste between two members costs. The real bot process against the fakes at AniList's 30 requests a
 * minute; two linked members with the seeded lists of GinaTaste (POINT_10) and HankTaste (POINT_5). One member runs
 * `/compare user:` with the other, then `/random with:` the other, then presses "Reroll" five times (the two take
 * turns). The AniList requests of each step are counted at the fake AniList (by operation).
 *
 * Target (issue #15): at most 3 requests for the whole sequence with two members: each list once (cached for the
 * taste commands), the first card once (with "In this server"), rerolls from memory.
 */
import { SEED_USERS, startFakeAniList, type LoggedRequest } from '../fakes/anilist/index.js';
import type { FakeUser, InteractionHandle } from '../fakes/discord/index.js';
import { startBotAgainstFakes } from './lib/bot-process.js';
import { newEncryptionKey, tempDir } from './lib/common.js';
import type { FigureResult } from './lib/results.js';
import { benchDiscordUsers, dbPath, seedLinks, startDiscord } from './lib/world.js';

const REROLLS = 5;

function byOperation(requests: readonly LoggedRequest[]): string {
  const counts = new Map<string, number>();
  for (const request of requests) counts.set(request.operationName ?? '?', (counts.get(request.operationName ?? '?') ?? 0) + 1);
  return [...counts].map(([operation, count]) => `${operation}×${count}`).join(' ') || 'none';
}

async function shown(handle: InteractionHandle): Promise<number> {
  const sentAt = performance.now();
  await handle.waitForInitialResponse(10_000);
  await handle.waitForEdit(30_000);
  return performance.now() - sentAt;
}

function buttonId(handle: InteractionHandle, label: string): string {
  const rows = (handle.currentMessage()?.components ?? []) as { components: { label?: string; custom_id?: string }[] }[];
  const id = rows.flatMap((row) => row.components).find((component) => component.label === label)?.custom_id;
  if (!id) throw new Error(`the /random card has no "${label}" button`);
  return id;
}

/** Request counts are deterministic, so one run says it all; the timings are printed for context. */
export async function runCompare(): Promise<Omit<FigureResult, 'figure' | 'load' | 'durationS'>> {
  const dir = tempDir('anilink-bench-compare-');
  const [caller, other] = benchDiscordUsers(2) as [FakeUser, FakeUser];
  const anilist = await startFakeAniList({ rateLimitPerMinute: 30 });
  const discord = await startDiscord({ extraUsers: [caller, other] });
  const key = newEncryptionKey();
  let stop: () => Promise<void> = () => Promise.resolve();
  try {
    seedLinks({
      databasePath: dbPath(dir.path),
      encryptionKey: key,
      discordUsers: [caller, other],
      anilist,
      anilistUsers: [SEED_USERS.gina, SEED_USERS.hank].map(({ id, name }) => ({ id, name })),
    });
    const bot = await startBotAgainstFakes({
      discord,
      anilist,
      dir: dir.path,
      encryptionKey: key,
    });
    stop = () => bot.child.stop();

    const from = anilist.graphqlRequests().length;
    const compareMs = await shown(discord.sendCommand({ name: 'compare', user: caller, options: [{ name: 'user', value: other.id }] }));
    const compareRequests = anilist.graphqlRequests().slice(from);

    const randomFrom = anilist.graphqlRequests().length;
    const pick = discord.sendCommand({ name: 'random', user: caller, options: [{ name: 'with', value: other.id }] });
    const randomMs = await shown(pick);
    const randomRequests = anilist.graphqlRequests().slice(randomFrom);

    const rerollFrom = anilist.graphqlRequests().length;
    const rerollMs: number[] = [];
    for (let i = 0; i < REROLLS; i++) {
      const press = discord.sendButton({ customId: buttonId(pick, 'Reroll'), user: i % 2 === 0 ? caller : other, from: pick });
      rerollMs.push((await press.waitForInitialResponse(10_000)).latencyMs);
    }
    const rerollRequests = anilist.graphqlRequests().slice(rerollFrom);
    const total = compareRequests.length + randomRequests.length + rerollRequests.length;

    const count = (label: string, value: number) => ({ label, unit: '', digits: 0, anilink: [value] });
    const ms = (label: string, value: number) => ({ label, unit: 'ms', digits: 0, anilink: [value] });
    return {
      repetitions: 1,
      setup: { members: 2, anilistPerMinute: 30, rerolls: REROLLS, lists: 'GinaTaste (POINT_10), HankTaste (POINT_5)' },
      measures: {
        compareRequests: count(`\`/compare\` (${byOperation(compareRequests)}): AniList requests`, compareRequests.length),
        randomRequests: count(`\`/random with:\` the same member, first card (${byOperation(randomRequests)}): AniList requests`, randomRequests.length),
        rerollRequests: count(`${REROLLS} rerolls: AniList requests`, rerollRequests.length),
        sequenceRequests: count(`\`/compare\` + \`/random\` + ${REROLLS} rerolls: AniList requests`, total),
        compareShown: ms('`/compare` shown (command sent → edit)', compareMs),
        randomShown: ms('`/random` shown (command sent → edit)', randomMs),
        rerollAnswered: ms('reroll answered (message updated), slowest', Math.max(...rerollMs)),
      },
      detail: { compareRequests: compareRequests.length, randomRequests: randomRequests.length, rerollRequests: rerollRequests.length, total, rerollMs },
    };
  } finally {
    await stop();
    await discord.close();
    await anilist.close();
    dir.remove();
  }
}
