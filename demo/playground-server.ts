/**
 * The playground: a small web server (not the bot's) with a Discord-like page, and the JSON API the page uses to
 * act as a member on the fake Discord: slash commands, autocomplete, buttons. What the bot answers comes back as a
 * stream of snapshots (server-sent events) built by the feed.
 */
import type { ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { helmetHeaders } from '../src/http/server.js';
import type { FakeAniList } from '../fakes/anilist/index.js';
import type { CommandOptionInput, DiscordMessage, FakeDiscord, RegisteredCommand } from '../fakes/discord/index.js';
import type { Feed } from './feed.js';
import { DEMO_MEMBERS, findMember, type DemoMember, type MemberKey } from './members.js';

const STATIC_FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/playground.css': { file: 'playground.css', type: 'text/css; charset=utf-8' },
  '/playground.js': { file: 'playground.js', type: 'text/javascript; charset=utf-8' },
} as const;

/** Discord's own wait for the first answer; the playground waits a little longer for it to arrive. */
const AUTOCOMPLETE_WAIT_MS = 3_500;
const PUBLISH_DEBOUNCE_MS = 40;
/** The budget meter falls as requests age out of the minute, and unanswered interactions show up, without events. */
const REFRESH_MS = 500;
const KEEPALIVE_MS = 15_000;

const OptionType = { String: 3, Integer: 4, Boolean: 5, User: 6, Channel: 7, Number: 10 } as const;

export interface PlaygroundDeps {
  discord: FakeDiscord;
  anilist: FakeAniList;
  feed: Feed;
  /** Makes `member` the one signed in on the fakes' sign-in pages, so following /link acts as them. */
  signInAs: (member: DemoMember) => void;
  /** Where each part runs, shown on the page. */
  services: { bot: string; discord: string; anilist: string };
  prelinked: readonly { member: MemberKey; problem?: string }[];
  budgetPerMinute: number;
}

class PlaygroundError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface CommandBody {
  member: string;
  channelId: string;
  name: string;
  options?: { name: string; value: string | number | boolean }[];
}

const optionsSchema = {
  type: 'array',
  maxItems: 25,
  items: {
    type: 'object',
    required: ['name', 'value'],
    additionalProperties: false,
    properties: { name: { type: 'string', maxLength: 32 }, value: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'number' }, { type: 'boolean' }] } },
  },
} as const;

const commandBodySchema = {
  type: 'object',
  required: ['member', 'channelId', 'name'],
  additionalProperties: false,
  properties: {
    member: { type: 'string', maxLength: 32 },
    channelId: { type: 'string', maxLength: 20 },
    name: { type: 'string', maxLength: 32 },
    options: optionsSchema,
  },
} as const;

