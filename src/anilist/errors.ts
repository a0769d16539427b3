import { ClientError } from 'graphql-request';
import { inEnglish, msg, type Message } from '../i18n/index.js';
import { retryDelayMsFromHeaders, type HeaderSource } from './headers.js';

/**
 * Every way an AniList call can fail, grouped by what the member (or operator) can do about it.
 * Callers switch on `kind`; they never need to look at HTTP statuses or GraphQL messages.
 */
export type AniListErrorKind =
  /** Token expired (1-year lifetime), revoked, or malformed: the member must run /link again. */
  | 'invalidToken'
  /** Unknown id, or a private profile we may not see. */
  | 'notFound'
  /** AniList is down, disabled (403) or erroring (5xx): nothing to do but wait. */
  | 'unavailable'
  /** AniList answered 429; the shared limiter is now paused. */
  | 'rateLimited'
  /** A mutation was rejected field by field (e.g. score out of range). */
  | 'validation'
  /** No answer within the timeout. */
  | 'timeout'
  /** Connection refused/reset, DNS failure, or similar. */
  | 'network'
  /** AniList rejected the request as malformed: a bug on our side. */
  | 'badRequest'
  /** Our own limiter refused to queue the call because the wait would be too long. */
  | 'busy';

/** Field name → AniList's messages, e.g. `{ score: ["The score may not be greater than 100."] }`. */
export type ValidationMessages = Readonly<Record<string, readonly string[]>>;

export interface AniListErrorDetails {
  /** HTTP status of the response, when there was one. */
  readonly httpStatus?: number | undefined;
  /** GraphQL `errors[].message` values, for logs only: never shown to members. */
  readonly serverMessages?: readonly string[] | undefined;
  readonly retryAfterSeconds?: number | undefined;
  readonly validation?: ValidationMessages | undefined;
  readonly cause?: unknown;
}

const DEFAULT_RETRY_AFTER_SECONDS = 60;

export class AniListError extends Error {
  override readonly name = 'AniListError';
  readonly kind: AniListErrorKind;
  /** What to tell a member, in their language: no token, no stack, no internal detail. */
  readonly userText: Message;
  /** `userText` in English (logs, tests). */
  readonly userMessage: string;
  readonly httpStatus: number | undefined;
  readonly serverMessages: readonly string[];
  /** Set for `rateLimited` and `busy`. */
  readonly retryAfterSeconds: number | undefined;
  /** Set for `validation`; empty otherwise. */
  readonly validation: ValidationMessages;

