/** A clock tests can move forward, shared by the bot's services and the fakes. */
export function createTestClock() {
  let offset = 0;
  const nowMs = () => Date.now() + offset;
  return {
    nowMs,
    now: () => new Date(nowMs()),
    advance(ms: number) {
      offset += ms;
    },
  };
}
export type TestClock = ReturnType<typeof createTestClock>;
