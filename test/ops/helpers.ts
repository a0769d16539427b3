import { join } from 'node:path';
import { expect } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/db/database.js';
import { createLinkedAccountsRepository, type LinkedAccountsRepository, type NewLinkedAccount } from '../../src/db/linked-accounts.js';
import { migrationsFolder } from '../../src/paths.js';
import { SEED_USERS } from '../../fakes/anilist/index.js';
import { TestBrowser, hrefOf } from '../support/browser.js';
import type { LinkHarness } from '../support/link-harness.js';

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

/** A real link through the harness: /link start page → fake AniList approves → callback stores the sealed token. */
export async function linkThroughAniList(h: LinkHarness, discordUserId = '300000000000000001', anilistUserId: number = SEED_USERS.alice.id) {
  const { pageUrl } = h.links.startLink({
    discordUser: { id: discordUserId, username: 'mira', displayName: 'Mira', avatarUrl: 'https://cdn.discordapp.com/embed/avatars/0.png' },
    applicationId: '100000000000000001',
    interactionToken: `interaction-token-${Math.random()}`,
  });
  const browser = new TestBrowser();
  const start = await browser.get(pageUrl);
  h.anilistFake.setLoggedInUser(anilistUserId);
  const callbackUrl = await h.anilistFake.approve(hrefOf(start.body, 'Continue to AniList')!);
  expect((await browser.get(callbackUrl)).status).toBe(303);
  const member = h.links.member(discordUserId);
  expect(member).toBeDefined();
  return member!;
}
