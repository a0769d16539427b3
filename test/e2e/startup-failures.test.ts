/**
 * Start-up failures an admin meets: each ends the process with a non-zero code and one clear sentence, never a
 * stack trace, and never echoes a secret.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';
import { TEST_DISCORD_TOKEN } from '../support/env.js';
import { allocatePublicUrl, describeOutput, e2eTempDir, freshEncryptionKey, killAllBots, startBot, type BotProcess } from './support/bot-process.js';

const OTHER_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMg.GbAdTk.wrong-token-for-e2e-only-0123456789abcdef';
const CLIENT_SECRET = 'e2e-anilist-client-secret-value';

let discord: FakeDiscord | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  await killAllBots();
  await discord?.close();
  discord = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

async function baseEnv(): Promise<Record<string, string>> {
  const { port, publicUrl } = await allocatePublicUrl();
  return {
    DISCORD_TOKEN: TEST_DISCORD_TOKEN,
    // Nothing listens here: only the failing step may be reached, and it must fail fast.
    DISCORD_API_URL: 'http://127.0.0.1:9/api',
    DISCORD_CLIENT_SECRET: 'e2e-discord-client-secret-value',
    ANILIST_CLIENT_ID: '1234',
    ANILIST_CLIENT_SECRET: CLIENT_SECRET,
    ANILIST_OAUTH_URL: 'http://127.0.0.1:9/api/v2/oauth',
    ANILIST_API_URL: 'http://127.0.0.1:9/graphql',
    PUBLIC_URL: publicUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_PATH: `${e2eTempDir()}/anilink.sqlite`,
    TOKEN_ENCRYPTION_KEY: freshEncryptionKey(),
    LOG_LEVEL: 'debug',
  };
}

async function runToExit(bot: BotProcess, timeoutMs = 20_000) {
  const started = performance.now();
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  const exit = await Promise.race([bot.exited, timeout]);
  if (exit === 'timeout') throw new Error(`the bot did not exit within ${timeoutMs} ms\n${describeOutput(bot)}`);
  return { ...exit, ms: Math.round(performance.now() - started) };
}

function expectNoStackTrace(bot: BotProcess) {
  const output = bot.stdout() + bot.stderr();
  expect(output, describeOutput(bot)).not.toMatch(/\n\s+at .+[(:]/);
  expect(output).not.toMatch(/"stack"\s*:/);
}

function expectNoSecrets(bot: BotProcess, secrets: string[]) {
  const output = bot.stdout() + bot.stderr();
  for (const secret of secrets) expect(output.includes(secret), `secret ${secret.slice(0, 6)}… in the output`).toBe(false);
}

describe('start-up failures', () => {
  it('a DISCORD_TOKEN that Discord rejects (401): one clear fatal line, non-zero exit, no stack trace', async () => {
    discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN });
    const env: Record<string, string> = { ...(await baseEnv()), DISCORD_TOKEN: OTHER_TOKEN, DISCORD_API_URL: discord.apiUrl };
    const bot = startBot({ env });
    const exit = await runToExit(bot);
    console.log(`[e2e] rejected token → exit ${String(exit.code)} after ${exit.ms} ms`);
    expect(exit.code, describeOutput(bot)).not.toBe(0);
    expect(exit.code).not.toBeNull();

    const problems = bot.logs().filter((line) => line.level >= 50);
    expect(problems, describeOutput(bot)).toHaveLength(1);
    expect(problems[0]).toMatchObject({ level: 60, msg: expect.stringContaining('Discord rejected DISCORD_TOKEN') as string });
    expect(discord.requests.some((request) => request.status === 401)).toBe(true);
    expect(discord.identifyCount).toBe(0);
    expectNoStackTrace(bot);
    expectNoSecrets(bot, [OTHER_TOKEN, CLIENT_SECRET, env.TOKEN_ENCRYPTION_KEY!]);
  });

  it('missing variables: exit 1 with the configuration message listing each of them', async () => {
    const env: Record<string, string | undefined> = {
      ...(await baseEnv()),
      ANILIST_CLIENT_SECRET: undefined,
      TOKEN_ENCRYPTION_KEY: undefined,
      DISCORD_CLIENT_SECRET: undefined,
    };
    const bot = startBot({ env });
    const exit = await runToExit(bot);
    expect(exit.code, describeOutput(bot)).toBe(1);
    const stderr = bot.stderr();
    expect(stderr).toContain('anilink cannot start: the configuration has 3 problems');
    expect(stderr).toMatch(/^ {2}- DISCORD_CLIENT_SECRET is required: the OAuth2 client secret of the same Discord application/m);
    expect(stderr).toMatch(/^ {2}- ANILIST_CLIENT_SECRET is required/m);
    expect(stderr).toMatch(/^ {2}- TOKEN_ENCRYPTION_KEY is required/m);
    expect(stderr).toContain('.env.example');
    expect(bot.stdout()).toBe('');
    expectNoStackTrace(bot);
    expectNoSecrets(bot, [TEST_DISCORD_TOKEN]);
  });

  it('a malformed token is reported without echoing it', async () => {
    const malformed = 'Bot not-a-real-token-value-1234567890';
    const bot = startBot({ env: { ...(await baseEnv()), DISCORD_TOKEN: malformed } });
    const exit = await runToExit(bot);
    expect(exit.code).toBe(1);
    expect(bot.stderr()).toContain('DISCORD_TOKEN does not look like a Discord bot token');
    expectNoStackTrace(bot);
    expectNoSecrets(bot, [malformed, 'not-a-real-token-value']);
  });

  it('Discord unreachable: one clear fatal line naming DISCORD_API_URL, non-zero exit', async () => {
    const bot = startBot({ env: await baseEnv() });
    const exit = await runToExit(bot, 45_000);
    console.log(`[e2e] unreachable Discord → exit ${String(exit.code)} after ${exit.ms} ms`);
    expect(exit.code, describeOutput(bot)).not.toBe(0);
    const fatal = bot.logs().filter((line) => line.level >= 50);
    expect(fatal, describeOutput(bot)).toHaveLength(1);
    expect(fatal[0]!.msg).toContain('DISCORD_API_URL');
    expectNoStackTrace(bot);
    expectNoSecrets(bot, [TEST_DISCORD_TOKEN, CLIENT_SECRET]);
  });

  it('a plain-http PUBLIC_URL on a public host, a hop-count TRUST_PROXY and an unauthenticated METRICS_PORT on 0.0.0.0: exit 1 naming each fix', async () => {
    const bot = startBot({
      env: { ...(await baseEnv()), PUBLIC_URL: 'http://anilink.example.org', TRUST_PROXY: '1', HOST: '0.0.0.0', METRICS_PORT: '19464' },
    });
    const exit = await runToExit(bot);
    expect(exit.code, describeOutput(bot)).toBe(1);
    const stderr = bot.stderr();
    expect(stderr).toContain('the configuration has 3 problems');
    expect(stderr).toMatch(/^ {2}- PUBLIC_URL must start with https:\/\//m);
    expect(stderr).toMatch(/^ {2}- TRUST_PROXY must list the reverse proxies/m);
    expect(stderr).toMatch(/^ {2}- METRICS_TOKEN is required when METRICS_PORT serves \/metrics on HOST=0\.0\.0\.0/m);
    expectNoStackTrace(bot);
  });

  it('a catch-all TRUST_PROXY (0.0.0.0/0) is a configuration error, not a crash at start-up', async () => {
    const bot = startBot({ env: { ...(await baseEnv()), TRUST_PROXY: '0.0.0.0/0' } });
    const exit = await runToExit(bot);
    expect(exit.code, describeOutput(bot)).toBe(1);
    expect(bot.stderr()).toMatch(/^ {2}- TRUST_PROXY .*"0\.0\.0\.0\/0" is wider than \/8/m);
    expectNoStackTrace(bot);
  });

  it('the port is taken: one clear fatal line naming HOST and PORT, exit 1', async () => {
    const env = await baseEnv();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(Number(env.PORT), '127.0.0.1', resolve));
    const bot = startBot({ env });
    const exit = await runToExit(bot);
    expect(exit.code, describeOutput(bot)).toBe(1);
    const fatal = bot.logs().filter((line) => line.level >= 50);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.msg).toMatch(/Cannot listen on 127\.0\.0\.1:\d+.*Check HOST and PORT/);
    expectNoStackTrace(bot);
  });
});
