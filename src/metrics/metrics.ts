import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isAniListError, type RateLimiter, type RateLimiterStats, type ScheduleOptions } from '../anilist/index.js';

/** What the interaction dispatcher reports (it declares the same shape; main.ts wires them together). */
export interface InteractionObservation {
  command: string;
  type: string;
  outcome: string;
  firstResponseMs: number | undefined;
  totalMs: number;
}

export type ReminderOutcome = 'sent' | 'undeliverable' | 'failed';
export type NotificationPollOutcome = 'ok' | 'failed' | 'token_rejected';
export type NotificationDmOutcome = 'sent' | 'undeliverable' | 'failed';

/** The notification polls as the database sees them. */
export interface NotificationPollsState {
  readonly active: number;
  readonly pausedForToken: number;
  readonly pausedForDms: number;
  /** Since when the oldest due poll of an active member should have run; 0 when none is overdue. */
  readonly lagSeconds: number;
}

/** The servers' airing feeds as the database sees them. */
export interface AiringFeedsState {
  readonly active: number;
  /** Stopped because Discord no longer lets the bot post in their channel. */
  readonly disabled: number;
  /** Posts waiting for Discord. */
  readonly pending: number;
  /** How late the shared check is; 0 when it is not overdue. */
  readonly lagSeconds: number;
}

/** What one airing-feed check cost and did (src/airing AiringCheckOutcome has this shape). */
export interface AiringCheckObservation {
  readonly ok: boolean;
  readonly watchlistRequests: number;
  readonly scheduleRequests: number;
  readonly queued: number;
}

export interface MetricsSources {
  /** Read at every scrape (a COUNT on the SQLite file). */
  linkedMembers?: () => { total: number; tokenRejected: number };
  /** The shared AniList limiter's own counters, read at every scrape. */
  limiterStats?: () => RateLimiterStats;
  /** The gateway connection (src/bot/gateway-status.ts trackGateway), read at every scrape. */
  gateway?: () => { ready: boolean; guilds: number | undefined };
  /** Members' notification polls, read at every scrape (one query on the SQLite file). */
  notificationPolls?: () => NotificationPollsState;
  /** Servers' airing feeds, read at every scrape (two queries on the SQLite file). */
  airingFeeds?: () => AiringFeedsState;
  clock?: () => number;
  /** Node.js process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
}

export interface Metrics {
  /** This bot's own registry: nothing is registered in prom-client's global default registry. */
  readonly registry: Registry;
  /** Pass to the interaction dispatcher. */
  readonly interactions: { observe(observation: InteractionObservation): void };
  /** Wraps the AniList limiter so every request is counted by outcome and its queueing time measured. */
  observeLimiter(limiter: RateLimiter): RateLimiter;
  /** Pass to the expiry reminder job. */
  reminder(outcome: ReminderOutcome): void;
  /** Pass to the notification poller. */
  notificationPoll(outcome: NotificationPollOutcome): void;
  notificationDm(outcome: NotificationDmOutcome): void;
  /** Pass to the airing feed (each check). */
  airingCheck(observation: AiringCheckObservation): void;
}

/** Seconds: Discord's 3 s deadline for the first response sits between buckets, as does its 15 min token life. */
const RESPONSE_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300];
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60];

