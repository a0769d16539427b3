import { randomBytes } from 'node:crypto';

/** A syntactically valid bot token; the fake Discord accepts whatever token it was started with. */
export const TEST_DISCORD_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.GfAkEd.fake-token-for-tests-only-0123456789abcdef';

export function testEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

/** The smallest environment that passes config validation. */
export function minimalEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    DISCORD_TOKEN: TEST_DISCORD_TOKEN,
    ANILIST_CLIENT_ID: '1234',
    ANILIST_CLIENT_SECRET: 'test-client-secret-value',
    PUBLIC_URL: 'http://127.0.0.1:3000',
    TOKEN_ENCRYPTION_KEY: testEncryptionKey(),
    ...overrides,
  };
}
