/**
 * The catalogues as data: every language has every message, every message is valid ICU MessageFormat with the
 * same placeholders (names and kinds) and tags as its English source, and the command names messages mention are
 * the ones members of that language see in their command list.
 */
import { isStructurallySame, parse, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { isChatInputCommand } from '../../../commands/command.js';
import { CATALOGUES, DEFAULT_LOCALE, LOCALES, hasTags, type Locale } from '../../../src/i18n/index.js';

const english = CATALOGUES[DEFAULT_LOCALE];
const others = LOCALES.filter((locale) => locale !== DEFAULT_LOCALE);

function ast(locale: Locale, key: string): MessageFormatElement[] {
  const source = CATALOGUES[locale][key];
  if (source === undefined) throw new Error(`${locale} has no "${key}"`);
  return parse(source, { ignoreTag: !hasTags(key) });
}

describe('message catalogues', () => {
  it('every language has exactly the messages of the English catalogue', () => {
    const englishKeys = Object.keys(english).sort();
    expect(englishKeys.length).toBeGreaterThan(50);
    for (const locale of others) {
      const keys = Object.keys(CATALOGUES[locale]).sort();
      expect({ locale, missing: englishKeys.filter((key) => !keys.includes(key)), extra: keys.filter((key) => !englishKeys.includes(key)) }).toEqual({ locale, missing: [], extra: [] });
    }
  });

  it('every message is a non-empty string that parses as ICU MessageFormat', () => {
    const problems: string[] = [];
    for (const locale of LOCALES) {
      for (const [key, source] of Object.entries(CATALOGUES[locale])) {
        if (typeof source !== 'string' || source.trim() === '') problems.push(`${locale} ${key}: empty`);
        else {
          try {
            ast(locale, key);
          } catch (error) {
            problems.push(`${locale} ${key}: ${(error as Error).message}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every translation uses the placeholders and tags of its English message, with the same kinds (plural, number, select…)', () => {
    const problems: string[] = [];
    for (const key of Object.keys(english)) {
      const source = ast(DEFAULT_LOCALE, key);
      for (const locale of others) {
        if (CATALOGUES[locale][key] === undefined) continue;
        const verdict = isStructurallySame(source, ast(locale, key));
        if (!verdict.success) problems.push(`${locale} ${key}: ${verdict.error?.message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a placeholder that differs from English is reported (the check above can fail)', () => {
    const verdict = isStructurallySame(parse('{count, plural, one {# title} other {# titles}}'), parse('{total, plural, other {# 作品}}'));
    expect(verdict.success).toBe(false);
    expect(isStructurallySame(parse('{count, plural, one {# title} other {# titles}}'), parse('{count, number} 作品')).success).toBe(false);
  });

  it('a command mentioned as `/name` is named as that language’s command list shows it', () => {
    const problems: string[] = [];
    let mentions = 0;
    const slash = commands.filter(isChatInputCommand);
    for (const locale of LOCALES) {
      const catalogue = CATALOGUES[locale];
      const namesHere = new Set(slash.map((command) => catalogue[`command.${command.definition.name}.name`] ?? command.definition.name));
      for (const [key, source] of Object.entries(catalogue)) {
        // A slash not inside a word or an address (anilist.co/user/…), as in "run `/link`" or "(/anime, /manga)".
        for (const [, name] of source.matchAll(/(?<![\p{L}\p{N}:/.<])\/([-_'\p{L}\p{N}]+)/gu)) {
          mentions++;
          if (!namesHere.has(name!)) problems.push(`${locale} ${key}: /${name} is not a command name in ${locale}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(mentions).toBeGreaterThan(LOCALES.length * 3);
  });
});
