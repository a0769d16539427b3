import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { guildMembers, linkedAccounts, type GuildMemberRow } from './schema.js';

export type GuildMember = GuildMemberRow;

export interface GuildMembersRepository {
  /**
   * Records an interaction of `discordUserId` in the guild, which also proves they are in it now. Only linked
   * members are recorded (one statement: nothing is written for anyone else). Returns whether a row was written.
   */
  recordSeen(guildId: string, discordUserId: string, at: Date): boolean;
  /** Discord's member lookup says the member is still in the guild. */
  confirm(guildId: string, discordUserId: string, at: Date): void;
  /** Forgets the member in that guild (Discord says they left); returns whether there was a row. */
  remove(guildId: string, discordUserId: string): boolean;
  /** Linked members recorded in the guild, most recently seen first. */
  listByGuild(guildId: string, limit?: number): GuildMember[];
  countByGuild(guildId: string): number;
  /** The guilds a member was recorded in. */
  guildsOf(discordUserId: string): string[];
}

export function createGuildMembersRepository(db: Db): GuildMembersRepository {
  // Runs on guild interactions (throttled by the caller), so it is prepared once.
  const recordSeen = db
    .insert(guildMembers)
    .select(
      db
        .select({
          guildId: sql<string>`${sql.placeholder('guildId')}`.as('guild_id'),
          discordUserId: linkedAccounts.discordUserId,
          lastSeenAt: sql<number>`${sql.placeholder('at')}`.as('last_seen_at'),
          confirmedAt: sql<number>`${sql.placeholder('at')}`.as('confirmed_at'),
        })
        .from(linkedAccounts)
        .where(eq(linkedAccounts.discordUserId, sql.placeholder('discordUserId'))),
    )
    .onConflictDoUpdate({
      target: [guildMembers.guildId, guildMembers.discordUserId],
      set: { lastSeenAt: sql`excluded.last_seen_at`, confirmedAt: sql`excluded.confirmed_at` },
    })
    .prepare();
  const byGuild = (guildId: string) => eq(guildMembers.guildId, guildId);
  const one = (guildId: string, discordUserId: string) => and(byGuild(guildId), eq(guildMembers.discordUserId, discordUserId));

  return {
    recordSeen: (guildId, discordUserId, at) => recordSeen.run({ guildId, discordUserId, at: at.getTime() }).changes > 0,

    confirm(guildId, discordUserId, at) {
      db.update(guildMembers).set({ confirmedAt: at }).where(one(guildId, discordUserId)).run();
    },

    remove: (guildId, discordUserId) => db.delete(guildMembers).where(one(guildId, discordUserId)).run().changes > 0,

    listByGuild(guildId, limit) {
      const query = db.select().from(guildMembers).where(byGuild(guildId)).orderBy(desc(guildMembers.lastSeenAt), guildMembers.discordUserId);
      return limit === undefined ? query.all() : query.limit(limit).all();
    },

    countByGuild: (guildId) => db.select({ total: count() }).from(guildMembers).where(byGuild(guildId)).get()?.total ?? 0,

    guildsOf: (discordUserId) =>
      db
        .select({ guildId: guildMembers.guildId })
        .from(guildMembers)
        .where(eq(guildMembers.discordUserId, discordUserId))
        .all()
        .map((row) => row.guildId),
  };
}
