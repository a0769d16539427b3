/**
 * The pools behind /random's messages, kept in memory so "Reroll" picks again without asking AniList anything.
 * One store per bot (createCommandDeps), bounded in count and age: after that a button says to run /random again.
 */
import { randomInt } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { MediaType } from '../../src/anilist/index.js';
import type { Locale, Localized } from '../../src/i18n/index.js';
import type { PoolTitle } from './pool.js';

/** How long a pick's buttons keep working. */
export const PICK_TTL_MS = 60 * 60_000;
/** Picks kept at once; the least recently used goes first. */
export const MAX_PICKS = 1_000;

export interface RandomPickInput {
  /** The /random interaction's id: the buttons carry it. */
  readonly id: string;
  readonly callerId: string;
  /** The caller first, then the members named with `with…`: who may press the buttons. */
  readonly memberIds: readonly string[];
  readonly type: MediaType;
  readonly titles: readonly PoolTitle[];
  /** The caller's language: every drawing of this pick's message (a reroll by any of its members) is in it. */
  readonly locale: Locale;
  /** The sentence above every card of this pick ("From your planning list…"), said in `locale`. */
  readonly headline: Localized;
}

export interface RandomPick extends RandomPickInput {
  /** The title shown now. */
  current(): PoolTitle;
  /**
   * The next title in this pick's shuffled order that `allowed` lets through, skipping the one shown and those the
   * caller started; it becomes the current one. Every title comes once before any comes again. Undefined when no
   * other title is left.
   */
  reroll(allowed: (title: PoolTitle) => boolean): PoolTitle | undefined;
  /** The caller started this title: it is no longer on their planning list, so rerolls skip it. */
  markStarted(mediaId: number): void;
}

export interface RandomPicks {
  create(input: RandomPickInput): RandomPick;
  get(id: string): RandomPick | undefined;
}

export interface RandomPicksOptions {
  /** For the picks' ages; the bot's clock. */
  readonly clock: () => Date;
  /** A whole number from 0 to `max` − 1; crypto.randomInt by default. */
  readonly randomBelow?: ((max: number) => number) | undefined;
}

export function createRandomPicks({ clock, randomBelow = (max) => randomInt(max) }: RandomPicksOptions): RandomPicks {
  const picks = new LRUCache<string, RandomPick>({ max: MAX_PICKS, ttl: PICK_TTL_MS, ttlResolution: 0, perf: { now: () => clock().getTime() } });

  function shuffled(count: number): number[] {
    const order = Array.from({ length: count }, (_, index) => index);
    for (let index = count - 1; index > 0; index--) {
      const other = randomBelow(index + 1);
      [order[index], order[other]] = [order[other]!, order[index]!];
    }
    return order;
  }

  return {
    create(input) {
      if (input.titles.length === 0) throw new Error('a random pick needs at least one title');
      const order = shuffled(input.titles.length);
      const started = new Set<number>();
      let position = 0;
      const titleAt = (at: number) => input.titles[order[at % order.length]!]!;
      const pickable = (title: PoolTitle, allowed: (title: PoolTitle) => boolean) => !started.has(title.mediaId) && allowed(title);
      const pick: RandomPick = {
        ...input,
        current: () => titleAt(position),
        reroll(allowed) {
          for (let step = 1; step < order.length; step++) {
            const candidate = titleAt(position + step);
            if (!pickable(candidate, allowed)) continue;
            position = (position + step) % order.length;
            return candidate;
          }
          return undefined;
        },
        markStarted(mediaId) {
          started.add(mediaId);
        },
      };
      picks.set(input.id, pick);
      return pick;
    },
    get(id) {
      return picks.get(id);
    },
  };
}
