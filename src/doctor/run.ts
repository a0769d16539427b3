import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { createLinkedAccountsRepository, type LinkedAccount } from '../db/linked-accounts.js';
import { createAiringFeedsRepository } from '../db/airing-feeds.js';
import { createNotificationSubscriptionsRepository } from '../db/notification-subscriptions.js';
import * as schema from '../db/schema.js';
import {
  AIRING_FEED_CHECK,
  ANILIST_CREDENTIALS_CHECK,
  COMMANDS_CHECK,
  DATABASE_CHECK,
  DISCORD_CLIENT_CHECK,
  DISCORD_REDIRECT_URI_CHECK,
  DISCORD_TOKEN_CHECK,
  ENCRYPTION_KEY_CHECK,
  LINKED_ROLES_URL_CHECK,
  NOTIFICATIONS_CHECK,
  PUBLIC_URL_CHECK,
  REDIRECT_URI_CHECK,
  REVERSE_PROXY_CHECK,
  checkAiringFeeds,
  checkAniListCredentials,
  checkCommandsRegistered,
  checkConfiguration,
  checkDatabase,
  checkDiscordClient,
  checkDiscordToken,
  checkEncryptionKey,
  checkLinkedRolesUrl,
  checkNotificationPolls,
  checkPublicUrl,
  checkReverseProxy,
  discordRedirectUriNotice,
  redirectUriNotice,
  type CheckResult,
  type Fetch,
  type RegistryDefinition,
} from './checks.js';

export type { CheckResult } from './checks.js';

/** The parts of the bot's configuration the doctor looks at (structurally the same as `Config`). */
export interface DoctorConfig {
  readonly discord: {
    readonly token: string;
    readonly apiUrl: string;
    readonly guildId: string | undefined;
    readonly oauth: { readonly clientId: string | undefined; readonly clientSecret: string; readonly redirectUri: string };
  };
  readonly anilist: { readonly clientId: string; readonly clientSecret: string; readonly oauthUrl: string; readonly backgroundShare: number };
  readonly http: { readonly publicUrl: string; readonly redirectUri: string; readonly trustProxy: { readonly addresses: readonly string[] } | undefined };
  readonly databasePath: string;
  readonly tokenEncryptionKey: Buffer;
  readonly notifications: { readonly pollSeconds: number };
  readonly airingFeed: { readonly pollSeconds: number };
}

export interface DoctorDeps {
  /** The parsed configuration, or the problems that stopped it from parsing. */
  config: { config: DoctorConfig; problems?: undefined } | { config?: undefined; problems: readonly string[] };
  migrationsFolder: string;
  commands: readonly RegistryDefinition[];
  /** Opens a stored token with the configured key (see createStoredTokenOpener). */
  openToken: (account: LinkedAccount, key: Buffer) => string;
  userAgent: string;
  fetch?: Fetch;
  timeoutMs?: number;
  /** Now, for how long ago the last polls were (default: the system clock). */
  clock?: () => Date;
}

const ALL_CHECKS = [
  DATABASE_CHECK,
  DISCORD_TOKEN_CHECK,
  COMMANDS_CHECK,
  DISCORD_CLIENT_CHECK,
  DISCORD_REDIRECT_URI_CHECK,
  ANILIST_CREDENTIALS_CHECK,
  REDIRECT_URI_CHECK,
  PUBLIC_URL_CHECK,
  REVERSE_PROXY_CHECK,
  LINKED_ROLES_URL_CHECK,
  ENCRYPTION_KEY_CHECK,
  NOTIFICATIONS_CHECK,
  AIRING_FEED_CHECK,
];

