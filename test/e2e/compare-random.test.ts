/**
 * /compare and /random against the real bot process: two members see how alike their taste is, pick something from
 * both Planning lists, reroll, and each starts it on their own list. The fake AniList runs at AniList's 30 a minute.
 */
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILLER_MEDIA_FIRST_ID, SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers, type DiscordMessage, type InteractionHandle } from '../../fakes/discord/index.js';
import { killAllBots } from './support/bot-process.js';
import { expectCleanDiscordTraffic, expectNoSecretsInOutput, linkOverHttp, startWorld, type World } from './support/world.js';

type Embed = { title?: string; description?: string; fields?: { name: string; value: string }[] };
type Button = { custom_id?: string; label?: string };

let world: World;

beforeAll(async () => {
  world = await startWorld();
  await linkOverHttp(world, 'alice', SEED_USERS.gina.id);
  await linkOverHttp(world, 'bob', SEED_USERS.hank.id);
});

afterAll(async () => {
  await killAllBots();
  await world?.close();
});

async function answer(handle: InteractionHandle): Promise<DiscordMessage> {
  const initial = await handle.waitForInitialResponse(5_000);
  expect(initial.latencyMs).toBeLessThan(3_000);
  expect(initial.type).toBe(5);
  return (await handle.waitForEdit(10_000)).message!;
}
const buttons = (message: DiscordMessage) => message.components.flatMap((row) => (row as { components: Button[] }).components);
const button = (message: DiscordMessage, label: string) => buttons(message).find((b) => b.label === label)!.custom_id!;
const pickedId = (message: DiscordMessage) => Number(button(message, 'Start watching').split(':')[3]);
const graphql = () => world.anilist.graphqlRequests();

describe('/compare and /random against the real bot process', () => {
  let handle: InteractionHandle;

  it('compares, picks from both Planning lists and rerolls five times for 3 AniList requests', async () => {
    const before = graphql().length;
    const comparison = await answer(world.discord.sendCommand({ name: 'compare', user: 'alice', options: [{ name: 'user', value: fakeUsers.bob.id }] }));
    const embed = comparison.embeds[0] as Embed;
    expect(embed.title).toBe('GinaTaste × HankTaste · anime taste');
    expect(embed.description).toContain('Affinity **42%** over 12 titles both scored');
    expect(embed.fields?.find((f) => f.name === 'Mean score difference')?.value).toBe('15 points out of 100');

    handle = world.discord.sendCommand({ name: 'random', user: 'alice', options: [{ name: 'with', value: fakeUsers.bob.id }] });
    const card = await answer(handle);
    expect(card.content).toBe(`🎲 For <@${fakeUsers.alice.id}> and <@${fakeUsers.bob.id}>: 1 of 3 titles on both Planning lists`);
    const shown = [pickedId(card)];
    for (let i = 0; i < 5; i++) {
      const press = world.discord.sendButton({ customId: button(handle.currentMessage()!, 'Reroll'), user: i % 2 === 0 ? 'alice' : 'bob', from: handle });
      const response = await press.waitForInitialResponse(5_000);
      expect(response.latencyMs).toBeLessThan(3_000);
      expect(response.type).toBe(7);
      shown.push(pickedId(handle.currentMessage()!));
    }
    const requests = graphql().slice(before).map((r) => r.operationName);
    expect(requests).toEqual(['UserMediaList', 'UserMediaList', 'MediaCard']);
    expect(new Set(shown)).toEqual(new Set([SEED_MEDIA.onaSeries.id, FILLER_MEDIA_FIRST_ID + 4, SEED_MEDIA.apothecary.id]));
  });

  it('“Start watching” puts the title on each presser’s own list, told to them alone', async () => {
    const mediaId = pickedId(handle.currentMessage()!);
    for (const [user, anilistId] of [['alice', SEED_USERS.gina.id], ['bob', SEED_USERS.hank.id]] as const) {
      const press = world.discord.sendButton({ customId: button(handle.currentMessage()!, 'Start watching'), user, from: handle });
      expect((await press.waitForInitialResponse(5_000)).latencyMs).toBeLessThan(3_000);
      const told = await press.waitForFollowUp(10_000);
      expect(told.flags & MessageFlags.Ephemeral).toBeTruthy();
      expect(told.content).toMatch(/on your list: Watching, 0\//);
      expect(world.anilist.store.findEntry(anilistId, mediaId)?.status).toBe('CURRENT');
    }
  });

  it('no schema violations, unknown routes or secrets along the way', () => {
    expect(world.bot.exit).toBeUndefined();
    expectCleanDiscordTraffic(world);
    expectNoSecretsInOutput(world);
  });
});
