import { escapeMarkdown } from 'discord.js';
import type { RoleConnectionStatistics } from '../anilist/index.js';
import type { TokenVault } from '../crypto/vault.js';
import type { LinkRequest, LinkRequestsRepository } from '../db/link-requests.js';
import type { LinkedAccountsRepository } from '../db/linked-accounts.js';
import type { LinkedRoleSignInsRepository } from '../db/linked-role-sign-ins.js';
import type { DirectMessages } from '../expiry/direct-messages.js';
import type { Translations } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { sealAccessToken } from './access-token.js';
import type { DiscordAccount, DiscordOAuth, DiscordTokens } from './discord-oauth.js';
import { LinkFailure } from './link-failure.js';
import { summarize, type LinkSummary } from './members.js';
import { hashSecret, looksLikeSecret, newSecret, pkceChallenge, secretMatchesHash } from './secrets.js';
import { jwtExpiry, type TokenExchange } from './token-exchange.js';

export const LINK_REQUEST_LIFETIME_MS = 10 * 60_000;
/** Discord lets us edit an interaction's reply for 15 minutes; we stop a little earlier to avoid a doomed request. */
const INTERACTION_EDIT_WINDOW_MS = 14.5 * 60_000;
/** AniList tokens last a year; used only when neither `expires_in` nor the JWT says. */
const DEFAULT_TOKEN_LIFETIME_MS = 365 * 24 * 60 * 60_000;
/**
 * Who the member is on Discord, and the right to write their role connection (linked roles), so every linked member's
 * roles work without a second visit. The Discord tokens are kept for that only (src/roles).
 */
export const LINK_SIGN_IN_SCOPES = ['identify', 'role_connections.write'] as const;
/** A visit of the linked-roles page works this long (the same as a /link page). */
export const LINKED_ROLE_SIGN_IN_LIFETIME_MS = LINK_REQUEST_LIFETIME_MS;

export interface DiscordIdentity {
  id: string;
  username: string;
  displayName: string;
  avatarUrl: string;
}

export interface AniListIdentity {
  id: number;
  name: string;
  siteUrl: string;
  avatarUrl: string | null;
  scoreFormat: string;
  titleLanguage: string;
  displayAdultContent: boolean;
  /** The numbers for the member's linked roles, from the same answer. */
  statistics: RoleConnectionStatistics;
}

/**
 * Asks AniList who owns a fresh token, for the Discord member linking (their fairness key at the rate limiter).
 * Throws LinkFailure('anilist_busy') when AniList or the limiter refuses for now, 'anilist_unavailable' otherwise.
 */
export type IdentifyViewer = (accessToken: string, discordUserId: string) => Promise<AniListIdentity>;

export interface InteractionReplies {
  editOriginal(applicationId: string, interactionToken: string, content: string): Promise<void>;
}

export interface LinkFlowDeps {
  linkRequests: LinkRequestsRepository;
  linkedRoleSignIns: LinkedRoleSignInsRepository;
  accounts: LinkedAccountsRepository;
  vault: TokenVault;
  exchangeToken: TokenExchange;
  identifyViewer: IdentifyViewer;
  replies: InteractionReplies;
  /** The Discord sign-in that proves the member is the one who ran /link. */
  discordOAuth: DiscordOAuth;
  /** DISCORD_CLIENT_ID; undefined signs in with the application the /link interaction came from. */
  discordClientId: string | undefined;
  /**
   * The client the linked-roles page signs in with (no interaction names one there): DISCORD_CLIENT_ID, or the
   * application's id once connected to Discord; undefined before that.
   */
  verificationClientId: () => string | undefined;
  /** Tells a member that their AniList account moved to another Discord account. */
  dms: DirectMessages;
  /** Overwrites what a deletion freed, so an unlinked token does not linger in the database's files. */
  eraseDeleted: () => void;
  clock: () => Date;
  logger: Logger;
  /** The /link reply's edit and the DMs are written in the member's Discord language. */
  i18n: Translations;
  oauth: { publicUrl: string; authorizeUrl: string; clientId: string; redirectUri: string };
}

export interface StartPage {
  discordUser: DiscordIdentity;
  /** Discord's authorize page: the member signs in with Discord first. */
  signInUrl: string;
  /** Goes into an HttpOnly cookie: the callback must come back to the browser that saw this page. */
  browserBinding: string;
  secondsLeft: number;
}

/** The Discord tokens of a member's sign-in, for their role connection with the application they were issued to. */
export interface RoleConnectionGrant {
  applicationId: string;
  tokens: DiscordTokens;
}

