/**
 * Links a member before the playground opens, the way a member would: `/link` through the fake Discord, then the
 * pages behind its button, over HTTP with a cookie jar. Nothing reaches into the bot's database.
 */
import type { FakeDiscord } from '../fakes/discord/index.js';
import type { DemoMember } from './members.js';

const MAX_PAGES = 12;

/** A fake's sign-in page that the chain may pass through, and how to press its approve button over HTTP. */
export interface SignInPage {
  matches: (url: string) => boolean;
  /** Resolves to where the page redirects after approval. */
  approve: (url: string) => Promise<string>;
}

export interface PrelinkDeps {
  discord: FakeDiscord;
  /** The bot's PUBLIC_URL. */
  botUrl: string;
  signInPages: readonly SignInPage[];
  /** Makes `member` the one signed in on the fakes' sign-in pages. */
  signInAs: (member: DemoMember) => void;
}

export async function prelinkMember(deps: PrelinkDeps, member: DemoMember): Promise<void> {
  const handle = deps.discord.sendCommand({ name: 'link', user: member.discordUser });
  const answer = await handle.waitForInitialResponse(5_000);
  const pageUrl = linkButtonUrl(answer.data);
  if (!pageUrl) throw new Error('the /link reply has no link button');
  deps.signInAs(member);
  await followToResult(deps, pageUrl);
}

function linkButtonUrl(data: Record<string, unknown> | undefined): string | undefined {
  const rows = Array.isArray(data?.components) ? (data.components as { components?: { url?: unknown }[] }[]) : [];
  for (const row of rows) for (const component of row.components ?? []) if (typeof component.url === 'string') return component.url;
  return undefined;
}

/**
 * Follows the page chain from the start page to the bot's result page: redirects are followed, the bot's pages
 * by their button, the fakes' sign-in pages by approving. Any other page is an error that names it, so a new step
 * in the chain shows up here rather than as a half-linked member.
 */
async function followToResult(deps: PrelinkDeps, startUrl: string): Promise<void> {
  const botOrigin = new URL(deps.botUrl).origin;
  const cookies = new Map<string, string>();
  let url = new URL(startUrl);
  for (let step = 0; step < MAX_PAGES; step += 1) {
    const signInPage = deps.signInPages.find((candidate) => candidate.matches(url.href));
    if (signInPage) {
      url = new URL(await signInPage.approve(url.href), url);
      continue;
    }
    const sameOrigin = url.origin === botOrigin;
    const cookieHeader = sameOrigin ? [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') : '';
    const response = await fetch(url, { redirect: 'manual', headers: cookieHeader ? { cookie: cookieHeader } : {} });
    if (sameOrigin) keepCookies(cookies, response.headers.getSetCookie());
    const body = await response.text();
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      continue;
    }
    if (response.status !== 200) throw new Error(`${url.origin}${url.pathname} answered ${response.status}`);
    if (sameOrigin && url.pathname === '/oauth/done') return;
    const next = sameOrigin ? buttonHref(body) : undefined;
    if (!next) throw new Error(`no way on from ${url.origin}${url.pathname}`);
    url = new URL(next, url);
  }
  throw new Error(`no result page after ${MAX_PAGES} pages`);
}

function keepCookies(jar: Map<string, string>, setCookies: string[]): void {
  for (const header of setCookies) {
    const [pair = '', ...attributes] = header.split(';');
    const index = pair.indexOf('=');
    if (index < 1) continue;
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    if (value === '' || attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))) jar.delete(name);
    else jar.set(name, value);
  }
}

/** The page's main call to action: the first `<a class="button" href="…">`. */
function buttonHref(html: string): string | undefined {
  for (const [tag] of html.matchAll(/<a\b[^>]*>/g)) {
    if (!/\bclass="[^"]*\bbutton\b[^"]*"/.test(tag)) continue;
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href) return unescapeAttribute(href);
  }
  return undefined;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

function unescapeAttribute(value: string): string {
  return value.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}
