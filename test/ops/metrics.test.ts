import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { register as globalRegistry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatInputCommand } from '../../commands/command.js';
import { commands as registry } from '../../commands/index.js';
import { UserFacingError } from '../../src/user-facing-error.js';
import { createAniListClient, createRateLimiter, isAniListError } from '../../src/anilist/index.js';
import { buildServer } from '../../src/http/server.js';
import { buildMetricsServer } from '../../src/metrics/http.js';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import { createAiringFeedsRepository } from '../../src/db/airing-feeds.js';
import { createNotificationSubscriptionsRepository } from '../../src/db/notification-subscriptions.js';
import { SEED_USERS, startFakeAniList } from '../../fakes/anilist/index.js';
import { captureLogs } from '../support/log-capture.js';
import { startBotHarness } from '../support/bot-harness.js';
import { startLinkHarness } from '../support/link-harness.js';
import { freePort } from '../support/ports.js';
import { useTempDir } from '../support/temp.js';
import { linkThroughAniList } from './helpers.js';
import { createTranslations } from '../../src/i18n/index.js';

const tempDir = useTempDir('anilink-metrics-');
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The value of one sample in Prometheus text format, e.g. sample(text, 'x_total{a="b"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const testCommands: ChatInputCommand[] = [
  {
    definition: new SlashCommandBuilder().setName('explode').setDescription('throws an unexpected error').toJSON(),
    execute: () => Promise.reject(new Error('boom')),
  },
  {
    definition: new SlashCommandBuilder().setName('refuse').setDescription('refuses after deferring').toJSON(),
    async execute({ interaction }) {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new UserFacingError('No.');
    },
  },
];

