import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { TRUST_PROXY_HINT, compileTrustedProxies, isLoopbackHost, type TrustedProxies } from './http/addresses.js';

const DEFAULT_DATABASE_PATH = './data/anilink.sqlite';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const GENERATE_KEY_HINT =
  'generate one with: node -e "console.log(require(\'node:crypto\').randomBytes(32).toString(\'base64\'))"';

// Problems are reported as "<VARIABLE> <message>", so the message does not repeat the name.

/** A required variable that is not set (empty counts as not set): "<VARIABLE> is required: <what to set>". */
const required = (fix: string) => ({ message: `is required: ${fix}` });

const booleanFlag = (_name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => ['true', 'false', '1', '0', 'yes', 'no'].includes(value), {
      message: 'must be true or false',
    })
    .transform((value) => ['true', '1', 'yes'].includes(value));

const httpUrl = (hint: string, ifMissing?: { message: string }) =>
  z
    .string(ifMissing)
    .trim()
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash;
        } catch {
          return false;
        }
      },
      { message: `must be an http(s) URL without query or fragment, ${hint}` },
    )
    // Trailing slashes would double up when paths are appended (`${PUBLIC_URL}/oauth/callback`).
    .transform((value) => value.replace(/\/+$/, ''));

const snowflake = z
  .string()
  .trim()
  .regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');

const encryptionKey = z
  .string()
  .trim()
  .refine((value) => /^[A-Za-z0-9+/]{43}=?$/.test(value) && Buffer.from(value, 'base64').length === 32, {
    message: `must be 32 random bytes in base64 (44 characters); ${GENERATE_KEY_HINT}`,
  })
  .transform((value) => Buffer.from(value, 'base64'));

