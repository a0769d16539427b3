import { pino, type DestinationStream, type Logger } from 'pino';

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

export function createLogger({ level, destination }: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level,
      base: { app: 'anilink' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
