/**
 * Static data for the fake Discord: snowflakes, fake users, guild/channel/member/role objects.
 */
import { randomBytes } from 'node:crypto';

export const DISCORD_EPOCH = 1420070400000n;

let snowflakeCounter = 0n;
/** A fresh, unique snowflake whose timestamp part is `ms`. */
export function snowflake(ms: number = Date.now()): string {
  snowflakeCounter = (snowflakeCounter + 1n) & 0x3fffffn;
  return (((BigInt(Math.floor(ms)) - DISCORD_EPOCH) << 22n) | snowflakeCounter).toString();
}

/** The shard a guild belongs to, per Discord's formula `(guild_id >> 22) % shard_count`. */
export function shardForGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  avatar: string | null;
  discriminator: string;
  public_flags: number;
  flags?: number;
  bot?: boolean;
  system?: boolean;
  banner?: string | null;
  accent_color?: number | null;
  avatar_decoration_data?: null;
  primary_guild?: null;
  collectibles?: null;
}

function user(id: string, username: string, globalName: string | null, avatar: string | null): FakeUser {
  return {
    id,
    username,
    global_name: globalName,
    avatar,
    discriminator: '0',
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    primary_guild: null,
    collectibles: null,
  };
}

/** A few distinct, stable fake users for tests. */
export const fakeUsers = {
  alice: user('111111111111111101', 'alice', 'Alice', '0f4c6d2b9a8e7f1c3d5b6a7e8f9d0c1b'),
  bob: user('111111111111111102', 'bob_the_builder', 'Bob', 'a_1b2c3d4e5f60718293a4b5c6d7e8f901'),
  carol: user('111111111111111103', 'carol.k', 'Carol ✨', null),
  dave: user('111111111111111104', 'dave99', null, '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b'),
} as const satisfies Record<string, FakeUser>;

export type FakeUserName = keyof typeof fakeUsers;

export const defaultBotUser: FakeUser = {
  ...user('222222222222222201', 'anilink', null, null),
  bot: true,
  flags: 0,
};

export const DEFAULT_APPLICATION_ID = '222222222222222201';

/** Permission bits (as bigint) used to build realistic defaults. */
export const Perm = {
  CreateInstantInvite: 1n << 0n,
  KickMembers: 1n << 1n,
  BanMembers: 1n << 2n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  Connect: 1n << 20n,
  Speak: 1n << 21n,
  ChangeNickname: 1n << 26n,
  ManageRoles: 1n << 28n,
  UseApplicationCommands: 1n << 31n,
  CreatePublicThreads: 1n << 35n,
  SendMessagesInThreads: 1n << 38n,
  UseExternalStickers: 1n << 37n,
  UseEmbeddedActivities: 1n << 39n,
} as const;

export const DEFAULT_EVERYONE_PERMISSIONS = (
  Perm.CreateInstantInvite |
  Perm.AddReactions |
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.EmbedLinks |
  Perm.AttachFiles |
  Perm.ReadMessageHistory |
  Perm.UseExternalEmojis |
  Perm.Connect |
  Perm.Speak |
  Perm.ChangeNickname |
  Perm.UseApplicationCommands |
  Perm.CreatePublicThreads |
  Perm.SendMessagesInThreads |
  Perm.UseExternalStickers |
  Perm.UseEmbeddedActivities
).toString();

export const DEFAULT_BOT_PERMISSIONS = (BigInt(DEFAULT_EVERYONE_PERMISSIONS) | Perm.ManageRoles | Perm.ManageMessages).toString();

export interface FakeChannelSpec {
  id?: string;
  name: string;
  /** Channel type; default 0 (GUILD_TEXT). 11/12 (public/private thread) need `parent`. */
  type?: number;
  /** Ignored for threads: Discord gives threads no flag of their own, they follow their parent. */
  nsfw?: boolean;
  topic?: string | null;
  /**
   * The bot's effective permissions in this channel (decimal string), when they differ from its guild role's,
   * e.g. without Send Messages. Sent as a member overwrite for the bot, and enforced on REST.
   */
  botPermissions?: string;
  /** Name of the parent channel in the same guild (a thread's channel, or a channel's category). */
  parent?: string;
}

