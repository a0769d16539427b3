import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Starts the AniList work before acknowledging the interaction, then acknowledges with `acknowledge` (a deferReply
 * or deferUpdate) only if the work did not already fail.
 *
 * The shared AniList limiter decides synchronously whether a call may wait its turn, so "busy, try again in N s"
 * (like any failure known without a round trip, e.g. a rejected link) arrives before the event loop's next turn.
 * Thrown here, before any acknowledgement, the error boundary answers it with one ephemeral reply: one Discord call,
 * instead of a public "thinking…" placeholder that must then be deleted and followed up privately.
 */
export async function acknowledgeWhile<T>(work: Promise<T>, acknowledge: () => Promise<unknown>): Promise<T> {
  const failedEarly = await Promise.race([
    work.then(
      () => false,
      () => true,
    ),
    nextTurn(false),
  ]);
  // Rethrows the early failure without acknowledging.
  if (failedEarly) return work;
  await acknowledge();
  return work;
}
