import { createServer } from 'node:net';

// Linux hands out listen(0) ports from 32768–60999; a port picked below that range cannot be taken by the fakes,
// which listen on port 0, between the check here and the bot listening on it.
const FIRST_PORT = 20_000;
const PORT_CHOICES = 12_000;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free loopback port for a server whose URL must be known before it starts (the bot's PUBLIC_URL). */
export async function freeLoopbackPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = FIRST_PORT + Math.floor(Math.random() * PORT_CHOICES);
    if (await isFree(port)) return port;
  }
  throw new Error('no free port found on 127.0.0.1');
}
