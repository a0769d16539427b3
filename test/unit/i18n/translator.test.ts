import { describe, expect, it } from 'vitest';
import { CATALOGUES, createTranslations, inEnglish, localeOfAcceptLanguage, localeOfDiscord, msg, type Catalogue, type Locale } from '../../../src/i18n/index.js';

const i18n = createTranslations();

describe('which catalogue a member reads', () => {
  it.each([
    ['ja', 'ja'],
    ['es-ES', 'es'],
    ['es-419', 'es'],
    ['pt-BR', 'pt-BR'],
    ['de', 'de'],
    ['fr', 'fr'],
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['ko', 'en'],
    ['zh-TW', 'en'],
    [undefined, 'en'],
    ['', 'en'],
    ['not a locale!', 'en'],
  ])('Discord locale %s reads %s', (discordLocale, expected) => {
    expect(localeOfDiscord(discordLocale)).toBe(expected);
  });

  it.each([
    ['ja,en-US;q=0.9,en;q=0.8', 'ja'],
    ['en-US,en;q=0.9,ja;q=0.8', 'en'],
    ['ko-KR,ko;q=0.9,de;q=0.5', 'de'],
    ['pt-PT,pt;q=0.9', 'pt-BR'],
    ['es-MX', 'es'],
    ['fr-CA;q=0.4,ja;q=0.6', 'ja'],
    ['*', 'en'],
    ['zz-!!, ;q=', 'en'],
    [undefined, 'en'],
  ])('Accept-Language %s reads %s', (header, expected) => {
    expect(localeOfAcceptLanguage(header)).toBe(expected);
  });
});

describe('translators', () => {
  it('format plurals with each language’s own rules, and numbers for its locale', () => {
    const busy = (locale: Locale, seconds: number) => i18n.forLocale(locale)('anilist.error.busy', { seconds });
    expect(busy('en', 1)).toContain('in about 1 second.');
    expect(busy('en', 7)).toContain('in about 7 seconds.');
    // Portuguese and French treat 0 and 1 alike ("one"); German does not.
    expect(i18n.forLocale('fr')('options.tooShort', { option: 'x', min: 0 })).toContain('0 caractère.');
    expect(i18n.forLocale('de')('options.tooShort', { option: 'x', min: 0 })).toContain('0 Zeichen');
    expect(i18n.forLocale('en')('options.numberBetween', { option: 'progress', kind: 'whole', min: 0, max: 100_000 })).toBe('`progress` must be a whole number from 0 to 100,000.');
    expect(i18n.forLocale('de')('options.numberBetween', { option: 'fortschritt', kind: 'whole', min: 0, max: 100_000 })).toBe('`fortschritt` muss eine ganze Zahl von 0 bis 100.000 sein.');
    expect(i18n.forLocale('fr').number(1234.5)).toBe('1\u202f234,5');
  });

  it('render messages made elsewhere, nested messages and pieces that need the reader’s language', () => {
    const ja = i18n.forDiscord('ja');
    expect(ja.locale).toBe('ja');
    expect(ja.render(msg('common.runLinkFirst'))).toBe(CATALOGUES.ja['common.runLinkFirst']);
    expect(ja.render('final text')).toBe('final text');
    const label = (t: typeof ja) => t.lookup('command.update.option.score.name') ?? 'score';
    expect(ja.render(msg('options.number', { option: label, kind: 'whole' }))).toBe('`スコア` には整数を指定してください。');
    expect(inEnglish(msg('options.number', { option: label, kind: 'any' }))).toBe('`score` must be a number.');
  });

  it('fall back to English for a message a language lacks, or a translation that cannot be formatted', () => {
    const broken: Record<Locale, Catalogue> = {
      ...CATALOGUES,
      ja: { ...CATALOGUES.ja, 'common.staleComponent': undefined as unknown as string, 'anilist.error.busy': '{wrong} 秒' },
    };
    const ja = createTranslations(broken).forLocale('ja');
    expect(ja('common.staleComponent')).toBe(CATALOGUES.en['common.staleComponent']);
    expect(ja('anilist.error.busy', { seconds: 3 })).toBe(inEnglish(msg('anilist.error.busy', { seconds: 3 })));
    expect(ja('common.runLinkFirst')).toBe(CATALOGUES.ja['common.runLinkFirst']);
  });

  it('give Discord localizations by Discord locale, both Spanish variants from one catalogue, English left to the default', () => {
    expect(i18n.discordLocalizations('command.list.name')).toEqual({ ja: 'リスト', 'es-ES': 'lista', 'es-419': 'lista', 'pt-BR': 'lista', de: 'liste', fr: 'liste' });
    expect(i18n.discordLocalizations('command.nothing.name')).toBeUndefined();
  });

  it('list items the way each language joins them', () => {
    expect(i18n.forLocale('en').list(['Anime', 'Manga'], 'or')).toBe('Anime or Manga');
    expect(i18n.forLocale('de').list(['A', 'B', 'C'])).toBe('A, B und C');
    // English as the bot's messages write it: no serial comma.
    expect(i18n.forLocale('en').list(['A', 'B', 'C'])).toBe('A, B and C');
    expect(i18n.forLocale('en').list(['A', 'B', 'C'], 'or')).toBe('A, B or C');
    expect(i18n.forLocale('ja').list(['A', 'B', 'C'])).toBe('A、B、C');
  });
});
