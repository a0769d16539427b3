import { IntlMessageFormat } from 'intl-messageformat';
import { CATALOGUES, hasTags, type Catalogue, type MessageKey } from './catalogues.js';
import { DEFAULT_LOCALE, DISCORD_LOCALES, LOCALES, localeOfAcceptLanguage, localeOfDiscord, type Locale } from './locales.js';

/** Text that needs the reader's language to be written: a status name, an option's localized name… */
export type Localized = (t: Translator) => string;

/** What a placeholder may hold: numbers and dates are formatted by the message (`{n, number}`, `{d, date}`). */
export type MessageValue = string | number | Date | Message | Localized;
export type MessageValues = Readonly<Record<string, MessageValue>>;

/**
 * A message not yet put into words: its id and its values. Code that does not know who reads (the linking module,
 * the AniList client, a refusal thrown deep in a command) says what to tell; the error boundary says it in the
 * member's language.
 */
export interface Message {
  readonly key: MessageKey;
  readonly values?: MessageValues | undefined;
}

export function msg(key: MessageKey, values?: MessageValues): Message {
  return values === undefined ? { key } : { key, values };
}

export function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && typeof (value as { key?: unknown }).key === 'string';
}

/** A tag of a web message (`<b>…</b>`): gets its already formatted children, returns markup. */
export type TagRenderer<T> = (chunks: (string | T)[]) => T;

/** Everything the bot says to one reader, in their language. Call it: `t('list.empty', { … })`. */
export interface Translator {
  (key: MessageKey, values?: MessageValues): string;
  readonly locale: Locale;
  /** A message made elsewhere, a Localized piece, or text that is already final (shown as it is). */
  render(text: Message | Localized | string): string;
  /** A message whose id is built at run time (command names): this language, else English, else undefined. */
  lookup(key: string): string | undefined;
  /**
   * A web message with tags: literal text and string values come back as strings for the caller to escape; each
   * tag is rendered by `tags[name]`.
   */
  rich<T>(key: MessageKey, values: MessageValues, tags: Readonly<Record<string, TagRenderer<T>>>): (string | T)[];
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** "a, b and c" (or "a, b or c") as the language writes it. */
  list(items: readonly string[], joiner?: 'and' | 'or'): string;
}

export interface Translations {
  forLocale(locale: Locale): Translator;
  /** For an interaction: its `locale`, the member's Discord client language (English when unknown). */
  forDiscord(discordLocale: string | null | undefined): Translator;
  /** For a web page: the browser's Accept-Language. */
  forAcceptLanguage(header: string | readonly string[] | undefined): Translator;
  /**
   * The text of `key` in every other language that has it, keyed by Discord locale (`ja`, `es-ES`, `es-419`, …),
   * for `name_localizations` and `description_localizations`; undefined when no language has it.
   */
  discordLocalizations(key: string): Record<string, string> | undefined;
}

/**
 * The translators over the catalogues (the shipped ones by default). Formatters are compiled on first use and
 * kept here, per Translations, so two bots in one process never share anything mutable.
 */
export function createTranslations(catalogues: Readonly<Record<Locale, Catalogue>> = CATALOGUES): Translations {
  const formatters = new Map<string, IntlMessageFormat>();
  const translators = new Map<Locale, Translator>();

  function formatter(locale: Locale, key: string): IntlMessageFormat | undefined {
    const id = `${locale}\u0000${key}`;
    const cached = formatters.get(id);
    if (cached) return cached;
    const source = catalogues[locale][key];
    if (source === undefined) return undefined;
    const compiled = new IntlMessageFormat(source, locale, undefined, { ignoreTag: !hasTags(key) });
    formatters.set(id, compiled);
    return compiled;
  }

  /** In `locale`; any failure there (a key or a placeholder the translation lacks) falls back to English. */
  function format(locale: Locale, key: string, values: Record<string, unknown>): unknown {
    if (locale !== DEFAULT_LOCALE) {
      try {
        const localized = formatter(locale, key);
        if (localized) return localized.format(values);
      } catch {
        // A broken translation must not cost the member their answer: English below.
      }
    }
    const english = formatter(DEFAULT_LOCALE, key);
    if (!english) throw new Error(`no message "${key}" in the English catalogue`);
    return english.format(values);
  }

  function translator(locale: Locale): Translator {
    const resolve = (values: MessageValues | undefined): Record<string, unknown> => {
      const resolved: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(values ?? {})) {
        resolved[name] = typeof value === 'function' ? value(t) : isMessage(value) ? t(value.key, value.values) : value;
      }
      return resolved;
    };
    const t = ((key: MessageKey, values?: MessageValues) => String(format(locale, key, resolve(values)))) as Translator;
    // The bot's English writes lists without the serial comma ("a, b and c"), as its messages do.
    const listLocale = locale === 'en' ? 'en-GB' : locale;
    const lists = { and: new Intl.ListFormat(listLocale, { type: 'conjunction' }), or: new Intl.ListFormat(listLocale, { type: 'disjunction' }) };
    return Object.assign(t, {
      locale,
      render: (text: Message | Localized | string) => (typeof text === 'string' ? text : typeof text === 'function' ? text(t) : t(text.key, text.values)),
      lookup: (key: string) => {
        if (catalogues[locale][key] === undefined && catalogues[DEFAULT_LOCALE][key] === undefined) return undefined;
        return String(format(locale, key, {}));
      },
      rich: <T>(key: MessageKey, values: MessageValues, tags: Readonly<Record<string, TagRenderer<T>>>) => {
        const formatted = format(locale, key, { ...resolve(values), ...tags }) as string | (string | T)[];
        return Array.isArray(formatted) ? formatted : [formatted];
      },
      number: (value: number, options?: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale, options).format(value),
      list: (items: readonly string[], joiner: 'and' | 'or' = 'and') => lists[joiner].format(items),
    });
  }

  function forLocale(locale: Locale): Translator {
    let found = translators.get(locale);
    if (!found) translators.set(locale, (found = translator(locale)));
    return found;
  }

  return {
    forLocale,
    forDiscord: (discordLocale) => forLocale(localeOfDiscord(discordLocale)),
    forAcceptLanguage: (header) => forLocale(localeOfAcceptLanguage(header)),
    discordLocalizations(key) {
      const localizations: Record<string, string> = {};
      for (const locale of LOCALES) {
        if (catalogues[locale][key] === undefined) continue;
        const text = String(format(locale, key, {}));
        for (const discordLocale of DISCORD_LOCALES[locale]) localizations[discordLocale] = text;
      }
      return Object.keys(localizations).length > 0 ? localizations : undefined;
    },
  };
}

/** English, for logs and for errors' own `message`: built afresh, so no formatter is kept at module level. */
export function inEnglish(text: Message | Localized | string): string {
  return createTranslations().forLocale(DEFAULT_LOCALE).render(text);
}
