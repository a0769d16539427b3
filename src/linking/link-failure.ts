export type LinkFailureKind =
  /** The link page or a state is missing, malformed, unknown, used or expired. */
  | 'expired'
  /** The member signed in with a Discord account other than the one the link was made for. */
  | 'wrong_account'
  /** The member pressed Cancel on Discord's authorize page. */
  | 'discord_denied'
  /** Discord refused the code: used, expired or not ours. */
  | 'discord_rejected'
  /** Discord refused our client id/secret or redirect URI: only the admin can fix it. */
  | 'discord_misconfigured'
  /** Discord did not answer, answered 5xx or 429, or its answer made no sense. */
  | 'discord_unavailable'
  /** The member pressed Cancel on AniList. */
  | 'denied'
  /** The callback came to a browser that never opened the start page (e.g. a forwarded authorize URL). */
  | 'wrong_browser'
  /** AniList refused the code: used, expired or not ours. */
  | 'code_rejected'
  /** AniList refused our client id/secret or redirect URI: only the admin can fix it. */
  | 'misconfigured'
  /** AniList did not answer, answered 5xx, or its answer made no sense. */
  | 'anilist_unavailable'
  /** AniList (or the bot's share of it) is rate-limited right now; `retryAfterSeconds` says when to try again. */
  | 'anilist_busy';

/**
 * Failures that a request without a live link id or state runs into: they are what junk traffic produces, so they
 * count against the sender's address. Every other failure needed a live (unguessable, single-use) secret.
 */
export const UNPROVEN_FAILURES: ReadonlySet<LinkFailureKind> = new Set(['expired']);

export class LinkFailure extends Error {
  constructor(
    readonly kind: LinkFailureKind,
    detail?: string,
    /** Set for `anilist_busy`. */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail ?? kind);
    this.name = 'LinkFailure';
  }
}
