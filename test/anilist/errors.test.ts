import { ClientError } from 'graphql-request';
import { describe, expect, it } from 'vitest';
import { AniListError, toAniListError, type AniListErrorKind } from '../../src/anilist/errors.js';

const NOW = 1_700_000_000_000;

function clientError(status: number, body: unknown, headers: Record<string, string> = {}): ClientError {
  const text = JSON.stringify(body);
  const errors = (body as { errors?: unknown[] }).errors;
  return new ClientError(
    { status, headers: new Headers(headers), body: text, ...(errors ? { errors: errors as never } : {}) },
    { query: 'query Viewer { Viewer { id } }' },
  );
}

function map(error: unknown, authenticated = true): AniListError {
  return toAniListError(error, { authenticated, nowMs: NOW });
}

describe('toAniListError', () => {
  const cases: [string, ClientError, AniListErrorKind][] = [
    [
      'HTTP 400 "Invalid token" (expired or revoked link)',
      clientError(400, {
        errors: [{ message: 'Invalid token', status: 400, locations: [{ line: 2, column: 3 }] }],
        data: { Viewer: null },
      }),
      'invalidToken',
    ],
    [
      '"Invalid token" inside an HTTP 200',
      clientError(200, { errors: [{ message: 'Invalid token', status: 400 }], data: null }),
      'invalidToken',
    ],
    [
      '401 "Unauthorized." with a token',
      clientError(200, { errors: [{ message: 'Unauthorized.', status: 401 }], data: { Viewer: null } }),
      'invalidToken',
    ],
    ['404 "Not Found." (private or unknown user)', clientError(404, { errors: [{ message: 'Not Found.', status: 404 }], data: null }), 'notFound'],
    [
      '403 API disabled',
      clientError(403, {
        errors: [
          {
            message:
              'The AniList API has been temporarily disabled due to severe stability issues. Please check the official AniList Discord for more information.',
            status: 403,
          },
        ],
        data: null,
      }),
      'unavailable',
    ],
    ['500 with an HTML body', new ClientError({ status: 500, headers: new Headers(), body: '<html>oops</html>' }, { query: '' }), 'unavailable'],
    ['503', clientError(503, { errors: [{ message: 'Service Unavailable', status: 503 }] }), 'unavailable'],
    ['429', clientError(429, { errors: [{ message: 'Too Many Requests.', status: 429 }], data: null }, { 'Retry-After': '30' }), 'rateLimited'],
    [
      'validation',
      clientError(400, {
        errors: [{ message: 'validation', status: 400, validation: { score: ['The score may not be greater than 100.'] } }],
        data: { SaveMediaListEntry: null },
      }),
      'validation',
    ],
    [
      'malformed query (our bug)',
      clientError(400, {
        errors: [{ message: 'Cannot query field "nonexistentField" on type "MediaList".', status: 400 }],
        data: null,
      }),
      'badRequest',
    ],
    [
      'query too complex',
      clientError(400, { errors: [{ message: 'Max query complexity should be 500 but got 646.', status: 400 }] }),
      'badRequest',
    ],
    [
      'entry id confused with media id',
      clientError(401, { errors: [{ message: 'You are not authorized to modify this MediaList', status: 401 }] }),
      'badRequest',
    ],
  ];

  it.each(cases)('%s → %s', (_label, error, kind) => {
    expect(map(error).kind).toBe(kind);
  });

  it('treats "Unauthorized." without a token as our bug, not an expired link', () => {
    const error = clientError(200, { errors: [{ message: 'Unauthorized.', status: 401 }], data: { Viewer: null } });
    expect(map(error, false).kind).toBe('badRequest');
  });

  it('reads Retry-After, then X-RateLimit-Reset, then falls back to 60 s', () => {
    const body = { errors: [{ message: 'Too Many Requests.', status: 429 }], data: null };
    expect(map(clientError(429, body, { 'retry-after': '51' })).retryAfterSeconds).toBe(51);
    const reset = String(NOW / 1000 + 42);
    expect(map(clientError(429, body, { 'X-RateLimit-Reset': reset })).retryAfterSeconds).toBe(42);
    expect(map(clientError(429, body)).retryAfterSeconds).toBe(60);
  });

  it('exposes validation messages per field and shows them to the member', () => {
    const error = map(
      clientError(400, {
        errors: [
          {
            message: 'validation',
            status: 400,
            validation: { score: ['The score may not be greater than 100.'], id: ['The selected id is invalid.'] },
          },
        ],
      }),
    );
    expect(error.validation).toEqual({
      score: ['The score may not be greater than 100.'],
      id: ['The selected id is invalid.'],
    });
    expect(error.userMessage).toContain('The score may not be greater than 100.');
  });

  it('recognises an error body that was not served as JSON content', () => {
    const body = JSON.stringify({ errors: [{ message: 'Invalid token', status: 400 }], data: null });
    const error = new ClientError({ status: 400, headers: new Headers(), body }, { query: '' });
    expect(map(error).kind).toBe('invalidToken');
  });

  it.each([
    ['AbortSignal.timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
    ['manual abort', new DOMException('This operation was aborted', 'AbortError'), 'timeout'],
    ['connection reset', new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }), 'network'],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'network'],
    ['plain fetch failed', new TypeError('fetch failed'), 'network'],
    ['garbage 200 body', new SyntaxError('Unexpected token < in JSON'), 'unavailable'],
    ['anything else', new Error('surprise'), 'badRequest'],
  ] as const)('maps %s to %s', (_label, error, kind) => {
    expect(map(error).kind).toBe(kind);
  });

  it('passes AniListErrors through unchanged', () => {
    const busy = new AniListError('busy', { retryAfterSeconds: 12 });
    expect(map(busy)).toBe(busy);
  });

  it('gives every kind a safe, specific user message', () => {
    const kinds: AniListErrorKind[] = [
      'invalidToken',
      'notFound',
      'unavailable',
      'rateLimited',
      'validation',
      'timeout',
      'network',
      'badRequest',
      'busy',
    ];
    const messages = kinds.map((kind) => new AniListError(kind, { serverMessages: ['secret-internal-detail'] }).userMessage);
    expect(new Set(messages).size).toBe(kinds.length);
    for (const message of messages) {
      expect(message).not.toContain('secret-internal-detail');
      expect(message).not.toMatch(/Bearer|HTTP|stack/i);
    }
    expect(new AniListError('invalidToken').userMessage).toContain('/link');
    expect(new AniListError('busy', { retryAfterSeconds: 7 }).userMessage).toContain('7 seconds');
  });

  it('keeps internal detail in the log message, never a token', () => {
    const error = map(
      clientError(400, { errors: [{ message: 'Invalid token', status: 400 }], data: null }, { authorization: 'Bearer abc' }),
    );
    expect(error.message).toBe('AniList invalidToken (HTTP 400): Invalid token');
    expect(error.message).not.toContain('abc');
    expect(error.isTransient).toBe(false);
    expect(new AniListError('rateLimited').isTransient).toBe(true);
  });
});
