/**
 * Many linked members in one server, for the server-view journeys: fake Discord users, fake AniList users with
 * chosen score formats and privacy, and links made the way members make them (/link, the start page, AniList's
 * approve button, the callback), then one interaction each in the server so the bot knows they are members there.
 */
import type { FakeAniList, ScoreFormat } from '../../fakes/anilist/index.js';
import { SEED_USERS } from '../../fakes/anilist/index.js';
import type { FakeUser, FakeUserRef } from '../../fakes/discord/index.js';
import { linkMember, type BotHarness } from './bot-harness.js';

/** Discord users `member1`…`memberN`, ids 1300000000000000001 + i, stable across runs. */
export function discordMembers(count: number): FakeUser[] {
  return Array.from({ length: count }, (_, i) => ({
    id: (1_300_000_000_000_000_001n + BigInt(i)).toString(),
    username: `member${i + 1}`,
    global_name: `Member ${i + 1}`,
    avatar: null,
    discriminator: '0',
    public_flags: 0,
  }));
}

export interface AniListUserSpec {
  readonly id: number;
  readonly name: string;
  readonly scoreFormat: ScoreFormat;
  /** A private profile: only the owner's token sees it. */
  readonly private?: boolean;
}

/** Adds AniList users to the fake, shaped like the seed's AliceFake otherwise. */
export function addAniListUsers(fake: FakeAniList, specs: readonly AniListUserSpec[]): void {
  const template = fake.store.getUser(SEED_USERS.alice.id)!;
  for (const spec of specs) {
    const user = structuredClone(template);
    fake.store.users.set(spec.id, {
      ...user,
      id: spec.id,
      name: spec.name,
      private: spec.private ?? false,
      options: { ...user.options, titleLanguage: 'ROMAJI' },
      mediaListOptions: { ...user.mediaListOptions, scoreFormat: spec.scoreFormat },
    });
  }
}

/** Links each Discord user to its AniList user through the bot's own flow, then has them use the bot in the server. */
export async function linkAndUseServer(h: BotHarness, pairs: readonly (readonly [FakeUserRef, number])[]): Promise<void> {
  for (const [user, anilistUserId] of pairs) await linkMember(h, user, anilistUserId);
  // /privacy without options only shows the member's setting: an interaction in the server that costs AniList nothing.
  await Promise.all(pairs.map(([user]) => h.discord.sendCommand({ name: 'privacy', user }).waitForInitialResponse()));
}
