import type { MediaListStatus, MediaType } from '../src/anilist/index.js';
import { customId } from './command.js';
import { isListStatus } from './format/media.js';

/** `ALL` is our own addition to AniList's statuses: every entry of the type, whatever its status. */
export type ListStatusFilter = MediaListStatus | 'ALL';

export interface ListPageId {
  readonly action: 'page';
  /** Only this member may press the buttons. */
  readonly callerId: string;
  /** Whose list, by Discord id: the link is looked up again, so an unlink in between is respected. */
  readonly ownerId: string;
  readonly type: MediaType;
  readonly status: ListStatusFilter;
  /** 1-based. */
  readonly page: number;
}

export interface ListIncrementId {
  readonly action: 'inc';
  /** Also the owner: +1 is only offered on the caller's own CURRENT list. */
  readonly callerId: string;
  readonly type: MediaType;
  readonly page: number;
  readonly mediaId: number;
  /** The progress the button was drawn with, so a double click or a stale message cannot count twice. */
  readonly shownProgress: number;
}

export type ListComponentId = ListPageId | ListIncrementId;

const COMMAND = 'list';
const SNOWFLAKE = /^\d{15,21}$/;
const COUNT = /^\d{1,7}$/;

export function pageCustomId(id: Omit<ListPageId, 'action'>): string {
  return customId(COMMAND, 'page', id.callerId, id.ownerId, typeCode(id.type), id.status, id.page);
}

export function incrementCustomId(id: Omit<ListIncrementId, 'action'>): string {
  return customId(COMMAND, 'inc', id.callerId, typeCode(id.type), id.page, id.mediaId, id.shownProgress);
}

/** Anything that does not parse (an older format, a hand-made id) is treated as a stale button. */
export function parseListCustomId(value: string): ListComponentId | undefined {
  const parts = value.split(':');
  if (parts[0] !== COMMAND) return undefined;
  if (parts[1] === 'page' && parts.length === 7) {
    const [, , callerId = '', ownerId = '', typeText = '', status = '', pageText = ''] = parts;
    const type = typeFromCode(typeText);
    if (!SNOWFLAKE.test(callerId) || !SNOWFLAKE.test(ownerId) || !type || !COUNT.test(pageText)) return undefined;
    if (status !== 'ALL' && !isListStatus(status)) return undefined;
    return { action: 'page', callerId, ownerId, type, status, page: Math.max(1, Number(pageText)) };
  }
  if (parts[1] === 'inc' && parts.length === 7) {
    const [, , callerId = '', typeText = '', pageText = '', mediaText = '', progressText = ''] = parts;
    const type = typeFromCode(typeText);
    if (!SNOWFLAKE.test(callerId) || !type || !COUNT.test(pageText) || !COUNT.test(mediaText) || !COUNT.test(progressText)) return undefined;
    return {
      action: 'inc',
      callerId,
      type,
      page: Math.max(1, Number(pageText)),
      mediaId: Number(mediaText),
      shownProgress: Number(progressText),
    };
  }
  return undefined;
}

function typeCode(type: MediaType): string {
  return type === 'MANGA' ? 'M' : 'A';
}

function typeFromCode(code: string): MediaType | undefined {
  return code === 'M' ? 'MANGA' : code === 'A' ? 'ANIME' : undefined;
}
