import { GatewayDispatchEvents, Status, type Client } from 'discord.js';

/** A readable name for the gateway connection state, for /healthz and logs. */
export function gatewayStatus(client: Client): string {
  const name = Status[client.ws.status] as string | undefined;
  return name ? name.charAt(0).toLowerCase() + name.slice(1) : 'unknown';
}

export interface GatewayState {
  /** discord.js's connection state: "ready", "connecting", "reconnecting", … */
  status(): string;
  ready(): boolean;
  /**
   * Guilds listed in the latest READY of each shard this client runs; undefined before the first READY.
   * The bot has no gateway intent, so Discord sends no GUILD_CREATE / GUILD_DELETE: a guild joined or left since
   * shows at the next (re)identify. Nothing about the guilds is kept but this count.
   */
  guilds(): number | undefined;
}

/** Follows one client's gateway for /healthz and the metrics, without needing any guild in memory. */
export function trackGateway(client: Client): GatewayState {
  const guildsByShard = new Map<number, number>();
  client.ws.on(GatewayDispatchEvents.Ready, (data: { guilds?: unknown[] }, shardId: number) => {
    guildsByShard.set(shardId, Array.isArray(data?.guilds) ? data.guilds.length : 0);
  });
  return {
    status: () => gatewayStatus(client),
    ready: () => client.ws.status === Status.Ready,
    guilds: () => (guildsByShard.size === 0 ? undefined : [...guildsByShard.values()].reduce((sum, n) => sum + n, 0)),
  };
}
