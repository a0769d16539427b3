import { describe, expect, it } from 'vitest';
import { displayTitle, formatProgress, totalUnits } from '../../../commands/format/media.js';
import { UNSCORED, checkScore, formatScore, toScoreFormat } from '../../../commands/format/score.js';
import { escapeInline, safeLabel, truncate } from '../../../commands/format/text.js';
import { createTranslations, inEnglish } from '../../../src/i18n/index.js';

const i18n = createTranslations();
const en = i18n.forLocale('en');

describe('formatScore', () => {
  it.each([
    ['POINT_100', 85, '85/100'],
    ['POINT_10_DECIMAL', 8.5, '8.5/10'],
    ['POINT_10_DECIMAL', 9, '9.0/10'],
    ['POINT_10', 8, '8/10'],
    ['POINT_5', 4, '★★★★☆'],
    ['POINT_5', 1, '★☆☆☆☆'],
    ['POINT_3', 1, '🙁'],
    ['POINT_3', 2, '😐'],
    ['POINT_3', 3, '🙂'],
  ] as const)('%s %d → %s', (format, score, shown) => {
    expect(formatScore(en, score, format)).toBe(shown);
  });

  it('writes decimal scores with the reader’s decimal separator', () => {
    expect(formatScore(i18n.forLocale('de'), 8.5, 'POINT_10_DECIMAL')).toBe('8,5/10');
    expect(formatScore(i18n.forLocale('ja'), 8.5, 'POINT_10_DECIMAL')).toBe('8.5/10');
  });

  it('shows 0 and missing scores as unscored in every format', () => {
    for (const format of ['POINT_100', 'POINT_10_DECIMAL', 'POINT_10', 'POINT_5', 'POINT_3'] as const) {
      expect(formatScore(en, 0, format)).toBe(UNSCORED);
      expect(formatScore(en, null, format)).toBe(UNSCORED);
    }
  });
});

describe('checkScore', () => {
  it.each([
    ['POINT_100', 0, 0],
    ['POINT_100', 100, 100],
    ['POINT_10_DECIMAL', 8.5, 8.5],
    ['POINT_10_DECIMAL', 8.499999999, 8.5],
    ['POINT_10', 10, 10],
    ['POINT_5', 5, 5],
    ['POINT_3', 3, 3],
  ] as const)('accepts %s %d', (format, input, stored) => {
    expect(checkScore(input, format)).toEqual({ ok: true, score: stored });
  });

  it.each([
    ['POINT_100', 85.5],
    ['POINT_100', 101],
    ['POINT_100', -1],
    ['POINT_10_DECIMAL', 8.55],
    ['POINT_10_DECIMAL', 10.1],
    ['POINT_10', 8.5],
    ['POINT_10', 11],
    ['POINT_5', 6],
    ['POINT_5', 4.5],
    ['POINT_3', 4],
    ['POINT_3', Number.NaN],
  ] as const)('refuses %s %d with a message naming the format', (format, input) => {
    const result = checkScore(input, format);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(inEnglish(result.message)).toMatch(/score format/);
  });

  it('falls back to POINT_100 for an unknown stored format', () => {
    expect(toScoreFormat('POINT_5')).toBe('POINT_5');
    expect(toScoreFormat('SOMETHING_NEW')).toBe('POINT_100');
  });
});

describe('text helpers', () => {
  it('truncates by code points and marks the cut', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(Array.from(truncate('😀'.repeat(10), 5))).toHaveLength(5);
  });

  it('escapes markdown, brackets and line breaks so a title cannot break a link label', () => {
    expect(escapeInline('**Bold** [x](y)\n<@1>')).toBe('\\*\\*Bold\\*\\* \\[x\\]\\(y\\) \\<@1\\>');
    expect(safeLabel('*'.repeat(200), 10)).toBe(`${'\\*'.repeat(9)}…`);
  });
});

describe('media helpers', () => {
  it('uses episodes for anime and chapters for manga, ? when unknown', () => {
    expect(formatProgress(en, 5, { type: 'ANIME', episodes: 12 })).toBe('Ep 5/12');
    expect(formatProgress(en, 120, { type: 'MANGA', chapters: null })).toBe('Ch 120/?');
    expect(totalUnits({ type: 'MANGA', episodes: 3, chapters: 0 })).toBeNull();
    expect(formatProgress(i18n.forLocale('de'), 5, { type: 'ANIME', episodes: 12 })).toBe('Folge 5/12');
    expect(formatProgress(i18n.forLocale('ja'), 120, { type: 'MANGA', chapters: null })).toBe('120/? 話');
  });

  it('picks the title by language when the data came without a token', () => {
    const title = { userPreferred: 'Sousou no Frieren', romaji: 'Sousou no Frieren', english: 'Frieren', native: '葬送のフリーレン' };
    expect(displayTitle(title)).toBe('Sousou no Frieren');
    expect(displayTitle(title, 'ENGLISH')).toBe('Frieren');
    expect(displayTitle(title, 'NATIVE_STYLISED')).toBe('葬送のフリーレン');
    expect(displayTitle({ ...title, english: null }, 'ENGLISH')).toBe('Sousou no Frieren');
  });
});
