import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { isChatInputCommand } from '../../commands/command.js';
import { commands } from '../../commands/index.js';
import { registerCommands } from '../../src/bot/register-commands.js';
import { createTranslations } from '../../src/i18n/index.js';
import { parseConfig, type ConfigError } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { createLinkedAccountsRepository, type LinkedAccount } from '../../src/db/linked-accounts.js';
import { checkAniListCredentials, checkDatabase, commandLabel } from '../../src/doctor/checks.js';
import { createAiringFeedsRepository } from '../../src/db/airing-feeds.js';
import { createNotificationSubscriptionsRepository } from '../../src/db/notification-subscriptions.js';
import { formatReport, runDoctor, type CheckResult, type DoctorConfig, type DoctorDeps } from '../../src/doctor/run.js';
import { createStoredTokenOpener } from '../../src/doctor/token-opener.js';
import { migrationsFolder, projectRoot } from '../../src/paths.js';
import { DEFAULT_CLIENT_SECRET, SEED_USERS } from '../../fakes/anilist/index.js';
import { DEFAULT_DISCORD_CLIENT_SECRET, startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';
import { TEST_DISCORD_TOKEN } from '../support/env.js';
import { startLinkHarness, type LinkHarness } from '../support/link-harness.js';
import { freePort } from '../support/ports.js';
import { useTempDir } from '../support/temp.js';
import { linkThroughAniList } from './helpers.js';

const tempDir = useTempDir('anilink-doctor-');
const TSX = join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface World {
  h: LinkHarness;
  discord: FakeDiscord;
  config: DoctorConfig;
  deps(overrides?: { config?: Partial<DoctorConfig> }): DoctorDeps;
  /** A member linked through the fake AniList: the stored row, its token sealed with `config.tokenEncryptionKey`. */
  link(): Promise<LinkedAccount>;
}

/** The running bot's outside world: fake Discord with the commands registered, fake AniList, the web server. */
async function world({ register = true, env }: { register?: boolean; env?: Record<string, string> } = {}): Promise<World> {
  const h = await startLinkHarness({ dir: tempDir(), env });
  cleanups.push(() => h.close());
  const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN });
  cleanups.push(() => discord.close());
  if (register) await registerCommands(new REST({ api: discord.apiUrl }).setToken(TEST_DISCORD_TOKEN), commands, { applicationId: discord.applicationId }, createTranslations());
  const config: DoctorConfig = {
    discord: {
      token: TEST_DISCORD_TOKEN,
      apiUrl: discord.apiUrl,
      guildId: undefined,
      oauth: { clientId: undefined, clientSecret: DEFAULT_DISCORD_CLIENT_SECRET, redirectUri: `${h.publicUrl}/oauth/discord/callback` },
    },
    anilist: { clientId: h.anilistFake.clientId, clientSecret: DEFAULT_CLIENT_SECRET, oauthUrl: h.anilistFake.oauthUrl, backgroundShare: 0.5 },
    http: { publicUrl: h.publicUrl, redirectUri: `${h.publicUrl}/oauth/callback`, trustProxy: h.config.http.trustProxy },
    databasePath: h.databasePath,
    // The key the bot sealed its tokens with, as scripts/doctor.ts reads it from the same configuration.
    tokenEncryptionKey: h.config.tokenEncryptionKey,
    notifications: { pollSeconds: 120 },
    airingFeed: { pollSeconds: 900 },
  };
  return {
    h,
    discord,
    config,
    deps: (overrides = {}) => ({
      config: { config: { ...config, ...overrides.config } },
      migrationsFolder,
      commands: commands.map((command) => command.definition),
      // What scripts/doctor.ts passes: the real opener, with the key from the configuration.
      openToken: (account, key) => createStoredTokenOpener({ key })(account),
      userAgent: 'anilink-test doctor',
      timeoutMs: 2_000,
    }),
    async link() {
      const member = await linkThroughAniList(h);
      return createLinkedAccountsRepository(h.database.db).findByDiscordUserId(member.discordUserId)!;
    },
  };
}

