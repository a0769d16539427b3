import type { TokenVault } from '../crypto/vault.js';
import type { LinkedAccount, LinkedAccountsRepository } from '../db/linked-accounts.js';
import type { Logger } from '../logger.js';
import { msg } from '../i18n/index.js';
import { UserFacingError } from '../user-facing-error.js';
import { openAccessToken } from './access-token.js';

export const RUN_LINK_FIRST = msg('common.runLinkFirst');
export const LINK_EXPIRED = msg('common.linkExpired');

/**
 * `usable`: the token may still work. `expired`: past the expiry AniList gave it. `rejected`: AniList answered
 * "Invalid token" (the member revoked the app, or AniList retired the token).
 */
export type LinkState = 'usable' | 'expired' | 'rejected';

/**
 * Whether the member appears in server views ("who in this server has this title"), chosen with /privacy.
 * `default`: never chosen, so only what AniList shows a logged-out visitor. `shown`: opted in after linking, so even
 * with a private AniList profile their non-private entries are shown (read with their own token). `hidden`: never.
 */
export type ServerViews = 'default' | 'shown' | 'hidden';

/** What a link says about a member, without their token: safe to show, log or pass around. */
export interface LinkSummary {
  readonly discordUserId: string;
  readonly anilistUserId: number;
  readonly anilistName: string;
  readonly anilistSiteUrl: string;
  readonly anilistAvatarUrl: string | null;
  /** AniList's ScoreFormat for the member, as AniList last reported it. */
  readonly scoreFormat: string;
  /** AniList's UserTitleLanguage for the member, as of linking. */
  readonly titleLanguage: string;
  readonly displayAdultContent: boolean;
  /** When AniList stops accepting the token. */
  readonly expiresAt: Date;
  readonly serverViews: ServerViews;
  /**
   * The member's Discord client language at their latest /link (an interaction's `locale`, e.g. `ja`), or null when
   * not known: the language of the DMs the bot sends them.
   */
  readonly discordLocale: string | null;
  /** As of when this view was read. */
  readonly state: LinkState;
}

/** A linked member as commands see them: what the link says, and their AniList token when a request needs it. */
export interface LinkedMember extends LinkSummary {
  /** The member's AniList token, opened now. Only for the request about to be sent; never logged or shown. */
  token(): string;
  /**
   * Records that AniList rejected this member's token. Only this very token: if the member re-linked since this
   * view was read, the new link stays usable. Returns whether the stored link was marked.
   */
  rejectToken(): boolean;
}

export type UsableMember = LinkedMember & { readonly state: 'usable' };

export function isUsable(member: LinkedMember | undefined): member is UsableMember {
  return member?.state === 'usable';
}

/** The account queries of the linking module: members as views, never as database rows. */
export interface MemberDirectory {
  member(discordUserId: string): LinkedMember | undefined;
  /** The linked ones among these Discord users, in the order given. */
  members(discordUserIds: readonly string[]): LinkedMember[];
  /** The member when their link is usable; undefined when there is none, or it expired or was rejected. */
  usableMember(discordUserId: string): UsableMember | undefined;
  /** The member's usable link, or a UserFacingError telling them to run /link. */
  requireUsableMember(discordUserId: string): UsableMember;
  /**
   * Records the score format AniList last reported for a member. /update validates scores before asking AniList
   * anything, so the stored copy must follow a member who changed formats since linking.
   */
  rememberScoreFormat(discordUserId: string, scoreFormat: string): void;
  /** Records the member's /privacy choice; returns false when they are not linked (any more). */
  setServerViews(discordUserId: string, choice: Exclude<ServerViews, 'default'>): boolean;
}

export interface MemberDirectoryDeps {
  accounts: LinkedAccountsRepository;
  vault: TokenVault;
  clock: () => Date;
  logger: Logger;
}

export function linkState(account: Pick<LinkedAccount, 'tokenRejectedAt' | 'tokenExpiresAt'>, now: Date): LinkState {
  if (account.tokenRejectedAt) return 'rejected';
  return account.tokenExpiresAt.getTime() > now.getTime() ? 'usable' : 'expired';
}

export function summarize(account: LinkedAccount, now: Date): LinkSummary {
  return {
    discordUserId: account.discordUserId,
    anilistUserId: account.anilistUserId,
    anilistName: account.anilistName,
    anilistSiteUrl: account.anilistSiteUrl,
    anilistAvatarUrl: account.anilistAvatarUrl,
    scoreFormat: account.scoreFormat,
    titleLanguage: account.titleLanguage,
    displayAdultContent: account.displayAdultContent,
    expiresAt: account.tokenExpiresAt,
    serverViews: account.serverViews ?? 'default',
    discordLocale: account.discordLocale ?? null,
    state: linkState(account, now),
  };
}

export function createMemberDirectory({ accounts, vault, clock, logger }: MemberDirectoryDeps): MemberDirectory {
  function asMember(account: LinkedAccount): LinkedMember {
    // The sealed token stays in this closure: a member view carries no token, sealed or not, as a property.
    // A view lives for one interaction, so the token is opened at most once per interaction.
    const { sealedToken } = account;
    let opened: string | undefined;
    return {
      ...summarize(account, clock()),
      token: () => (opened ??= openAccessToken(vault, account)),
      rejectToken() {
        const marked = accounts.markTokenRejectedIfCurrent(account.discordUserId, sealedToken, clock());
        if (!marked) {
          logger.info({ discordUserId: account.discordUserId }, 'AniList rejected a token the member has since replaced; the current link stays usable');
        }
        return marked;
      },
    };
  }

  function member(discordUserId: string): LinkedMember | undefined {
    const account = accounts.findByDiscordUserId(discordUserId);
    return account ? asMember(account) : undefined;
  }

  return {
    member,

    members(discordUserIds) {
      const byId = new Map(accounts.findByDiscordUserIds(discordUserIds).map((account) => [account.discordUserId, account]));
      return discordUserIds.flatMap((id) => {
        const account = byId.get(id);
        return account ? [asMember(account)] : [];
      });
    },

    usableMember(discordUserId) {
      const found = member(discordUserId);
      return isUsable(found) ? found : undefined;
    },

    requireUsableMember(discordUserId) {
      const found = member(discordUserId);
      if (!found) throw new UserFacingError(RUN_LINK_FIRST);
      if (!isUsable(found)) throw new UserFacingError(LINK_EXPIRED);
      return found;
    },

    setServerViews: (discordUserId, choice) => accounts.updateServerViews(discordUserId, choice, clock()),

    rememberScoreFormat(discordUserId, scoreFormat) {
      if (accounts.updateScoreFormat(discordUserId, scoreFormat, clock())) {
        logger.info({ discordUserId, scoreFormat }, 'score format changed on AniList; stored copy updated');
      }
    },
  };
}
