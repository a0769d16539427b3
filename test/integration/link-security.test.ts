/**
 * The security review's demonstrations of the linking flow, each against the project's own fakes: every one of
 * them succeeded against the flow before Discord sign-in (see the commit that added this file), and must fail now.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_USERS } from '../../fakes/anilist/index.js';
import { backupDatabase } from '../../src/db/backup.js';
import { TestBrowser } from '../support/browser.js';
import { startLinkHarness, type LinkHarness, type LinkHarnessOptions } from '../support/link-harness.js';
import { fakeDiscordUser, walkLinkPages } from '../support/link-walk.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-security-');
let harness: LinkHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: Partial<LinkHarnessOptions> = {}): Promise<LinkHarness> {
  harness = await startLinkHarness({ dir: tempDir(), ...options });
  return harness;
}

const victim = { id: '300000000000000002', username: 'tomo', displayName: 'Tomo', avatarUrl: 'https://cdn.discordapp.com/embed/avatars/1.png' };
const attacker = { id: '300000000000000009', username: 'mallory', displayName: 'Totally Tomo', avatarUrl: 'https://cdn.discordapp.com/embed/avatars/2.png' };

function startLink(h: LinkHarness, discordUser: typeof victim) {
  h.discordFake.addUser(fakeDiscordUser(discordUser.id, discordUser.username, discordUser.displayName));
  return h.links.startLink({ discordUser, applicationId: h.discordFake.applicationId, interactionToken: `interaction-${randomBytes(8).toString('hex')}` }).pageUrl;
}

function linkedRows(h: LinkHarness) {
  return h.database.sqlite.prepare('SELECT discord_user_id, anilist_user_id, sealed_token, updated_at FROM linked_accounts ORDER BY discord_user_id').all() as {
    discord_user_id: string;
    anilist_user_id: number;
    sealed_token: string;
    updated_at: number;
  }[];
}

const secret = () => randomBytes(32).toString('base64url');

describe('1. a forwarded start page', () => {
  it('cannot hand the victim’s AniList account to the attacker: refused at the Discord sign-in, request burned, nothing stored', async () => {
    const h = await start();
    // The victim has linked their own AniList account.
    const own = await walkLinkPages({ discord: h.discordFake, anilist: h.anilistFake }, new TestBrowser(), startLink(h, victim), {
      discordUserId: victim.id,
      anilistUserId: SEED_USERS.bob.id,
    });
    expect(own.url).toBe(`${h.publicUrl}/oauth/done`);
    const before = linkedRows(h);
    expect(before).toEqual([expect.objectContaining({ discord_user_id: victim.id, anilist_user_id: SEED_USERS.bob.id })]);

    // The attacker runs /link and sends the start page to the victim, who goes through it as themselves.
    const forwarded = startLink(h, attacker);
    const page = await walkLinkPages({ discord: h.discordFake, anilist: h.anilistFake }, new TestBrowser(), forwarded, {
      discordUserId: victim.id,
      anilistUserId: SEED_USERS.bob.id,
    });
    expect(page.status).toBe(403);
    expect(page.body).toContain('made for another Discord account');
    // Neither account is named.
    for (const name of ['tomo', 'Tomo', 'mallory', 'BobFake', victim.id, attacker.id]) expect(page.body).not.toContain(name);
    // The victim never reached AniList, the victim's link is untouched, the attacker has none.
    expect(page.visited.some((url) => url.startsWith(h.anilistFake.oauthUrl))).toBe(false);
    expect(linkedRows(h)).toEqual(before);
    // The request is burned: the attacker's own browser cannot use it either.
    expect(h.database.sqlite.prepare('SELECT count(*) AS n FROM link_requests').get()).toEqual({ n: 0 });
    expect((await new TestBrowser().get(forwarded)).status).toBe(400);
  });
});

describe('2. behind a reverse proxy', () => {
  it('ten members behind one proxy each keep their own failure budget', async () => {
    const h = await start({ rateLimit: { max: 3, timeWindowMs: 60_000 }, env: { TRUST_PROXY: '127.0.0.1' } });
    const statuses: number[] = [];
    for (let member = 1; member <= 10; member += 1) {
      const response = await fetch(`${h.publicUrl}/link/${secret()}`, { headers: { 'x-forwarded-for': `198.51.100.${member}` } });
      statuses.push(response.status);
    }
    expect(statuses).toEqual(Array<number>(10).fill(400));
    // One member's failures are theirs alone.
    for (let attempt = 0; attempt < 3; attempt += 1) await fetch(`${h.publicUrl}/link/${secret()}`, { headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect((await fetch(`${h.publicUrl}/link/${secret()}`, { headers: { 'x-forwarded-for': '198.51.100.1' } })).status).toBe(429);
    expect((await fetch(`${h.publicUrl}/link/${secret()}`, { headers: { 'x-forwarded-for': '198.51.100.2' } })).status).toBe(400);
  });

  it('without TRUST_PROXY, X-Forwarded-For picks no address, and /healthz says it was sent by an untrusted peer', async () => {
    const h = await start({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    expect(((await (await fetch(`${h.publicUrl}/healthz`)).json()) as { untrustedForwardedFor: boolean }).untrustedForwardedFor).toBe(false);
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      statuses.push((await fetch(`${h.publicUrl}/link/${secret()}`, { headers: { 'x-forwarded-for': `203.0.113.${attempt}` } })).status);
    }
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
    expect(((await (await fetch(`${h.publicUrl}/healthz`)).json()) as { untrustedForwardedFor: boolean }).untrustedForwardedFor).toBe(true);
  });
});

describe('3. junk traffic', () => {
  it('a flood of junk from one address does not stop a member on the same address who holds a live link', async () => {
    const h = await start({ rateLimit: { max: 5, timeWindowMs: 60_000 } });
    const pageUrl = startLink(h, victim);
    const junk = [
      () => `/link/${secret()}`,
      () => '/link/short',
      () => `/oauth/callback?state=${secret()}&code=x`,
      () => '/oauth/callback?state=garbled',
      () => `/oauth/discord/callback?state=${secret()}&code=x`,
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 300; i += 1) statuses.push((await fetch(`${h.publicUrl}${junk[i % junk.length]!()}`)).status);
    // The junk itself is refused once its address used up its failures.
    expect(statuses.slice(-10).filter((status) => status === 429).length).toBeGreaterThanOrEqual(8);

    const done = await walkLinkPages({ discord: h.discordFake, anilist: h.anilistFake }, new TestBrowser(), pageUrl, {
      discordUserId: victim.id,
      anilistUserId: SEED_USERS.bob.id,
    });
    expect(done.url).toBe(`${h.publicUrl}/oauth/done`);
    expect(done.status).toBe(200);
    expect(linkedRows(h)).toEqual([expect.objectContaining({ discord_user_id: victim.id, anilist_user_id: SEED_USERS.bob.id })]);
  });
});

describe('4. /unlink', () => {
  it('erases the sealed token from the database file, its WAL and later backups; the files are 0600', async () => {
    const h = await start();
    await walkLinkPages({ discord: h.discordFake, anilist: h.anilistFake }, new TestBrowser(), startLink(h, victim), {
      discordUserId: victim.id,
      anilistUserId: SEED_USERS.bob.id,
    });
    const [row] = linkedRows(h);
    const token = h.links.member(victim.id)!.token();
    expect(h.links.unlink(victim.id)?.anilistName).toBe('BobFake');

    const backupPath = join(tempDir(), 'after-unlink.sqlite');
    await backupDatabase({ sourcePath: h.databasePath, destinationPath: backupPath });
    const files = [h.databasePath, `${h.databasePath}-wal`, backupPath].filter((path) => existsSync(path));
    expect(files).toContain(h.databasePath);
    for (const path of files) {
      const bytes = readFileSync(path).toString('latin1');
      expect(bytes.includes(row!.sealed_token), `the sealed token is still in ${path}`).toBe(false);
      expect(bytes.includes(token), `the token is in ${path}`).toBe(false);
    }
    for (const path of [h.databasePath, backupPath]) expect((statSync(path).mode & 0o777).toString(8), path).toBe('600');
    expect(h.database.sqlite.pragma('secure_delete', { simple: true })).toBe(1);
  });
});
