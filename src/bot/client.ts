import { Client, Options } from 'discord.js';
import type { Logger } from '../logger.js';
import { createThreadParentLookup, trackInteractionChannels, type ThreadParentLookup } from './interaction-channel.js';

export interface DiscordClientOptions {
  apiUrl: string;
  /**
   * Inside a shard process spawned by discord.js's ShardingManager: the client then takes its shard id and count
   * from the SHARDS/SHARD_COUNT the manager set. Otherwise the client runs the single shard [0] of 1 and never
   * reads those variables (an admin's own `SHARDS=` setting is our option, not discord.js's).
   */
  managedShard?: boolean;
  /** Tells whether a thread's parent channel is NSFW. Default: createThreadParentLookup over this client's REST. */
  threadParents?: ThreadParentLookup;
  /** For the default thread parent lookup's warnings. */
  logger?: Logger;
}

/**
 * No gateway intent at all. Slash commands, autocomplete and component interactions reach the bot whatever the
 * intents, and each payload carries what the commands need: the user and member, resolved users of USER options,
 * `app_permissions`, `guild_id`, `locale`, and the channel with its `nsfw` flag (read by interaction-channel.ts).
 * Without the Guilds intent Discord sends no GUILD_CREATE, READY lists the guilds as unavailable and discord.js is
 * ready at once; memory no longer grows with the guilds' channels, roles and members.
 *
 * What is left per guild is discord.js's stub for each unavailable guild from READY (its guild cache cannot be
 * trimmed: discord.js warns that doing so "is unsupported and breaks functionality"). The caches below are those an
 * interaction could still fill (the invoking user and member); they keep only the bot's own entries.
 */
export function createDiscordClient({ apiUrl, managedShard = false, threadParents, logger }: DiscordClientOptions): Client {
  const client = new Client({
    intents: [],
    rest: { api: apiUrl },
    ...(managedShard ? {} : { shards: [0], shardCount: 1 }),
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      ApplicationCommandManager: 0,
      AutoModerationRuleManager: 0,
      BaseGuildEmojiManager: 0,
      DMMessageManager: 0,
      GuildBanManager: 0,
      GuildEmojiManager: 0,
      GuildForumThreadManager: 0,
      GuildInviteManager: 0,
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
      GuildMessageManager: 0,
      GuildScheduledEventManager: 0,
      GuildStickerManager: 0,
      GuildTextThreadManager: 0,
      MessageManager: 0,
      PresenceManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      StageInstanceManager: 0,
      ThreadManager: 0,
      ThreadMemberManager: 0,
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
      VoiceStateManager: 0,
    }),
    allowedMentions: { parse: [], repliedUser: false },
    failIfNotExists: false,
  });
  trackInteractionChannels(client, {
    threadParents: threadParents ?? createThreadParentLookup({ rest: client.rest, logger: logger?.child({ component: 'thread-parents' }) }),
  });
  return client;
}
