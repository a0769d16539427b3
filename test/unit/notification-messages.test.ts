import { describe, expect, it } from 'vitest';
import type { AniListNotification } from '../../src/anilist/index.js';
import { composeNotificationMessages } from '../../src/notifications/index.js';

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
    const messages = composeNotificationMessages([airing(7, 6), follow(6, 'Bob'), like(5, 'Carol'), like(4, 'Bob'), airing(3, 5)]);
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
    const messages = composeNotificationMessages([like(1, 'A'), airing(2, 1), like(3, 'B')]);
    expect(messages.map((m) => m.lastId)).toEqual([1, 2, 3]);
    expect(messages[0]!.content).toContain('**1 new like**');
  });

  it('escapes Markdown in titles and names, caps long batches, and stays within 2,000 characters', () => {
    const [tricky] = composeNotificationMessages([airing(1, 2, '**Bold** _title_ `code`')]);
    expect(tricky!.content).toContain('of **\\*\\*Bold\\*\\* \\_title\\_ \\`code\\`** aired.');
    const likes = Array.from({ length: 14 }, (_, i) => like(i + 1, `fan_${i}`));
    const [batch] = composeNotificationMessages(likes);
    expect(batch!.count).toBe(14);
    expect(batch!.content).toContain('**14 new likes**');
    expect(batch!.content).toContain('• …and 4 more');
    expect(batch!.content.match(/^• \*\*fan/gm)).toHaveLength(10);
    const [long] = composeNotificationMessages([airing(1, 2, 'x'.repeat(3_000))]);
    expect(long!.content.length).toBeLessThanOrEqual(2_000);
  });

  it('says so in the first message when more arrived than one poll read', () => {
    const [first, second] = composeNotificationMessages([airing(2, 2), airing(1, 1)], { olderNotFetched: true });
    expect(first!.content).toMatch(/^-# More notifications arrived than I could fetch at once; the older ones are on AniList: <https:\/\/anilist\.co\/notifications>\n📺 Episode \*\*1\*\*/);
    expect(second!.content).not.toContain('More notifications');
  });
});
