import type { LinkFailureKind } from '../linking/index.js';
import type { ConnectOutcome } from '../roles/index.js';
import { html, type SafeHtml } from './html.js';

/**
 * The stylesheet, relative to a page `depth` folders deep (/link/… and /oauth/done: 1; /oauth/discord/callback: 2),
 * so it loads behind a path prefix too.
 */
const stylesheet = (depth: number) => `${'../'.repeat(depth)}assets/anilink.css`;

function layout(title: string, body: SafeHtml, depth = 1): string {
  return html`<!doctype html>
<html lang="en">
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
<footer>anilink is an unofficial Discord bot for AniList.</footer>
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

export function startPage(view: StartPageView): string {
  return layout(
    'Link your AniList account',
    html`<h1>Link your AniList account</h1>
<p>You are linking AniList to this Discord account:</p>
<div class="identity" data-testid="discord-account">
  <img class="avatar" src="${view.avatarUrl}" alt="" width="64" height="64">
  <div><strong class="display-name">${view.displayName}</strong><br><span class="username">@${view.username}</span></div>
</div>
<ol class="steps">
  <li><strong>Sign in with Discord</strong>, to confirm you are this member. The link works only for this Discord account, so a link someone forwarded to you does nothing.</li>
  <li><strong>Approve the bot on AniList</strong>, with the AniList account you want to link.</li>
</ol>
<p class="warning"><strong>Not you?</strong> Close this page: someone sent you their link. To link your own account, run <code>/link</code> in Discord yourself.</p>
<h2>What the bot will be able to do</h2>
<ul>
  <li>Read your AniList profile and anime and manga lists, to answer <code>/list</code> and <code>/profile</code>.</li>
  <li>Change entries on your lists when you use <code>/update</code>, and only then.</li>
</ul>
<p class="small">From Discord the bot learns who you are, to check it is you, and may update your linked roles: servers can give roles for your AniList stats (completed anime and manga, episodes, chapters, account age). AniList does not offer narrower permissions, so the access it grants is broad. The bot stores it encrypted, uses it only for commands you run, and erases it when you use <code>/unlink</code>. You can also revoke it at any time in AniList's settings under Apps.</p>
<p><a class="button" href="${view.signInUrl}" rel="noreferrer">Sign in with Discord</a></p>
<p class="small">This link works for ${view.minutesLeft} more minute${view.minutesLeft === 1 ? '' : 's'}, in this browser only.</p>`,
  );
}

export interface VerificationPageView {
  /** Discord's authorize page. */
  signInUrl: string;
  minutesLeft: number;
}

/** `/linked-role`, where Discord sends members from a server's Linked Roles menu. One folder deep: none. */
export function verificationPage(view: VerificationPageView): string {
  return layout(
    'Verify your AniList stats',
    html`<h1>Verify your AniList stats</h1>
<p>Servers can give roles for what you did on AniList, such as <em>completed at least 100 anime</em>. To earn them, let this bot tell Discord your AniList numbers.</p>
<ol class="steps">
  <li><strong>Sign in with Discord</strong> and allow the bot to update your linked roles.</li>
  <li>If your Discord account is not linked to AniList yet: <strong>approve the bot on AniList</strong> with your AniList account.</li>
</ol>
<h2>What Discord will get</h2>
<ul data-testid="shared">
  <li>Your AniList name</li>
  <li>How many anime and manga you completed</li>
  <li>How many episodes you watched and chapters you read</li>
  <li>When your AniList account was made</li>
</ul>
<p class="small">Discord uses these to check role requirements, in every server that sets some. The bot updates them when you use <code>/update</code> and once a day. <code>/unlink</code> removes them and everything the bot stored; you can also remove the bot under Discord's User Settings → Authorized Apps.</p>
<p><a class="button" href="${view.signInUrl}" rel="noreferrer">Sign in with Discord</a></p>
<p class="small">This page works for ${view.minutesLeft} more minute${view.minutesLeft === 1 ? '' : 's'}, in this browser only.</p>`,
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

function rolesNote(view: ResultPageView): SafeHtml | '' {
  switch (view.roles) {
    case 'pushed':
    case 'unchanged':
      return html`<p data-testid="roles">Your Discord linked roles now follow the stats of AniList user <strong>${view.anilistName}</strong>. They update when you use <code>/update</code> and once a day.</p>`;
    case 'pending':
      return html`<p data-testid="roles">Your Discord linked roles will follow the stats of AniList user <strong>${view.anilistName}</strong>: AniList or Discord is busy right now, so they arrive within a day (or after your next <code>/update</code>).</p>`;
    case 'stale':
      return html`<p class="warning" data-testid="roles">Discord did not accept the permission for your linked roles. To earn roles for your AniList stats, open Linked Roles in your server's menu and verify again.</p>`;
    case 'none':
      // Only a verification can end here: the member's AniList authorization stopped working meanwhile.
      return view.kind === 'verified'
        ? html`<p class="warning" data-testid="roles">AniList no longer accepts the bot's authorization for <strong>${view.anilistName}</strong>, so your linked roles could not be updated. Run <code>/link</code> in Discord to link again; your roles follow from then on.</p>`
        : '';
    default:
      return '';
  }
}

