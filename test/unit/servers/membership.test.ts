import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenVault } from '../../../src/crypto/vault.js';
import { openDatabase, type OpenDatabase } from '../../../src/db/database.js';
import { createGuildMembersRepository } from '../../../src/db/guild-members.js';
import { createLinkedAccountsRepository } from '../../../src/db/linked-accounts.js';
import { createMemberDirectory } from '../../../src/linking/members.js';
import { migrationsFolder } from '../../../src/paths.js';
import { createServerMembership, type MemberPresence } from '../../../src/servers/membership.js';
import { captureLogs } from '../../support/log-capture.js';
import { useTempDir } from '../../support/temp.js';
import { linkRow } from '../../ops/helpers.js';

const tempDir = useTempDir('anilink-membership-');
const GUILD = '900000000000000001';
const OTHER_GUILD = '900000000000000002';
const HOUR = 60 * 60_000;
const opened: OpenDatabase[] = [];

afterEach(() => {
  for (const database of opened.splice(0)) database.close();
});

function world() {
  const database = openDatabase(join(tempDir(), 'anilink.sqlite'), migrationsFolder);
  opened.push(database);
  // Frozen unless advanced, so stored times can be compared exactly.
  let nowMs = Date.UTC(2026, 5, 1);
  const clock = { now: () => new Date(nowMs), nowMs: () => nowMs, advance: (ms: number) => void (nowMs += ms) };
  const accounts = createLinkedAccountsRepository(database.db);
  const repository = createGuildMembersRepository(database.db);
  const { logger } = captureLogs();
  const links = createMemberDirectory({ accounts, vault: createTokenVault({ keys: [randomBytes(32)] }), clock: clock.now, logger });
  const answers = new Map<string, MemberPresence>();
  const lookups: string[] = [];
  const membership = createServerMembership({
    repository,
    links,
    lookup: (guildId, discordUserId) => {
      lookups.push(`${guildId}/${discordUserId}`);
      return Promise.resolve(answers.get(discordUserId) ?? 'present');
    },
    clock: clock.now,
    logger,
  });
  const link = (discordUserId: string) => accounts.save(linkRow(discordUserId, new Date(clock.nowMs() + 300 * 24 * HOUR)), clock.now());
  const row = (discordUserId: string, guildId = GUILD) => repository.listByGuild(guildId).find((r) => r.discordUserId === discordUserId);
  return { clock, accounts, repository, membership, answers, lookups, link, row };
}

describe('server membership', () => {
  it('records linked members only, per server, most recently seen first', () => {
    const w = world();
    w.link('100000000000000001');
    w.link('100000000000000002');
    w.membership.recordSeen(GUILD, '100000000000000001');
    w.clock.advance(1000);
    w.membership.recordSeen(GUILD, '100000000000000002');
    w.membership.recordSeen(GUILD, '100000000000000003'); // not linked
    w.membership.recordSeen(OTHER_GUILD, '100000000000000001');
    expect(w.membership.linkedMembers(GUILD).map((m) => m.member.discordUserId)).toEqual(['100000000000000002', '100000000000000001']);
    expect(w.membership.linkedMembers(GUILD, { limit: 1 }).map((m) => m.member.discordUserId)).toEqual(['100000000000000002']);
    expect(w.membership.count(GUILD)).toBe(2);
    expect(w.membership.guildsOf('100000000000000001').sort()).toEqual([GUILD, OTHER_GUILD]);
    // Unlinking forgets the member in every server.
    w.accounts.delete('100000000000000001');
    expect(w.membership.guildsOf('100000000000000001')).toEqual([]);
  });

  it('writes a member seen again only after a few minutes', () => {
    const w = world();
    w.link('100000000000000001');
    w.membership.recordSeen(GUILD, '100000000000000001');
    const first = w.row('100000000000000001')!.lastSeenAt.getTime();
    w.clock.advance(5 * 60_000);
    w.membership.recordSeen(GUILD, '100000000000000001');
    expect(w.row('100000000000000001')!.lastSeenAt.getTime()).toBe(first);
    w.clock.advance(6 * 60_000);
    w.membership.recordSeen(GUILD, '100000000000000001');
    expect(w.row('100000000000000001')!.lastSeenAt.getTime()).toBe(first + 11 * 60_000);
  });

  it('a member who links after using the bot is recorded at their next interaction', () => {
    const w = world();
    w.membership.recordSeen(GUILD, '100000000000000001');
    w.link('100000000000000001');
    w.membership.recordSeen(GUILD, '100000000000000001');
    expect(w.row('100000000000000001')).toBeDefined();
  });

  it('asks Discord only about members not confirmed for an hour: drops those who left, leaves out the unknown', async () => {
    const w = world();
    const ids = ['100000000000000001', '100000000000000002', '100000000000000003', '100000000000000004'];
    for (const id of ids) {
      w.link(id);
      w.membership.recordSeen(GUILD, id);
    }
    expect(await w.membership.stillPresent(GUILD, w.membership.linkedMembers(GUILD))).toHaveLength(4);
    expect(w.lookups).toEqual([]);

    w.clock.advance(2 * HOUR);
    w.membership.recordSeen(GUILD, ids[0]!); // just interacted: confirmed without a lookup
    w.answers.set(ids[2]!, 'absent');
    w.answers.set(ids[3]!, 'unknown');
    const present = await w.membership.stillPresent(GUILD, w.membership.linkedMembers(GUILD));
    expect(present.map((m) => m.member.discordUserId).sort()).toEqual([ids[0], ids[1]]);
    expect(w.lookups.sort()).toEqual([`${GUILD}/${ids[1]}`, `${GUILD}/${ids[2]}`, `${GUILD}/${ids[3]}`]);
    expect(w.row(ids[2]!)).toBeUndefined(); // left: forgotten here
    expect(w.row(ids[3]!)).toBeDefined(); // could not tell: kept, asked again next time
    expect(w.row(ids[1]!)!.confirmedAt.getTime()).toBe(w.clock.nowMs());

    // A member who left and comes back is recorded again at once (not held back as "seen recently").
    w.membership.recordSeen(GUILD, ids[2]!);
    expect(w.row(ids[2]!)).toBeDefined();
  });

  it('looks up at most `maxLookups` members; the rest are left out this time', async () => {
    const w = world();
    const ids = Array.from({ length: 5 }, (_, i) => `10000000000000001${i}`);
    for (const id of ids) {
      w.link(id);
      w.membership.recordSeen(GUILD, id);
    }
    w.clock.advance(2 * HOUR);
    const present = await w.membership.stillPresent(GUILD, w.membership.linkedMembers(GUILD), { maxLookups: 2 });
    expect(w.lookups).toHaveLength(2);
    expect(present).toHaveLength(2);
  });
});
