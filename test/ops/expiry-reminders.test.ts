import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../src/db/database.js';
import type { LinkedAccountsRepository } from '../../src/db/linked-accounts.js';
import { createDirectMessages, type DirectMessages } from '../../src/expiry/direct-messages.js';
import { createExpiryReminders, type ExpiryRemindersDeps } from '../../src/expiry/reminders.js';
import { createTranslations } from '../../src/i18n/index.js';
import { fakeUsers, startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';
import { createTestClock, type TestClock } from '../support/clock.js';
import { TEST_DISCORD_TOKEN } from '../support/env.js';
import { captureLogs } from '../support/log-capture.js';
import { useTempDir } from '../support/temp.js';
import { DAY_MS, linkRow, openTestDatabase } from './helpers.js';

const tempDir = useTempDir('anilink-expiry-');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  discord: FakeDiscord;
  database: OpenDatabase;
  accounts: LinkedAccountsRepository;
  clock: TestClock;
  logs: ReturnType<typeof captureLogs>;
  reminders: ReturnType<typeof createExpiryReminders>;
  dmsTo(userId: string): { content: string; allowedMentions: unknown }[];
}

async function setup(overrides: Partial<ExpiryRemindersDeps> = {}): Promise<Setup> {
  const clock = createTestClock();
  const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN, now: clock.nowMs });
  cleanups.push(() => discord.close());
  const { database, accounts } = openTestDatabase(tempDir());
  cleanups.push(() => database.close());
  const rest = new REST({ api: discord.apiUrl }).setToken(TEST_DISCORD_TOKEN);
  const logs = captureLogs();
  const reminders = createExpiryReminders({
    accounts,
    dms: createDirectMessages(rest),
    clock: clock.now,
    logger: logs.logger,
    reminderDays: 14,
    i18n: createTranslations(),
    ...overrides,
  });
  cleanups.push(() => reminders.stop());
  return {
    discord,
    database,
    accounts,
    clock,
    logs,
    reminders,
    dmsTo: (userId) =>
      discord.channelMessages
        .filter((record) => record.recipientId === userId)
        .map((record) => ({ content: record.message.content, allowedMentions: (record.body as { allowed_mentions?: unknown }).allowed_mentions })),
  };
}

const { alice, bob, carol } = fakeUsers;

