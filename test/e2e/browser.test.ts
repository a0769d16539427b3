/**
 * The web pages in a real headless Chromium (Debian's `chromium`, driven by playwright-core): what a member sees
 * between `/link` and the result page, and from Discord's Linked Roles menu (`/linked-role`) to done, on a desktop
 * and on a phone. Screenshots land in test/artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers } from '../../fakes/discord/index.js';
import { killAllBots, PROJECT_ROOT } from './support/bot-process.js';
import { expectCleanDiscordTraffic, expectNoSecretsInOutput, runLinkCommand, startWorld, type World } from './support/world.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');

let browser: Browser | undefined;
let world: World | undefined;
const contexts: BrowserContext[] = [];
/** Requests the pages tried to make beyond loopback (blocked). */
const blocked: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    const message =
      `\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n` +
      `!! Chromium NOT FOUND at ${CHROMIUM}: the browser journey CANNOT run.\n` +
      `!! Install it: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium\n` +
      `!! (or set CHROMIUM_PATH). This is a failure, not a skip.\n` +
      `!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`;
    console.error(message);
    throw new Error(`Chromium not found at ${CHROMIUM}`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  await killAllBots();
  await world?.close();
  world = undefined;
});

afterAll(async () => {
  await browser?.close();
});

/** A fresh browser profile that may reach only loopback. */
async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser!.newContext(options);
  contexts.push(context);
  await context.route('**/*', async (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1' || hostname === 'localhost') await route.continue();
    else {
      blocked.push(route.request().url());
      await route.abort('blockedbyclient');
    }
  });
  return context;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Runs in the page. Written as strings: the project compiles without the DOM library. */
