import { Events, type Client, type REST } from 'discord.js';
import type { Logger } from '../logger.js';
import { createDiscordClient } from './client.js';
import type { InteractionDispatcher } from './dispatcher.js';
import { trackGateway, type GatewayState } from './gateway-status.js';

/**
 * The bot's connection to Discord, in one of two shapes: one discord.js client in this process (below), or the
 * sharding manager that runs one client per shard process (src/sharding/manager.ts).
 */
export interface Gateway extends GatewayState {
  /** Discord REST with the bot token once started: DMs, command registration, webhook edits. */
  readonly rest: REST;
  /**
   * Connects and resolves once Discord said READY, with the application id. Interactions go to `dispatch`
   * (a sharding manager's shards dispatch their own). Rejects when Discord refuses the token or cannot be reached.
   */
  start(dispatch: InteractionDispatcher): Promise<{ applicationId: string }>;
  /** Disconnects; safe before start and twice. */
  stop(): Promise<void>;
}

export interface ClientGatewayOptions {
  apiUrl: string;
  token: string;
  logger: Logger;
  /** Inside a shard process spawned by the sharding manager (see createDiscordClient). */
  managedShard?: boolean;
}

/** One discord.js client: the whole bot in one process, or one shard process of a sharded bot. */
export function createClientGateway(options: ClientGatewayOptions): Gateway & { readonly client: Client } {
  const { logger } = options;
  const client = createDiscordClient({ apiUrl: options.apiUrl, managedShard: options.managedShard ?? false, logger });
  // Before login: it counts the guilds of READY.
  const state = trackGateway(client);
  logGatewayEvents(client, logger);
  let stopped = false;

  return {
    client,
    rest: client.rest,
    async start(dispatch) {
      // The dispatcher is the error boundary and never rejects.
      client.on(Events.InteractionCreate, (interaction) => void dispatch(interaction));
      const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
      await client.login(options.token);
      const readyClient = await ready;
      logger.info(
        { user: readyClient.user.tag, applicationId: readyClient.application.id, shards: client.shard?.ids, guilds: state.guilds() },
        'connected to Discord',
      );
      return { applicationId: readyClient.application.id };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await client.destroy();
    },
    status: () => state.status(),
    ready: () => state.ready(),
    guilds: () => state.guilds(),
  };
}

/** Logs the gateway's life (errors, disconnects, resumes) the same way in every process. */
function logGatewayEvents(client: Client, logger: Logger): void {
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn({ shardId, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardReconnecting, (shardId) => logger.info({ shardId }, 'gateway reconnecting'));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'gateway resumed'));
}
