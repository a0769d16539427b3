import { describe, expect, it } from 'vitest';
import { incrementCustomId, pageCustomId, parseListCustomId } from '../../../commands/list-ids.js';
import { ENTRIES_PER_PAGE, renderListPage, type ListPageView } from '../../../commands/list-view.js';
import { CHOICE_NAME_MAX, MAX_CHOICES, mergeChoices } from '../../../commands/media/choices.js';
import { resolveFreeText } from '../../../commands/media/search.js';
import type { MediaListEntry, MediaSearchResult } from '../../../src/anilist/index.js';
import { createTranslations } from '../../../src/i18n/index.js';

const SNOWFLAKE = '123456789012345678901'; // 21 digits: the longest a snowflake gets

function entry(id: number, title: string, extra: Partial<MediaListEntry> = {}): MediaListEntry {
  return {
    id,
    mediaId: id,
    status: 'CURRENT',
    progress: 1,
    progressVolumes: 0,
    score: 0,
    updatedAt: 1000 - id,
    private: false,
    hiddenFromStatusLists: false,
    media: { id, type: 'ANIME', format: 'TV', episodes: 12, chapters: null, volumes: null, isAdult: false, siteUrl: `https://anilist.co/anime/${id}`, title: { userPreferred: title, romaji: title, english: null, native: null }, status: 'FINISHED', season: null, seasonYear: null, duration: null, averageScore: null, genres: [], coverImage: null },
    ...extra,
  };
}

function view(entries: MediaListEntry[], extra: Partial<ListPageView> = {}): ListPageView {
  return {
    callerId: SNOWFLAKE,
    ownerId: SNOWFLAKE,
    ownerName: 'SomeoneWithAVeryLongAniListName',
    ownerSiteUrl: 'https://anilist.co/user/SomeoneWithAVeryLongAniListName',
    type: 'ANIME',
    status: 'CURRENT',
    entries,
    scoreFormat: 'POINT_100',
    page: 1,
    truncated: false,
    withIncrementButtons: true,
    ...extra,
  };
}

describe('list custom ids', () => {
  it('round-trip and stay within 100 characters even with the longest values', () => {
    const page = pageCustomId({ callerId: SNOWFLAKE, ownerId: SNOWFLAKE, type: 'MANGA', status: 'REPEATING', page: 9999 });
    const inc = incrementCustomId({ callerId: SNOWFLAKE, type: 'MANGA', page: 9999, mediaId: 999_999_9, shownProgress: 999_999_9 });
    expect(page.length).toBeLessThanOrEqual(100);
    expect(inc.length).toBeLessThanOrEqual(100);
    expect(parseListCustomId(page)).toMatchObject({ action: 'page', type: 'MANGA', status: 'REPEATING', page: 9999 });
    expect(parseListCustomId(inc)).toMatchObject({ action: 'inc', mediaId: 999_999_9, shownProgress: 999_999_9 });
  });

  it('treats anything malformed as stale', () => {
    for (const id of ['list:page:2', 'list:page:x:y:A:CURRENT:1', `list:page:${SNOWFLAKE}:${SNOWFLAKE}:Z:CURRENT:1`, `list:page:${SNOWFLAKE}:${SNOWFLAKE}:A:WATCHING:1`, 'list:nope']) {
      expect(parseListCustomId(id)).toBeUndefined();
    }
  });
});

const en = createTranslations().forLocale('en');