export interface LinkCompleted {
  discordUser: DiscordIdentity;
  anilist: AniListIdentity;
  movedFromDiscordUserId: string | undefined;
  replacedAniListName: string | undefined;
  /** Present when the member's Discord sign-in granted role_connections.write. */
  roleConnectionGrant: RoleConnectionGrant | undefined;
}

/** The linked-roles page's first step: Discord's authorize page, bound to this browser. */
export interface VerificationStart {
  signInUrl: string;
  /** Goes into an HttpOnly cookie: Discord's callback must come back to this browser. */
  browserBinding: string;
  secondsLeft: number;
}

/**
 * Where Discord's callback leads: on to AniList (linking), or, for an already linked member who came from the
 * linked-roles page, straight to done with the tokens for their role connection.
 */
export type DiscordSignInResult =
  | { next: 'anilist'; anilistAuthorizeUrl: string }
  | { next: 'verified'; discordUser: DiscordIdentity; link: LinkSummary; roleConnectionGrant: RoleConnectionGrant };

export interface CallbackInput {
  state: unknown;
  code: unknown;
  error: unknown;
  browserBinding: string | undefined;
}

/**
 * The OAuth flow that creates and removes links: /link, the start page, Discord's callback (who is this?),
 * AniList's callback (which account?), /unlink.
 */
export interface LinkFlow {
  /** `discordLocale`: the interaction's `locale`, the language of the reply's edit and of later DMs. */
  startLink(input: { discordUser: DiscordIdentity; applicationId: string; interactionToken: string; discordLocale?: string | undefined }): {
    pageUrl: string;
    currentLink: LinkSummary | undefined;
  };
  openStartPage(pageId: string): StartPage;
  /**
   * A visit of the linked-roles page: the member signs in with Discord, who tells us who they are. LinkFailure
   * 'discord_unavailable' while the bot does not know its application yet (not connected to Discord).
   */
  startVerification(): VerificationStart;
  /**
   * Discord's callback. From a /link page: goes on to AniList only when the member signed in as the Discord user the
   * link was made for; otherwise the request is burned (LinkFailure 'wrong_account') and nothing is stored. From the
   * linked-roles page: a member with a usable link is done; anyone else goes on to AniList to link.
   */
  completeDiscordSignIn(input: CallbackInput): Promise<DiscordSignInResult>;
  completeLink(input: CallbackInput): Promise<LinkCompleted>;
  /** Deletes the member's link and stored token; returns what the link was, if there was one. */
  unlink(discordUserId: string): LinkSummary | undefined;
  purgeExpiredRequests(): number;
}

const interactionTokenContext = (discordUserId: string) => `link-request:${discordUserId}`;
const grantContext = (discordUserId: string) => `link-request-discord-grant:${discordUserId}`;

function discordIdentityOf(request: LinkRequest): DiscordIdentity {
  return { id: request.discordUserId, username: request.discordUsername, displayName: request.discordDisplayName, avatarUrl: request.discordAvatarUrl };
}

function identityOfAccount(account: DiscordAccount): DiscordIdentity {
  return { id: account.id, username: account.username, displayName: account.globalName ?? account.username, avatarUrl: account.avatarUrl };
}