/** Every check in order. Never throws: whatever goes wrong becomes a ✗ line. */
export async function runDoctor(deps: DoctorDeps): Promise<CheckResult[]> {
  const results: CheckResult[] = [checkConfiguration(deps.config)];
  const { config } = deps.config;
  if (!config) {
    return [...results, ...ALL_CHECKS.map((name) => ({ name, ok: false, detail: 'not checked', fix: 'fix the configuration first' }))];
  }
  const net = { fetch: deps.fetch ?? fetch, timeoutMs: deps.timeoutMs ?? 5_000 };

  const database = checkDatabase({ path: config.databasePath, migrationsFolder: deps.migrationsFolder });
  results.push(database);

  const discordTarget = { apiUrl: config.discord.apiUrl, token: config.discord.token, ...net };
  const [discord, anilist, publicUrl] = await Promise.all([
    checkDiscordToken(discordTarget),
    checkAniListCredentials({
      oauthUrl: config.anilist.oauthUrl,
      clientId: config.anilist.clientId,
      clientSecret: config.anilist.clientSecret,
      redirectUri: config.http.redirectUri,
      userAgent: deps.userAgent,
      ...net,
    }),
    checkPublicUrl({ publicUrl: config.http.publicUrl, ...net }),
  ]);
  results.push(discord.result);
  results.push(
    discord.applicationId
      ? await checkCommandsRegistered({ ...discordTarget, applicationId: discord.applicationId, guildId: config.discord.guildId, commands: deps.commands })
      : { name: COMMANDS_CHECK, ok: false, detail: 'not checked', fix: 'fix the Discord token first' },
  );
  // The sign-in's client is the application itself unless DISCORD_CLIENT_ID says otherwise.
  const discordClientId = config.discord.oauth.clientId ?? discord.applicationId;
  results.push(
    discordClientId
      ? await checkDiscordClient({
          apiUrl: config.discord.apiUrl,
          clientId: discordClientId,
          clientSecret: config.discord.oauth.clientSecret,
          redirectUri: config.discord.oauth.redirectUri,
          userAgent: deps.userAgent,
          ...net,
        })
      : { name: DISCORD_CLIENT_CHECK, ok: false, detail: 'not checked', fix: 'fix the Discord token first (or set DISCORD_CLIENT_ID)' },
    discordRedirectUriNotice(config.discord.oauth.redirectUri),
  );
  results.push(anilist, redirectUriNotice(config.http.redirectUri), publicUrl.result, checkReverseProxy(publicUrl.proxy, config.http.trustProxy));
  results.push(
    publicUrl.result.ok
      ? await checkLinkedRolesUrl({ publicUrl: config.http.publicUrl, ...net })
      : { name: LINKED_ROLES_URL_CHECK, ok: false, detail: `not checked; once reachable, paste exactly ${config.http.publicUrl}/linked-role as the Linked Roles Verification URL (developer portal → General Information)`, fix: 'fix the Public URL line first' },
  );
  const notReadable = (name: string): CheckResult => ({ name, ok: false, detail: 'not checked: the database is not usable yet', fix: 'fix the Database line first' });
  results.push(database.ok ? keyCheck(config, deps) : notReadable(ENCRYPTION_KEY_CHECK));
  const now = (deps.clock ?? (() => new Date()))();
  results.push(database.ok ? notificationsCheck(config, now) : notReadable(NOTIFICATIONS_CHECK));
  results.push(database.ok ? airingFeedCheck(config, now) : notReadable(AIRING_FEED_CHECK));
  return results;
}

function withDatabase<T>(path: string, read: (db: ReturnType<typeof drizzle<typeof schema>>) => T): T {
  const sqlite = new Database(path, { fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 3000');
    return read(drizzle(sqlite, { schema }));
  } finally {
    sqlite.close();
  }
}

function notificationsCheck(config: DoctorConfig, now: Date): CheckResult {
  try {
    const state = withDatabase(config.databasePath, (db) => createNotificationSubscriptionsRepository(db).backgroundState(now));
    return checkNotificationPolls({ state, now, pollSeconds: config.notifications.pollSeconds, backgroundShare: config.anilist.backgroundShare });
  } catch (error) {
    return { name: NOTIFICATIONS_CHECK, ok: false, detail: `cannot read the notification polls: ${(error as Error).message}`, fix: 'check the Database line above' };
  }
}

function airingFeedCheck(config: DoctorConfig, now: Date): CheckResult {
  try {
    const counts = withDatabase(config.databasePath, (db) => createAiringFeedsRepository(db).counts());
    return checkAiringFeeds({ counts, now, pollSeconds: config.airingFeed.pollSeconds, backgroundShare: config.anilist.backgroundShare });
  } catch (error) {
    return { name: AIRING_FEED_CHECK, ok: false, detail: `cannot read the airing feeds: ${(error as Error).message}`, fix: 'check the Database line above' };
  }
}

function keyCheck(config: DoctorConfig, deps: DoctorDeps): CheckResult {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(config.databasePath, { fileMustExist: true });
    sqlite.pragma('busy_timeout = 3000');
    const sample = createLinkedAccountsRepository(drizzle(sqlite, { schema })).findMostRecent();
    return checkEncryptionKey({ sample, openToken: (account) => deps.openToken(account, config.tokenEncryptionKey) });
  } catch (error) {
    return { name: ENCRYPTION_KEY_CHECK, ok: false, detail: `cannot read the linked accounts: ${(error as Error).message}`, fix: 'check the Database line above' };
  } finally {
    sqlite?.close();
  }
}

/** The report: a ✓/✗ line per check, the fix indented under each ✗, and a closing verdict. */
export function formatReport(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const [first, ...rest] = result.detail.split('\n');
    const mark = !result.ok ? '✗' : result.warning ? '!' : '✓';
    lines.push(`${mark} ${result.name}: ${first ?? ''}`, ...rest.map((line) => `  ${line}`));
    if ((!result.ok || result.warning) && result.fix) lines.push(`    fix: ${result.fix}`);
  }
  const failed = results.filter((result) => !result.ok).length;
  const warnings = results.filter((result) => result.ok && result.warning).length;
  const warned = warnings === 0 ? '' : ` (${warnings} warning${warnings === 1 ? '' : 's'})`;
  lines.push('', failed === 0 ? `All checks passed${warned}.` : `${failed} check${failed === 1 ? '' : 's'} failed${warned}.`);
  return `${lines.join('\n')}\n`;
}