export function createMetrics(sources: MetricsSources = {}): Metrics {
  const registry = new Registry();
  const clock = sources.clock ?? Date.now;
  if (sources.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const interactionsTotal = new Counter({
    name: 'anilink_interactions_total',
    help: 'Interactions handled, by command, interaction type and outcome (ok, user_error, error).',
    labelNames: ['command', 'type', 'outcome'] as const,
    registers: [registry],
  });
  const firstResponse = new Histogram({
    name: 'anilink_interaction_first_response_seconds',
    help: 'Time from receiving an interaction to its first response (reply, defer, update or autocomplete). Discord allows 3 s.',
    labelNames: ['command', 'type'] as const,
    buckets: RESPONSE_BUCKETS,
    registers: [registry],
  });
  const finalAnswer = new Histogram({
    name: 'anilink_interaction_duration_seconds',
    help: 'Time from receiving an interaction to its final answer (the handler, or the error message, finished).',
    labelNames: ['command', 'type', 'outcome'] as const,
    buckets: RESPONSE_BUCKETS,
    registers: [registry],
  });
  const anilistRequests = new Counter({
    name: 'anilink_anilist_requests_total',
    help: 'AniList API requests by lane (interactive: members waiting; background: jobs) and outcome: ok, rate_limited (HTTP 429), busy (refused by our own limiter, never sent), invalid_token, not_found, unavailable, validation, timeout, network, bad_request, error.',
    labelNames: ['lane', 'outcome'] as const,
    registers: [registry],
  });
  const limiterWait = new Histogram({
    name: 'anilink_anilist_limiter_wait_seconds',
    help: 'Time AniList requests waited in the shared rate limiter before being sent, by lane.',
    labelNames: ['lane'] as const,
    buckets: WAIT_BUCKETS,
    registers: [registry],
  });
  const reminders = new Counter({
    name: 'anilink_expiry_reminders_total',
    help: 'Token-expiry reminder DMs by outcome: sent, undeliverable (DMs closed; not retried), failed (retried next run).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });

  const notificationPolls = new Counter({
    name: 'anilink_notification_polls_total',
    help: "Polls of members' AniList notifications by outcome: ok, failed (retried at the next poll), token_rejected (paused until the member links again).",
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const notificationDms = new Counter({
    name: 'anilink_notification_dms_total',
    help: 'Notification DMs by outcome: sent, undeliverable (DMs closed; paused until the member opts in again), failed (sent again at the next poll).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });

  const airingChecks = new Counter({
    name: 'anilink_airing_feed_checks_total',
    help: 'Airing-feed checks (one per AIRING_FEED_POLL_SECONDS for every server at once) by outcome: ok, failed (the next check covers the same window).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const airingRequests = new Counter({
    name: 'anilink_airing_feed_anilist_requests_total',
    help: "AniList requests of the airing feed by kind: watchlist (members' Watching lists, 50 members a request, each member every few hours), schedule (one per 50 titles per check, shared by every server).",
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const airingPostsQueued = new Counter({
    name: 'anilink_airing_feed_posts_queued_total',
    help: 'Episode posts queued for servers (each episode once per server).',
    registers: [registry],
  });

  const { limiterStats, linkedMembers, gateway, notificationPolls: pollsState, airingFeeds: feedsState } = sources;
  if (feedsState) {
    new Gauge({
      name: 'anilink_airing_feed_check_lag_seconds',
      help: 'How far behind schedule the shared airing-feed check is: seconds since it should have run (0 when it is not overdue).',
      registers: [registry],
      collect() {
        this.set(feedsState().lagSeconds);
      },
    });
    new Gauge({
      name: 'anilink_airing_feeds',
      help: "Servers' airing feeds by state: active, disabled (Discord no longer lets the bot post in the channel; the admin was told).",
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const state = feedsState();
        this.set({ state: 'active' }, state.active);
        this.set({ state: 'disabled' }, state.disabled);
      },
    });
    new Gauge({
      name: 'anilink_airing_feed_posts_pending',
      help: 'Episode posts waiting for Discord.',
      registers: [registry],
      collect() {
        this.set(feedsState().pending);
      },
    });
  }
  if (pollsState) {
    new Gauge({
      name: 'anilink_notifications_poll_lag_seconds',
      help: "How far behind schedule the notification polls are: seconds since the oldest due poll of an active member should have run (0 when none is overdue). Stays under NOTIFICATION_POLL_SECONDS while the background lane has room.",
      registers: [registry],
      collect() {
        this.set(pollsState().lagSeconds);
      },
    });
    new Gauge({
      name: 'anilink_notification_members',
      help: 'Members opted in to notification DMs by state: active (polled), paused_token (must link again), paused_dms (DMs closed; must opt in again).',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const state = pollsState();
        this.set({ state: 'active' }, state.active);
        this.set({ state: 'paused_token' }, state.pausedForToken);
        this.set({ state: 'paused_dms' }, state.pausedForDms);
      },
    });
  }
  if (gateway) {
    new Gauge({
      name: 'anilink_gateway_ready',
      help: 'Whether the Discord gateway connection is ready (1) or not (0).',
      registers: [registry],
      collect() {
        this.set(gateway().ready ? 1 : 0);
      },
    });
    new Gauge({
      name: 'anilink_gateway_guilds',
      help: "Guilds the bot is in, as listed by the gateway's latest READY (no guild is kept in memory).",
      registers: [registry],
      collect() {
        const guilds = gateway().guilds;
        if (guilds !== undefined) this.set(guilds);
      },
    });
  }
  if (limiterStats) {
    new Gauge({
      name: 'anilink_anilist_limiter_queue_length',
      help: 'AniList requests waiting in the shared rate limiter, by lane.',
      labelNames: ['lane'] as const,
      registers: [registry],
      collect() {
        const stats = limiterStats();
        this.set({ lane: 'interactive' }, stats.interactive.queued);
        this.set({ lane: 'background' }, stats.background.queued);
      },
    });
    new Gauge({
      name: 'anilink_anilist_limiter_oldest_wait_seconds',
      help: 'How long the oldest request still waiting in the limiter has waited, by lane: background work behind schedule shows here.',
      labelNames: ['lane'] as const,
      registers: [registry],
      collect() {
        const stats = limiterStats();
        this.set({ lane: 'interactive' }, stats.interactive.oldestWaitMs / 1000);
        this.set({ lane: 'background' }, stats.background.oldestWaitMs / 1000);
      },
    });
    new Gauge({
      name: 'anilink_anilist_limiter_paused_seconds',
      help: 'Seconds left in a pause after AniList answered 429 (0 when not paused).',
      registers: [registry],
      collect() {
        const pausedUntil = limiterStats().pausedUntil;
        this.set(pausedUntil === null ? 0 : Math.max(0, (pausedUntil - clock()) / 1000));
      },
    });
    new Gauge({
      name: 'anilink_anilist_limiter_requests_in_window',
      help: 'AniList requests counted in the current 60 s window.',
      registers: [registry],
      collect() {
        this.set(limiterStats().inWindow);
      },
    });
    new Gauge({
      name: 'anilink_anilist_limiter_limit_per_minute',
      help: 'AniList requests per minute currently allowed (configured, or lower if AniList said so).',
      registers: [registry],
      collect() {
        this.set(limiterStats().limitPerMinute);
      },
    });
  }
  if (linkedMembers) {
    new Gauge({
      name: 'anilink_linked_members',
      help: 'Discord members linked to an AniList account, by token state (ok, rejected).',
      labelNames: ['token'] as const,
      registers: [registry],
      collect() {
        const { total, tokenRejected } = linkedMembers();
        this.set({ token: 'ok' }, total - tokenRejected);
        this.set({ token: 'rejected' }, tokenRejected);
      },
    });
  }

  const interactions: Metrics['interactions'] = {
    observe({ command, type, outcome, firstResponseMs, totalMs }: InteractionObservation) {
      interactionsTotal.inc({ command, type, outcome });
      if (firstResponseMs !== undefined) firstResponse.observe({ command, type }, firstResponseMs / 1000);
      finalAnswer.observe({ command, type, outcome }, totalMs / 1000);
    },
  };

  function observeLimiter(limiter: RateLimiter): RateLimiter {
    return {
      schedule<T>(key: string, task: () => Promise<T>, options?: ScheduleOptions): Promise<T> {
        const lane = options?.lane ?? 'interactive';
        const queuedAt = performance.now();
        let started = false;
        return limiter
          .schedule(
            key,
            async () => {
              started = true;
              limiterWait.observe({ lane }, (performance.now() - queuedAt) / 1000);
              try {
                const result = await task();
                anilistRequests.inc({ lane, outcome: 'ok' });
                return result;
              } catch (error) {
                anilistRequests.inc({ lane, outcome: anilistOutcome(error) });
                throw error;
              }
            },
            options,
          )
          .catch((error: unknown) => {
            // Refused before sending (queue too long, abandoned or shutting down): never reached AniList.
            if (!started) anilistRequests.inc({ lane, outcome: anilistOutcome(error) });
            throw error;
          });
      },
      report: (response) => limiter.report(response),
      stats: () => limiter.stats(),
      close: () => limiter.close(),
    };
  }

  return {
    registry,
    interactions,
    observeLimiter,
    reminder: (outcome) => reminders.inc({ outcome }),
    notificationPoll: (outcome) => notificationPolls.inc({ outcome }),
    notificationDm: (outcome) => notificationDms.inc({ outcome }),
    airingCheck(observation) {
      airingChecks.inc({ outcome: observation.ok ? 'ok' : 'failed' });
      if (observation.watchlistRequests > 0) airingRequests.inc({ kind: 'watchlist' }, observation.watchlistRequests);
      if (observation.scheduleRequests > 0) airingRequests.inc({ kind: 'schedule' }, observation.scheduleRequests);
      if (observation.queued > 0) airingPostsQueued.inc(observation.queued);
    },
  };
}

/** AniListError kinds as snake_case label values; `rateLimited` is AniList's 429. */
function anilistOutcome(error: unknown): string {
  if (!isAniListError(error)) return 'error';
  return error.kind.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
