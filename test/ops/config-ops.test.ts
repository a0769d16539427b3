import { describe, expect, it } from 'vitest';
import { loadDatabasePath, parseConfig } from '../../src/config.js';
import { configProblems as problemsOf, minimalEnv } from '../support/env.js';

describe('operations settings', () => {
  it('defaults: metrics on, with no separate METRICS_PORT and no METRICS_TOKEN; reminders 14 days ahead', () => {
    const config = parseConfig(minimalEnv());
    expect(config.metrics).toEqual({ enabled: true, port: undefined, token: undefined });
    expect(config.expiryReminderDays).toBe(14);
  });

  it('reads METRICS, METRICS_PORT, METRICS_TOKEN and EXPIRY_REMINDER_DAYS', () => {
    const config = parseConfig(
      minimalEnv({ METRICS: 'false', METRICS_PORT: '9464', METRICS_TOKEN: 'abcdefghijklmnop0123', EXPIRY_REMINDER_DAYS: '0' }),
    );
    expect(config.metrics).toEqual({ enabled: false, port: 9464, token: 'abcdefghijklmnop0123' });
    expect(config.expiryReminderDays).toBe(0);
    expect(Object.isFrozen(config.metrics)).toBe(true);
  });

  it('explains every bad value', () => {
    const problems = problemsOf(minimalEnv({ METRICS: 'maybe', METRICS_PORT: '70000', METRICS_TOKEN: 'short', EXPIRY_REMINDER_DAYS: '90' }));
    expect(problems).toEqual([
      'METRICS must be true or false',
      'METRICS_PORT must be between 1 and 65535',
      expect.stringMatching(/^METRICS_TOKEN must be at least 16 characters .*openssl rand -hex 32$/) as unknown,
      'EXPIRY_REMINDER_DAYS must be between 0 (off) and 60',
    ]);
    expect(problemsOf(minimalEnv({ METRICS_TOKEN: 'has a space in it, sixteen+' }))).toEqual([expect.stringContaining('without spaces') as unknown]);
    expect(problemsOf(minimalEnv({ EXPIRY_REMINDER_DAYS: '1.5' }))).toEqual([expect.stringContaining('whole number of days') as unknown]);
  });

  it('METRICS_PORT must differ from PORT', () => {
    expect(problemsOf(minimalEnv({ PORT: '8080', METRICS_PORT: '8080', HOST: '127.0.0.1' }))).toEqual([
      'METRICS_PORT must differ from PORT (8080); leave METRICS_PORT empty to serve /metrics on PORT instead',
    ]);
  });

  it('loadDatabasePath needs only DATABASE_PATH (for db:backup), with the same default', () => {
    expect(loadDatabasePath({})).toBe('./data/anilink.sqlite');
    expect(loadDatabasePath({ DATABASE_PATH: ' /data/x.sqlite ' })).toBe('/data/x.sqlite');
    expect(parseConfig(minimalEnv()).databasePath).toBe(loadDatabasePath({}));
  });
});