describe('token expiry reminders', () => {
  it('DMs each member whose token expires within 14 days exactly once, and nobody else', async () => {
    const s = await setup();
    const now = s.clock.nowMs();
    s.accounts.save(linkRow(alice.id, new Date(now + 10 * DAY_MS), { anilistName: 'Alice_Ani' }), s.clock.now());
    s.accounts.save(linkRow(bob.id, new Date(now + 30 * DAY_MS)), s.clock.now());

    expect(await s.reminders.runOnce()).toEqual({ sent: 1, undeliverable: 0, failed: 0 });
    const [dm, ...more] = s.dmsTo(alice.id);
    expect(more).toEqual([]);
    expect(dm!.content).toContain('Alice\\_Ani');
    expect(dm!.content).toContain('run `/link` again');
    expect(dm!.content).toMatch(/<t:\d+:D>/);
    expect(dm!.allowedMentions).toEqual({ parse: [] });
    expect(s.dmsTo(bob.id)).toEqual([]);
    expect(s.discord.schemaViolations).toEqual([]);

    // The next day, and again after the token actually expired: still one DM for this expiry.
    s.clock.advance(DAY_MS);
    expect(await s.reminders.runOnce()).toEqual({ sent: 0, undeliverable: 0, failed: 0 });
    s.clock.advance(15 * DAY_MS);
    await s.reminders.runOnce();
    expect(s.dmsTo(alice.id)).toHaveLength(1);

    // Bob's turn comes when his expiry enters the window.
    expect(s.dmsTo(bob.id)).toHaveLength(1);
    const row = s.database.sqlite.prepare('SELECT expiry_reminder_for, expiry_reminder_outcome, token_expires_at FROM linked_accounts WHERE discord_user_id = ?').get(alice.id) as Record<string, number | string>;
    expect(row.expiry_reminder_outcome).toBe('sent');
    expect(row.expiry_reminder_for).toBe(row.token_expires_at);
  });

  it('DMs a member whose token AniList rejected, even far from its expiry', async () => {
    const s = await setup();
    s.accounts.save(linkRow(carol.id, new Date(s.clock.nowMs() + 300 * DAY_MS)), s.clock.now());
    s.accounts.markTokenRejected(carol.id, s.clock.now());
    await s.reminders.runOnce();
    const [dm] = s.dmsTo(carol.id);
    expect(dm!.content).toContain('no longer accepts');
    expect(dm!.content).toContain('`/link`');
    await s.reminders.runOnce();
    expect(s.dmsTo(carol.id)).toHaveLength(1);
  });

  it('writes each DM in the member’s Discord language as of their latest /link, English when it is unknown', async () => {
    const s = await setup();
    const expiry = new Date(s.clock.nowMs() + 5 * DAY_MS);
    s.accounts.save(linkRow(alice.id, expiry, { anilistName: 'Alice_Ani', discordLocale: 'ja' }), s.clock.now());
    s.accounts.save(linkRow(bob.id, expiry, { anilistName: 'Bob_Ani', discordLocale: 'pt-BR' }), s.clock.now());
    s.accounts.save(linkRow(carol.id, expiry, { anilistName: 'Carol_Ani' }), s.clock.now());
    expect(await s.reminders.runOnce()).toEqual({ sent: 3, undeliverable: 0, failed: 0 });
    const [japanese] = s.dmsTo(alice.id);
    expect(japanese!.content).toContain('あなたの AniList アカウント **Alice\\_Ani** に対する私の認証は <t:');
    expect(japanese!.content).toContain('`/リンク` をもう一度実行してください');
    expect(s.dmsTo(bob.id)[0]!.content).toContain('use `/vincular` de novo');
    expect(s.dmsTo(carol.id)[0]!.content).toContain('run `/link` again');
  });

  it('remembers closed DMs as undeliverable (logged at info) and does not retry them', async () => {
    const s = await setup();
    s.discord.setDmsClosed(bob.id);
    s.accounts.save(linkRow(bob.id, new Date(s.clock.nowMs() + 3 * DAY_MS)), s.clock.now());

    expect(await s.reminders.runOnce()).toEqual({ sent: 0, undeliverable: 1, failed: 0 });
    expect(s.dmsTo(bob.id)).toEqual([]);
    const line = s.logs.lines().map((l) => JSON.parse(l) as { level: number; msg: string; discordUserId?: string }).find((l) => l.msg.includes('undeliverable'));
    expect(line).toMatchObject({ level: 30, discordUserId: bob.id });

    const postsBefore = s.discord.requests.filter((r) => r.method === 'POST').length;
    s.clock.advance(DAY_MS);
    expect(await s.reminders.runOnce()).toEqual({ sent: 0, undeliverable: 0, failed: 0 });
    expect(s.discord.requests.filter((r) => r.method === 'POST').length).toBe(postsBefore);
    const row = s.database.sqlite.prepare('SELECT expiry_reminder_outcome FROM linked_accounts WHERE discord_user_id = ?').get(bob.id) as { expiry_reminder_outcome: string };
    expect(row.expiry_reminder_outcome).toBe('undeliverable');
  });

  it('a re-link (new expiry) re-arms the reminder; a reminder for the old expiry cannot mark the new token', async () => {
    const s = await setup();
    const account = linkRow(alice.id, new Date(s.clock.nowMs() + 5 * DAY_MS));
    s.accounts.save(account, s.clock.now());
    await s.reminders.runOnce();
    expect(s.dmsTo(alice.id)).toHaveLength(1);

    // The member runs /link again: a token valid for a year.
    const renewed = new Date(s.clock.nowMs() + 365 * DAY_MS);
    s.accounts.save({ ...account, tokenExpiresAt: renewed }, s.clock.now());
    expect(s.accounts.recordExpiryReminder(alice.id, account.tokenExpiresAt, 'sent', s.clock.now())).toBe(false);
    await s.reminders.runOnce();
    expect(s.dmsTo(alice.id)).toHaveLength(1);

    s.clock.advance(352 * DAY_MS);
    await s.reminders.runOnce();
    await s.reminders.runOnce();
    expect(s.dmsTo(alice.id)).toHaveLength(2);
  });

  it('retries on the next run when Discord fails for a reason that may pass, and stops a run after repeated failures', async () => {
    let outage = true;
    const attempts: string[] = [];
    const flaky: DirectMessages = {
      send(userId) {
        attempts.push(userId);
        return outage ? Promise.reject(new Error('503 Service Unavailable')) : Promise.resolve('sent');
      },
    };
    const s = await setup({ dms: flaky });
    for (const [i, id] of ['300000000000000011', '300000000000000012', '300000000000000013', '300000000000000014'].entries()) {
      s.accounts.save(linkRow(id, new Date(s.clock.nowMs() + (i + 1) * DAY_MS)), s.clock.now());
    }
    expect(await s.reminders.runOnce()).toEqual({ sent: 0, undeliverable: 0, failed: 3 });
    expect(attempts).toHaveLength(3);
    outage = false;
    expect(await s.reminders.runOnce()).toEqual({ sent: 4, undeliverable: 0, failed: 0 });
    expect(await s.reminders.runOnce()).toEqual({ sent: 0, undeliverable: 0, failed: 0 });
  });

  it('start() runs once shortly after start with unref’d timers; concurrent runs share one pass', async () => {
    const s = await setup();
    s.accounts.save(linkRow(alice.id, new Date(s.clock.nowMs() + DAY_MS)), s.clock.now());
    const [first, second] = await Promise.all([s.reminders.runOnce(), s.reminders.runOnce()]);
    expect(first).toBe(second);
    expect(s.dmsTo(alice.id)).toHaveLength(1);

    s.accounts.save(linkRow(bob.id, new Date(s.clock.nowMs() + DAY_MS)), s.clock.now());
    // Node lists only timers that keep the process alive (ref'd) among its active resources. Counted right before
    // and after the synchronous start(), so no other code runs in between: its two timers must not be among them.
    const refdTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = refdTimers();
    s.reminders.start({ firstRunDelayMs: 20, intervalMs: 60_000 });
    expect(refdTimers()).toBe(before);
    await expect.poll(() => s.dmsTo(bob.id).length, { timeout: 5_000 }).toBe(1);
    s.reminders.stop();
  });
});
