/**
 * A member who installed the app on their own account uses it in a server that never invited the bot: the payload
 * has no `guild` object and `authorizing_integration_owners` holds only the USER_INSTALL key. /list and /update work;
 * the bot records nothing about that server, shows no "In this server" (and says why), and hides adult titles.
 */
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers } from '../../fakes/discord/index.js';
import { CATALOGUES, inEnglish, msg } from '../../src/i18n/index.js';
import { RUN_LINK_FIRST } from '../../src/linking/index.js';
import { ADULT_REFUSED } from '../../commands/media/card.js';
import { linkMember, startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { useTempDir } from '../support/temp.js';
import { embedsOf } from '../support/messages.js';

const tempDir = useTempDir('anilink-user-install-');
/** A server the bot is not in, where alice uses her own install of the app. */
const ELSEWHERE = '1400000000000000001';
let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness({ dir: tempDir() });
  await linkMember(h, 'alice', SEED_USERS.alice.id);
  await linkMember(h, 'bob', SEED_USERS.bob.id);
});

afterAll(async () => {
  expect(h.discord.schemaViolations).toEqual([]);
  await h.close();
});


describe('a user install in a server without the bot', () => {
  it('the payload is one Discord sends for it, and the bot never counts the member as seen there', async () => {
    const handle = h.discord.sendCommand({ name: 'list', user: 'alice', foreignGuild: ELSEWHERE });
    expect(handle.payload.guild).toBeUndefined();
    expect(handle.payload.authorizing_integration_owners).toEqual({ '1': fakeUsers.alice.id });
    expect(handle.payload.guild_id).toBe(ELSEWHERE);
    await handle.waitForEdit();
    expect(h.app.membership.guildsOf(fakeUsers.alice.id)).not.toContain(ELSEWHERE);
  });

  it('/list shows the member’s list, and its buttons work there', async () => {
    const handle = h.discord.sendCommand({ name: 'list', user: 'bob', foreignGuild: ELSEWHERE, options: [{ name: 'status', value: 'ALL' }] });
    expect((await handle.waitForInitialResponse()).type).toBe(5);
    const message = (await handle.waitForEdit()).message!;
    expect(embedsOf(message)[0]!.title).toBe("BobFake's anime · all statuses");
    const next = (message.components as { components: { label: string; custom_id: string }[] }[]).flatMap((row) => row.components).find((b) => b.label === 'Next ▶')!;
    const press = h.discord.sendButton({ customId: next.custom_id, from: handle, user: 'bob' });
    expect(press.payload.authorizing_integration_owners).toEqual({ '1': fakeUsers.bob.id });
    expect(embedsOf((await press.waitForEdit()).message!)[0]!.title).toBe("BobFake's anime · all statuses");
  });

  it('/update changes the entry on AniList and answers in the channel', async () => {
    const handle = h.discord.sendCommand({
      name: 'update',
      user: 'alice',
      foreignGuild: ELSEWHERE,
      options: [{ name: 'media', value: String(SEED_MEDIA.apothecary.id) }, { name: 'progress', value: 11 }],
    });
    expect((await handle.waitForInitialResponse()).type).toBe(5);
    const message = (await handle.waitForEdit()).message!;
    expect(message.flags & MessageFlags.Ephemeral).toBe(0);
    expect(embedsOf(message)[0]!.fields!.find((field) => field.name === 'Progress')!.value).toBe('Ep 11/?');
    expect(h.anilistFake.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.apothecary.id)?.progress).toBe(11);
  });

  it('a card has no “In this server”, says why in one line, in the member’s language, and its buttons still work', async () => {
    const handle = h.discord.sendCommand({ name: 'anime', user: 'alice', foreignGuild: ELSEWHERE, locale: 'fr', options: [{ name: 'title', value: String(SEED_MEDIA.mushishi.id) }] });
    const card = (await handle.waitForEdit()).message!;
    expect(card.content).toBe(CATALOGUES.fr['card.notInServer']);
    expect(embedsOf(card)).toHaveLength(1);
    const plan = (card.components as { components: { label?: string; custom_id?: string }[] }[]).flatMap((row) => row.components).find((b) => b.label === 'Ajouter à Planning')!;
    const press = h.discord.sendButton({ customId: plan.custom_id!, from: handle, user: 'alice', locale: 'fr' });
    const redrawn = (await press.waitForEdit()).message!;
    expect(redrawn.content).toBe(CATALOGUES.fr['card.notInServer']);
    expect(embedsOf(redrawn)).toHaveLength(1);
    expect(h.anilistFake.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.mushishi.id)?.status).toBe('PLANNING');
  });

  it('hides adult titles even when the channel says it is NSFW: the bot cannot check a server it is not in', async () => {
    const handle = h.discord.sendCommand({
      name: 'anime',
      user: 'alice',
      foreignGuild: ELSEWHERE,
      channelNsfw: true,
      options: [{ name: 'title', value: String(SEED_MEDIA.adultAnimeA.id) }],
    });
    // Refused once AniList said the title is adult: the public placeholder goes, the refusal is private.
    expect((await handle.waitForInitialResponse()).type).toBe(5);
    const followUp = await handle.waitForFollowUp();
    expect(followUp).toMatchObject({ content: inEnglish(ADULT_REFUSED), flags: MessageFlags.Ephemeral });
    expect(handle.currentMessage()).toBeNull();
  });

  it('answers a member who has not linked privately, as anywhere', async () => {
    const handle = h.discord.sendCommand({ name: 'update', user: 'dave', foreignGuild: ELSEWHERE, options: [{ name: 'media', value: '1001' }, { name: 'progress', value: 1 }] });
    expect((await handle.waitForInitialResponse()).data).toMatchObject({ content: inEnglish(RUN_LINK_FIRST), flags: MessageFlags.Ephemeral });
  });

  it('/random picks there without “In this server”, says why, and its Reroll redraws the card the same way', async () => {
    const handle = h.discord.sendCommand({ name: 'random', user: 'bob', foreignGuild: ELSEWHERE, locale: 'de' });
    expect((await handle.waitForInitialResponse()).type).toBe(5);
    const card = (await handle.waitForEdit()).message!;
    const lines = card.content.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^🎲 Auswahl für <@${fakeUsers.bob.id}> aus der Anime-Planning-Liste: 1 von \\d+ Titeln$`));
    expect(lines.at(-1)).toBe(CATALOGUES.de['card.notInServer']);
    expect(embedsOf(card)).toHaveLength(1);
    const reroll = (card.components as { components: { label?: string; custom_id?: string }[] }[]).flatMap((row) => row.components).find((b) => b.label === 'Neu würfeln')!;
    const press = h.discord.sendButton({ customId: reroll.custom_id!, from: handle, user: 'bob', locale: 'de' });
    expect((await press.waitForInitialResponse()).type).toBe(7);
    const redrawn = handle.currentMessage()!;
    expect(redrawn.content.split('\n').at(-1)).toBe(CATALOGUES.de['card.notInServer']);
    expect(embedsOf(redrawn)).toHaveLength(1);
  });

  it('/compare and /notifications work in the bot’s DMs and in group DMs', async () => {
    const compare = h.discord.sendCommand({ name: 'compare', user: 'alice', dm: true, options: [{ name: 'user', value: fakeUsers.bob.id }] });
    expect(embedsOf((await compare.waitForEdit()).message!)[0]!.title).toBe('AliceFake × BobFake · anime taste');
    const notifications = h.discord.sendCommand({ name: 'notifications', user: 'bob', privateChannel: true, options: [{ name: 'enabled', value: false }] });
    expect((await notifications.waitForInitialResponse()).data).toMatchObject({ content: inEnglish(msg('notifications.notOn')), flags: MessageFlags.Ephemeral });
  });

  it('/list works in the bot’s DMs and in group DMs too', async () => {
    for (const where of [{ dm: true }, { privateChannel: true }] as const) {
      const message = (await h.discord.sendCommand({ name: 'list', user: 'alice', ...where }).waitForEdit()).message!;
      expect(embedsOf(message)[0]!.title).toBe("AliceFake's anime · Watching");
    }
  });
});
