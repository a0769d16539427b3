/** Public types of the fake Discord. */
import type { FakeGuildSpec, FakeUser, fakeUsers } from './fixtures.js';
import type { DiscordErrorTree, FieldError } from './schema.js';
import type { UploadedFile } from './http.js';
import type { FakeRateLimitOptions, GlobalWindowInfo, RateLimitInfo } from './rate-limits.js';
import type { FakeDiscordOAuthOptions } from './oauth.js';

export type FakeUserRef = FakeUser | keyof typeof fakeUsers;

export interface StartFakeDiscordOptions {
  /** Port on 127.0.0.1 (default: any free port). */
  port?: number;
  /** Bot token accepted on REST (`Authorization: Bot <token>`) and in IDENTIFY/RESUME. */
  token?: string;
  applicationId?: string;
  botUser?: Partial<FakeUser>;
  /** Guilds the bot is in. Default: one guild with #general, #anime-talk and NSFW #nsfw-lounge. */
  guilds?: FakeGuildSpec[];
  /** Recommended shard count returned by GET /gateway/bot. Default 1. */
  shards?: number;
  /** `session_start_limit.max_concurrency` (discord.js waits 5 s between identifies per bucket). Default 1. */
  maxConcurrency?: number;
  /** Clock in ms used for interaction token lifetime, timestamps and snowflakes. Default Date.now. */
  now?: () => number;
  /** Initial interaction response deadline. Default 3000 ms. */
  initialResponseDeadlineMs?: number;
  /** HELLO heartbeat interval. Default 41250 ms. */
  heartbeatIntervalMs?: number;
  /** Close the socket (4009) when the client stops heartbeating. Default true. */
  enforceHeartbeat?: boolean;
  /** Privileged intents enabled for the app (bitfield of GuildMembers 1<<1, GuildPresences 1<<8, MessageContent 1<<15). Default 0. */
  privilegedIntents?: number;
  /** When true, send* helpers throw for commands that were not registered via bulk overwrite. Default false. */
  strictCommands?: boolean;
  /** Users (besides `fakeUsers`) that exist, e.g. for opening DMs. */
  extraUsers?: FakeUser[];
  /** Users who do not accept DMs from the bot (sending them one answers 403 50007); see also `setDmsClosed`. */
  closedDms?: string[];
  /**
   * Discord's REST rate limits (global 50/s, per-route buckets; see rate-limits.ts for the values and sources).
   * On by default; `false` turns them off, an object overrides values.
   */
  rateLimits?: FakeRateLimitOptions | false;
  /** The application's OAuth2 client (secret, registered redirect URIs, code lifetime). */
  oauth?: FakeDiscordOAuthOptions;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path below `/api/v10`, e.g. `/webhooks/1/abc/messages/@original`. */
  path: string;
  /** Route template matched (OpenAPI path), or null for unknown routes. */
  route: string | null;
  query: Record<string, string>;
  body: unknown;
  files: Omit<UploadedFile, 'data'>[];
  headers: Record<string, string | string[] | undefined>;
  /** Fake-clock time (ms) the request was received. */
  receivedAt: number;
  status: number;
  response: unknown;
  schemaErrors?: FieldError[];
  /** The route bucket this request counted against, as announced in its X-RateLimit-* headers. */
  rateLimit?: RateLimitInfo;
  /** Where it fell in the bot's global one-second window. */
  globalRateLimit?: GlobalWindowInfo;
}

export interface SchemaViolation {
  method: string;
  path: string;
  route: string;
  body: unknown;
  /** `schema`: OpenAPI schema; `limit`: Discord limit not in the schema; `rule`: protocol rule (e.g. wrong callback type). */
  source: 'schema' | 'limit' | 'rule';
  errors: FieldError[];
  discordErrors: DiscordErrorTree;
  at: number;
}

export interface RegisteredCommand {
  id: string;
  application_id: string;
  version: string;
  type: number;
  name: string;
  description: string;
  guild_id?: string;
  options?: unknown[];
  default_member_permissions: string | null;
  [key: string]: unknown;
}

export interface DiscordMessage {
  id: string;
  type: number;
  channel_id: string;
  content: string;
  embeds: Record<string, unknown>[];
  components: Record<string, unknown>[];
  attachments: Record<string, unknown>[];
  flags: number;
  author: FakeUser;
  timestamp: string;
  edited_timestamp: string | null;
  [key: string]: unknown;
}

export interface CommandOptionInput {
  name: string;
  /** ApplicationCommandOptionType; inferred from the registered command or the value when omitted. */
  type?: number;
  value?: unknown;
  focused?: boolean;
  options?: CommandOptionInput[];
}

