/**
 * What the playground shows, read from the fakes: the messages the bot posted for the interactions sent from the
 * playground (as Discord would show them now, edits included), interactions the bot never answered, and the traffic
 * the bot sent to Discord and AniList.
 *
 * Never anything secret: Discord requests are shown by their route template (`/webhooks/{webhook_id}/{webhook_token}`),
 * never by their path, which holds the interaction token; AniList requests by path and GraphQL operation name only.
 */
import type { FakeAniList, LoggedRequest } from '../fakes/anilist/index.js';
import type { DiscordMessage, FakeDiscord, InteractionHandle, RecordedRequest } from '../fakes/discord/index.js';
import type { DemoMember } from './members.js';

/** Discord's own deadline for the first answer to an interaction, plus a little for the answer to arrive. */
const NO_ANSWER_AFTER_MS = 3_500;
const TRAFFIC_SHOWN = 80;
const MESSAGES_SHOWN = 200;
const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

export interface ButtonView {
  type: 2;
  style: number;
  label: string;
  customId: string | null;
  url: string | null;
  disabled: boolean;
  emoji: string | null;
}

export type ComponentView = { type: 1; components: ComponentView[] } | ButtonView | { type: number; unsupported: true };

export interface EmbedView {
  title: string | null;
  url: string | null;
  description: string | null;
  color: number | null;
  author: string | null;
  footer: string | null;
  fields: { name: string; value: string; inline: boolean }[];
}

export interface MessageView {
  id: string;
  channelId: string;
  /** Who ran the command or pressed the button that this message answers. */
  invokerId: string | null;
  /** The slash command behind the message (a button's message keeps the command it came from). */
  command: string | null;
  /** The message answers a button press rather than a slash command. */
  fromComponent: boolean;
  ephemeral: boolean;
  loading: boolean;
  edited: boolean;
  timestamp: string;
  content: string;
  embeds: EmbedView[];
  components: ComponentView[];
}

export interface UnansweredView {
  interactionId: string;
  channelId: string;
  invokerId: string;
  what: string;
}

export interface TrafficLine {
  at: number;
  method: string;
  /** A route template or a path: never a token. */
  target: string;
  status: number;
  note: string | null;
}

export interface FeedSnapshot {
  messages: MessageView[];
  unanswered: UnansweredView[];
  discord: TrafficLine[];
  anilist: TrafficLine[];
  budget: { used: number; limit: number; rejected: number };
}

export interface TrackedInteraction {
  handle: InteractionHandle;
  member: DemoMember;
  channelId: string;
  /** How the playground describes it if the bot never answers, e.g. "/list" or "the Next ▶ button". */
  what: string;
}

export interface Feed {
  track(interaction: TrackedInteraction): void;
  snapshot(): FeedSnapshot;
  /** A message the playground showed, as it is now (for pressing its buttons). */
  trackedMessage(id: string): DiscordMessage | undefined;
}

export interface FeedDeps {
  discord: FakeDiscord;
  anilist: FakeAniList;
  budgetPerMinute: number;
  /** Wall clock of the playground (the fakes run on real time in the demo). */
  now: () => number;
}

export function createFeed({ discord, anilist, budgetPerMinute, now }: FeedDeps): Feed {
  const tracked: (TrackedInteraction & { sentAt: number })[] = [];

  function trackedMessages(): DiscordMessage[] {
    const byId = new Map<string, DiscordMessage>();
    for (const { handle } of tracked) {
      const original = handle.currentMessage();
      if (original) byId.set(original.id, original);
      for (const followUp of handle.followUps) byId.set(followUp.id, followUp);
    }
    return [...byId.values()].sort((a, b) => compareSnowflakes(a.id, b.id));
  }

  return {
    track(interaction) {
      tracked.push({ ...interaction, sentAt: now() });
    },
    trackedMessage(id) {
      return trackedMessages().find((message) => message.id === id);
    },
    snapshot() {
      const unanswered = tracked
        .filter(({ handle, sentAt }) => handle.initialResponse === undefined && now() - sentAt > NO_ANSWER_AFTER_MS)
        .map(({ handle, member, channelId, what }) => ({ interactionId: handle.id, channelId, invokerId: member.discordUser.id, what }));
      const since = anilist.now() - 60_000;
      const lastMinute = anilist.requests.filter((request) => request.kind === 'graphql' && request.time > since);
      return {
        messages: trackedMessages().slice(-MESSAGES_SHOWN).map(messageView),
        unanswered,
        discord: discord.requests.slice(-TRAFFIC_SHOWN).map(discordLine),
        anilist: anilist.requests
          // The authorize page is the member's browser talking to AniList, not the bot.
          .filter((request) => request.kind !== 'oauth-authorize')
          .slice(-TRAFFIC_SHOWN)
          .map(anilistLine),
        budget: { used: lastMinute.length, limit: budgetPerMinute, rejected: lastMinute.filter((request) => request.status === 429).length },
      };
    },
  };
}

