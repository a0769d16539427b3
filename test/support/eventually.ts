/**
 * Waits until `predicate` holds, checking every `stepMs`. Nothing is timed: the timeout only turns a hang into a
 * failure that says what never happened (and, with `context`, what the process said meanwhile).
 */
export async function eventually(
  predicate: () => boolean,
  what: string,
  { timeoutMs = 40_000, stepMs = 20, context }: { timeoutMs?: number; stepMs?: number; context?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${context ? `\n${context()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
