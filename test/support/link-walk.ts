/**
 * Walks the linking pages the way a member's browser does: the start page's button, every redirect, and the fakes'
 * sign-in pages (Discord, then AniList), where it signs in as the given accounts and approves (or cancels). It
 * stops at the first page of the bot that neither redirects nor is the start page: the result or a failure page.
 */
import type { FakeAniList } from '../../fakes/anilist/index.js';
import { fakeUsers, type FakeDiscord, type FakeUser } from '../../fakes/discord/index.js';
import type { TestBrowser } from './browser.js';

const MAX_STEPS = 12;

export interface SignInFakes {
  discord: FakeDiscord;
  anilist: FakeAniList;
}

export interface WalkAs {
  /** Who is signed in to Discord in this browser. */
  discordUserId: string;
  /** Who is signed in to AniList in this browser. */
  anilistUserId: number;
  /** Press Cancel instead of approving on this site. */
  cancelAt?: 'discord' | 'anilist';
}

export interface WalkedPage {
  status: number;
  headers: Headers;
  body: string;
  url: string;
  /** Every URL the browser went through, sign-in pages included. */
  visited: string[];
  /** The redirects the fakes' sign-in pages answered with (the bot's callbacks, with code and state). */
  callbacks: string[];
}

/** The start page's call to action: its `<a class="button" href="…">`. */
export function buttonHref(html: string): string | undefined {
  for (const [tag] of html.matchAll(/<a\b[^>]*>/g)) {
    if (!/\bclass="[^"]*\bbutton\b/.test(tag)) continue;
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href) return href.replaceAll('&amp;', '&');
  }
  return undefined;
}

export async function walkLinkPages(fakes: SignInFakes, browser: TestBrowser, startUrl: string, as: WalkAs): Promise<WalkedPage> {
  const visited: string[] = [];
  const callbacks: string[] = [];
  const botOrigin = new URL(startUrl).origin;
  let url = startUrl;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    visited.push(url);
    if (url.startsWith(`${fakes.discord.oauth.oauthUrl}/authorize`)) {
      fakes.discord.oauth.setLoggedInUser(as.discordUserId);
      url = as.cancelAt === 'discord' ? await fakes.discord.oauth.deny(url) : await fakes.discord.oauth.approve(url);
      callbacks.push(url);
      continue;
    }
    if (url.startsWith(`${fakes.anilist.oauthUrl}/authorize`)) {
      fakes.anilist.setLoggedInUser(as.anilistUserId);
      url = as.cancelAt === 'anilist' ? await fakes.anilist.deny(url) : await fakes.anilist.approve(url);
      callbacks.push(url);
      continue;
    }
    if (new URL(url).origin !== botOrigin) throw new Error(`the link pages led to ${url}, which no fake answers`);
    const response = await browser.get(url);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url).toString();
      continue;
    }
    const next = step === 0 && response.status === 200 ? buttonHref(response.body) : undefined;
    if (!next) return { ...response, visited, callbacks };
    url = new URL(next, url).toString();
  }
  throw new Error(`no final page after ${MAX_STEPS} steps: ${visited.join(' → ')}`);
}

/** A Discord user the fake Discord knows, for members the tests make up. */
export function fakeDiscordUser(id: string, username: string, globalName: string | null = null): FakeUser {
  return { ...fakeUsers.alice, id, username, global_name: globalName, avatar: null };
}