export function resultPage(view: ResultPageView): string {
  if (view.kind === 'verified') {
    return layout(
      'Linked roles verified',
      html`<h1>Verified!</h1>
<p class="success" data-testid="result">AniList user <strong>${view.anilistName}</strong> now backs the linked roles of Discord user <strong>${view.discordDisplayName}</strong> (@${view.discordUsername}).</p>
${rolesNote(view)}
<p>You can close this tab and go back to Discord.</p>
<p class="small"><a href="${view.anilistSiteUrl}" rel="noreferrer">Open your AniList profile</a></p>`,
    );
  }
  return layout(
    'Account linked',
    html`<h1>All set!</h1>
<p class="success" data-testid="result">AniList user <strong>${view.anilistName}</strong> is now linked to Discord user <strong>${view.discordDisplayName}</strong> (@${view.discordUsername}).</p>
${view.replacedAniListName ? html`<p>This replaces your previous link to AniList user ${view.replacedAniListName}.</p>` : ''}
${view.moved ? html`<p>This AniList account was linked to another Discord account before; that link has been removed.</p>` : ''}
${rolesNote(view)}
<p>You can close this tab and go back to Discord: <code>/list</code>, <code>/update</code> and <code>/profile</code> now work for you.</p>
<p class="small"><a href="${view.anilistSiteUrl}" rel="noreferrer">Open your AniList profile</a></p>`,
  );
}

interface FailureCopy {
  status: number;
  title: string;
  message: string;
  hint: string;
}

const RUN_LINK_AGAIN = 'Run /link in Discord again to get a fresh link.';

