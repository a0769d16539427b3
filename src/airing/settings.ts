import type { AiringFeed, AiringFeedDisabledReason, AiringFeedsRepository } from '../db/airing-feeds.js';
import type { Locale, Translations } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { ChannelPoster } from './channels.js';
import { AIRING_FEED_MESSAGES } from './messages.js';

export interface AiringFeedRequest {
  readonly guildId: string;
  readonly channelId: string;
  readonly roleId: string | null;
  /** The channel's age restriction, from the interaction's resolved channel. */
  readonly channelNsfw: boolean;
  /** The admin setting it up. */
  readonly setBy: string;
  /** The language of the posts (the server's). */
  readonly locale: Locale;
}

/**
 * `set`: saved (`replaced` when the server had a feed already). `refused`: Discord will not let the bot post in the
 * channel (nothing saved). `unreachable`: Discord did not answer, so it could not be checked (nothing saved).
 */
export type SetFeedOutcome = { kind: 'set'; replaced: boolean } | { kind: 'refused'; reason: AiringFeedDisabledReason } | { kind: 'unreachable' };

/** What `/airing-feed` changes; the command sees this, never the feed rows. */
export interface AiringFeedSettings {
  /** False when the admin gave background work no budget (ANILIST_BACKGROUND_SHARE=0): nothing would be posted. */
  readonly available: boolean;
  /**
   * Posts the announcement in the channel first (proof that the bot may post there: Discord checks its View Channel
   * and Send Messages there, overwrites included), then saves the feed, announcing episodes from now on.
   */
  set(request: AiringFeedRequest): Promise<SetFeedOutcome>;
  /** Stops the server's feed; resolves the channel it posted in, or undefined when there was none. */
  off(guildId: string): { channelId: string } | undefined;
}

export interface AiringFeedSettingsDeps {
  feeds: AiringFeedsRepository;
  channels: ChannelPoster;
  i18n: Translations;
  clock: () => Date;
  logger: Logger;
  available: boolean;
  /** Called after a feed was set, e.g. to look for episodes soon. */
  onChange?: () => void;
}

export function createAiringFeedSettings(deps: AiringFeedSettingsDeps): AiringFeedSettings {
  const { feeds, channels, clock, logger } = deps;
  return {
    available: deps.available,

    async set(request) {
      const existing: AiringFeed | undefined = feeds.find(request.guildId);
      let outcome: 'sent' | AiringFeedDisabledReason;
      try {
        outcome = await channels.post(request.channelId, AIRING_FEED_MESSAGES.announcement(deps.i18n.forLocale(request.locale), request.setBy), null);
      } catch (error) {
        logger.warn({ err: error, guildId: request.guildId, channelId: request.channelId }, 'could not post the airing feed announcement');
        return { kind: 'unreachable' };
      }
      if (outcome !== 'sent') {
        logger.info({ guildId: request.guildId, channelId: request.channelId, reason: outcome }, 'airing feed refused: the bot cannot post in that channel');
        return { kind: 'refused', reason: outcome };
      }
      const now = clock();
      feeds.set(request, now);
      feeds.checkNoLaterThan(now);
      logger.info({ guildId: request.guildId, channelId: request.channelId, replaced: existing !== undefined }, 'airing feed set');
      deps.onChange?.();
      return { kind: 'set', replaced: existing !== undefined };
    },

    off(guildId) {
      const existing = feeds.find(guildId);
      if (!existing || !feeds.remove(guildId)) return undefined;
      logger.info({ guildId }, 'airing feed stopped');
      return { channelId: existing.channelId };
    },
  };
}
