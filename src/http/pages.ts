import type { MessageKey, MessageValues, TagRenderer, Translator } from '../i18n/index.js';
import type { LinkFailureKind } from '../linking/index.js';
import type { ConnectOutcome } from '../roles/index.js';
import { escapeHtml, html, SafeHtml } from './html.js';

/**
 * The stylesheet, relative to a page `depth` folders deep (/link/… and /oauth/done: 1; /oauth/discord/callback: 2),
 * so it loads behind a path prefix too.
 */
const stylesheet = (depth: number) => `${'../'.repeat(depth)}assets/anilink.css`;

const wrap = (tag: string) => (chunks: (string | SafeHtml)[]) => new SafeHtml(`<${tag}>${chunks.map(markup).join('')}</${tag}>`);

/** The tags web messages may use: `<b>` for strong emphasis, `<i>` for an example, `<code>` for a command. */
const TAGS: Readonly<Record<string, TagRenderer<SafeHtml>>> = { b: wrap('strong'), i: wrap('em'), code: wrap('code') };

function markup(part: string | SafeHtml): string {
  return part instanceof SafeHtml ? part.value : escapeHtml(part);
}

/** A catalogue message as markup: its text and every value escaped, its tags rendered. */
function say(t: Translator, key: MessageKey, values: MessageValues = {}): SafeHtml {
  return new SafeHtml(t.rich(key, values, TAGS).map(markup).join(''));
}

function layout(t: Translator, title: string, body: SafeHtml, depth = 1): string {
  return html`<!doctype html>
<html lang="${t.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · anilink</title>
<link rel="stylesheet" href="${stylesheet(depth)}">
</head>
<body>
<main class="card">
${body}
</main>
<footer>${say(t, 'web.footer')}</footer>
</body>
</html>
`.value;
}

export interface StartPageView {
  displayName: string;
  username: string;
  avatarUrl: string;
  /** Discord's authorize page: the first of the two sign-ins. */
  signInUrl: string;
  minutesLeft: number;
}

/** Every page is written for the browser's language (Accept-Language): `t`. */
export function startPage(t: Translator, view: StartPageView): string {
  const title = t('web.start.title');
  return layout(
    t,
    title,
    html`<h1>${title}</h1>
<p>${say(t, 'web.start.linking')}</p>
<div class="identity" data-testid="discord-account">
  <img class="avatar" src="${view.avatarUrl}" alt="" width="64" height="64">
  <div><strong class="display-name">${view.displayName}</strong><br><span class="username">@${view.username}</span></div>
</div>
<ol class="steps">
  <li>${say(t, 'web.start.signInStep')}</li>
  <li>${say(t, 'web.start.approveStep')}</li>
</ol>
<p class="warning">${say(t, 'web.start.notYou')}</p>
<h2>${say(t, 'web.start.canDo')}</h2>
<ul>
  <li>${say(t, 'web.start.read')}</li>
  <li>${say(t, 'web.start.write')}</li>
</ul>
<p class="small">${say(t, 'web.start.privacy')}</p>
<p><a class="button" href="${view.signInUrl}" rel="noreferrer">${say(t, 'web.start.signIn')}</a></p>
<p class="small">${say(t, 'web.start.timeLeft', { minutes: view.minutesLeft })}</p>`,
  );
}

export interface VerificationPageView {
  /** Discord's authorize page. */
  signInUrl: string;
  minutesLeft: number;
}

