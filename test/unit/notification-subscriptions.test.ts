import { afterEach, describe, expect, it } from 'vitest';
import { createNotificationSubscriptionsRepository } from '../../src/db/notification-subscriptions.js';
import { DAY_MS, linkRow, openTestDatabase } from '../ops/helpers.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-subscriptions-');
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function setup() {
  const { database, accounts } = openTestDatabase(tempDir());
  closers.push(() => database.close());
  const subscriptions = createNotificationSubscriptionsRepository(database.db);
  const now = new Date('2026-09-01T12:00:00Z');
  const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
  /** A linked member (token valid for a year) opted in at `at`. */
  const optIn = (discordUserId: string, at: Date, anilistUserId?: number) => {
    const row = linkRow(discordUserId, new Date(now.getTime() + 365 * DAY_MS), anilistUserId === undefined ? {} : { anilistUserId });
    accounts.save(row, at);
    return subscriptions.create({ discordUserId, anilistUserId: row.anilistUserId, types: 'all' }, at);
  };
  return { accounts, subscriptions, now, minutes, optIn };
}

describe('notification subscriptions', () => {
  it('due: active members only, most overdue first, without the ones being polled; the lag and the state as doctor and metrics read them', () => {
    const { accounts, subscriptions, now, minutes, optIn } = setup();
    optIn('1', minutes(-10));
    optIn('2', minutes(-30));
    optIn('3', minutes(-20));
    optIn('4', minutes(-40));
    optIn('5', minutes(-50));
    optIn('6', minutes(5));
    accounts.markTokenRejected('4', now);
    subscriptions.markDmClosed({ discordUserId: '5', generation: 0 }, now);

    expect(subscriptions.due(now, 10, []).map((due) => due.discordUserId)).toEqual(['2', '3', '1']);
    expect(subscriptions.due(now, 2, ['2']).map((due) => due.discordUserId)).toEqual(['3', '1']);
    expect(subscriptions.nextDueAt(now, ['1', '2', '3'])).toEqual(minutes(5));
    // A token past its expiry pauses the member like a rejected one.
    expect(subscriptions.due(new Date(now.getTime() + 400 * DAY_MS), 10, [])).toEqual([]);

    subscriptions.reschedule('2', minutes(2), minutes(-1));
    expect(subscriptions.backgroundState(now)).toEqual({
      optedIn: 6,
      active: 4,
      pausedForToken: 1,
      pausedForDms: 1,
      oldestDueAt: minutes(-20),
      oldestPollAt: minutes(-20),
    });
    expect(subscriptions.backgroundState(minutes(1)).oldestDueAt).toEqual(minutes(-20));
  });

  it('the cursor moves only with a recorded delivery, never back, and never into a subscription that started over', () => {
    const { subscriptions, minutes, optIn } = setup();
    const created = optIn('1', minutes(0), 42);
    const first = { discordUserId: '1', generation: created.generation };
    expect(subscriptions.setStartingCursor(first, 100, minutes(1))).toBe(true);
    expect(subscriptions.setStartingCursor(first, 90, minutes(1))).toBe(false);
    expect(subscriptions.recordDelivery(first, 105, 2, minutes(2))).toBe(true);
    expect(subscriptions.recordDelivery(first, 103, 1, minutes(3))).toBe(true);
    expect(subscriptions.find('1')).toMatchObject({ cursor: 105, deliveredCount: 3, lastDeliveredAt: minutes(3) });

    // Other types: counted from now, and a poll that read the old generation records nothing into the new one.
    const restarted = subscriptions.restart('1', { anilistUserId: 42, types: 'airing' }, minutes(4))!;
    expect(restarted).toMatchObject({ types: 'airing', cursor: null, since: minutes(4), nextPollAt: minutes(4), generation: 1 });
    expect(subscriptions.recordDelivery(first, 110, 1, minutes(5))).toBe(false);
    expect(subscriptions.markDmClosed(first, minutes(5))).toBe(false);
    expect(subscriptions.find('1')!.cursor).toBeNull();

    // Closed DMs: nothing more is recorded until the member resumes, and the notice is owed once.
    const second = { discordUserId: '1', generation: 1 };
    expect(subscriptions.markDmClosed(second, minutes(6))).toBe(true);
    expect(subscriptions.recordDelivery(second, 120, 1, minutes(6))).toBe(false);
    expect(subscriptions.hasPendingDmNotice('1')).toBe(true);
    subscriptions.clearDmNotice('1');
    expect(subscriptions.hasPendingDmNotice('1')).toBe(false);
    expect(subscriptions.resume('1', minutes(7))).toBe(true);
    expect(subscriptions.find('1')).toMatchObject({ dmClosedAt: null, nextPollAt: minutes(7), generation: 1 });
    expect(subscriptions.recordDelivery(second, 120, 1, minutes(8))).toBe(true);
  });

  it('goes with the link: /unlink, or the AniList account moving to another Discord user', () => {
    const { accounts, subscriptions, now, optIn } = setup();
    optIn('1', now, 7);
    optIn('2', now, 8);
    expect(accounts.delete('1')).toBe(true);
    expect(subscriptions.find('1')).toBeUndefined();
    // Discord user 3 links AniList account 8, which member 2 had: 2's link and opt-in are gone.
    accounts.save(linkRow('3', new Date(now.getTime() + DAY_MS), { anilistUserId: 8 }), now);
    expect(subscriptions.find('2')).toBeUndefined();
    // Re-linking the same Discord user keeps the opt-in (the poller notices another AniList account itself).
    optIn('4', now, 9);
    accounts.save(linkRow('4', new Date(now.getTime() + DAY_MS), { anilistUserId: 10 }), now);
    expect(subscriptions.find('4')).toMatchObject({ anilistUserId: 9 });
    expect(subscriptions.delete('4')).toBe(true);
    expect(subscriptions.delete('4')).toBe(false);
  });
});
