/**
 * The fakes the benchmarks run against, plus N linked members seeded straight into the bot's database with the
 * bot's own repository and token vault (no browser round trip needed).
 */
import { join } from 'node:path';
import { SEED_USERS, startFakeAniList, type FakeAniList, type FakeAniListOptions } from '../../fakes/anilist/index.js';
import { startFakeDiscord, type FakeDiscord, type FakeGuildSpec, type FakeUser, type StartFakeDiscordOptions } from '../../fakes/discord/index.js';
import { createTokenVault } from '../../src/crypto/vault.js';
import { openDatabase } from '../../src/db/database.js';
import { createLinkedAccountsRepository } from '../../src/db/linked-accounts.js';
import { BENCH_DISCORD_TOKEN, MIGRATIONS } from './common.js';

export interface Member {
  discord: FakeUser;
  anilistUserId: number;
  anilistName: string;
}

/** Discord users for the benchmark: ids 1200000000000000000 + i, stable across runs. */
export function benchDiscordUsers(count: number): FakeUser[] {
  return Array.from({ length: count }, (_, i) => ({
    id: (1_200_000_000_000_000_000n + BigInt(i + 1)).toString(),
    username: `member${i + 1}`,
    global_name: `Member ${i + 1}`,
    avatar: null,
    discriminator: '0',
    public_flags: 0,
  }));
}

/** A guild the size of a typical small community server: 20 channels (text, voice, categories), 10 roles. */
export function realisticGuild(index: number): FakeGuildSpec {
  const channels = [
    { name: 'Text', type: 4 },
    ...['welcome', 'rules', 'announcements', 'general', 'anime-talk', 'manga-talk', 'seasonal', 'recommendations', 'memes', 'fan-art', 'bot-commands', 'off-topic'].map(
      (name) => ({ name, topic: `#${name} of server ${index + 1}` }),
    ),
    { name: 'nsfw-lounge', nsfw: true },
    { name: 'Voice', type: 4 },
    ...['Lounge', 'Watch party', 'Gaming', 'AFK'].map((name) => ({ name, type: 2 })),
    { name: 'forum', type: 15 },
  ];
  const roles = ['Admin', 'Moderator', 'Helper', 'Member', 'Anime fan', 'Manga reader', 'Artist', 'Muted', 'Booster', 'Event host'].map((name, i) => ({
    name,
    color: 0x100000 * (i + 1),
  }));
  return { name: `Bench Server ${index + 1}`, channels, roles };
}

export async function startDiscord(options: StartFakeDiscordOptions = {}): Promise<FakeDiscord> {
  return startFakeDiscord({ token: BENCH_DISCORD_TOKEN, ...options });
}

/**
 * Fake AniList with `count` extra users (cloned from the seed user AliceFake), each with an entry for every
 * seeded media (about 20 anime, two pages of /list, and the manga), statuses spread over all lists.
 */
export async function startAniList(count: number, options: FakeAniListOptions = {}): Promise<{ fake: FakeAniList; users: { id: number; name: string }[] }> {
  const fake = await startFakeAniList(options);
  const template = fake.store.getUser(SEED_USERS.alice.id)!;
  const statuses = ['CURRENT', 'COMPLETED', 'PLANNING', 'PAUSED', 'DROPPED'] as const;
  const users: { id: number; name: string }[] = [];
  for (let i = 0; i < count; i++) {
    const id = 720_001 + i;
    const name = `BenchUser${i + 1}`;
    fake.store.users.set(id, { ...structuredClone(template), id, name });
    [...fake.store.media.values()].forEach((media, k) => {
      fake.store.addEntry({ userId: id, mediaId: media.id, status: statuses[k % statuses.length], progress: 1, scoreRaw: 70 + (k % 30) });
    });
    users.push({ id, name });
  }
  return { fake, users };
}

/** Links every Discord user to the AniList user of the same index, as a completed /link would. */
export function seedLinks(opts: {
  databasePath: string;
  encryptionKey: string;
  discordUsers: readonly FakeUser[];
  anilist: FakeAniList;
  anilistUsers: readonly { id: number; name: string }[];
}): Member[] {
  const database = openDatabase(opts.databasePath, MIGRATIONS);
  try {
    const accounts = createLinkedAccountsRepository(database.db);
    const vault = createTokenVault({ keys: [Buffer.from(opts.encryptionKey, 'base64')] });
    const now = new Date();
    return opts.discordUsers.map((discord, i) => {
      const anilistUser = opts.anilistUsers[i]!;
      const token = opts.anilist.issueToken(anilistUser.id);
      accounts.save(
        {
          discordUserId: discord.id,
          anilistUserId: anilistUser.id,
          anilistName: anilistUser.name,
          anilistSiteUrl: `https://anilist.co/user/${anilistUser.name}`,
          anilistAvatarUrl: null,
          sealedToken: vault.seal(token, `linked-account:${discord.id}:${anilistUser.id}`),
          tokenExpiresAt: new Date(now.getTime() + 364 * 86_400_000),
          scoreFormat: 'POINT_10_DECIMAL',
          titleLanguage: 'ENGLISH',
          displayAdultContent: false,
        },
        now,
      );
      return { discord, anilistUserId: anilistUser.id, anilistName: anilistUser.name };
    });
  } finally {
    database.close();
  }
}

export function dbPath(dir: string): string {
  return join(dir, 'anilink.sqlite');
}
