import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Translations } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { registerMetricsRoute, type MetricsRouteOptions } from '../metrics/http.js';
import type { LinkService } from '../linking/index.js';
import type { TrustedProxies } from './addresses.js';
import { linkRoutes, sendFailure, type FailureBudget } from './link-routes.js';
import { STYLESHEET_CSS } from './pages.js';

export interface HealthStatus {
  database: 'ok' | 'error';
  gateway: string;
}

/** /healthz adds what the web server itself noticed. */
export interface ServerHealth extends HealthStatus {
  /**
   * A request came with X-Forwarded-For from a peer TRUST_PROXY does not name: a reverse proxy the bot does not
   * trust, so its per-address limits see the proxy's address for every member. `npm run doctor` reads this.
   */
  untrustedForwardedFor: boolean;
}

export interface ServerDeps {
  logger: Logger;
  links: LinkService;
  publicUrl: string;
  /** Signs the short-lived result cookie. */
  cookieSecret: string;
  /** The reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY); undefined trusts none. */
  trustProxy?: TrustedProxies | undefined;
  /** Failed link requests (unknown or expired ids and states, malformed requests) allowed per client address. */
  rateLimit?: { max: number; timeWindowMs: number };
  health: () => HealthStatus;
  /** The message catalogues: every page in the browser's language. */
  i18n: Translations;
  /** Serves GET /metrics on this server (omit when metrics are off or on their own port). */
  metrics?: MetricsRouteOptions | undefined;
}

/** Builds the web server without listening: `main.ts` listens, tests use `inject()` or a loopback port. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const options: FastifyServerOptions = {
    loggerInstance: deps.logger.child({ component: 'http' }),
    // Fastify's own request log prints the full URL, including ?code=…&state=…; we log route patterns instead.
    logController: new LogController({ disableRequestLogging: true }),
    // A trust function, never a hop count (which Fastify treats as "trust nothing") or `true` (anyone picks an IP).
    trustProxy: deps.trustProxy?.trust ?? false,
    bodyLimit: 16 * 1024,
    requestTimeout: 15_000,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  };
  const app: FastifyInstance = Fastify(options);

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        // Only the member's own Discord avatar comes from elsewhere; no scripts anywhere.
        imgSrc: ["'self'", 'https://cdn.discordapp.com'],
        scriptSrc: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    strictTransportSecurity: deps.publicUrl.startsWith('https:'),
  });
  await app.register(cookie, { secret: deps.cookieSecret });
  await app.register(rateLimit, { global: false });
  const failureLimit = deps.rateLimit ?? { max: 30, timeWindowMs: 60_000 };
  const countFailure = app.createRateLimit({ max: failureLimit.max, timeWindow: failureLimit.timeWindowMs });
  const failureBudget: FailureBudget = async (request) => {
    const verdict = await countFailure(request);
    return !verdict.isAllowed && verdict.isExceeded ? verdict.ttlInSeconds : undefined;
  };

  let untrustedForwardedFor = false;
  app.addHook('onRequest', (request, _reply, next) => {
    noticeUntrustedProxy(request);
    next();
  });
  function noticeUntrustedProxy(request: FastifyRequest): void {
    if (untrustedForwardedFor || request.headers['x-forwarded-for'] === undefined) return;
    const peer = request.socket.remoteAddress ?? '';
    if (deps.trustProxy?.trust(peer, 0) === true) return;
    untrustedForwardedFor = true;
    request.log.warn(
      { peer },
      deps.trustProxy
        ? 'a request came with X-Forwarded-For from an address TRUST_PROXY does not list: if it is your reverse proxy, add it to TRUST_PROXY'
        : 'a request came with X-Forwarded-For but TRUST_PROXY is not set: if a reverse proxy forwards to the bot, set TRUST_PROXY to its address, or every member shares its rate limits',
    );
  }

  app.addHook('onResponse', async (request, reply) => {
    // A scraper calls /metrics every few seconds; its lines would drown the rest at info.
    const level = request.routeOptions.url === '/metrics' ? 'debug' : 'info';
    request.log[level](
      { method: request.method, route: request.routeOptions.url ?? '(no route)', statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request completed',
    );
  });

  app.setErrorHandler(async (error: { statusCode?: number }, request, reply) => {
    if (error.statusCode === 429) return sendFailure(reply, deps.i18n, 'rate_limited');
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      // A malformed request counts against its sender like an unknown link id.
      const waitSeconds = await failureBudget(request);
      if (waitSeconds !== undefined) return sendFailure(reply, deps.i18n, 'rate_limited', undefined, waitSeconds);
      return sendFailure(reply, deps.i18n, 'bad_request', error.statusCode);
    }
    request.log.error({ err: error, route: request.routeOptions.url }, 'request failed');
    return sendFailure(reply, deps.i18n, 'internal');
  });
  app.setNotFoundHandler((_request, reply) => sendFailure(reply, deps.i18n, 'not_found'));

  app.get('/healthz', async (_request, reply) => {
    const status: ServerHealth = { ...deps.health(), untrustedForwardedFor };
    const healthy = status.database === 'ok';
    return reply.code(healthy ? 200 : 503).header('cache-control', 'no-store').send({ status: healthy ? 'ok' : 'degraded', ...status });
  });

  if (deps.metrics) registerMetricsRoute(app, deps.metrics);

  app.get('/assets/anilink.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET_CSS),
  );

  await app.register(linkRoutes, {
    links: deps.links,
    secureCookies: deps.publicUrl.startsWith('https:'),
    failureBudget,
    logger: deps.logger.child({ component: 'link' }),
    i18n: deps.i18n,
  });

  return app;
}
