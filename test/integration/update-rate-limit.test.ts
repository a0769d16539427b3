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
  initialType: number;
  initialLatencyMs: number;
  kind: 'answer' | 'message';
  text: string;
}

/** Waits for how the member's interaction ended: an edited answer, or a private message instead. */
async function outcomeOf(handle: InteractionHandle): Promise<Outcome> {
  const initial = await handle.waitForInitialResponse(5000);
  const base = { initialType: initial.type, initialLatencyMs: initial.latencyMs };
  if (initial.type === 4) return { ...base, kind: 'message', text: String((initial.data as { content?: string }).content) };
  const edit = handle.waitForEdit(15_000).then((e) => ({ ...base, kind: 'answer' as const, text: JSON.stringify(e.message) }));
  const followUp = handle.waitForFollowUp(15_000).then((m) => ({ ...base, kind: 'message' as const, text: m.content }));
  edit.catch(() => undefined);
  followUp.catch(() => undefined);
  return Promise.any([edit, followUp]);
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
      expect(other.initialLatencyMs).toBeLessThan(3000);
      expect(other.kind).toBe('message');
      expect(other.text).toMatch(BUSY);
    }
    expect(h.anilistFake.stats().graphqlRequests).toBe(requests);
    expect(h.anilistFake.stats()).toMatchObject({ rateLimited429s: 1, requestsDuringRetryAfter: 0 });
  });

  it('a burst of 100 commands from four members against 30/min: every one is acknowledged in time and ends clearly', async () => {
    const h = (harness = await startBotHarness({
      dir: tempDir(),
      limiter: { perMinute: 30, maxWaitMs: 1_500 },
      anilistFake: { rateLimitPerMinute: 30 },
    }));
    const members = [
      ['alice', SEED_USERS.alice.id],
      ['bob', SEED_USERS.bob.id],
      ['carol', SEED_USERS.carol.id],
      ['dave', SEED_USERS.dave.id],
    ] as const;
    for (const [member, id] of members) await linkMember(h, member, id);

    const started = performance.now();
    const handles = Array.from({ length: 100 }, (_, i) => {
      const [member] = members[i % members.length]!;
      if (i % 3 === 0) {
        return h.discord.sendCommand({ name: 'update', user: member, options: [{ name: 'media', value: String(SEED_MEDIA.mushishi.id) }, { name: 'progress', value: i % 26 }] });
      }
      const type = i % 2 === 0 ? 'ANIME' : 'MANGA';
      const status = ['CURRENT', 'COMPLETED', 'ALL'][i % 3]!;
      return h.discord.sendCommand({ name: 'list', user: member, options: [{ name: 'type', value: type }, { name: 'status', value: status }] });
    });
    const outcomes = await Promise.all(handles.map(outcomeOf));
    const elapsedMs = performance.now() - started;

    const answered = outcomes.filter((o) => o.kind === 'answer');
    const busy = outcomes.filter((o) => o.kind === 'message' && BUSY.test(o.text));
    const unclear = outcomes.filter((o) => o.kind === 'message' && !BUSY.test(o.text));
    expect(unclear).toEqual([]);
    expect(answered.length + busy.length).toBe(100);
    expect(answered.length).toBeGreaterThan(10);
    expect(busy.length).toBeGreaterThan(0);
    for (const outcome of outcomes) expect(outcome.initialLatencyMs).toBeLessThan(3000);
    expect(h.anilistFake.stats()).toMatchObject({ rateLimited429s: 0, requestsDuringRetryAfter: 0 });
    expect(h.limiter.stats().inWindow).toBeLessThanOrEqual(30);
    console.info(
      `burst: ${answered.length} answered, ${busy.length} told to retry, ${h.anilistFake.stats().graphqlRequests} AniList requests, ` +
        `max ack ${Math.round(Math.max(...outcomes.map((o) => o.initialLatencyMs)))} ms, done in ${Math.round(elapsedMs)} ms`,
    );
  });
});
