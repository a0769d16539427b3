/**
 * Small builders shared by the two composition roots: `src/main.ts` (the single process, or the sharding
 * manager) and `src/shard.ts` (one shard process). Each takes the already-parsed Config; neither reads the
 * environment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Events, type Client, type REST } from 'discord.js';
import { commands } from '../commands/index.js';
import { createAniListClient, type AniListClient, type RateLimiter } from './anilist/index.js';
import { createInteractionReplies } from './bot/interaction-replies.js';
import { registerCommands } from './bot/register-commands.js';
import type { Config } from './config.js';
import type { TokenVault } from './crypto/vault.js';
import type { Db } from './db/database.js';
import { createLinkRequestsRepository } from './db/link-requests.js';
import type { LinkedAccountsRepository } from './db/linked-accounts.js';
import type { Logger } from './logger.js';
import { createViewerIdentifier } from './linking/identify-viewer.js';
import { createLinkService, type LinkService } from './linking/link-service.js';
import { createTokenExchange } from './linking/token-exchange.js';
import { projectRoot } from './paths.js';

/** What AniList sees as our User-Agent: the version and where the bot runs. */
export function userAgentFor(config: Config): string {
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  return `anilink/${version} (self-hosted Discord bot; +${config.http.publicUrl})`;
}

export function buildAniListClient(config: Config, deps: { limiter: RateLimiter; userAgent: string; logger: Logger }): AniListClient {
  return createAniListClient({
    endpoint: config.anilist.apiUrl,
    userAgent: deps.userAgent,
    referer: `${config.http.publicUrl}/`,
    limiter: deps.limiter,
    logger: deps.logger.child({ component: 'anilist' }),
  });
}

export interface LinkServiceWiring {
  db: Db;
  accounts: LinkedAccountsRepository;
  vault: TokenVault;
  anilist: AniListClient;
  /** Edits members' replies through interaction webhooks; no bot token is needed for that. */
  rest: REST;
  userAgent: string;
  clock: () => Date;
  logger: Logger;
}

export function buildLinkService(config: Config, deps: LinkServiceWiring): LinkService {
  return createLinkService({
    linkRequests: createLinkRequestsRepository(deps.db),
    accounts: deps.accounts,
    vault: deps.vault,
    exchangeToken: createTokenExchange({
      oauthUrl: config.anilist.oauthUrl,
      clientId: config.anilist.clientId,
      clientSecret: config.anilist.clientSecret,
      redirectUri: config.http.redirectUri,
      userAgent: deps.userAgent,
    }),
    identifyViewer: createViewerIdentifier(deps.anilist),
    replies: createInteractionReplies(deps.rest),
    clock: deps.clock,
    logger: deps.logger.child({ component: 'link' }),
    oauth: {
      publicUrl: config.http.publicUrl,
      authorizeUrl: `${config.anilist.oauthUrl}/authorize`,
      clientId: config.anilist.clientId,
      redirectUri: config.http.redirectUri,
    },
  });
}

/** Logs the gateway's life (errors, disconnects, resumes) the same way in every process. */
export function logGatewayEvents(client: Client, logger: Logger): void {
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn({ shardId, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardReconnecting, (shardId) => logger.info({ shardId }, 'gateway reconnecting'));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'gateway resumed'));
}

/** Bulk-overwrites the slash commands (when REGISTER_COMMANDS allows) and logs the outcome. Never rejects. */
export function registerSlashCommands(config: Config, rest: REST, applicationId: string, logger: Logger): void {
  if (!config.discord.registerCommands) return;
  registerCommands(rest, commands, { applicationId, guildId: config.discord.guildId }).then(
    (count) => logger.info({ count, scope: config.discord.guildId ? `guild ${config.discord.guildId}` : 'global' }, 'slash commands registered'),
    (error: unknown) => logger.error({ err: error }, 'could not register slash commands; existing registrations stay in place'),
  );
}