  constructor(kind: AniListErrorKind, details: AniListErrorDetails = {}) {
    // The Error message is for logs: kind, status and AniList's own messages. Tokens never
    // reach this class (they live only in request headers), so nothing here can leak one.
    const statusPart = details.httpStatus === undefined ? '' : ` (HTTP ${details.httpStatus})`;
    const messagesPart = details.serverMessages?.length ? `: ${details.serverMessages.join('; ')}` : '';
    super(`AniList ${kind}${statusPart}${messagesPart}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.httpStatus = details.httpStatus;
    this.serverMessages = details.serverMessages ?? [];
    this.retryAfterSeconds =
      details.retryAfterSeconds ?? (kind === 'rateLimited' ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
    this.validation = details.validation ?? {};
    this.userText = userTextFor(kind, this.retryAfterSeconds, this.validation);
    this.userMessage = inEnglish(this.userText);
  }

  /** Worth retrying later without any change by the member. */
  get isTransient(): boolean {
    return ['unavailable', 'rateLimited', 'timeout', 'network', 'busy'].includes(this.kind);
  }
}

export function isAniListError(value: unknown): value is AniListError {
  return value instanceof AniListError;
}

function userTextFor(kind: AniListErrorKind, retryAfterSeconds: number | undefined, validation: ValidationMessages): Message {
  const seconds = retryAfterSeconds === undefined ? undefined : Math.max(1, Math.ceil(retryAfterSeconds));
  switch (kind) {
    case 'invalidToken':
      return msg('anilist.error.invalidToken');
    case 'notFound':
      return msg('anilist.error.notFound');
    case 'unavailable':
      return msg('anilist.error.unavailable');
    case 'rateLimited':
      return seconds === undefined ? msg('anilist.error.rateLimitedMinute') : msg('anilist.error.rateLimited', { seconds });
    case 'validation':
      return validationUserText(validation);
    case 'timeout':
      return msg('anilist.error.timeout');
    case 'network':
      return msg('anilist.error.network');
    case 'badRequest':
      return msg('anilist.error.badRequest');
    case 'busy':
      return seconds === undefined ? msg('anilist.error.busyMinute') : msg('anilist.error.busy', { seconds });
  }
}

// AniList's validation texts are written for end users ("The score may not be greater than 100."), in English
// only, so they are shown as-is, but bounded so a surprising payload cannot flood a Discord reply.
function validationUserText(validation: ValidationMessages): Message {
  const messages = Object.values(validation).flat().slice(0, 5);
  const joined = messages.join(' ').slice(0, 300);
  return joined === '' ? msg('anilist.error.validationEmpty') : msg('anilist.error.validation', { details: joined });
}

/** What the mapper needs to know about the request that failed. */
export interface FailureContext {
  /** Whether an Authorization header was sent; a 401 without one is our bug, not an expired link. */
  readonly authenticated: boolean;
  readonly nowMs?: number;
}

interface ServerError {
  readonly message: string;
  readonly status: number | undefined;
  readonly validation: ValidationMessages | undefined;
}

/**
 * Turn anything thrown while calling AniList into an AniListError.
 *
 * AniList reports most failures through `errors[]`, sometimes with HTTP 200, and uses HTTP 400
 * both for "Invalid token" and for malformed queries, so the message text decides before the
 * status does (API-FACTS §5).
 */
export function toAniListError(error: unknown, context: FailureContext): AniListError {
  if (error instanceof AniListError) return error;
  if (error instanceof ClientError) {
    return fromResponse(
      {
        status: error.response.status,
        headers: error.response.headers,
        errors: error.response.errors ?? parseErrorsFromBody(error.response.body),
      },
      context,
      error,
    );
  }
  return fromTransportFailure(error);
}

export interface FailedResponse {
  readonly status: number;
  readonly headers?: HeaderSource | undefined;
  readonly errors?: readonly unknown[] | undefined;
}

/** Map an HTTP status plus GraphQL `errors[]` (graphql-request's ClientError, or a raw response). */
export function fromResponse(response: FailedResponse, context: FailureContext, cause?: unknown): AniListError {
  const serverErrors = (response.errors ?? []).map(toServerError).filter((e) => e !== undefined);
  const messages = serverErrors.map((e) => e.message);
  const httpStatus = response.status;
  // With HTTP 200 the real status is only inside errors[] (AniList adds `status` to each error).
  const status = httpStatus >= 200 && httpStatus < 300 ? (serverErrors.find((e) => e.status)?.status ?? 400) : httpStatus;
  const statuses = new Set([status, ...serverErrors.map((e) => e.status)]);
  const base = { httpStatus, serverMessages: messages, cause };

  if (messages.includes('Invalid token')) return new AniListError('invalidToken', base);

  if (statuses.has(429)) {
    const delayMs = retryDelayMsFromHeaders(response.headers, context.nowMs ?? Date.now());
    const retryAfterSeconds = delayMs === undefined ? DEFAULT_RETRY_AFTER_SECONDS : Math.ceil(delayMs / 1000);
    return new AniListError('rateLimited', { ...base, retryAfterSeconds });
  }

  const validationError = serverErrors.find((e) => e.message === 'validation');
  if (validationError) {
    return new AniListError('validation', { ...base, validation: validationError.validation ?? {} });
  }

  if (messages.some((m) => /temporarily disabled/i.test(m)) || status === 403) {
    return new AniListError('unavailable', base);
  }

  // "You are not authorized to modify this MediaList" means we passed a media id where an entry
  // id belonged (API-FACTS §5): relinking would not help, so it must not look like an auth failure.
  if (messages.some((m) => /not authorized to modify/i.test(m))) return new AniListError('badRequest', base);

  if (statuses.has(401) || messages.includes('Unauthorized.')) {
    return new AniListError(context.authenticated ? 'invalidToken' : 'badRequest', base);
  }

  if (statuses.has(404) || messages.includes('Not Found.')) return new AniListError('notFound', base);

  if (status === 408 || status === 504) return new AniListError('timeout', base);
  if (status >= 500) return new AniListError('unavailable', base);

  // Every other 4xx, and 2xx responses carrying errors: our query or variables are wrong.
  return new AniListError('badRequest', base);
}

function toServerError(value: unknown): ServerError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const message = typeof record['message'] === 'string' ? record['message'] : '';
  const status = typeof record['status'] === 'number' ? record['status'] : undefined;
  return { message, status, validation: toValidationMessages(record['validation']) };
}

function toValidationMessages(value: unknown): ValidationMessages | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value)) {
    const list = Array.isArray(messages) ? messages : [messages];
    result[field] = list.filter((m): m is string => typeof m === 'string');
  }
  return result;
}

// graphql-request leaves `errors` empty when a non-2xx body was not served as JSON content;
// AniList's error bodies are JSON anyway, so one more try keeps "Invalid token" recognisable.
function parseErrorsFromBody(body: unknown): readonly unknown[] | undefined {
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { errors?: unknown }).errors)) {
      return (parsed as { errors: unknown[] }).errors;
    }
  } catch {
    // Not JSON (an HTML error page from a proxy): the HTTP status alone decides.
  }
  return undefined;
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function fromTransportFailure(error: unknown): AniListError {
  // Walk the `cause` chain: undici wraps the socket error in TypeError("fetch failed").
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (typeof current !== 'object') break;
    const { name, code, message } = current as { name?: unknown; code?: unknown; message?: unknown };
    if (name === 'TimeoutError' || name === 'AbortError') return new AniListError('timeout', { cause: error });
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return new AniListError('network', { cause: error });
    if (message === 'fetch failed' || message === 'terminated') return new AniListError('network', { cause: error });
    current = (current as { cause?: unknown }).cause;
  }
  // A 2xx body that is not GraphQL JSON means something between us and AniList is misbehaving.
  if (error instanceof SyntaxError) return new AniListError('unavailable', { cause: error });
  return new AniListError('badRequest', { cause: error });
}