export const FAILURES: Record<LinkFailureKind | 'rate_limited' | 'bad_request' | 'not_found' | 'internal', FailureCopy> = {
  expired: {
    status: 400,
    title: 'This link has expired',
    message: 'This link has expired or was already used. Links work once, for 10 minutes.',
    hint: RUN_LINK_AGAIN,
  },
  wrong_account: {
    status: 403,
    title: 'This link is for another Discord account',
    message:
      'This link was made for another Discord account than the one you signed in with, so it has been cancelled. Nothing was linked and nothing was stored.',
    hint: 'To link your own AniList account, run /link in Discord yourself. Never finish a link page that someone else sent you.',
  },
  discord_denied: {
    status: 400,
    title: 'Linking cancelled',
    message: 'You did not approve the sign-in with Discord, so nothing was linked and nothing was stored.',
    hint: 'Changed your mind? ' + RUN_LINK_AGAIN,
  },
  discord_rejected: {
    status: 400,
    title: 'Discord did not accept this sign-in',
    message: 'Discord did not accept this sign-in; it may have taken too long or been used already. Nothing was linked.',
    hint: 'Open the link from your /link reply in Discord again, or run /link again to get a fresh one.',
  },
  discord_misconfigured: {
    status: 502,
    title: 'The bot is misconfigured',
    message: "Discord rejected the bot's own sign-in credentials, so linking cannot work right now. Nothing was linked.",
    hint: "Please tell the server admin: the bot's Discord client secret or redirect URI needs fixing.",
  },
  discord_unavailable: {
    status: 502,
    title: 'Discord is not answering',
    message: 'Discord did not confirm who you are right now. Nothing was linked.',
    hint: 'Please try again in a few minutes: open the link from your /link reply in Discord again, or run /link again.',
  },
  denied: {
    status: 400,
    title: 'Linking cancelled',
    message: 'You did not approve the bot on AniList, so nothing was linked and nothing was stored.',
    hint: 'Changed your mind? ' + RUN_LINK_AGAIN,
  },
  wrong_browser: {
    status: 400,
    title: 'Finish in the same browser',
    message:
      'This sign-in did not start in this browser. For your safety, linking must be finished in the browser where you opened the link from Discord. Nothing was linked.',
    hint: RUN_LINK_AGAIN + ' Open the link and sign in with Discord and AniList in the same browser.',
  },
  code_rejected: {
    status: 400,
    title: 'AniList did not accept this sign-in',
    message: 'AniList did not accept this sign-in; it may have taken too long or been used already. Nothing was linked.',
    hint: RUN_LINK_AGAIN,
  },
  misconfigured: {
    status: 502,
    title: 'The bot is misconfigured',
    message: 'AniList rejected the bot\'s own credentials, so linking cannot work right now. Nothing was linked.',
    hint: 'Please tell the server admin: the AniList client ID, secret or redirect URI needs fixing.',
  },
  anilist_unavailable: {
    status: 502,
    title: 'AniList is not answering',
    message: 'AniList is not answering right now. Nothing was linked.',
    hint: 'Please try again in a few minutes. ' + RUN_LINK_AGAIN,
  },
  anilist_busy: {
    status: 503,
    title: 'AniList is busy',
    message: 'AniList is busy right now and could not tell us who you are, so nothing was linked.',
    hint: 'Run /link in Discord again in a minute to get a fresh link.',
  },
  rate_limited: {
    status: 429,
    title: 'Too many attempts',
    message: 'Too many failed linking attempts came from your network.',
    hint: 'Wait a minute, then ' + RUN_LINK_AGAIN.charAt(0).toLowerCase() + RUN_LINK_AGAIN.slice(1),
  },
  bad_request: {
    status: 400,
    title: 'That did not work',
    message: 'The server could not understand that request. Nothing was linked.',
    hint: RUN_LINK_AGAIN,
  },
  not_found: {
    status: 404,
    title: 'Page not found',
    message: 'There is nothing at this address.',
    hint: 'To link your AniList account, run /link in Discord.',
  },
  internal: {
    status: 500,
    title: 'Something went wrong',
    message: 'Something went wrong on our side. Nothing was linked.',
    hint: 'Please try again in a minute. ' + RUN_LINK_AGAIN,
  },
};

/**
 * `retryAfterSeconds` replaces "in a minute" in the hint (for `anilist_busy`); `depth` is how many folders deep the
 * page's address is (failures are answered at any path).
 */
export function failurePage(kind: keyof typeof FAILURES, retryAfterSeconds?: number, depth = 1): { status: number; body: string } {
  const base = FAILURES[kind];
  const copy =
    retryAfterSeconds === undefined
      ? base
      : { ...base, hint: base.hint.replace('in a minute', `in ${Math.max(1, Math.ceil(retryAfterSeconds))} seconds`) };
  return {
    status: copy.status,
    body: layout(
      copy.title,
      html`<h1>${copy.title}</h1>
<p class="error" data-testid="failure">${copy.message}</p>
<p>${copy.hint}</p>`,
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
