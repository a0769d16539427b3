import { inEnglish, msg, type Localized, type Message, type Translator } from './i18n/index.js';

/** What to tell the member: a catalogue message (said in their language), a Localized piece, or final text. */
export type UserFacingText = Message | Localized | string;

/**
 * An error whose text is written for the member and is safe to show them. The dispatcher's error boundary
 * turns it into an ephemeral reply in the member's language; any other error becomes a generic apology and a log
 * line. `message` is the English text, for logs.
 */
export class UserFacingError extends Error {
  readonly text: UserFacingText;

  constructor(text: UserFacingText) {
    super(inEnglish(text));
    this.name = 'UserFacingError';
    this.text = text;
  }

  /** The text in the reader's language (a plain string is shown as written). */
  render(t: Translator): string {
    return t.render(this.text);
  }
}

/** What the member sees for any other error: the details go to the log, never to Discord. */
export const UNEXPECTED_ERROR_MESSAGE: Message = msg('common.unexpectedError');
