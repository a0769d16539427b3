import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { helmetHeaders } from '../../src/http/server.js';
import { startLinkHarness, startOnPort, type LinkHarness } from '../support/link-harness.js';
import { withFreePort } from '../support/ports.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-http-');
let harness: LinkHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('web server', () => {
  it('/healthz reports ok with the gateway state, and 503 once the database is unreadable', async () => {
    const h = (harness = await startLinkHarness({ dir: tempDir() }));
    const healthy = await h.server.inject({ method: 'GET', url: '/healthz' });
    expect(healthy.statusCode).toBe(200);
    expect(healthy.json()).toEqual({ status: 'ok', database: 'ok', gateway: 'test', untrustedForwardedFor: false });
    expect(healthy.headers['cache-control']).toBe('no-store');

    h.database.close();
    const degraded = await h.server.inject({ method: 'GET', url: '/healthz' });
    expect(degraded.statusCode).toBe(503);
    expect(degraded.json()).toMatchObject({ status: 'degraded', database: 'error' });
    // close() in afterEach closes the database again; better-sqlite3 allows that.
  });

  it('logs the route pattern, never the query string or the link id', async () => {
    const h = (harness = await startLinkHarness({ dir: tempDir() }));
    const code = 'def50200secretauthcodevalue';
    const state = 'S'.repeat(43);
    const pageId = 'P'.repeat(43);
    await h.server.inject({ method: 'GET', url: `/oauth/callback?code=${code}&state=${state}`, headers: { cookie: 'anilink_link=cookievalue123' } });
    await h.server.inject({ method: 'GET', url: `/link/${pageId}` });
    const lines = h.logs.lines().map((line) => JSON.parse(line) as { msg: string; route?: string });
    const completed = lines.filter((line) => line.msg === 'request completed').map((line) => line.route);
    expect(completed).toEqual(['/oauth/callback', '/link/:pageId']);
    const text = h.logs.text();
    for (const secret of [code, state, pageId, 'cookievalue123']) expect(text).not.toContain(secret);
  });

  it('logs rejected requests (bad states, unknown paths) at debug, answered ones at info', async () => {
    const h = (harness = await startLinkHarness({ dir: tempDir() }));
    expect((await h.server.inject({ method: 'GET', url: `/oauth/callback?code=x&state=${'S'.repeat(43)}` })).statusCode).toBe(400);
    expect((await h.server.inject({ method: 'GET', url: '/wp-admin' })).statusCode).toBe(404);
    expect((await h.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const lines = h.logs.lines().map((line) => JSON.parse(line) as { msg: string; level: number; route?: string; statusCode?: number });
    const debug = 20;
    const info = 30;
    expect(lines.filter((l) => l.msg === 'request completed').map((l) => [l.statusCode, l.level])).toEqual([
      [400, debug],
      [404, debug],
      [200, info],
    ]);
    expect(lines.filter((l) => l.msg === 'link attempt failed').map((l) => l.level)).toEqual([debug]);
  });

  it('serves the stylesheet and a readable 404 page for unknown paths, with security headers', async () => {
    const h = (harness = await startLinkHarness({ dir: tempDir() }));
    const css = await h.server.inject({ method: 'GET', url: '/assets/anilink.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    const missing = await h.server.inject({ method: 'GET', url: '/wp-admin' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('Page not found');
    expect(missing.headers['x-frame-options']).toBe('DENY');
    expect(missing.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('sends helmet’s security headers on every answer, rejected ones included', async () => {
    const h = (harness = await startLinkHarness({ dir: tempDir() }));
    for (const url of ['/healthz', `/oauth/callback?code=x&state=${'S'.repeat(43)}`, '/wp-admin']) {
      const response = await h.server.inject({ method: 'GET', url });
      expect(response.headers, url).toMatchObject({
        'content-security-policy': "default-src 'none';style-src 'self';img-src 'self' https://cdn.discordapp.com;script-src 'none';form-action 'none';frame-ancestors 'none';base-uri 'none'",
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
      });
      // Plain http here: no HSTS, which only an https PUBLIC_URL turns on.
      expect(response.headers).not.toHaveProperty('strict-transport-security');
    }
    expect(helmetHeaders({ strictTransportSecurity: true })['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('answers a garbled request body with the HTML error page, no parser details', async () => {
    const h = (harness = await startLinkHarness({ dir: tempDir() }));
    const response = await h.server.inject({ method: 'POST', url: '/oauth/callback', headers: { 'content-type': 'application/json' }, payload: '{"broken' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('could not understand');
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).not.toContain('SyntaxError');
  });

  it('starts on a new port when the one picked in advance was taken in between (EADDRINUSE)', async () => {
    const squatter = createServer();
    const taken = await new Promise<number>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve((squatter.address() as { port: number }).port)));
    try {
      const tried: number[] = [];
      const h = (harness = await withFreePort((port) => {
        // The first attempt gets the port someone else grabbed after freePort closed it.
        tried.push(tried.length === 0 ? taken : port);
        return startOnPort({ dir: tempDir() }, tried.at(-1)!);
      }));
      expect(tried).toHaveLength(2);
      expect(h.publicUrl).toBe(`http://127.0.0.1:${tried[1]}`);
      expect((await fetch(`${h.publicUrl}/healthz`)).status).toBe(200);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
