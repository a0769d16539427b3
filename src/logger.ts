import { pino, type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger } from 'pino';

/**
 * Paths that may hold a credential if someone logs a whole object. Request URLs are reduced to their route
 * pattern by the HTTP server, so OAuth codes and states never reach this point in the first place.
 */
const REDACT_PATHS = [
  'token',
  'accessToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'state',
  'authorization',
  'cookie',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.state',
  '*.authorization',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * Discord webhook and interaction-callback URLs carry the interaction token, which edits or answers the reply for
 * 15 minutes: `/webhooks/<appId>/<token>/…` and `/interactions/<id>/<token>/callback`. discord.js puts the request
 * URL on its errors (`DiscordAPIError.url`, `HTTPError.url`) and the route's major parameter (`<appId>/<token>`) on
 * rate-limit errors, and pino's error serializer copies every enumerable property.
 */
const TOKEN_IN_PATH = /(\/(?:webhooks|interactions)\/\d+\/)[^/?#\s"'`]+/g;
const MAJOR_PARAMETER_WITH_TOKEN = /^(\d{15,25}\/)[^/?#\s]+$/;
/** Error properties that hold what we sent Discord (message content, files): never worth logging. */
const DROPPED_ERROR_KEYS = new Set(['requestBody', 'raw']);
const MAX_DEPTH = 4;

export function scrubDiscordTokens(text: string): string {
  return text.replace(TOKEN_IN_PATH, '$1[token]');
}

function scrub(value: unknown, key: string, depth: number): unknown {
  if (typeof value === 'string') {
    const scrubbed = scrubDiscordTokens(value);
    return key === 'majorParameter' ? scrubbed.replace(MAJOR_PARAMETER_WITH_TOKEN, '$1[token]') : scrubbed;
  }
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, key, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) {
    if (DROPPED_ERROR_KEYS.has(name)) continue;
    out[name] = scrub(inner, name, depth + 1);
  }
  return out;
}

/**
 * pino's standard error serializer, then every string (url, message, stack, causes…) has Discord interaction tokens
 * replaced by `[token]`, and `requestBody` is dropped. One place, so every `{ err }` log line is covered.
 */
export function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown;
  if (serialized === null || typeof serialized !== 'object') return typeof serialized === 'string' ? scrubDiscordTokens(serialized) : serialized;
  return scrub(serialized, 'err', 0);
}

export interface LoggerOptions {
  level: string;
  /** Where JSON lines go (default stdout). */
  destination?: DestinationStream;
  /**
   * Human-readable, coloured lines instead of JSON: for a terminal only (main.ts passes `process.stdout.isTTY`),
   * so log collectors always get JSON. Ignored when `destination` is given.
   */
  pretty?: boolean;
}

export function createLogger({ level, destination, pretty = false }: LoggerOptions): Logger {
  // pino-pretty as an in-process synchronous stream rather than a worker-thread transport, so the fatal line
  // written just before process.exit(1) (bad config, unwritable database) is never lost.
  const target =
    destination ?? (pretty ? pinoPretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' }) : undefined);
  return pino(
    {
      level,
      base: { app: 'anilink' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    target,
  );
}
