import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadShardConfig, parseConfig } from '../../../src/config.js';
import { configProblems as problemsOf, minimalEnv } from '../../support/env.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('SHARDS', () => {
  it('is off when unset or empty, "auto" or a whole number otherwise', () => {
    expect(parseConfig(minimalEnv()).shards).toBeUndefined();
    expect(parseConfig(minimalEnv({ SHARDS: '' })).shards).toBeUndefined();
    expect(parseConfig(minimalEnv({ SHARDS: '  ' })).shards).toBeUndefined();
    expect(parseConfig(minimalEnv({ SHARDS: 'auto' })).shards).toBe('auto');
    expect(parseConfig(minimalEnv({ SHARDS: ' AUTO ' })).shards).toBe('auto');
    expect(parseConfig(minimalEnv({ SHARDS: '2' })).shards).toBe(2);
    expect(parseConfig(minimalEnv({ SHARDS: '1' })).shards).toBe(1);
  });

  it.each(['0', '-1', '1.5', 'two', '[0,1]', '1001'])('rejects %j with a message that says what is allowed', (value) => {
    const [problem] = problemsOf(minimalEnv({ SHARDS: value }));
    expect(problem).toMatch(/^SHARDS must be "auto" .* or a whole number of shards from 1 to 1000; leave it empty to run without sharding$/);
  });

  it("inside a shard, discord.js's own SHARDS (the shard id) and SHARD_COUNT are not read as the option", () => {
    for (const [key, value] of Object.entries(minimalEnv())) vi.stubEnv(key, value);
    vi.stubEnv('SHARDS', '0');
    vi.stubEnv('SHARD_COUNT', '2');
    const config = loadShardConfig();
    expect(config.shards).toBeUndefined();
    expect(config.discord.token).toBe(minimalEnv().DISCORD_TOKEN);
    // The same value in the manager would be a mistake, reported as such.
    expect(problemsOf(minimalEnv({ SHARDS: '0' }))).toHaveLength(1);
  });
});