const PAGE_WIDTHS = '({ scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth })';
const cssDisplay = (page: Page, selector: string) =>
  page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).display`);

async function expectNoHorizontalOverflow(page: Page, label: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(PAGE_WIDTHS);
  expect(scrollWidth, `${label}: page is ${scrollWidth}px wide in a ${innerWidth}px viewport`).toBeLessThanOrEqual(innerWidth);
}

/** Visible, and wholly inside the viewport horizontally. */
async function expectFullyVisible(page: Page, selector: string, label: string): Promise<void> {
  const locator = page.locator(selector);
  await expect.poll(() => locator.isVisible(), { message: `${label} visible` }).toBe(true);
  const box = (await locator.boundingBox())!;
  const width = page.viewportSize()!.width;
  expect(box.x, label).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, label).toBeLessThanOrEqual(width);
}

/** Records the codes and states of both callbacks as secrets. */
function recordCallbackSecrets(w: World, page: Page): void {
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/oauth/callback' || url.pathname === '/oauth/discord/callback') {
      for (const key of ['code', 'state']) {
        const value = url.searchParams.get(key);
        if (value) w.secrets.add(value);
      }
    }
  });
}

/** Clicks "Sign in with Discord", authorizes on the fake Discord, approves on the fake AniList, lands on the result page. */
async function signInAndApprove(w: World, page: Page, shotPrefix: string, signIn = 'Sign in with Discord'): Promise<void> {
  recordCallbackSecrets(w, page);
  await page.getByRole('link', { name: signIn }).click();
  await page.waitForURL((url) => url.href.startsWith(`${w.discord.oauth.oauthUrl}/authorize`));
  await expect.poll(() => page.locator('#authorize').isVisible()).toBe(true);
  expect(await page.locator('#scopes').innerText()).toBe('identify\nrole_connections.write');
  await shot(page, `${shotPrefix}-2-discord-authorize`);
  await page.locator('#authorize').click();
  // The bot's Discord callback sends the browser straight on to AniList.
  await page.waitForURL((url) => url.href.startsWith(`${w.anilist.oauthUrl}/authorize`));
  await expect.poll(() => page.locator('#approve').isVisible()).toBe(true);
  await shot(page, `${shotPrefix}-3-anilist-authorize`);
  await page.locator('#approve').click();
  await page.waitForURL(`${w.bot.publicUrl}/oauth/done`);
}

describe('the linking pages in headless Chromium', () => {
  it('desktop: start page → sign in with Discord → approve on AniList → result page; the /link reply is edited', async () => {
    const w = (world = await startWorld());
    const { handle, pageUrl } = await runLinkCommand(w, 'alice');
    w.discord.oauth.setLoggedInUser(fakeUsers.alice.id);
    w.anilist.setLoggedInUser(SEED_USERS.alice.id);
    const context = await newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();

    const response = await page.goto(pageUrl);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.title()).toBe('Link your AniList account · anilink');
    const account = page.getByTestId('discord-account');
    expect(await account.locator('.display-name').innerText()).toBe('Alice');
    expect(await account.locator('.username').innerText()).toBe('@alice');
    const text = await page.locator('main').innerText();
    expect(text).toContain('What the bot will be able to do');
    expect(text).toContain('Read your AniList profile and anime and manga lists');
    expect(text).toContain('Change entries on your lists when you use /update');
    expect(text).toContain('AniList does not offer narrower permissions');
    expect(text).toContain('Not you?');
    expect(text).toContain('Sign in with Discord, to confirm you are this member');
    expect(text).toContain('erases it when you use /unlink');
    // The stylesheet loaded (CSP allows it) and the button is styled as one.
    expect(await cssDisplay(page, 'a.button')).toBe('inline-block');
    await expectFullyVisible(page, 'a.button', 'Continue button');
    await shot(page, 'desktop-1-start-page');

    await signInAndApprove(w, page, 'desktop');
    const result = await page.getByTestId('result').innerText();
    expect(result).toBe('AniList user AliceFake is now linked to Discord user Alice (@alice).');
    expect(await page.title()).toBe('Account linked · anilink');
    await shot(page, 'desktop-4-result-page');

    const edit = await handle.waitForEdit(10_000);
    expect(edit.message!.content).toContain('AliceFake');
    // The only thing the pages tried to fetch beyond loopback is the member's Discord avatar.
    expect(blocked.filter((url) => !url.startsWith('https://cdn.discordapp.com/'))).toEqual([]);
    expectCleanDiscordTraffic(w);
    expectNoSecretsInOutput(w);
  });

  it('phone (390×844, dark): start and result pages fit the screen and the button is visible', async () => {
    const w = (world = await startWorld());
    const { pageUrl } = await runLinkCommand(w, 'carol');
    w.discord.oauth.setLoggedInUser(fakeUsers.carol.id);
    w.anilist.setLoggedInUser(SEED_USERS.carol.id);
    const context = await newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'dark' });
    const page = await context.newPage();

    expect((await page.goto(pageUrl))?.status()).toBe(200);
    expect(await page.getByTestId('discord-account').locator('.username').innerText()).toBe('@carol.k');
    await expectNoHorizontalOverflow(page, 'start page');
    await expectFullyVisible(page, 'a.button', 'Continue button');
    // Below 480px the button spans the card.
    expect(await cssDisplay(page, 'a.button')).toBe('block');
    await shot(page, 'phone-1-start-page');

    await signInAndApprove(w, page, 'phone');
    expect(await page.getByTestId('result').innerText()).toBe('AniList user CarolFake is now linked to Discord user Carol ✨ (@carol.k).');
    await expectNoHorizontalOverflow(page, 'result page');
    await expectFullyVisible(page, '[data-testid="result"]', 'result message');
    await expectFullyVisible(page, 'a[href*="anilist"]', 'AniList profile link');
    await shot(page, 'phone-4-result-page');
    expectNoSecretsInOutput(w);
  });

  it('Japanese: a browser in Japanese reads every page in Japanese; the /link reply is edited in the member’s Discord language', async () => {
    const w = (world = await startWorld());
    const { handle, pageUrl } = await runLinkCommand(w, 'bob', 'ja');
    w.discord.oauth.setLoggedInUser(fakeUsers.bob.id);
    w.anilist.setLoggedInUser(SEED_USERS.bob.id);
    // Chromium sends Accept-Language from the profile's locale, as a member's browser does.
    const context = await newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    const page = await context.newPage();

    expect((await page.goto(pageUrl))?.status()).toBe(200);
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('ja');
    await expect.poll(() => page.title()).toBe('AniList アカウントをリンク · anilink');
    const text = await page.locator('main').innerText();
    expect(text).toContain('ボットができるようになること');
    expect(text).toContain('/リンク解除 を使うと消去します');
    await expectFullyVisible(page, 'a.button', 'サインインボタン');
    await shot(page, 'ja-1-start-page');

    await signInAndApprove(w, page, 'ja', 'Discord でサインイン');
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('ja');
    expect(await page.title()).toBe('アカウントをリンクしました · anilink');
    expect(await page.getByTestId('result').innerText()).toBe(`AniList ユーザー BobFake が Discord ユーザー Bob（@${fakeUsers.bob.username}）にリンクされました。`);
    await shot(page, 'ja-4-result-page');

    const edit = await handle.waitForEdit(10_000);
    expect(edit.message!.content).toBe('✅ AniList ユーザー **BobFake** とリンクしました。`/リスト`、`/更新`、`/プロフィール` が使えるようになりました。');
    expectNoSecretsInOutput(w);
  });

  it('Linked Roles: an unlinked member verifies (Discord, then AniList), then verifies again with Discord alone; on a phone too', async () => {
    const w = (world = await startWorld());
    w.discord.oauth.setLoggedInUser(fakeUsers.bob.id);
    w.anilist.setLoggedInUser(SEED_USERS.carol.id);
    const context = await newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    recordCallbackSecrets(w, page);

    // Where Discord's Linked Roles menu sends the member: the verification URL.
    expect((await page.goto(`${w.bot.publicUrl}/linked-role`))?.status()).toBe(200);
    await expect.poll(() => page.title()).toBe('Verify your AniList stats · anilink');
    const text = await page.locator('main').innerText();
    expect(text).toContain('completed at least 100 anime');
    expect(await page.getByTestId('shared').innerText()).toContain('How many anime and manga you completed');
    // At the site's root the stylesheet still loads.
    expect(await cssDisplay(page, 'a.button')).toBe('inline-block');
    await shot(page, 'linked-role-1-verification-page');

    await page.getByRole('link', { name: 'Sign in with Discord' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${w.discord.oauth.oauthUrl}/authorize`));
    await expect.poll(() => page.locator('#authorize').isVisible()).toBe(true);
    expect(await page.locator('#scopes').innerText()).toBe('identify\nrole_connections.write');
    await shot(page, 'linked-role-2-discord-authorize');
    await page.locator('#authorize').click();
    // bob is not linked yet: on to AniList.
    await page.waitForURL((url) => url.href.startsWith(`${w.anilist.oauthUrl}/authorize`));
    await expect.poll(() => page.locator('#approve').isVisible()).toBe(true);
    await page.locator('#approve').click();
    await page.waitForURL(`${w.bot.publicUrl}/oauth/done`);
    expect(await page.getByTestId('result').innerText()).toBe('AniList user CarolFake is now linked to Discord user Bob (@bob_the_builder).');
    expect(await page.getByTestId('roles').innerText()).toContain('Your Discord linked roles now follow the stats of AniList user CarolFake');
    await shot(page, 'linked-role-3-linked');
    // carol's seed: bocchi and madoka completed.
    expect(w.discord.roleConnections.connection(fakeUsers.bob.id)).toMatchObject({ platform_name: 'AniList', platform_username: 'CarolFake', metadata: { anime_completed: '2' } });
    expect(w.discord.roleConnections.qualifies(fakeUsers.bob.id, { anime_completed: 2 })).toBe(true);

    // Again, later, on a phone: linked already, Discord (which remembers the approval) is the only stop.
    const phone = await (await newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'dark' })).newPage();
    recordCallbackSecrets(w, phone);
    expect((await phone.goto(`${w.bot.publicUrl}/linked-role`))?.status()).toBe(200);
    await expectNoHorizontalOverflow(phone, 'verification page');
    await expectFullyVisible(phone, 'a.button', 'Sign in button');
    await shot(phone, 'linked-role-4-phone-verification-page');
    const anilistAuthorizations = w.anilist.requests.filter((request) => request.kind === 'oauth-authorize').length;
    await phone.getByRole('link', { name: 'Sign in with Discord' }).click();
    await phone.waitForURL(`${w.bot.publicUrl}/oauth/done`);
    expect(await phone.title()).toBe('Linked roles verified · anilink');
    expect(await phone.getByTestId('result').innerText()).toBe('AniList user CarolFake now backs the linked roles of Discord user Bob (@bob_the_builder).');
    await expectNoHorizontalOverflow(phone, 'verified page');
    await shot(phone, 'linked-role-5-phone-verified');
    expect(w.anilist.requests.filter((request) => request.kind === 'oauth-authorize')).toHaveLength(anilistAuthorizations);
    expectCleanDiscordTraffic(w);
    expectNoSecretsInOutput(w);
  });

  it('a forwarded start page, opened by another member signed in to Discord as themselves, ends on the refusal page', async () => {
    const w = (world = await startWorld());
    const { pageUrl } = await runLinkCommand(w, 'dave');
    // bob, signed in to Discord as himself, authorizes; the bot sees it is not dave and never sends him to AniList.
    w.discord.oauth.setLoggedInUser(fakeUsers.bob.id);
    const context = await newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    recordCallbackSecrets(w, page);
    expect((await page.goto(pageUrl))?.status()).toBe(200);
    await page.getByRole('link', { name: 'Sign in with Discord' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${w.discord.oauth.oauthUrl}/authorize`));
    await page.locator('#authorize').click();
    await page.waitForURL((url) => url.pathname === '/oauth/discord/callback');
    expect(await page.title()).toBe('This link is for another Discord account · anilink');
    expect(await page.getByTestId('failure').innerText()).toContain('made for another Discord account');
    // Two folders deep, the page still finds its stylesheet.
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('main')).borderRadius`)).toBe('12px');
    await shot(page, 'forwarded-link-refused');
    expect(w.anilist.requests.filter((request) => request.kind === 'oauth-authorize')).toEqual([]);
    // The link is burned: dave's own browser cannot use it either.
    const again = await (await newContext()).newPage();
    expect((await again.goto(pageUrl))?.status()).toBe(400);
    expectNoSecretsInOutput(w);
  });
});