export async function buildPlaygroundServer(deps: PlaygroundDeps): Promise<FastifyInstance> {
  const { discord, feed } = deps;
  const guild = discord.guilds[0];
  if (!guild) throw new Error('the fake Discord has no server');
  const files = new Map(
    Object.entries(STATIC_FILES).map(([path, { file, type }]) => [path, { type, body: readFileSync(new URL(`./playground/${file}`, import.meta.url)) }]),
  );

  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, forceCloseConnections: true });
  // Only JSON: a cross-site form or text/plain POST cannot reach the API without a CORS preflight nobody answers.
  app.removeContentTypeParser('text/plain');
  // The same helmet headers, computed once, as the bot's own web server sends them.
  const securityHeaders = helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });

  // Loopback only: a page elsewhere that resolves its own name to 127.0.0.1 (DNS rebinding) or posts here is refused.
  app.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host ?? '';
    if (!isLoopbackHost(host)) return reply.code(421).send({ error: 'The playground answers on 127.0.0.1 and localhost only.' });
    const origin = request.headers.origin;
    if (request.method !== 'GET' && origin !== undefined && originHost(origin) !== host) {
      return reply.code(403).send({ error: 'Requests from other sites are refused.' });
    }
    return undefined;
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof PlaygroundError) return reply.code(error.status).send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) return reply.code(status).send({ error: (error as Error).message });
    process.stderr.write(`anilink demo: the playground failed on a request: ${(error as Error).stack ?? String(error)}\n`);
    return reply.code(500).send({ error: 'The playground hit an unexpected problem; the terminal shows what.' });
  });

  for (const [path, file] of files) {
    app.get(path, (_request, reply) => reply.header('cache-control', 'no-store').type(file.type).send(file.body));
  }

  const textChannels = () => guild.channels.filter((channel) => channel.type === 0);
  const chatCommands = (): RegisteredCommand[] => {
    const registered = discord.registeredCommands;
    return [...registered.global, ...(registered.guilds[guild.id] ?? [])].filter((command) => command.type === 1);
  };

  app.get('/api/setup', () => ({
    server: guild.name,
    channels: textChannels().map((channel) => ({ id: channel.id, name: channel.name, nsfw: channel.nsfw, topic: channel.topic })),
    members: DEMO_MEMBERS.map((member) => ({
      key: member.key,
      id: member.discordUser.id,
      username: member.discordUser.username,
      displayName: member.discordUser.global_name ?? member.discordUser.username,
      anilistName: member.anilistName,
      prelinked: deps.prelinked.some((entry) => entry.member === member.key && entry.problem === undefined),
    })),
    prelinkProblems: deps.prelinked.filter((entry) => entry.problem !== undefined),
    bot: { id: discord.botUser.id, name: discord.botUser.username },
    commands: chatCommands().map((command) => ({
      name: command.name,
      description: command.description,
      options: (command.options ?? []).map(optionView),
    })),
    services: deps.services,
    budgetPerMinute: deps.budgetPerMinute,
  }));

  // --- acting as a member ---------------------------------------------------------------------------------------

  function memberOf(key: string): DemoMember {
    const member = findMember(key);
    if (!member) throw new PlaygroundError(400, `There is no member "${key}" in the demo.`);
    return member;
  }

  function channelOf(id: string): string {
    if (!textChannels().some((channel) => channel.id === id)) throw new PlaygroundError(400, 'There is no such channel in the demo server.');
    return id;
  }

  function commandOf(name: string): RegisteredCommand {
    const command = chatCommands().find((candidate) => candidate.name === name);
    if (!command) throw new PlaygroundError(400, `anilink has no /${name} command.`);
    return command;
  }

  function optionInputs(command: RegisteredCommand, given: CommandBody['options'], { partial }: { partial: boolean }): CommandOptionInput[] {
    const definitions = (command.options ?? []).map(optionView);
    const inputs: CommandOptionInput[] = [];
    for (const { name, value } of given ?? []) {
      const definition = definitions.find((candidate) => candidate.name === name);
      if (!definition) throw new PlaygroundError(400, `/${command.name} has no option "${name}".`);
      const converted = convertOption(definition, value);
      if ('problem' in converted) {
        if (partial) continue;
        throw new PlaygroundError(400, `${name}: ${converted.problem}`);
      }
      inputs.push({ name, value: converted.value });
    }
    if (!partial) {
      const missing = definitions.filter((definition) => definition.required && !inputs.some((input) => input.name === definition.name));
      if (missing.length > 0) throw new PlaygroundError(400, `/${command.name} needs ${missing.map((definition) => definition.name).join(', ')}.`);
    }
    return inputs;
  }

  function convertOption(definition: OptionView, value: string | number | boolean): { value: string | number | boolean } | { problem: string } {
    switch (definition.type) {
      case OptionType.Integer:
      case OptionType.Number: {
        const number = typeof value === 'number' ? value : Number(String(value).trim());
        if (String(value).trim() === '' || !Number.isFinite(number)) return { problem: 'must be a number' };
        if (definition.type === OptionType.Integer && !Number.isInteger(number)) return { problem: 'must be a whole number' };
        if (definition.minValue !== null && number < definition.minValue) return { problem: `must be at least ${definition.minValue}` };
        if (definition.maxValue !== null && number > definition.maxValue) return { problem: `must be at most ${definition.maxValue}` };
        return { value: number };
      }
      case OptionType.Boolean:
        return typeof value === 'boolean' ? { value } : value === 'true' || value === 'false' ? { value: value === 'true' } : { problem: 'must be true or false' };
      case OptionType.User:
        return DEMO_MEMBERS.some((member) => member.discordUser.id === value) ? { value: String(value) } : { problem: 'must be a member of the demo server' };
      case OptionType.Channel:
        return textChannels().some((channel) => channel.id === value) ? { value: String(value) } : { problem: 'must be a channel of the demo server' };
      default: {
        const text = String(value);
        if (definition.choices.length > 0 && !definition.autocomplete && !definition.choices.some((choice) => String(choice.value) === text)) {
          return { problem: 'must be one of the listed choices' };
        }
        if (definition.maxLength !== null && [...text].length > definition.maxLength) return { problem: `must be at most ${definition.maxLength} characters` };
        return { value: text };
      }
    }
  }

  /** The fake throws when no gateway session would receive the interaction, or when it refuses the interaction. */
  function send<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      const message = (error as Error).message;
      if (message.includes('no gateway session')) throw new PlaygroundError(503, 'The bot is not connected to the fake Discord right now.');
      throw new PlaygroundError(400, message.replace(/^fake-discord: /, ''));
    }
  }

  app.post<{ Body: CommandBody }>('/api/commands', { schema: { body: commandBodySchema } }, (request) => {
    const member = memberOf(request.body.member);
    const channelId = channelOf(request.body.channelId);
    const command = commandOf(request.body.name);
    const options = optionInputs(command, request.body.options, { partial: false });
    deps.signInAs(member);
    const handle = send(() => discord.sendCommand({ name: command.name, user: member.discordUser, guildId: guild.id, channelId, options }));
    feed.track({ handle, member, channelId, what: `/${command.name}` });
    schedulePublish();
    return { interactionId: handle.id };
  });

  app.post<{ Body: CommandBody & { focused: string } }>(
    '/api/autocomplete',
    {
      schema: {
        body: {
          ...commandBodySchema,
          required: [...commandBodySchema.required, 'focused'],
          properties: { ...commandBodySchema.properties, focused: { type: 'string', maxLength: 32 } },
        },
      },
    },
    async (request) => {
      const member = memberOf(request.body.member);
      const channelId = channelOf(request.body.channelId);
      const command = commandOf(request.body.name);
      const focused = (command.options ?? []).map(optionView).find((option) => option.name === request.body.focused);
      if (!focused?.autocomplete) throw new PlaygroundError(400, `/${command.name} has no suggestions for "${request.body.focused}".`);
      const typed = String(request.body.options?.find((option) => option.name === focused.name)?.value ?? '');
      const others = optionInputs(
        command,
        request.body.options?.filter((option) => option.name !== focused.name),
        { partial: true },
      );
      const handle = send(() =>
        discord.sendAutocomplete({
          name: command.name,
          user: member.discordUser,
          guildId: guild.id,
          channelId,
          options: [...others, { name: focused.name, value: typed }],
          focused: focused.name,
        }),
      );
      try {
        await handle.waitForInitialResponse(AUTOCOMPLETE_WAIT_MS);
      } catch {
        return { choices: [], problem: 'anilink did not suggest anything in time.' };
      }
      const choices = (handle.choices() ?? []) as { name?: unknown; value?: unknown }[];
      return { choices: choices.map((choice) => ({ name: asText(choice.name), value: asText(choice.value) })) };
    },
  );

  app.post<{ Body: { member: string; messageId: string; customId: string } }>(
    '/api/components',
    {
      schema: {
        body: {
          type: 'object',
          required: ['member', 'messageId', 'customId'],
          additionalProperties: false,
          properties: { member: { type: 'string', maxLength: 32 }, messageId: { type: 'string', maxLength: 20 }, customId: { type: 'string', maxLength: 100 } },
        },
      },
    },
    (request) => {
      const member = memberOf(request.body.member);
      const message = feed.trackedMessage(request.body.messageId);
      const visible = message && (!isEphemeral(message) || invokerOf(message) === member.discordUser.id);
      if (!message || !visible) throw new PlaygroundError(404, 'That message is not in the channel (any more).');
      const button = findButton(message.components, request.body.customId);
      if (!button) throw new PlaygroundError(400, 'That message has no such button (any more).');
      if (button.disabled === true) throw new PlaygroundError(400, 'That button is disabled.');
      deps.signInAs(member);
      const handle = send(() => discord.sendButton({ customId: request.body.customId, message, user: member.discordUser }));
      const label = typeof button.label === 'string' ? button.label : 'a';
      feed.track({ handle, member, channelId: message.channel_id, what: `the “${label}” button` });
      schedulePublish();
      return { interactionId: handle.id };
    },
  );

  // --- the live feed --------------------------------------------------------------------------------------------

  const streams = new Set<ServerResponse>();
  let lastSent = '';
  let publishTimer: NodeJS.Timeout | undefined;

  function publish(): void {
    if (streams.size === 0) return;
    const snapshot = JSON.stringify(feed.snapshot());
    if (snapshot === lastSent) return;
    lastSent = snapshot;
    for (const stream of streams) stream.write(`data: ${snapshot}\n\n`);
  }

  /** Many changes come in bursts (a reply, then its edit): one snapshot covers them. */
  function schedulePublish(): void {
    publishTimer ??= setTimeout(() => {
      publishTimer = undefined;
      publish();
    }, PUBLISH_DEBOUNCE_MS);
  }

  const unsubscribe = discord.onChange(schedulePublish);
  const refresh = setInterval(publish, REFRESH_MS);
  const keepalive = setInterval(() => {
    for (const stream of streams) stream.write(': keepalive\n\n');
  }, KEEPALIVE_MS);

  app.get('/api/events', (_request, reply: FastifyReply) => {
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    stream.write(`retry: 1000\ndata: ${JSON.stringify(feed.snapshot())}\n\n`);
    streams.add(stream);
    stream.on('close', () => streams.delete(stream));
  });

  app.addHook('onClose', (_instance, done) => {
    unsubscribe();
    clearInterval(refresh);
    clearInterval(keepalive);
    clearTimeout(publishTimer);
    for (const stream of streams) stream.end();
    streams.clear();
    done();
  });

  return app;
}

