import {
  ChannelType,
  DiscordAPIError,
  Events,
  GatewayDispatchEvents,
  RESTJSONErrorCodes,
  Routes,
  type BaseInteraction,
  type Client,
  type REST,
} from 'discord.js';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.js';

/**
 * Where an interaction happened, as far as age-restricted content is concerned — read from the interaction's own
 * payload, never from discord.js's caches.
 *
 * Why the raw payload: the bot connects with no gateway intent, so discord.js knows no guild channel. Its
 * INTERACTION_CREATE action copies the payload's partial `channel` into the channel cache only when that channel
 * is already cached (or, with the Channel partial, when its guild is fully known), and `BaseInteraction` itself keeps
 * nothing of it but `channelId` (discord.js 14.28 `BaseInteraction` constructor, `Action#getChannel`). So
 * `interaction.channel` is null, and the payload's `channel.nsfw` is only visible on the gateway dispatch, which
 * discord.js emits on `client.ws` just before it builds the interaction object from the same payload.
 *
 * Discord puts `nsfw` on guild text, voice, announcement, stage, forum and media channels. Threads carry no flag:
 * they follow their parent, which one REST call tells (cached, see createThreadParentLookup). DMs and group DMs are
 * never age-restricted. Whatever cannot be told counts as not NSFW: when in doubt, hide.
 */

/** Whether a thread's parent channel is age-restricted. */
export interface ThreadParentLookup {
  /** Resolves false when it cannot be told (no access, Discord unreachable, too slow). Never rejects. */
  isNsfw(parentId: string): Promise<boolean>;
}

export interface ThreadParentLookupOptions {
  /** A REST client with the bot token (GET /channels/{id}). */
  rest: REST;
  /** Parent channels remembered; the cache never grows past this whatever the number of guilds. */
  maxEntries?: number;
  /** How long a parent's flag is trusted; a channel switched to SFW shows adult titles in its threads for at most this long. */
  ttlMs?: number;
  /** The lookup runs before the member's first response: past this it gives up (hides) to keep Discord's 3 s deadline. */
  timeoutMs?: number;
  logger?: Logger | undefined;
}

/** Errors that will not change on retry: the answer (hide) is cached like a real one. */
const DEFINITIVE_ERROR_CODES = new Set<number | string>([RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.MissingPermissions]);

/**
 * One REST lookup per parent channel, remembered in a small bounded cache; concurrent lookups of one parent share a
 * request. Wire one per process with the bot's REST client.
 */
export function createThreadParentLookup({ rest, maxEntries = 1_000, ttlMs = 5 * 60_000, timeoutMs = 1_500, logger }: ThreadParentLookupOptions): ThreadParentLookup {
  const parents = new LRUCache<string, boolean>({
    max: maxEntries,
    ttl: ttlMs,
    fetchMethod: async (parentId, _stale, { signal }) => {
      try {
        const channel = (await rest.get(Routes.channel(parentId), { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) })) as { nsfw?: unknown };
        return channel.nsfw === true;
      } catch (error) {
        if (error instanceof DiscordAPIError && DEFINITIVE_ERROR_CODES.has(error.code)) return false;
        throw error;
      }
    },
  });
  return {
    async isNsfw(parentId) {
      try {
        return (await parents.fetch(parentId)) === true;
      } catch (error) {
        logger?.warn({ err: error, parentId }, 'could not look up a thread parent channel; adult titles stay hidden there');
        return false;
      }
    },
  };
}

/** The part of the INTERACTION_CREATE payload's `channel` read here. */
interface PayloadChannel {
  type?: unknown;
  nsfw?: unknown;
  parent_id?: unknown;
}

const THREAD_TYPES = new Set<unknown>([ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread]);

/** A settled verdict, or one waiting for a thread parent lookup. */
interface ChannelVerdict {
  nsfw: boolean;
  pending: Promise<void> | undefined;
}

const VERDICT = Symbol('anilink.interactionChannelVerdict');
type WithVerdict = BaseInteraction & { [VERDICT]?: ChannelVerdict };

function verdictFor(channel: PayloadChannel | undefined, threadParents: ThreadParentLookup): ChannelVerdict {
  if (!channel || typeof channel !== 'object') return { nsfw: false, pending: undefined };
  if (THREAD_TYPES.has(channel.type)) {
    if (typeof channel.parent_id !== 'string') return { nsfw: false, pending: undefined };
    const verdict: ChannelVerdict = { nsfw: false, pending: undefined };
    verdict.pending = threadParents.isNsfw(channel.parent_id).then((nsfw) => {
      verdict.nsfw = nsfw;
      verdict.pending = undefined;
    });
    return verdict;
  }
  // DMs and group DMs have no flag; a guild channel's is in the payload.
  return { nsfw: channel.nsfw === true, pending: undefined };
}

/**
 * Reads each INTERACTION_CREATE dispatch's channel and hangs the verdict on the interaction discord.js builds from
 * it. A thread's parent lookup starts on receipt; the dispatcher awaits it (settleInteractionChannel) before a
 * handler runs, so handlers read the verdict synchronously (isNsfwInteractionChannel).
 */
export function trackInteractionChannels(client: Client, { threadParents }: { threadParents: ThreadParentLookup }): void {
  // Keyed by interaction id: discord.js emits the dispatch and builds the interaction in the same call, except
  // for interactions that arrive before READY completes (queued) or that it drops; the bound keeps those few.
  const received = new LRUCache<string, ChannelVerdict>({ max: 256 });
  client.ws.on(GatewayDispatchEvents.InteractionCreate, (data: { id?: unknown; channel?: PayloadChannel }) => {
    if (typeof data?.id === 'string') received.set(data.id, verdictFor(data.channel, threadParents));
  });
  // Prepended so the verdict is in place before any other listener (the dispatcher) sees the interaction.
  client.prependListener(Events.InteractionCreate, (interaction: BaseInteraction) => {
    const verdict = received.get(interaction.id);
    if (!verdict) return;
    received.delete(interaction.id);
    Object.defineProperty(interaction, VERDICT, { value: verdict, enumerable: false });
  });
}

/** Waits for a pending thread parent lookup, if any. Never rejects. */
export async function settleInteractionChannel(interaction: BaseInteraction): Promise<void> {
  await (interaction as WithVerdict)[VERDICT]?.pending;
}

/** Whether adult titles may be shown where this interaction happened; false when unknown or not settled yet. */
export function isNsfwInteractionChannel(interaction: BaseInteraction): boolean {
  const verdict = (interaction as WithVerdict)[VERDICT];
  return verdict !== undefined && verdict.pending === undefined && verdict.nsfw;
}
