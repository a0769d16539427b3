/** The web pages in each language: `<html lang>`, translated copy, tags as markup, values always escaped. */
import { describe, expect, it } from 'vitest';
import { FAILURES, failurePage, resultPage, startPage, type FailureKind } from '../../../src/http/pages.js';
import { CATALOGUES, LOCALES, createTranslations } from '../../../src/i18n/index.js';

const i18n = createTranslations();

const start = {
  displayName: '<img src=x onerror=alert(1)>',
  username: 'mira',
  avatarUrl: 'https://cdn.discordapp.com/embed/avatars/0.png',
  signInUrl: 'https://discord.example/oauth2/authorize?a=1&b=2',
  minutesLeft: 1,
};

describe('web pages', () => {
  it('every failure has a title, a message and a hint in every catalogue', () => {
    const missing: string[] = [];
    for (const [kind, copy] of Object.entries(FAILURES)) {
      for (const key of [copy.title, copy.message, copy.hint, ...(copy.hintSeconds ? [copy.hintSeconds] : [])]) {
        for (const locale of LOCALES) if (CATALOGUES[locale][key] === undefined) missing.push(`${locale} ${kind} ${key}`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(FAILURES)).toHaveLength(16);
  });

  it('says which language it is in, and writes the start page in it', () => {
    const ja = startPage(i18n.forLocale('ja'), start);
    expect(ja).toContain('<html lang="ja">');
    expect(ja).toContain('<title>AniList アカウントをリンク · anilink</title>');
    expect(ja).toContain('<li><strong>Discord でサインイン</strong>して');
    expect(ja).toContain('<code>/リンク</code>');
    expect(ja).toContain('あと 1 分間使えます');
    const pt = startPage(i18n.forLocale('pt-BR'), { ...start, minutesLeft: 7 });
    expect(pt).toContain('<html lang="pt-BR">');
    expect(pt).toContain('Este link funciona por mais 7 minutos, só neste navegador.');
    expect(startPage(i18n.forLocale('en'), start)).toContain('This link works for 1 more minute, in this browser only.');
  });

  it('escapes every value, names included, while the messages’ own tags become markup', () => {
    for (const locale of LOCALES) {
      const page = startPage(i18n.forLocale(locale), start);
      expect(page).not.toContain('<img src=x');
      expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(page).toContain('href="https://discord.example/oauth2/authorize?a=1&amp;b=2"');
    }
    const result = resultPage(i18n.forLocale('de'), {
      kind: 'linked',
      anilistName: 'Ani<b>',
      anilistSiteUrl: 'https://anilist.co/user/Ani',
      discordDisplayName: 'Mira & Co',
      discordUsername: 'mira',
      moved: true,
      replacedAniListName: '"Old"',
      roles: 'pushed',
    });
    expect(result).toContain('Der AniList-Benutzer <strong>Ani&lt;b&gt;</strong> ist jetzt mit dem Discord-Benutzer <strong>Mira &amp; Co</strong> (@mira) verknüpft.');
    expect(result).toContain('AniList-Benutzer &quot;Old&quot;.');
    expect(result).toContain('<code>/liste</code>');
    expect(result).toContain('Deine verknüpften Discord-Rollen folgen jetzt den Statistiken des AniList-Benutzers <strong>Ani&lt;b&gt;</strong>.');
  });

  it('answers every failure in every language with its own status, and waits counted in that language', () => {
    for (const locale of LOCALES) {
      for (const kind of Object.keys(FAILURES) as FailureKind[]) {
        const page = failurePage(i18n.forLocale(locale), kind);
        expect(page.status).toBe(FAILURES[kind].status);
        expect(page.body).toContain(`<html lang="${locale}">`);
        expect(page.body).toContain(`<h1>${CATALOGUES[locale][FAILURES[kind].title]}</h1>`);
      }
    }
    expect(failurePage(i18n.forLocale('fr'), 'anilist_busy', 1.2).body).toContain('dans 2 secondes pour obtenir un nouveau lien.');
    expect(failurePage(i18n.forLocale('en'), 'anilist_busy', 0.4).body).toContain('in 1 second to get a fresh link.');
    expect(failurePage(i18n.forLocale('en'), 'anilist_busy').body).toContain('in a minute to get a fresh link.');
  });
});
