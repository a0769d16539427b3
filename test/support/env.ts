import { randomBytes } from 'node:crypto';
import { ConfigError, parseConfig } from '../../src/config.js';

/** A syntactically valid bot token; the fake Discord accepts whatever token it was started with. */
export const TEST_DISCORD_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.GfAkEd.fake-token-for-tests-only-0123456789abcdef';

export function testEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

/** The smallest environment that passes config validation. */
export function minimalEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    DISCORD_TOKEN: TEST_DISCORD_TOKEN,
    DISCORD_CLIENT_SECRET: 'test-discord-client-secret',
    ANILIST_CLIENT_ID: '1234',
    ANILIST_CLIENT_SECRET: 'test-client-secret-value',
    PUBLIC_URL: 'http://127.0.0.1:3000',
    TOKEN_ENCRYPTION_KEY: testEncryptionKey(),
    ...overrides,
  };
}

/** The problems parseConfig reports for an environment that must be rejected; throws if it is accepted. */
export function configProblems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}