function byName(results: CheckResult[]): Record<string, CheckResult> {
  return Object.fromEntries(results.map((result) => [result.name, result]));
}

function failedNames(results: CheckResult[]): string[] {
  return results.filter((result) => !result.ok).map((result) => result.name);
}

describe('npm run doctor', () => {
  it('all green: every check ✓, the redirect URI printed, a stored token opened but never shown', async () => {
    const w = await world();
    const account = await w.link();
    const token = createStoredTokenOpener({ key: w.config.tokenEncryptionKey })(account);
    expect(token).toMatch(/^eyJ/);
    const results = await runDoctor(w.deps());
    expect(failedNames(results)).toEqual([]);
    expect(results.map((r) => r.name)).toEqual([
      'Configuration',
      'Database',
      'Discord token',
      'Slash commands',
      'Discord sign-in',
      'Discord redirect URL',
      'AniList client',
      'AniList redirect URL',
      'Public URL',
      'Reverse proxy',
      'Linked roles verification URL',
      'Encryption key',
      'Notifications',
      'Airing feed',
    ]);
    const report = formatReport(results);
    expect(report).toContain(`✓ Discord sign-in: client ${w.discord.applicationId} accepted`);
    expect(report).toContain(`✓ Discord redirect URL: add exactly ${w.h.publicUrl}/oauth/discord/callback under OAuth2 → Redirects`);
    expect(report).toContain(`✓ AniList redirect URL: paste exactly ${w.h.publicUrl}/oauth/callback as the Redirect URL`);
    expect(report).toContain('✓ Reverse proxy: TRUST_PROXY is not set; no request came with X-Forwarded-For from another address');
    expect(report).toContain(
      `✓ Linked roles verification URL: paste exactly ${w.h.publicUrl}/linked-role as the Linked Roles Verification URL (developer portal → General Information); it answers with the Discord sign-in`,
    );
    expect(report).toContain(`application id ${w.discord.applicationId}`);
    expect(report).toContain('✓ Encryption key: TOKEN_ENCRYPTION_KEY opens the stored tokens');
    expect(report.trimEnd().endsWith('All checks passed.')).toBe(true);
    expect(report).not.toContain(token);
    expect(report).not.toContain(DEFAULT_CLIENT_SECRET);
    expect(report).not.toContain(DEFAULT_DISCORD_CLIENT_SECRET);
    expect(report).not.toContain(TEST_DISCORD_TOKEN);
  });

  it('a wrong Discord client secret, or a client id of another application: invalid_client, with the fix named', async () => {
    const w = await world();
    const oauth = w.config.discord.oauth;
    const wrongSecret = byName(await runDoctor(w.deps({ config: { discord: { ...w.config.discord, oauth: { ...oauth, clientSecret: 'not-the-secret' } } } })));
    expect(wrongSecret['Discord sign-in']).toMatchObject({ ok: false, detail: expect.stringContaining('invalid_client') as unknown });
    expect(wrongSecret['Discord sign-in']!.fix).toContain('DISCORD_CLIENT_SECRET');
    expect(failedNames(Object.values(wrongSecret))).toEqual(['Discord sign-in']);
    const otherApp = byName(await runDoctor(w.deps({ config: { discord: { ...w.config.discord, oauth: { ...oauth, clientId: '123456789012345678' } } } })));
    expect(otherApp['Discord sign-in']).toMatchObject({ ok: false, detail: 'Discord rejected client 123456789012345678 (invalid_client)' });
    expect(formatReport(Object.values(otherApp))).not.toContain('not-the-secret');
  });

  it('requests through a proxy the bot does not trust: a warning naming TRUST_PROXY, without failing', async () => {
    const w = await world();
    // A reverse proxy on this machine forwards a member's request.
    await fetch(`${w.h.publicUrl}/link/${'A'.repeat(43)}`, { headers: { 'x-forwarded-for': '198.51.100.7' } });
    const results = await runDoctor(w.deps());
    expect(failedNames(results)).toEqual([]);
    const proxy = byName(results)['Reverse proxy']!;
    expect(proxy).toMatchObject({ ok: true, warning: true });
    const report = formatReport(results);
    expect(report).toMatch(/^! Reverse proxy: requests reach the bot with X-Forwarded-For from an address it does not trust \(TRUST_PROXY is not set\)/m);
    expect(report).toContain('fix: set TRUST_PROXY to your reverse proxy');
    expect(report.trimEnd().endsWith('All checks passed (1 warning).')).toBe(true);

    const trusting = await world({ env: { TRUST_PROXY: '127.0.0.1' } });
    await fetch(`${trusting.h.publicUrl}/link/${'A'.repeat(43)}`, { headers: { 'x-forwarded-for': '198.51.100.7' } });
    expect(byName(await runDoctor(trusting.deps()))['Reverse proxy']).toEqual({
      name: 'Reverse proxy',
      ok: true,
      detail: 'TRUST_PROXY trusts 127.0.0.1; no request came with X-Forwarded-For from another address',
    });
  });

  it('a bad Discord token: ✗ with the reset instructions, and commands are not checked', async () => {
    const w = await world();
    const results = byName(await runDoctor(w.deps({ config: { discord: { ...w.config.discord, token: 'MTIz.bad.token' } } })));
    expect(results['Discord token']).toMatchObject({ ok: false, detail: expect.stringContaining('401') as unknown, fix: expect.stringContaining('Reset Token') as unknown });
    expect(results['Slash commands']).toMatchObject({ ok: false, fix: 'fix the Discord token first' });
    expect(results['AniList client']!.ok).toBe(true);
  });

  it('a wrong AniList secret or redirect URL: invalid_client, with both fixes named', async () => {
    const w = await world();
    const wrongSecret = byName(await runDoctor(w.deps({ config: { anilist: { ...w.config.anilist, clientSecret: 'not-the-secret' } } })));
    expect(wrongSecret['AniList client']).toMatchObject({ ok: false, detail: expect.stringContaining('invalid_client') as unknown });
    expect(wrongSecret['AniList client']!.fix).toContain('ANILIST_CLIENT_SECRET');
    expect(wrongSecret['AniList client']!.fix).toContain(`${w.h.publicUrl}/oauth/callback`);
    const wrongRedirect = byName(
      await runDoctor(w.deps({ config: { http: { ...w.config.http, redirectUri: 'https://elsewhere.example/oauth/callback' } } })),
    );
    expect(wrongRedirect['AniList client']!.ok).toBe(false);
  });

  it('AniList answering the bogus code with invalid_request (league: "Cannot decrypt the authorization code") still proves the client', async () => {
    const w = await world();
    const seen: { status: number; error: unknown; hint: unknown }[] = [];
    // Like a league/oauth2-server that cannot decrypt the doctor's code: a code of the shape the fake issues, but not
    // one it issued, is answered with 400 invalid_request.
    const garbling: typeof fetch = async (input, init) => {
      const body = new URLSearchParams(init?.body as URLSearchParams);
      body.set('code', 'x'.repeat(64));
      const response = await fetch(input, { ...init, body });
      const json = (await response.clone().json()) as { error?: unknown; hint?: unknown };
      seen.push({ status: response.status, error: json.error, hint: json.hint });
      return response;
    };
    const target = {
      oauthUrl: w.h.anilistFake.oauthUrl,
      clientId: w.h.anilistFake.clientId,
      redirectUri: `${w.h.publicUrl}/oauth/callback`,
      userAgent: 'anilink-test doctor',
      fetch: garbling,
    };
    const accepted = await checkAniListCredentials({ ...target, clientSecret: DEFAULT_CLIENT_SECRET });
    expect(seen[0]).toEqual({ status: 400, error: 'invalid_request', hint: 'Cannot decrypt the authorization code' });
    expect(accepted).toMatchObject({ ok: true, detail: expect.stringContaining('accepted') as unknown });
    // A wrong secret is still a wrong secret.
    const rejected = await checkAniListCredentials({ ...target, clientSecret: 'not-the-secret' });
    expect(rejected).toMatchObject({ ok: false, detail: expect.stringContaining('invalid_client') as unknown });
  });

  it('an unreachable PUBLIC_URL: ✗, saying the bot must be running', async () => {
    const w = await world();
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const results = byName(await runDoctor(w.deps({ config: { http: { ...w.config.http, publicUrl: nowhere } } })));
    expect(results['Public URL']).toMatchObject({ ok: false, detail: expect.stringContaining('unreachable') as unknown });
    expect(results['Public URL']!.fix).toContain('the bot must be running');
    expect(results['Reverse proxy']).toMatchObject({ ok: false, detail: 'not checked', fix: 'fix the Public URL line first' });
    expect(results['Linked roles verification URL']).toMatchObject({ ok: false, fix: 'fix the Public URL line first' });
    expect(results['Linked roles verification URL']!.detail).toContain(`${nowhere}/linked-role`);
    expect(failedNames(Object.values(results))).toEqual(['Public URL', 'Reverse proxy', 'Linked roles verification URL']);
  });

  it('a key that cannot open the stored token: ✗, with the way out', async () => {
    const w = await world();
    await w.link();
    const results = await runDoctor(w.deps({ config: { tokenEncryptionKey: randomBytes(32) } }));
    expect(failedNames(results)).toEqual(['Encryption key']);
    expect(byName(results)['Encryption key']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('not the key they were sealed with') as unknown,
      fix: expect.stringContaining('restore the TOKEN_ENCRYPTION_KEY') as unknown,
    });
    // The key it was sealed with opens it.
    expect(failedNames(await runDoctor(w.deps()))).toEqual([]);
  });

  it('missing configuration: ✗ with every problem, the rest not checked', async () => {
    let problems: string[] = [];
    try {
      parseConfig({ PUBLIC_URL: 'http://127.0.0.1:3000' });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems.length).toBeGreaterThan(0);
    const results = await runDoctor({ config: { problems }, migrationsFolder, commands: [], openToken: () => '', userAgent: 'test' });
    const report = formatReport(results);
    expect(report).toMatch(/^✗ Configuration: 5 problems:\n {4}- DISCORD_TOKEN is required/);
    expect(report).toContain('DISCORD_CLIENT_SECRET is required');
    expect(report).toContain('TOKEN_ENCRYPTION_KEY');
    expect(results.every((result) => !result.ok)).toBe(true);
    expect(report).toContain('14 checks failed.');
  });

  it('commands not registered, or out of date: ✗ naming them, fix = commands:deploy', async () => {
    const w = await world({ register: false });
    expect(byName(await runDoctor(w.deps()))['Slash commands']).toMatchObject({
      ok: false,
      detail: `registered globally but missing ${commands.map((command) => commandLabel(command.definition)).join(', ')}`,
      fix: expect.stringContaining('npm run commands:deploy') as unknown,
    });
    const rest = new REST({ api: w.discord.apiUrl }).setToken(TEST_DISCORD_TOKEN);
    const changed = commands
      .slice(0, 2)
      .filter(isChatInputCommand)
      .map((command) => ({ ...command, definition: { ...command.definition, description: `${command.definition.description}!` } }));
    expect(changed).toHaveLength(2);
    await registerCommands(rest, changed, { applicationId: w.discord.applicationId }, createTranslations());
    const guildId = w.discord.guilds[0]!.id;
    await registerCommands(rest, commands, { applicationId: w.discord.applicationId, guildId }, createTranslations());
    const names = commands.map((command) => commandLabel(command.definition));
    expect(byName(await runDoctor(w.deps()))['Slash commands']!.detail).toBe(
      `registered globally but missing ${names.slice(2).join(', ')}; out of date ${names.slice(0, 2).join(', ')}`,
    );
    expect(byName(await runDoctor(w.deps({ config: { discord: { ...w.config.discord, guildId } } })))['Slash commands']!.ok).toBe(true);
  });

  it('notifications: members opted in and how long ago the least recently polled one was read; ✗ past 30 minutes, with the fix', async () => {
    const w = await world();
    await linkThroughAniList(w.h, '300000000000000001');
    await linkThroughAniList(w.h, '300000000000000002', SEED_USERS.bob.id);
    const subscriptions = createNotificationSubscriptionsRepository(w.h.database.db);
    const now = w.h.clock.now();
    const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    // Opted in 47 minutes ago and never polled since: the bot was down, or the budget could not keep up.
    subscriptions.create({ discordUserId: '300000000000000001', anilistUserId: SEED_USERS.alice.id, types: 'all' }, minutesAgo(47));
    subscriptions.create({ discordUserId: '300000000000000002', anilistUserId: SEED_USERS.bob.id, types: 'airing' }, minutesAgo(5));
    const behind = byName(await runDoctor({ ...w.deps(), clock: () => now }))['Notifications']!;
    expect(behind).toMatchObject({ ok: false, detail: '2 members opted in, oldest poll 47 min ago (interval 2 min): members wait more than 30 min for their notifications' });
    expect(behind.fix).toContain('start it if it is stopped');
    expect(behind.fix).toContain('ANILIST_BACKGROUND_SHARE');

    subscriptions.reschedule('300000000000000001', minutesAgo(1), minutesAgo(3));
    subscriptions.reschedule('300000000000000002', minutesAgo(0), minutesAgo(2));
    expect(byName(await runDoctor({ ...w.deps(), clock: () => now }))['Notifications']).toEqual({
      name: 'Notifications',
      ok: true,
      detail: '2 members opted in, oldest poll 3 min ago (interval 2 min)',
    });

    // A member who must link again is not behind schedule: they are paused, and counted as such.
    w.h.links.member('300000000000000001')!.rejectToken();
    expect(byName(await runDoctor({ ...w.deps(), clock: () => now }))['Notifications']!.detail).toBe(
      '2 members opted in, oldest poll 2 min ago (interval 2 min); 1 paused until they link again',
    );
    const noBudget = byName(await runDoctor({ ...w.deps({ config: { anilist: { ...w.config.anilist, backgroundShare: 0 } } }), clock: () => now }))['Notifications']!;
    expect(noBudget).toMatchObject({ ok: false, fix: expect.stringContaining('set ANILIST_BACKGROUND_SHARE above 0') as unknown });
  });

  it('airing feed: servers with a feed, stopped ones, waiting posts and how late the shared check is; ✗ past 30 minutes, with the fix', async () => {
    const w = await world();
    const feeds = createAiringFeedsRepository(w.h.database.db);
    const now = w.h.clock.now();
    const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    const feed = (guildId: string) => ({ guildId, channelId: `${guildId}9`, roleId: null, channelNsfw: false, setBy: '300000000000000001', locale: 'en' });
    feeds.set(feed('400000000000000001'), minutesAgo(60));
    feeds.set(feed('400000000000000002'), minutesAgo(60));
    feeds.set(feed('400000000000000003'), minutesAgo(60));
    feeds.disable('400000000000000003', 'missing_permissions', minutesAgo(10));
    // Due 47 minutes ago and never checked since: the bot was down, or the budget could not keep up.
    feeds.checkNoLaterThan(minutesAgo(47));
    const behind = byName(await runDoctor({ ...w.deps(), clock: () => now }))['Airing feed']!;
    expect(behind).toMatchObject({
      ok: false,
      detail:
        '2 servers with a feed; 1 stopped (the bot may not post in their channel; their admins were told by DM), next check 47 min overdue (interval 15 min): servers hear about new episodes more than 30 min late',
    });
    expect(behind.fix).toContain('start it if it is stopped');

    feeds.recordCheck(
      [{ guildId: '400000000000000001', mediaId: 1, episode: 2, airingAt: minutesAgo(3), title: 'A', siteUrl: null, isAdult: false, watchers: 1 }],
      minutesAgo(1),
      new Date(now.getTime() + 60_000),
      minutesAgo(1),
    );
    expect(byName(await runDoctor({ ...w.deps(), clock: () => now }))['Airing feed']).toEqual({
      name: 'Airing feed',
      ok: true,
      detail: '2 servers with a feed; 1 stopped (the bot may not post in their channel; their admins were told by DM), 1 post waiting for Discord, next check on time (interval 15 min)',
    });
    const noBudget = byName(await runDoctor({ ...w.deps({ config: { anilist: { ...w.config.anilist, backgroundShare: 0 } } }), clock: () => now }))['Airing feed']!;
    expect(noBudget).toMatchObject({ ok: false, fix: expect.stringContaining('set ANILIST_BACKGROUND_SHARE above 0') as unknown });
  });

  it('database: missing, not migrated, or unusable', () => {
    const dir = tempDir();
    const missing = checkDatabase({ path: join(dir, 'data', 'anilink.sqlite'), migrationsFolder });
    expect(missing).toMatchObject({ ok: false, fix: expect.stringContaining('start the bot once') as unknown });
    const empty = join(dir, 'empty.sqlite');
    openDatabase(join(dir, 'migrated.sqlite'), migrationsFolder).close();
    writeFileSync(empty, '');
    expect(checkDatabase({ path: empty, migrationsFolder })).toMatchObject({ ok: false, detail: expect.stringMatching(/\d+ of \d+ migrations are not applied/) as unknown });
    expect(checkDatabase({ path: join(dir, 'migrated.sqlite'), migrationsFolder }).ok).toBe(true);
    const garbage = join(dir, 'garbage.sqlite');
    writeFileSync(garbage, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    expect(checkDatabase({ path: garbage, migrationsFolder })).toMatchObject({ ok: false, detail: expect.stringContaining('cannot use') as unknown });
  });

  it('runs as a script: exit 0 when all is ✓, 1 otherwise', async () => {
    const w = await world();
    const env = {
      PATH: process.env.PATH,
      DISCORD_TOKEN: TEST_DISCORD_TOKEN,
      DISCORD_API_URL: w.discord.apiUrl,
      DISCORD_CLIENT_SECRET: DEFAULT_DISCORD_CLIENT_SECRET,
      ANILIST_CLIENT_ID: w.h.anilistFake.clientId,
      ANILIST_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
      ANILIST_OAUTH_URL: w.h.anilistFake.oauthUrl,
      PUBLIC_URL: w.h.publicUrl,
      DATABASE_PATH: w.h.databasePath,
      TOKEN_ENCRYPTION_KEY: w.config.tokenEncryptionKey.toString('base64'),
    };
    // Asynchronous, because the fakes answering it live in this process.
    const run = (overrides: Record<string, string | undefined>) =>
      new Promise<{ status: number; stdout: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', TSX, join(projectRoot, 'scripts', 'doctor.ts')],
          { cwd: tempDir(), env: { ...env, ...overrides }, encoding: 'utf8' },
          (error, stdout) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout }),
        );
      });
    const green = await run({});
    expect(green.stdout).toContain('✓ Encryption key: TOKEN_ENCRYPTION_KEY is set; no member has linked yet');
    expect(green.stdout.match(/^✓ /gm)).toHaveLength(14);
    expect(green.stdout).toContain('✓ Airing feed: no server has an airing feed (/airing-feed)');
    expect(green.stdout).toContain(`✓ Discord redirect URL: add exactly ${w.h.publicUrl}/oauth/discord/callback`);
    expect(green.stdout).toContain('✓ Notifications: no member has opted in to notification DMs (/notifications)');
    expect(green.status).toBe(0);

    const broken = await run({ DISCORD_TOKEN: undefined });
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/^✗ Configuration: 1 problem:\n {4}- DISCORD_TOKEN is required/);

    // With a member linked, the script opens the stored token with TOKEN_ENCRYPTION_KEY, and only with that key.
    await w.link();
    const linked = await run({});
    expect(linked.stdout).toContain('✓ Encryption key: TOKEN_ENCRYPTION_KEY opens the stored tokens');
    expect(linked.status).toBe(0);
    const otherKey = await run({ TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    expect(otherKey.stdout).toContain('✗ Encryption key: TOKEN_ENCRYPTION_KEY cannot open the stored tokens');
    expect(otherKey.status).toBe(1);
  });
});
