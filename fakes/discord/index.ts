/**
 * A strict fake of Discord (REST API v10 + gateway) for driving an unmodified discord.js 14 client.
 *
 *   const fake = await startFakeDiscord({ token: 'test-token' });
 *   // bot: new Client({ intents, rest: { api: fake.apiUrl } }).login('test-token')
 *   await fake.waitForReady();
 *   const h = fake.sendCommand({ name: 'link', options: [{ name: 'username', type: 3, value: 'foo' }] });
 *   const res = await h.waitForInitialResponse();
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  botChannelPermissions,
  botMemberOverwrite,
  buildGuild,
  channelPayload,
  clone,
  DEFAULT_APPLICATION_ID,
  defaultBotUser,
  fakeUsers,
  interactionToken,
  memberObject,
  Perm,
  snowflake,
  type FakeUser,
  type GuildChannel,
  type GuildState,
} from './fixtures.js';
import { FakeGateway, PRIVILEGED_INTENTS, type GatewaySessionInfo } from './gateway.js';
import { matchTemplate, parseBody, readRaw, sendJson, type UploadedFile } from './http.js';
import { checkCommand, checkCommandList, checkMessagePayload, MessageFlag, OptionType, type MessageContext } from './limits.js';
import { DailyCommandCreates, FakeRateLimiter, type RateLimitHit } from './rate-limits.js';
import { createFakeDiscordOAuth, type FakeDiscordOAuth } from './oauth.js';
import {
  CONNECTION_ROUTE,
  METADATA_ROUTE,
  ROLE_CONNECTIONS_SCOPE,
  RoleConnectionError,
  createFakeRoleConnections,
  type FakeRoleConnections,
  type RoleConnectionReply,
  type RoleConnectionRouteContext,
} from './role-connections.js';

export { OptionType };
export { AVAILABLE_LOCALES } from './limits.js';
import {
  componentValidator,
  inlineValidator,
  operationValidator,
  runValidator,
  toDiscordErrorTree,
  warmUpSchemas,
  type FieldError,
} from './schema.js';
import type {
  BaseSendOptions,
  ChannelMessageRecord,
  CommandOptionInput,
  DiscordMessage,
  EditRecord,
  FakeUserRef,
  InitialResponse,
  InteractionHandle,
  RecordedCallback,
  RecordedRequest,
  RegisteredCommand,
  RegisteredCommands,
  SchemaViolation,
  SendAutocompleteOptions,
  SendCommandOptions,
  SendComponentOptions,
  SendModalSubmitOptions,
  SendUserCommandOptions,
  StartFakeDiscordOptions,
} from './types.js';
import { ChangeNotifier } from './waiter.js';

export { fakeUsers, snowflake, shardForGuild, Perm, DEFAULT_BOT_PERMISSIONS, type FakeUser, type FakeGuildSpec, type FakeChannelSpec } from './fixtures.js';
export { DEFAULT_ROUTE_LIMITS, type FakeRateLimitOptions, type GlobalWindowInfo, type RateLimitHit, type RateLimitInfo, type RouteBucketName, type RouteLimit } from './rate-limits.js';
export type * from './types.js';
export type { FieldError, DiscordErrorTree } from './schema.js';
export type { GatewaySessionInfo } from './gateway.js';
export { DEFAULT_DISCORD_CLIENT_SECRET, type FakeDiscordOAuth, type FakeDiscordOAuthOptions, type OAuthGrantRecord } from './oauth.js';
export { MetadataType, type FakeRoleConnection, type FakeRoleConnections, type RoleConnectionMetadataRecord, type RoleConnectionWrite } from './role-connections.js';

/** Interaction tokens (and their webhooks) live 15 minutes. */
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60 * 1000;

export const InteractionType = { Ping: 1, ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;
export const CallbackType = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  ApplicationCommandAutocompleteResult: 8,
  Modal: 9,
  LaunchActivity: 12,
} as const;

