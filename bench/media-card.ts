/**
 * Figure 6 — what a media card costs. The real bot process against the fakes, in a server of 100 linked members
 * who have each used the bot there once (`/privacy`, which asks AniList nothing). One member types "fri" in
 * `/anime`'s title, picks the anime from the suggestions and gets the card with "In this server"; a second member
 * then looks up the same title. The AniList requests of each step are counted at the fake AniList (by operation),
 * and the bot runs with the default budget of 30 requests a minute.
 *
 * Targets (issue #14): at most 1 + ⌈members / 50⌉ requests for a card, 0 on a cache hit, and at most 3 for the whole
 * "type, pick, see" journey in a server of 100 linked members; the first answer within Discord's 3 s.
 */
import type { LoggedRequest } from '../fakes/anilist/index.js';
import { SEED_MEDIA } from '../fakes/anilist/index.js';
import type { InteractionHandle } from '../fakes/discord/index.js';
import { startBotAgainstFakes } from './lib/bot-process.js';
import { bounded, newEncryptionKey, tempDir } from './lib/common.js';
import type { FigureResult } from './lib/results.js';
import { benchDiscordUsers, dbPath, seedLinks, startAniList, startDiscord } from './lib/world.js';

const MEMBERS = 100;
const FORMATS = ['POINT_100', 'POINT_10_DECIMAL', 'POINT_10', 'POINT_5', 'POINT_3'] as const;

function byOperation(requests: readonly LoggedRequest[]): string {
  const counts = new Map<string, number>();
  for (const request of requests) counts.set(request.operationName ?? '?', (counts.get(request.operationName ?? '?') ?? 0) + 1);
  return [...counts].map(([operation, count]) => `${operation}×${count}`).join(' ') || 'none';
}

async function cardOf(handle: InteractionHandle): Promise<{ firstMs: number; totalMs: number; lines: string[] }> {
  const sentAt = performance.now();
  const initial = await handle.waitForInitialResponse(10_000);
  const edit = await handle.waitForEdit(30_000);
  const embeds: unknown[] = edit.message?.embeds ?? [];
  const server = embeds.find((embed): embed is { description?: string } => (embed as { title?: unknown }).title === 'In this server');
  return { firstMs: initial.latencyMs, totalMs: performance.now() - sentAt, lines: (server?.description ?? '').split('\n') };
}

/** Request counts are deterministic, so one run says it all; the timings are printed for context. */
export async function runMediaCard(): Promise<Omit<FigureResult, 'figure' | 'load' | 'durationS'>> {
  const dir = tempDir('anilink-bench-card-');
  const users = benchDiscordUsers(MEMBERS);
  const { fake: anilist, users: anilistUsers } = await startAniList(MEMBERS, { rateLimitPerMinute: 30 });
  // Every member has every seeded title (so all 100 are in Frieren's card), in every score format.
  anilistUsers.forEach(({ id }, i) => {
    const user = anilist.store.getUser(id)!;
    user.mediaListOptions = { ...user.mediaListOptions, scoreFormat: FORMATS[i % FORMATS.length]! };
  });
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
    // Members are known in a server only from their interactions there.
    await bounded(Promise.all(users.map((user) => discord.sendCommand({ name: 'privacy', user }).waitForInitialResponse(10_000))), 60_000, 'members using the bot');

    const requestsFrom = anilist.graphqlRequests().length;
    const keystroke = discord.sendAutocomplete({ name: 'anime', user: users[0], focused: 'title', focusedValue: 'fri' });
    await keystroke.waitForInitialResponse(10_000);
    const picked = (keystroke.choices() as { name: string; value: string }[] | undefined)?.find((choice) => choice.value === String(SEED_MEDIA.frieren.id));
    if (!picked) throw new Error('"fri" did not suggest Sousou no Frieren');
    const searchRequests = anilist.graphqlRequests().slice(requestsFrom);
    const first = await cardOf(discord.sendCommand({ name: 'anime', user: users[0], options: [{ name: 'title', value: picked.value }] }));
    const journeyRequests = anilist.graphqlRequests().slice(requestsFrom);
    const cardRequests = journeyRequests.slice(searchRequests.length);

    const hitFrom = anilist.graphqlRequests().length;
    const second = await cardOf(discord.sendCommand({ name: 'anime', user: users[1], options: [{ name: 'title', value: picked.value }] }));
    const hitRequests = anilist.graphqlRequests().slice(hitFrom);

    const listed = first.lines.filter((line) => line.includes('<@')).length;
    const more = first.lines.find((line) => line.startsWith('…and '));
    const pages = cardRequests
      .filter((request) => request.operationName === 'MediaCard')
      .flatMap((request) => Object.entries((request.body as { variables?: Record<string, unknown> }).variables ?? {}))
      .filter(([name, value]) => name.startsWith('members') && Array.isArray(value))
      .map(([, value]) => (value as unknown[]).length);
    const count = (label: string, value: number) => ({ label, unit: '', digits: 0, anilink: [value] });
    return {
      repetitions: 1,
      setup: { members: MEMBERS, anilistPerMinute: 30, userIdInPages: pages.join('+'), listedLines: listed, moreLine: more ?? '' },
      measures: {
        searchRequests: count('autocomplete “fri” (Sousou no Frieren suggested): AniList requests', searchRequests.length),
        cardRequests: count(`card on a cache miss (${byOperation(cardRequests)}): AniList requests`, cardRequests.length),
        journeyRequests: count('type “fri”, pick, see the card: AniList requests', journeyRequests.length),
        hitRequests: count('same title, another member (cache hit): AniList requests', hitRequests.length),
        firstResponse: { label: 'first response, cache miss and hit (worst)', unit: 'ms', digits: 0, anilink: [Math.max(first.firstMs, second.firstMs)] },
        cardShown: { label: 'card shown (command sent → edit), cache miss', unit: 'ms', digits: 0, anilink: [first.totalMs] },
      },
      detail: { members: MEMBERS, searchRequests: searchRequests.length, cardRequests: cardRequests.length, hitRequests: hitRequests.length, pages, listed, cacheHitShownMs: second.totalMs },
    };
  } finally {
    await stop();
    await discord.close();
    await anilist.close();
    dir.remove();
  }
}
