import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, readDotEnv } from '../../src/config.js';
import { configProblems as problemsOf, minimalEnv } from '../support/env.js';

describe('config', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(minimalEnv());
    expect(config.discord.apiUrl).toBe('https://discord.com/api');
    expect(config.discord.registerCommands).toBe(true);
    expect(config.discord.guildId).toBeUndefined();
    expect(config.anilist.oauthUrl).toBe('https://anilist.co/api/v2/oauth');
    expect(config.anilist.apiUrl).toBe('https://graphql.anilist.co');
    expect(config.anilist.rateLimitPerMinute).toBe(30);
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.http.port).toBe(3000);
    expect(config.http.trustProxy).toBeUndefined();
    expect(config.databasePath).toBe('./data/anilink.sqlite');
    expect(config.logLevel).toBe('info');
    expect(config.tokenEncryptionKey).toHaveLength(32);
  });

  it('derives the redirect URI exactly from PUBLIC_URL, without a doubled slash', () => {
    const config = parseConfig(minimalEnv({ PUBLIC_URL: 'https://bot.example.org/' }));
    expect(config.http.redirectUri).toBe('https://bot.example.org/oauth/callback');
  });

  it('reports every problem at once, naming each variable with a fix', () => {
    const problems = problemsOf({
      DISCORD_TOKEN: 'Bot abc',
      ANILIST_CLIENT_ID: 'abc',
      PUBLIC_URL: 'not a url',
      PORT: '70000',
      TRUST_PROXY: 'true',
      TOKEN_ENCRYPTION_KEY: 'short',
      LOG_LEVEL: 'loud',
      REGISTER_COMMANDS: 'maybe',
      DISCORD_GUILD_ID: 'guild',
    });
    const variables = problems.map((problem) => problem.split(' ')[0]);
    expect(variables.sort()).toEqual(
      [
        'ANILIST_CLIENT_ID',
        'ANILIST_CLIENT_SECRET',
        'DISCORD_GUILD_ID',
        'DISCORD_TOKEN',
        'LOG_LEVEL',
        'PORT',
        'PUBLIC_URL',
        'REGISTER_COMMANDS',
        'TOKEN_ENCRYPTION_KEY',
        'TRUST_PROXY',
      ].sort(),
    );
    const keyProblem = problems.find((problem) => problem.startsWith('TOKEN_ENCRYPTION_KEY'));
    expect(keyProblem).toContain('randomBytes(32)');
  });

  it('formats one message listing all problems', () => {
    try {
      parseConfig({});
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('5 problems');
      for (const name of ['DISCORD_TOKEN', 'ANILIST_CLIENT_ID', 'ANILIST_CLIENT_SECRET', 'PUBLIC_URL', 'TOKEN_ENCRYPTION_KEY']) {
        expect(message).toContain(name);
      }
    }
  });

  it.each([
    ['DISCORD_TOKEN', 'Discord developer portal'],
    ['ANILIST_CLIENT_ID', 'https://anilist.co/settings/developer'],
    ['ANILIST_CLIENT_SECRET', 'https://anilist.co/settings/developer'],
    ['PUBLIC_URL', 'e.g. https://'],
    ['TOKEN_ENCRYPTION_KEY', 'randomBytes(32)'],
  ])('says what to set when the required %s is missing, in the same sentence as the others', (variable, fix) => {
    for (const missing of [undefined, '', '   ']) {
      const problems = problemsOf(minimalEnv({ [variable]: missing }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${variable} is required: `));
      expect(problems[0]).toContain(fix);
      expect(problems[0]).not.toMatch(/invalid input|expected string|received undefined/i);
    }
  });

  it('accepts a hop count or an address list for TRUST_PROXY, never `true`', () => {
    expect(parseConfig(minimalEnv({ TRUST_PROXY: '1' })).http.trustProxy).toBe(1);
    expect(parseConfig(minimalEnv({ TRUST_PROXY: '10.0.0.1, 172.16.0.0/12' })).http.trustProxy).toEqual(['10.0.0.1', '172.16.0.0/12']);
    expect(problemsOf(minimalEnv({ TRUST_PROXY: 'true' }))[0]).toMatch(/^TRUST_PROXY/);
  });

  it('treats empty values as unset so defaults apply', () => {
    const config = parseConfig(minimalEnv({ PORT: '', DISCORD_GUILD_ID: '' }));
    expect(config.http.port).toBe(3000);
    expect(config.discord.guildId).toBeUndefined();
  });

  it('is frozen', () => {
    const config = parseConfig(minimalEnv());
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.discord)).toBe(true);
  });

  it('reads .env from the working directory, and the environment wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anilink-env-'));
    writeFileSync(join(dir, '.env'), 'PORT=4000\nLOG_LEVEL="debug"\n# comment\n');
    const fromFile = readDotEnv(dir);
    expect(fromFile).toMatchObject({ PORT: '4000', LOG_LEVEL: 'debug' });
    const config = parseConfig({ ...fromFile, ...minimalEnv({ LOG_LEVEL: 'warn' }) });
    expect(config.http.port).toBe(4000);
    expect(config.logLevel).toBe('warn');
    expect(readDotEnv(join(dir, 'missing'))).toEqual({});
  });
});