describe('renderListPage', () => {
  it('stays inside Discord embed and component limits with 200+ character, markdown-heavy titles', () => {
    const nasty = `${'[**x**](y) '.repeat(30)}`;
    const entries = Array.from({ length: 35 }, (_, i) => entry(i + 1, i % 2 ? nasty : 'T'.repeat(250)));
    for (let page = 1; page <= 4; page++) {
      const rendered = renderListPage(view(entries, { page }), en);
      const embed = rendered.embeds[0]!.toJSON();
      const total = (embed.title ?? '').length + (embed.description ?? '').length + (embed.footer?.text ?? '').length;
      expect(embed.description!.length).toBeLessThanOrEqual(4096);
      expect(total).toBeLessThanOrEqual(6000);
      expect(embed.description).toContain('…');
      expect(rendered.components.length).toBeLessThanOrEqual(5);
      for (const row of rendered.components) {
        const buttons = row.toJSON().components;
        expect(buttons.length).toBeLessThanOrEqual(5);
        for (const button of buttons) if ('custom_id' in button) expect(button.custom_id.length).toBeLessThanOrEqual(100);
      }
    }
  });

  it('clamps a page beyond the end to the last page and disables +1 at the last episode', () => {
    const entries = Array.from({ length: ENTRIES_PER_PAGE + 1 }, (_, i) => entry(i + 1, `Show ${i + 1}`, { progress: i === ENTRIES_PER_PAGE ? 12 : 3 }));
    const rendered = renderListPage(view(entries, { page: 50 }), en);
    expect(rendered.page).toBe(2);
    const [incRow, navRow] = rendered.components.map((row) => row.toJSON().components);
    expect(incRow).toHaveLength(1);
    expect(incRow![0]).toMatchObject({ disabled: true });
    expect(navRow!.map((b) => ('disabled' in b ? b.disabled : undefined))).toEqual([false, true]);
  });
});

describe('autocomplete choices', () => {
  const search = (id: number, title: string, isAdult = false): MediaSearchResult => ({
    id,
    type: 'ANIME',
    format: 'TV',
    episodes: 12,
    chapters: null,
    volumes: null,
    isAdult,
    siteUrl: null,
    title: { userPreferred: title, romaji: title, english: `${title} EN`, native: null },
    coverImage: null,
  });

  it('puts own entries first, de-duplicates, drops adult media outside NSFW, and keeps ≤25 names of ≤100 chars', () => {
    const own = Array.from({ length: 20 }, (_, i) => entry(i + 1, 'O'.repeat(300)));
    const found = [search(1, 'dup'), ...Array.from({ length: 20 }, (_, i) => search(100 + i, 'S'.repeat(150), i === 0))];
    const choices = mergeChoices(en, own, found, false, 'ENGLISH');
    expect(choices).toHaveLength(MAX_CHOICES);
    expect(choices.slice(0, 20).map((c) => c.value)).toEqual(own.map((e) => String(e.mediaId)));
    expect(choices.map((c) => c.value)).not.toContain('100');
    expect(new Set(choices.map((c) => c.value)).size).toBe(choices.length);
    for (const choice of choices) expect(choice.name.length).toBeLessThanOrEqual(CHOICE_NAME_MAX);
    expect(choices[0]!.name).toMatch(/… · Watching · Ep 1\/12$/);
    expect(choices[20]!.name).toMatch(/^S+… · anime, TV$/);
  });

  it('resolves free text: own exact title, single search hit, otherwise ambiguous', () => {
    expect(resolveFreeText(en, 'frieren', [entry(7, 'Frieren')], [search(7, 'Frieren'), search(8, 'Frieren')], false, undefined)).toEqual({ kind: 'found', mediaId: 7 });
    expect(resolveFreeText(en, 'mushishi', [], [search(9, 'Mushishi')], false, undefined)).toEqual({ kind: 'found', mediaId: 9 });
    expect(resolveFreeText(en, 'zzz', [], [], false, undefined)).toEqual({ kind: 'none' });
    const ambiguous = resolveFreeText(en, 'frieren', [], [search(7, 'Frieren'), search(8, 'Frieren')], false, undefined);
    expect(ambiguous.kind).toBe('ambiguous');
    // Adult results do not count outside NSFW channels, so one safe hit is not ambiguous.
    expect(resolveFreeText(en, 'himitsu', [], [search(1, 'Himitsu A', true), search(2, 'Himitsu B')], false, undefined)).toEqual({ kind: 'found', mediaId: 2 });
  });
});