/** Public, private and announcement threads. */
export const THREAD_CHANNEL_TYPES: readonly number[] = [10, 11, 12];

export interface FakeRoleSpec {
  id?: string;
  name: string;
  permissions?: string;
  color?: number;
}

export interface FakeGuildSpec {
  id?: string;
  name?: string;
  ownerId?: string;
  channels?: FakeChannelSpec[];
  roles?: FakeRoleSpec[];
  /** Permissions of the bot's managed role (decimal string). */
  botPermissions?: string;
  /** Permissions of @everyone (decimal string). */
  everyonePermissions?: string;
  preferredLocale?: string;
}

export interface GuildChannel {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  position: number;
  permission_overwrites: unknown[];
  nsfw: boolean;
  topic: string | null;
  last_message_id: string | null;
  rate_limit_per_user: number;
  parent_id: string | null;
  flags: number;
  /** Threads only: the member who started it. */
  owner_id?: string;
}

export interface Role {
  id: string;
  name: string;
  color: number;
  colors: { primary_color: number; secondary_color: null; tertiary_color: null };
  hoist: boolean;
  icon: null;
  unicode_emoji: null;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: { bot_id: string };
}

export interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  preferredLocale: string;
  channels: GuildChannel[];
  roles: Role[];
  botRoleId: string;
  everyonePermissions: string;
  botPermissions: string;
  joinedAt: string;
}

/** Guild snowflakes whose timestamps differ by 1 ms, so they spread over shards. */
const GUILD_BASE_MS = 1_600_000_000_000;

function role(id: string, name: string, permissions: string, position: number, extra: Partial<Role> = {}): Role {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions,
    managed: false,
    mentionable: false,
    flags: 0,
    ...extra,
  };
}

export function buildGuild(spec: FakeGuildSpec, index: number, botUserId: string, nowMs: number): GuildState {
  const id = spec.id ?? (((BigInt(GUILD_BASE_MS + index) - DISCORD_EPOCH) << 22n) | BigInt(index + 1)).toString();
  const channelSpecs: FakeChannelSpec[] = spec.channels ?? [
    { name: 'general' },
    { name: 'anime-talk', topic: 'Talk about anime' },
    { name: 'nsfw-lounge', nsfw: true },
  ];
  const everyonePermissions = spec.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS;
  const botPermissions = spec.botPermissions ?? DEFAULT_BOT_PERMISSIONS;
  const botBase = (BigInt(everyonePermissions) | BigInt(botPermissions)).toString();
  const channels = channelSpecs.map(
    (c, i): GuildChannel => ({
      id: c.id ?? snowflake(nowMs),
      type: c.type ?? 0,
      guild_id: id,
      name: c.name,
      position: i,
      permission_overwrites: c.botPermissions === undefined ? [] : [botMemberOverwrite(botUserId, botBase, c.botPermissions)],
      nsfw: c.nsfw ?? false,
      topic: c.topic ?? null,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: null,
      flags: 0,
    }),
  );
  channelSpecs.forEach((c, i) => {
    if (c.parent === undefined) return;
    const parent = channels.find((p) => p.name === c.parent && !THREAD_CHANNEL_TYPES.includes(p.type));
    if (!parent) throw new Error(`fake-discord: channel ${c.name} names an unknown parent ${c.parent}`);
    channels[i]!.parent_id = parent.id;
  });
  for (const ch of channels) {
    if (!THREAD_CHANNEL_TYPES.includes(ch.type)) continue;
    if (ch.parent_id === null) throw new Error(`fake-discord: thread ${ch.name} needs a parent`);
    ch.nsfw = false;
    ch.owner_id = fakeUsers.carol.id;
  }
  const botRoleId = snowflake(nowMs);
  const roles: Role[] = [
    role(id, '@everyone', everyonePermissions, 0),
    ...(spec.roles ?? [{ name: 'Moderator', permissions: (BigInt(everyonePermissions) | Perm.ManageMessages | Perm.KickMembers).toString() }]).map(
      (r, i) => role(r.id ?? snowflake(nowMs), r.name, r.permissions ?? everyonePermissions, i + 1, { color: r.color ?? 0 }),
    ),
  ];
  roles.push(role(botRoleId, 'AniLink', botPermissions, roles.length, { managed: true, tags: { bot_id: botUserId } }));
  return {
    id,
    name: spec.name ?? (index === 0 ? 'AniLink Test Server' : `AniLink Test Server ${index + 1}`),
    ownerId: spec.ownerId ?? fakeUsers.carol.id,
    preferredLocale: spec.preferredLocale ?? 'en-US',
    channels,
    roles,
    botRoleId,
    everyonePermissions,
    botPermissions,
    joinedAt: new Date(nowMs - 86_400_000).toISOString(),
  };
}

