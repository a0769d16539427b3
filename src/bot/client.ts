import { Client, GatewayIntentBits, Options } from 'discord.js';

export interface DiscordClientOptions {
  apiUrl: string;
  /**
   * Inside a shard process spawned by discord.js's ShardingManager: the client then takes its shard id and count
   * from the SHARDS/SHARD_COUNT the manager set. Otherwise the client runs the single shard [0] of 1 and never
   * reads those variables (an admin's own `SHARDS=` setting is our option, not discord.js's).
   */
  managedShard?: boolean;
}

/**
 * Slash-command interactions arrive over the gateway whatever the intents, and carry the member, channel and
 * app permissions in their payload, so the bot asks only for Guilds and keeps almost nothing in memory.
 */
export function createDiscordClient({ apiUrl, managedShard = false }: DiscordClientOptions): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
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
}
