/**
 * `npm run demo`, as a newcomer runs it: the build, the real bot against the fakes, and the playground page in
 * headless Chromium, from picking a member through `/link`, `/list` and `/update`; then Ctrl-C, after which no
 * process of the demo may be left. Screenshot: test/artifacts/demo-playground.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './support/bot-process.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');
const URL_LINE = /^anilink demo: open (http:\/\/127\.0\.0\.1:\d+\/) in your browser$/;
/** What must never reach the page: interaction tokens (base64 of "interaction:"), AniList JWTs, the bot token. */
const SECRET_SHAPES = [/aW50ZXJhY3Rpb246/, /eyJ[A-Za-z0-9_-]{10,}/, /demo\.[\w-]{16}\.[\w-]{32}/];

interface RunningDemo {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  url: string;
}

/** Spawns `command` in its own process group (as a terminal would) and waits for the playground URL. */
async function startDemo(command: string, args: string[], timeoutMs: number): Promise<RunningDemo> {
  const child = spawn(command, args, { cwd: PROJECT_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const url = output.split('\n').map((line) => URL_LINE.exec(line.trim())?.[1]).find(Boolean);
    if (url && output.includes('Ctrl-C to stop.')) return { child, output: () => output, exited, url };
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the demo exited before printing its URL:\n${output}`);
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`the demo printed no URL within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  cmdline: string;
}

function processes(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields after it start after the last ')'.
      const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      found.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function descendantsOf(pid: number): ProcessInfo[] {
  const all = processes();
  const result: ProcessInfo[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const children = all.filter((candidate) => frontier.includes(candidate.ppid));
    result.push(...children);
    frontier = children.map((child) => child.pid);
  }
  return result;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** A raw request, so the Host and Origin headers are exactly what a hostile page would send. */
function rawRequest(url: string, options: { method: string; headers: Record<string, string>; body?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: options.method, headers: options.headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.once('error', reject);
    outgoing.end(options.body);
  });
}

async function firstEvent(url: string): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(new URL('api/events', url), { signal: controller.signal });
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (text.includes('\n\n')) break;
  }
  controller.abort();
  return text;
}

describe('npm run demo', () => {
  let demo: RunningDemo;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const blocked: string[] = [];
  const pageProblems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    const started = Date.now();
    demo = await startDemo('npm', ['run', 'demo'], 150_000);
    console.log(`[demo] npm run demo printed its URL after ${Date.now() - started} ms (build included)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.route('**/*', async (route) => {
      if (new URL(route.request().url()).hostname === '127.0.0.1') await route.continue();
      else {
        blocked.push(route.request().url());
        await route.abort('blockedbyclient');
      }
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (demo?.child.exitCode === null && demo.child.signalCode === null) process.kill(-demo.child.pid!, 'SIGKILL');
  });

  it('prints one URL and how to stop, nothing else', () => {
    // npm's own "> anilink@0.1.0 demo" banner aside.
    const lines = demo
      .output()
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('> '));
    expect(lines).toEqual([`anilink demo: open ${demo.url} in your browser`, 'Ctrl-C to stop.']);
  });

  it('a member links AniList, pages through /list, updates with autocomplete and sees the replies change', async () => {
    const page = await context!.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') pageProblems.push(message.text());
    });
    page.on('pageerror', (error) => pageProblems.push(error.message));
    page.on('dialog', (dialog) => {
      pageProblems.push(`a dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });
    expect((await page.goto(demo.url))?.status()).toBe(200);
    expect(await page.title()).toBe('anilink demo · playground');
    const setup = (await (await fetch(new URL('api/setup', demo.url))).json()) as { members: { key: string; prelinked: boolean }[]; prelinkProblems: unknown[] };
    expect(setup.prelinkProblems).toEqual([]);
    expect(setup.members.filter((member) => member.prelinked).map((member) => member.key)).toEqual(['bob', 'carol']);

    // Pick who you are.
    const members = page.locator('#members .member');
    await expect.poll(() => members.count()).toBe(4);
    await page.locator('#members .member', { hasText: 'Bob' }).click();
    await page.locator('#members .member', { hasText: 'Alice' }).click();
    expect(await page.locator('#members .member', { hasText: 'Alice' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#member-hint').innerText()).toContain('@alice on Discord and AliceFake on AniList');

    // /link: an ephemeral reply with a link button, then the real start page, the fake Discord's and the fake
    // AniList's approve pages.
    const linkReply = await runCommand(page, 'link');
    await expect.poll(() => linkReply.locator('.ephemeral-note').innerText()).toContain('Only you can see this');
    const linkButton = linkReply.getByRole('link', { name: /Link AniList account/ });
    const popupOpened = context!.waitForEvent('page');
    await linkButton.click();
    const popup = await popupOpened;
    await popup.waitForLoadState();
    expect(await popup.title()).toBe('Link your AniList account · anilink');
    expect(await popup.getByTestId('discord-account').locator('.username').innerText()).toBe('@alice');
    // Sign in with the fake Discord as the member you act as, then on to the fake AniList.
    await popup.getByRole('link', { name: 'Sign in with Discord' }).click();
    await expect.poll(() => popup.locator('#authorize').isVisible()).toBe(true);
    expect(await popup.locator('#discord-user').innerText()).toBe('alice');
    await popup.locator('#authorize').click();
    await expect.poll(() => popup.locator('#approve').isVisible()).toBe(true);
    expect(await popup.locator('#user-name').innerText()).toBe('AliceFake');
    await popup.locator('#approve').click();
    await popup.waitForURL(/\/oauth\/done$/);
    expect(await popup.locator('h1').innerText()).toBe('All set!');
    expect(await popup.getByTestId('result').innerText()).toBe('AniList user AliceFake is now linked to Discord user Alice (@alice).');
    await popup.close();
    // The bot edits the /link reply in place.
    await expect.poll(() => linkReply.locator('.content').innerText(), { timeout: 10_000 }).toContain('AliceFake');
    expect(await linkReply.locator('.edited').count()).toBe(1);

    // Bob linked before the page opened; his profile is there for Alice to see.
    const profile = await runCommand(page, 'profile', async (form) => {
      await form.locator('[data-option="user"] select').selectOption({ label: 'Bob (@bob_the_builder)' });
    });
    await expect.poll(() => profile.locator('.embed-title').innerText(), { timeout: 10_000 }).toBe('BobFake');
    expect(await profile.locator('.embed-description').innerText()).toBe('AniList profile of @Bob');

    // /list: Alice's watching list with +1 buttons; +1 on The Apothecary Diaries changes the same message.
    const watching = await runCommand(page, 'list');
    await expect.poll(() => watching.locator('.embed-title').innerText(), { timeout: 10_000 }).toBe("AliceFake's anime · Watching");
    const lines = (await watching.locator('.embed-description').innerText()).split('\n');
    const apothecaryLine = lines.find((line) => line.includes('The Apothecary Diaries'));
    expect(apothecaryLine, lines.join('\n')).toContain('Ep 10/?');
    const position = /^(\d+)\./.exec(apothecaryLine!)![1];
    // Escaped, not markup: the title that tries HTML and markdown shows as the text it is.
    expect(lines.some((line) => line.includes('<img src=x onerror=alert(1)> *Nasty* ~~Title~~ @here'))).toBe(true);
    expect(await page.locator('#feed img').count()).toBe(0);
    await watching.getByRole('button', { name: `#${position} +1` }).click();
    await expect
      .poll(async () => (await watching.locator('.embed-description').innerText()).split('\n').find((line) => line.includes('The Apothecary Diaries')), {
        timeout: 10_000,
      })
      .toContain('Ep 11/?');

    // /update with autocomplete: a title not on the list yet.
    const update = await runCommand(page, 'update', async (form) => {
      const media = form.locator('[data-option="media"] input');
      await media.fill('madoka');
      const suggestion = form.locator('[data-option="media"] .choice', { hasText: 'Puella Magi Madoka Magica' });
      await expect.poll(() => suggestion.count(), { timeout: 10_000 }).toBe(1);
      await suggestion.click();
      expect(await media.inputValue()).toBe('Puella Magi Madoka Magica · anime, TV');
      await form.locator('[data-option="status"] select').selectOption('CURRENT');
      await form.locator('[data-option="progress"] input').fill('2');
    });
    await expect.poll(() => update.locator('.embed-title').innerText(), { timeout: 10_000 }).toBe('Puella Magi Madoka Magica');
    expect(await update.locator('.embed-fields').innerText()).toMatch(/Status\s+Watching\s+Progress\s+Ep 2\/12/);

    // /list of all statuses now has eleven entries: two pages, and Next turns the same message to page 2.
    const all = await runCommand(page, 'list', async (form) => {
      await form.locator('[data-option="status"] select').selectOption('ALL');
    });
    await expect.poll(() => all.locator('.embed-footer').innerText(), { timeout: 10_000 }).toContain('Page 1/2 · 11 entries');
    await all.getByRole('button', { name: 'Next ▶' }).click();
    await expect.poll(() => all.locator('.embed-footer').innerText(), { timeout: 10_000 }).toContain('Page 2/2');
    expect(await all.getByRole('button', { name: 'Next ▶' }).isDisabled()).toBe(true);

    // Behind the scenes: routes and operation names, and the budget.
    const discordTraffic = await page.locator('#discord-traffic').innerText();
    expect(discordTraffic).toContain('/interactions/{interaction_id}/{interaction_token}/callback');
    expect(discordTraffic).toContain('/webhooks/{webhook_id}/{webhook_token}/messages/@original');
    const anilistTraffic = await page.locator('#anilist-traffic').innerText();
    for (const operation of ['Viewer', 'UserMediaList', 'SearchMedia', 'MediaById', 'SaveMediaListEntry']) expect(anilistTraffic).toContain(operation);
    const budget = /^(\d+) of 30 requests in the last minute/.exec(await page.locator('#budget-text').innerText());
    expect(Number(budget?.[1])).toBeGreaterThanOrEqual(5);

    await page.screenshot({ path: join(ARTIFACTS, 'demo-playground.png') });

    const html = await page.content();
    const firstSnapshot = await firstEvent(demo.url);
    expect(firstSnapshot).toContain('SaveMediaListEntry');
    for (const shape of SECRET_SHAPES) {
      expect(html, `the page shows something shaped like ${shape}`).not.toMatch(shape);
      expect(firstSnapshot, `the event stream carries something shaped like ${shape}`).not.toMatch(shape);
    }
    expect(pageProblems, 'console errors (a CSP violation would show here), page errors or dialogs').toEqual([]);
    // Only the start page's Discord avatar lives beyond loopback.
    expect(blocked.filter((url) => !url.startsWith('https://cdn.discordapp.com/'))).toEqual([]);
  });

  it('refuses requests another site could make from the member’s browser', async () => {
    const api = new URL('api/commands', demo.url).toString();
    const body = JSON.stringify({ member: 'alice', channelId: '1', name: 'unlink' });
    const rebound = await rawRequest(api, { method: 'POST', headers: { host: `evil.example:${new URL(demo.url).port}`, 'content-type': 'application/json' }, body });
    expect(rebound).toBe(421);
    const crossSite = await rawRequest(api, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body });
    expect(crossSite).toBe(403);
    const formPost = await rawRequest(api, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect(formPost).toBe(415);
    const page = await fetch(demo.url);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('Ctrl-C stops the bot, the fakes and the playground, and leaves no process behind', async () => {
    const setup = (await (await fetch(new URL('api/setup', demo.url))).json()) as { services: { bot: string; discord: string; anilist: string } };
    const tree = descendantsOf(demo.child.pid!);
    const bot = tree.find((candidate) => candidate.cmdline.includes('dist/src/main.js'));
    expect(bot, tree.map((candidate) => candidate.cmdline).join('\n')).toBeDefined();
    expect(tree.some((candidate) => candidate.cmdline.includes('demo/main.ts'))).toBe(true);

    const started = Date.now();
    // A terminal's Ctrl-C: SIGINT to the whole foreground process group.
    process.kill(-demo.child.pid!, 'SIGINT');
    const exit = await demo.exited;
    await expect.poll(() => processes().filter((candidate) => candidate.pgrp === demo.child.pid).map((candidate) => candidate.cmdline), { timeout: 15_000 }).toEqual([]);
    console.log(`[demo] everything stopped ${Date.now() - started} ms after Ctrl-C (npm exit: ${JSON.stringify(exit)})`);
    expect(isAlive(bot!.pid)).toBe(false);
    for (const url of [demo.url, setup.services.bot, setup.services.discord, setup.services.anilist]) {
      expect(await refusesConnections(url), `${url} still answers`).toBe(true);
    }
    expect(demo.output()).not.toMatch(/could not|Error/);
  });
});

describe('the demo runner on its own', () => {
  it('SIGINT to the runner alone (not its group) stops the bot it started', async () => {
    const demo = await startDemo(process.execPath, ['--import', 'tsx', 'demo/main.ts'], 60_000);
    try {
      const bot = descendantsOf(demo.child.pid!).find((candidate) => candidate.cmdline.includes('dist/src/main.js'));
      expect(bot).toBeDefined();
      process.kill(demo.child.pid!, 'SIGINT');
      expect(await demo.exited).toEqual({ code: 0, signal: null });
      await expect.poll(() => isAlive(bot!.pid), { timeout: 10_000 }).toBe(false);
      expect(processes().filter((candidate) => candidate.pgrp === demo.child.pid)).toEqual([]);
      expect(await refusesConnections(demo.url)).toBe(true);
    } finally {
      if (demo.child.exitCode === null && demo.child.signalCode === null) process.kill(-demo.child.pid!, 'SIGKILL');
    }
  });
});

/** Runs in the page; a string because the project compiles without the DOM library. */
const MESSAGE_IDS = "[...document.querySelectorAll('#feed .message[data-message-id]')].map((node) => node.dataset.messageId)";

/** Types `/name`, picks it from the suggestions, lets `fill` set options, sends, and returns the bot's reply. */
async function runCommand(page: Page, name: string, fill?: (form: Locator) => Promise<void>): Promise<Locator> {
  const input = page.locator('#composer-input');
  await input.fill(`/${name}`);
  await expect.poll(() => page.locator('#command-suggestions .suggestion').first().innerText()).toContain(`/${name}`);
  await input.press('Enter');
  const form = page.locator('#command-form');
  await expect.poll(() => form.locator('.command-chip').innerText()).toBe(`/${name}`);
  await fill?.(form);
  const before = new Set(await page.evaluate<string[]>(MESSAGE_IDS));
  await page.locator('#send').click();
  let id: string | undefined;
  await expect
    .poll(
      async () => {
        id = (await page.evaluate<string[]>(MESSAGE_IDS)).find((candidate) => !before.has(candidate));
        return id;
      },
      { timeout: 10_000, message: `a reply to /${name}` },
    )
    .toBeTruthy();
  const reply = page.locator(`#feed .message[data-message-id="${id}"]`);
  expect(await reply.locator('.reply-context').innerText()).toContain(`/${name}`);
  return reply;
}
