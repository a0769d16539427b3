import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Routes,
  SlashCommandBuilder,
} from 'discord.js';
import type { Interaction } from 'discord.js';
import { fakeUsers, shardForGuild, startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';

const TOKEN = 'test-token.abc.def';
const DEADLINE_MS = 2500;

function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;
}

describe('fake Discord with a real discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client;
  let clockOffset = 0;
  const handlesBefore = tcpHandles();
  /** Errors the bot got from REST, by interaction id. */
  const errors = new Map<string, unknown>();
  /** Gates the test can open to let a handler continue. */
  const gates = new Map<string, () => void>();
  const gate = (name: string): Promise<void> => new Promise((resolve) => gates.set(name, resolve));

  async function onInteraction(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) {
        const focused = interaction.options.getFocused(true);
        if (focused.value === 'too-many') {
          await interaction.respond(Array.from({ length: 26 }, (_, i) => ({ name: `choice ${i}`, value: `v${i}` })));
        } else {
          await interaction.respond([{ name: `You typed ${focused.value}`, value: focused.value }]);
        }
        return;
      }
      if (interaction.isButton()) {
        await interaction.update({ content: `Clicked ${interaction.customId}`, components: [] });
        return;
      }
      if (interaction.isUserContextMenuCommand()) {
        await interaction.reply({ content: `Target ${interaction.targetUser.username}; member in payload: ${interaction.targetMember !== null}`, flags: MessageFlags.Ephemeral });
        return;
      }
      if (!interaction.isChatInputCommand()) return;
      switch (interaction.commandName) {
        case 'ping':
          await interaction.reply({ content: `Pong ${interaction.options.getString('echo') ?? ''}`.trim(), flags: MessageFlags.Ephemeral });
          break;
        case 'defer':
          await interaction.deferReply();
          await interaction.editReply({ content: 'Done after defer', embeds: [new EmbedBuilder().setTitle('Result').setDescription('ok')] });
          break;
        case 'menu':
          await interaction.reply({
            content: 'Pick one',
            components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('pick:1').setLabel('One').setStyle(ButtonStyle.Primary))],
          });
          break;
        case 'slow':
          await new Promise((r) => setTimeout(r, DEADLINE_MS + 500));
          await interaction.reply('too late');
          break;
        case 'double':
          await interaction.reply('first');
          // discord.js refuses a second reply locally, so go straight to the REST route.
          await client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
            body: { type: 4, data: { content: 'second' } },
            auth: false,
          });
          break;
        case 'late':
          await interaction.deferReply();
          await gate('late');
          await interaction.editReply('finally');
          break;
        case 'huge':
          await interaction.reply({ embeds: [{ title: 'Huge', description: 'x'.repeat(5000) }] });
          break;
        default:
          await interaction.reply({ content: 'unknown command', flags: MessageFlags.Ephemeral });
      }
    } catch (e) {
      errors.set(interaction.id, e);
    }
  }

  beforeAll(async () => {
    fake = await startFakeDiscord({ token: TOKEN, now: () => Date.now() + clockOffset, initialResponseDeadlineMs: DEADLINE_MS });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    client.on(Events.InteractionCreate, (i) => void onInteraction(i));
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(TOKEN);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.close();
  });

  it('connects: gateway/bot, IDENTIFY, READY and GUILD_CREATE', () => {
    expect(fake.identifyCount).toBe(1);
    expect(fake.requests.some((r) => r.route === '/gateway/bot' && r.status === 200)).toBe(true);
    expect(client.user?.id).toBe(fake.botUser.id);
    const guild = client.guilds.cache.get(fake.guilds[0]!.id);
    expect(guild?.channels.cache.size).toBe(3);
    expect(fake.unknownRoutes).toEqual([]);
  });

  it('rejects a bad token on REST with 401', async () => {
    const res = await fetch(`${fake.apiUrl}/v10/users/@me`, { headers: { Authorization: 'Bot nope' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: '401: Unauthorized', code: 0 });
  });

  it('registers commands via bulk overwrite, validated against the spec', async () => {
    const cmds = [
      new SlashCommandBuilder()
        .setName('ping')
        .setDescription('Ping')
        .addStringOption((o) => o.setName('echo').setDescription('Echo text').setAutocomplete(true)),
      new SlashCommandBuilder().setName('defer').setDescription('Deferred').setDefaultMemberPermissions('8'),
    ];
    await client.application!.commands.set(cmds.map((c) => c.toJSON()));
    expect(fake.registeredCommands.global.map((c) => c.name)).toEqual(['ping', 'defer']);
    expect(fake.schemaViolations).toEqual([]);

    const bad = client.application!.commands.set([{ name: 'bad', description: 'x'.repeat(101) }]);
    await expect(bad).rejects.toMatchObject({ code: 50035, status: 400 });
    expect(fake.schemaViolations.at(-1)?.errors[0]).toMatchObject({ path: '0.description', code: 'BASE_TYPE_MAX_LENGTH' });
    expect(fake.registeredCommands.global.map((c) => c.name)).toEqual(['ping', 'defer']);
  });

  it('validates default_member_permissions on registration and offers such a command only to members who have them', async () => {
    // Not a number: the spec's integer type refuses it and nothing changes.
    const rest = client.rest;
    await expect(
      rest.put(Routes.applicationCommands(fake.applicationId), { body: [{ name: 'admin', description: 'Admins only', default_member_permissions: 'manage-server' }] }),
    ).rejects.toMatchObject({ code: 50035, status: 400 });
    expect(fake.schemaViolations.at(-1)?.errors.map((e) => e.path)).toContain('0.default_member_permissions');
    await client.application!.commands.set([
      ...fake.registeredCommands.global.map((c) => ({ name: c.name, description: c.description, options: c.options as never, defaultMemberPermissions: c.default_member_permissions === null ? null : BigInt(c.default_member_permissions) })),
      new SlashCommandBuilder().setName('admin').setDescription('Admins only').setDefaultMemberPermissions('32').toJSON(),
    ]);
    expect(fake.registeredCommands.global.find((c) => c.name === 'admin')?.default_member_permissions).toBe('32');

    // Alice has @everyone's permissions (no Manage Server); Carol owns the server.
    expect(() => fake.sendCommand({ name: 'admin', user: 'alice' })).toThrow(/needs permissions 32/);
    expect(() => fake.sendCommand({ name: 'admin', user: 'alice', memberPermissions: String(1n << 5n) })).not.toThrow();
    expect(() => fake.sendCommand({ name: 'admin', user: 'carol' })).not.toThrow();
    // A server admin may allow it to anyone: the payload then carries the member's real permissions.
    const overridden = fake.sendCommand({ name: 'admin', user: 'alice', allowedByServerOverride: true });
    expect(BigInt((overridden.payload.member as { permissions: string }).permissions) & (1n << 5n)).toBe(0n);
  });

  it('answers a chat-input command with an ephemeral reply', async () => {
    const h = fake.sendCommand({ name: 'ping', options: [{ name: 'echo', value: 'hi' }], user: 'bob' });
    const res = await h.waitForInitialResponse();
    expect(res.type).toBe(4);
    expect(res.data).toMatchObject({ content: 'Pong hi', flags: MessageFlags.Ephemeral });
    expect(h.currentMessage()).toMatchObject({ content: 'Pong hi', flags: MessageFlags.Ephemeral, author: { id: fake.botUser.id } });
    expect(h.payload.member).toMatchObject({ user: { id: fakeUsers.bob.id } });
  });

  it('supports deferReply + editReply (with %40original)', async () => {
    const h = fake.sendCommand({ name: 'defer', dm: true });
    expect((await h.waitForInitialResponse()).type).toBe(5);
    const edit = await h.waitForEdit();
    expect(edit.message).toMatchObject({ content: 'Done after defer', embeds: [{ title: 'Result', description: 'ok' }] });
    expect(h.currentMessage()?.flags).toBe(0);
    expect(h.webhookRequests[0]?.path).toMatch(/\/messages\/@original$/);
  });

  it('answers autocomplete and rejects 26 choices', async () => {
    const ok = fake.sendAutocomplete({ name: 'ping', options: [], focused: 'echo', focusedValue: 'naru' });
    expect(await ok.waitForInitialResponse()).toMatchObject({ type: 8, data: { choices: [{ name: 'You typed naru', value: 'naru' }] } });

    const bad = fake.sendAutocomplete({ name: 'ping', options: [{ name: 'echo', value: 'too-many' }], focused: 'echo' });
    await expect.poll(() => errors.get(bad.id)).toBeInstanceOf(DiscordAPIError);
    expect(errors.get(bad.id)).toMatchObject({ code: 50035 });
    expect(bad.initialResponse).toBeUndefined();
    expect(fake.schemaViolations.at(-1)?.errors).toContainEqual(expect.objectContaining({ path: 'data.choices', code: 'BASE_TYPE_MAX_LENGTH' }));
  });

  it('handles a button with update()', async () => {
    const menu = fake.sendCommand({ name: 'menu' });
    await menu.waitForInitialResponse();
    const click = fake.sendButton({ customId: 'pick:1', from: menu, user: 'carol' });
    expect(await click.waitForInitialResponse()).toMatchObject({ type: 7, data: { content: 'Clicked pick:1', components: [] } });
    expect(menu.currentMessage()).toMatchObject({ content: 'Clicked pick:1', components: [] });
    expect(() => fake.sendButton({ customId: 'nope', from: menu })).toThrow(/no component/);
  });

  it('rejects an initial response after the deadline with 10062', async () => {
    const h = fake.sendCommand({ name: 'slow' });
    await expect.poll(() => errors.get(h.id), { timeout: DEADLINE_MS + 3000 }).toBeInstanceOf(DiscordAPIError);
    expect(errors.get(h.id)).toMatchObject({ code: 10062, status: 404 });
    expect(h.initialResponse).toBeUndefined();
  });

  it('waitForAcknowledgement: the response when acknowledged, undefined once the deadline passed without one', async () => {
    const answered = fake.sendCommand({ name: 'ping' });
    expect(await answered.waitForAcknowledgement()).toMatchObject({ type: 4, data: { content: 'Pong' } });
    const late = fake.sendCommand({ name: 'slow' });
    expect(await late.waitForAcknowledgement()).toBeUndefined();
    // The late reply still arrives, and Discord's record of it is a refusal.
    await expect.poll(() => late.callbacks.length, { timeout: 3000 }).toBe(1);
    expect(late.callbacks[0]).toMatchObject({ status: 404, error: { code: 10062 } });
    expect(late.initialResponse).toBeUndefined();
  });

  it('rejects a second acknowledgement with 40060', async () => {
    const h = fake.sendCommand({ name: 'double' });
    await expect.poll(() => errors.get(h.id)).toBeInstanceOf(DiscordAPIError);
    expect(errors.get(h.id)).toMatchObject({ code: 40060, status: 400 });
    expect(h.currentMessage()?.content).toBe('first');
  });

  it('rejects webhook edits after 15 minutes with 50027', async () => {
    const h = fake.sendCommand({ name: 'late' });
    await h.waitForInitialResponse();
    await expect.poll(() => gates.has('late')).toBe(true);
    clockOffset += 15 * 60 * 1000 + 1;
    try {
      gates.get('late')!();
      await expect.poll(() => errors.get(h.id)).toBeInstanceOf(DiscordAPIError);
      expect(errors.get(h.id)).toMatchObject({ code: 50027, status: 401 });
    } finally {
      clockOffset = 0;
    }
  });

  it('rejects an over-long embed description (schema violation)', async () => {
    const before = fake.schemaViolations.length;
    const h = fake.sendCommand({ name: 'huge' });
    await expect.poll(() => errors.get(h.id)).toBeInstanceOf(DiscordAPIError);
    expect(errors.get(h.id)).toMatchObject({ code: 50035 });
    expect(fake.schemaViolations.length).toBe(before + 1);
    expect(fake.schemaViolations.at(-1)?.errors).toContainEqual(expect.objectContaining({ path: 'data.embeds.0.description' }));
  });

  it('resumes after a resumable close (4000) and replays missed interactions', async () => {
    fake.closeGateway(4000);
    // Dispatched while the bot is disconnected: must be replayed on RESUME.
    const h = fake.sendCommand({ name: 'ping', options: [{ name: 'echo', value: 'after-resume' }] });
    await fake.waitForResume(1);
    expect((await h.waitForInitialResponse()).data).toMatchObject({ content: 'Pong after-resume' });
    expect(fake.identifyCount).toBe(1);
    const again = fake.sendCommand({ name: 'ping' });
    expect((await again.waitForInitialResponse()).data).toMatchObject({ content: 'Pong' });
  });

  it('sends DMs and simulates closed DMs', async () => {
    const user = await client.users.fetch(fakeUsers.dave.id);
    await user.send('hello dave');
    expect(fake.channelMessages.at(-1)).toMatchObject({ recipientId: fakeUsers.dave.id, message: { content: 'hello dave' } });
    fake.setDmsClosed(fakeUsers.dave.id);
    await expect(user.send('again')).rejects.toMatchObject({ code: 50007, status: 403 });
  });

  it('answers member lookups: 10007 Unknown Member for a member who left or never joined', async () => {
    const guildId = fake.guilds[0]!.id;
    const member = (await client.rest.get(Routes.guildMember(guildId, fakeUsers.bob.id))) as { user: { id: string } };
    expect(member.user.id).toBe(fakeUsers.bob.id);
    fake.removeMember(guildId, fakeUsers.bob.id);
    expect(fake.isMember(guildId, fakeUsers.bob.id)).toBe(false);
    await expect(client.rest.get(Routes.guildMember(guildId, fakeUsers.bob.id))).rejects.toMatchObject({ code: 10007, status: 404 });
    await expect(client.rest.get(Routes.guildMember(guildId, '123456789012345678'))).rejects.toMatchObject({ code: 10007, status: 404 });
    // Interacting in the guild makes a user a member again (Discord only delivers interactions of members).
    await fake.sendCommand({ name: 'ping', user: 'bob' }).waitForInitialResponse();
    expect(fake.isMember(guildId, fakeUsers.bob.id)).toBe(true);
  });

  it('delivers a user context-menu command with its target resolved', async () => {
    const violationsBefore = fake.schemaViolations.length;
    await client.application!.commands.create({ type: 2, name: 'Inspect member' });
    expect(fake.schemaViolations.length).toBe(violationsBefore);
    const h = fake.sendUserCommand({ name: 'Inspect member', user: 'alice', target: 'carol' });
    expect(h.payload.data).toMatchObject({ name: 'Inspect member', type: 2, target_id: fakeUsers.carol.id, resolved: { users: { [fakeUsers.carol.id]: { id: fakeUsers.carol.id } } } });
    expect((await h.waitForInitialResponse()).data).toMatchObject({ content: 'Target carol.k; member in payload: true' });
  });

  it('records unknown routes', async () => {
    await expect(client.rest.get('/guilds/1/audit-logs')).rejects.toMatchObject({ status: 404 });
    expect(fake.unknownRoutes.at(-1)).toMatchObject({ method: 'GET', path: '/guilds/1/audit-logs', status: 404 });
    fake.clearRecords();
  });

  it('leaves no open handles after destroy + close', async () => {
    await client.destroy();
    await fake.close();
    await expect.poll(() => tcpHandles()).toBeLessThanOrEqual(handlesBefore);
    expect(fake.openConnections).toBe(0);
  });
});

