import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { inEnglish } from '../../src/i18n/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatInputCommand } from '../../commands/command.js';
import { commands } from '../../commands/index.js';
import { UNEXPECTED_ERROR_MESSAGE, UserFacingError } from '../../src/user-facing-error.js';
import { STALE_COMPONENT_MESSAGE, UNKNOWN_COMMAND_MESSAGE } from '../../src/bot/dispatcher.js';
import { SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers } from '../../fakes/discord/index.js';
import { TestBrowser } from '../support/browser.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { walkLinkPages } from '../support/link-walk.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-bot-');
let harness: BotHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Test-only commands that fail in each way a real handler can. */
const failing: ChatInputCommand[] = [
  {
    definition: new SlashCommandBuilder().setName('explode').setDescription('throws an unexpected error').toJSON(),
    execute() {
      return Promise.reject(new Error('boom: internal detail /secret/path.ts:12'));
    },
  },
  {
    definition: new SlashCommandBuilder().setName('refuse').setDescription('throws a user-facing error after deferring').toJSON(),
    async execute({ interaction }) {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      throw new UserFacingError('You cannot do that here.');
    },
  },
  {
    definition: new SlashCommandBuilder().setName('publicfail').setDescription('fails after a public defer').toJSON(),
    async execute({ interaction }) {
      await interaction.deferReply();
      throw new Error('late failure');
    },
  },
  {
    definition: new SlashCommandBuilder().setName('gonefail').setDescription('fails after its public placeholder was deleted').toJSON(),
    async execute({ interaction }) {
      await interaction.deferReply();
      // Discord forgets the placeholder (a moderator deleted it): the error boundary's own delete then fails.
      await interaction.deleteReply();
      throw new Error('late failure');
    },
  },
];

async function linkViaDiscord(h: BotHarness, user: keyof typeof fakeUsers, anilistUserId: number) {
  const handle = h.discord.sendCommand({ name: 'link', user });
  const initial = await handle.waitForInitialResponse();
  const button = (initial.data as { components: { components: { url: string; label: string }[] }[] }).components[0]!.components[0]!;
  const browser = new TestBrowser();
  const page = await browser.get(button.url);
  // The member signs in with the Discord account that ran /link, then approves on AniList.
  const done = await walkLinkPages({ discord: h.discord, anilist: h.anilistFake }, browser, button.url, { discordUserId: fakeUsers[user].id, anilistUserId });
  expect(done.url).toBe(`${h.publicUrl}/oauth/done`);
  return { handle, initial, button, page };
}

