import { TimestampStyles, escapeMarkdown, time } from 'discord.js';
import type { ExpiryReminderCandidate, ExpiryReminderOutcome, LinkedAccountsRepository } from '../db/linked-accounts.js';
import type { Translations, Translator } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { DirectMessages } from './direct-messages.js';

const DAY_MS = 24 * 60 * 60_000;
/** Shortly after start, so a bot that restarts daily still sends reminders, but not in the start-up rush. */
export const DEFAULT_FIRST_RUN_DELAY_MS = 60_000;
export const DEFAULT_INTERVAL_MS = DAY_MS;
const DEFAULT_BATCH_SIZE = 500;
/** After this many failures in a row Discord is probably down: stop this run, the next one retries. */
const MAX_CONSECUTIVE_FAILURES = 3;

export type ReminderOutcome = ExpiryReminderOutcome | 'failed';

export interface ExpiryRemindersDeps {
  accounts: Pick<LinkedAccountsRepository, 'findDueForExpiryReminder' | 'recordExpiryReminder'>;
  dms: DirectMessages;
  clock: () => Date;
  logger: Logger;
  /** Each DM is written in the member's Discord language as of their latest /link. */
  i18n: Translations;
  /** Remind this many days before the expiry (must be ≥ 1; turn the job off by not creating it). */
  reminderDays: number;
  /** Most reminders one run sends; the rest wait for the next run. */
  batchSize?: number;
  /** Called once per member handled, e.g. to count reminders in metrics. */
  onReminder?: (outcome: ReminderOutcome) => void;
}

export interface ReminderRunSummary {
  sent: number;
  undeliverable: number;
  failed: number;
}

export interface ExpiryReminders {
  /** One pass over the due links. Concurrent calls share the pass in progress. Never rejects. */
  runOnce(): Promise<ReminderRunSummary>;
  /** Runs once after `firstRunDelayMs`, then every `intervalMs`. The timers do not keep the process alive. */
  start(schedule?: { firstRunDelayMs?: number; intervalMs?: number }): void;
  stop(): void;
}

/**
 * The daily token-expiry reminder. AniList tokens last a year and cannot be refreshed, so a member whose token
 * is about to expire (or was already rejected) gets one DM asking them to run /link again. The expiry the DM
 * was about is stored with the link: one expiry never gets two DMs, a closed DM is remembered as undeliverable
 * instead of retried every day, and a re-link (new expiry) arms the reminder again.
 */
export function createExpiryReminders(deps: ExpiryRemindersDeps): ExpiryReminders {
  const { accounts, dms, clock, logger } = deps;
  if (!Number.isInteger(deps.reminderDays) || deps.reminderDays < 1) throw new RangeError('reminderDays must be a whole number ≥ 1');
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  let inProgress: Promise<ReminderRunSummary> | undefined;
  let firstRun: ReturnType<typeof setTimeout> | undefined;
  let interval: ReturnType<typeof setInterval> | undefined;
  let stopped = false;

  async function remind(candidate: ExpiryReminderCandidate): Promise<ReminderOutcome> {
    const log = logger.child({ discordUserId: candidate.discordUserId });
    let outcome: ExpiryReminderOutcome;
    try {
      outcome = await dms.send(candidate.discordUserId, { content: reminderText(candidate, clock(), deps.i18n.forDiscord(candidate.discordLocale)) });
    } catch (error) {
      log.warn({ err: error }, 'could not send the expiry reminder DM; the next run retries');
      return 'failed';
    }
    accounts.recordExpiryReminder(candidate.discordUserId, candidate.tokenExpiresAt, outcome, clock());
    if (outcome === 'sent') log.info({ tokenExpiresAt: candidate.tokenExpiresAt }, 'expiry reminder sent');
    else log.info({ tokenExpiresAt: candidate.tokenExpiresAt }, 'expiry reminder undeliverable (DMs closed or user unknown); not retrying for this expiry');
    return outcome;
  }

  async function pass(): Promise<ReminderRunSummary> {
    const summary: ReminderRunSummary = { sent: 0, undeliverable: 0, failed: 0 };
    try {
      const horizon = new Date(clock().getTime() + deps.reminderDays * DAY_MS);
      const due = accounts.findDueForExpiryReminder(horizon, batchSize);
      let failuresInARow = 0;
      for (const candidate of due) {
        if (stopped) break;
        const outcome = await remind(candidate);
        summary[outcome]++;
        deps.onReminder?.(outcome);
        failuresInARow = outcome === 'failed' ? failuresInARow + 1 : 0;
        if (failuresInARow >= MAX_CONSECUTIVE_FAILURES) {
          logger.warn({ failuresInARow }, 'stopping this expiry reminder run after repeated failures; the next run retries');
          break;
        }
      }
      if (due.length > 0) logger.info({ ...summary, due: due.length }, 'expiry reminder run finished');
    } catch (error) {
      logger.error({ err: error }, 'expiry reminder run failed');
    }
    return summary;
  }

  function runOnce(): Promise<ReminderRunSummary> {
    inProgress ??= pass().finally(() => {
      inProgress = undefined;
    });
    return inProgress;
  }

  return {
    runOnce,
    start({ firstRunDelayMs = DEFAULT_FIRST_RUN_DELAY_MS, intervalMs = DEFAULT_INTERVAL_MS } = {}) {
      if (firstRun !== undefined || interval !== undefined) return;
      stopped = false;
      firstRun = setTimeout(() => void runOnce(), firstRunDelayMs);
      firstRun.unref();
      interval = setInterval(() => void runOnce(), intervalMs);
      interval.unref();
    },
    stop() {
      stopped = true;
      clearTimeout(firstRun);
      clearInterval(interval);
      firstRun = undefined;
      interval = undefined;
    },
  };
}

/** The DM. A link-style button cannot run a slash command, so it says plainly what to do instead. */
export function reminderText(candidate: ExpiryReminderCandidate, now: Date, t: Translator): string {
  const name = escapeMarkdown(candidate.anilistName);
  const date = `${time(candidate.tokenExpiresAt, TimestampStyles.LongDate)} (${time(candidate.tokenExpiresAt, TimestampStyles.RelativeTime)})`;
  const first = candidate.tokenRejectedAt
    ? t('reminder.rejected', { name })
    : candidate.tokenExpiresAt.getTime() <= now.getTime()
      ? t('reminder.expired', { name, date })
      : t('reminder.expiring', { name, date });
  return [first, t('reminder.howTo'), t('reminder.onlyOnce')].join('\n');
}
