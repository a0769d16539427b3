import { describe, expect, it } from 'vitest';
import type { RoleConnectionStatistics } from '../../../src/anilist/index.js';
import { CATALOGUES, DEFAULT_LOCALE, LOCALES, createTranslations } from '../../../src/i18n/index.js';
import { METADATA_KEYS, METADATA_TEXT, connectionFor, metadataRecords, metadataTextKeys, metadataTranslations } from '../../../src/roles/index.js';
import { serializeConnection } from '../../../src/roles/metadata.js';

function statistics(overrides: Partial<RoleConnectionStatistics> = {}): RoleConnectionStatistics {
  return {
    id: 7,
    name: 'Member',
    createdAt: 1_600_000_000,
    statistics: {
      anime: {
        episodesWatched: 321,
        statuses: [
          { status: 'CURRENT', count: 4 },
          { status: 'COMPLETED', count: 120 },
          { status: 'PLANNING', count: 30 },
        ],
      },
      manga: { chaptersRead: 1_000, statuses: [{ status: 'DROPPED', count: 2 }] },
    },
    ...overrides,
  };
}

describe('linked-roles metadata', () => {
  it('five records within Discord’s limits: keys a-z0-9_ ≤ 50, names ≤ 100, descriptions ≤ 200, unique keys', () => {
    const records = metadataRecords();
    expect(records.map((record) => record.key)).toEqual([...METADATA_KEYS]);
    expect(new Set(records.map((record) => record.key)).size).toBe(5);
    for (const record of records) {
      expect(record.key).toMatch(/^[a-z0-9_]{1,50}$/);
      expect(record.name.length).toBeGreaterThan(0);
      expect(record.name.length).toBeLessThanOrEqual(100);
      expect(record.description.length).toBeGreaterThan(0);
      expect(record.description.length).toBeLessThanOrEqual(200);
      expect(record).not.toHaveProperty('name_localizations');
    }
  });

  it('takes translations by Discord locale, and leaves out empty ones', () => {
    const records = metadataRecords({ anime_completed: { name: { ja: 'アニメ完了数' }, description: {} } });
    expect(records[0]).toMatchObject({ key: 'anime_completed', name: 'Anime completed', name_localizations: { ja: 'アニメ完了数' } });
    expect(records[0]).not.toHaveProperty('description_localizations');
  });

  it('names and descriptions in every language of the catalogues: English as METADATA_TEXT says, the others within Discord’s limits', () => {
    const problems: string[] = [];
    for (const key of METADATA_KEYS) {
      const ids = metadataTextKeys(key);
      expect(CATALOGUES[DEFAULT_LOCALE][ids.name]).toBe(METADATA_TEXT[key].name);
      expect(CATALOGUES[DEFAULT_LOCALE][ids.description]).toBe(METADATA_TEXT[key].description);
      for (const locale of LOCALES) {
        const name = CATALOGUES[locale][ids.name];
        const description = CATALOGUES[locale][ids.description];
        if (!name || name.length > 100) problems.push(`${locale} ${ids.name}`);
        if (!description || description.length > 200) problems.push(`${locale} ${ids.description}`);
      }
    }
    expect(problems).toEqual([]);
    const records = metadataRecords(metadataTranslations(createTranslations()));
    expect(records[1]).toMatchObject({
      key: 'episodes_watched',
      name: 'Episodes watched',
      name_localizations: { ja: '視聴したエピソード', 'es-ES': 'Episodios vistos', 'es-419': 'Episodios vistos', 'pt-BR': 'Episódios assistidos', de: 'Gesehene Folgen', fr: 'Épisodes vus' },
      description_localizations: { fr: 'Épisodes d’anime vus, tels qu’AniList les compte' },
    });
    // English is the records' own text, never a localization.
    expect(Object.keys(records[1]!.name_localizations!)).not.toContain('en-US');
  });

  it('values from the statistics: COMPLETED counts, episodes, chapters, the creation date; strings, as Discord takes them', () => {
    expect(connectionFor(statistics())).toEqual({
      platform_name: 'AniList',
      platform_username: 'Member',
      metadata: {
        anime_completed: '120',
        episodes_watched: '321',
        // No COMPLETED status among the manga: none completed.
        manga_completed: '0',
        chapters_read: '1000',
        anilist_since: '2020-09-13T12:26:40.000Z',
      },
    });
  });

  it('a profile without statistics or creation date still gives a valid connection', () => {
    const bare = connectionFor(statistics({ statistics: null, createdAt: null, name: 'n'.repeat(130) }));
    expect(bare.metadata).toEqual({ anime_completed: '0', episodes_watched: '0', manga_completed: '0', chapters_read: '0' });
    expect(bare.platform_username).toHaveLength(100);
  });

  it('the same connection serializes the same way, whatever the order it was built in', () => {
    const built = connectionFor(statistics());
    const reordered = { ...built, metadata: Object.fromEntries(Object.entries(built.metadata).reverse()) };
    expect(serializeConnection(reordered)).toBe(serializeConnection(built));
    expect(serializeConnection(connectionFor(statistics({ name: 'Other' })))).not.toBe(serializeConnection(built));
  });
});
