/**
 * `/anime` against the real bot process: a member types, picks the suggestion, and sees the title with who in this
 * server has it (each score in its owner's format); the card's buttons act on the presser's own list.
 */
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers, type DiscordMessage, type InteractionHandle } from '../../fakes/discord/index.js';
import { killAllBots } from './support/bot-process.js';
import { expectCleanDiscordTraffic, expectNoSecretsInOutput, linkOverHttp, startWorld, type World } from './support/world.js';

const FRIEREN = SEED_MEDIA.frieren.id;
type Embed = { title?: string; description?: string };
type Button = { custom_id?: string; label?: string };

let world: World;

beforeAll(async () => {
  world = await startWorld();
  await linkOverHttp(world, 'alice', SEED_USERS.alice.id);
  await linkOverHttp(world, 'bob', SEED_USERS.bob.id);
  await linkOverHttp(world, 'carol', SEED_USERS.carol.id);
  // The bot knows a server's members from their interactions there: each uses it once after linking.
  for (const user of ['alice', 'bob', 'carol'] as const) await world.discord.sendCommand({ name: 'privacy', user }).waitForInitialResponse(5_000);
});

afterAll(async () => {
  await killAllBots();
  await world?.close();
});

async function card(handle: InteractionHandle): Promise<DiscordMessage> {
  const initial = await handle.waitForInitialResponse(5_000);
  expect(initial.latencyMs).toBeLessThan(3_000);
  expect(initial.type).toBe(5);
  return (await handle.waitForEdit(10_000)).message!;
}
const serverLines = (message: DiscordMessage) => ((message.embeds as Embed[]).find((e) => e.title === 'In this server')?.description ?? '').split('\n');
const buttons = (message: DiscordMessage) => message.components.flatMap((row) => (row as { components: Button[] }).components);
const graphqlCount = () => world.anilist.graphqlRequests().length;

describe('/anime against the real bot process', () => {
  it('“fri”, pick, and the card: the title and who in this server has it, in their own score formats, for 2 AniList requests', async () => {
    const before = graphqlCount();
    const keystroke = world.discord.sendAutocomplete({ name: 'anime', user: 'bob', focused: 'title', focusedValue: 'fri' });
    expect((await keystroke.waitForInitialResponse(5_000)).latencyMs).toBeLessThan(3_000);
    const picked = ((keystroke.choices() ?? []) as { name: string; value: string }[]).find((choice) => choice.name.startsWith('Sousou no Frieren'));
    expect(picked?.value).toBe(String(FRIEREN));

    const message = await card(world.discord.sendCommand({ name: 'anime', user: 'bob', options: [{ name: 'title', value: picked!.value }] }));
    expect(world.anilist.graphqlRequests().slice(before).map((r) => r.operationName)).toEqual(['SearchMedia', 'MediaCard']);
    expect((message.embeds[0] as Embed).title).toBe('Sousou no Frieren'); // bob reads romaji
    expect(serverLines(message).slice(0, 3)).toEqual([
      `<@${fakeUsers.carol.id}> · Watching · 12/28 · ★★★★☆`,
      `<@${fakeUsers.alice.id}> · Completed · 28/28 · 9.5/10`,
      `**<@${fakeUsers.bob.id}> (you) · Completed · 28/28**`,
    ]);

    // The next member's look-up of the same title is served from the cache.
    const again = graphqlCount();
    await card(world.discord.sendCommand({ name: 'anime', user: 'alice', options: [{ name: 'title', value: String(FRIEREN) }] }));
    expect(graphqlCount()).toBe(again);
  });

  it('+1 by the viewer updates the card in place; by someone else, acts on their own list and answers them privately', async () => {
    const handle = world.discord.sendCommand({ name: 'anime', user: 'carol', options: [{ name: 'title', value: String(FRIEREN) }] });
    const first = await card(handle);
    const plusOne = buttons(first).find((b) => b.label === '+1')!.custom_id!;

    const press = world.discord.sendButton({ customId: plusOne, from: handle, user: 'carol' });
    expect((await press.waitForInitialResponse(5_000)).latencyMs).toBeLessThan(3_000);
    const updated = (await press.waitForEdit(10_000)).message!;
    expect(serverLines(updated)).toContain(`**<@${fakeUsers.carol.id}> (you) · Watching · 13/28 · ★★★★☆**`);
    expect(world.anilist.store.findEntry(SEED_USERS.carol.id, FRIEREN)?.progress).toBe(13);

    const other = world.discord.sendButton({ customId: buttons(updated).find((b) => b.label === '+1')!.custom_id!, from: handle, user: 'alice' });
    const answer = await other.waitForFollowUp(10_000);
    expect(answer.flags & MessageFlags.Ephemeral).toBeTruthy();
    expect(answer.content).toContain('You are not watching');
    expect(world.anilist.store.findEntry(SEED_USERS.alice.id, FRIEREN)).toMatchObject({ status: 'COMPLETED', progress: 28 });
    expect(world.anilist.store.findEntry(SEED_USERS.carol.id, FRIEREN)?.progress).toBe(13);
  });

  it('no schema violations, unknown routes or secrets along the way', () => {
    expect(world.bot.exit).toBeUndefined();
    expectCleanDiscordTraffic(world);
    expectNoSecretsInOutput(world);
  });
});
