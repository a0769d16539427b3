import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../logger.js';
import { LinkFailure } from '../linking/link-failure.js';
import type { LinkService } from '../linking/link-service.js';
import { failurePage, resultPage, startPage, type ResultPageView } from './pages.js';

export interface LinkRoutesOptions {
  links: LinkService;
  /** Cookies get `Secure` and the `__Host-` prefix when the public URL is https. */
  secureCookies: boolean;
  rateLimit: { max: number; timeWindowMs: number };
  logger: Logger;
}

const RESULT_COOKIE_MAX_AGE_S = 5 * 60;

/** `status` overrides the page's usual status, e.g. to keep Fastify's 413 or 415 on a generic error page. */
export function sendFailure(reply: FastifyReply, kind: Parameters<typeof failurePage>[0], status?: number, retryAfterSeconds?: number): FastifyReply {
  const page = failurePage(kind, retryAfterSeconds);
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  return reply
    .code(status ?? page.status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page.body);
}

/** The start page, the OAuth callback and the result page. */
export function linkRoutes(app: FastifyInstance, options: LinkRoutesOptions, done: (error?: Error) => void): void {
  const { links, secureCookies, logger } = options;
  const prefix = secureCookies ? '__Host-' : '';
  const bindingCookie = `${prefix}anilink_link`;
  const resultCookie = `${prefix}anilink_result`;
  const cookieOptions: CookieSerializeOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies };
  const rateLimit = { max: options.rateLimit.max, timeWindow: options.rateLimit.timeWindowMs };

  app.get<{ Params: { pageId: string } }>('/link/:pageId', { config: { rateLimit } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    let page;
    try {
      page = links.openStartPage(request.params.pageId);
    } catch (error) {
      if (error instanceof LinkFailure) return sendFailure(reply, error.kind);
      throw error;
    }
    return reply
      .setCookie(bindingCookie, page.browserBinding, { ...cookieOptions, maxAge: page.secondsLeft })
      .type('text/html; charset=utf-8')
      .send(
        startPage({
          displayName: page.discordUser.displayName,
          username: page.discordUser.username,
          avatarUrl: page.discordUser.avatarUrl,
          authorizeUrl: page.authorizeUrl,
          minutesLeft: Math.max(1, Math.round(page.secondsLeft / 60)),
        }),
      );
  });

  app.get('/oauth/callback', { config: { rateLimit } }, async (request, reply) => {
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
      // `expired` and `wrong_browser` are the only failures raised before the state is consumed.
      if (error.kind !== 'expired' && error.kind !== 'wrong_browser') clearBinding();
      if (error.kind === 'misconfigured') {
        logger.error(
          { reason: error.message },
          'AniList rejected the OAuth client: check ANILIST_CLIENT_ID and ANILIST_CLIENT_SECRET, and that the redirect URI registered at https://anilist.co/settings/developer is exactly PUBLIC_URL + /oauth/callback',
        );
      } else if (error.kind === 'expired') {
        // Unknown, used or expired states: what anyone can send by the thousand, so not worth a line at info.
        logger.debug({ kind: error.kind, reason: error.message }, 'link attempt failed');
      } else {
        logger.info({ kind: error.kind, reason: error.message }, 'link attempt failed');
      }
      return sendFailure(reply, error.kind, undefined, error.retryAfterSeconds);
    }
  });

  app.get('/oauth/done', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const raw = request.cookies[resultCookie];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    if (!unsigned?.valid || unsigned.value === null) return sendFailure(reply, 'expired');
    let view: ResultPageView;
    try {
      view = JSON.parse(unsigned.value) as ResultPageView;
    } catch {
      return sendFailure(reply, 'expired');
    }
    return reply.type('text/html; charset=utf-8').send(resultPage(view));
  });
  done();
}
