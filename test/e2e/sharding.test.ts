/**
 * The sharded start (SHARDS=auto or a number): the real `node dist/src/main.js` as the sharding manager, with
 * its shard processes, against a fake Discord that recommends two shards and routes each guild's interactions
 * to shard `(guild_id >> 22) % 2`.
 */
import { performance } from 'node:perf_hooks';
import { MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers, shardForGuild, type InteractionHandle } from '../../fakes/discord/index.js';
import { describeOutput, killAllBots, startBot, type BotProcess, type LogLine } from './support/bot-process.js';
import { dataOf, expectCleanDiscordTraffic, expectNoSecretsInOutput, linkOverHttp, startWorld, type World } from './support/world.js';

let world: World | undefined;

afterEach(async () => {
  await killAllBots();
  await world?.close();
  world = undefined;
});

/** Two guilds, one per shard (default guild ids alternate between even and odd shard keys). */
async function startSharded(shards: string, env: Record<string, string> = {}, anilist: { rateLimitPerMinute?: number } = {}) {
  world = await startWorld({
    discord: { shards: 2, maxConcurrency: 2, guilds: [{ name: 'Guild A' }, { name: 'Guild B' }] },
    anilist,
    env: { SHARDS: shards, ...env },
  });
  await world.discord.waitForSessions(2, 15_000);
  const [first, second] = world.discord.guilds;
  const byShard = [first, second].sort((a, b) => shardForGuild(a!.id, 2) - shardForGuild(b!.id, 2)).map((guild) => guild!.id);
  expect(byShard.map((id) => shardForGuild(id, 2))).toEqual([0, 1]);
  return { w: world, guildOnShard: byShard as [string, string] };
}

/** The shard process that logged the dispatcher's line for this interaction. */
function shardThatHandled(bot: BotProcess, handle: InteractionHandle): string | undefined {
  const line = bot.logs().find((entry: LogLine) => entry.interactionId === handle.id && typeof entry.shard === 'string');
  return line?.shard as string | undefined;
}

/**
 * The embed (ok) or the private refusal (its text) that ended a /profile, and who handled it. A refusal known before
 * the reply was deferred is the ephemeral reply itself; a later one is an ephemeral follow-up.
 */