export interface OptionView {
  name: string;
  description: string;
  type: number;
  required: boolean;
  autocomplete: boolean;
  choices: { name: string; value: string | number }[];
  minValue: number | null;
  maxValue: number | null;
  maxLength: number | null;
}

function optionView(option: unknown): OptionView {
  const o = (typeof option === 'object' && option !== null ? option : {}) as Record<string, unknown>;
  const number = (value: unknown) => (typeof value === 'number' ? value : null);
  return {
    name: asText(o.name),
    description: asText(o.description),
    type: typeof o.type === 'number' ? o.type : OptionType.String,
    required: o.required === true,
    autocomplete: o.autocomplete === true,
    choices: Array.isArray(o.choices)
      ? (o.choices as { name?: unknown; value?: unknown }[]).map((choice) => ({
          name: asText(choice.name),
          value: typeof choice.value === 'number' ? choice.value : asText(choice.value),
        }))
      : [],
    minValue: number(o.min_value),
    maxValue: number(o.max_value),
    maxLength: number(o.max_length),
  };
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function isEphemeral(message: DiscordMessage): boolean {
  return (message.flags & (1 << 6)) !== 0;
}

function invokerOf(message: DiscordMessage): string | undefined {
  const metadata = message.interaction_metadata as { user?: { id?: string } } | undefined;
  return metadata?.user?.id;
}

function findButton(components: unknown, customId: string): Record<string, unknown> | undefined {
  if (!Array.isArray(components)) return undefined;
  for (const component of components as Record<string, unknown>[]) {
    if (component.type === 2 && component.custom_id === customId) return component;
    const inner = findButton(component.components, customId);
    if (inner) return inner;
  }
  return undefined;
}

export function isLoopbackHost(host: string): boolean {
  const hostname = host.replace(/:\d+$/, '');
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
