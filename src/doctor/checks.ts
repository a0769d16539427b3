import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { CommandDefinition, UserCommandDefinition } from '../../commands/command.js';
import type { LinkedAccount } from '../db/linked-accounts.js';
import type { AiringFeedCounts } from '../db/airing-feeds.js';
import type { NotificationBackgroundState } from '../db/notification-subscriptions.js';

/** One line of the doctor's report. `fix` says what to do when `ok` is false, or when `warning` is set. */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** Works, but probably not as meant (printed with `!`; the exit code stays 0). */
  warning?: boolean;
  detail: string;
  fix?: string | undefined;
}

export type Fetch = typeof fetch;

const DEFAULT_TIMEOUT_MS = 5_000;

const pass = (name: string, detail: string): CheckResult => ({ name, ok: true, detail });
const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, ok: false, detail, fix });
const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, ok: true, warning: true, detail, fix });

function describeFetchError(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'no answer within the timeout';
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(error);
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration

export const CONFIG_CHECK = 'Configuration';

export function checkConfiguration(outcome: { problems: readonly string[] } | { problems?: undefined }): CheckResult {
  if (!outcome.problems) return pass(CONFIG_CHECK, 'valid (environment and .env)');
  return fail(
    CONFIG_CHECK,
    `${outcome.problems.length} problem${outcome.problems.length === 1 ? '' : 's'}:\n${outcome.problems.map((problem) => `  - ${problem}`).join('\n')}`,
    'set these in .env or the environment (see .env.example), then run the doctor again',
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Database

export const DATABASE_CHECK = 'Database';

/**
 * The file (or, before the first start, its folder) is writable and every migration this version ships has been
 * applied. Opens the file without creating or migrating it: the doctor changes nothing.
 */
export function checkDatabase({ path, migrationsFolder }: { path: string; migrationsFolder: string }): CheckResult {
  if (path === ':memory:') return fail(DATABASE_CHECK, 'DATABASE_PATH is :memory:, so nothing survives a restart', 'set DATABASE_PATH to a file, e.g. ./data/anilink.sqlite');
  const file = resolve(path);
  const folder = dirname(file);
  if (!existsSync(file)) {
    const ancestor = nearestExisting(folder);
    if (!writable(ancestor)) {
      return fail(DATABASE_CHECK, `${file} does not exist and ${ancestor} is not writable`, `create ${folder} and make it writable by the bot's user (e.g. chown), or change DATABASE_PATH`);
    }
    return fail(DATABASE_CHECK, `${file} does not exist yet (its folder is writable)`, 'start the bot once (npm start): it creates the file and runs the migrations');
  }
  if (!writable(file) || !writable(folder)) {
    return fail(
      DATABASE_CHECK,
      `${file} or its folder is not writable (SQLite also writes -wal and -shm files next to it)`,
      `make ${folder} and the files in it writable by the bot's user (e.g. chown), or change DATABASE_PATH`,
    );
  }
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file, { fileMustExist: true });
    sqlite.pragma('busy_timeout = 3000');
    // Taking the write lock proves writes would work (read-only mounts, locked files) without writing anything.
    sqlite.exec('BEGIN IMMEDIATE; ROLLBACK;');
    const known = readMigrationFiles({ migrationsFolder }).map((migration) => migration.folderMillis);
    const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get() !== undefined;
    const last = hasTable
      ? ((sqlite.prepare('SELECT MAX(created_at) AS last FROM __drizzle_migrations').get() as { last: number | null }).last ?? 0)
      : 0;
    const pending = known.filter((millis) => millis > last).length;
    const newest = Math.max(0, ...known);
    if (last > newest) {
      return fail(
        DATABASE_CHECK,
        `${file} was migrated by a newer anilink than this one`,
        'run the newer version again, or restore a backup taken before the upgrade (see README → Backups)',
      );
    }
    if (pending > 0) {
      return fail(
        DATABASE_CHECK,
        `${file} is writable but ${pending} of ${known.length} migrations are not applied yet`,
        'start the bot (npm start): migrations run at every start',
      );
    }
    return pass(DATABASE_CHECK, `${file} is writable and migrated (${known.length} migration${known.length === 1 ? '' : 's'})`);
  } catch (error) {
    return fail(DATABASE_CHECK, `cannot use ${file}: ${(error as Error).message}`, 'check DATABASE_PATH, the file permissions, and that no other program holds the database locked');
  } finally {
    sqlite?.close();
  }
}

function nearestExisting(folder: string): string {
  let current = folder;
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Discord

export const DISCORD_TOKEN_CHECK = 'Discord token';

export interface DiscordTarget {
  /** DISCORD_API_URL; `/v10` is appended as discord.js does. */
  apiUrl: string;
  token: string;
  fetch?: Fetch;
  timeoutMs?: number;
}

async function discordGet(target: DiscordTarget, path: string): Promise<{ status: number; body: unknown }> {
  const response = await (target.fetch ?? fetch)(`${target.apiUrl}/v10${path}`, {
    headers: { authorization: `Bot ${target.token}`, accept: 'application/json' },
    signal: AbortSignal.timeout(target.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
  const body: unknown = await response.json().catch(() => undefined);
  return { status: response.status, body };
}

/** `GET /users/@me` proves the token; `GET /applications/@me` gives the application id. */
export async function checkDiscordToken(target: DiscordTarget): Promise<{ result: CheckResult; applicationId?: string }> {
  try {
    const me = await discordGet(target, '/users/@me');
    if (me.status === 401) {
      return {
        result: fail(
          DISCORD_TOKEN_CHECK,
          'Discord rejected DISCORD_TOKEN (401 Unauthorized)',
          'Discord developer portal → your application → Bot → Reset Token, and put the new token in DISCORD_TOKEN (without "Bot ")',
        ),
      };
    }
    if (me.status !== 200) {
      return { result: fail(DISCORD_TOKEN_CHECK, `GET /users/@me answered HTTP ${me.status}`, 'check DISCORD_API_URL and Discord\'s status (https://discordstatus.com), then try again') };
    }
    const user = me.body as { id?: string; username?: string; bot?: boolean };
    if (user.bot === false) {
      return { result: fail(DISCORD_TOKEN_CHECK, `the token belongs to the user account ${user.username ?? '?'}, not a bot`, 'use the token from the Bot page of your application') };
    }
    const app = await discordGet(target, '/applications/@me');
    const applicationId = (app.body as { id?: unknown } | undefined)?.id;
    if (app.status !== 200 || typeof applicationId !== 'string') {
      return { result: fail(DISCORD_TOKEN_CHECK, `accepted as ${user.username ?? '?'}, but GET /applications/@me answered HTTP ${app.status}`, 'check DISCORD_API_URL, then try again') };
    }
    return { result: pass(DISCORD_TOKEN_CHECK, `accepted: bot ${user.username ?? '?'} (${user.id ?? '?'}), application id ${applicationId}`), applicationId };
  } catch (error) {
    return {
      result: fail(DISCORD_TOKEN_CHECK, `cannot reach ${target.apiUrl}: ${describeFetchError(error)}`, 'check the network (DNS, firewall, proxy) and DISCORD_API_URL'),
    };
  }
}

export const COMMANDS_CHECK = 'Slash commands';

/** Any command definition the registry holds: slash commands and member context menus. */
export type RegistryDefinition = CommandDefinition | UserCommandDefinition;

/** Discord keeps one namespace per command type: a slash command and a member menu may share a name. */
function commandKey(command: { readonly type?: unknown; readonly name?: unknown }): string {
  return `${typeof command.type === 'number' ? command.type : 1}:${String(command.name)}`;
}

/** How the doctor names a command: `/list`, or “AniList profile” (member menu). */
export function commandLabel(command: { readonly type?: unknown; readonly name?: unknown }): string {
  return command.type === 2 ? `“${String(command.name)}” (member menu)` : `/${String(command.name)}`;
}

/** Compares the registry with what Discord has registered (globally, or in DISCORD_GUILD_ID). */
export async function checkCommandsRegistered(
  target: DiscordTarget & { applicationId: string; guildId?: string | undefined; commands: readonly RegistryDefinition[] },
): Promise<CheckResult> {
  const scope = target.guildId ? `in guild ${target.guildId}` : 'globally';
  const fix = 'run `npm run commands:deploy` (or start the bot with REGISTER_COMMANDS=true, the default)';
  try {
    const path = target.guildId ? `/applications/${target.applicationId}/guilds/${target.guildId}/commands` : `/applications/${target.applicationId}/commands`;
    const answer = await discordGet(target, path);
    if (answer.status !== 200 || !Array.isArray(answer.body)) {
      const hint = answer.status === 403 ? '; is the bot in that server (DISCORD_GUILD_ID)?' : '';
      return fail(COMMANDS_CHECK, `GET ${scope} commands answered HTTP ${answer.status}${hint}`, target.guildId ? 'add the bot to the server named by DISCORD_GUILD_ID, or clear DISCORD_GUILD_ID' : fix);
    }
    const registered = new Map((answer.body as Record<string, unknown>[]).map((c) => [commandKey(c), c]));
    const missing = target.commands.filter((c) => !registered.has(commandKey(c))).map(commandLabel);
    const changed = target.commands
      .filter((c) => registered.has(commandKey(c)) && JSON.stringify(commandShape(c)) !== JSON.stringify(commandShape(registered.get(commandKey(c))!)))
      .map(commandLabel);
    const keys = new Set(target.commands.map(commandKey));
    const stale = [...registered.entries()].filter(([key]) => !keys.has(key)).map(([, c]) => commandLabel(c));
    if (missing.length + changed.length + stale.length === 0) {
      return pass(COMMANDS_CHECK, `all ${target.commands.length} registered ${scope} and up to date`);
    }
    const parts = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      changed.length ? `out of date ${changed.join(', ')}` : '',
      stale.length ? `no longer offered ${stale.join(', ')}` : '',
    ].filter(Boolean);
    return fail(COMMANDS_CHECK, `registered ${scope} but ${parts.join('; ')}`, fix);
  } catch (error) {
    return fail(COMMANDS_CHECK, `cannot reach ${target.apiUrl}: ${describeFetchError(error)}`, 'check the network and DISCORD_API_URL');
  }
}

/** The parts of a command a member sees; Discord adds ids, versions and defaults we do not compare. */
function commandShape(command: object): unknown {
  const c = command as Record<string, unknown>;
  return { name: c.name, description: c.description ?? '', options: optionsShape(c.options) };
}

function optionsShape(options: unknown): unknown {
  if (!Array.isArray(options)) return [];
  return (options as Record<string, unknown>[]).map((o) => ({
    type: o.type,
    name: o.name,
    description: o.description ?? '',
    required: o.required === true,
    autocomplete: o.autocomplete === true,
    choices: Array.isArray(o.choices) ? (o.choices as Record<string, unknown>[]).map((choice) => [choice.name, choice.value]) : [],
    min: o.min_value ?? o.min_length ?? null,
    max: o.max_value ?? o.max_length ?? null,
    options: optionsShape(o.options),
  }));
}

export const DISCORD_CLIENT_CHECK = 'Discord sign-in';
export const DISCORD_REDIRECT_URI_CHECK = 'Discord redirect URL';

/** An OAuth2 client as the doctor probes it (see probeTokenEndpoint). */
interface OAuthClientProbe {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  userAgent: string;
  fetch?: Fetch;
  timeoutMs?: number;
}

export interface DiscordClientCredentials extends OAuthClientProbe {
  apiUrl: string;
}

/**
 * A token request with a deliberately bogus code: Discord authenticates the client first, so `invalid_client` (or a
 * 401) means a wrong client id or secret, while `invalid_grant` is about the code and proves the client was accepted.
 */
export async function checkDiscordClient(target: DiscordClientCredentials): Promise<CheckResult> {
  const portal = 'the Discord developer portal → your application → OAuth2';
  const answer = await probeTokenEndpoint(`${target.apiUrl}/v10/oauth2/token`, target);
  if (answer.kind === 'unreachable') {
    return fail(DISCORD_CLIENT_CHECK, `cannot reach ${target.apiUrl}: ${answer.reason}`, 'check the network and DISCORD_API_URL');
  }
  if (answer.kind === 'client rejected') {
    return fail(
      DISCORD_CLIENT_CHECK,
      `Discord rejected client ${target.clientId} (invalid_client)`,
      `put the Client Secret from ${portal} in DISCORD_CLIENT_SECRET (and leave DISCORD_CLIENT_ID empty, or set it to the same application's id)`,
    );
  }
  if (answer.status === 400 && answer.error === 'invalid_grant') {
    return pass(DISCORD_CLIENT_CHECK, `client ${target.clientId} accepted (DISCORD_CLIENT_SECRET matches)`);
  }
  return fail(
    DISCORD_CLIENT_CHECK,
    `unexpected answer from ${target.apiUrl}/v10/oauth2/token: HTTP ${answer.status}${answer.error ? ` ${answer.error}` : ''}`,
    answer.status >= 500 ? 'Discord may be down; try again later' : 'check DISCORD_API_URL (default https://discord.com/api)',
  );
}

type TokenProbeAnswer =
  | { kind: 'unreachable'; reason: string }
  | { kind: 'client rejected' }
  | { kind: 'answered'; status: number; error: string | undefined };

/**
 * An OAuth2 authorization-code exchange with a deliberately bogus code, as Discord and AniList both read it: the
 * client is authenticated first, so `invalid_client` (or a 401) is about the client id, secret or redirect URI,
 * and any other answer is about the code.
 */
async function probeTokenEndpoint(url: string, target: OAuthClientProbe): Promise<TokenProbeAnswer> {
  try {
    const response = await (target.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': target.userAgent },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'anilink-doctor-deliberately-invalid-code',
        redirect_uri: target.redirectUri,
        client_id: target.clientId,
        client_secret: target.clientSecret,
      }),
      signal: AbortSignal.timeout(target.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => undefined)) as { error?: unknown } | undefined;
    const error = typeof body?.error === 'string' ? body.error : undefined;
    if (error === 'invalid_client' || response.status === 401) return { kind: 'client rejected' };
    return { kind: 'answered', status: response.status, error };
  } catch (error) {
    return { kind: 'unreachable', reason: describeFetchError(error) };
  }
}

/** Always ✓: the one value the admin must add in Discord's developer portal by hand. */
export function discordRedirectUriNotice(redirectUri: string): CheckResult {
  return pass(DISCORD_REDIRECT_URI_CHECK, `add exactly ${redirectUri} under OAuth2 → Redirects in the Discord developer portal`);
}

// ---------------------------------------------------------------------------------------------------------------
// AniList

export const ANILIST_CREDENTIALS_CHECK = 'AniList client';
export const REDIRECT_URI_CHECK = 'AniList redirect URL';

export interface AniListCredentials extends OAuthClientProbe {
  oauthUrl: string;
}

/**
 * A token request with a deliberately bogus code: AniList (league/oauth2-server) checks the client first, so
 * `invalid_client` (or a 401) means a wrong id, secret or redirect URL, while any other 400 is about the code
 * (`invalid_grant`, or `invalid_request` "Cannot decrypt the authorization code") and proves the client was accepted.
 */
export async function checkAniListCredentials(target: AniListCredentials): Promise<CheckResult> {
  const settings = 'https://anilist.co/settings/developer';
  const answer = await probeTokenEndpoint(`${target.oauthUrl}/token`, target);
  if (answer.kind === 'unreachable') {
    return fail(ANILIST_CREDENTIALS_CHECK, `cannot reach ${target.oauthUrl}: ${answer.reason}`, 'check the network and ANILIST_OAUTH_URL');
  }
  if (answer.kind === 'client rejected') {
    return fail(
      ANILIST_CREDENTIALS_CHECK,
      `AniList rejected client ${target.clientId} (invalid_client)`,
      `compare ANILIST_CLIENT_ID and ANILIST_CLIENT_SECRET with ${settings}, and check the client's Redirect URL is exactly ${target.redirectUri}`,
    );
  }
  if (answer.status === 400) {
    return pass(ANILIST_CREDENTIALS_CHECK, `client ${target.clientId} accepted (id, secret and redirect URL match)`);
  }
  return fail(
    ANILIST_CREDENTIALS_CHECK,
    `unexpected answer from ${target.oauthUrl}/token: HTTP ${answer.status}${answer.error ? ` ${answer.error}` : ''}`,
    answer.status >= 500 ? 'AniList may be down; try again later' : 'check ANILIST_OAUTH_URL (default https://anilist.co/api/v2/oauth)',
  );
}

/** Always ✓: the one value the admin must copy into AniList by hand. */
export function redirectUriNotice(redirectUri: string): CheckResult {
  return pass(REDIRECT_URI_CHECK, `paste exactly ${redirectUri} as the Redirect URL at https://anilist.co/settings/developer`);
}

// ---------------------------------------------------------------------------------------------------------------
// Public URL

export const PUBLIC_URL_CHECK = 'Public URL';

export const REVERSE_PROXY_CHECK = 'Reverse proxy';

/** A page of the bot's, asked for through PUBLIC_URL as a member's browser would. */
interface PublicPage {
  publicUrl: string;
  fetch?: Fetch;
  timeoutMs?: number;
}

/** What /healthz says about requests that came through a proxy the bot does not trust. */
export interface ProxyObservation {
  untrustedForwardedFor: boolean;
}

/** `/healthz` through PUBLIC_URL, i.e. through DNS, the reverse proxy and TLS: what a member's browser sees. */
export async function checkPublicUrl({ publicUrl, fetch: fetchImpl = fetch, timeoutMs = DEFAULT_TIMEOUT_MS }: PublicPage): Promise<{ result: CheckResult; proxy?: ProxyObservation }> {
  const url = `${publicUrl}/healthz`;
  const running = 'the bot must be running for this check (npm start, or docker start)';
  try {
    const response = await fetchImpl(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => undefined)) as
      | { status?: unknown; database?: unknown; gateway?: unknown; untrustedForwardedFor?: unknown }
      | undefined;
    const proxy = { untrustedForwardedFor: body?.untrustedForwardedFor === true };
    if (response.status === 200 && body?.status === 'ok') {
      return { result: pass(PUBLIC_URL_CHECK, `${url} answers: database ${String(body.database)}, gateway ${String(body.gateway)}`), proxy };
    }
    if (response.status === 503 && body?.status === 'degraded') {
      return { result: fail(PUBLIC_URL_CHECK, `${url} answers but reports the database as ${String(body.database)}`, 'check the bot\'s logs and the Database line above'), proxy };
    }
    return {
      result: fail(
        PUBLIC_URL_CHECK,
        `${url} answered HTTP ${response.status}, not anilink's health check`,
        'point PUBLIC_URL (and the reverse proxy) at the bot\'s HOST:PORT; ' + running,
      ),
    };
  } catch (error) {
    return { result: fail(PUBLIC_URL_CHECK, `${url} is unreachable: ${describeFetchError(error)}`, `${running}; then check DNS, the reverse proxy/TLS and the firewall in front of PORT`) };
  }
}

export const LINKED_ROLES_URL_CHECK = 'Linked roles verification URL';

/**
 * `/linked-role` through PUBLIC_URL, where Discord sends members from a server's Linked Roles menu: the admin pastes
 * it in the developer portal, so the check prints it and proves it leads to the Discord sign-in.
 */
export async function checkLinkedRolesUrl({ publicUrl, fetch: fetchImpl = fetch, timeoutMs = DEFAULT_TIMEOUT_MS }: PublicPage): Promise<CheckResult> {
  const url = `${publicUrl}/linked-role`;
  const paste = `paste exactly ${url} as the Linked Roles Verification URL (developer portal → General Information)`;
  try {
    const response = await fetchImpl(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    if (response.status === 200 && /<a class="button" href="[^"]*\/authorize\?/.test(body)) return pass(LINKED_ROLES_URL_CHECK, `${paste}; it answers with the Discord sign-in`);
    if (response.status === 502 || response.status === 503) {
      return fail(LINKED_ROLES_URL_CHECK, `${url} answers HTTP ${response.status}: the bot is not connected to Discord yet`, 'wait until the bot logs "connected to Discord", or set DISCORD_CLIENT_ID; then run the doctor again');
    }
    return fail(LINKED_ROLES_URL_CHECK, `${url} answered HTTP ${response.status}, not anilink's verification page`, `point PUBLIC_URL (and the reverse proxy) at the bot's HOST:PORT; then ${paste}`);
  } catch (error) {
    return fail(LINKED_ROLES_URL_CHECK, `${url} is unreachable: ${describeFetchError(error)}`, 'the bot must be running for this check (npm start, or docker start); then check the Public URL line');
  }
}

/**
 * Whether requests reach the bot from a reverse proxy it does not trust (this check's own /healthz request included):
 * then every member behind that proxy shares the proxy's address and one failure budget.
 */
export function checkReverseProxy(proxy: ProxyObservation | undefined, trustProxy: { addresses: readonly string[] } | undefined): CheckResult {
  if (!proxy) return fail(REVERSE_PROXY_CHECK, 'not checked', 'fix the Public URL line first');
  const trusted = trustProxy ? `TRUST_PROXY trusts ${trustProxy.addresses.join(', ')}` : 'TRUST_PROXY is not set';
  if (!proxy.untrustedForwardedFor) return pass(REVERSE_PROXY_CHECK, `${trusted}; no request came with X-Forwarded-For from another address`);
  return warn(
    REVERSE_PROXY_CHECK,
    `requests reach the bot with X-Forwarded-For from an address it does not trust (${trusted}), so every member behind that proxy shares one address and one rate limit`,
    'set TRUST_PROXY to your reverse proxy\'s address as the bot sees it (the bot logs it with the warning "a request came with X-Forwarded-For …"), e.g. TRUST_PROXY=172.17.0.1, and restart the bot',
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Encryption key

export const ENCRYPTION_KEY_CHECK = 'Encryption key';

/** Tries to open one stored token with the configured key. The token is never printed. */
export function checkEncryptionKey({
  sample,
  openToken,
}: {
  /** One linked account (any), or undefined when nobody has linked yet. */
  sample: LinkedAccount | undefined;
  openToken: (account: LinkedAccount) => string;
}): CheckResult {
  if (!sample) return pass(ENCRYPTION_KEY_CHECK, 'TOKEN_ENCRYPTION_KEY is set; no member has linked yet, so there is no stored token to try it on');
  try {
    const token = openToken(sample);
    if (token.length === 0) throw new Error('empty token');
    return pass(ENCRYPTION_KEY_CHECK, 'TOKEN_ENCRYPTION_KEY opens the stored tokens');
  } catch {
    return fail(
      ENCRYPTION_KEY_CHECK,
      'TOKEN_ENCRYPTION_KEY cannot open the stored tokens: it is not the key they were sealed with',
      'restore the TOKEN_ENCRYPTION_KEY the bot used before (from your backups); with a new key every member must run /link again',
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Background work: notification polls

export const NOTIFICATIONS_CHECK = 'Notifications';
/** Members must hear about a new episode within half an hour, however busy the bot is. */
export const MAX_POLL_AGE_MS = 30 * 60_000;

/** "45 s", "3 min", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 === 0 ? '' : ` ${minutes % 60} min`}`;
}

/**
 * The notification polls as the database records them: how many members opted in, how long the least recently
 * polled one has waited (the bot's schedule is one poll per NOTIFICATION_POLL_SECONDS, stretched under load), and
 * ✗ past 30 minutes, which means the bot is not running or the background budget cannot keep up.
 */
export function checkNotificationPolls({
  state,
  now,
  pollSeconds,
  backgroundShare,
}: {
  state: NotificationBackgroundState;
  now: Date;
  pollSeconds: number;
  backgroundShare: number;
}): CheckResult {
  if (state.optedIn === 0) return pass(NOTIFICATIONS_CHECK, 'no member has opted in to notification DMs (/notifications)');
  const members = `${state.optedIn} member${state.optedIn === 1 ? '' : 's'} opted in`;
  const paused = [
    state.pausedForToken > 0 ? `${state.pausedForToken} paused until they link again` : '',
    state.pausedForDms > 0 ? `${state.pausedForDms} paused until they open their DMs` : '',
  ].filter(Boolean);
  const pausedText = paused.length > 0 ? `; ${paused.join(', ')}` : '';
  if (backgroundShare <= 0) {
    return fail(
      NOTIFICATIONS_CHECK,
      `${members}, but ANILIST_BACKGROUND_SHARE=0 leaves background work no budget: nobody is polled`,
      'set ANILIST_BACKGROUND_SHARE above 0 (default 0.5; members\' commands still come first)',
    );
  }
  if (state.active === 0 || state.oldestPollAt === undefined) return pass(NOTIFICATIONS_CHECK, `${members}, none polled right now${pausedText}`);
  const age = now.getTime() - state.oldestPollAt.getTime();
  const detail = `${members}, oldest poll ${formatDuration(age)} ago (interval ${formatDuration(pollSeconds * 1000)})${pausedText}`;
  if (age <= MAX_POLL_AGE_MS) return pass(NOTIFICATIONS_CHECK, detail);
  return fail(
    NOTIFICATIONS_CHECK,
    `${detail}: members wait more than ${formatDuration(MAX_POLL_AGE_MS)} for their notifications`,
    'the bot polls only while it runs: start it if it is stopped (npm start). If it runs, check its logs for AniList errors; ' +
      `if there are none, ${state.active} members need more AniList budget than background work gets: raise ANILIST_BACKGROUND_SHARE ` +
      '(anilink_notifications_poll_lag_seconds on /metrics shows how far behind the polls are)',
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Background work: the servers' airing feeds

export const AIRING_FEED_CHECK = 'Airing feed';
/** A server must hear about an episode within the hour (AIRING_FEED_POLL_SECONDS is at most an hour). */
export const MAX_AIRING_CHECK_LAG_MS = 30 * 60_000;

/**
 * The airing feeds as the database records them: how many servers have one, how many stopped because Discord no
 * longer lets the bot post in their channel, posts waiting for Discord, and how late the shared check is (one per
 * AIRING_FEED_POLL_SECONDS for every server at once); ✗ past 30 minutes late, or with no background budget.
 */
export function checkAiringFeeds({
  counts,
  now,
  pollSeconds,
  backgroundShare,
}: {
  counts: AiringFeedCounts;
  now: Date;
  pollSeconds: number;
  backgroundShare: number;
}): CheckResult {
  const stopped = counts.disabled > 0 ? `; ${counts.disabled} stopped (the bot may not post in their channel; their admins were told by DM)` : '';
  if (counts.active === 0) return pass(AIRING_FEED_CHECK, `no server has an airing feed (/airing-feed)${stopped}`);
  const servers = `${counts.active} server${counts.active === 1 ? '' : 's'} with a feed${stopped}`;
  if (backgroundShare <= 0) {
    return fail(
      AIRING_FEED_CHECK,
      `${servers}, but ANILIST_BACKGROUND_SHARE=0 leaves background work no budget: nothing is announced`,
      "set ANILIST_BACKGROUND_SHARE above 0 (default 0.5; members' commands still come first)",
    );
  }
  const pending = counts.pending > 0 ? `, ${counts.pending} post${counts.pending === 1 ? '' : 's'} waiting for Discord` : '';
  const lagMs = counts.nextCheckAt === undefined ? 0 : Math.max(0, now.getTime() - counts.nextCheckAt.getTime());
  const detail = `${servers}${pending}, next check ${lagMs > 0 ? `${formatDuration(lagMs)} overdue` : 'on time'} (interval ${formatDuration(pollSeconds * 1000)})`;
  if (lagMs <= MAX_AIRING_CHECK_LAG_MS) return pass(AIRING_FEED_CHECK, detail);
  return fail(
    AIRING_FEED_CHECK,
    `${detail}: servers hear about new episodes more than ${formatDuration(MAX_AIRING_CHECK_LAG_MS)} late`,
    'the bot checks only while it runs: start it if it is stopped (npm start). If it runs, check its logs for AniList errors; ' +
      'if there are none, background work needs more AniList budget: raise ANILIST_BACKGROUND_SHARE ' +
      '(anilink_airing_feed_check_lag_seconds on /metrics shows how far behind the checks are)',
  );
}