/** A member overwrite that turns the bot's guild-wide permissions `base` into exactly `effective` in one channel. */
export function botMemberOverwrite(botUserId: string, base: string, effective: string): Record<string, unknown> {
  const b = BigInt(base);
  const e = BigInt(effective);
  return { id: botUserId, type: 1, allow: (e & ~b).toString(), deny: (b & ~e).toString() };
}

/** The bot's permissions in a channel: its guild-wide ones through the channel's member overwrite for it. */
export function botChannelPermissions(guild: GuildState, channel: GuildChannel, botUserId: string): bigint {
  const base = BigInt(guild.everyonePermissions) | BigInt(guild.botPermissions);
  if ((base & Perm.Administrator) !== 0n) return base;
  const own = channel.permission_overwrites.find(
    (o): o is { id: string; type: number; allow: string; deny: string } => typeof o === 'object' && o !== null && (o as { id?: unknown }).id === botUserId,
  );
  return own ? (base & ~BigInt(own.deny)) | BigInt(own.allow) : base;
}

export function memberObject(
  u: FakeUser,
  opts: { roles?: string[]; joinedAt?: string; permissions?: string; nick?: string | null } = {},
): Record<string, unknown> {
  const m: Record<string, unknown> = {
    user: u,
    nick: opts.nick ?? null,
    avatar: null,
    banner: null,
    roles: opts.roles ?? [],
    joined_at: opts.joinedAt ?? '2024-01-01T00:00:00.000000+00:00',
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
    unusual_dm_activity_until: null,
  };
  if (opts.permissions !== undefined) m.permissions = opts.permissions;
  return m;
}

/**
 * A channel as Discord shows it in an interaction payload and on GET /channels/{id}. Threads have no `nsfw`,
 * `topic`, `position` or permission overwrites of their own; they carry their parent and thread metadata instead.
 */
export function channelPayload(ch: GuildChannel): Record<string, unknown> {
  if (!THREAD_CHANNEL_TYPES.includes(ch.type)) return { ...clone(ch) };
  const { nsfw: _nsfw, topic: _topic, position: _position, permission_overwrites: _overwrites, ...thread } = clone(ch);
  return {
    ...thread,
    member_count: 1,
    message_count: 0,
    total_message_sent: 0,
    thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: '2024-01-01T00:00:00.000000+00:00', locked: false, create_timestamp: '2024-01-01T00:00:00.000000+00:00' },
  };
}

export function guildCreatePayload(g: GuildState, botUser: FakeUser): Record<string, unknown> {
  return {
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: g.ownerId,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: g.roles,
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: g.channels[0]?.id ?? null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: g.preferredLocale,
    nsfw_level: 0,
    nsfw: false,
    max_members: 25000000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    joined_at: g.joinedAt,
    large: false,
    unavailable: false,
    lazy: true,
    member_count: 5,
    voice_states: [],
    members: [memberObject(botUser, { roles: [g.botRoleId], joinedAt: g.joinedAt })],
    channels: g.channels.filter((c) => !THREAD_CHANNEL_TYPES.includes(c.type)).map(({ guild_id: _omit, ...rest }) => rest),
    threads: g.channels.filter((c) => THREAD_CHANNEL_TYPES.includes(c.type)).map(channelPayload),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
    hub_type: null,
    incidents_data: null,
    home_header: null,
    latest_onboarding_question_id: null,
    inventory_settings: null,
  };
}

/** A realistic-looking interaction token. */
export function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${randomBytes(96).toString('base64url')}`;
}

/** Deep clone of JSON-compatible data. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}
