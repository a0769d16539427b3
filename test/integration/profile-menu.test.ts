/**
 * `/profile name:` (any public AniList profile), the "AniList profile" member menu, and the dispatcher routing
 * slash commands and member menus by name and type.
 */
import { ApplicationCommandType, MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatInputCommand, UserCommand } from '../../commands/command.js';
import { commands } from '../../commands/index.js';
import { USER_AND_NAME } from '../../commands/profile.js';
import { SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers, type InteractionHandle } from '../../fakes/discord/index.js';
import { inEnglish } from '../../src/i18n/index.js';
import { linkMember, startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-profile-');
let harness: BotHarness | undefined;

afterEach(async () => {
  expect(harness?.discord.schemaViolations ?? []).toEqual([]);
  await harness?.close();
  harness = undefined;
});

type Embed = { title?: string; url?: string; description?: string; fields?: { name: string; value: string }[] };

async function privateAnswer(handle: InteractionHandle): Promise<string> {
  const initial = await handle.waitForInitialResponse();
  if (initial.type === 4) {
    expect((initial.data as { flags?: number }).flags! & MessageFlags.Ephemeral).toBeTruthy();
    return (initial.data as { content: string }).content;
  }
  const followUp = await handle.waitForFollowUp();
  expect(followUp.flags & MessageFlags.Ephemeral).toBeTruthy();
  return followUp.content;
}

describe('/profile name:', () => {
  it('shows any public AniList profile by name or profile link, without a token, linked or not', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    for (const name of ['CarolFake', 'carolfake', 'https://anilist.co/user/CarolFake/', '@CarolFake']) {
      const before = h.anilistFake.graphqlRequests().length;
      const handle = h.discord.sendCommand({ name: 'profile', user: 'alice', options: [{ name: 'name', value: name }] });
      expect((await handle.waitForInitialResponse()).type).toBe(5);
      const embed = (await handle.waitForEdit()).message!.embeds[0] as Embed;
      expect(embed.title).toBe('CarolFake');
      expect(embed.url).toBe('https://anilist.co/user/CarolFake');
      // Whether this AniList account belongs to someone here is not said, and alice's own authorization is not shown.
      expect(embed.description).toBeUndefined();
      expect(JSON.stringify(embed.fields)).not.toContain('Authorization');
      const sent = h.anilistFake.graphqlRequests().slice(before);
      expect(sent.map((r) => [r.operationName, r.headers.authorization])).toEqual([['UserProfile', undefined]]);
    }
  });

  it('answers privately for a private or unknown profile, a malformed name, and `user` with `name`', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    const profile = (options: { name: string; value: string }[]) => h.discord.sendCommand({ name: 'profile', user: 'dave', options });
    expect(await privateAnswer(profile([{ name: 'name', value: 'ErinPrivate' }]))).toBe(
      'AniList has no public profile named **ErinPrivate** (the name is wrong, or the profile is private).',
    );
    expect(await privateAnswer(profile([{ name: 'name', value: 'NobodyHere' }]))).toContain('no public profile named **NobodyHere**');

    const before = h.anilistFake.graphqlRequests().length;
    expect(await privateAnswer(profile([{ name: 'name', value: 'not a name!' }]))).toContain('An AniList user name is 2 to 50 letters or digits');
    expect(await privateAnswer(profile([{ name: 'user', value: fakeUsers.bob.id }, { name: 'name', value: 'CarolFake' }]))).toBe(inEnglish(USER_AND_NAME));
    expect(h.anilistFake.graphqlRequests().length).toBe(before);
  });
});

describe('the “AniList profile” member menu', () => {
  it('is registered as a user command and shows the member’s /profile card', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    expect(h.discord.registeredCommands.global.find((c) => c.name === 'AniList profile')).toMatchObject({ type: 2, description: '' });
    await linkMember(h, 'bob', SEED_USERS.bob.id);

    const before = h.anilistFake.graphqlRequests().length;
    const menu = h.discord.sendUserCommand({ name: 'AniList profile', user: 'alice', target: 'bob' });
    expect((await menu.waitForInitialResponse()).type).toBe(5);
    const embed = (await menu.waitForEdit()).message!.embeds[0] as Embed;
    expect(embed).toMatchObject({ title: 'BobFake', description: `AniList profile of <@${fakeUsers.bob.id}>` });
    // Someone else's profile: never with their token.
    expect(h.anilistFake.graphqlRequests().slice(before).every((r) => r.headers.authorization === undefined)).toBe(true);

    const own = h.discord.sendUserCommand({ name: 'AniList profile', user: 'bob', target: 'bob' });
    await own.waitForInitialResponse();
    expect(JSON.stringify(((await own.waitForEdit()).message!.embeds[0] as Embed).fields)).toContain('Authorization');

    const unlinked = h.discord.sendUserCommand({ name: 'AniList profile', user: 'bob', target: 'dave' });
    expect(await privateAnswer(unlinked)).toBe('dave99 has not linked an AniList account.');
  });

  it('routes by name and type: a slash command and a member menu may share a name', async () => {
    const seen: string[] = [];
    const slash = {
      definition: { type: ApplicationCommandType.ChatInput, name: 'twin', description: 'the slash one' },
      async execute({ interaction }) {
        seen.push(`slash by ${interaction.user.id}`);
        await interaction.reply({ content: 'slash', flags: MessageFlags.Ephemeral });
      },
    } satisfies ChatInputCommand;
    const menu = {
      definition: { type: ApplicationCommandType.User, name: 'twin' },
      async execute({ interaction }) {
        seen.push(`menu on ${interaction.targetUser.id}`);
        await interaction.reply({ content: 'menu', flags: MessageFlags.Ephemeral });
      },
    } satisfies UserCommand;
    const h = (harness = await startBotHarness({ dir: tempDir(), commands: [...commands, slash, menu] }));
    expect(h.discord.registeredCommands.global.filter((c) => c.name === 'twin').map((c) => c.type).sort()).toEqual([1, 2]);
    expect(await privateAnswer(h.discord.sendCommand({ name: 'twin', user: 'alice' }))).toBe('slash');
    expect(await privateAnswer(h.discord.sendUserCommand({ name: 'twin', user: 'alice', target: 'carol' }))).toBe('menu');
    expect(seen).toEqual([`slash by ${fakeUsers.alice.id}`, `menu on ${fakeUsers.carol.id}`]);
  });
});
