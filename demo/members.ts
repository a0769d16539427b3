/**
 * The seeded members of the demo server: each Discord member of the fake Discord has a matching account on the
 * fake AniList, which is who "is signed in" to AniList while you act as that member in the playground.
 */
import { SEED_USERS, type SeedUserKey } from '../fakes/anilist/index.js';
import { fakeUsers, type FakeUser } from '../fakes/discord/index.js';

export type MemberKey = 'alice' | 'bob' | 'carol' | 'dave';

export interface DemoMember {
  readonly key: MemberKey;
  readonly discordUser: FakeUser;
  readonly anilistUserId: number;
  readonly anilistName: string;
}

const MEMBER_KEYS: readonly MemberKey[] = ['alice', 'bob', 'carol', 'dave'];

/** Linked when the demo starts, so /list and /profile about other members show something from the first minute. */
export const PRELINKED_MEMBERS: readonly MemberKey[] = ['bob', 'carol'];

export const DEMO_MEMBERS: readonly DemoMember[] = MEMBER_KEYS.map((key) => {
  const anilistUser = SEED_USERS[key satisfies SeedUserKey];
  return { key, discordUser: fakeUsers[key], anilistUserId: anilistUser.id, anilistName: anilistUser.name };
});

export function findMember(key: unknown): DemoMember | undefined {
  return DEMO_MEMBERS.find((member) => member.key === key);
}

export function memberByDiscordId(id: string): DemoMember | undefined {
  return DEMO_MEMBERS.find((member) => member.discordUser.id === id);
}
