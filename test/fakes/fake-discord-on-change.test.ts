/** The fake Discord's change feed (`onChange`), which live views such as the demo playground follow. */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';

const TOKEN = 'test-token.abc.def';
let fake: FakeDiscord | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function restCall(discord: FakeDiscord, path: string): Promise<number> {
  const response = await fetch(`${discord.apiUrl}/v10${path}`, { headers: { authorization: `Bot ${TOKEN}` } });
  await response.body?.cancel();
  return response.status;
}

describe('fake Discord onChange', () => {
  it('calls every listener on each answered request, until it unsubscribes', async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    const seen: string[] = [];
    const stopFirst = fake.onChange(() => seen.push(`first after ${fake!.requests.length} requests`));
    fake.onChange(() => seen.push(`second after ${fake!.requests.length} requests`));

    expect(await restCall(fake, '/gateway/bot')).toBe(200);
    expect(seen).toEqual(['first after 1 requests', 'second after 1 requests']);

    stopFirst();
    expect(await restCall(fake, '/users/@me')).toBe(200);
    expect(seen.slice(2)).toEqual(['second after 2 requests']);
  });

  it('keeps waiters working next to a subscriber', async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    let calls = 0;
    fake.onChange(() => (calls += 1));
    const waited = fake.waitForRequest((request) => request.route === '/gateway/bot', 2_000);
    expect(await restCall(fake, '/gateway/bot')).toBe(200);
    expect((await waited).status).toBe(200);
    expect(calls).toBe(1);
  });
});
