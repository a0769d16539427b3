/**
 * Reference web server: bare Fastify, no plugins, no logger, answering each route with exactly the status, headers
 * and body the bot answered (recorded by the benchmark just before), so the comparison is the bot's work per
 * request and not the size of its pages. Env: PORT, REPLAY_FILE (JSON: { "<path>": { status, headers, body } }).
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

interface Recorded {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const recorded = JSON.parse(readFileSync(process.env.REPLAY_FILE!, 'utf8')) as Record<string, Recorded>;
const app = Fastify({ logger: false });
for (const [path, answer] of Object.entries(recorded)) {
  app.get(path, async (_request, reply) => reply.code(answer.status).headers(answer.headers).send(answer.body));
}
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
