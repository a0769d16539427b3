/** The web pages in each language: `<html lang>`, translated copy, tags as markup, values always escaped. */
import { describe, expect, it } from 'vitest';
import { FAILURES, failurePage, resultPage, startPage, verificationPage, type FailureKind, type ResultPageView } from '../../../src/http/pages.js';
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

  it('writes the linked-roles page in each language: what Discord gets, the example in emphasis, the time left', () => {
    const fr = verificationPage(i18n.forLocale('fr'), { signInUrl: 'https://discord.example/oauth2/authorize?x=1&y=2', minutesLeft: 9 });
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain('<h1>Vérifiez vos statistiques AniList</h1>');
    expect(fr).toContain('par exemple <em>au moins 100 anime terminés</em>.');
    expect(fr).toContain('<li>Combien d’anime et de manga vous avez terminés</li>');
    expect(fr).toContain('<code>/mettre-à-jour</code>');
    expect(fr).toContain('href="https://discord.example/oauth2/authorize?x=1&amp;y=2"');
    expect(fr).toContain('Cette page fonctionne encore 9 minutes, dans ce navigateur uniquement.');
    for (const locale of LOCALES) {
      const page = verificationPage(i18n.forLocale(locale), { signInUrl: 'https://discord.example/', minutesLeft: 1 });
      expect(page).toContain(`<h1>${CATALOGUES[locale]['web.verify.title']}</h1>`);
      expect(page).toContain(`>${CATALOGUES[locale]['web.start.signIn']}</a>`);
    }
  });

  it('tells a verified member, in their language, which AniList account backs their roles and how writing them went', () => {
    const verified: ResultPageView = {
      kind: 'verified',
      anilistName: 'Mira<3',
      anilistSiteUrl: 'https://anilist.co/user/Mira',
      discordDisplayName: 'Mira',
      discordUsername: 'mira',
      moved: false,
      replacedAniListName: undefined,
      roles: 'none',
    };
    const es = resultPage(i18n.forLocale('es'), verified);
    expect(es).toContain('<title>Roles vinculados verificados · anilink</title>');
    expect(es).toContain('El usuario de AniList <strong>Mira&lt;3</strong> respalda ahora los roles vinculados del usuario de Discord <strong>Mira</strong> (@mira).');
    expect(es).toContain('AniList ya no acepta la autorización del bot para <strong>Mira&lt;3</strong>');
    expect(es).toContain('<code>/vincular</code>');
    const pending = resultPage(i18n.forLocale('pt-BR'), { ...verified, roles: 'pending' });
    expect(pending).toContain('ou o Discord está ocupado agora');
    const stale = resultPage(i18n.forLocale('ja'), { ...verified, roles: 'stale' });
    expect(stale).toContain('Discord がリンクロールの権限を受け付けませんでした。');
    // A linked member with nothing to say about roles gets no roles line at all.
    expect(resultPage(i18n.forLocale('de'), { ...verified, kind: 'linked', roles: 'none' })).not.toContain('data-testid="roles"');
  });
});
