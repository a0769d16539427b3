import { match } from '@formatjs/intl-localematcher';
import Negotiator from 'negotiator';

/** The languages the bot speaks, one message catalogue each (src/i18n/messages/<locale>.json). */
export const LOCALES = ['en', 'ja', 'es', 'pt-BR', 'de', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

/** What every other catalogue falls back to, key by key; also the language of registration defaults. */
export const DEFAULT_LOCALE: Locale = 'en';

/**
 * The Discord client languages (Discord's locale codes) each catalogue serves in command localizations. English is
 * the registration's default text (en-US, en-GB and every Discord language without a catalogue), so it needs none.
 */
export const DISCORD_LOCALES: Readonly<Record<Locale, readonly string[]>> = {
  en: [],
  ja: ['ja'],
  es: ['es-ES', 'es-419'],
  'pt-BR': ['pt-BR'],
  de: ['de'],
  fr: ['fr'],
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Tags Intl accepts; anything else in a header or a payload ("*", "en_US!!") is skipped, never thrown on. */
function wellFormed(tags: readonly string[]): string[] {
  return tags.filter((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  });
}

/**
 * The catalogue for languages in order of preference: CLDR's language matching (es-419 and es-MX read Spanish,
 * pt-PT reads Brazilian Portuguese, Catalan falls back to Spanish), English when none is close enough.
 */
export function bestLocale(preferred: readonly string[]): Locale {
  const requested = wellFormed(preferred);
  if (requested.length === 0) return DEFAULT_LOCALE;
  const found = match(requested, LOCALES, DEFAULT_LOCALE, { algorithm: 'best fit' });
  return isLocale(found) ? found : DEFAULT_LOCALE;
}

/** An interaction's `locale` (the member's Discord client language, e.g. `ja`, `es-419`, `pt-BR`). */
export function localeOfDiscord(discordLocale: string | null | undefined): Locale {
  return bestLocale(discordLocale ? [discordLocale] : []);
}

/** A browser's Accept-Language header, weights and all. */
export function localeOfAcceptLanguage(header: string | readonly string[] | undefined): Locale {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return DEFAULT_LOCALE;
  return bestLocale(new Negotiator({ headers: { 'accept-language': value } }).languages());
}
