/**
 * The one builder of the application. `main.ts` (single process or sharding manager), `shard.ts`, the test
 * harnesses and the benchmark children all wire the bot here, so every one of them runs the real wiring.
 *
 * buildApp builds; it starts nothing. The caller owns what it passed in (database, limiter, REST) and decides when
 * to listen, connect and start the background jobs.
 */
import { hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { REST } from 'discord.js';
import type { FastifyInstance } from 'fastify';
import { createCommandDeps, type Command } from '../commands/command.js';
import { commands as registry } from '../commands/index.js';
import type { ServerViewsTuning } from '../commands/media/server-views.js';
import { createAniListClient, type AniListClient, type AniListClientOptions, type RateLimiter } from './anilist/index.js';
import { createInteractionDispatcher, type InteractionDispatcher } from './bot/dispatcher.js';
import { createInteractionReplies } from './bot/interaction-replies.js';
import { createMemberLookup } from './bot/member-lookup.js';
import { registerCommands } from './bot/register-commands.js';
import type { Config } from './config.js';
import { createTokenVault } from './crypto/vault.js';
import type { OpenDatabase } from './db/database.js';
import { createGuildMembersRepository } from './db/guild-members.js';
import { createLinkRequestsRepository } from './db/link-requests.js';
import { createLinkedAccountsRepository } from './db/linked-accounts.js';
import { createDirectMessages } from './expiry/direct-messages.js';
import { createExpiryReminders, type ExpiryReminders } from './expiry/reminders.js';
import { buildServer, type ServerDeps } from './http/server.js';
import { createTranslations, type Translations } from './i18n/index.js';
import { createDiscordOAuth } from './linking/discord-oauth.js';
import { createViewerIdentifier } from './linking/identify-viewer.js';
import { createLinkService, type InteractionReplies, type LinkService } from './linking/link-service.js';
import { createTokenExchange } from './linking/token-exchange.js';
import type { Logger } from './logger.js';
import { buildMetricsServer } from './metrics/http.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { projectRoot } from './paths.js';
import { createServerMembership, type ServerMembership, type ServerMembershipTuning } from './servers/membership.js';

const PURGE_INTERVAL_MS = 10 * 60_000;

export interface AppDeps {
  config: Config;
  db: OpenDatabase;
  /** The shared AniList budget: the real limiter, or inside a shard the one that asks the manager for permits. */
  limiter: RateLimiter;
  /** Discord REST with the bot token (DMs, command registration); interaction webhooks go through it without auth. */
  rest: REST;
  logger: Logger;
  clock: () => Date;
  /** The gateway's state for /healthz, e.g. "ready" or "2/2 shards ready". */
  gatewayStatus: () => string;
  /**
   * 'main' builds everything; 'shard' only what answers interactions (the sharding manager runs the web server,
   * metrics and background jobs once for all shards).
   */
  process?: 'main' | 'shard';
  /** The slash-command registry (default: every command in commands/index.ts). */
  commands?: readonly Command[];
  /** Knobs that are not configuration: tests and benchmarks turn them; production uses the defaults. */
  tuning?: AppTuning;
}

export interface AppTuning {
  anilistClient?: Pick<AniListClientOptions, 'cacheTtlMs' | 'cacheMaxEntries' | 'timeoutMs' | 'maxListEntries'>;
  /** Failed link requests allowed per client address (unknown or expired ids and states, malformed requests). */
  httpRateLimit?: ServerDeps['rateLimit'];
  /** Replaces the Discord webhook edits of /link replies (tests record them instead). */
  replies?: InteractionReplies;
  membership?: ServerMembershipTuning;
  serverViews?: ServerViewsTuning;
}

export interface App {
  readonly links: LinkService;
  readonly anilist: AniListClient;
  /** Which linked members used the bot in which server. */
  readonly membership: ServerMembership;
  readonly dispatch: InteractionDispatcher;
  readonly commands: readonly Command[];
  /** The message catalogues the bot speaks from. */
  readonly i18n: Translations;
  /** The public web server (not listening yet); absent in a shard. */
  readonly server: FastifyInstance | undefined;
  /** The separate /metrics listener when METRICS_PORT is set (not listening yet). */
  readonly metricsServer: FastifyInstance | undefined;
  readonly metrics: Metrics | undefined;
  /**
   * Once connected to Discord: starts the background jobs and registers the slash commands (when allowed).
   * Resolves when the registration is done or has failed (logged); never rejects.
   */
  start(target: { applicationId: string }): Promise<void>;
  /** Stops the background jobs and closes the HTTP servers. The caller closes what it passed in. */
  close(): Promise<void>;
}

/** What AniList sees as our User-Agent: the version and where the bot runs. */
export function userAgentFor(config: Config): string {
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  return `anilink/${version} (self-hosted Discord bot; +${config.http.publicUrl})`;
}

/** What Discord asks API clients to send: `DiscordBot ($url, $versionNumber)`. */
export function discordUserAgentFor(config: Config): string {
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  return `DiscordBot (${config.http.publicUrl}, ${version}) anilink`;
}

/** A separate key for signing cookies, derived so admins manage one secret only. */
export function cookieSecretFor(config: Config): string {
  return Buffer.from(hkdfSync('sha256', config.tokenEncryptionKey, 'anilink', 'cookie-signing', 32)).toString('base64url');
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, db, rest, logger, clock } = deps;
  const isMain = (deps.process ?? 'main') === 'main';
  const commands = deps.commands ?? registry;
  const userAgent = userAgentFor(config);
  // The message catalogues: every reply, page and command text in the member's language.
  const i18n = createTranslations();
  const accounts = createLinkedAccountsRepository(db.db);

  const metrics =
    isMain && config.metrics.enabled
      ? createMetrics({
          limiterStats: () => deps.limiter.stats(),
          linkedMembers: () => ({ total: accounts.count(), tokenRejected: accounts.countTokenRejected() }),
        })
      : undefined;
  const anilist = createAniListClient({
    ...deps.tuning?.anilistClient,
    endpoint: config.anilist.apiUrl,
    userAgent,
    referer: `${config.http.publicUrl}/`,
    // Observed from outside: every request counted by outcome (429s included) and its queueing time measured.
    limiter: metrics ? metrics.observeLimiter(deps.limiter) : deps.limiter,
    logger: logger.child({ component: 'anilist' }),
  });

  const dms = createDirectMessages(rest);
  const links = createLinkService({
    linkRequests: createLinkRequestsRepository(db.db),
    accounts,
    vault: createTokenVault({ keys: [config.tokenEncryptionKey] }),
    exchangeToken: createTokenExchange({
      oauthUrl: config.anilist.oauthUrl,
      clientId: config.anilist.clientId,
      clientSecret: config.anilist.clientSecret,
      redirectUri: config.http.redirectUri,
      userAgent,
    }),
    identifyViewer: createViewerIdentifier(anilist),
    replies: deps.tuning?.replies ?? createInteractionReplies(rest),
    discordOAuth: createDiscordOAuth({
      apiUrl: config.discord.apiUrl,
      oauthUrl: config.discord.oauth.oauthUrl,
      clientSecret: config.discord.oauth.clientSecret,
      redirectUri: config.discord.oauth.redirectUri,
      userAgent: discordUserAgentFor(config),
    }),
    discordClientId: config.discord.oauth.clientId,
    dms,
    eraseDeleted: () => db.checkpoint(),
    clock,
    logger: logger.child({ component: 'link' }),
    i18n,
    oauth: {
      publicUrl: config.http.publicUrl,
      authorizeUrl: `${config.anilist.oauthUrl}/authorize`,
      clientId: config.anilist.clientId,
      redirectUri: config.http.redirectUri,
    },
  });

  const membership = createServerMembership({
    repository: createGuildMembersRepository(db.db),
    links,
    lookup: createMemberLookup(rest, logger.child({ component: 'membership' })),
    clock,
    logger: logger.child({ component: 'membership' }),
    tuning: deps.tuning?.membership,
  });

  const dispatch = createInteractionDispatcher({
    commands,
    deps: createCommandDeps({ links, anilist, membership, clock, i18n, logger: logger.child({ component: 'commands' }), tuning: { serverViews: deps.tuning?.serverViews } }),
    logger: logger.child({ component: 'bot' }),
    observer: metrics?.interactions,
    // Every interaction in a server proves the member is in it: the only member list a bot without the
    // privileged intent has.
    onGuildInteraction: (guildId, discordUserId) => membership.recordSeen(guildId, discordUserId),
  });

  if (!isMain) {
    return {
      links,
      anilist,
      membership,
      dispatch,
      commands,
      i18n,
      server: undefined,
      metricsServer: undefined,
      metrics: undefined,
      start: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
  }

  const reminders: ExpiryReminders | undefined =
    config.expiryReminderDays > 0
      ? createExpiryReminders({
          accounts,
          dms,
          clock,
          logger: logger.child({ component: 'expiry-reminders' }),
          i18n,
          reminderDays: config.expiryReminderDays,
          onReminder: metrics ? (outcome) => metrics.reminder(outcome) : undefined,
        })
      : undefined;

  // On the public port only behind a bearer token: member counts and internals are nobody else's business.
  const metricsOnPublicPort = metrics && config.metrics.port === undefined && config.metrics.token !== undefined;
  if (metrics && config.metrics.port === undefined && config.metrics.token === undefined) {
    logger.warn('metrics are collected but not served: set METRICS_PORT (a separate listener) or METRICS_TOKEN (bearer token on PORT) to scrape /metrics, or METRICS=false to silence this');
  }
  const server = await buildServer({
    logger,
    links,
    publicUrl: config.http.publicUrl,
    cookieSecret: cookieSecretFor(config),
    trustProxy: config.http.trustProxy,
    rateLimit: deps.tuning?.httpRateLimit,
    health: () => ({ database: db.isHealthy() ? 'ok' : 'error', gateway: deps.gatewayStatus() }),
    i18n,
    metrics: metricsOnPublicPort ? { registry: metrics.registry, token: config.metrics.token } : undefined,
  });
  const metricsServer =
    metrics && config.metrics.port !== undefined
      ? await buildMetricsServer({ registry: metrics.registry, token: config.metrics.token, logger })
      : undefined;

  let purgeTimer: ReturnType<typeof setInterval> | undefined;
  return {
    links,
    anilist,
    membership,
    dispatch,
    commands,
    i18n,
    server,
    metricsServer,
    metrics,
    async start({ applicationId }) {
      // Daily, and once shortly after start.
      reminders?.start();
      purgeTimer ??= setInterval(() => {
        try {
          links.purgeExpiredRequests();
        } catch (error) {
          logger.warn({ err: error }, 'could not purge expired link requests');
        }
      }, PURGE_INTERVAL_MS);
      purgeTimer.unref();
      if (!config.discord.registerCommands) return;
      await registerCommands(rest, commands, { applicationId, guildId: config.discord.guildId }, i18n).then(
        (count) => logger.info({ count, scope: config.discord.guildId ? `guild ${config.discord.guildId}` : 'global' }, 'slash commands registered'),
        (error: unknown) => logger.error({ err: error }, 'could not register slash commands; existing registrations stay in place'),
      );
    },
    async close() {
      clearInterval(purgeTimer);
      reminders?.stop();
      await server.close();
      await metricsServer?.close();
    },
  };
}
