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
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    target,
  );
}