/**
 * Only the proxies themselves: a hop count (which the installed Fastify treats as "trust nothing") or `true` (which
 * lets every client pick its own address) would turn the per-address limits into one global bucket or none.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((value, ctx): TrustedProxies => {
    try {
      return compileTrustedProxies(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${TRUST_PROXY_HINT} (${(error as Error).message})` });
      return z.NEVER;
    }
  });

const schema = z.object({
  DISCORD_TOKEN: z
    .string(required('the bot token from the Discord developer portal (Bot → Reset Token)'))
    .trim()
    .regex(
      /^[\w-]+\.[\w-]+\.[\w-]+$/,
      'does not look like a Discord bot token (three dot-separated parts, without a "Bot " prefix); copy it from the Discord developer portal (Bot → Reset Token)',
    ),
  DISCORD_API_URL: httpUrl('e.g. https://discord.com/api').default('https://discord.com/api'),
  DISCORD_CLIENT_SECRET: z
    .string(
      required(
        'the OAuth2 client secret of the same Discord application (developer portal → OAuth2 → Client Secret); members sign in with Discord before AniList',
      ),
    )
    .trim()
    .regex(/^[\x21-\x7e]+$/, 'must be the client secret exactly as the Discord developer portal shows it (OAuth2 → Client Secret), without spaces'),
  DISCORD_CLIENT_ID: snowflake.optional(),
  DISCORD_OAUTH_URL: httpUrl('e.g. https://discord.com/oauth2').default('https://discord.com/oauth2'),
  DISCORD_GUILD_ID: snowflake.optional(),
  REGISTER_COMMANDS: booleanFlag('REGISTER_COMMANDS').default(true),
  ANILIST_CLIENT_ID: z
    .string(required('the numeric client ID from https://anilist.co/settings/developer'))
    .trim()
    .regex(/^\d+$/, 'must be the numeric client ID from https://anilist.co/settings/developer'),
  ANILIST_CLIENT_SECRET: z
    .string(required('the client secret from https://anilist.co/settings/developer'))
    .trim(),
  ANILIST_OAUTH_URL: httpUrl('e.g. https://anilist.co/api/v2/oauth').default('https://anilist.co/api/v2/oauth'),
  ANILIST_API_URL: httpUrl('e.g. https://graphql.anilist.co').default('https://graphql.anilist.co'),
  ANILIST_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ message: 'must be a whole number of requests per minute' })
    .int('must be a whole number of requests per minute')
    .min(1, 'must be at least 1')
    .max(90, 'must not exceed 90 (AniList documents 90/min as the maximum)')
    .default(30),
  ANILIST_BACKGROUND_SHARE: z.coerce
    .number({ message: 'must be a fraction from 0 to 1 of the AniList budget that background work may use (e.g. 0.5)' })
    .min(0, 'must be from 0 (no background work) to 1')
    .max(1, 'must be from 0 (no background work) to 1')
    .default(0.5),
  PUBLIC_URL: httpUrl(
    'the address members open in their browser, e.g. https://anilink.example.org',
    required('the address members open in their browser, e.g. https://anilink.example.org (Discord and AniList send them back to PUBLIC_URL/oauth/discord/callback and PUBLIC_URL/oauth/callback)'),
  ),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a whole port number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(3000),
  TRUST_PROXY: trustProxy.optional(),
  DATABASE_PATH: z.string().trim().min(1).default(DEFAULT_DATABASE_PATH),
  TOKEN_ENCRYPTION_KEY: z.string(required(`32 random bytes in base64 that encrypt the stored AniList tokens; ${GENERATE_KEY_HINT}`)).pipe(encryptionKey),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  METRICS: booleanFlag('METRICS').default(true),
  METRICS_PORT: z.coerce
    .number({ message: 'must be a port number for the separate /metrics listener, or empty to serve /metrics on PORT' })
    .int('must be a whole port number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .optional(),
  METRICS_TOKEN: z
    .string()
    .trim()
    .min(16, 'must be at least 16 characters (scrapers send it as "Authorization: Bearer <token>"); generate one with: openssl rand -hex 32')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces, as it travels in an HTTP header')
    .optional(),
  NOTIFICATION_POLL_SECONDS: z.coerce
    .number({ message: 'must be a whole number of seconds between two polls of one member\'s AniList notifications (e.g. 120)' })
    .int('must be a whole number of seconds (e.g. 120)')
    .min(1, 'must be from 1 to 1800 seconds (30 minutes)')
    .max(1800, 'must be from 1 to 1800 seconds (30 minutes): members must hear about new episodes within half an hour')
    .default(120),
  AIRING_FEED_POLL_SECONDS: z.coerce
    .number({ message: 'must be a whole number of seconds between two looks for aired episodes (e.g. 900)' })
    .int('must be a whole number of seconds (e.g. 900)')
    .min(1, 'must be from 1 to 3600 seconds (an hour)')
    .max(3600, 'must be from 1 to 3600 seconds (an hour): servers must hear about new episodes within the hour')
    .default(900),
  EXPIRY_REMINDER_DAYS: z.coerce
    .number({ message: 'must be a whole number of days (0 turns expiry reminders off)' })
    .int('must be a whole number of days (0 turns expiry reminders off)')
    .min(0, 'must be between 0 (off) and 60')
    .max(60, 'must be between 0 (off) and 60')
    .default(14),
  SHARDS: z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => value === 'auto' || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 1000), {
      message:
        'must be "auto" (as many shards as Discord recommends) or a whole number of shards from 1 to 1000; leave it empty to run without sharding',
    })
    .transform((value): 'auto' | number => (value === 'auto' ? 'auto' : Number(value)))
    .optional(),
})
  .superRefine(
    (parsed, ctx) => {
      // Runs even when another variable is invalid (so every problem is reported at once): then a field may be
      // missing or unparsed, and each check looks only at the ones it can read.
      const env = parsed as Partial<Record<keyof typeof parsed, unknown>>;
      const publicUrl = typeof env.PUBLIC_URL === 'string' && URL.canParse(env.PUBLIC_URL) ? new URL(env.PUBLIC_URL) : undefined;
      if (publicUrl?.protocol === 'http:' && !isLoopbackHost(publicUrl.hostname)) {
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_URL'],
          message: `must start with https:// (sign-in codes and cookies travel through it; e.g. https://${publicUrl.host}); plain http:// is only for a loopback address (localhost, 127.0.0.1, [::1]) while trying the bot out`,
        });
      }
      const host = typeof env.HOST === 'string' ? env.HOST : undefined;
      if (env.METRICS !== false && typeof env.METRICS_PORT === 'number' && env.METRICS_TOKEN === undefined && host !== undefined && !isLoopbackHost(host)) {
        ctx.addIssue({
          code: 'custom',
          path: ['METRICS_TOKEN'],
          message: `is required when METRICS_PORT serves /metrics on HOST=${host}, which is not a loopback address: set METRICS_TOKEN (e.g. openssl rand -hex 32) for scrapers to send as a bearer token, or HOST=127.0.0.1 so only this machine reaches it`,
        });
      }
      if (typeof env.METRICS_PORT === 'number' && env.METRICS_PORT === env.PORT) {
        ctx.addIssue({
          code: 'custom',
          path: ['METRICS_PORT'],
          message: `must differ from PORT (${env.PORT}); leave METRICS_PORT empty to serve /metrics on PORT instead`,
        });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

type ParsedConfig = z.output<typeof schema>;

export interface Config {
  readonly discord: {
    readonly token: string;
    readonly apiUrl: string;
    readonly guildId: string | undefined;
    readonly registerCommands: boolean;
    /** Members sign in with Discord (OAuth2) before AniList, proving they are the member who ran /link. */
    readonly oauth: {
      /** undefined: the application id (which every /link interaction carries). */
      readonly clientId: string | undefined;
      readonly clientSecret: string;
      /** The authorize page is `${oauthUrl}/authorize`. */
      readonly oauthUrl: string;
      /** `${PUBLIC_URL}/oauth/discord/callback`, registered under OAuth2 → Redirects. */
      readonly redirectUri: string;
    };
  };
  readonly anilist: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly oauthUrl: string;
    readonly apiUrl: string;
    readonly rateLimitPerMinute: number;
    /** The most of the window's budget that background jobs may hold; members always come first. */
    readonly backgroundShare: number;
  };
  readonly http: {
    readonly publicUrl: string;
    readonly redirectUri: string;
    readonly host: string;
    readonly port: number;
    readonly trustProxy: TrustedProxies | undefined;
  };
  readonly databasePath: string;
  readonly tokenEncryptionKey: Buffer;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly metrics: {
    readonly enabled: boolean;
    /** A separate listener for /metrics (on HOST); undefined serves /metrics on the public PORT. */
    readonly port: number | undefined;
    /** When set, /metrics requires `Authorization: Bearer <token>`. */
    readonly token: string | undefined;
  };
  /** Days before a token's expiry when the member gets a reminder DM; 0 turns reminders off. */
  readonly expiryReminderDays: number;
  readonly notifications: {
    /**
     * The shortest time between two polls of one member's AniList notifications (NOTIFICATION_POLL_SECONDS). Under
     * load the background lane stretches it; polls are then served oldest due first.
     */
    readonly pollSeconds: number;
  };
  readonly airingFeed: {
    /**
     * Seconds between two looks for aired episodes for every server's /airing-feed (AIRING_FEED_POLL_SECONDS): each
     * look costs one AniList request per 50 titles the feeds' members are watching.
     */
    readonly pollSeconds: number;
  };
  /**
   * SHARDS: undefined runs one process with one gateway connection (the default); otherwise a sharding manager
   * spawns this many shard processes ('auto': as many as Discord recommends). Always undefined inside a shard.
   */
  readonly shards: 'auto' | number | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `anilink cannot start: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        '\nSet these in the environment or in .env (see .env.example).',
    );
    this.name = 'ConfigError';
  }
}

/** Reads `.env` from the working directory, if present; variables already in the environment win. */
export function readDotEnv(cwd: string = process.cwd()): Record<string, string> {
  const path = resolve(cwd, '.env');
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
}

/** Parses the whole environment at once so every problem is reported together. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty assignment (`FOO=` in .env) means "not set", so defaults apply instead of failing validation.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`);
    throw new ConfigError(problems);
  }
  return freeze(result.data);
}

