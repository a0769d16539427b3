import { describe, expect, it } from 'vitest';
import type { AniListNotification } from '../../src/anilist/index.js';
import { createTranslations } from '../../src/i18n/index.js';
import { composeNotificationMessages } from '../../src/notifications/index.js';

const i18n = createTranslations();
const en = i18n.forLocale('en');

const media = (title: string, id = 1001) => ({ id, type: 'ANIME' as const, siteUrl: `https://anilist.co/anime/${id}`, title: { userPreferred: title, romaji: `${title} (romaji)` } });

function airing(id: number, episode: number, title = 'Frieren'): AniListNotification {
  return { __typename: 'AiringNotification', id, type: 'AIRING', createdAt: id, episode, media: media(title) };
}

function like(id: number, name: string): AniListNotification {
  return { __typename: 'ActivityLikeNotification', id, type: 'ACTIVITY_LIKE', createdAt: id, context: ' liked your activity.', activityId: 500 + id, user: { name } };
}

function follow(id: number, name: string): AniListNotification {
  return { __typename: 'FollowingNotification', id, type: 'FOLLOWING', createdAt: id, context: ' started following you.', user: { name } };
}

describe('notification DMs', () => {
  it('one message per aired episode with the title, the episode and a link; likes and follows in between go together', () => {
    // Given newest first, as AniList answers.
    const messages = composeNotificationMessages(en, [airing(7, 6), follow(6, 'Bob'), like(5, 'Carol'), like(4, 'Bob'), airing(3, 5)]);
    expect(messages.map((m) => [m.lastId, m.count])).toEqual([
      [3, 1],
      [6, 3],
      [7, 1],
    ]);
    expect(messages[0]!.content).toBe('📺 Episode **5** of **Frieren** aired.\nhttps://anilist.co/anime/1001');
    expect(messages[1]!.content.split('\n')).toEqual([
      '🔔 **2 new likes** and **1 new follower** on AniList:',
      '• **Bob** liked your activity. <https://anilist.co/activity/504>',
      '• **Carol** liked your activity. <https://anilist.co/activity/505>',
      '• **Bob** started following you.',
      '<https://anilist.co/notifications>',
    ]);
  });

  it('never groups across another message, so every message ends at an id all earlier notifications are below', () => {
    const messages = composeNotificationMessages(en, [like(1, 'A'), airing(2, 1), like(3, 'B')]);
    expect(messages.map((m) => m.lastId)).toEqual([1, 2, 3]);
    expect(messages[0]!.content).toContain('**1 new like**');
  });

  it('escapes Markdown in titles and names, caps long batches, and stays within 2,000 characters', () => {
    const [tricky] = composeNotificationMessages(en, [airing(1, 2, '**Bold** _title_ `code`')]);
    expect(tricky!.content).toContain('of **\\*\\*Bold\\*\\* \\_title\\_ \\`code\\`** aired.');
    const likes = Array.from({ length: 14 }, (_, i) => like(i + 1, `fan_${i}`));
    const [batch] = composeNotificationMessages(en, likes);
    expect(batch!.count).toBe(14);
    expect(batch!.content).toContain('**14 new likes**');
    expect(batch!.content).toContain('• …and 4 more');
    expect(batch!.content.match(/^• \*\*fan/gm)).toHaveLength(10);
    const [long] = composeNotificationMessages(en, [airing(1, 2, 'x'.repeat(3_000))]);
    expect(long!.content.length).toBeLessThanOrEqual(2_000);
  });

  it('speaks the member’s language; titles, names and a moderator’s reason stay as AniList has them', () => {
    const deletion: AniListNotification = {
      __typename: 'MediaDeletionNotification',
      id: 9,
      type: 'MEDIA_DELETION',
      createdAt: 9,
      deletedMediaTitle: 'Old Show',
      context: ' was deleted from the site.',
      reason: 'Duplicate entry',
    };
    const [episode, social, deleted] = composeNotificationMessages(i18n.forLocale('de'), [airing(1, 3), like(2, 'Bob'), deletion]);
    expect(episode!.content).toBe('📺 Folge **3** von **Frieren** wurde ausgestrahlt.\nhttps://anilist.co/anime/1001');
    expect(social!.content.split('\n').slice(0, 2)).toEqual(['🔔 **1 neues Like** auf AniList:', '• **Bob** gefällt deine Aktivität. <https://anilist.co/activity/502>']);
    expect(deleted!.content).toBe('🗑️ **Old Show** wurde von AniList gelöscht.\nGrund: Duplicate entry');
    const [inEnglish] = composeNotificationMessages(en, [deletion]);
    expect(inEnglish!.content).toBe('🗑️ **Old Show** was deleted from AniList.\nReason: Duplicate entry');
  });

  it('says so in the first message when more arrived than one poll read', () => {
    const [first, second] = composeNotificationMessages(en, [airing(2, 2), airing(1, 1)], { olderNotFetched: true });
    expect(first!.content).toMatch(/^-# More notifications arrived than I could fetch at once; the older ones are on AniList: <https:\/\/anilist\.co\/notifications>\n📺 Episode \*\*1\*\*/);
    expect(second!.content).not.toContain('More notifications');
  });
});