/** Snowflakes grow with time; compare as numbers without losing precision. */
export function compareSnowflakes(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function messageView(message: DiscordMessage): MessageView {
  const metadata = record(message.interaction_metadata);
  return {
    id: message.id,
    channelId: message.channel_id,
    invokerId: text(record(metadata.user).id),
    command: text(metadata.name),
    fromComponent: metadata.type === 3,
    ephemeral: (message.flags & EPHEMERAL) !== 0,
    loading: (message.flags & LOADING) !== 0,
    edited: message.edited_timestamp !== null,
    timestamp: message.timestamp,
    content: message.content,
    embeds: message.embeds.map(embedView),
    components: message.components.map(componentView),
  };
}

function embedView(embed: Record<string, unknown>): EmbedView {
  const fields = Array.isArray(embed.fields) ? embed.fields.map(record) : [];
  return {
    title: text(embed.title),
    url: text(embed.url),
    description: text(embed.description),
    color: typeof embed.color === 'number' ? embed.color : null,
    author: text(record(embed.author).name),
    footer: text(record(embed.footer).text),
    fields: fields.map((field) => ({ name: text(field.name) ?? '', value: text(field.value) ?? '', inline: field.inline === true })),
  };
}

function componentView(component: Record<string, unknown>): ComponentView {
  if (component.type === 1) {
    const children = Array.isArray(component.components) ? component.components.map(record) : [];
    return { type: 1, components: children.map(componentView) };
  }
  if (component.type === 2) {
    return {
      type: 2,
      style: typeof component.style === 'number' ? component.style : 1,
      label: text(component.label) ?? '',
      customId: text(component.custom_id),
      url: text(component.url),
      disabled: component.disabled === true,
      emoji: text(record(component.emoji).name),
    };
  }
  return { type: typeof component.type === 'number' ? component.type : 0, unsupported: true };
}

const CALLBACK_NOTES: Record<number, string> = {
  4: 'reply',
  5: 'reply later (thinking…)',
  6: 'acknowledge the button',
  7: 'update the message',
  8: 'autocomplete suggestions',
  9: 'open a form',
};

function discordNote(request: RecordedRequest): string | null {
  const route = request.route ?? '';
  if (route.endsWith('/callback')) return CALLBACK_NOTES[Number(record(request.body).type)] ?? null;
  if (route.startsWith('/webhooks/')) {
    if (request.method === 'PATCH') return 'edit the reply';
    if (request.method === 'POST') return 'follow-up message';
    if (request.method === 'DELETE') return 'delete the reply';
    return null;
  }
  if (route.endsWith('/commands') && request.method === 'PUT') return 'register the slash commands';
  if (route === '/channels/{channel_id}/messages') return 'send a message';
  if (route === '/users/@me/channels') return 'open a DM';
  if (route === '/oauth2/token') return 'exchange the Discord sign-in code';
  if (route.endsWith('/role-connections/metadata') && request.method === 'PUT') return 'register the linked-roles metadata';
  if (route.endsWith('/role-connection') && request.method === 'PUT') return "write the member's linked-roles numbers";
  return null;
}

function discordLine(request: RecordedRequest): TrafficLine {
  return {
    at: request.receivedAt,
    method: request.method,
    target: request.route ?? '(a route Discord does not have)',
    status: request.status,
    note: discordNote(request),
  };
}

function anilistLine(request: LoggedRequest): TrafficLine {
  const isGraphQL = request.kind === 'graphql';
  return {
    at: request.time,
    method: request.method,
    target: request.path,
    status: request.status,
    note: isGraphQL ? (request.operationName ?? '(unnamed operation)') : request.kind === 'oauth-token' ? 'exchange the sign-in code for a token' : null,
  };
}
