import { Status, type Client } from 'discord.js';

/** A readable name for the gateway connection state, for /healthz and logs. */
export function gatewayStatus(client: Client): string {
  const name = Status[client.ws.status] as string | undefined;
  return name ? name.charAt(0).toLowerCase() + name.slice(1) : 'unknown';
}
