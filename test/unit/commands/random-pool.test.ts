import { describe, expect, it } from 'vitest';
import { buildPool, matchesFilters, type ListMedia, type PlanningSide } from '../../../commands/taste/pool.js';
import { createRandomPicks, PICK_TTL_MS } from '../../../commands/taste/random-picks.js';
import type { MediaListStatus } from '../../../src/anilist/index.js';
import { createTestClock } from '../../support/clock.js';
import { listEntry, listMedia } from '../../support/list-entries.js';

const media = listMedia;
const entry = (item: ListMedia, status: MediaListStatus = 'PLANNING') => listEntry(item, status);

const side = (memberId: string, ...items: (ListMedia | [ListMedia, MediaListStatus])[]): PlanningSide => ({
  memberId,
  entries: items.map((item) => (Array.isArray(item) ? entry(item[0], item[1]) : entry(item))),
});
const ids = (pool: ReturnType<typeof buildPool>) => (pool.kind === 'titles' ? pool.titles.map((title) => title.mediaId) : pool.kind);
const SFW = { nsfwAllowed: false } as const;

describe('matchesFilters', () => {
  it('leaves out unreleased titles, adult ones outside NSFW channels, other genres and unknown or longer lengths', () => {
    expect(matchesFilters(media(1, { status: 'NOT_YET_RELEASED' }), { nsfwAllowed: true })).toBe(false);
    expect(matchesFilters(media(1, { status: 'RELEASING' }), SFW)).toBe(true);
    expect(matchesFilters(media(1, { isAdult: true }), SFW)).toBe(false);
    expect(matchesFilters(media(1, { isAdult: true }), { nsfwAllowed: true })).toBe(true);
    expect(matchesFilters(media(1, { genres: ['Slice of Life'] }), { ...SFW, genre: 'slice of life' })).toBe(true);
    expect(matchesFilters(media(1), { ...SFW, genre: 'Drama' })).toBe(false);
    expect(matchesFilters(media(1, { episodes: 12 }), { ...SFW, maxLength: 12 })).toBe(true);
    expect(matchesFilters(media(1, { episodes: 13 }), { ...SFW, maxLength: 12 })).toBe(false);
    expect(matchesFilters(media(1, { episodes: null }), { ...SFW, maxLength: 500 })).toBe(false);
    expect(matchesFilters(media(1, { type: 'MANGA', episodes: null, chapters: 30 }), { ...SFW, maxLength: 40 })).toBe(true);
  });
});

describe('buildPool', () => {
  const [m1, m2, m3, m4, m5] = [1, 2, 3, 4, 5].map((id) => media(id));

  it('alone: every Planning title that matches, nothing else from the list', () => {
    const pool = buildPool([side('a', m1!, m2!, [m3!, 'COMPLETED'], media(6, { isAdult: true }))], SFW);
    expect(ids(pool)).toEqual([1, 2]);
    expect(buildPool([side('a', [m3!, 'COMPLETED'])], SFW)).toEqual({ kind: 'emptyPlanning', memberIds: ['a'] });
    expect(buildPool([side('a', m1!)], { ...SFW, genre: 'Drama' })).toEqual({ kind: 'noMatch' });
  });

  it('a group: the titles on everyone’s Planning list', () => {
    const pool = buildPool([side('a', m1!, m2!, m3!), side('b', m2!, m3!, m4!), side('c', m3!, m2!, m5!)], SFW);
    expect(ids(pool)).toEqual([2, 3]);
    expect(pool).toMatchObject({ onLists: 3, lists: 3 });
    if (pool.kind === 'titles') expect(pool.titles[0]!.plannedBy).toEqual(['a', 'b', 'c']);
  });

  it('falls back to the titles on the most lists when none is on all, and says on how many', () => {
    const pool = buildPool([side('a', m1!, m2!), side('b', m2!, m3!), side('c', m3!, m4!), side('d', m3!, m5!)], SFW);
    // 3 is on b, c and d; 2 is on two lists only.
    expect(ids(pool)).toEqual([3]);
    expect(pool).toMatchObject({ onLists: 3, lists: 4 });
    if (pool.kind === 'titles') expect(pool.titles[0]!.plannedBy).toEqual(['b', 'c', 'd']);
  });

  it('refuses a group with nothing in common, and tells filters that exclude every shared title apart from that', () => {
    expect(buildPool([side('a', m1!), side('b', m2!)], SFW)).toEqual({ kind: 'noOverlap' });
    expect(buildPool([side('a', m1!, m2!), side('b', m2!)], { ...SFW, genre: 'Drama' })).toEqual({ kind: 'noMatch' });
    // Only an adult title is shared: outside an NSFW channel nothing is left to pick together.
    const adult = media(9, { isAdult: true });
    expect(buildPool([side('a', m1!, adult), side('b', m2!, adult)], SFW)).toEqual({ kind: 'noMatch' });
    expect(ids(buildPool([side('a', m1!, adult), side('b', m2!, adult)], { nsfwAllowed: true }))).toEqual([9]);
  });

  it('names every member whose Planning list is empty', () => {
    expect(buildPool([side('a', m1!), side('b'), side('c', [m1!, 'CURRENT'])], SFW)).toEqual({ kind: 'emptyPlanning', memberIds: ['b', 'c'] });
  });
});

describe('random picks (rerolls from memory)', () => {
  const titles = [1, 2, 3, 4, 5].map((id) => ({ mediaId: id, media: media(id), plannedBy: ['a'] }));
  const input = (id: string) => ({ id, callerId: '100000000000000001', memberIds: ['100000000000000001'], type: 'ANIME' as const, titles, locale: 'en' as const, headline: () => 'h' });
  const all = () => true;

  it('brings every title once before any comes again', () => {
    const picks = createRandomPicks({ clock: createTestClock().now });
    const pick = picks.create(input('200000000000000001'));
    const seen = [pick.current().mediaId];
    for (let i = 0; i < 4; i++) seen.push(pick.reroll(all)!.mediaId);
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5]);
    // The next cycle starts over in the same order.
    expect(pick.reroll(all)!.mediaId).toBe(seen[0]);
  });

  it('skips titles the caller started and titles not allowed here; says when nothing else is left', () => {
    // With randomBelow always 0, Fisher–Yates turns [0 1 2 3 4] into [1 2 3 4 0]: titles 2, 3, 4, 5, 1.
    const picks = createRandomPicks({ clock: createTestClock().now, randomBelow: () => 0 });
    const pick = picks.create(input('200000000000000002'));
    expect(pick.current().mediaId).toBe(2);
    pick.markStarted(3);
    pick.markStarted(4);
    expect(pick.reroll(all)?.mediaId).toBe(5);
    expect(pick.reroll((title) => title.mediaId !== 1)?.mediaId).toBe(2);
    pick.markStarted(1);
    pick.markStarted(5);
    expect(pick.reroll(all)).toBeUndefined();
    expect(pick.current().mediaId).toBe(2);
  });

  it('forgets a pick after its time, and keeps one pick per id', () => {
    const clock = createTestClock();
    const picks = createRandomPicks({ clock: clock.now });
    const pick = picks.create(input('200000000000000003'));
    expect(picks.get('200000000000000003')).toBe(pick);
    expect(picks.get('200000000000000004')).toBeUndefined();
    clock.advance(PICK_TTL_MS + 1);
    expect(picks.get('200000000000000003')).toBeUndefined();
  });
});