export function createLinkFlow(deps: LinkFlowDeps): LinkFlow {
  const { linkRequests, accounts, vault, clock, logger } = deps;

  function editDiscordReply(applicationId: string, sealedInteractionToken: string | null, discordUserId: string, createdAt: Date, content: string) {
    // A request from the linked-roles page has no /link reply to edit.
    if (sealedInteractionToken === null || clock().getTime() - createdAt.getTime() > INTERACTION_EDIT_WINDOW_MS) return;
    let interactionToken: string;
    try {
      interactionToken = vault.open(sealedInteractionToken, interactionTokenContext(discordUserId));
    } catch (error) {
      logger.warn({ err: error, discordUserId }, 'could not open the interaction token to edit the /link reply');
      return;
    }
    // The browser gets its answer now; the Discord edit is a courtesy that may fail without harm.
    deps.replies
      .editOriginal(applicationId, interactionToken, content)
      .catch((error: unknown) => logger.warn({ err: error, discordUserId }, 'could not edit the /link reply in Discord'));
  }

  function bindingMatches(browserBinding: string | undefined, hash: string | null): boolean {
    return hash !== null && browserBinding !== undefined && looksLikeSecret(browserBinding) && secretMatchesHash(browserBinding, hash);
  }

  const discordClientFor = (request: LinkRequest) => deps.discordClientId ?? request.applicationId;

  /** Sealed for the link request until the link is saved; only tokens that can write a role connection are kept. */
  function sealGrant(discordUserId: string, grant: RoleConnectionGrant): string | null {
    if (!grant.tokens.scopes.includes('role_connections.write')) return null;
    return vault.seal(JSON.stringify(grant), grantContext(discordUserId));
  }

  function openGrant(request: LinkRequest): RoleConnectionGrant | undefined {
    if (request.sealedDiscordGrant === null) return undefined;
    try {
      return JSON.parse(vault.open(request.sealedDiscordGrant, grantContext(request.discordUserId))) as RoleConnectionGrant;
    } catch (error) {
      logger.warn({ err: error, discordUserId: request.discordUserId }, 'could not open the Discord tokens of the link request; the role connection waits for the next verification');
      return undefined;
    }
  }

  /** Discord's callback for a visit of the linked-roles page (its state was not a /link page's). */
  async function completeVerification(state: string, { code, error, browserBinding }: CallbackInput): Promise<DiscordSignInResult> {
    const at = clock().getTime();
    const found = deps.linkedRoleSignIns.consume(
      hashSecret(state),
      (candidate) => candidate.expiresAt.getTime() > at && bindingMatches(browserBinding, candidate.browserBindingHash),
    );
    if (!found || found.signIn.expiresAt.getTime() <= at) throw new LinkFailure('expired', 'unknown, used or expired Discord state');
    if (!found.consumed || browserBinding === undefined) throw new LinkFailure('wrong_browser', 'browser binding cookie missing or different');
    if (error !== undefined) throw new LinkFailure('discord_denied', 'Discord sign-in was not approved');
    if (typeof code !== 'string' || code.length === 0 || code.length > 2048) throw new LinkFailure('discord_rejected', 'missing or malformed Discord code');
    const clientId = deps.verificationClientId();
    if (clientId === undefined) throw new LinkFailure('discord_unavailable', 'the application id is not known yet');

    const tokens = await deps.discordOAuth.exchangeCode({ clientId, code });
    const account = await deps.discordOAuth.currentUser(tokens.accessToken);
    const discordUser = identityOfAccount(account);
    const grant: RoleConnectionGrant = { applicationId: clientId, tokens };
    const now = clock();
    const linked = accounts.findByDiscordUserId(account.id);
    const summary = linked && summarize(linked, now);
    if (summary?.state === 'usable') {
      logger.info({ discordUserId: account.id }, 'linked member verified from the linked-roles page');
      return { next: 'verified', discordUser, link: summary, roleConnectionGrant: grant };
    }
    // Not linked (or the AniList authorization ran out): on to AniList, as a link request that is already verified.
    const anilistState = newSecret();
    linkRequests.replaceForUserVerified({
      discordUserId: account.id,
      discordUsername: discordUser.username,
      discordDisplayName: discordUser.displayName,
      discordAvatarUrl: discordUser.avatarUrl,
      applicationId: clientId,
      stateHash: hashSecret(anilistState),
      browserBindingHash: found.signIn.browserBindingHash,
      discordVerifiedAt: now,
      sealedDiscordGrant: sealGrant(account.id, grant),
      // No /link interaction here: the language Discord reports for the account is the one of the bot's DMs.
      discordLocale: account.locale,
      createdAt: now,
      expiresAt: new Date(now.getTime() + LINK_REQUEST_LIFETIME_MS),
    });
    return { next: 'anilist', anilistAuthorizeUrl: anilistAuthorizeUrl(anilistState, browserBinding) };
  }

  function anilistAuthorizeUrl(state: string, browserBinding: string): string {
    const url = new URL(deps.oauth.authorizeUrl);
    url.search = new URLSearchParams({
      client_id: deps.oauth.clientId,
      redirect_uri: deps.oauth.redirectUri,
      response_type: 'code',
      state,
      // The browser binding doubles as the PKCE verifier: it never leaves the member's browser except to us.
      code_challenge: pkceChallenge(browserBinding),
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  /** The courtesy DM to the member whose AniList account was just linked by someone else (who proved to own it). */
  function announceMovedLink(previousDiscordUserId: string, previousLocale: string | null | undefined, anilistName: string): void {
    const t = deps.i18n.forDiscord(previousLocale);
    const content = t('link.movedAway', { name: escapeMarkdown(anilistName), url: 'https://anilist.co/settings/apps' });
    deps.dms.send(previousDiscordUserId, { content }).then(
      (outcome) => logger.info({ discordUserId: previousDiscordUserId, outcome }, 'told the previous member that their AniList link moved'),
      (error: unknown) => logger.warn({ err: error, discordUserId: previousDiscordUserId }, 'could not tell the previous member that their AniList link moved'),
    );
  }

  return {
    startLink({ discordUser, applicationId, interactionToken, discordLocale }) {
      const now = clock();
      linkRequests.purgeExpired(now);
      const pageId = newSecret();
      linkRequests.replaceForUser({
        pageIdHash: hashSecret(pageId),
        discordUserId: discordUser.id,
        discordUsername: discordUser.username,
        discordDisplayName: discordUser.displayName,
        discordAvatarUrl: discordUser.avatarUrl,
        applicationId,
        sealedInteractionToken: vault.seal(interactionToken, interactionTokenContext(discordUser.id)),
        discordLocale: discordLocale ?? null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + LINK_REQUEST_LIFETIME_MS),
      });
      const current = accounts.findByDiscordUserId(discordUser.id);
      return { pageUrl: `${deps.oauth.publicUrl}/link/${pageId}`, currentLink: current && summarize(current, now) };
    },

    openStartPage(pageId) {
      if (!looksLikeSecret(pageId)) throw new LinkFailure('expired', 'malformed page id');
      const request = linkRequests.findActiveByPageIdHash(hashSecret(pageId), clock());
      if (!request) throw new LinkFailure('expired', 'unknown or expired page id');
      // A fresh state per visit: reloading the page works, and only the latest visit's browser can finish.
      const discordState = newSecret();
      const browserBinding = newSecret();
      linkRequests.startSignIn(request.id, hashSecret(discordState), hashSecret(browserBinding));
      return {
        discordUser: discordIdentityOf(request),
        signInUrl: deps.discordOAuth.authorizeUrl({ clientId: discordClientFor(request), scopes: LINK_SIGN_IN_SCOPES, state: discordState }),
        browserBinding,
        secondsLeft: Math.max(1, Math.floor((request.expiresAt.getTime() - clock().getTime()) / 1000)),
      };
    },

    startVerification() {
      const clientId = deps.verificationClientId();
      if (clientId === undefined) throw new LinkFailure('discord_unavailable', 'the application id is not known yet (not connected to Discord)');
      const now = clock();
      const state = newSecret();
      const browserBinding = newSecret();
      deps.linkedRoleSignIns.create({
        stateHash: hashSecret(state),
        browserBindingHash: hashSecret(browserBinding),
        createdAt: now,
        expiresAt: new Date(now.getTime() + LINKED_ROLE_SIGN_IN_LIFETIME_MS),
      });
      return {
        signInUrl: deps.discordOAuth.authorizeUrl({ clientId, scopes: LINK_SIGN_IN_SCOPES, state }),
        browserBinding,
        secondsLeft: Math.floor(LINKED_ROLE_SIGN_IN_LIFETIME_MS / 1000),
      };
    },

    async completeDiscordSignIn(input) {
      const { state, code, error, browserBinding } = input;
      if (!looksLikeSecret(state)) throw new LinkFailure('expired', 'missing or malformed Discord state');
      const at = clock().getTime();
      const found = linkRequests.consumeDiscordState(
        hashSecret(state),
        (candidate) => candidate.expiresAt.getTime() > at && bindingMatches(browserBinding, candidate.browserBindingHash),
      );
      if (!found) return completeVerification(state, input);
      if (found.request.expiresAt.getTime() <= at) throw new LinkFailure('expired', 'unknown, used or expired Discord state');
      if (!found.consumed || browserBinding === undefined) throw new LinkFailure('wrong_browser', 'browser binding cookie missing or different');
      const request = found.request;
      if (error !== undefined) {
        linkRequests.delete(request.id);
        throw new LinkFailure('discord_denied', 'Discord sign-in was not approved');
      }
      if (typeof code !== 'string' || code.length === 0 || code.length > 2048) throw new LinkFailure('discord_rejected', 'missing or malformed Discord code');

      // The Discord tokens prove who is signing in; they are kept only to write the member's role connection.
      const tokens = await deps.discordOAuth.exchangeCode({ clientId: discordClientFor(request), code });
      const account = await deps.discordOAuth.currentUser(tokens.accessToken);
      if (account.id !== request.discordUserId) {
        linkRequests.delete(request.id);
        logger.warn({ discordUserId: request.discordUserId }, 'a link page was opened by another Discord account: the link request is burned');
        throw new LinkFailure('wrong_account', 'signed in with another Discord account than the link was made for');
      }
      const anilistState = newSecret();
      const sealedGrant = sealGrant(request.discordUserId, { applicationId: discordClientFor(request), tokens });
      if (!linkRequests.attachAniListState(request.id, request.browserBindingHash!, hashSecret(anilistState), clock(), sealedGrant)) {
        throw new LinkFailure('expired', 'the start page was opened again meanwhile');
      }
      return { next: 'anilist', anilistAuthorizeUrl: anilistAuthorizeUrl(anilistState, browserBinding) };
    },

    async completeLink({ state, code, error, browserBinding }) {
      if (!looksLikeSecret(state)) throw new LinkFailure('expired', 'missing or malformed state');
      const at = clock().getTime();
      // Look up, verify, then delete, in one transaction: a callback from another browser (a forwarded authorize
      // URL, a guessed link) must not consume the member's state, and two racing callbacks cannot both win. Only
      // requests whose member signed in with Discord have an AniList state at all.
      const found = linkRequests.consumeByStateHash(
        hashSecret(state),
        (candidate) => candidate.expiresAt.getTime() > at && bindingMatches(browserBinding, candidate.browserBindingHash),
      );
      if (!found || found.request.expiresAt.getTime() <= at) throw new LinkFailure('expired', 'unknown, used or expired state');
      if (!found.consumed) throw new LinkFailure('wrong_browser', 'browser binding cookie missing or different');
      const request = found.request;
      if (browserBinding === undefined) throw new LinkFailure('wrong_browser', 'browser binding cookie missing');
      if (error !== undefined) throw new LinkFailure('denied', 'authorization was not granted');
      if (typeof code !== 'string' || code.length === 0 || code.length > 2048) throw new LinkFailure('code_rejected', 'missing or malformed code');

      const token = await deps.exchangeToken(code, browserBinding);
      const anilist = await deps.identifyViewer(token.accessToken, request.discordUserId);
      const now = clock();
      const expiresAt = token.expiresIn
        ? new Date(now.getTime() + token.expiresIn * 1000)
        : (jwtExpiry(token.accessToken) ?? new Date(now.getTime() + DEFAULT_TOKEN_LIFETIME_MS));

      const saved = accounts.save(
        {
          discordUserId: request.discordUserId,
          anilistUserId: anilist.id,
          anilistName: anilist.name,
          anilistSiteUrl: anilist.siteUrl,
          anilistAvatarUrl: anilist.avatarUrl,
          sealedToken: sealAccessToken(vault, { discordUserId: request.discordUserId, anilistUserId: anilist.id }, token.accessToken),
          tokenExpiresAt: expiresAt,
          scoreFormat: anilist.scoreFormat,
          titleLanguage: anilist.titleLanguage,
          displayAdultContent: anilist.displayAdultContent,
          discordLocale: request.discordLocale,
        },
        now,
      );
      logger.info(
        { discordUserId: request.discordUserId, anilistUserId: anilist.id, moved: Boolean(saved.movedFromDiscordUserId) },
        'account linked',
      );
      if (saved.movedFromDiscordUserId !== undefined) announceMovedLink(saved.movedFromDiscordUserId, saved.movedFromDiscordLocale, anilist.name);
      editDiscordReply(
        request.applicationId,
        request.sealedInteractionToken,
        request.discordUserId,
        request.createdAt,
        deps.i18n.forDiscord(request.discordLocale)('link.completed', { name: escapeMarkdown(anilist.name) }),
      );
      return { discordUser: discordIdentityOf(request), anilist, ...saved, roleConnectionGrant: openGrant(request) };
    },

    unlink(discordUserId) {
      const account = accounts.findByDiscordUserId(discordUserId);
      linkRequests.deleteForUser(discordUserId);
      if (account) {
        accounts.delete(discordUserId);
        // The start page promises the bot forgets the token: not only the row, but the bytes in the files.
        try {
          deps.eraseDeleted();
        } catch (error) {
          logger.warn({ err: error }, 'could not checkpoint the database after an unlink; the token is erased at the next checkpoint');
        }
      }
      return account && summarize(account, clock());
    },

    purgeExpiredRequests: () => linkRequests.purgeExpired(clock()) + deps.linkedRoleSignIns.purgeExpired(clock()),
  };
}
