import { join } from 'node:path';
import { expect } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/db/database.js';
import { createLinkedAccountsRepository, type LinkedAccountsRepository, type NewLinkedAccount } from '../../src/db/linked-accounts.js';
import { migrationsFolder } from '../../src/paths.js';
import { SEED_USERS } from '../../fakes/anilist/index.js';
import { TestBrowser } from '../support/browser.js';
import type { LinkHarness } from '../support/link-harness.js';
import { fakeDiscordUser, walkLinkPages } from '../support/link-walk.js';

export const DAY_MS = 24 * 60 * 60_000;

export function openTestDatabase(dir: string): { database: OpenDatabase; accounts: LinkedAccountsRepository; path: string } {
  const path = join(dir, 'anilink.sqlite');
  const database = openDatabase(path, migrationsFolder);
  return { database, accounts: createLinkedAccountsRepository(database.db), path };
}

let nextAniListId = 900_000;

/** A link row as the link service would store it (the sealed token is opaque to everything tested here). */
export function linkRow(discordUserId: string, tokenExpiresAt: Date, overrides: Partial<NewLinkedAccount> = {}): NewLinkedAccount {
  const anilistUserId = overrides.anilistUserId ?? nextAniListId++;
  return {
    discordUserId,
    anilistUserId,
    anilistName: `Ani_${anilistUserId}`,
    anilistSiteUrl: `https://anilist.co/user/${anilistUserId}`,
    anilistAvatarUrl: null,
    sealedToken: 'v1.test.sealed',
    tokenExpiresAt,
    scoreFormat: 'POINT_10',
    titleLanguage: 'ROMAJI',
    displayAdultContent: false,
    ...overrides,
  };
}

/** A real link through the harness: /link start page → Discord sign-in → fake AniList approves → callback stores the sealed token. */
/** `discordLocale`: the member's Discord language as their /link interaction says it (none: unknown, English). */
export async function linkThroughAniList(h: LinkHarness, discordUserId = '300000000000000001', anilistUserId: number = SEED_USERS.alice.id, discordLocale?: string) {
  h.discordFake.addUser(fakeDiscordUser(discordUserId, 'mira', 'Mira'));
  const { pageUrl } = h.links.startLink({
    discordUser: { id: discordUserId, username: 'mira', displayName: 'Mira', avatarUrl: 'https://cdn.discordapp.com/embed/avatars/0.png' },
    applicationId: h.discordFake.applicationId,
    interactionToken: `interaction-token-${Math.random()}`,
    discordLocale,
  });
  const done = await walkLinkPages({ discord: h.discordFake, anilist: h.anilistFake }, new TestBrowser(), pageUrl, { discordUserId, anilistUserId });
  expect(done.url).toBe(`${h.publicUrl}/oauth/done`);
  const member = h.links.member(discordUserId);
  expect(member).toBeDefined();
  return member!;
}
