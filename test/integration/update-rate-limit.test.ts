import { afterEach, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import type { InteractionHandle } from '../../fakes/discord/index.js';
import { linkMember, startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-ratelimit-');
let harness: BotHarness | undefined;

afterEach(async () => {
  expect(harness?.discord.schemaViolations ?? []).toEqual([]);
  await harness?.close();
  harness = undefined;
});

const BUSY = /try again in (about )?\d+ seconds?/i;

interface Outcome {
  handle: InteractionHandle;
  kind: 'answer' | 'message';
  text: string;
  /** The /list embed's title, for answers that have one. */
  title: string | undefined;
}

/**
 * How the member's interaction ended: an edited answer, or a private message instead. Before that, Discord's rule
 * as the fake applies it: acknowledged within the deadline (the fake refuses a late one with 10062 and records it),
 * exactly once.
 */
async function outcomeOf(handle: InteractionHandle): Promise<Outcome> {
  const initial = await handle.waitForAcknowledgement();
  expect(initial, `interaction ${handle.id} was never acknowledged in time: ${JSON.stringify(handle.callbacks)}`).toBeDefined();
  expect(handle.callbacks, 'exactly one acknowledgement, accepted').toHaveLength(1);
  expect(handle.callbacks[0]!.status).toBeLessThan(300);
  if (initial!.type === 4) return { handle, kind: 'message', text: String((initial!.data as { content?: string }).content), title: undefined };
  const edit = handle.waitForEdit(15_000).then((e) => ({
    handle,
    kind: 'answer' as const,
    text: JSON.stringify(e.message),
    title: (e.message?.embeds[0] as { title?: string } | undefined)?.title,
  }));
  const followUp = handle.waitForFollowUp(15_000).then((m) => ({ handle, kind: 'message' as const, text: m.content, title: undefined }));
  edit.catch(() => undefined);
  followUp.catch(() => undefined);
  return Promise.any([edit, followUp]);
}

/** Nothing the bot sent Discord was refused as late (10062) or as a second acknowledgement (40060). */
function expectNoRefusedAcknowledgements(h: BotHarness): void {
  const refused = h.discord.requests.filter((r) => r.route?.startsWith('/interactions/') && r.status >= 400);
  expect(refused.map((r) => `${r.status} ${JSON.stringify(r.response)}`)).toEqual([]);
}

describe('AniList rate limiting as members see it', () => {
  it('after a 429 no request is sent during Retry-After, and members are told when to retry', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    h.anilistFake.inject({ kind: 'rateLimited', retryAfterS: 30 });

    const first = await outcomeOf(h.discord.sendCommand({ name: 'list', user: 'alice' }));
    expect(first).toMatchObject({ kind: 'message' });
    // Retry-After 30 s, rounded up against X-RateLimit-Reset, so 30 or 31.
    expect(first.text).toMatch(/slow down.*try again in about 3[01] seconds/);

    const requests = h.anilistFake.stats().graphqlRequests;
    const others = await Promise.all([
      outcomeOf(h.discord.sendCommand({ name: 'list', user: 'bob', options: [{ name: 'type', value: 'MANGA' }] })),
      outcomeOf(h.discord.sendCommand({ name: 'update', user: 'bob', options: [{ name: 'media', value: String(SEED_MEDIA.mushishi.id) }, { name: 'progress', value: 3 }] })),
    ]);
    for (const other of others) {
      expect(other.kind).toBe('message');
      expect(other.text).toMatch(BUSY);
    }
    expectNoRefusedAcknowledgements(h);
    expect(h.anilistFake.stats().graphqlRequests).toBe(requests);
    expect(h.anilistFake.stats()).toMatchObject({ rateLimited429s: 1, requestsDuringRetryAfter: 0 });
  });

  it('a burst of 100 commands from four members against 30/min: every one is acknowledged in time and ends clearly', async () => {
    // The fake AniList runs at its defaults: AniList's 30/min with its burst limiter.
    const h = (harness = await startBotHarness({ dir: tempDir(), limiter: { perMinute: 30, maxWaitMs: 1_500 } }));
    const members = [
      ['alice', SEED_USERS.alice.id],
      ['bob', SEED_USERS.bob.id],
      ['carol', SEED_USERS.carol.id],
      ['dave', SEED_USERS.dave.id],
    ] as const;
    for (const [member, id] of members) await linkMember(h, member, id);

    const mushishiBefore = new Map(members.map(([, id]) => [id, h.anilistFake.store.findEntry(id, SEED_MEDIA.mushishi.id)?.progress]));
    const commands = Array.from({ length: 100 }, (_, i) => {
      const [member, anilistId] = members[i % members.length]!;
      if (i % 3 === 0) {
        const progress = i % 26;
        return { member, anilistId, command: 'update' as const, progress, handle: h.discord.sendCommand({ name: 'update', user: member, options: [{ name: 'media', value: String(SEED_MEDIA.mushishi.id) }, { name: 'progress', value: progress }] }) };
      }
      const type = i % 2 === 0 ? 'ANIME' : 'MANGA';
      const status = ['CURRENT', 'COMPLETED', 'ALL'][i % 3]!;
      return { member, anilistId, command: 'list' as const, progress: undefined, handle: h.discord.sendCommand({ name: 'list', user: member, options: [{ name: 'type', value: type }, { name: 'status', value: status }] }) };
    });
    const outcomes = await Promise.all(commands.map((c) => outcomeOf(c.handle)));
    expectNoRefusedAcknowledgements(h);

    const ownerNames = Object.values(SEED_USERS).map((u) => u.name);
    for (const [member, anilistId] of members) {
      const mine = commands.map((c, i) => ({ ...c, outcome: outcomes[i]! })).filter((c) => c.member === member);
      const answered = mine.filter((c) => c.outcome.kind === 'answer');
      const told = mine.filter((c) => c.outcome.kind === 'message');
      // Each member's every command ended: with an answer, or told when to try again — nothing else.
      expect(told.map((c) => c.outcome.text).filter((text) => !BUSY.test(text)), member).toEqual([]);
      // The limiter serves members in turn: nobody is starved by the others' burst.
      expect(answered.length, `${member} got no answer at all`).toBeGreaterThan(0);
      // Every answer is the member's own: their list, or their entry updated.
      const ownName = Object.values(SEED_USERS).find((u) => u.id === anilistId)!.name;
      for (const list of answered.filter((c) => c.command === 'list')) {
        // A list with nothing under the asked status is a sentence about "your" list instead of an embed.
        if (list.outcome.title === undefined) expect(list.outcome.text, member).toMatch(/Nothing (public )?on your (anime|manga) list/);
        else expect(list.outcome.title, member).toMatch(new RegExp(`^${ownName}'s (anime|manga) · `));
        for (const other of ownerNames.filter((n) => n !== ownName)) expect(list.outcome.text).not.toContain(`${other}'s`);
      }
      const savedProgress = answered.filter((c) => c.command === 'update').map((c) => c.progress);
      const progressNow = h.anilistFake.store.findEntry(anilistId, SEED_MEDIA.mushishi.id)?.progress;
      if (savedProgress.length > 0) expect(savedProgress, member).toContain(progressNow);
      else expect(progressNow, member).toBe(mushishiBefore.get(anilistId));
    }
    const answeredCount = outcomes.filter((o) => o.kind === 'answer').length;
    // More commands than the budget holds: some were told to retry instead of waiting past Discord's deadline.
    expect(answeredCount).toBeLessThan(100);
    expect(h.anilistFake.stats()).toMatchObject({ rateLimited429s: 0, requestsDuringRetryAfter: 0 });
    expect(h.limiter.stats().inWindow).toBeLessThanOrEqual(30);
    console.info(`burst: ${answeredCount} answered, ${100 - answeredCount} told to retry, ${h.anilistFake.stats().graphqlRequests} AniList requests`);
  });
});
