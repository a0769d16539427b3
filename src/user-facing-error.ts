/**
 * An error whose message is written for the member and is safe to show them. The dispatcher's error boundary
 * turns it into an ephemeral reply; any other error becomes a generic apology and a log line.
 */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}

/** What the member sees for any other error: the details go to the log, never to Discord. */
export const UNEXPECTED_ERROR_MESSAGE = 'Something went wrong on our side. Please try again in a moment.';
