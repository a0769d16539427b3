import { MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import type { InteractionHandle } from '../../fakes/discord/index.js';
import { linkMember, startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-busy-');
let harness: BotHarness | undefined;

afterEach(async () => {
  expect(harness?.discord.schemaViolations ?? []).toEqual([]);
  await harness?.close();
  harness = undefined;
});

/** Every request the bot made to Discord about this interaction: its callbacks and its webhook calls. */
function discordCallsFor(handle: InteractionHandle): number {
  return handle.callbacks.length + handle.webhookRequests.length;
}

/** Waits until the bot's dispatcher logged the interaction as finished, so no late call can still come. */
async function finished(h: BotHarness, handle: InteractionHandle): Promise<void> {
  await expect
    .poll(() => h.logs.lines().some((line) => line.includes(handle.id) && /interaction (handled|refused|failed)/.test(line)), { timeout: 10_000 })
    .toBe(true);
}

describe('an "AniList is busy" refusal', () => {
  it('costs one Discord call, an ephemeral reply, for commands and buttons alike', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    // Alice's list with its +1 buttons, loaded while AniList still answers.
    const list = h.discord.sendCommand({ name: 'list', user: 'alice' });
    const page = (await list.waitForEdit()).message!;
    const plusOne = (page.components as { components: { custom_id?: string; label?: string }[] }[])
      .flatMap((row) => row.components)
      .find((component) => component.label?.endsWith('+1'))?.custom_id;
    expect(plusOne).toBeDefined();

    // AniList answers one request with 429: the budget is paused for 30 s, far past what a member may wait.
    h.anilistFake.inject({ kind: 'rateLimited', retryAfterS: 30 });
    const tripped = h.discord.sendCommand({ name: 'profile', user: 'bob', options: [{ name: 'user', value: 'carol' }] });
    await finished(h, tripped);
    const requests = h.anilistFake.stats().graphqlRequests;

    const refused = [
      h.discord.sendCommand({ name: 'list', user: 'bob', options: [{ name: 'type', value: 'MANGA' }] }),
      h.discord.sendCommand({ name: 'profile', user: 'bob' }),
      h.discord.sendCommand({ name: 'update', user: 'bob', options: [{ name: 'media', value: String(SEED_MEDIA.mushishi.id) }, { name: 'progress', value: 3 }] }),
      h.discord.sendButton({ customId: plusOne!, from: list, user: 'alice' }),
    ];
    for (const handle of refused) {
      await finished(h, handle);
      const initial = await handle.waitForInitialResponse();
      expect(initial.type).toBe(4);
      expect(initial.data).toMatchObject({ content: expect.stringMatching(/try again in (about )?\d+ seconds?/i) as unknown, flags: MessageFlags.Ephemeral });
      expect(discordCallsFor(handle)).toBe(1);
    }
    // The list message the button was on is untouched, and AniList heard nothing during the pause.
    expect(list.currentMessage()).toEqual(page);
    expect(h.anilistFake.stats().graphqlRequests).toBe(requests);
  });
});
