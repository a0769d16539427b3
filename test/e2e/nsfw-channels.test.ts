/**
 * The real bot process with no gateway intent: adult titles still show only in NSFW channels and in threads of NSFW
 * channels, from what each interaction's payload says (and one REST lookup per thread parent), with the fake Discord
 * sending no GUILD_CREATE at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import type { DiscordMessage, SendCommandOptions } from '../../fakes/discord/index.js';
import { killAllBots } from './support/bot-process.js';
import { expectCleanDiscordTraffic, expectNoSecretsInOutput, linkOverHttp, startWorld, type World } from './support/world.js';

const ADULT_TITLE = 'Yoru no Himitsu';
let world: World;

beforeAll(async () => {
  world = await startWorld({
    discord: {
      guilds: [
        {
          channels: [
            { name: 'general' },
            { name: 'nsfw-lounge', nsfw: true },
            { name: 'after-dark', type: 11, parent: 'nsfw-lounge' },
            { name: 'spoilers', type: 11, parent: 'general' },
          ],
        },
      ],
    },
  });
  await linkOverHttp(world, 'bob', SEED_USERS.bob.id);
});

afterAll(async () => {
  await killAllBots();
  await world?.close();
});

function channelId(name: string): string {
  return world.discord.guilds[0]!.channels.find((c) => c.name === name)!.id;
}

/** `/list` of bob's list holding the adult title, in the given place; resolves with the edited answer. */
async function listIn(where: Omit<SendCommandOptions, 'name' | 'user'>): Promise<DiscordMessage> {
  const adult = world.anilist.store.findEntry(SEED_USERS.bob.id, SEED_MEDIA.adultAnimeA.id)!;
  const handle = world.discord.sendCommand({ name: 'list', user: 'bob', options: [{ name: 'status', value: adult.status }], ...where });
  await handle.waitForInitialResponse(5_000);
  return (await handle.waitForEdit(10_000)).message!;
}

const showsAdult = (message: DiscordMessage) => JSON.stringify(message).includes(ADULT_TITLE);

describe('adult titles with no gateway intent (real bot process)', () => {
  it('the bot identified with no intent, so the fake sent it no guild', () => {
    expect(world.discord.sessions().map((s) => s.intents)).toEqual([0]);
  });

  it('shows them in an NSFW channel and in its thread, and nowhere else', async () => {
    expect(showsAdult(await listIn({ channelId: channelId('nsfw-lounge') }))).toBe(true);
    expect(showsAdult(await listIn({ channelId: channelId('after-dark') }))).toBe(true);
    expect(showsAdult(await listIn({ channelId: channelId('general') }))).toBe(false);
    expect(showsAdult(await listIn({ channelId: channelId('spoilers') }))).toBe(false);
    expect(showsAdult(await listIn({ dm: true }))).toBe(false);
  });

  it('no schema violations, unknown routes or secrets along the way', () => {
    expect(world.bot.exit).toBeUndefined();
    expectCleanDiscordTraffic(world);
    expectNoSecretsInOutput(world);
  });
});
