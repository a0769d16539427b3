import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { registerCommands } from '../../src/bot/register-commands.js';
import { parseConfig, type ConfigError } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { createNotificationSubscriptionsRepository } from '../../src/db/notification-subscriptions.js';
import { checkAniListCredentials, checkDatabase } from '../../src/doctor/checks.js';
import { formatReport, runDoctor, type CheckResult, type DoctorConfig, type DoctorDeps } from '../../src/doctor/run.js';
import { createStoredTokenOpener } from '../../src/doctor/token-opener.js';
import { openAccessToken } from '../../src/linking/index.js';
import { migrationsFolder, projectRoot } from '../../src/paths.js';
import { DEFAULT_CLIENT_SECRET, SEED_USERS } from '../../fakes/anilist/index.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';
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
  deps(overrides?: { config?: Partial<DoctorConfig>; openToken?: DoctorDeps['openToken'] }): DoctorDeps;
}

/** The running bot's outside world: fake Discord with the commands registered, fake AniList, the web server. */
async function world({ register = true }: { register?: boolean } = {}): Promise<World> {
  const h = await startLinkHarness({ dir: tempDir() });
  cleanups.push(() => h.close());
  const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN });
  cleanups.push(() => discord.close());
  if (register) await registerCommands(new REST({ api: discord.apiUrl }).setToken(TEST_DISCORD_TOKEN), commands, { applicationId: discord.applicationId });
  const config: DoctorConfig = {
    discord: { token: TEST_DISCORD_TOKEN, apiUrl: discord.apiUrl, guildId: undefined },
    anilist: { clientId: h.anilistFake.clientId, clientSecret: DEFAULT_CLIENT_SECRET, oauthUrl: h.anilistFake.oauthUrl, backgroundShare: 0.5 },
    http: { publicUrl: h.publicUrl, redirectUri: `${h.publicUrl}/oauth/callback` },
    databasePath: h.databasePath,
    tokenEncryptionKey: randomBytes(32),
    notifications: { pollSeconds: 120 },
  };
  return {
    h,
    discord,
    config,
    deps: (overrides = {}) => ({
      config: { config: { ...config, ...overrides.config } },
      migrationsFolder,
      commands: commands.map((command) => command.definition),
      // The harness's own link service holds the key its tokens were sealed with.
      openToken: overrides.openToken ?? ((account) => openAccessToken(h.vault, account)),
      userAgent: 'anilink-test doctor',
      timeoutMs: 2_000,
    }),
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
    const token = (await linkThroughAniList(w.h)).token();
    const results = await runDoctor(w.deps());
    expect(failedNames(results)).toEqual([]);
    expect(results.map((r) => r.name)).toEqual([
      'Configuration',
      'Database',
      'Discord token',
      'Slash commands',
      'AniList client',
      'AniList redirect URL',
      'Public URL',
      'Encryption key',
      'Notifications',
    ]);
    const report = formatReport(results);
    expect(report).toContain(`✓ AniList redirect URL: paste exactly ${w.h.publicUrl}/oauth/callback as the Redirect URL`);
    expect(report).toContain(`application id ${w.discord.applicationId}`);
    expect(report).toContain('✓ Encryption key: TOKEN_ENCRYPTION_KEY opens the stored tokens');
    expect(report.trimEnd().endsWith('All checks passed.')).toBe(true);
    expect(report).not.toContain(token);
    expect(report).not.toContain(DEFAULT_CLIENT_SECRET);
    expect(report).not.toContain(TEST_DISCORD_TOKEN);
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
      await runDoctor(w.deps({ config: { http: { publicUrl: w.h.publicUrl, redirectUri: 'https://elsewhere.example/oauth/callback' } } })),
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
    expect(failedNames(Object.values(results))).toEqual(['Public URL']);
  });

  it('a key that cannot open the stored token: ✗, with the way out', async () => {
    const w = await world();
    await linkThroughAniList(w.h);
    const otherKey = createStoredTokenOpener({ key: randomBytes(32) });
    const results = await runDoctor(w.deps({ openToken: (account) => otherKey(account) }));
    expect(failedNames(results)).toEqual(['Encryption key']);
    expect(byName(results)['Encryption key']!.fix).toContain('restore the TOKEN_ENCRYPTION_KEY');
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
    expect(report).toMatch(/^✗ Configuration: 4 problems:\n {4}- DISCORD_TOKEN is required/);
    expect(report).toContain('TOKEN_ENCRYPTION_KEY');
    expect(results.every((result) => !result.ok)).toBe(true);
    expect(report).toContain('9 checks failed.');
  });

  it('commands not registered, or out of date: ✗ naming them, fix = commands:deploy', async () => {
    const w = await world({ register: false });
    expect(byName(await runDoctor(w.deps()))['Slash commands']).toMatchObject({
      ok: false,
      detail: `registered globally but missing ${commands.map((command) => `/${command.definition.name}`).join(', ')}`,
      fix: expect.stringContaining('npm run commands:deploy') as unknown,
    });
    const rest = new REST({ api: w.discord.apiUrl }).setToken(TEST_DISCORD_TOKEN);
    const changed = commands.map((command) => ({ ...command, definition: { ...command.definition, description: `${command.definition.description}!` } }));
    await registerCommands(rest, changed.slice(0, 2), { applicationId: w.discord.applicationId });
    const guildId = w.discord.guilds[0]!.id;
    await registerCommands(rest, commands, { applicationId: w.discord.applicationId, guildId });
    const names = commands.map((command) => `/${command.definition.name}`);
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
      ANILIST_CLIENT_ID: w.h.anilistFake.clientId,
      ANILIST_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
      ANILIST_OAUTH_URL: w.h.anilistFake.oauthUrl,
      PUBLIC_URL: w.h.publicUrl,
      DATABASE_PATH: w.h.databasePath,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
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
    expect(green.stdout.match(/^✓ /gm)).toHaveLength(9);
    expect(green.stdout).toContain('✓ Notifications: no member has opted in to notification DMs (/notifications)');
    expect(green.status).toBe(0);

    const broken = await run({ DISCORD_TOKEN: undefined });
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/^✗ Configuration: 1 problem:\n {4}- DISCORD_TOKEN is required/);
  });
});
