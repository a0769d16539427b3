import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RoleConnectionStatistics } from '../anilist/index.js';
import type { Translations, Translator } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { LinkFailure, UNPROVEN_FAILURES, type LinkFailureKind, type LinkService, type RoleConnectionGrant } from '../linking/index.js';
import type { ConnectOutcome, LinkedRoles } from '../roles/index.js';
import { failurePage, resultPage, startPage, verificationPage, type FailureKind, type ResultPageView } from './pages.js';

/**
 * Counts one failed request against its sender's address; resolves to the seconds until that address may fail
 * again when it has used up its budget, undefined while it has not.
 */
export type FailureBudget = (request: FastifyRequest) => Promise<number | undefined>;

export interface LinkRoutesOptions {
  links: LinkService;
  /** Writes the role connection of a member who just signed in (and clears the one of a member whose link moved). */
  linkedRoles: Pick<LinkedRoles, 'connect' | 'disconnect'>;
  /** Cookies get `Secure` and the `__Host-` prefix when the public URL is https. */
  secureCookies: boolean;
  failureBudget: FailureBudget;
  logger: Logger;
  /** Every page in the browser's language (Accept-Language). */
  i18n: Translations;
}

const RESULT_COOKIE_MAX_AGE_S = 5 * 60;
/** Each visit of the linked-roles page stores a sign-in: a generous limit per address, far above a member's need. */
const VERIFICATION_VISITS_PER_MINUTE = 20;

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
  const { links, linkedRoles, secureCookies, logger, failureBudget, i18n } = options;
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
    } else if (error.kind === 'expired') {
      // Unknown, used or expired ids and states: what anyone can send by the thousand, so not worth a line at info.
      logger.debug({ kind: error.kind, reason: error.message }, 'link attempt failed');
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

  /**
   * The linked-roles verification URL (developer portal → General Information → Linked Roles Verification URL):
   * Discord sends members here from a server's Linked Roles menu or a role's requirements.
   */
  app.get('/linked-role', { config: { rateLimit: { max: VERIFICATION_VISITS_PER_MINUTE, timeWindow: 60_000 } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    let start;
    try {
      start = links.startVerification();
    } catch (error) {
      if (!(error instanceof LinkFailure)) throw error;
      logFailure(error);
      return refuse(request, reply, error.kind);
    }
    return reply
      .setCookie(bindingCookie, start.browserBinding, { ...cookieOptions, maxAge: start.secondsLeft })
      .type('text/html; charset=utf-8')
      .send(verificationPage(pageLanguage(i18n, reply), { signInUrl: start.signInUrl, minutesLeft: Math.max(1, Math.round(start.secondsLeft / 60)) }));
  });

  /** Writes the member's role connection; the page tells how it went, and a failure never undoes the link. */
  async function connectRoles(discordUserId: string, grant: RoleConnectionGrant | undefined, statistics?: RoleConnectionStatistics): Promise<ConnectOutcome | undefined> {
    if (!grant) return undefined;
    try {
      return await linkedRoles.connect({ discordUserId, applicationId: grant.applicationId, tokens: grant.tokens, statistics });
    } catch (error) {
      logger.warn({ err: error, discordUserId }, 'could not keep the role connection tokens');
      return 'pending';
    }
  }

  function showResult(reply: FastifyReply, view: ResultPageView, donePath: string): FastifyReply {
    // The result travels in a signed cookie so the 303 target carries no query string to leak or replay.
    reply.setCookie(resultCookie, JSON.stringify(view), { ...cookieOptions, maxAge: RESULT_COOKIE_MAX_AGE_S, signed: true });
    return reply.redirect(donePath, 303);
  }

  /** Failures raised before the state was consumed; any other failure spent the sign-in, and its cookie with it. */
  const keepsBinding = (kind: LinkFailureKind) => kind === 'expired' || kind === 'wrong_browser';

  app.get('/oauth/discord/callback', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const query = request.query as Record<string, unknown>;
    const browserBinding = request.cookies[bindingCookie];
    try {
      const signedIn = await links.completeDiscordSignIn({ state: query.state, code: query.code, error: query.error, browserBinding });
      // Straight on to AniList: the start page already said what approving there means.
      if (signedIn.next === 'anilist') return reply.redirect(signedIn.anilistAuthorizeUrl, 303);
      // A linked member who came from the linked-roles page: Discord was the only step.
      reply.clearCookie(bindingCookie, cookieOptions);
      const roles = await connectRoles(signedIn.discordUser.id, signedIn.roleConnectionGrant);
      return showResult(
        reply,
        {
          kind: 'verified',
          anilistName: signedIn.link.anilistName,
          anilistSiteUrl: signedIn.link.anilistSiteUrl,
          discordDisplayName: signedIn.discordUser.displayName,
          discordUsername: signedIn.discordUser.username,
          moved: false,
          replacedAniListName: undefined,
          roles,
        },
        '../done',
      );
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
      clearBinding();
      const moved = linked.movedFromDiscordUserId;
      // The AniList account is no longer theirs: their roles must stop showing its numbers.
      if (moved !== undefined) void linkedRoles.disconnect(moved).catch((error: unknown) => logger.warn({ err: error }, 'could not clear the role connection of the member whose link moved'));
      // The Viewer answer that identified the account carried the numbers: no AniList request of its own.
      const roles = await connectRoles(linked.discordUser.id, linked.roleConnectionGrant, linked.anilist.statistics);
      return showResult(
        reply,
        {
          kind: 'linked',
          anilistName: linked.anilist.name,
          anilistSiteUrl: linked.anilist.siteUrl,
          discordDisplayName: linked.discordUser.displayName,
          discordUsername: linked.discordUser.username,
          moved: moved !== undefined,
          replacedAniListName: linked.replacedAniListName,
          roles,
        },
        'done',
      );
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