async function finalAnswer(bot: BotProcess, handle: InteractionHandle): Promise<{ ok: boolean; text: string; shard: string | undefined }> {
  const deadline = performance.now() + 25_000;
  for (;;) {
    const title = handle.edits.map((edit) => edit.message?.embeds[0]?.title).find(Boolean);
    if (title !== undefined) return { ok: title === 'AliceFake', text: '', shard: await waitForShardLog(bot, handle) };
    const initial = handle.initialResponse;
    if (initial?.type === 4) {
      const data = initial.data as { content: string; flags?: number };
      expect((data.flags ?? 0) & MessageFlags.Ephemeral).toBeTruthy();
      return { ok: false, text: data.content, shard: await waitForShardLog(bot, handle) };
    }
    const followUp = handle.followUps[0];
    if (followUp) {
      expect(followUp.flags & MessageFlags.Ephemeral).toBeTruthy();
      return { ok: false, text: followUp.content, shard: await waitForShardLog(bot, handle) };
    }
    if (performance.now() > deadline) throw new Error(`no final answer for interaction ${handle.id}\n${describeOutput(bot)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForShardLog(bot: BotProcess, handle: InteractionHandle): Promise<string | undefined> {
  await bot.waitForLog((line) => line.interactionId === handle.id && /^interaction (handled|refused|failed)/.test(line.msg), 10_000);
  return shardThatHandled(bot, handle);
}

describe('sharded start', () => {
  it('SHARDS=auto: two shards identify as [0,2] and [1,2]; both answer; /link works through the manager; SIGTERM exits 0', async () => {
    const { w, guildOnShard } = await startSharded('auto');
    const identifies = w.discord.sessions().map((session) => session.shard);
    expect(identifies).toEqual(expect.arrayContaining([[0, 2], [1, 2]]));
    expect(w.discord.identifyCount).toBe(2);

    const health = await w.bot.health();
    expect(health.body).toMatchObject({ status: 'ok', database: 'ok', gateway: '2/2 shards ready' });
    // Registered once, by the manager.
    expect(w.bot.logs().filter((line) => line.msg === 'slash commands registered')).toHaveLength(1);

    // An interaction on each shard, answered by that shard's process.
    for (const [shard, guildId] of guildOnShard.entries()) {
      const handle = w.discord.sendCommand({ name: 'profile', user: 'carol', guildId });
      expect(dataOf(await handle.waitForInitialResponse(5_000)).content).toContain('Run `/link`');
      expect(await waitForShardLog(w.bot, handle), describeOutput(w.bot)).toBe(String(shard));
    }

    // /link: the command on shard 0 (the default guild), the web pages and the reply edit in the manager.
    const { handle } = await linkOverHttp(w, 'alice', SEED_USERS.alice.id);
    expect((await handle.waitForEdit(10_000)).message!.content).toContain('AliceFake');
    // The link is in the shared SQLite file: shard 1 sees it at once.
    const profile = w.discord.sendCommand({ name: 'profile', user: 'alice', guildId: guildOnShard[1] });
    expect((await profile.waitForEdit(10_000)).message?.embeds[0]?.title).toBe('AliceFake');
    expect(await waitForShardLog(w.bot, profile)).toBe('1');

    expectCleanDiscordTraffic(w);
    expectNoSecretsInOutput(w);

    const stopped = await w.bot.stop('SIGTERM');
    expect(stopped.code, describeOutput(w.bot)).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
    // Both shards closed their sessions on the way out; none is left running.
    expect(w.discord.openConnections).toBe(0);
  });

  it('SHARDS=2 with ANILIST_RATE_LIMIT_PER_MINUTE=5: commands on both shards share one AniList budget; the rest are told the bot is busy', async () => {
    const { w, guildOnShard } = await startSharded('2', { ANILIST_RATE_LIMIT_PER_MINUTE: '5' }, { rateLimitPerMinute: 5 });
    expect(w.discord.sessions().map((session) => session.shard)).toEqual(expect.arrayContaining([[0, 2], [1, 2]]));

    // One AniList call (the Viewer query, made by the manager) to have a linked profile to look at.
    await linkOverHttp(w, 'alice', SEED_USERS.alice.id);
    // Four /profile commands on each shard at once. With 5/min the limiter lets ~2 through at once and one more
    // after 12 s, and refuses what would wait longer than 20 s. Two separate budgets would send twice as much.
    const users = ['alice', 'bob', 'carol', 'dave'] as const;
    const handles = guildOnShard.flatMap((guildId) =>
      users.map((user) => w.discord.sendCommand({ name: 'profile', user, options: [{ name: 'user', value: fakeUsers.alice.id }], guildId })),
    );
    const outcomes = await Promise.all(handles.map((handle) => finalAnswer(w.bot, handle)));

    const stats = w.anilist.stats();
    console.log(`[sharding] AniList saw ${stats.graphqlRequests} GraphQL requests; answers: ${outcomes.map((o) => `${o.shard}:${o.ok ? 'ok' : 'busy'}`).join(' ')}`);
    expect(stats.graphqlRequests, describeOutput(w.bot)).toBeLessThanOrEqual(5);
    expect(stats.rateLimited429s).toBe(0);
    const busy = outcomes.filter((outcome) => !outcome.ok);
    for (const outcome of busy) {
      expect(outcome.text).toMatch(/busy talking to AniList/);
    }
    // Refusals on both shards: the budget is one, whichever process asks.
    expect(new Set(busy.map((outcome) => outcome.shard))).toEqual(new Set(['0', '1']));
    expect(outcomes.filter((outcome) => outcome.ok).length).toBeGreaterThanOrEqual(1);

    const stopped = await w.bot.stop('SIGTERM');
    expect(stopped.code, describeOutput(w.bot)).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
  });

  it('a manager killed outright leaves no shard behind: each shard closes its gateway session when the IPC channel drops', async () => {
    const { w } = await startSharded('2');
    expect(w.discord.openConnections).toBe(2);
    await w.bot.stop('SIGKILL');
    const deadline = performance.now() + 10_000;
    while (w.discord.openConnections > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(w.discord.openConnections).toBe(0);
  });

  it('SHARDS=auto with a token Discord refuses: exit 1 with the same sentence as the unsharded start, no shard spawned', async () => {
    const w = await startWorld({ discord: { shards: 2, maxConcurrency: 2 } });
    world = w;
    await w.bot.stop('SIGTERM');
    const bot = startBot({
      env: { ...w.env, SHARDS: 'auto', DISCORD_TOKEN: 'MTEwMDAwMDAwMDAwMDAwMDAwMg.GbAdTk.wrong-token-for-e2e-only-0123456789abcdef' },
      cwd: w.dir,
    });
    const exit = await bot.exited;
    expect(exit.code, describeOutput(bot)).toBe(1);
    expect(bot.stdout()).toContain('Discord rejected DISCORD_TOKEN');
    expect(bot.stdout()).not.toContain('wrong-token-for-e2e-only');
    // Only the first (unsharded) start identified: the sharded one stopped at GET /gateway/bot.
    expect(w.discord.identifyCount).toBe(1);
  });
});