describe('metrics', () => {
  it('counts interactions by command and outcome, with time to first response and to final answer', async () => {
    // The bot as the builder wires it, metrics on (served behind a token, as an admin would set it).
    const h = await startBotHarness({
      dir: tempDir(),
      commands: [...registry, ...testCommands],
      env: { METRICS: 'true', METRICS_TOKEN: 'a-long-enough-metrics-token-123' },
    });
    cleanups.push(() => h.close());
    const { discord } = h;
    const metrics = h.app.metrics!;

    await linkThroughAniList(h, '300000000000000001', SEED_USERS.alice.id);
    const linkCommand = discord.sendCommand({ name: 'link', user: 'alice' });
    await linkCommand.waitForInitialResponse();
    await discord.sendCommand({ name: 'profile', user: 'bob' }).waitForInitialResponse();
    const refused = discord.sendCommand({ name: 'refuse', user: 'alice' });
    await refused.waitForInitialResponse();
    await refused.waitForEdit();
    await discord.sendCommand({ name: 'explode', user: 'alice' }).waitForInitialResponse();
    await discord.sendCommand({ name: 'vanished', user: 'alice' }).waitForInitialResponse();

    await expect.poll(async () => sample(await metrics.registry.metrics(), 'anilink_interactions_total{command="unknown",type="command",outcome="user_error"}')).toBe(1);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'anilink_interactions_total{command="link",type="command",outcome="ok"}')).toBe(1);
    expect(sample(text, 'anilink_interactions_total{command="profile",type="command",outcome="ok"}')).toBe(1);
    expect(sample(text, 'anilink_interactions_total{command="refuse",type="command",outcome="user_error"}')).toBe(1);
    expect(sample(text, 'anilink_interactions_total{command="explode",type="command",outcome="error"}')).toBe(1);
    expect(sample(text, 'anilink_interaction_first_response_seconds_count{command="refuse",type="command"}')).toBe(1);
    // The deferral came at once, the final answer after the handler's 50 ms of work.
    const firstSum = sample(text, 'anilink_interaction_first_response_seconds_sum{command="refuse",type="command"}')!;
    const finalSum = sample(text, 'anilink_interaction_duration_seconds_sum{command="refuse",type="command",outcome="user_error"}')!;
    expect(firstSum).toBeLessThan(finalSum);
    expect(finalSum).toBeGreaterThanOrEqual(0.05);
    expect(sample(text, 'anilink_interaction_first_response_seconds_bucket{le="3",command="link",type="command"}')).toBe(1);
    expect(sample(text, 'anilink_linked_members{token="ok"}')).toBe(1);
    expect(sample(text, 'anilink_linked_members{token="rejected"}')).toBe(0);

    // The dispatcher's own structured log carries the interaction id on every line about it.
    const handled = h.logs.lines().map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'interaction handled');
    expect(handled.length).toBeGreaterThanOrEqual(2);
    for (const line of handled) expect(line.interactionId).toMatch(/^\d+$/);
    // Nothing reached prom-client's global registry.
    expect(await globalRegistry.metrics()).not.toContain('anilink_');
  });

  it('counts AniList requests by outcome (429s and limiter refusals included) and exposes the limiter', async () => {
    const anilistFake = await startFakeAniList();
    cleanups.push(() => anilistFake.close());
    let now = Date.now();
    const limiter = createRateLimiter({ perMinute: 90, maxWaitMs: 5_000, now: () => now });
    const metrics = createMetrics({ limiterStats: () => limiter.stats(), clock: () => now, processMetrics: false });
    const anilist = createAniListClient({
      endpoint: anilistFake.graphqlUrl,
      userAgent: 'anilink-test',
      referer: 'http://127.0.0.1/',
      limiter: metrics.observeLimiter(limiter),
      logger: captureLogs().logger,
    });

    await anilist.userProfile(SEED_USERS.alice.id, { key: 'a' });
    await anilist.userProfile(SEED_USERS.bob.id, { key: 'a' });
    await expect(anilist.userProfile(999_999_999, { key: 'a' })).rejects.toSatisfy((e) => isAniListError(e) && e.kind === 'notFound');
    anilistFake.inject({ kind: 'rateLimited', retryAfterS: 60 });
    await expect(anilist.mediaById(1, { key: 'b' })).rejects.toSatisfy((e) => isAniListError(e) && e.kind === 'rateLimited');
    // Paused for 60 s: a new call would wait longer than maxWaitMs, so the limiter refuses it without sending.
    await expect(anilist.mediaById(2, { key: 'c' })).rejects.toSatisfy((e) => isAniListError(e) && e.kind === 'busy');

    const text = await metrics.registry.metrics();
    expect(sample(text, 'anilink_anilist_requests_total{lane="interactive",outcome="ok"}')).toBe(2);
    expect(sample(text, 'anilink_anilist_requests_total{lane="interactive",outcome="not_found"}')).toBe(1);
    expect(sample(text, 'anilink_anilist_requests_total{lane="interactive",outcome="rate_limited"}')).toBe(1);
    expect(sample(text, 'anilink_anilist_requests_total{lane="interactive",outcome="busy"}')).toBe(1);
    expect(sample(text, 'anilink_anilist_limiter_wait_seconds_count{lane="interactive"}')).toBe(4);
    expect(sample(text, 'anilink_anilist_limiter_queue_length{lane="interactive"}')).toBe(0);
    expect(sample(text, 'anilink_anilist_limiter_queue_length{lane="background"}')).toBe(0);
    expect(sample(text, 'anilink_anilist_limiter_oldest_wait_seconds{lane="background"}')).toBe(0);
    expect(sample(text, 'anilink_anilist_limiter_paused_seconds')).toBeGreaterThan(50);
    expect(sample(text, 'anilink_anilist_limiter_limit_per_minute')).toBeGreaterThan(0);
    // The pause also honours X-RateLimit-Reset, stamped by the fake's real clock (later than this frozen one).
    now += 120_000;
    expect(sample(await metrics.registry.metrics(), 'anilink_anilist_limiter_paused_seconds')).toBe(0);
    limiter.close();
  });

  async function publicServer(dir: string, metricsOption: Parameters<typeof buildServer>[0]['metrics']) {
    const h = await startLinkHarness({ dir });
    cleanups.push(() => h.close());
    const server = await buildServer({
      logger: captureLogs().logger,
      links: h.links,
      linkedRoles: h.app.linkedRoles,
      publicUrl: h.publicUrl,
      cookieSecret: 'x'.repeat(43),
      health: () => ({ database: 'ok', gateway: 'test' }),
      i18n: createTranslations(),
      metrics: metricsOption,
    });
    cleanups.push(() => server.close());
    return server;
  }

  it('GET /metrics serves Prometheus text; with METRICS_TOKEN only to "Authorization: Bearer <token>"', async () => {
    const metrics: Metrics = createMetrics();
    const open = await publicServer(tempDir(), { registry: metrics.registry });
    const plain = await open.inject({ url: '/metrics' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(plain.body).toContain('# TYPE anilink_interactions_total counter');
    expect(plain.body).toContain('process_cpu_user_seconds_total');

    const token = 'a-long-enough-metrics-token-123';
    const guarded = await publicServer(tempDir(), { registry: metrics.registry, token });
    expect((await guarded.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await guarded.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token' } })).statusCode).toBe(401);
    const allowed = await guarded.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain('anilink_anilist_requests_total');

    // METRICS=false (or METRICS_PORT): no /metrics on the public server, and its other routes are unchanged.
    const without = await publicServer(tempDir(), undefined);
    expect((await without.inject({ url: '/metrics' })).statusCode).toBe(404);
    expect((await without.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('METRICS_PORT: a separate listener that serves only /metrics', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const server = await buildMetricsServer({ registry: metrics.registry, logger: captureLogs().logger });
    cleanups.push(() => server.close());
    const port = await freePort();
    await server.listen({ host: '127.0.0.1', port });
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('anilink_interactions_total');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(404);
  });

  it('the counting wrapper keeps each call\'s lane and abort signal (an abandoned keystroke is withdrawn, not sent)', async () => {
    const now = 1_700_000_000_000;
    const limiter = createRateLimiter({ perMinute: 1, now: () => now, maxWaitMs: 120_000 });
    cleanups.push(() => Promise.resolve(limiter.close()));
    const metrics = createMetrics({ limiterStats: () => limiter.stats(), clock: () => now, processMetrics: false });
    const observed = metrics.observeLimiter(limiter);
    const ran: string[] = [];
    await observed.schedule('a', () => Promise.resolve(ran.push('first')));
    const controller = new AbortController();
    const abandoned = observed.schedule('b', () => Promise.resolve(ran.push('abandoned')), { signal: controller.signal });
    const background = observed.schedule('job', () => Promise.resolve(ran.push('background')), { lane: 'background' });
    expect(limiter.stats().background.queued).toBe(1);
    controller.abort(new Error('typed past'));
    await expect(abandoned).rejects.toThrow('typed past');
    expect(limiter.stats().interactive.queued).toBe(0);
    expect(ran).toEqual(['first']);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'anilink_anilist_limiter_queue_length{lane="background"}')).toBe(1);
    expect(sample(text, 'anilink_anilist_requests_total{lane="interactive",outcome="ok"}')).toBe(1);
    limiter.close();
    await expect(background).rejects.toSatisfy((e) => isAniListError(e) && e.kind === 'busy');
    expect(sample(await metrics.registry.metrics(), 'anilink_anilist_requests_total{lane="background",outcome="busy"}')).toBe(1);
  });

  it('shows the airing feeds, their waiting posts and how late the shared check is, from the database', async () => {
    // Built but not started: no check runs, so the state stays exactly as written here.
    const h = await startLinkHarness({ dir: tempDir(), env: { METRICS: 'true', METRICS_TOKEN: 'a-long-enough-metrics-token-123' } });
    cleanups.push(() => h.close());
    const feeds = createAiringFeedsRepository(h.database.db);
    const at = new Date(h.clock.nowMs() - 600_000);
    for (const guildId of ['400000000000000001', '400000000000000002']) feeds.set({ guildId, channelId: `${guildId}9`, roleId: null, channelNsfw: false, setBy: '300000000000000001', locale: 'en' }, at);
    feeds.disable('400000000000000002', 'unknown_channel', at);
    feeds.checkNoLaterThan(new Date(h.clock.nowMs() - 120_000));
    const metrics = () => h.app.metrics!.registry.metrics();
    let text = await metrics();
    expect(sample(text, 'anilink_airing_feeds{state="active"}')).toBe(1);
    expect(sample(text, 'anilink_airing_feeds{state="disabled"}')).toBe(1);
    expect(sample(text, 'anilink_airing_feed_posts_pending')).toBe(0);
    const lag = sample(text, 'anilink_airing_feed_check_lag_seconds')!;
    expect(lag).toBeGreaterThanOrEqual(120);
    expect(lag).toBeLessThan(180);

    feeds.recordCheck(
      [{ guildId: '400000000000000001', mediaId: 1, episode: 2, airingAt: at, title: 'A', siteUrl: null, isAdult: false, watchers: 1 }],
      new Date(h.clock.nowMs()),
      new Date(h.clock.nowMs() + 60_000),
      new Date(h.clock.nowMs()),
    );
    text = await metrics();
    expect(sample(text, 'anilink_airing_feed_posts_pending')).toBe(1);
    expect(sample(text, 'anilink_airing_feed_check_lag_seconds')).toBe(0);
  });

  it('shows how far behind the notification polls are, and who is paused, from the database', async () => {
    // Built but not started: no poll runs, so the schedule stays exactly as written here.
    const h = await startLinkHarness({ dir: tempDir(), env: { METRICS: 'true', METRICS_TOKEN: 'a-long-enough-metrics-token-123' } });
    cleanups.push(() => h.close());
    const alice = await linkThroughAniList(h, '300000000000000001', SEED_USERS.alice.id);
    await linkThroughAniList(h, '300000000000000002', SEED_USERS.bob.id);
    const subscriptions = createNotificationSubscriptionsRepository(h.database.db);
    subscriptions.create({ discordUserId: '300000000000000001', anilistUserId: SEED_USERS.alice.id, types: 'all' }, new Date(h.clock.nowMs() - 300_000));
    subscriptions.create({ discordUserId: '300000000000000002', anilistUserId: SEED_USERS.bob.id, types: 'all' }, new Date(h.clock.nowMs() + 60_000));
    const metrics = () => h.app.metrics!.registry.metrics();
    const lag = sample(await metrics(), 'anilink_notifications_poll_lag_seconds')!;
    expect(lag).toBeGreaterThanOrEqual(300);
    expect(lag).toBeLessThan(360);
    expect(sample(await metrics(), 'anilink_notification_members{state="active"}')).toBe(2);

    // A member who must link again is paused, not late.
    alice.rejectToken();
    const text = await metrics();
    expect(sample(text, 'anilink_notifications_poll_lag_seconds')).toBe(0);
    expect(sample(text, 'anilink_notification_members{state="active"}')).toBe(1);
    expect(sample(text, 'anilink_notification_members{state="paused_token"}')).toBe(1);
    expect(sample(text, 'anilink_notification_members{state="paused_dms"}')).toBe(0);
  });
});
