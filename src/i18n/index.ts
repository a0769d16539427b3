// Localisation: one ICU MessageFormat catalogue per language (messages/<locale>.json), and the translators over them.
export { CATALOGUES, hasTags, type Catalogue, type MessageKey } from './catalogues.js';
export { DEFAULT_LOCALE, DISCORD_LOCALES, LOCALES, bestLocale, isLocale, localeOfAcceptLanguage, localeOfDiscord, type Locale } from './locales.js';
export {
  createTranslations,
  inEnglish,
  isMessage,
  msg,
  type Localized,
  type Message,
  type MessageValue,
  type MessageValues,
  type TagRenderer,
  type Translations,
  type Translator,
} from './translator.js';
