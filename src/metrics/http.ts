import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';

export interface MetricsRouteOptions {
  registry: Registry;
  /** When set, scrapers must send `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** `GET /metrics` in Prometheus text format. */
export function registerMetricsRoute(app: FastifyInstance, { registry, token }: MetricsRouteOptions): void {
  const expected = token === undefined ? undefined : digest(token);
  app.get('/metrics', async (request, reply) => {
    if (expected) {
      const header = request.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      // Compare fixed-length digests so the comparison takes the same time whatever was sent.
      if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="anilink metrics"')
          .header('cache-control', 'no-store')
          .type('text/plain; charset=utf-8')
          .send('401 Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n');
      }
    }
    const body = await registry.metrics();
    return reply.header('cache-control', 'no-store').type(registry.contentType).send(body);
  });
}

/** A separate listener for `METRICS_PORT`: /metrics only, so it can stay off the public address. */
export async function buildMetricsServer(options: MetricsRouteOptions & { logger: Logger }): Promise<FastifyInstance> {
  const serverOptions: FastifyServerOptions = {
    loggerInstance: options.logger.child({ component: 'metrics-http' }),
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: 15_000,
  };
  const app: FastifyInstance = Fastify(serverOptions);
  registerMetricsRoute(app, options);
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('Not found: metrics are at /metrics\n'));
  await app.ready();
  return app;
}