describe('bot over the fake Discord gateway', () => {
  it('registers every command in the registry with a valid schema', async () => {
    harness = await startBotHarness({ dir: tempDir() });
    expect(harness.discord.registeredCommands.global.map((command) => command.name).sort()).toEqual(commands.map((c) => c.definition.name).sort());
    expect(harness.discord.schemaViolations).toEqual([]);
  });

  it('/link answers privately with a button, and the reply is edited once linked; /profile then shows the link', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    const { handle, initial, button, page } = await linkViaDiscord(h, 'alice', SEED_USERS.alice.id);
    expect(initial.latencyMs).toBeLessThan(3000);
    expect(initial.type).toBe(4);
    expect((initial.data as { flags: number }).flags & MessageFlags.Ephemeral).toBeTruthy();
    expect(button.label).toBe('Link AniList account');
    expect(button.url).toMatch(new RegExp(`^${h.publicUrl}/link/[A-Za-z0-9_-]{43}$`));
    expect(page.body).toContain(fakeUsers.alice.username);

    const edit = await handle.waitForEdit();
    expect(edit.message!.content).toContain('AliceFake');
    expect(edit.message!.components ?? []).toEqual([]);

    const profile = h.discord.sendCommand({ name: 'profile', user: 'alice' });
    await profile.waitForInitialResponse();
    const shown = await profile.waitForEdit();
    const embed = shown.message!.embeds[0]!;
    expect(embed.title).toBe('AliceFake');
    expect(JSON.stringify(embed.fields)).toContain('Anime');
    expect(JSON.stringify(embed.fields)).toContain('Expires');

    const again = h.discord.sendCommand({ name: 'link', user: 'alice' });
    expect(((await again.waitForInitialResponse()).data as { content: string }).content).toContain('You are linked to AniList user **AliceFake**');
    expect(h.discord.schemaViolations).toEqual([]);
    expect(h.discord.unknownRoutes).toEqual([]);
  });

  it('/profile for another member uses no token, and says when they are not linked', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    await linkViaDiscord(h, 'bob', SEED_USERS.bob.id);
    const before = h.anilistFake.graphqlRequests().length;
    const other = h.discord.sendCommand({ name: 'profile', user: 'alice', options: [{ name: 'user', value: fakeUsers.bob.id }] });
    await other.waitForInitialResponse();
    expect((await other.waitForEdit()).message!.embeds[0]!.title).toBe('BobFake');
    const profileRequests = h.anilistFake.graphqlRequests().slice(before);
    expect(profileRequests.length).toBeGreaterThan(0);
    expect(profileRequests.every((request) => request.headers.authorization === undefined)).toBe(true);

    const unlinked = h.discord.sendCommand({ name: 'profile', user: 'bob', options: [{ name: 'user', value: fakeUsers.carol.id }] });
    const answer = await unlinked.waitForInitialResponse();
    expect((answer.data as { content: string }).content).toContain('has not linked');
    expect((answer.data as { flags: number }).flags & MessageFlags.Ephemeral).toBeTruthy();
  });

  it('/profile of your own expired link sends no token and still shows the public card', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    await linkViaDiscord(h, 'alice', SEED_USERS.alice.id);
    const expiresAt = h.links.member(fakeUsers.alice.id)!.expiresAt.getTime();
    h.clock.advance(expiresAt - h.clock.nowMs() + 60_000);
    const before = h.anilistFake.graphqlRequests().length;
    const profile = h.discord.sendCommand({ name: 'profile', user: 'alice' });
    const card = (await profile.waitForEdit()).message!.embeds[0]!;
    expect(card.title).toBe('AliceFake');
    expect(JSON.stringify(card.fields)).toContain('Expired');
    const sent = h.anilistFake.graphqlRequests().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBeUndefined();
    expect(h.discord.schemaViolations).toEqual([]);
  });

  it('/profile of a private AniList profile says so, ephemerally', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    await linkViaDiscord(h, 'carol', SEED_USERS.erin.id);
    const handle = h.discord.sendCommand({ name: 'profile', user: 'alice', options: [{ name: 'user', value: fakeUsers.carol.id }] });
    const followUp = await handle.waitForFollowUp();
    expect(followUp.content).toContain('private');
    expect(followUp.flags & MessageFlags.Ephemeral).toBeTruthy();
  });

  it('/unlink removes the link; a revoked token is reported and remembered', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    await linkViaDiscord(h, 'alice', SEED_USERS.alice.id);
    h.anilistFake.revokeAllTokens(SEED_USERS.alice.id);
    const profile = h.discord.sendCommand({ name: 'profile', user: 'alice' });
    // AniList rejects the token: the public card is fetched again without it, and says to run /link.
    const card = (await profile.waitForEdit()).message!.embeds[0]!;
    expect(card.title).toBe('AliceFake');
    expect(JSON.stringify(card.fields)).toContain('AniList rejected the stored authorization. Run `/link`');
    expect(h.links.member(fakeUsers.alice.id)?.state).toBe('rejected');

    // Linking kept alice's role connection: /unlink empties it (a Discord request, so the reply is deferred) first.
    const unlink = h.discord.sendCommand({ name: 'unlink', user: 'alice' });
    expect(await unlink.waitForInitialResponse()).toMatchObject({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    const unlinked = (await unlink.waitForEdit()).message!.content;
    expect(unlinked).toContain('Unlinked from AniList user **AliceFake**');
    expect(unlinked).toContain('Your linked roles no longer show AniList stats');
    expect(h.discord.roleConnections.connection(fakeUsers.alice.id)).toEqual({ platform_name: null, platform_username: null, metadata: {} });
    expect(h.links.member(fakeUsers.alice.id)).toBeUndefined();
    const again = h.discord.sendCommand({ name: 'unlink', user: 'alice' });
    expect(((await again.waitForInitialResponse()).data as { content: string }).content).toContain('nothing to unlink');
  });

  it('the error boundary answers every failure ephemerally without internals, and keeps running', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir(), commands: [...commands, ...failing] }));

    const explode = h.discord.sendCommand({ name: 'explode', user: 'alice' });
    const explodeAnswer = await explode.waitForInitialResponse();
    expect(explodeAnswer.data).toMatchObject({ content: inEnglish(UNEXPECTED_ERROR_MESSAGE), flags: MessageFlags.Ephemeral });

    const refuse = h.discord.sendCommand({ name: 'refuse', user: 'alice' });
    expect((await refuse.waitForEdit()).message!.content).toBe('You cannot do that here.');

    const publicFail = h.discord.sendCommand({ name: 'publicfail', user: 'alice' });
    const followUp = await publicFail.waitForFollowUp();
    expect(followUp.content).toBe(inEnglish(UNEXPECTED_ERROR_MESSAGE));
    expect(followUp.flags & MessageFlags.Ephemeral).toBeTruthy();
    expect(publicFail.currentMessage()).toBeNull();

    // A placeholder that is already gone cannot be deleted again: the member still gets the private apology,
    // and the failed delete is in the debug log rather than swallowed.
    const goneFail = h.discord.sendCommand({ name: 'gonefail', user: 'alice' });
    expect((await goneFail.waitForFollowUp()).content).toBe(inEnglish(UNEXPECTED_ERROR_MESSAGE));
    const failedDelete = h.logs
      .lines()
      .map((line) => JSON.parse(line) as { level: number; msg: string; command?: string; err?: { message?: string } })
      .find((line) => line.msg === 'could not delete the public placeholder before the private error');
    expect(failedDelete).toMatchObject({ level: 20, command: 'gonefail' });
    expect(failedDelete?.err?.message).toBeTruthy();

    const unknown = h.discord.sendCommand({ name: 'nonexistent', user: 'alice' });
    expect((await unknown.waitForInitialResponse()).data).toMatchObject({ content: inEnglish(UNKNOWN_COMMAND_MESSAGE) });

    const stale = h.discord.sendButton({ customId: 'ghost:page:2', user: 'alice', allowMissingComponent: true });
    expect((await stale.waitForInitialResponse()).data).toMatchObject({ content: inEnglish(STALE_COMPONENT_MESSAGE) });

    const logs = h.logs.lines().map((line) => JSON.parse(line) as { level: number; msg: string; command?: string; userId?: string });
    const failureLog = logs.find((line) => line.msg === 'interaction failed' && line.command === 'explode');
    expect(failureLog).toMatchObject({ level: 50, userId: fakeUsers.alice.id });

    // Still answering after all of that.
    const profile = h.discord.sendCommand({ name: 'profile', user: 'dave' });
    expect(((await profile.waitForInitialResponse()).data as { content: string }).content).toContain('/link');
  });

  it('garbled options never crash the dispatcher', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    const garbled = h.discord.sendCommand({
      name: 'profile',
      user: 'alice',
      rawOptions: [{ name: 'user', type: 6, value: 'not-a-snowflake' }],
    });
    const answer = await garbled.waitForInitialResponse();
    expect(answer.type).toBe(4);
    const profile = h.discord.sendCommand({ name: 'profile', user: 'alice' });
    expect((await profile.waitForInitialResponse()).type).toBe(4);
  });
});
