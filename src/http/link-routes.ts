import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Translations, Translator } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { LinkFailure, UNPROVEN_FAILURES, type LinkFailureKind, type LinkService } from '../linking/index.js';
import { failurePage, resultPage, startPage, type FailureKind, type ResultPageView } from './pages.js';

/**
 * Counts one failed request against its sender's address; resolves to the seconds until that address may fail
 * again when it has used up its budget, undefined while it has not.
 */
export type FailureBudget = (request: FastifyRequest) => Promise<number | undefined>;

export interface LinkRoutesOptions {
  links: LinkService;
  /** Cookies get `Secure` and the `__Host-` prefix when the public URL is https. */
  secureCookies: boolean;
  failureBudget: FailureBudget;
  logger: Logger;
  /** Every page in the browser's language (Accept-Language). */
  i18n: Translations;
}

const RESULT_COOKIE_MAX_AGE_S = 5 * 60;

/** The translator for a request's Accept-Language; the page says which language it is in, and that it varies. */
export function pageLanguage(i18n: Translations, reply: FastifyReply): Translator {
  const t = i18n.forAcceptLanguage(reply.request.headers['accept-language']);
  reply.header('content-language', t.locale).header('vary', 'Accept-Language');
  return t;
}

/** `status` overrides the page's usual status, e.g. to keep Fastify's 413 or 415 on a generic error page. */
export function sendFailure(reply: FastifyReply, i18n: Translations, kind: FailureKind, status?: number, retryAfterSeconds?: number): FastifyReply {
  // How many folders deep the address is: `/oauth/discord/callback` is two, `/link/…` one.
  const path = reply.request.url.split('?')[0] ?? '/';
  const depth = Math.max(0, (path.match(/\//g)?.length ?? 1) - 1);
  const page = failurePage(pageLanguage(i18n, reply), kind, retryAfterSeconds, depth);
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  return reply
    .code(status ?? page.status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page.body);
}

/**
 * The start page, Discord's and AniList's callbacks and the result page.
 *
 * Rate limits: a request that carries a live link id or state is always served (they are 256-bit secrets, and
 * single-use); only failures without one (unknown, used or expired ids and states, malformed requests) count against
 * the sender's address. So junk from one address never blocks a member elsewhere, nor a member holding a live link.
 */
export function linkRoutes(app: FastifyInstance, options: LinkRoutesOptions, done: (error?: Error) => void): void {
  const { links, secureCookies, logger, failureBudget, i18n } = options;
  const prefix = secureCookies ? '__Host-' : '';
  const bindingCookie = `${prefix}anilink_link`;
  const resultCookie = `${prefix}anilink_result`;
  const cookieOptions: CookieSerializeOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies };

  async function refuse(request: FastifyRequest, reply: FastifyReply, kind: LinkFailureKind, retryAfterSeconds?: number): Promise<FastifyReply> {
    if (UNPROVEN_FAILURES.has(kind)) {
      const waitSeconds = await failureBudget(request);
      if (waitSeconds !== undefined) return sendFailure(reply, i18n, 'rate_limited', undefined, waitSeconds);
    }
    return sendFailure(reply, i18n, kind, undefined, retryAfterSeconds);
  }

  function logFailure(error: LinkFailure): void {
    if (error.kind === 'misconfigured') {
      logger.error(
        { reason: error.message },
        'AniList rejected the OAuth client: check ANILIST_CLIENT_ID and ANILIST_CLIENT_SECRET, and that the redirect URI registered at https://anilist.co/settings/developer is exactly PUBLIC_URL + /oauth/callback',
      );
    } else if (error.kind === 'discord_misconfigured') {
      logger.error(
        { reason: error.message },
        'Discord rejected the OAuth2 client: check DISCORD_CLIENT_SECRET (and DISCORD_CLIENT_ID if set), and that PUBLIC_URL + /oauth/discord/callback is listed under OAuth2 → Redirects in the Discord developer portal',
      );
    } else {
      logger.info({ kind: error.kind, reason: error.message }, 'link attempt failed');
    }
  }

  app.get<{ Params: { pageId: string } }>('/link/:pageId', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    let page;
    try {
      page = links.openStartPage(request.params.pageId);
    } catch (error) {
      if (error instanceof LinkFailure) return refuse(request, reply, error.kind);
      throw error;
    }
    return reply
      .setCookie(bindingCookie, page.browserBinding, { ...cookieOptions, maxAge: page.secondsLeft })
      .type('text/html; charset=utf-8')
      .send(
        startPage(pageLanguage(i18n, reply), {
          displayName: page.discordUser.displayName,
          username: page.discordUser.username,
          avatarUrl: page.discordUser.avatarUrl,
          signInUrl: page.signInUrl,
          minutesLeft: Math.max(1, Math.round(page.secondsLeft / 60)),
        }),
      );
  });

  /** Failures raised before the state was consumed; any other failure spent the sign-in, and its cookie with it. */
  const keepsBinding = (kind: LinkFailureKind) => kind === 'expired' || kind === 'wrong_browser';

  app.get('/oauth/discord/callback', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const query = request.query as Record<string, unknown>;
    const browserBinding = request.cookies[bindingCookie];
    try {
      const { anilistAuthorizeUrl } = await links.completeDiscordSignIn({ state: query.state, code: query.code, error: query.error, browserBinding });
      // Straight on to AniList: the start page already said what approving there means.
      return reply.redirect(anilistAuthorizeUrl, 303);
    } catch (error) {
      if (!(error instanceof LinkFailure)) throw error;
      if (!keepsBinding(error.kind) && browserBinding !== undefined) reply.clearCookie(bindingCookie, cookieOptions);
      logFailure(error);
      return refuse(request, reply, error.kind, error.retryAfterSeconds);
    }
  });

  app.get('/oauth/callback', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const query = request.query as Record<string, unknown>;
    const browserBinding = request.cookies[bindingCookie];
    // The binding cookie is cleared only once its state was consumed: a callback with a bogus state, or for another
    // browser's state, must not break the member's own link in progress.
    const clearBinding = () => {
      if (browserBinding !== undefined) reply.clearCookie(bindingCookie, cookieOptions);
    };
    try {
      const linked = await links.completeLink({ state: query.state, code: query.code, error: query.error, browserBinding });
      const view: ResultPageView = {
        anilistName: linked.anilist.name,
        anilistSiteUrl: linked.anilist.siteUrl,
        discordDisplayName: linked.discordUser.displayName,
        discordUsername: linked.discordUser.username,
        moved: linked.movedFromDiscordUserId !== undefined,
        replacedAniListName: linked.replacedAniListName,
      };
      // The result travels in a signed cookie so the 303 target carries no query string to leak or replay.
      clearBinding();
      reply.setCookie(resultCookie, JSON.stringify(view), { ...cookieOptions, maxAge: RESULT_COOKIE_MAX_AGE_S, signed: true });
      return reply.redirect('done', 303);
    } catch (error) {
      if (!(error instanceof LinkFailure)) throw error;
      if (!keepsBinding(error.kind)) clearBinding();
      logFailure(error);
      return refuse(request, reply, error.kind, error.retryAfterSeconds);
    }
  });

  app.get('/oauth/done', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const raw = request.cookies[resultCookie];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    if (!unsigned?.valid || unsigned.value === null) return refuse(request, reply, 'expired');
    let view: ResultPageView;
    try {
      view = JSON.parse(unsigned.value) as ResultPageView;
    } catch {
      return refuse(request, reply, 'expired');
    }
    return reply.type('text/html; charset=utf-8').send(resultPage(pageLanguage(i18n, reply), view));
  });
  done();
}
