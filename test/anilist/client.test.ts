import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAniListClient, type AniListClient } from '../../src/anilist/client.js';
import { AniListError } from '../../src/anilist/errors.js';
import { createRateLimiter, type RateLimiter } from '../../src/anilist/rate-limiter.js';

/** What the tiny server saw for each request. */
interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: { query: string; variables: Record<string, unknown>; operationName?: string };
}

type Responder = (request: Received, req: IncomingMessage, res: ServerResponse) => void;

const TOKEN = 'eyJ0eXAiOiJKV1Qi.secret-token-value';
const REFERER = 'https://anilink.example/';
const USER_AGENT = 'anilink-test/1.0 (+https://anilink.example)';

let server: Server;
let endpoint: string;
let responder: Responder;
let received: Received[];

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'X-RateLimit-Limit': '30',
    'X-RateLimit-Remaining': '29',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function respond(status: number, body: unknown, headers: Record<string, string> = {}): Responder {
  return (_request, _req, res) => json(res, status, body, headers);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: Received = {
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'],
      };
      received.push(request);
      responder(request, req, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

let limiter: RateLimiter;
let client: AniListClient;
let logLines: string[];

beforeEach(() => {
  received = [];
  logLines = [];
  responder = respond(500, { errors: [{ message: 'no responder set', status: 500 }] });
  limiter = createRateLimiter({ perMinute: 30, maxWaitMs: 1_000 });
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  client = createAniListClient({ endpoint, userAgent: USER_AGENT, referer: REFERER, timeoutMs: 300, limiter, logger });
});

afterEach(() => {
  limiter.close();
  // Whatever happened, the token must never reach the logs.
  expect(logLines.join('\n')).not.toContain(TOKEN);
});

const viewerData = {
  Viewer: {
    id: 42,
    name: 'Member',
    siteUrl: 'https://anilist.co/user/Member',
    avatar: { large: 'l.png', medium: 'm.png' },
    options: { titleLanguage: 'ENGLISH', displayAdultContent: false },
    mediaListOptions: { scoreFormat: 'POINT_10' },
  },
};

function media(id: number) {
  return {
    id,
    type: 'ANIME',
    format: 'TV',
    episodes: 12,
    chapters: null,
    volumes: null,
    isAdult: false,
    siteUrl: `https://anilist.co/anime/${id}`,
    title: { userPreferred: `Title ${id}`, romaji: `Title ${id}`, english: null },
    coverImage: { medium: `${id}.png` },
    mediaListEntry: null,
  };
}

function entry(id: number, updatedAt: number) {
  return { id, mediaId: id * 10, status: 'CURRENT', progress: 1, progressVolumes: null, score: 0, updatedAt, media: media(id * 10) };
}

async function failure(promise: Promise<unknown>): Promise<AniListError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AniListError);
  return error as AniListError;
}