describe('fake Discord sharding', () => {
  it('routes GUILD_CREATE and interactions to the shard (guild_id >> 22) % count', async () => {
    const fake = await startFakeDiscord({ token: TOKEN, shards: 2, maxConcurrency: 2, guilds: [{ name: 'A' }, { name: 'B' }], heartbeatIntervalMs: 1000 });
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl }, shards: 'auto' });
    client.on(Events.InteractionCreate, (i) => {
      if (i.isChatInputCommand()) void i.reply(`shard ${i.guild?.shardId ?? -1}`).catch(() => undefined);
    });
    try {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(TOKEN);
      await ready;
      expect(fake.identifyCount).toBe(2);
      expect(fake.sessions().map((s) => s.shard).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      for (const g of fake.guilds) {
        const expected = shardForGuild(g.id, 2);
        expect(client.guilds.cache.get(g.id)?.shardId).toBe(expected);
        const h = fake.sendCommand({ name: 'where', guildId: g.id });
        expect((await h.waitForInitialResponse()).data).toMatchObject({ content: `shard ${expected}` });
      }
      // Heartbeats flow (interval 1s): the socket stays open past several intervals.
      await new Promise((r) => setTimeout(r, 2500));
      expect(fake.gatewayCloses).toEqual([]);
      expect(fake.gatewayReceived.filter((p) => (p.payload as { op: number }).op === 1).length).toBeGreaterThanOrEqual(2);
    } finally {
      await client.destroy();
      await fake.close();
    }
  });

  it('closes with 4004 on a bad IDENTIFY token', async () => {
    const fake = await startFakeDiscord({ token: TOKEN });
    try {
      const { WebSocket } = await import('ws');
      const ws = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
      const code = await new Promise<number>((resolve) => {
        ws.on('message', (raw: Buffer) => {
          const p = JSON.parse(raw.toString()) as { op: number };
          if (p.op === 10) ws.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 1, properties: { os: 'linux', browser: 'x', device: 'x' } } }));
        });
        ws.on('close', (c) => resolve(c));
      });
      expect(code).toBe(4004);
    } finally {
      await fake.close();
    }
  });
});
