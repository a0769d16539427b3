import { describe, expect, it } from 'vitest';
import type { RoleConnectionStatistics } from '../../../src/anilist/index.js';
import { METADATA_KEYS, connectionFor, metadataRecords } from '../../../src/roles/index.js';
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
