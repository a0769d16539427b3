/**
 * Reference web server: bare Fastify, no plugins, no logger, answering the same two routes with bodies of the
 * same shape (JSON health, small HTML error page). Env: PORT.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/healthz', async (_request, reply) =>
  reply.header('cache-control', 'no-store').send({ status: 'ok', database: 'ok', gateway: 'ready' }),
);
app.get('/oauth/callback', async (_request, reply) =>
  reply
    .code(400)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send('<!doctype html><html><head><title>This link has expired</title></head><body><p>This link has expired or was already used.</p></body></html>'),
);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
