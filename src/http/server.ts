import type { IncomingMessage, ServerResponse } from 'node:http';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { Translations } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { registerMetricsRoute, type MetricsRouteOptions } from '../metrics/http.js';
import type { LinkService } from '../linking/index.js';
import type { LinkedRoles } from '../roles/index.js';
import type { TrustedProxies } from './addresses.js';
import { linkRoutes, sendFailure, type FailureBudget } from './link-routes.js';
import { STYLESHEET_CSS } from './pages.js';

export interface HealthStatus {
  database: 'ok' | 'error';
  gateway: string;
  /** Guilds listed by the gateway's latest READY (trackGateway), when known. */
  guilds?: number | undefined;
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
  linkedRoles: Pick<LinkedRoles, 'connect' | 'disconnect'>;
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
    // Every request would get a child logger of its own, built even when nothing is logged; the few lines written
    // about a request carry its id themselves.
    childLoggerFactory: (logger) => logger,
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

  // helmet's headers depend on these options only: computed once here and added to every response as they are
  // (@fastify/helmet rebuilt the middleware, CSP parsing included, and set each header on the raw response, per
  // request: the largest share of the cost of a rejected callback).
  const securityHeaders = helmetHeaders({
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
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
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
    // A scraper calls /metrics every few seconds, and anyone can send rejected requests (bad or used states, unknown
    // pages, the rate limit) by the thousand: at info their lines would drown the rest and cost more than the answer.
    const rejected = reply.statusCode >= 400 && reply.statusCode < 500;
    const level = rejected || request.routeOptions.url === '/metrics' ? 'debug' : 'info';
    request.log[level](
      { reqId: request.id, method: request.method, route: request.routeOptions.url ?? '(no route)', statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
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
    request.log.error({ err: error, reqId: request.id, route: request.routeOptions.url }, 'request failed');
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
    linkedRoles: deps.linkedRoles,
    secureCookies: deps.publicUrl.startsWith('https:'),
    failureBudget,
    logger: deps.logger.child({ component: 'link' }),
    i18n: deps.i18n,
  });

  return app;
}

/**
 * The headers helmet sets for `options`, read once by running its middleware against a response that only records
 * them. None of the options used here depends on the request (no nonces, no per-request directives).
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error instanceof Error) throw error;
  });
  return headers;
}