/** `/linked-role`, where Discord sends members from a server's Linked Roles menu. One folder deep: none. */
export function verificationPage(t: Translator, view: VerificationPageView): string {
  const title = t('web.verify.title');
  return layout(
    t,
    title,
    html`<h1>${title}</h1>
<p>${say(t, 'web.verify.intro')}</p>
<ol class="steps">
  <li>${say(t, 'web.verify.signInStep')}</li>
  <li>${say(t, 'web.verify.approveStep')}</li>
</ol>
<h2>${say(t, 'web.verify.shared')}</h2>
<ul data-testid="shared">
  <li>${say(t, 'web.verify.sharedName')}</li>
  <li>${say(t, 'web.verify.sharedCompleted')}</li>
  <li>${say(t, 'web.verify.sharedProgress')}</li>
  <li>${say(t, 'web.verify.sharedSince')}</li>
</ul>
<p class="small">${say(t, 'web.verify.use')}</p>
<p><a class="button" href="${view.signInUrl}" rel="noreferrer">${say(t, 'web.start.signIn')}</a></p>
<p class="small">${say(t, 'web.verify.timeLeft', { minutes: view.minutesLeft })}</p>`,
    0,
  );
}

export interface ResultPageView {
  /** `linked`: the member linked AniList (from /link or the linked-roles page); `verified`: already linked, Discord only. */
  kind: 'linked' | 'verified';
  anilistName: string;
  anilistSiteUrl: string;
  discordDisplayName: string;
  discordUsername: string;
  moved: boolean;
  replacedAniListName: string | undefined;
  /** How writing the member's role connection went; undefined when their sign-in did not allow it. */
  roles: ConnectOutcome | undefined;
}

function rolesNote(t: Translator, view: ResultPageView): SafeHtml | '' {
  switch (view.roles) {
    case 'pushed':
    case 'unchanged':
      return html`<p data-testid="roles">${say(t, 'web.roles.pushed', { anilist: view.anilistName })}</p>`;
    case 'pending':
      return html`<p data-testid="roles">${say(t, 'web.roles.pending', { anilist: view.anilistName })}</p>`;
    case 'stale':
      return html`<p class="warning" data-testid="roles">${say(t, 'web.roles.stale')}</p>`;
    case 'none':
      // Only a verification can end here: the member's AniList authorization stopped working meanwhile.
      return view.kind === 'verified' ? html`<p class="warning" data-testid="roles">${say(t, 'web.roles.revoked', { anilist: view.anilistName })}</p>` : '';
    default:
      return '';
  }
}

export function resultPage(t: Translator, view: ResultPageView): string {
  if (view.kind === 'verified') {
    return layout(
      t,
      t('web.result.verifiedTitle'),
      html`<h1>${say(t, 'web.result.verifiedHeading')}</h1>
<p class="success" data-testid="result">${say(t, 'web.result.verified', { anilist: view.anilistName, discord: view.discordDisplayName, username: view.discordUsername })}</p>
${rolesNote(t, view)}
<p>${say(t, 'web.result.close')}</p>
<p class="small"><a href="${view.anilistSiteUrl}" rel="noreferrer">${say(t, 'web.result.openProfile')}</a></p>`,
    );
  }
  return layout(
    t,
    t('web.result.title'),
    html`<h1>${say(t, 'web.result.heading')}</h1>
<p class="success" data-testid="result">${say(t, 'web.result.linked', { anilist: view.anilistName, discord: view.discordDisplayName, username: view.discordUsername })}</p>
${view.replacedAniListName ? html`<p>${say(t, 'web.result.replaced', { previous: view.replacedAniListName })}</p>` : ''}
${view.moved ? html`<p>${say(t, 'web.result.moved')}</p>` : ''}
${rolesNote(t, view)}
<p>${say(t, 'web.result.next')}</p>
<p class="small"><a href="${view.anilistSiteUrl}" rel="noreferrer">${say(t, 'web.result.openProfile')}</a></p>`,
  );
}

export type FailureKind = LinkFailureKind | 'rate_limited' | 'bad_request' | 'not_found' | 'internal';

interface FailureCopy {
  status: number;
  title: MessageKey;
  message: MessageKey;
  hint: MessageKey;
  /** The hint when the page knows how many seconds to wait. */
  hintSeconds?: MessageKey;
}

const copy = (kind: FailureKind, status: number): FailureCopy => ({
  status,
  title: `web.failure.${kind}.title` as MessageKey,
  message: `web.failure.${kind}.message` as MessageKey,
  hint: `web.failure.${kind}.hint` as MessageKey,
});

