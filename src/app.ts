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
import { REST } from 'discord.js';
import type { FastifyInstance } from 'fastify';
import { createCommandDeps, type Command } from '../commands/command.js';
import { commands as registry } from '../commands/index.js';
import type { ServerViewsTuning } from '../commands/media/server-views.js';
import { createAiringFeed, createAiringFeedSettings, createChannelPoster, type AiringCheckOutcome, type AiringFeedTuning } from './airing/index.js';
import { createAniListClient, type AniListClient, type AniListClientOptions, type RateLimiter } from './anilist/index.js';
import { createBackgroundScheduler, type BackgroundScheduler } from './background/scheduler.js';
import { createInteractionDispatcher, type InteractionDispatcher } from './bot/dispatcher.js';
import type { GatewayState } from './bot/gateway-status.js';
import { createThreadParentLookup } from './bot/interaction-channel.js';
import { createInteractionReplies } from './bot/interaction-replies.js';
import { createMemberLookup } from './bot/member-lookup.js';
import { registerCommands } from './bot/register-commands.js';
import type { Config } from './config.js';
import { createTokenVault } from './crypto/vault.js';
import { createAiringFeedsRepository } from './db/airing-feeds.js';
import type { OpenDatabase } from './db/database.js';
import { createGuildMembersRepository } from './db/guild-members.js';
import { createLinkRequestsRepository } from './db/link-requests.js';
import { createLinkedAccountsRepository } from './db/linked-accounts.js';
import { createLinkedRoleSignInsRepository } from './db/linked-role-sign-ins.js';
import { createRoleConnectionsRepository } from './db/role-connections.js';
import { createNotificationSubscriptionsRepository } from './db/notification-subscriptions.js';
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
import { createNotificationPoller, createNotificationSettings } from './notifications/index.js';
import { projectRoot } from './paths.js';
import { createLinkedRoles, createRoleConnectionApi, type LinkedRoles, type LinkedRolesTuning } from './roles/index.js';
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
  /** The gateway's state for /healthz and the metrics, e.g. "ready" or "2/2 shards ready". */
  gateway: GatewayState;
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
  anilistClient?: Pick<AniListClientOptions, 'cacheTtlMs' | 'cacheMaxEntries' | 'timeoutMs' | 'maxListEntries' | 'listCacheTtlMs' | 'listCacheMaxEntries' | 'now'>;
  /** Failed link requests allowed per client address (unknown or expired ids and states, malformed requests). */
  httpRateLimit?: ServerDeps['rateLimit'];
  /** Replaces the Discord webhook edits of /link replies (tests record them instead). */
  replies?: InteractionReplies;
  membership?: ServerMembershipTuning;
  serverViews?: ServerViewsTuning;
  linkedRoles?: LinkedRolesTuning;
  /** Background polls (notifications) waiting for AniList at once; default 2. */
  backgroundConcurrency?: number;
  airingFeed?: AiringFeedTuning;
  /** Told what each airing-feed check cost and found (tests, benchmarks). */
  onAiringCheck?: (outcome: AiringCheckOutcome) => void;
}

export interface App {
  readonly links: LinkService;
  readonly anilist: AniListClient;
  /** Which linked members used the bot in which server. */
  readonly membership: ServerMembership;
  /** Members' role connections (Discord's linked roles). */
  readonly linkedRoles: LinkedRoles;
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
   * Once connected to Discord: starts the background jobs and registers the slash commands (when allowed) and the
   * linked-roles metadata. Resolves when the registrations are done or have failed (logged); never rejects.
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
  const subscriptions = createNotificationSubscriptionsRepository(db.db);
  const airingFeeds = createAiringFeedsRepository(db.db);

