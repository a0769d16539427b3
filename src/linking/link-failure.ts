export type LinkFailureKind =
  /** The link page or state is missing, malformed, unknown, used or expired. */
  | 'expired'
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