/** Each failure's HTTP status; its words are in the catalogues under `web.failure.<kind>.title|message|hint`. */
export const FAILURES: Record<FailureKind, FailureCopy> = {
  expired: copy('expired', 400),
  wrong_account: copy('wrong_account', 403),
  discord_denied: copy('discord_denied', 400),
  discord_rejected: copy('discord_rejected', 400),
  discord_misconfigured: copy('discord_misconfigured', 502),
  discord_unavailable: copy('discord_unavailable', 502),
  denied: copy('denied', 400),
  wrong_browser: copy('wrong_browser', 400),
  code_rejected: copy('code_rejected', 400),
  misconfigured: copy('misconfigured', 502),
  anilist_unavailable: copy('anilist_unavailable', 502),
  anilist_busy: { ...copy('anilist_busy', 503), hintSeconds: 'web.failure.anilist_busy.hintSeconds' },
  rate_limited: copy('rate_limited', 429),
  bad_request: copy('bad_request', 400),
  not_found: copy('not_found', 404),
  internal: copy('internal', 500),
};

/**
 * `retryAfterSeconds` replaces "in a minute" in the hint (for `anilist_busy`); `depth` is how many folders deep the
 * page's address is (failures are answered at any path).
 */
export function failurePage(t: Translator, kind: FailureKind, retryAfterSeconds?: number, depth = 1): { status: number; body: string } {
  const failure = FAILURES[kind];
  const hint =
    retryAfterSeconds !== undefined && failure.hintSeconds
      ? say(t, failure.hintSeconds, { seconds: Math.max(1, Math.ceil(retryAfterSeconds)) })
      : say(t, failure.hint);
  const title = t(failure.title);
  return {
    status: failure.status,
    body: layout(
      t,
      title,
      html`<h1>${title}</h1>
<p class="error" data-testid="failure">${say(t, failure.message)}</p>
<p>${hint}</p>`,
      depth,
    ),
  };
}

export const STYLESHEET_CSS = `
:root { color-scheme: light dark; --accent: #3db4f2; --bg: #edf1f5; --card: #fff; --text: #2b2d42; --muted: #5c6b7a; }
@media (prefers-color-scheme: dark) { :root { --bg: #0b1622; --card: #151f2e; --text: #e6ecf2; --muted: #9fadbd; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem; background: var(--bg); color: var(--text); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.card { max-width: 34rem; margin: 2rem auto; padding: 1.5rem; background: var(--card); border-radius: 12px; box-shadow: 0 2px 12px rgb(0 0 0 / 0.12); overflow-wrap: anywhere; }
h1 { font-size: 1.5rem; margin-top: 0; }
h2 { font-size: 1.1rem; }
.identity { display: flex; gap: 1rem; align-items: center; padding: 0.75rem; border-radius: 8px; background: var(--bg); }
.avatar { border-radius: 50%; flex: none; object-fit: cover; background: var(--card); color: transparent; overflow: hidden; }
.username, .small, footer { color: var(--muted); }
.small { font-size: 0.9rem; }
.warning { border-left: 4px solid #e85d75; padding-left: 0.75rem; }
.steps li { margin-bottom: 0.4rem; }
.success { border-left: 4px solid #3dbf71; padding-left: 0.75rem; }
.error { border-left: 4px solid #e85d75; padding-left: 0.75rem; }
.button { display: inline-block; padding: 0.75rem 1.25rem; border-radius: 8px; background: var(--accent); color: #fff; font-weight: 600; text-decoration: none; }
.button:focus, .button:hover { filter: brightness(1.1); outline: 3px solid rgb(61 180 242 / 0.4); }
a { color: var(--accent); }
footer { text-align: center; font-size: 0.8rem; }
@media (max-width: 480px) { .card { margin: 0.5rem auto; padding: 1rem; } .button { display: block; text-align: center; } }
`;