/**
 * Only DATABASE_PATH (with its default), for tools such as `npm run db:backup` that need the database but not
 * the rest of a valid configuration.
 */
export function loadDatabasePath(env: Record<string, string | undefined> = { ...readDotEnv(), ...process.env }): string {
  const value = env.DATABASE_PATH?.trim();
  return value ? value : DEFAULT_DATABASE_PATH;
}

/** The configuration from `.env` and the environment (which wins), over `defaults` (for tools such as benchmarks). */
export function loadConfig(defaults: Record<string, string> = {}): Config {
  return parseConfig({ ...defaults, ...readDotEnv(), ...process.env });
}

/**
 * The configuration inside a shard process (src/shard.ts). discord.js's ShardingManager puts its own `SHARDS`
 * (this shard's id) and `SHARD_COUNT` into the child's environment; those are for discord.js's Client, not the
 * admin's SHARDS option, so they are left out here and the shard never tries to shard again.
 */
export function loadShardConfig(): Config {
  const { SHARDS: _shardIds, SHARD_COUNT: _shardCount, ...env } = { ...readDotEnv(), ...process.env };
  return parseConfig(env);
}

function freeze(parsed: ParsedConfig): Config {
  const config: Config = {
    discord: {
      token: parsed.DISCORD_TOKEN,
      apiUrl: parsed.DISCORD_API_URL,
      guildId: parsed.DISCORD_GUILD_ID,
      registerCommands: parsed.REGISTER_COMMANDS,
      oauth: {
        clientId: parsed.DISCORD_CLIENT_ID,
        clientSecret: parsed.DISCORD_CLIENT_SECRET,
        oauthUrl: parsed.DISCORD_OAUTH_URL,
        redirectUri: `${parsed.PUBLIC_URL}/oauth/discord/callback`,
      },
    },
    anilist: {
      clientId: parsed.ANILIST_CLIENT_ID,
      clientSecret: parsed.ANILIST_CLIENT_SECRET,
      oauthUrl: parsed.ANILIST_OAUTH_URL,
      apiUrl: parsed.ANILIST_API_URL,
      rateLimitPerMinute: parsed.ANILIST_RATE_LIMIT_PER_MINUTE,
      backgroundShare: parsed.ANILIST_BACKGROUND_SHARE,
    },
    http: {
      publicUrl: parsed.PUBLIC_URL,
      redirectUri: `${parsed.PUBLIC_URL}/oauth/callback`,
      host: parsed.HOST,
      port: parsed.PORT,
      trustProxy: parsed.TRUST_PROXY,
    },
    databasePath: parsed.DATABASE_PATH,
    tokenEncryptionKey: parsed.TOKEN_ENCRYPTION_KEY,
    logLevel: parsed.LOG_LEVEL,
    metrics: {
      enabled: parsed.METRICS,
      port: parsed.METRICS_PORT,
      token: parsed.METRICS_TOKEN,
    },
    expiryReminderDays: parsed.EXPIRY_REMINDER_DAYS,
    notifications: { pollSeconds: parsed.NOTIFICATION_POLL_SECONDS },
    airingFeed: { pollSeconds: parsed.AIRING_FEED_POLL_SECONDS },
    shards: parsed.SHARDS,
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object' && !Buffer.isBuffer(child)) deepFreeze(child as object);
  }
  return Object.freeze(value);
}