const ALLOWED_CALLBACKS: Record<number, readonly number[]> = {
  [InteractionType.ApplicationCommand]: [4, 5, 9],
  [InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
  [InteractionType.Autocomplete]: [8],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

const unknownInteraction = (): HttpError => new HttpError(404, { message: 'Unknown interaction', code: 10062 });
const unknownWebhook = (): HttpError => new HttpError(404, { message: 'Unknown Webhook', code: 10015 });
const unknownMessage = (): HttpError => new HttpError(404, { message: 'Unknown Message', code: 10008 });
const emptyMessage = (): HttpError => new HttpError(400, { message: 'Cannot send an empty message', code: 50006 });
const tooManyCreates = (perDay: number): HttpError =>
  new HttpError(400, { message: `Max number of daily application command creates has been reached (${perDay})`, code: 30034 });
const missingAccess = (): HttpError => new HttpError(403, { message: 'Missing Access', code: 50001 });
const missingPermissions = (): HttpError => new HttpError(403, { message: 'Missing Permissions', code: 50013 });

interface InteractionState {
  id: string;
  token: string;
  type: number;
  commandName: string | undefined;
  focusedType: number | undefined;
  createdAt: number;
  dispatchedPerf: number;
  guildId: string | null;
  channelId: string;
  user: FakeUser;
  payload: Record<string, unknown>;
  initial: InitialResponse | undefined;
  callbacks: RecordedCallback[];
  originalId: string | null;
  originalDeleted: boolean;
  sourceMessageId: string | null;
  edits: EditRecord[];
  followUpIds: string[];
  webhookRequests: RecordedRequest[];
  editCursor: number;
  followUpCursor: number;
  choices: unknown[] | undefined;
  modal: Record<string, unknown> | undefined;
}

interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
  record: RecordedRequest;
  /** The user of the Bearer token, on routes that take one. */
  bearerUserId?: string | undefined;
}

interface Route {
  method: string;
  template: string;
  auth: boolean;
  /** The route takes a user's Bearer token with this OAuth2 scope instead of the bot token. */
  bearerScope?: string;
  handler: (ctx: RouteContext) => { status: number; body?: unknown };
}

/** Discord's interaction endpoints: the callback and the interaction webhook, outside the global rate limit. */
function isInteractionEndpoint(template: string, params: Record<string, string>, applicationId: string): boolean {
  return template.startsWith('/interactions/') || (template.startsWith('/webhooks/') && params.webhook_id === applicationId);
}

interface DmChannel {
  id: string;
  type: 1;
  last_message_id: string | null;
  flags: number;
  recipients: FakeUser[];
}

export interface FakeDiscord {
  /** REST base for discord.js `rest.api` (discord.js appends `/v10`). */
  readonly apiUrl: string;
  /** Gateway URL returned by GET /gateway/bot. */
  readonly gatewayUrl: string;
  readonly resumeGatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  readonly guilds: readonly GuildState[];
  readonly requests: readonly RecordedRequest[];
  readonly unknownRoutes: readonly RecordedRequest[];
  readonly schemaViolations: readonly SchemaViolation[];
  readonly registeredCommands: RegisteredCommands;
  readonly channelMessages: readonly ChannelMessageRecord[];
  /** Every request answered 429, in order (route buckets and the global limit). */
  readonly rateLimitHits: readonly RateLimitHit[];
  readonly connectionCount: number;
  readonly identifyCount: number;
  readonly resumeCount: number;
  readonly readyCount: number;
  readonly openConnections: number;
  /** Gateway payloads received from clients. */
  readonly gatewayReceived: readonly { connectionId: number; payload: unknown; at: number }[];
  readonly gatewayCloses: readonly { connectionId: number; code: number; by: 'server' | 'client' }[];
  sessions(): GatewaySessionInfo[];
  /** Resolves once `count` IDENTIFYs (total) have been received. */
  waitForIdentify(count?: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `count` READY dispatches (total) have been sent. */
  waitForReady(count?: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `count` RESUMEs (total) succeeded. */
  waitForResume(count?: number, timeoutMs?: number): Promise<void>;
  /** Resolves when at least one live session exists for every shard 0..count-1 of `shardCount` (default: recommended shards). */
  waitForSessions(shardCount?: number, timeoutMs?: number): Promise<void>;
  /** Close every gateway socket with `code` (session-ending codes like 4004/4009/1000 also invalidate sessions). */
  closeGateway(code: number, reason?: string): void;
  /** Send op 7 RECONNECT. */
  requestReconnect(): void;
  /** Send op 9 INVALID_SESSION. */
  invalidateSessions(resumable?: boolean): void;
  /** Dispatch an arbitrary gateway event to the shard of `guildId` (null → shard 0). Returns number of sessions reached. */
  dispatch(t: string, d: unknown, guildId?: string | null): number;
  sendCommand(opts: SendCommandOptions): InteractionHandle;
  sendAutocomplete(opts: SendAutocompleteOptions): InteractionHandle;
  sendButton(opts: SendComponentOptions): InteractionHandle;
  sendSelect(opts: SendComponentOptions & { values: string[] }): InteractionHandle;
  sendModalSubmit(opts: SendModalSubmitOptions): InteractionHandle;
  /** A user context-menu command (right-click a member → Apps) aimed at `target`. */
  sendUserCommand(opts: SendUserCommandOptions): InteractionHandle;
  /** Look up an interaction handle by id. */
  interaction(id: string): InteractionHandle | undefined;
  /** Simulate a user who does not accept DMs from the bot (POST /channels/{dm}/messages → 403 50007). */
  setDmsClosed(userId: string, closed?: boolean): void;
  /**
   * Set the bot's effective permissions in a guild channel (decimal string; `null` = back to its role's), e.g.
   * without Send Messages so posting there answers 403 50013. Sends CHANNEL_UPDATE with the new overwrite.
   */
  setBotChannelPermissions(channelId: string, permissions: string | null): void;
  /** A user the fake knows from now on (a member of every guild, like the users known at start). */
  addUser(user: FakeUser): void;
  /**
   * Guild membership, as `GET /guilds/{guild}/members/{user}` answers it (10007 Unknown Member for non-members).
   * Every user known at start (and added with addUser) is a member of every guild; a user who interacts in a guild
   * becomes a member of it.
   */
  removeMember(guildId: string, userId: string): void;
  addMember(guildId: string, userId: string): void;
  isMember(guildId: string, userId: string): boolean;
  /** A stored message by id (current state). */
  message(id: string): DiscordMessage | undefined;
  /** Wait until a REST request matching `predicate` was answered. */
  waitForRequest(predicate: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Forget recorded requests/violations (not state). */
  clearRecords(): void;
  /**
   * Calls `listener` (synchronously, so keep it cheap) after every change: a request answered, a message created or
   * edited, a gateway event. Returns the function that unsubscribes. For live views such as the demo playground.
   */
  onChange(listener: () => void): () => void;
  /** OAuth2: the authorize page, the token endpoint and `/users/@me` with a Bearer token (./oauth.ts). */
  readonly oauth: FakeDiscordOAuth;
  /** Linked roles: the registered metadata and each user's role connection (./role-connections.ts). */
  readonly roleConnections: FakeRoleConnections;
  close(): Promise<void>;
}

function resolveUser(ref: FakeUserRef | undefined): FakeUser {
  if (ref === undefined) return fakeUsers.alice;
  if (typeof ref === 'string') return fakeUsers[ref];
  return ref;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** discord.js sends some fields in the shape Discord accepts but the spec describes differently. */
function normalizeCommandForSchema(cmd: unknown): unknown {
  if (!isObj(cmd)) return cmd;
  const out = { ...cmd };
  if (typeof out.default_member_permissions === 'string' && /^\d+$/.test(out.default_member_permissions)) {
    out.default_member_permissions = Number(out.default_member_permissions);
  }
  return out;
}

export async function startFakeDiscord(options: StartFakeDiscordOptions = {}): Promise<FakeDiscord> {
  warmUpSchemas();
  const now = options.now ?? Date.now;
  const token = options.token ?? 'fake-bot-token';
  const botUser: FakeUser = { ...defaultBotUser, ...options.botUser };
  const applicationId = options.applicationId ?? options.botUser?.id ?? DEFAULT_APPLICATION_ID;
  const deadlineMs = options.initialResponseDeadlineMs ?? 3000;
  const recommendedShards = options.shards ?? 1;
  const guilds: GuildState[] = (options.guilds ?? [{}]).map((g, i) => buildGuild(g, i, botUser.id, now()));
  const notifier = new ChangeNotifier();

  const requests: RecordedRequest[] = [];
  const unknownRoutes: RecordedRequest[] = [];
  const schemaViolations: SchemaViolation[] = [];
  const channelMessages: ChannelMessageRecord[] = [];
  const messages = new Map<string, DiscordMessage>();
  const interactionsById = new Map<string, InteractionState>();
  const interactionsByToken = new Map<string, InteractionState>();
  const handles = new Map<string, InteractionHandle>();
  const users = new Map<string, FakeUser>();
  for (const u of [...Object.values(fakeUsers), ...(options.extraUsers ?? []), botUser]) users.set(u.id, u);
  const guildMembers = new Map<string, Set<string>>(guilds.map((g) => [g.id, new Set(users.keys())]));
  const membersOf = (guildId: string): Set<string> => {
    let members = guildMembers.get(guildId);
    if (!members) guildMembers.set(guildId, (members = new Set()));
    return members;
  };
  const dmChannels = new Map<string, DmChannel>(); // by user id
  const closedDms = new Set<string>(options.closedDms ?? []);
  const rateLimiter = new FakeRateLimiter(options.rateLimits === false ? { enabled: false } : options.rateLimits);
  const rateLimitHits: RateLimitHit[] = [];
  const dailyCreates = new DailyCommandCreates(
    options.rateLimits === false ? Infinity : (options.rateLimits?.dailyCommandCreates ?? 200),
    now,
  );
  const globalCommands = new Map<string, RegisteredCommand>();
  const guildCommands = new Map<string, Map<string, RegisteredCommand>>();

  let port = 0;
  const base = (): string => `127.0.0.1:${port}`;
  const oauth = createFakeDiscordOAuth({
    applicationId,
    applicationName: botUser.username,
    users,
    now,
    origin: () => `http://${base()}`,
    options: options.oauth ?? {},
  });

  const roleConnections = createFakeRoleConnections({ applicationId, now, onChange: () => notifier.notify() });

  const privileged = options.privilegedIntents ?? 0;
  const appFlags =
    ((privileged & (1 << 1)) !== 0 ? 1 << 15 : 0) |
    ((privileged & (1 << 8)) !== 0 ? 1 << 13 : 0) |
    ((privileged & (1 << 15)) !== 0 ? 1 << 19 : 0);

  const gateway = new FakeGateway({
    token,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41250,
    enforceHeartbeat: options.enforceHeartbeat ?? true,
    privilegedIntents: privileged & PRIVILEGED_INTENTS,
    botUser,
    applicationId,
    applicationFlags: appFlags,
    guilds: () => guilds,
    resumeUrl: () => `ws://${base()}/resume-gateway`,
    notifier,
  });

  const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '000+00:00');

  // ------------------------------------------------------------------------------------------
  // Lookups

  function findGuild(id: string): GuildState | undefined {
    return guilds.find((g) => g.id === id);
  }
  function findGuildChannel(id: string): GuildChannel | undefined {
    for (const g of guilds) {
      const c = g.channels.find((ch) => ch.id === id);
      if (c) return c;
    }
    return undefined;
  }
  function dmChannelFor(user: FakeUser): DmChannel {
    let ch = dmChannels.get(user.id);
    if (!ch) {
      ch = { id: snowflake(now()), type: 1, last_message_id: null, flags: 0, recipients: [user] };
      dmChannels.set(user.id, ch);
    }
    return ch;
  }
  function findDmChannel(id: string): DmChannel | undefined {
    return [...dmChannels.values()].find((c) => c.id === id);
  }

  // ------------------------------------------------------------------------------------------
  // Validation helpers

  function violation(
    ctx: RouteContext,
    route: string,
    source: SchemaViolation['source'],
    errors: FieldError[],
  ): HttpError {
    const discordErrors = toDiscordErrorTree(errors);
    schemaViolations.push({
      method: ctx.record.method,
      path: ctx.record.path,
      route,
      body: ctx.body,
      source,
      errors,
      discordErrors,
      at: now(),
    });
    ctx.record.schemaErrors = errors;
    return new HttpError(400, { code: 50035, message: 'Invalid Form Body', errors: discordErrors });
  }

  function validate(
    ctx: RouteContext,
    route: string,
    schemaErrors: FieldError[],
    limitErrors: FieldError[] = [],
  ): void {
    if (schemaErrors.length > 0) throw violation(ctx, route, 'schema', [...schemaErrors, ...limitErrors]);
    if (limitErrors.length > 0) throw violation(ctx, route, 'limit', limitErrors);
  }

  // ------------------------------------------------------------------------------------------
  // Messages

  let componentIdCounter = 0;
  function normalizeComponents(components: unknown): Record<string, unknown>[] {
    if (!Array.isArray(components)) return [];
    const walk = (c: unknown): unknown => {
      if (!isObj(c)) return c;
      const out: Record<string, unknown> = { ...c };
      if (typeof out.id !== 'number') out.id = ++componentIdCounter;
      if (Array.isArray(out.components)) out.components = out.components.map(walk);
      if (isObj(out.accessory)) out.accessory = walk(out.accessory);
      return out;
    };
    return components.map(walk) as Record<string, unknown>[];
  }
  function normalizeEmbeds(embeds: unknown): Record<string, unknown>[] {
    if (!Array.isArray(embeds)) return [];
    return embeds.filter(isObj).map((e) => {
      const out: Record<string, unknown> = { type: 'rich', content_scan_version: 0 };
      for (const [k, v] of Object.entries(e)) if (v !== null && v !== undefined) out[k] = v;
      return out;
    });
  }
  function attachmentsFrom(files: UploadedFile[], body: Record<string, unknown>): Record<string, unknown>[] {
    const described = Array.isArray(body.attachments) ? body.attachments.filter(isObj) : [];
    return files.map((f, i) => {
      const id = snowflake(now());
      const meta = described[i] ?? {};
      return {
        id,
        filename: typeof meta.filename === 'string' ? meta.filename : f.filename,
        size: f.size,
        url: `https://cdn.discordapp.com/attachments/0/${id}/${encodeURIComponent(f.filename)}`,
        proxy_url: `https://media.discordapp.net/attachments/0/${id}/${encodeURIComponent(f.filename)}`,
        content_type: f.contentType,
        ...(typeof meta.description === 'string' ? { description: meta.description } : {}),
      };
    });
  }

  function createMessage(
    body: Record<string, unknown>,
    opts: {
      channelId: string;
      guildId: string | null;
      files: UploadedFile[];
      flags: number;
      interaction?: InteractionState;
      webhook: boolean;
    },
  ): DiscordMessage {
    const id = snowflake(now());
    const i = opts.interaction;
    const msg: DiscordMessage = {
      id,
      type: i && i.type === InteractionType.ApplicationCommand ? 20 : 0,
      channel_id: opts.channelId,
      content: typeof body.content === 'string' ? body.content : '',
      embeds: normalizeEmbeds(body.embeds),
      components: normalizeComponents(body.components),
      attachments: attachmentsFrom(opts.files, body),
      flags: opts.flags,
      author: clone(botUser),
      timestamp: iso(now()),
      edited_timestamp: null,
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: body.tts === true,
    };
    if (opts.guildId) msg.guild_id = opts.guildId;
    if (isObj(body.poll)) msg.poll = body.poll;
    if (opts.webhook) {
      msg.webhook_id = applicationId;
      msg.application_id = applicationId;
    }
    if (i) {
      msg.interaction_metadata = {
        id: i.id,
        type: i.type,
        user: clone(i.user),
        authorizing_integration_owners: i.payload.authorizing_integration_owners,
        ...(i.commandName ? { name: i.commandName } : {}),
        ...(i.sourceMessageId ? { interacted_message_id: i.sourceMessageId } : {}),
      };
      if (i.type === InteractionType.ApplicationCommand) {
        msg.interaction = { id: i.id, type: i.type, name: i.commandName, user: clone(i.user) };
      }
    }
    messages.set(id, msg);
    return msg;
  }

  /** Apply an edit (PATCH semantics: present keys replace, null clears). */
  function applyEdit(msg: DiscordMessage, body: Record<string, unknown>, files: UploadedFile[], markEdited: boolean): DiscordMessage {
    const next: DiscordMessage = clone(msg);
    if ('content' in body) next.content = typeof body.content === 'string' ? body.content : '';
    if ('embeds' in body) next.embeds = normalizeEmbeds(body.embeds);
    if ('components' in body) next.components = normalizeComponents(body.components);
    if ('attachments' in body || files.length > 0) {
      const keep = Array.isArray(body.attachments)
        ? msg.attachments.filter((a) => (body.attachments as unknown[]).some((b) => isObj(b) && b.id === a.id))
        : 'attachments' in body
          ? []
          : msg.attachments;
      next.attachments = [...keep, ...attachmentsFrom(files, {})];
    }
    if (typeof body.flags === 'number') {
      const changeable = MessageFlag.SuppressEmbeds | MessageFlag.IsComponentsV2;
      next.flags = (msg.flags & ~changeable) | (body.flags & changeable);
    }
    const wasLoading = (msg.flags & MessageFlag.Loading) !== 0;
    next.flags &= ~MessageFlag.Loading;
    if (markEdited && !wasLoading) next.edited_timestamp = iso(now());
    const empty =
      next.content.trim().length === 0 &&
      next.embeds.length === 0 &&
      next.components.length === 0 &&
      next.attachments.length === 0 &&
      !isObj(next.poll);
    if (empty) throw emptyMessage();
    return next;
  }

  function checkMessage(
    ctx: RouteContext,
    route: string,
    schemaErrors: FieldError[],
    data: unknown,
    context: MessageContext,
    prefix: string,
    requireNonEmpty: boolean,
  ): void {
    const r = checkMessagePayload(data, context, prefix, { fileCount: ctx.files.length });
    validate(ctx, route, schemaErrors, r.errors);
    if (requireNonEmpty && r.empty) throw emptyMessage();
  }

  // ------------------------------------------------------------------------------------------
  // Interactions: callbacks

  function handleCallback(ctx: RouteContext): { status: number; body?: unknown } {
    const route = '/interactions/{interaction_id}/{interaction_token}/callback';
    const i = interactionsById.get(ctx.params.interaction_id ?? '');
    if (!i || i.token !== ctx.params.interaction_token) throw unknownInteraction();
    const perfNow = performance.now();
    const latencyMs = perfNow - i.dispatchedPerf;
    const rec: RecordedCallback = {
      type: isObj(ctx.body) ? ctx.body.type : undefined,
      body: ctx.body,
      status: 0,
      latencyMs,
      at: now(),
    };
    i.callbacks.push(rec);
    try {
      const result = applyCallback(ctx, route, i, latencyMs);
      rec.status = result.status;
      return result;
    } catch (e) {
      if (e instanceof HttpError) {
        rec.status = e.status;
        rec.error = e.body;
      }
      throw e;
    } finally {
      notifier.notify();
    }
  }

  function applyCallback(ctx: RouteContext, route: string, i: InteractionState, latencyMs: number): { status: number; body?: unknown } {
    const body = ctx.body;
    if (!isObj(body)) {
      throw violation(ctx, route, 'schema', [{ path: '', code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }]);
    }
    const type = body.type;
    const data = body.data;
    // 1. Body shape per callback type.
    switch (type) {
      case 4:
      case 5:
        checkMessage(
          ctx,
          route,
          runValidator(componentValidator('CreateMessageInteractionCallbackRequest'), body),
          data,
          'interaction-callback',
          'data.',
          type === 4,
        );
        break;
      case 6:
      case 7: {
        const schemaErrors = runValidator(componentValidator('UpdateMessageInteractionCallbackRequest'), body);
        const r = checkMessagePayload(data ?? {}, 'edit', 'data.', { fileCount: ctx.files.length });
        validate(ctx, route, schemaErrors, r.errors);
        break;
      }
      case 8: {
        const variant =
          i.focusedType === OptionType.Integer
            ? 'InteractionApplicationCommandAutocompleteCallbackIntegerData'
            : i.focusedType === OptionType.Number
              ? 'InteractionApplicationCommandAutocompleteCallbackNumberData'
              : 'InteractionApplicationCommandAutocompleteCallbackStringData';
        const v = inlineValidator(`autocomplete:${variant}`, (ref) => ({
          type: 'object',
          properties: { type: { const: 8 }, data: { $ref: ref(variant) } },
          required: ['type', 'data'],
        }));
        const errors = runValidator(v, body);
        const choices = isObj(data) && Array.isArray(data.choices) ? data.choices : [];
        const limits: FieldError[] = [];
        choices.forEach((c, n) => {
          if (isObj(c) && typeof c.value === 'string' && [...c.value].length > 100)
            limits.push({ path: `data.choices.${n}.value`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' });
        });
        validate(ctx, route, errors, limits);
        break;
      }
      case 9: {
        const errors = runValidator(componentValidator('ModalInteractionCallbackRequest'), body);
        const limits: FieldError[] = [];
        if (isObj(data) && typeof data.custom_id === 'string' && data.custom_id.length > 100)
          limits.push({ path: 'data.custom_id', code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' });
        validate(ctx, route, errors, limits);
        break;
      }
      default: {
        const v = operationValidator(route, 'POST');
        const errors = v ? runValidator(v, body) : [];
        throw violation(
          ctx,
          route,
          errors.length > 0 ? 'schema' : 'rule',
          errors.length > 0 ? errors : [{ path: 'type', code: 'BASE_TYPE_CHOICES', message: `Interaction callback type ${String(type)} is not supported here` }],
        );
      }
    }
    // 2. State.
    if (i.initial) throw new HttpError(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
    const clockElapsed = now() - i.createdAt;
    if (Math.max(latencyMs, clockElapsed) > deadlineMs) throw unknownInteraction();
    const allowed = ALLOWED_CALLBACKS[i.type] ?? [];
    const componentOrigin = i.sourceMessageId !== null;
    if (!allowed.includes(type) || ((type === 6 || type === 7) && !componentOrigin)) {
      throw violation(ctx, route, 'rule', [
        {
          path: 'type',
          code: 'INTERACTION_CALLBACK_TYPE_INVALID',
          message: `Interaction callback type ${type} is not valid for interaction type ${i.type}; allowed: ${allowed.filter((t) => componentOrigin || (t !== 6 && t !== 7)).join(', ')}`,
        },
      ]);
    }
    // 3. Apply.
    const d = isObj(data) ? data : {};
    let resourceMessage: DiscordMessage | undefined;
    switch (type) {
      case 4: {
        const msg = createMessage(d, {
          channelId: i.channelId,
          guildId: i.guildId,
          files: ctx.files,
          flags: (typeof d.flags === 'number' ? d.flags : 0) & ~MessageFlag.Loading,
          interaction: i,
          webhook: true,
        });
        i.originalId = msg.id;
        resourceMessage = msg;
        break;
      }
      case 5: {
        const flags = ((typeof d.flags === 'number' ? d.flags : 0) & MessageFlag.Ephemeral) | MessageFlag.Loading;
        const msg = createMessage({}, { channelId: i.channelId, guildId: i.guildId, files: [], flags, interaction: i, webhook: true });
        i.originalId = msg.id;
        resourceMessage = msg;
        break;
      }
      case 6:
        i.originalId = i.sourceMessageId;
        resourceMessage = i.sourceMessageId ? messages.get(i.sourceMessageId) : undefined;
        break;
      case 7: {
        const src = i.sourceMessageId ? messages.get(i.sourceMessageId) : undefined;
        if (!src) throw unknownMessage();
        const updated = applyEdit(src, d, ctx.files, true);
        messages.set(src.id, updated);
        i.originalId = src.id;
        resourceMessage = updated;
        break;
      }
      case 8:
        i.choices = Array.isArray(d.choices) ? clone(d.choices) : [];
        break;
      case 9:
        i.modal = clone(d);
        break;
    }
    i.initial = { type, data: isObj(data) ? clone(data) : undefined, latencyMs };
    if (ctx.query.get('with_response') === 'true') {
      const msg = resourceMessage ? clone(resourceMessage) : undefined;
      return {
        status: 200,
        body: {
          interaction: {
            id: i.id,
            type: i.type,
            ...(msg
              ? {
                  response_message_id: msg.id,
                  response_message_loading: (msg.flags & MessageFlag.Loading) !== 0,
                  response_message_ephemeral: (msg.flags & MessageFlag.Ephemeral) !== 0,
                }
              : {}),
          },
          resource: { type, ...(msg ? { message: msg } : {}) },
        },
      };
    }
    return { status: 204 };
  }

  // ------------------------------------------------------------------------------------------
  // Interactions: webhooks

  function webhookInteraction(ctx: RouteContext): InteractionState {
    const i = interactionsByToken.get(ctx.params.webhook_token ?? '');
    if (!i || ctx.params.webhook_id !== applicationId) throw unknownWebhook();
    i.webhookRequests.push(ctx.record);
    if (now() - i.createdAt > INTERACTION_TOKEN_LIFETIME_MS) {
      throw new HttpError(401, { message: 'Invalid Webhook Token', code: 50027 });
    }
    if (!i.initial || i.type === InteractionType.Autocomplete) throw unknownWebhook();
    return i;
  }

  function targetMessage(i: InteractionState, messageId: string): DiscordMessage {
    const id = messageId === '@original' ? i.originalId : messageId;
    if (!id) throw unknownMessage();
    if (messageId === '@original' && i.originalDeleted) throw unknownMessage();
    if (messageId !== '@original' && id !== i.originalId && !i.followUpIds.includes(id)) throw unknownMessage();
    const msg = messages.get(id);
    if (!msg) throw unknownMessage();
    return msg;
  }

  function webhookGet(ctx: RouteContext): { status: number; body?: unknown } {
    const i = webhookInteraction(ctx);
    return { status: 200, body: clone(targetMessage(i, ctx.params.message_id ?? '@original')) };
  }

  function webhookDelete(ctx: RouteContext): { status: number; body?: unknown } {
    const i = webhookInteraction(ctx);
    const msg = targetMessage(i, ctx.params.message_id ?? '@original');
    messages.delete(msg.id);
    if (msg.id === i.originalId) i.originalDeleted = true;
    notifier.notify();
    return { status: 204 };
  }

  function webhookPatch(ctx: RouteContext, specRoute: string): { status: number; body?: unknown } {
    const i = webhookInteraction(ctx);
    const schemaErrors = runValidator(componentValidator('IncomingWebhookUpdateRequestPartial'), ctx.body ?? {});
    checkMessage(ctx, specRoute, schemaErrors, ctx.body ?? {}, 'edit', '', false);
    const msg = targetMessage(i, ctx.params.message_id ?? '@original');
    const updated = applyEdit(msg, isObj(ctx.body) ? ctx.body : {}, ctx.files, true);
    messages.set(msg.id, updated);
    i.edits.push({ messageId: msg.id, body: ctx.body, status: 200, message: clone(updated), at: now() });
    notifier.notify();
    return { status: 200, body: clone(updated) };
  }

  function webhookPost(ctx: RouteContext): { status: number; body?: unknown } {
    const route = '/webhooks/{webhook_id}/{webhook_token}';
    const i = webhookInteraction(ctx);
    const schemaErrors = runValidator(componentValidator('IncomingWebhookRequestPartial'), ctx.body ?? {});
    checkMessage(ctx, route, schemaErrors, ctx.body ?? {}, 'followup', '', true);
    const body = isObj(ctx.body) ? ctx.body : {};
    let msg: DiscordMessage;
    const original = i.originalId && !i.originalDeleted ? messages.get(i.originalId) : undefined;
    if (original && (original.flags & MessageFlag.Loading) !== 0) {
      // Discord: the first follow-up after a deferred reply replaces the "thinking…" message.
      msg = applyEdit(original, body, ctx.files, false);
      messages.set(original.id, msg);
    } else {
      msg = createMessage(body, {
        channelId: i.channelId,
        guildId: i.guildId,
        files: ctx.files,
        flags: typeof body.flags === 'number' ? body.flags : 0,
        interaction: i,
        webhook: true,
      });
    }
    i.followUpIds.push(msg.id);
    notifier.notify();
    return ctx.query.get('wait') === 'true' ? { status: 200, body: clone(msg) } : { status: 204 };
  }

  // ------------------------------------------------------------------------------------------
  // Commands

  function commandKey(c: Record<string, unknown>): string {
    return `${typeof c.type === 'number' ? c.type : 1}:${String(c.name)}`;
  }

  function materializeCommand(c: Record<string, unknown>, existing: RegisteredCommand | undefined, guildId: string | null): RegisteredCommand {
    const type = typeof c.type === 'number' ? c.type : 1;
    const dmp = c.default_member_permissions;
    const cmd: RegisteredCommand = {
      id: existing?.id ?? snowflake(now()),
      application_id: applicationId,
      version: snowflake(now()),
      default_member_permissions: typeof dmp === 'string' || typeof dmp === 'number' || typeof dmp === 'bigint' ? String(dmp) : null,
      type,
      name: String(c.name),
      description: typeof c.description === 'string' ? c.description : '',
      nsfw: c.nsfw === true,
      integration_types: Array.isArray(c.integration_types) ? c.integration_types : [0],
      contexts: Array.isArray(c.contexts) ? c.contexts : guildId ? null : [0, 1, 2],
    };
    if (guildId) cmd.guild_id = guildId;
    else cmd.dm_permission = c.dm_permission !== false;
    if (isObj(c.name_localizations)) cmd.name_localizations = c.name_localizations;
    if (isObj(c.description_localizations)) cmd.description_localizations = c.description_localizations;
    if (Array.isArray(c.options) && c.options.length > 0) cmd.options = clone(c.options);
    return cmd;
  }

  function commandStore(ctx: RouteContext): { store: Map<string, RegisteredCommand>; guildId: string | null } {
    if (ctx.params.application_id !== applicationId) throw new HttpError(403, { message: 'Missing Access', code: 50001 });
    const guildId = ctx.params.guild_id ?? null;
    if (guildId === null) return { store: globalCommands, guildId };
    if (!findGuild(guildId)) throw new HttpError(403, { message: 'Missing Access', code: 50001 });
    let store = guildCommands.get(guildId);
    if (!store) {
      store = new Map();
      guildCommands.set(guildId, store);
    }
    return { store, guildId };
  }

  function bulkOverwrite(ctx: RouteContext, specRoute: string): { status: number; body?: unknown } {
    const { store, guildId } = commandStore(ctx);
    const body = ctx.body;
    const v = operationValidator(specRoute, 'PUT');
    const normalized = Array.isArray(body) ? body.map(normalizeCommandForSchema) : body;
    const schemaErrors = v ? runValidator(v, normalized ?? null) : [];
    if (!Array.isArray(body)) {
      throw violation(ctx, specRoute, 'schema', schemaErrors.length ? schemaErrors : [{ path: '', code: 'BASE_TYPE_INVALID', message: 'Expected an array' }]);
    }
    validate(ctx, specRoute, schemaErrors, checkCommandList(body));
    const created = (body as Record<string, unknown>[]).filter((c) => !store.has(commandKey(c))).length;
    if (!dailyCreates.take(guildId ?? 'global', created)) throw tooManyCreates(dailyCreates.perDay);
    const next = new Map<string, RegisteredCommand>();
    for (const c of body as Record<string, unknown>[]) {
      const key = commandKey(c);
      next.set(key, materializeCommand(c, store.get(key), guildId));
    }
    store.clear();
    for (const [k, c] of next) store.set(k, c);
    notifier.notify();
    return { status: 200, body: clone([...store.values()]) };
  }

  function createCommand(ctx: RouteContext, specRoute: string): { status: number; body?: unknown } {
    const { store, guildId } = commandStore(ctx);
    const v = operationValidator(specRoute, 'POST');
    const schemaErrors = v ? runValidator(v, normalizeCommandForSchema(ctx.body ?? null)) : [];
    validate(ctx, specRoute, schemaErrors, checkCommand(ctx.body, ''));
    const c = ctx.body as Record<string, unknown>;
    const key = commandKey(c);
    const existing = store.get(key);
    if (!existing && !dailyCreates.take(guildId ?? 'global', 1)) throw tooManyCreates(dailyCreates.perDay);
    const cmd = materializeCommand(c, existing, guildId);
    store.set(key, cmd);
    notifier.notify();
    return { status: existing ? 200 : 201, body: clone(cmd) };
  }

  function findCommand(name: string, guildId: string | null, type: number): RegisteredCommand | undefined {
    const key = `${type}:${name}`;
    if (guildId) {
      const g = guildCommands.get(guildId)?.get(key);
      if (g) return g;
    }
    return globalCommands.get(key);
  }

  // ------------------------------------------------------------------------------------------
  // Channels / DMs

  function postChannelMessage(ctx: RouteContext): { status: number; body?: unknown } {
    const route = '/channels/{channel_id}/messages';
    const channelId = ctx.params.channel_id ?? '';
    const guildChannel = findGuildChannel(channelId);
    const dm = guildChannel ? undefined : findDmChannel(channelId);
    if (!guildChannel && !dm) throw new HttpError(404, { message: 'Unknown Channel', code: 10003 });
    const v = operationValidator(route, 'POST');
    checkMessage(ctx, route, v ? runValidator(v, ctx.body ?? {}) : [], ctx.body ?? {}, 'channel', '', true);
    if (guildChannel) {
      // Discord checks the bot's permissions in the channel before anything else is looked at.
      const guild = findGuild(guildChannel.guild_id)!;
      const perms = botChannelPermissions(guild, guildChannel, botUser.id);
      if ((perms & Perm.ViewChannel) === 0n) throw missingAccess();
      if ((perms & Perm.SendMessages) === 0n) throw missingPermissions();
      if (ctx.files.length > 0 && (perms & Perm.AttachFiles) === 0n) throw missingPermissions();
    }
    const recipient = dm?.recipients[0];
    if (recipient && closedDms.has(recipient.id)) {
      throw new HttpError(403, { message: 'Cannot send messages to this user', code: 50007 });
    }
    const body = isObj(ctx.body) ? ctx.body : {};
    const msg = createMessage(body, {
      channelId,
      guildId: guildChannel?.guild_id ?? null,
      files: ctx.files,
      flags: typeof body.flags === 'number' ? body.flags : 0,
      webhook: false,
    });
    if (isObj(body.message_reference)) msg.message_reference = body.message_reference;
    if (dm) dm.last_message_id = msg.id;
    else if (guildChannel) guildChannel.last_message_id = msg.id;
    channelMessages.push({ channelId, recipientId: recipient?.id ?? null, message: clone(msg), body: ctx.body });
    notifier.notify();
    return { status: 200, body: clone(msg) };
  }

  // ------------------------------------------------------------------------------------------
  // Linked roles

  function roleConnectionRoute(handler: (ctx: RoleConnectionRouteContext) => RoleConnectionReply): (ctx: RouteContext) => { status: number; body?: unknown } {
    return (ctx) => {
      try {
        return handler(ctx);
      } catch (error) {
        if (!(error instanceof RoleConnectionError)) throw error;
        const failure = error.failure;
        if (failure.kind === 'invalid') throw violation(ctx, failure.route, failure.source, failure.errors);
        throw new HttpError(failure.status, failure.body);
      }
    };
  }

  // ------------------------------------------------------------------------------------------
  // Routes

  const routes: Route[] = [
    { method: 'GET', template: METADATA_ROUTE, auth: true, handler: roleConnectionRoute(roleConnections.getMetadata) },
    { method: 'PUT', template: METADATA_ROUTE, auth: true, handler: roleConnectionRoute(roleConnections.putMetadata) },
    { method: 'GET', template: CONNECTION_ROUTE, auth: false, bearerScope: ROLE_CONNECTIONS_SCOPE, handler: roleConnectionRoute(roleConnections.getConnection) },
    { method: 'PUT', template: CONNECTION_ROUTE, auth: false, bearerScope: ROLE_CONNECTIONS_SCOPE, handler: roleConnectionRoute(roleConnections.putConnection) },
    { method: 'DELETE', template: CONNECTION_ROUTE, auth: false, bearerScope: ROLE_CONNECTIONS_SCOPE, handler: roleConnectionRoute(roleConnections.deleteConnection) },
    { method: 'GET', template: '/gateway', auth: false, handler: () => ({ status: 200, body: { url: `ws://${base()}/gateway` } }) },
    {
      method: 'GET',
      template: '/gateway/bot',
      auth: true,
      handler: () => ({
        status: 200,
        body: {
          url: `ws://${base()}/gateway`,
          shards: recommendedShards,
          session_start_limit: {
            total: 1000,
            remaining: Math.max(0, 1000 - gateway.identifyCount),
            reset_after: 86_400_000,
            max_concurrency: options.maxConcurrency ?? 1,
          },
        },
      }),
    },
    { method: 'GET', template: '/users/@me', auth: true, handler: () => ({ status: 200, body: { ...clone(botUser), verified: true, mfa_enabled: false, email: null } }) },
    {
      method: 'GET',
      template: '/applications/@me',
      auth: true,
      handler: () => ({
        status: 200,
        body: {
          id: applicationId,
          name: botUser.username,
          icon: null,
          description: '',
          summary: '',
          type: null,
          bot: clone(botUser),
          bot_public: true,
          bot_require_code_grant: false,
          verify_key: '0'.repeat(64),
          flags: appFlags,
          hook: true,
          is_monetized: false,
          integration_types_config: { '0': {} },
          owner: clone(fakeUsers.carol),
          team: null,
          approximate_guild_count: guilds.length,
        },
      }),
    },
    {
      method: 'GET',
      template: '/users/{user_id}',
      auth: true,
      handler: (ctx) => {
        const u = users.get(ctx.params.user_id ?? '');
        if (!u) throw new HttpError(404, { message: 'Unknown User', code: 10013 });
        return { status: 200, body: clone(u) };
      },
    },
    {
      method: 'POST',
      template: '/users/@me/channels',
      auth: true,
      handler: (ctx) => {
        const route = '/users/@me/channels';
        const v = operationValidator(route, 'POST');
        validate(ctx, route, v ? runValidator(v, ctx.body ?? null) : []);
        const rid = isObj(ctx.body) ? ctx.body.recipient_id : undefined;
        const u = typeof rid === 'string' ? users.get(rid) : undefined;
        if (!u || u.id === botUser.id) throw new HttpError(400, { message: 'Invalid Recipient(s)', code: 50033 });
        return { status: 200, body: clone(dmChannelFor(u)) };
      },
    },
    {
      method: 'GET',
      template: '/channels/{channel_id}',
      auth: true,
      handler: (ctx) => {
        const id = ctx.params.channel_id ?? '';
        const guildChannel = findGuildChannel(id);
        if (guildChannel) {
          if ((botChannelPermissions(findGuild(guildChannel.guild_id)!, guildChannel, botUser.id) & Perm.ViewChannel) === 0n) throw missingAccess();
          return { status: 200, body: channelPayload(guildChannel) };
        }
        const c = findDmChannel(id);
        if (!c) throw new HttpError(404, { message: 'Unknown Channel', code: 10003 });
        return { status: 200, body: clone(c) };
      },
    },
    { method: 'POST', template: '/channels/{channel_id}/messages', auth: true, handler: postChannelMessage },
    {
      method: 'GET',
      template: '/guilds/{guild_id}/members/{user_id}',
      auth: true,
      handler: (ctx) => {
        const g = findGuild(ctx.params.guild_id ?? '');
        if (!g) throw new HttpError(404, { message: 'Unknown Guild', code: 10004 });
        const u = users.get(ctx.params.user_id ?? '');
        if (!u || !membersOf(g.id).has(u.id)) throw new HttpError(404, { message: 'Unknown Member', code: 10007 });
        return { status: 200, body: memberObject(u, u.id === botUser.id ? { roles: [g.botRoleId] } : {}) };
      },
    },
    {
      method: 'GET',
      template: '/applications/{application_id}/commands',
      auth: true,
      handler: (ctx) => ({ status: 200, body: clone([...commandStore(ctx).store.values()]) }),
    },
    {
      method: 'PUT',
      template: '/applications/{application_id}/commands',
      auth: true,
      handler: (ctx) => bulkOverwrite(ctx, '/applications/{application_id}/commands'),
    },
    {
      method: 'POST',
      template: '/applications/{application_id}/commands',
      auth: true,
      handler: (ctx) => createCommand(ctx, '/applications/{application_id}/commands'),
    },
    {
      method: 'GET',
      template: '/applications/{application_id}/guilds/{guild_id}/commands',
      auth: true,
      handler: (ctx) => ({ status: 200, body: clone([...commandStore(ctx).store.values()]) }),
    },
    {
      method: 'PUT',
      template: '/applications/{application_id}/guilds/{guild_id}/commands',
      auth: true,
      handler: (ctx) => bulkOverwrite(ctx, '/applications/{application_id}/guilds/{guild_id}/commands'),
    },
    {
      method: 'POST',
      template: '/applications/{application_id}/guilds/{guild_id}/commands',
      auth: true,
      handler: (ctx) => createCommand(ctx, '/applications/{application_id}/guilds/{guild_id}/commands'),
    },
    { method: 'POST', template: '/interactions/{interaction_id}/{interaction_token}/callback', auth: false, handler: handleCallback },
    { method: 'POST', template: '/webhooks/{webhook_id}/{webhook_token}', auth: false, handler: webhookPost },
    { method: 'GET', template: '/webhooks/{webhook_id}/{webhook_token}/messages/@original', auth: false, handler: webhookGet },
    {
      method: 'PATCH',
      template: '/webhooks/{webhook_id}/{webhook_token}/messages/@original',
      auth: false,
      handler: (ctx) => webhookPatch(ctx, '/webhooks/{webhook_id}/{webhook_token}/messages/@original'),
    },
    { method: 'DELETE', template: '/webhooks/{webhook_id}/{webhook_token}/messages/@original', auth: false, handler: webhookDelete },
    { method: 'GET', template: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}', auth: false, handler: webhookGet },
    {
      method: 'PATCH',
      template: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}',
      auth: false,
      handler: (ctx) => webhookPatch(ctx, '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}'),
    },
    { method: 'DELETE', template: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}', auth: false, handler: webhookDelete },
  ];

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readRaw(req);
    const { authorization: _auth, ...headers } = req.headers;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      route: null,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      headers,
      receivedAt: now(),
      status: 0,
      response: undefined,
    };
    let rateLimitHeaders: Record<string, string> = {};
    const finish = (status: number, body: unknown): void => {
      record.status = status;
      record.response = body;
      requests.push(record);
      sendJson(res, status, body, rateLimitHeaders);
      notifier.notify();
    };
    const prefix = '/api/v10';
    const oauthAnswer = oauth.handle({ method, url, headers: req.headers, raw });
    if (oauthAnswer) {
      const { reply } = oauthAnswer;
      // The browser's authorize page is not REST traffic; the token exchange and Bearer /users/@me are.
      if (oauthAnswer.route) {
        Object.assign(record, { path: url.pathname.slice(prefix.length), route: oauthAnswer.route, body: oauthAnswer.body, status: reply.status });
        record.response = reply.headers['content-type']?.startsWith('application/json') ? (JSON.parse(reply.body) as unknown) : undefined;
        requests.push(record);
      }
      res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
      res.end(reply.body);
      notifier.notify();
      return;
    }
    if (!url.pathname.startsWith(`${prefix}/`)) {
      unknownRoutes.push(record);
      finish(404, { message: '404: Not Found', code: 0 });
      return;
    }
    let segments: string[];
    try {
      segments = url.pathname
        .slice(prefix.length)
        .split('/')
        .slice(1)
        .map((s) => decodeURIComponent(s));
    } catch {
      unknownRoutes.push(record);
      finish(404, { message: '404: Not Found', code: 0 });
      return;
    }
    record.path = `/${segments.join('/')}`;
    let matched: { route: Route; params: Record<string, string> } | undefined;
    let pathMatched = false;
    for (const route of routes) {
      const params = matchTemplate(route.template, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) {
        matched = { route, params };
        break;
      }
    }
    if (!matched) {
      unknownRoutes.push(record);
      if (pathMatched) finish(405, { message: '405: Method Not Allowed', code: 0 });
      else finish(404, { message: '404: Not Found', code: 0 });
      return;
    }
    record.route = matched.route.template;
    if (matched.route.auth) {
      const auth = req.headers.authorization;
      if (auth !== `Bot ${token}`) {
        finish(401, { message: '401: Unauthorized', code: 0 });
        return;
      }
    }
    let bearerUserId: string | undefined;
    if (matched.route.bearerScope !== undefined) {
      const checked = oauth.bearer(req.headers.authorization, matched.route.bearerScope);
      if ('status' in checked) {
        finish(checked.status, checked.body);
        return;
      }
      bearerUserId = checked.userId;
    }
    const limit = rateLimiter.check(method, matched.route.template, matched.params, {
      interactionEndpoint: isInteractionEndpoint(matched.route.template, matched.params, applicationId),
    });
    rateLimitHeaders = limit.headers;
    if (!limit.allowed) {
      rateLimitHits.push({ method, path: record.path, route: matched.route.template, ...limit.hit });
      finish(limit.status, limit.body);
      return;
    }
    if (limit.info) record.rateLimit = limit.info;
    if (limit.global) record.globalRateLimit = limit.global;
    const parsed = parseBody(req, raw);
    record.body = parsed.json;
    record.files = parsed.files.map(({ data: _d, ...f }) => f);
    if (parsed.parseError) {
      finish(400, { message: 'The request body contains invalid JSON.', code: 50109 });
      return;
    }
    try {
      const out = matched.route.handler({ params: matched.params, query: url.searchParams, body: parsed.json, files: parsed.files, record, bearerUserId });
      finish(out.status, out.body);
    } catch (e) {
      if (e instanceof HttpError) finish(e.status, e.body);
      else finish(500, { message: `fake-discord internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, code: 0 });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Dispatching interactions

  function locate(opts: BaseSendOptions): {
    guild: GuildState | null;
    /** A server the bot is not in (a user install there), by id. */
    foreignGuildId?: string;
    channel: Record<string, unknown>;
    channelId: string;
    context: number;
  } {
    const user = resolveUser(opts.user);
    if (opts.foreignGuild) {
      const foreignGuildId = typeof opts.foreignGuild === 'string' ? opts.foreignGuild : snowflake(now());
      if (findGuild(foreignGuildId)) throw new Error(`fake-discord: the bot is in guild ${foreignGuildId}; foreignGuild is for servers it is not in`);
      const id = opts.channelId ?? snowflake(now());
      // What Discord tells an app installed only by the member: a partial text channel, nothing about the server.
      const channel = { id, type: 0, guild_id: foreignGuildId, name: 'elsewhere', nsfw: opts.channelNsfw ?? false, flags: 0, permissions: opts.appPermissions ?? '2248473465835073' };
      return { guild: null, foreignGuildId, channel, channelId: id, context: 0 };
    }
    if (opts.dm) {
      const ch = dmChannelFor(user);
      return { guild: null, channel: { ...clone(ch) }, channelId: ch.id, context: 1 };
    }
    if (opts.privateChannel) {
      const id = opts.channelId ?? snowflake(now());
      return {
        guild: null,
        channel: { id, type: 3, last_message_id: null, flags: 0, recipients: [user, fakeUsers.bob], name: null, icon: null, owner_id: user.id },
        channelId: id,
        context: 2,
      };
    }
    const guild = opts.guildId ? findGuild(opts.guildId) : guilds[0];
    if (!guild) throw new Error(`fake-discord: unknown guild ${String(opts.guildId)}`);
    let ch: GuildChannel | undefined;
    if (opts.channelId) ch = guild.channels.find((c) => c.id === opts.channelId);
    else if (opts.channelNsfw !== undefined) ch = guild.channels.find((c) => c.type === 0 && c.nsfw === opts.channelNsfw);
    else ch = guild.channels.find((c) => c.type === 0 && !c.nsfw) ?? guild.channels[0];
    if (!ch) throw new Error(`fake-discord: no matching channel in guild ${guild.id}`);
    const appPerms = opts.appPermissions ?? botChannelPermissions(guild, ch, botUser.id).toString();
    return { guild, channel: { ...channelPayload(ch), permissions: appPerms }, channelId: ch.id, context: 0 };
  }

  /** The invoking member's permissions as the payload carries them: the owner has every one. */
  function memberPermissionsIn(guild: GuildState, user: FakeUser, opts: BaseSendOptions): string {
    return opts.memberPermissions ?? (guild.ownerId === user.id ? (BigInt(guild.everyonePermissions) | 0x1ffffffffffffn).toString() : guild.everyonePermissions);
  }

  /**
   * Discord offers a command with `default_member_permissions` only to members who have all of those permissions
   * (or Administrator), unless a server admin overrode it for them.
   */
  function checkDefaultMemberPermissions(opts: SendCommandOptions): void {
    if (opts.dm || opts.privateChannel || opts.allowedByServerOverride) return;
    const guild = opts.guildId ? findGuild(opts.guildId) : guilds[0];
    if (!guild) return;
    const required = findCommand(opts.name, guild.id, 1)?.default_member_permissions;
    if (typeof required !== 'string') return;
    const perms = BigInt(memberPermissionsIn(guild, resolveUser(opts.user), opts));
    if ((perms & Perm.Administrator) !== 0n || (perms & BigInt(required)) === BigInt(required)) return;
    throw new Error(`fake-discord: command "${opts.name}" needs permissions ${required} (default_member_permissions); Discord does not offer it to this member`);
  }

  function newInteraction(
    type: number,
    data: Record<string, unknown>,
    opts: BaseSendOptions,
    extra: { commandName?: string; focusedType?: number; sourceMessage?: DiscordMessage },
  ): InteractionHandle {
    const user = resolveUser(opts.user);
    users.set(user.id, user);
    const { guild, foreignGuildId, channel, channelId, context } = locate(opts);
    const id = snowflake(now());
    const tok = interactionToken();
    const payload: Record<string, unknown> = {
      id,
      application_id: applicationId,
      type,
      data,
      channel_id: channelId,
      channel,
      token: tok,
      version: 1,
      // In a guild: the bot's permissions in that channel (locate() put them on the partial channel).
      app_permissions: typeof channel.permissions === 'string' ? channel.permissions : (opts.appPermissions ?? '2248473465835073'),
      locale: opts.locale ?? 'en-US',
      entitlements: [],
      authorizing_integration_owners: context === 2 || foreignGuildId ? { '1': user.id } : { '0': guild?.id ?? '0' },
      context,
      attachment_size_limit: 10_485_760,
    };
    if (guild) {
      membersOf(guild.id).add(user.id);
      const memberPerms = memberPermissionsIn(guild, user, opts);
      payload.guild_id = guild.id;
      payload.guild = { id: guild.id, locale: guild.preferredLocale, features: [] };
      payload.guild_locale = guild.preferredLocale;
      payload.member = memberObject(user, { roles: opts.memberRoles ?? [], permissions: memberPerms });
    } else if (foreignGuildId) {
      payload.guild_id = foreignGuildId;
      payload.member = memberObject(user, { roles: opts.memberRoles ?? [], permissions: opts.memberPermissions ?? '2248473465835073' });
    } else {
      payload.user = clone(user);
    }
    if (extra.sourceMessage) payload.message = clone(extra.sourceMessage);
    const finalPayload = opts.raw?.(payload) ?? payload;

    const state: InteractionState = {
      id,
      token: tok,
      type,
      commandName: extra.commandName,
      focusedType: extra.focusedType,
      createdAt: now(),
      dispatchedPerf: performance.now(),
      guildId: guild?.id ?? foreignGuildId ?? null,
      channelId,
      user,
      payload: finalPayload,
      initial: undefined,
      callbacks: [],
      originalId: null,
      originalDeleted: false,
      sourceMessageId: extra.sourceMessage?.id ?? null,
      edits: [],
      followUpIds: [],
      webhookRequests: [],
      editCursor: 0,
      followUpCursor: 0,
      choices: undefined,
      modal: undefined,
    };
    const reached = gateway.dispatch('INTERACTION_CREATE', finalPayload, guild?.id ?? null);
    if (reached === 0) {
      throw new Error(
        `fake-discord: no gateway session for ${guild ? `guild ${guild.id}` : 'DMs (shard 0)'}; did the bot connect (await fake.waitForReady())?`,
      );
    }
    interactionsById.set(id, state);
    interactionsByToken.set(tok, state);
    const handle = makeHandle(state);
    handles.set(id, handle);
    return handle;
  }

  function makeHandle(s: InteractionState): InteractionHandle {
    const describeCallbacks = (): string =>
      s.callbacks.length === 0
        ? 'no callback was received'
        : `callbacks: ${s.callbacks.map((c) => `type=${String(c.type)} → ${c.status} ${c.error ? JSON.stringify(c.error) : ''}`).join('; ')}`;
    return {
      id: s.id,
      token: s.token,
      type: s.type,
      payload: s.payload,
      get callbacks() {
        return s.callbacks;
      },
      get initialResponse() {
        return s.initial;
      },
      get edits() {
        return s.edits;
      },
      get followUps() {
        return s.followUpIds.map((id) => messages.get(id)).filter((m): m is DiscordMessage => m !== undefined).map((m) => clone(m));
      },
      get webhookRequests() {
        return s.webhookRequests;
      },
      waitForInitialResponse(timeoutMs = deadlineMs + 2000) {
        return notifier.waitFor(
          () => s.initial,
          timeoutMs,
          () => `the initial response to interaction ${s.id} (${describeCallbacks()})`,
        );
      },
      waitForAcknowledgement() {
        const msLeft = (): number => deadlineMs - Math.max(performance.now() - s.dispatchedPerf, now() - s.createdAt);
        // Wake the waiter just after the deadline (timers may fire a hair early: re-arm until it has passed);
        // nothing can acknowledge after it (see applyCallback).
        let wake: ReturnType<typeof setTimeout> | undefined;
        const arm = (): void => {
          wake = setTimeout(() => {
            notifier.notify();
            if (msLeft() >= 0) arm();
          }, Math.max(0, msLeft()) + 1);
        };
        arm();
        return notifier
          .waitFor(
            () => (s.initial ? { response: s.initial } : msLeft() < 0 ? { response: undefined } : undefined),
            Math.max(0, msLeft()) + 5_000,
            () => `the acknowledgement deadline of interaction ${s.id}`,
          )
          .then((outcome) => outcome.response)
          .finally(() => clearTimeout(wake));
      },
      waitForEdit(timeoutMs = 5000) {
        const index = s.editCursor++;
        return notifier.waitFor(
          () => s.edits[index],
          timeoutMs,
          () => `edit #${index + 1} of interaction ${s.id} (${s.edits.length} so far; ${describeCallbacks()})`,
        );
      },
      waitForFollowUp(timeoutMs = 5000) {
        const index = s.followUpCursor++;
        return notifier.waitFor(
          () => {
            const id = s.followUpIds[index];
            const m = id ? messages.get(id) : undefined;
            return m ? clone(m) : undefined;
          },
          timeoutMs,
          () => `follow-up #${index + 1} of interaction ${s.id}`,
        );
      },
      currentMessage() {
        if (!s.originalId || s.originalDeleted) return null;
        const m = messages.get(s.originalId);
        return m ? clone(m) : null;
      },
      choices() {
        return s.choices ? clone(s.choices) : undefined;
      },
      modal() {
        return s.modal ? clone(s.modal) : undefined;
      },
    };
  }

  function inferType(value: unknown): number {
    if (typeof value === 'boolean') return OptionType.Boolean;
    if (typeof value === 'number') return Number.isInteger(value) ? OptionType.Integer : OptionType.Number;
    return OptionType.String;
  }

  function buildOptions(
    inputs: CommandOptionInput[],
    defs: unknown[] | undefined,
    guild: GuildState | null,
    resolved: Record<string, Record<string, unknown>>,
  ): Record<string, unknown>[] {
    return inputs.map((o) => {
      const def = defs?.find((d): d is Record<string, unknown> => isObj(d) && d.name === o.name);
      const type = o.type ?? (typeof def?.type === 'number' ? def.type : inferType(o.value));
      const out: Record<string, unknown> = { name: o.name, type };
      if (type === OptionType.SubCommand || type === OptionType.SubCommandGroup) {
        const sub = buildOptions(o.options ?? [], Array.isArray(def?.options) ? def.options : undefined, guild, resolved);
        if (sub.length > 0 || type === OptionType.SubCommandGroup) out.options = sub;
        return out;
      }
      out.value = o.value;
      if (o.focused) out.focused = true;
      const value = typeof o.value === 'string' ? o.value : undefined;
      if (value !== undefined && (type === OptionType.User || type === OptionType.Mentionable)) {
        const u = users.get(value);
        if (u) {
          (resolved.users ??= {})[value] = clone(u);
          if (guild) {
            const { user: _u, ...member } = memberObject(u, { permissions: guild.everyonePermissions });
            (resolved.members ??= {})[value] = member;
          }
        }
      }
      if (value !== undefined && type === OptionType.Channel) {
        const c = findGuildChannel(value);
        if (c) (resolved.channels ??= {})[value] = { id: c.id, name: c.name, type: c.type, permissions: guild?.botPermissions ?? '0', nsfw: c.nsfw, parent_id: c.parent_id, flags: 0, thread_metadata: undefined };
      }
      if (value !== undefined && (type === OptionType.Role || type === OptionType.Mentionable) && guild) {
        const r = guild.roles.find((x) => x.id === value);
        if (r) (resolved.roles ??= {})[value] = clone(r);
      }
      return out;
    });
  }

  /**
   * A member can use a command in a server without the bot only through their own install of the app. Checked
   * whenever the command is registered (strictCommands or not): Discord would never send such an interaction.
   */
  function assertUserInstallable(cmd: RegisteredCommand, name: string): void {
    const types = cmd.integration_types;
    const contexts = cmd.contexts;
    if (!(Array.isArray(types) && types.includes(1)) || (Array.isArray(contexts) && !contexts.includes(0)))
      throw new Error(`fake-discord: command "${name}" cannot be used in a server without the bot (integration_types ${JSON.stringify(types)}, contexts ${JSON.stringify(contexts)})`);
  }

  function commandData(opts: SendCommandOptions, focused?: { name: string; value?: string }): {
    data: Record<string, unknown>;
    focusedType: number | undefined;
  } {
    const location = opts.dm || opts.privateChannel || opts.foreignGuild ? null : opts.guildId ?? guilds[0]?.id ?? null;
    const cmd = findCommand(opts.name, location, 1);
    if (!cmd && options.strictCommands) throw new Error(`fake-discord: command "${opts.name}" is not registered`);
    if (cmd && opts.foreignGuild) assertUserInstallable(cmd, opts.name);
    if (cmd && (opts.dm || opts.privateChannel) && options.strictCommands) {
      const contexts = cmd.contexts;
      const ctx = opts.dm ? 1 : 2;
      if ((Array.isArray(contexts) && !contexts.includes(ctx)) || cmd.dm_permission === false)
        throw new Error(`fake-discord: command "${opts.name}" is not available in context ${ctx}`);
    }
    const guild = location ? (findGuild(location) ?? null) : null;
    const data: Record<string, unknown> = { id: cmd?.id ?? snowflake(now()), name: opts.name, type: 1 };
    if (cmd?.guild_id) data.guild_id = cmd.guild_id;
    let focusedType: number | undefined;
    if (opts.rawOptions !== undefined) {
      data.options = opts.rawOptions;
      return { data, focusedType };
    }
    let leafInputs: CommandOptionInput[] = (opts.options ?? []).map((o) => ({ ...o }));
    if (focused) {
      const existing = leafInputs.find((o) => o.name === focused.name);
      if (existing) existing.focused = true;
      else leafInputs.push({ name: focused.name, value: focused.value ?? '', focused: true });
    }
    let defs: unknown[] | undefined = cmd?.options;
    let inputs: CommandOptionInput[] = leafInputs;
    if (opts.subcommand) {
      const groupDef = opts.subcommandGroup ? defs?.find((d) => isObj(d) && d.name === opts.subcommandGroup) : undefined;
      const subDefs: unknown[] | undefined = opts.subcommandGroup
        ? isObj(groupDef) && Array.isArray(groupDef.options)
          ? (groupDef.options as unknown[])
          : undefined
        : defs;
      const subDef = subDefs?.find((d) => isObj(d) && d.name === opts.subcommand);
      defs = isObj(subDef) && Array.isArray(subDef.options) ? subDef.options : undefined;
      const leafDefs = defs;
      if (focused) {
        const f = leafInputs.find((o) => o.focused);
        const fd = leafDefs?.find((d) => isObj(d) && d.name === f?.name);
        focusedType = f?.type ?? (isObj(fd) && typeof fd.type === 'number' ? fd.type : OptionType.String);
      }
      inputs = [{ name: opts.subcommand, type: OptionType.SubCommand, options: leafInputs }];
      if (opts.subcommandGroup) inputs = [{ name: opts.subcommandGroup, type: OptionType.SubCommandGroup, options: inputs }];
      leafInputs = inputs;
      defs = cmd?.options;
    } else if (focused) {
      const f = leafInputs.find((o) => o.focused);
      const fd = defs?.find((d) => isObj(d) && d.name === f?.name);
      focusedType = f?.type ?? (isObj(fd) && typeof fd.type === 'number' ? fd.type : OptionType.String);
    }
    const resolved: Record<string, Record<string, unknown>> = {};
    const built = buildOptions(inputs, defs, guild, resolved);
    if (built.length > 0) data.options = built;
    if (Object.keys(resolved).length > 0) data.resolved = resolved;
    return { data, focusedType };
  }

  function defaultButtonMessage(opts: SendComponentOptions): DiscordMessage {
    const { channelId, guild } = locate(opts);
    const componentType = opts.componentType ?? 2;
    const component =
      componentType === 2
        ? { type: 2, style: 1, label: 'Button', custom_id: opts.customId }
        : { type: componentType, custom_id: opts.customId, ...(componentType === 3 ? { options: (opts.values ?? ['a']).map((v) => ({ label: v, value: v })) } : {}) };
    return createMessage(
      { content: 'A message with a component', components: [{ type: 1, components: [component] }] },
      { channelId, guildId: guild?.id ?? null, files: [], flags: 0, webhook: false },
    );
  }

  function findComponent(node: unknown, customId: string): Record<string, unknown> | undefined {
    if (Array.isArray(node)) {
      for (const n of node) {
        const f = findComponent(n, customId);
        if (f) return f;
      }
      return undefined;
    }
    if (!isObj(node)) return undefined;
    if (node.custom_id === customId) return node;
    return findComponent(node.components, customId) ?? (isObj(node.accessory) ? findComponent([node.accessory], customId) : undefined);
  }

  function sendComponent(opts: SendComponentOptions): InteractionHandle {
    let message = opts.message ?? opts.from?.currentMessage() ?? undefined;
    if (message) {
      message = messages.get(message.id) ?? message;
      if (!messages.has(message.id)) messages.set(message.id, clone(message));
    } else {
      message = defaultButtonMessage(opts);
    }
    const componentType = opts.componentType ?? 2;
    const comp = findComponent(message.components, opts.customId);
    if (!opts.allowMissingComponent) {
      if (!comp) {
        throw new Error(
          `fake-discord: message ${message.id} has no component with custom_id "${opts.customId}" (components: ${JSON.stringify(message.components)})`,
        );
      }
      if (comp.type !== componentType) throw new Error(`fake-discord: component "${opts.customId}" has type ${String(comp.type)}, not ${componentType}`);
      if (comp.disabled === true) throw new Error(`fake-discord: component "${opts.customId}" is disabled; Discord clients cannot use it`);
    }
    const data: Record<string, unknown> = { custom_id: opts.customId, component_type: componentType };
    if (typeof comp?.id === 'number') data.id = comp.id;
    if (componentType !== 2) data.values = opts.values ?? [];
    // Ephemeral messages / DMs: locate from the message channel when possible.
    const base: BaseSendOptions = { ...opts };
    if (!opts.dm && !opts.guildId && !opts.channelId && !opts.foreignGuild) {
      const gc = findGuildChannel(message.channel_id);
      if (gc) {
        base.guildId = gc.guild_id;
        base.channelId = gc.id;
      } else if (findDmChannel(message.channel_id)) base.dm = true;
      else if (typeof message.guild_id === 'string' && !findGuild(message.guild_id)) {
        // A message the member's own install posted in a server without the bot: pressed there.
        base.foreignGuild = message.guild_id;
        base.channelId = message.channel_id;
      }
    }
    return newInteraction(InteractionType.MessageComponent, data, base, { sourceMessage: message });
  }

  // ------------------------------------------------------------------------------------------
  // Server

  const server: Server = createServer((req, res) => {
    handleHttp(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: String(e), code: 0 });
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  let closed = false;
  const fake: FakeDiscord = {
    apiUrl: `http://${base()}/api`,
    gatewayUrl: `ws://${base()}/gateway`,
    resumeGatewayUrl: `ws://${base()}/resume-gateway`,
    token,
    applicationId,
    botUser,
    guilds,
    requests,
    unknownRoutes,
    schemaViolations,
    channelMessages,
    rateLimitHits,
    get registeredCommands(): RegisteredCommands {
      const g: Record<string, RegisteredCommand[]> = {};
      for (const [id, store] of guildCommands) g[id] = clone([...store.values()]);
      return { global: clone([...globalCommands.values()]), guilds: g };
    },
    get connectionCount() {
      return gateway.connectionCount;
    },
    get identifyCount() {
      return gateway.identifyCount;
    },
    get resumeCount() {
      return gateway.resumeCount;
    },
    get readyCount() {
      return gateway.readyCount;
    },
    get openConnections() {
      return gateway.openConnections;
    },
    gatewayReceived: gateway.received,
    gatewayCloses: gateway.closes,
    sessions: () => gateway.sessionInfo(),
    waitForIdentify(count = 1, timeoutMs = 10_000) {
      return notifier.waitFor(() => (gateway.identifyCount >= count ? (true as const) : undefined), timeoutMs, () => `${count} IDENTIFY (got ${gateway.identifyCount})`).then(() => undefined);
    },
    waitForReady(count = 1, timeoutMs = 10_000) {
      return notifier.waitFor(() => (gateway.readyCount >= count ? (true as const) : undefined), timeoutMs, () => `${count} READY (got ${gateway.readyCount})`).then(() => undefined);
    },
    waitForResume(count = 1, timeoutMs = 10_000) {
      return notifier.waitFor(() => (gateway.resumeCount >= count ? (true as const) : undefined), timeoutMs, () => `${count} RESUME (got ${gateway.resumeCount})`).then(() => undefined);
    },
    waitForSessions(shardCount = recommendedShards, timeoutMs = 20_000) {
      return notifier
        .waitFor(
          () => {
            const live = gateway.sessionInfo().filter((s) => s.connected && !s.invalidated && s.shard[1] === shardCount);
            for (let i = 0; i < shardCount; i++) if (!live.some((s) => s.shard[0] === i)) return undefined;
            return true as const;
          },
          timeoutMs,
          () => `live sessions for all ${shardCount} shards`,
        )
        .then(() => undefined);
    },
    closeGateway: (code, reason) => gateway.closeAll(code, reason),
    requestReconnect: () => gateway.requestReconnect(),
    invalidateSessions: (resumable = false) => gateway.invalidateSessions(resumable),
    dispatch: (t, d, guildId = null) => gateway.dispatch(t, d, guildId),
    sendCommand(opts) {
      checkDefaultMemberPermissions(opts);
      const { data } = commandData(opts);
      return newInteraction(InteractionType.ApplicationCommand, data, opts, { commandName: opts.name });
    },
    sendAutocomplete(opts) {
      const { data, focusedType } = commandData(opts, { name: opts.focused, ...(opts.focusedValue !== undefined ? { value: opts.focusedValue } : {}) });
      return newInteraction(InteractionType.Autocomplete, data, opts, { commandName: opts.name, focusedType: focusedType ?? OptionType.String });
    },
    sendButton: (opts) => sendComponent({ ...opts, componentType: opts.componentType ?? 2 }),
    sendUserCommand(opts) {
      const location = opts.dm || opts.privateChannel || opts.foreignGuild ? null : (opts.guildId ?? guilds[0]?.id ?? null);
      const cmd = findCommand(opts.name, location, 2);
      if (!cmd && options.strictCommands) throw new Error(`fake-discord: user command "${opts.name}" is not registered`);
      if (cmd && opts.foreignGuild) assertUserInstallable(cmd, opts.name);
      const target = resolveUser(opts.target);
      users.set(target.id, target);
      const guild = location ? (findGuild(location) ?? null) : null;
      const resolved: Record<string, Record<string, unknown>> = { users: { [target.id]: clone(target) } };
      if (guild && membersOf(guild.id).has(target.id)) {
        const { user: _user, ...member } = memberObject(target, { permissions: guild.everyonePermissions });
        resolved.members = { [target.id]: member };
      }
      const data: Record<string, unknown> = { id: cmd?.id ?? snowflake(now()), name: opts.name, type: 2, target_id: target.id, resolved };
      if (cmd?.guild_id) data.guild_id = cmd.guild_id;
      return newInteraction(InteractionType.ApplicationCommand, data, opts, { commandName: opts.name });
    },
    sendSelect: (opts) => sendComponent({ ...opts, componentType: opts.componentType ?? 3 }),
    sendModalSubmit(opts) {
      const data = {
        custom_id: opts.customId,
        components: Object.entries(opts.fields).map(([customId, value]) => ({
          type: 1,
          components: [{ type: 4, custom_id: customId, value }],
        })),
      };
      const src = opts.from ? interactionsById.get(opts.from.id) : undefined;
      const sourceMessage = src?.sourceMessageId ? messages.get(src.sourceMessageId) : undefined;
      return newInteraction(InteractionType.ModalSubmit, data, opts, sourceMessage ? { sourceMessage } : {});
    },
    interaction: (id) => handles.get(id),
    setDmsClosed(userId, isClosed = true) {
      if (isClosed) closedDms.add(userId);
      else closedDms.delete(userId);
    },
    setBotChannelPermissions(channelId, permissions) {
      const channel = findGuildChannel(channelId);
      const guild = channel ? findGuild(channel.guild_id) : undefined;
      if (!channel || !guild) throw new Error(`fake-discord: no guild channel ${channelId}`);
      const others = channel.permission_overwrites.filter((o) => !(isObj(o) && o.id === botUser.id));
      const base = (BigInt(guild.everyonePermissions) | BigInt(guild.botPermissions)).toString();
      channel.permission_overwrites = permissions === null ? others : [...others, botMemberOverwrite(botUser.id, base, permissions)];
      const { guild_id: _g, ...payload } = channel;
      gateway.dispatch('CHANNEL_UPDATE', { ...clone(payload), guild_id: guild.id }, guild.id);
    },
    addUser(u) {
      users.set(u.id, u);
      for (const g of guilds) membersOf(g.id).add(u.id);
    },
    removeMember(guildId, userId) {
      membersOf(guildId).delete(userId);
    },
    addMember(guildId, userId) {
      membersOf(guildId).add(userId);
    },
    isMember: (guildId, userId) => membersOf(guildId).has(userId),
    message: (id) => {
      const m = messages.get(id);
      return m ? clone(m) : undefined;
    },
    waitForRequest(predicate, timeoutMs = 5000) {
      let seen = 0;
      return notifier.waitFor(
        () => {
          for (; seen < requests.length; seen++) {
            const r = requests[seen]!;
            if (predicate(r)) return r;
          }
          return undefined;
        },
        timeoutMs,
        () => 'a matching REST request',
      );
    },
    onChange: (listener) => notifier.subscribe(listener),
    oauth: oauth.api,
    roleConnections: roleConnections.api,
    clearRecords() {
      requests.length = 0;
      unknownRoutes.length = 0;
      schemaViolations.length = 0;
      channelMessages.length = 0;
      rateLimitHits.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      notifier.cancelAll();
      await gateway.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
    },
  };
  return fake;
}