describe('AniList client against a local server', () => {
  it('sends Referer, User-Agent, JSON headers and the bearer token, and reports to the limiter', async () => {
    responder = respond(200, { data: viewerData });
    const viewer = await client.viewer({ token: TOKEN, key: 'discord-1' });

    expect(viewer).toEqual(viewerData.Viewer);
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received as [Received];
    expect(headers['referer']).toBe(REFERER);
    expect(headers['user-agent']).toBe(USER_AGENT);
    expect(headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(headers['accept']).toBe('application/json');
    expect(headers['content-type']).toBe('application/json');
    expect(body.operationName).toBe('Viewer');
    expect(body.query).toContain('mediaListOptions');
    expect(limiter.stats().sent).toBe(1);
  });

  it('sends no Authorization header for public calls', async () => {
    responder = respond(200, { data: { Media: media(1) } });
    await client.mediaById(1, { key: 'discord-1' });
    expect(received[0]?.headers['authorization']).toBeUndefined();
    expect(received[0]?.body.variables).toEqual({ id: 1 });
  });

  it('maps the 400 "Invalid token" answer to invalidToken', async () => {
    responder = respond(400, {
      errors: [{ message: 'Invalid token', status: 400, locations: [{ line: 2, column: 3 }] }],
      data: { Viewer: null },
    });
    const error = await failure(client.viewer({ token: TOKEN, key: 'discord-1' }));
    expect(error.kind).toBe('invalidToken');
    expect(error.userMessage).toContain('/link');
  });

  it('maps "Unauthorized." delivered with HTTP 200 to invalidToken', async () => {
    responder = respond(200, { data: { Viewer: null }, errors: [{ message: 'Unauthorized.', status: 401 }] });
    expect((await failure(client.viewer({ token: TOKEN, key: 'k' }))).kind).toBe('invalidToken');
  });

  it('maps a 429 to rateLimited and pauses the shared limiter for Retry-After', async () => {
    responder = respond(429, { data: null, errors: [{ message: 'Too Many Requests.', status: 429 }] }, {
      'Retry-After': '7',
      'X-RateLimit-Remaining': '0',
    });
    const before = Date.now();
    const error = await failure(client.mediaById(5, { key: 'k' }));
    expect(error.kind).toBe('rateLimited');
    expect(error.retryAfterSeconds).toBe(7);
    const pausedUntil = limiter.stats().pausedUntil;
    expect(pausedUntil).not.toBeNull();
    expect(pausedUntil! - before).toBeGreaterThanOrEqual(6_900);

    // Nothing else goes out during the pause: this caller is told to come back later instead.
    const busy = await failure(client.mediaById(6, { key: 'other' }));
    expect(busy.kind).toBe('busy');
    expect(busy.retryAfterSeconds).toBeGreaterThanOrEqual(6);
    expect(received).toHaveLength(1);
  });

  it('maps the 403 "temporarily disabled" answer to unavailable', async () => {
    responder = respond(403, {
      errors: [
        {
          message:
            'The AniList API has been temporarily disabled due to severe stability issues. Please check the official AniList Discord for more information.',
          status: 403,
          locations: [{ line: 1, column: 1 }],
        },
      ],
      data: null,
    });
    expect((await failure(client.userProfile(1, { key: 'k' }))).kind).toBe('unavailable');
  });

  it('maps a 500 to unavailable', async () => {
    responder = (_request, _req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/html' });
      res.end('<h1>Internal Server Error</h1>');
    };
    expect((await failure(client.userProfile(1, { key: 'k' }))).kind).toBe('unavailable');
  });

  it('maps a 404 for a private or unknown user to notFound', async () => {
    responder = respond(404, { errors: [{ message: 'Not Found.', status: 404 }], data: { User: null } });
    expect((await failure(client.userProfile(999, { key: 'k' }))).kind).toBe('notFound');
  });

  it('maps a reset connection to network', async () => {
    responder = (_request, req) => req.socket.destroy();
    expect((await failure(client.userProfile(1, { key: 'k' }))).kind).toBe('network');
  });

  it('maps an answer slower than the timeout to timeout', async () => {
    responder = (_request, _req, res) => {
      const timer = setTimeout(() => json(res, 200, { data: { User: null } }), 2_000);
      res.on('close', () => clearTimeout(timer));
    };
    const started = Date.now();
    expect((await failure(client.userProfile(1, { key: 'k' }))).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('maps a validation error and exposes the field messages', async () => {
    responder = respond(400, {
      errors: [
        { message: 'validation', status: 400, validation: { score: ['The score may not be greater than 100.'] } },
      ],
      data: { SaveMediaListEntry: null },
    });
    const error = await failure(client.saveMediaListEntry({ mediaId: 1, score: 1000 }, { token: TOKEN, key: 'k' }));
    expect(error.kind).toBe('validation');
    expect(error.validation).toEqual({ score: ['The score may not be greater than 100.'] });
    expect(received[0]?.body.variables).toEqual({ mediaId: 1, score: 1000 });
  });

  it('maps a malformed query to badRequest and logs it', async () => {
    responder = respond(400, {
      errors: [{ message: 'Cannot query field "nonexistentField" on type "MediaList".', status: 400 }],
      data: null,
    });
    expect((await failure(client.mediaById(1, { key: 'k' }))).kind).toBe('badRequest');
    expect(logLines.some((line) => line.includes('nonexistentField') && line.includes('"level":50'))).toBe(true);
  });

  it('caches token-less media and coalesces concurrent loads, but never caches with a token', async () => {
    responder = respond(200, { data: { Media: media(7) } });
    await Promise.all([client.mediaById(7, { key: 'a' }), client.mediaById(7, { key: 'b' })]);
    await client.mediaById(7, { key: 'c' });
    expect(received).toHaveLength(1);

    await client.mediaById(7, { key: 'a', token: TOKEN });
    await client.mediaById(7, { key: 'a', token: TOKEN });
    expect(received).toHaveLength(3);
  });

  it('caches searches by normalised arguments, including isAdult', async () => {
    responder = respond(200, { data: { Page: { media: [media(1), media(2)] } } });
    const first = await client.searchMedia({ search: '  Frieren ', type: 'ANIME' }, { key: 'a' });
    expect(first.map((m) => m.id)).toEqual([1, 2]);
    expect(received[0]?.body.variables).toEqual({ search: 'Frieren', type: 'ANIME', isAdult: false, perPage: 10 });

    await client.searchMedia({ search: 'frieren', type: 'ANIME', isAdult: false }, { key: 'b' });
    expect(received).toHaveLength(1);

    await client.searchMedia({ search: 'frieren', type: 'ANIME', isAdult: null }, { key: 'b' });
    expect(received).toHaveLength(2);
    expect(received[1]?.body.variables['isAdult']).toBeNull();
  });

  it('peeks at a cached list without ever sending a request', async () => {
    responder = respond(200, { data: { MediaListCollection: { hasNextChunk: false, lists: [{ entries: [entry(1, 100)] }] } } });
    expect(client.peekUserMediaList({ userId: 42, type: 'ANIME' }, { key: 'a', token: TOKEN })).toBeUndefined();
    expect(received).toHaveLength(0);
    await client.userMediaList({ userId: 42, type: 'ANIME' }, { key: 'a', token: TOKEN });
    expect(client.peekUserMediaList({ userId: 42, type: 'ANIME' }, { key: 'a', token: TOKEN })?.entries.map((e) => e.id)).toEqual([1]);
    // Scoped like the cache itself: another token (or none) does not see the owner's answer.
    expect(client.peekUserMediaList({ userId: 42, type: 'ANIME' }, { key: 'a' })).toBeUndefined();
    expect(client.peekUserMediaList({ userId: 42, type: 'MANGA' }, { key: 'a', token: TOKEN })).toBeUndefined();
    expect(received).toHaveLength(1);
  });

  it('drops an abandoned search while it waits for the limiter, without failing others who search the same', async () => {
    const slow = createRateLimiter({ perMinute: 60, burst: 1, maxWaitMs: 5_000 });
    const searching = createAniListClient({ endpoint, userAgent: USER_AGENT, referer: REFERER, limiter: slow, logger: pino({ level: 'silent' }) });
    responder = respond(200, { data: { Page: { media: [media(1)] } } });
    try {
      await searching.searchMedia({ search: 'warm up' }, { key: 'other' }); // spends the only burst token
      const controller = new AbortController();
      const abandoned = searching.searchMedia({ search: 'frieren' }, { key: 'a', signal: controller.signal });
      const kept = searching.searchMedia({ search: 'frieren' }, { key: 'b' });
      expect(slow.stats().queued).toBe(2);
      controller.abort(new Error('newer keystroke'));
      expect(slow.stats().queued).toBe(1); // out of the queue at once, not when its turn comes
      await expect(abandoned).rejects.toThrow('newer keystroke');
      expect((await kept).map((m) => m.id)).toEqual([1]);
      expect(slow.stats().sent).toBe(2); // the abandoned search took no slot of the budget
      expect(received.map((r) => r.body.variables['search'])).toEqual(['warm up', 'frieren']);
      // Its answer is in the cache now, so an abandonable search for it costs nothing.
      const cached = await searching.searchMedia({ search: 'frieren' }, { key: 'a', signal: new AbortController().signal });
      expect(cached.map((m) => m.id)).toEqual([1]);
      expect(received).toHaveLength(2);
    } finally {
      slow.close();
    }
  });

  it('loads every list chunk, de-duplicates entries, caches, and invalidates after a write', async () => {
    responder = (request, _req, res) => {
      const { operationName, variables } = request.body;
      if (operationName === 'SaveMediaListEntry') {
        json(res, 200, {
          data: {
            SaveMediaListEntry: { ...entry(1, 300), userId: 42, scoreRaw: 0, media: media(10) },
          },
        });
        return;
      }
      const chunk = variables['chunk'];
      // Entry 2 sits in a status list and a custom list; entry 3 only in a custom list.
      const lists =
        chunk === 1
          ? [{ entries: [entry(1, 100), entry(2, 200)] }, { entries: [entry(2, 200), entry(3, 50)] }]
          : [{ entries: [entry(4, 400)] }];
      json(res, 200, { data: { MediaListCollection: { hasNextChunk: chunk === 1, lists } } });
    };

    const list = await client.userMediaList({ userId: 42, type: 'ANIME' }, { key: 'a' });
    expect(list.entries.map((e) => e.id)).toEqual([4, 2, 1, 3]);
    expect(list.truncated).toBe(false);
    expect(received.map((r) => r.body.variables)).toEqual([
      { userId: 42, type: 'ANIME', status: null, chunk: 1, perChunk: 500 },
      { userId: 42, type: 'ANIME', status: null, chunk: 2, perChunk: 500 },
    ]);

    // Paging through the list again does not refetch.
    await client.userMediaList({ userId: 42, type: 'ANIME' }, { key: 'a' });
    expect(received).toHaveLength(2);

    // A write through the client drops the owner's cached lists.
    await client.saveMediaListEntry({ mediaId: 10, progress: 2 }, { token: TOKEN, key: 'a' });
    await client.userMediaList({ userId: 42, type: 'ANIME' }, { key: 'a' });
    expect(received).toHaveLength(3 + 2);

    client.invalidateUserList(42);
    await client.userMediaList({ userId: 42, type: 'ANIME' }, { key: 'a' });
    expect(received).toHaveLength(7);
  });

  it('keeps lists longer for reads that accept an older one; other reads still get one at most cacheTtlMs old', async () => {
    let nowMs = 1_000_000;
    const aging = createAniListClient({ endpoint, userAgent: USER_AGENT, referer: REFERER, limiter, logger: pino({ level: 'silent' }), cacheTtlMs: 60_000, listCacheTtlMs: 10 * 60_000, now: () => nowMs });
    responder = respond(200, { data: { MediaListCollection: { hasNextChunk: false, lists: [{ entries: [entry(1, 100)] }] } } });
    const input = { userId: 42, type: 'ANIME' } as const;
    await aging.userMediaList(input, { key: 'a' });
    nowMs += 5 * 60_000;
    // A comparison five minutes later reads the cached list; /list would not, and fetches it again.
    await aging.userMediaList(input, { key: 'a' }, { maxAgeMs: 10 * 60_000 });
    expect(received).toHaveLength(1);
    expect(aging.peekUserMediaList(input, { key: 'a' })).toBeUndefined();
    await aging.userMediaList(input, { key: 'a' });
    expect(received).toHaveLength(2);
    nowMs += 10 * 60_000 + 1;
    await aging.userMediaList(input, { key: 'a' }, { maxAgeMs: 10 * 60_000 });
    expect(received).toHaveLength(3);
  });

  it('asks AniList for its genres once and keeps them for a day', async () => {
    let nowMs = 1_000_000;
    const daily = createAniListClient({ endpoint, userAgent: USER_AGENT, referer: REFERER, limiter, logger: pino({ level: 'silent' }), now: () => nowMs });
    responder = respond(200, { data: { GenreCollection: ['Action', null, 'Drama'] } });
    const [a, b] = await Promise.all([daily.genres({ key: 'a' }), daily.genres({ key: 'b', token: TOKEN })]);
    expect(a).toEqual(['Action', 'Drama']);
    expect(b).toBe(a);
    nowMs += 23 * 60 * 60_000;
    await daily.genres({ key: 'c' });
    expect(received).toHaveLength(1);
    // Sent without a token even when the caller has one: the answer is the same for everyone.
    expect(received[0]!.headers.authorization).toBeUndefined();
    nowMs += 2 * 60 * 60_000;
    await daily.genres({ key: 'c' });
    expect(received).toHaveLength(2);
  });

  it('stops at maxListEntries and says the list was truncated', async () => {
    const small = createAniListClient({
      endpoint,
      userAgent: USER_AGENT,
      referer: REFERER,
      limiter,
      logger: pino({ level: 'silent' }),
      maxListEntries: 2,
    });
    responder = respond(200, {
      data: { MediaListCollection: { hasNextChunk: true, lists: [{ entries: [entry(1, 3), entry(2, 2), entry(3, 1)] }] } },
    });
    const list = await small.userMediaList({ userId: 1, type: 'MANGA', status: 'CURRENT' }, { key: 'a' });
    expect(list.entries.map((e) => e.id)).toEqual([1, 2]);
    expect(list.truncated).toBe(true);
    expect(received).toHaveLength(1);
  });
});
