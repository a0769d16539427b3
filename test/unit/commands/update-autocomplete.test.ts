import type { AutocompleteInteraction } from 'discord.js';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCommandDeps, type CommandServices } from '../../../commands/command.js';
import { AUTOCOMPLETE_BUDGET_MS } from '../../../commands/media/suggestions.js';
import { update } from '../../../commands/update.js';
import type { CallContext, SearchMediaInput } from '../../../src/anilist/index.js';
import { createTranslations } from '../../../src/i18n/index.js';

const log = pino({ level: 'silent' });
const t = createTranslations().forLocale('en');

/** A search that only ever ends by being abandoned, like one stuck behind a busy limiter. */
function pendingSearches() {
  const calls: { input: SearchMediaInput; context: CallContext }[] = [];
  const searchMedia = vi.fn((input: SearchMediaInput, context: CallContext) => {
    calls.push({ input, context });
    return new Promise<never>((_resolve, reject) => {
      context.signal?.addEventListener('abort', () => reject(new Error('abandoned')));
    });
  });
  const peekUserMediaList = vi.fn(() => undefined);
  const userMediaList = vi.fn();
  const services = {
    // Every member is linked, with a working token: their lists could be loaded, and must not be.
    links: {
      usableMember: (discordUserId: string) => ({ discordUserId, anilistUserId: 7, state: 'usable', titleLanguage: 'ROMAJI', token: () => 'token' }),
    },
    anilist: { searchMedia, peekUserMediaList, userMediaList },
    clock: () => new Date(),
    i18n: createTranslations(),
  } as unknown as CommandServices;
  return { deps: createCommandDeps(services), services, calls, userMediaList, peekUserMediaList };
}

function keystroke(userId: string, value: string) {
  const respond = vi.fn(() => Promise.resolve());
  const interaction = {
    user: { id: userId },
    channel: null,
    options: { getFocused: () => ({ name: 'media', value }) },
    respond,
  } as unknown as AutocompleteInteraction;
  return { interaction, respond };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('/update autocomplete and the shared AniList budget', () => {
  it('abandons a member’s older keystroke still waiting for AniList as soon as they type the next one', async () => {
    const { deps, calls } = pendingSearches();
    const first = keystroke('100000000000000001', 'frier');
    const second = keystroke('100000000000000001', 'frieren');
    const otherMember = keystroke('100000000000000002', 'bebop');

    const answers = [first, second, otherMember].map(({ interaction }) => update.autocomplete({ interaction, deps, log, t }));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.input.search)).toEqual(['frier', 'frieren', 'bebop']);
    expect(calls.map((c) => c.context.signal?.aborted)).toEqual([true, false, false]);
    // The abandoned keystroke still answers at once, with no suggestions.
    expect(first.respond).toHaveBeenCalledWith([]);

    // Once the budget is over nobody will see the answer: the searches still waiting give their place back.
    await vi.advanceTimersByTimeAsync(AUTOCOMPLETE_BUDGET_MS);
    await Promise.all(answers);
    expect(calls.map((c) => c.context.signal?.aborted)).toEqual([true, true, true]);
    expect(second.respond).toHaveBeenCalledWith([]);
    expect(otherMember.respond).toHaveBeenCalledWith([]);
  });

  it('keeps each bot’s keystrokes apart: two bots in one process never abandon each other’s searches', async () => {
    const { deps, services, calls } = pendingSearches();
    const otherBot = createCommandDeps(services);
    const here = keystroke('100000000000000001', 'frier');
    const there = keystroke('100000000000000001', 'frieren');

    const answers = [update.autocomplete({ interaction: here.interaction, deps, log, t }), update.autocomplete({ interaction: there.interaction, deps: otherBot, log, t })];
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.input.search)).toEqual(['frier', 'frieren']);
    expect(calls.map((c) => c.context.signal?.aborted)).toEqual([false, false]);

    await vi.advanceTimersByTimeAsync(AUTOCOMPLETE_BUDGET_MS);
    await Promise.all(answers);
    expect(calls.map((c) => c.context.signal?.aborted)).toEqual([true, true]);
  });

  it('starts no list load, and no search for one or two typed characters', async () => {
    const { deps, calls, userMediaList, peekUserMediaList } = pendingSearches();
    const short = keystroke('100000000000000001', 'fr');
    await update.autocomplete({ interaction: short.interaction, deps, log, t });
    expect(calls).toEqual([]);
    expect(userMediaList).not.toHaveBeenCalled();
    expect(peekUserMediaList).toHaveBeenCalledTimes(2); // anime and manga, from the cache only
    expect(short.respond).toHaveBeenCalledWith([]);
  });
});
