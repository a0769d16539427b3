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
        'DISCORD_CLIENT_SECRET',
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
      expect(message).toContain('6 problems');
      for (const name of ['DISCORD_TOKEN', 'DISCORD_CLIENT_SECRET', 'ANILIST_CLIENT_ID', 'ANILIST_CLIENT_SECRET', 'PUBLIC_URL', 'TOKEN_ENCRYPTION_KEY']) {
        expect(message).toContain(name);
      }
    }
  });

  it.each([
    ['DISCORD_TOKEN', 'Discord developer portal'],
    ['DISCORD_CLIENT_SECRET', 'OAuth2'],
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

  it('TRUST_PROXY takes proxy addresses or CIDRs only, compiled into a trust function: no hop count, no `true`, nothing wider than /8 or /16', () => {
    for (const bad of ['1', '2', 'true', '0.0.0.0/1,128.0.0.0/1', '0.0.0.0/0', '10.0.0.0/7', '::/0', '::/16', '2001:db8::/15', '::ffff:0:0/96', '::ffff:10.0.0.0/100', 'loopback', '10.0.0.0/255.0.0.0', '10.0.0.1/33', 'proxy.local', '10.0.0.1,,']) {
      const problems = problemsOf(minimalEnv({ TRUST_PROXY: bad }));
      expect(problems, bad).toHaveLength(1);
      expect(problems[0], bad).toMatch(/^TRUST_PROXY /);
      expect(problems[0], bad).toContain('e.g. TRUST_PROXY=172.17.0.1');
    }
    const { trustProxy } = parseConfig(minimalEnv({ TRUST_PROXY: '10.0.0.1, 172.16.0.0/12, fd00:1::/32, ::ffff:192.168.0.0/120' })).http;
    expect(trustProxy?.addresses).toEqual(['10.0.0.1', '172.16.0.0/12', 'fd00:1::/32', '::ffff:192.168.0.0/120']);
    const trusts = (address: string) => trustProxy!.trust(address, 0);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '172.20.3.4', 'fd00:1:2::3', '192.168.0.9'].map(trusts)).toEqual([true, true, true, true, true]);
    expect(['10.0.0.2', '8.8.8.8', '127.0.0.1', 'fd00:2::1', '192.168.1.9'].map(trusts)).toEqual([false, false, false, false, false]);
    expect(parseConfig(minimalEnv({ TRUST_PROXY: '10.0.0.0/8' })).http.trustProxy!.trust('10.200.0.1', 0)).toBe(true);
  });

  it('PUBLIC_URL must be https unless its host is a loopback address', () => {
    for (const bad of ['http://anilink.example.org', 'http://10.0.0.5:3000', 'http://[2001:db8::1]:3000', 'ftp://anilink.example.org']) {
      const problems = problemsOf(minimalEnv({ PUBLIC_URL: bad }));
      expect(problems, bad).toHaveLength(1);
      expect(problems[0], bad).toMatch(/^PUBLIC_URL /);
      expect(problems[0], bad).toContain('https://');
    }
    for (const good of ['https://anilink.example.org', 'http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
      expect(parseConfig(minimalEnv({ PUBLIC_URL: good })).http.publicUrl, good).toBe(good);
    }
  });

  it('serves /metrics without METRICS_TOKEN only on a loopback binding', () => {
    const problems = problemsOf(minimalEnv({ METRICS_PORT: '9464' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^METRICS_TOKEN is required /);
    expect(problems[0]).toContain('HOST=127.0.0.1');
    expect(problemsOf(minimalEnv({ METRICS_PORT: '9464', HOST: '192.168.1.10' }))[0]).toMatch(/^METRICS_TOKEN /);
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(parseConfig(minimalEnv({ METRICS_PORT: '9464', HOST: host })).metrics.port).toBe(9464);
    expect(parseConfig(minimalEnv({ METRICS_PORT: '9464', METRICS_TOKEN: 'a'.repeat(32) })).metrics.token).toBe('a'.repeat(32));
    expect(parseConfig(minimalEnv({ METRICS_PORT: '9464', METRICS: 'false' })).metrics.enabled).toBe(false);
  });

  it('Discord sign-in: DISCORD_CLIENT_SECRET is required; the client id defaults to the application; the redirect URI is PUBLIC_URL/oauth/discord/callback', () => {
    const config = parseConfig(minimalEnv({ PUBLIC_URL: 'https://bot.example.org/' }));
    expect(config.discord.oauth).toEqual({
      clientId: undefined,
      clientSecret: 'test-discord-client-secret',
      oauthUrl: 'https://discord.com/oauth2',
      redirectUri: 'https://bot.example.org/oauth/discord/callback',
    });
    expect(parseConfig(minimalEnv({ DISCORD_CLIENT_ID: '123456789012345678', DISCORD_OAUTH_URL: 'http://127.0.0.1:9/oauth2/' })).discord.oauth).toMatchObject({
      clientId: '123456789012345678',
      oauthUrl: 'http://127.0.0.1:9/oauth2',
    });
    expect(problemsOf(minimalEnv({ DISCORD_CLIENT_ID: 'app' }))[0]).toMatch(/^DISCORD_CLIENT_ID /);
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
