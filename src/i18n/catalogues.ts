import de from './messages/de.json' with { type: 'json' };
import en from './messages/en.json' with { type: 'json' };
import es from './messages/es.json' with { type: 'json' };
import fr from './messages/fr.json' with { type: 'json' };
import ja from './messages/ja.json' with { type: 'json' };
import ptBR from './messages/pt-BR.json' with { type: 'json' };
import type { Locale } from './locales.js';

/** Every message the bot can say, by id: the English catalogue is the source translators work from. */
export type MessageKey = keyof typeof en;

/** One language's messages: ICU MessageFormat strings by id (FormatJS's flat JSON, as translation tools read it). */
export type Catalogue = Readonly<Record<string, string>>;

/**
 * The catalogues, loaded once with the code and never changed: data, not state. A key missing from a language
 * falls back to English (the catalogue test fails meanwhile).
 */
export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = Object.freeze({
  en: Object.freeze(en),
  ja: Object.freeze(ja),
  es: Object.freeze(es),
  'pt-BR': Object.freeze(ptBR),
  de: Object.freeze(de),
  fr: Object.freeze(fr),
});

/**
 * Messages of the web pages may carry tags (`<b>…</b>`, `<code>…</code>`) that the page turns into markup; every
 * other message is Markdown for Discord, where `<@id>`, `<t:…>` and `<https://…>` are text, not tags.
 */
export function hasTags(key: string): boolean {
  return key.startsWith('web.');
}
