/**
 * `/list` and `/update` against the real bot process: pages and buttons over the wire, autocomplete, and changes
 * that land in the fake AniList's store.
 */
import { MessageFlags } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers, type DiscordMessage, type InteractionHandle } from '../../fakes/discord/index.js';
import { killAllBots } from './support/bot-process.js';
import { dataOf, expectCleanTrafficThisTest, linkOverHttp, startWorld, type World } from './support/world.js';

const RUN_LINK_FIRST = 'Your Discord account is not linked to AniList yet. Run `/link` to connect it.';
const NOT_YOUR_BUTTONS = 'These buttons belong to the member who ran this `/list`. Run `/list` yourself to browse.';

type Embed = { title?: string; description?: string; footer?: { text: string }; fields?: { name: string; value: string }[] };
type Button = { custom_id?: string; label?: string; disabled?: boolean };

const embedOf = (message: DiscordMessage | null | undefined) => (message?.embeds[0] ?? {}) as Embed;
const buttonsOf = (message: DiscordMessage | null | undefined) =>
  (message?.components ?? []).flatMap((row) => (row as { components: Button[] }).components);
function buttonId(message: DiscordMessage | null | undefined, label: string): string {
  const found = buttonsOf(message).find((b) => b.label === label);
  if (!found?.custom_id) throw new Error(`no button labelled ${label} among ${JSON.stringify(buttonsOf(message).map((b) => b.label))}`);
  return found.custom_id;
}

let world: World;

// Shared set-up only: bob and alice are linked once; each test then stands on its own (no test relies on what
// another one changed) and checks its own traffic.
beforeAll(async () => {
  world = await startWorld();
  await linkOverHttp(world, 'bob', SEED_USERS.bob.id);
  await linkOverHttp(world, 'alice', SEED_USERS.alice.id);
  world.discord.clearRecords();
});

afterEach(async () => {
  expect(world.bot.exit).toBeUndefined();
  await expectCleanTrafficThisTest(world);
});

afterAll(async () => {
  await killAllBots();
  await world?.close();
});

/** Acknowledged in time (Discord's verdict as the fake records it), then the answer. */
async function acknowledged(handle: InteractionHandle) {
  const initial = await handle.waitForAcknowledgement();
  expect(initial, `interaction ${handle.id} not acknowledged in time: ${JSON.stringify(handle.callbacks)}`).toBeDefined();
  return initial!;
}

async function deferredThenEdited(handle: InteractionHandle): Promise<DiscordMessage> {
  expect((await acknowledged(handle)).type).toBe(5);
  return (await handle.waitForEdit(10_000)).message!;
}

