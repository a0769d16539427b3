import { createServer } from 'node:net';

// Linux hands out ports for listen(0) from 32768–60999 (ip_local_port_range). Ports chosen here come from below
// that range, so the fakes and other servers listening on port 0 can never take one between our check and use.
const FIRST_PORT = 20_000;
const PORT_CHOICES = 12_000;

function tryPort(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A loopback port that was free a moment ago, for servers whose URL must be known before they start (a redirect
 * URI, PUBLIC_URL). It is outside the range port-0 servers draw from, so only another freePort caller could take
 * it first; `withFreePort` retries for that rare case. Prefer listening on port 0 where the URL can come later.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = FIRST_PORT + Math.floor(Math.random() * PORT_CHOICES);
    if (await tryPort(port)) return port;
  }
  throw new Error('no free loopback port found below the ephemeral range');
}

export function isAddressInUse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE';
}

/**
 * Runs `start` with a port from freePort, and again with a new port (up to `attempts` times in all) when it fails
 * with EADDRINUSE because something else took the port in between. `start` must clean up after itself on failure.
 */
export async function withFreePort<T>(start: (port: number) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (!isAddressInUse(error) || attempt >= attempts) throw error;
    }
  }
}