export interface BaseSendOptions {
  /** The invoking user (default `fakeUsers.alice`). */
  user?: FakeUserRef;
  /** Guild to invoke in (default: the first guild). Ignored with `dm`/`privateChannel`. */
  guildId?: string;
  /** Invoke in the bot's DM channel (context 1). */
  dm?: boolean;
  /** Invoke in a group DM via user install (context 2). */
  privateChannel?: boolean;
  /**
   * Invoke through the member's own install of the app in a server the bot is not in (context 0): `guild_id` of a
   * server the fake does not know (this id, or a fresh one for `true`), a `member`, no `guild` object, and
   * `authorizing_integration_owners` with the USER_INSTALL key ("1") only. The command must be registered globally
   * with integration type 1 (USER_INSTALL) and context 0. Buttons on such messages are pressed there too.
   */
  foreignGuild?: boolean | string;
  channelId?: string;
  /** Pick an NSFW (true) or non-NSFW (false) channel of the guild. */
  channelNsfw?: boolean;
  locale?: string;
  /** Invoking member's permissions (decimal string). */
  memberPermissions?: string;
  memberRoles?: string[];
  /** Bot's permissions in the channel (decimal string). */
  appPermissions?: string;
  /** Last-chance mutation of the INTERACTION_CREATE payload (to send garbled data). */
  raw?: (payload: Record<string, unknown>) => Record<string, unknown> | void;
}

export interface SendCommandOptions extends BaseSendOptions {
  name: string;
  options?: CommandOptionInput[];
  subcommand?: string;
  subcommandGroup?: string;
  /** Sent verbatim as `data.options` (skips all option processing). */
  rawOptions?: unknown;
  /**
   * A server admin allowed this member the command (Server Settings → Integrations) although they lack its
   * `default_member_permissions`. Without it, sending such a command as such a member throws: Discord would not
   * offer it to them.
   */
  allowedByServerOverride?: boolean;
}

export interface SendAutocompleteOptions extends SendCommandOptions {
  /** Name of the focused option (must be among `options`, or is added with `focusedValue`). */
  focused: string;
  focusedValue?: string;
}

export interface SendComponentOptions extends BaseSendOptions {
  customId: string;
  /** The message the component is on (default: the handle's current message, or a bot message with that button). */
  message?: DiscordMessage;
  /** Use `from.currentMessage()` as the message. */
  from?: InteractionHandle;
  /** Component type (2 button, 3 string select, 5 user, 6 role, 7 mentionable, 8 channel). Default 2. */
  componentType?: number;
  /** Selected values for select menus. */
  values?: string[];
  /** Don't require the message to contain a component with `customId`. */
  allowMissingComponent?: boolean;
}

export interface SendUserCommandOptions extends BaseSendOptions {
  /** The registered user command's name, e.g. "AniList profile". */
  name: string;
  /** The member right-clicked. */
  target: FakeUserRef;
}

export interface SendModalSubmitOptions extends BaseSendOptions {
  customId: string;
  fields: Record<string, string>;
  /** The interaction that showed the modal (its message becomes `message` for component-originated modals). */
  from?: InteractionHandle;
}

export interface InitialResponse {
  type: number;
  data: Record<string, unknown> | undefined;
  latencyMs: number;
}

export interface RecordedCallback {
  type: unknown;
  body: unknown;
  status: number;
  error?: unknown;
  latencyMs: number;
  at: number;
}

export interface EditRecord {
  messageId: string;
  body: unknown;
  status: number;
  message: DiscordMessage | undefined;
  at: number;
}

export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  /** Interaction type: 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  readonly type: number;
  /** The INTERACTION_CREATE `d` sent over the gateway. */
  readonly payload: Record<string, unknown>;
  /** Every callback POST for this interaction, including rejected ones. */
  readonly callbacks: readonly RecordedCallback[];
  /** Successful initial response, if any. */
  readonly initialResponse: InitialResponse | undefined;
  /** Successful PATCHes of @original / this interaction's messages, in order. */
  readonly edits: readonly EditRecord[];
  /** Follow-up messages created (as they currently look). */
  readonly followUps: readonly DiscordMessage[];
  /** Every webhook request (edit/follow-up/get/delete) for this token, including rejected ones. */
  readonly webhookRequests: readonly RecordedRequest[];
  waitForInitialResponse(timeoutMs?: number): Promise<InitialResponse>;
  /**
   * Resolves once Discord's record of the acknowledgement is final: the successful initial response, or `undefined`
   * as soon as the response deadline has passed without one (from then on every callback is refused with 10062,
   * and recorded in `callbacks`). Use it instead of waiting for silence.
   */
  waitForAcknowledgement(): Promise<InitialResponse | undefined>;
  /** Resolves with the next edit not yet returned by an earlier call (immediately if it already happened). */
  waitForEdit(timeoutMs?: number): Promise<EditRecord>;
  /** Resolves with the next follow-up not yet returned by an earlier call. */
  waitForFollowUp(timeoutMs?: number): Promise<DiscordMessage>;
  /** The @original message as Discord would show it now (null if none / deleted). */
  currentMessage(): DiscordMessage | null;
  /** Autocomplete choices returned (type 8), if any. */
  choices(): unknown[] | undefined;
  /** Modal data returned (type 9), if any. */
  modal(): Record<string, unknown> | undefined;
}

export interface RegisteredCommands {
  global: RegisteredCommand[];
  guilds: Record<string, RegisteredCommand[]>;
}

export interface ChannelMessageRecord {
  channelId: string;
  /** Recipient for DM channels. */
  recipientId: string | null;
  message: DiscordMessage;
  body: unknown;
}