  const metrics =
    isMain && config.metrics.enabled
      ? createMetrics({
          limiterStats: () => deps.limiter.stats(),
          linkedMembers: () => ({ total: accounts.count(), tokenRejected: accounts.countTokenRejected() }),
          gateway: () => ({ ready: deps.gateway.ready(), guilds: deps.gateway.guilds() }),
          notificationPolls: () => {
            const now = clock();
            const state = subscriptions.backgroundState(now);
            const lagMs = state.oldestDueAt === undefined ? 0 : now.getTime() - state.oldestDueAt.getTime();
            return { ...state, lagSeconds: Math.max(0, lagMs / 1000) };
          },
          airingFeeds: () => {
            const counts = airingFeeds.counts();
            const lagMs = counts.nextCheckAt === undefined || counts.active === 0 ? 0 : clock().getTime() - counts.nextCheckAt.getTime();
            return { ...counts, lagSeconds: Math.max(0, lagMs / 1000) };
          },
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
  // The application the linked-roles page signs members in with: DISCORD_CLIENT_ID, or the one Discord names on READY.
  let connectedApplicationId: string | undefined;
  const discordOAuth = createDiscordOAuth({
    apiUrl: config.discord.apiUrl,
    oauthUrl: config.discord.oauth.oauthUrl,
    clientSecret: config.discord.oauth.clientSecret,
    redirectUri: config.discord.oauth.redirectUri,
    userAgent: discordUserAgentFor(config),
  });
  const links = createLinkService({
    linkRequests: createLinkRequestsRepository(db.db),
    linkedRoleSignIns: createLinkedRoleSignInsRepository(db.db),
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
    discordOAuth,
    discordClientId: config.discord.oauth.clientId,
    verificationClientId: () => config.discord.oauth.clientId ?? connectedApplicationId,
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

  const linkedRoles = createLinkedRoles({
    repository: createRoleConnectionsRepository(db.db),
    vault: createTokenVault({ keys: [config.tokenEncryptionKey] }),
    discordOAuth,
    // Members' Bearer calls queue apart from the bot's: their rate limits are per member (see roles/discord-api.ts).
    api: createRoleConnectionApi({ botRest: rest, bearerRest: new REST({ api: config.discord.apiUrl, version: '10' }) }),
    links,
    anilist,
    dms,
    verificationUrl: `${config.http.publicUrl}/linked-role`,
    i18n,
    clock,
    logger: logger.child({ component: 'linked-roles' }),
    tuning: deps.tuning?.linkedRoles,
  });

  const membership = createServerMembership({
    repository: createGuildMembersRepository(db.db),
    links,
    lookup: createMemberLookup(rest, logger.child({ component: 'membership' })),
    clock,
    logger: logger.child({ component: 'membership' }),
    tuning: deps.tuning?.membership,
  });

  const channelPoster = createChannelPoster(rest);
  // GET /channels/{id}, cached: an adult title is posted only while its channel is still age-restricted.
  const feedChannels = createThreadParentLookup({ rest, ttlMs: 10 * 60_000, timeoutMs: 5_000, logger: logger.child({ component: 'airing-feed' }) });
  // Background work against AniList runs once, in the main process, and only when it has a share of the budget.
  const backgroundJobs: BackgroundScheduler | undefined =
    isMain && config.anilist.backgroundShare > 0
      ? createBackgroundScheduler({
          sources: [
            createNotificationPoller({
              subscriptions,
              members: links,
              anilist,
              dms,
              i18n,
              clock,
              logger: logger.child({ component: 'notifications' }),
              pollIntervalMs: config.notifications.pollSeconds * 1000,
              onPoll: metrics ? (outcome) => metrics.notificationPoll(outcome) : undefined,
              onDm: metrics ? (outcome) => metrics.notificationDm(outcome) : undefined,
            }),
            createAiringFeed({
              feeds: airingFeeds,
              membership,
              anilist,
              channels: channelPoster,
              channelIsNsfw: (channelId) => feedChannels.isNsfw(channelId),
              dms,
              i18n,
              clock,
              logger: logger.child({ component: 'airing-feed' }),
              checkIntervalMs: config.airingFeed.pollSeconds * 1000,
              tuning: deps.tuning?.airingFeed,
              onCheck: (outcome) => {
                metrics?.airingCheck(outcome);
                deps.tuning?.onAiringCheck?.(outcome);
              },
            }),
          ],
          concurrency: deps.tuning?.backgroundConcurrency,
          // A shard stores opt-ins in the shared file; the first poll still comes within one interval.
          maxIdleMs: config.notifications.pollSeconds * 1000,
          clock,
          logger: logger.child({ component: 'background' }),
        })
      : undefined;
  const notifications = createNotificationSettings({
    subscriptions,
    clock,
    logger: logger.child({ component: 'notifications' }),
    available: config.anilist.backgroundShare > 0,
    pollSeconds: config.notifications.pollSeconds,
    onChange: () => backgroundJobs?.wake(),
  });

  const airingFeedSettings = createAiringFeedSettings({
    feeds: airingFeeds,
    channels: channelPoster,
    i18n,
    clock,
    logger: logger.child({ component: 'airing-feed' }),
    available: config.anilist.backgroundShare > 0,
    onChange: () => backgroundJobs?.wake(),
  });

  const dispatch = createInteractionDispatcher({
    commands,
    deps: createCommandDeps({
      links,
      anilist,
      membership,
      linkedRoles,
      clock,
      i18n,
      logger: logger.child({ component: 'commands' }),
      notifications,
      airingFeeds: airingFeedSettings,
      tuning: { serverViews: deps.tuning?.serverViews },
    }),
    logger: logger.child({ component: 'bot' }),
    observer: metrics?.interactions,
    // Every interaction in a server proves the member is in it: the only member list a bot without the
    // privileged intent has.
    onGuildInteraction: (guildId, discordUserId) => membership.recordSeen(guildId, discordUserId),
    notices: notifications,
  });

  // What every process serves from; the main process adds the HTTP side and the jobs.
  const core = { links, anilist, membership, linkedRoles, dispatch, commands, i18n };
  if (!isMain) {
    return {
      ...core,
      server: undefined,
      metricsServer: undefined,
      metrics: undefined,
      start: () => Promise.resolve(),
      // Writes waiting for their quiet moment go out before the shard stops.
      close: () => linkedRoles.stop(),
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
    linkedRoles,
    publicUrl: config.http.publicUrl,
    cookieSecret: cookieSecretFor(config),
    trustProxy: config.http.trustProxy,
    rateLimit: deps.tuning?.httpRateLimit,
    health: () => ({ database: db.isHealthy() ? 'ok' : 'error', gateway: deps.gateway.status(), guilds: deps.gateway.guilds() }),
    i18n,
    metrics: metricsOnPublicPort ? { registry: metrics.registry, token: config.metrics.token } : undefined,
  });
  const metricsServer =
    metrics && config.metrics.port !== undefined
      ? await buildMetricsServer({ registry: metrics.registry, token: config.metrics.token, logger })
      : undefined;

  let purgeTimer: ReturnType<typeof setInterval> | undefined;
  return {
    ...core,
    server,
    metricsServer,
    metrics,
    async start({ applicationId }) {
      connectedApplicationId ??= applicationId;
      // Daily, and once shortly after start.
      reminders?.start();
      // Hourly passes, each reading the connections older than a day.
      linkedRoles.start();
      backgroundJobs?.start();
      purgeTimer ??= setInterval(() => {
        try {
          links.purgeExpiredRequests();
        } catch (error) {
          logger.warn({ err: error }, 'could not purge expired link requests');
        }
      }, PURGE_INTERVAL_MS);
      purgeTimer.unref();
      // Idempotent (a bulk overwrite of the same five records), so every start registers them.
      const metadata = linkedRoles.registerMetadata(applicationId);
      if (config.discord.registerCommands) {
        await registerCommands(rest, commands, { applicationId, guildId: config.discord.guildId }, i18n).then(
          (count) => logger.info({ count, scope: config.discord.guildId ? `guild ${config.discord.guildId}` : 'global' }, 'slash commands registered'),
          (error: unknown) => logger.error({ err: error }, 'could not register slash commands; existing registrations stay in place'),
        );
      }
      await metadata;
    },
    async close() {
      clearInterval(purgeTimer);
      reminders?.stop();
      await linkedRoles.stop();
      await backgroundJobs?.close();
      await server.close();
      await metricsServer?.close();
    },
  };
}