describe('/list and /update against the real bot process', () => {
  it('/list pages through a long list with Next and Previous; only the caller may press them', async () => {
    const handle = world.discord.sendCommand({ name: 'list', user: 'bob', channelNsfw: true, options: [{ name: 'status', value: 'ALL' }] });
    const first = await deferredThenEdited(handle);
    const animeCount = world.anilist.store.entriesOf(SEED_USERS.bob.id, 'ANIME').length;
    const pages = Math.ceil(animeCount / 10);
    expect(pages).toBeGreaterThan(2);
    expect(embedOf(first).footer!.text).toContain(`Page 1/${pages}`);
    expect(buttonsOf(first).find((b) => b.label === '◀ Previous')?.disabled).toBe(true);

    const next = world.discord.sendButton({ customId: buttonId(first, 'Next ▶'), from: handle, user: 'bob', channelNsfw: true });
    expect((await acknowledged(next)).type).toBe(6);
    const second = (await next.waitForEdit(10_000)).message!;
    expect(embedOf(second).footer!.text).toContain(`Page 2/${pages}`);
    expect(embedOf(second).description).not.toBe(embedOf(first).description);

    const intruder = world.discord.sendButton({ customId: buttonId(second, '◀ Previous'), from: handle, user: 'alice', channelNsfw: true });
    const refusal = await acknowledged(intruder);
    expect(dataOf(refusal)).toMatchObject({ content: NOT_YOUR_BUTTONS, flags: MessageFlags.Ephemeral });
    expect(embedOf(handle.currentMessage()).footer!.text).toContain(`Page 2/${pages}`);

    const previous = world.discord.sendButton({ customId: buttonId(second, '◀ Previous'), from: handle, user: 'bob', channelNsfw: true });
    const back = (await previous.waitForEdit(10_000)).message!;
    expect(embedOf(back).description).toBe(embedOf(first).description);
  });

  it('/update: autocomplete suggests the title, then progress and score, and status, land in AniList', async () => {
    const suggest = world.discord.sendAutocomplete({ name: 'update', user: 'alice', focused: 'media', focusedValue: 'apothecary' });
    expect((await acknowledged(suggest)).type).toBe(8);
    const choices = (suggest.choices() ?? []) as { name: string; value: string }[];
    const picked = choices.find((choice) => choice.name.startsWith('The Apothecary Diaries'));
    expect(picked, JSON.stringify(choices)).toBeDefined();
    expect(picked!.value).toBe(String(SEED_MEDIA.apothecary.id));

    const update = world.discord.sendCommand({
      name: 'update',
      user: 'alice',
      options: [{ name: 'media', value: picked!.value }, { name: 'progress', value: 12 }, { name: 'score', value: 9.5 }],
    });
    const reply = await deferredThenEdited(update);
    expect(world.anilist.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.apothecary.id)).toMatchObject({ progress: 12, scoreRaw: 95, status: 'CURRENT' });
    expect(embedOf(reply).title).toBe('The Apothecary Diaries');
    expect(Object.fromEntries(embedOf(reply).fields!.map((f) => [f.name, f.value]))).toEqual({ Status: 'Watching', Progress: 'Ep 12/?', Score: '9.5/10' });

    const status = world.discord.sendCommand({
      name: 'update',
      user: 'alice',
      options: [{ name: 'media', value: String(SEED_MEDIA.hoshizora.id) }, { name: 'status', value: 'CURRENT' }],
    });
    await deferredThenEdited(status);
    expect(world.anilist.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.hoshizora.id)?.status).toBe('CURRENT');
  });

  it('/list +1 on the own watching list increments progress in AniList', async () => {
    // The seed has The Apothecary Diaries on alice's watching list; whatever its progress is now is the baseline.
    const entry = world.anilist.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.apothecary.id)!;
    expect(entry.status).toBe('CURRENT');
    const before = entry.progress;
    const handle = world.discord.sendCommand({ name: 'list', user: 'alice' });
    const message = await deferredThenEdited(handle);
    const plusOne = buttonsOf(message).find((b) => b.custom_id?.includes(`:${SEED_MEDIA.apothecary.id}:`));
    expect(plusOne?.label, JSON.stringify(buttonsOf(message))).toMatch(/\+1$/);

    const press = world.discord.sendButton({ customId: plusOne!.custom_id!, from: handle, user: 'alice' });
    await acknowledged(press);
    const updated = (await press.waitForEdit(10_000)).message!;
    expect(world.anilist.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.apothecary.id)!.progress).toBe(before + 1);
    expect(updated.content).toContain(`Ep ${before + 1}/?`);
  });

  it('/unlink, then /list says to link first', async () => {
    // A member of its own, so no other test loses its link.
    await linkOverHttp(world, 'carol', SEED_USERS.carol.id);
    // Linking wrote carol's role connection: /unlink empties it with her Discord token first (a deferred answer).
    const unlink = world.discord.sendCommand({ name: 'unlink', user: 'carol' });
    const unlinked = await deferredThenEdited(unlink);
    expect(unlinked.content).toContain('Unlinked from AniList user **CarolFake**');
    expect(unlinked.content).toContain('Your linked roles no longer show AniList stats');
    expect(world.discord.roleConnections.connection(fakeUsers.carol.id)?.metadata).toEqual({});
    const list = world.discord.sendCommand({ name: 'list', user: 'carol' });
    const answer = await acknowledged(list);
    expect(dataOf(answer).content).toBe(RUN_LINK_FIRST);
    expect(dataOf(answer).flags! & MessageFlags.Ephemeral).toBeTruthy();
  });
});
