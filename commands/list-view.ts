import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import type { MediaListEntry, MediaType, ScoreFormat } from '../src/anilist/index.js';
import type { Translator } from '../src/i18n/index.js';
import { ANILIST_BLUE, formatProgress, statusLabel, totalUnits } from './format/media.js';
import { formatScore } from './format/score.js';
import { safeLabel, truncate } from './format/text.js';
import { incrementCustomId, pageCustomId, type ListStatusFilter } from './list-ids.js';

export const ENTRIES_PER_PAGE = 10;
/** Leaves room for the link, progress and score on one line even when every character needs escaping. */
const TITLE_MAX = 70;
const EMBED_DESCRIPTION_MAX = 4096;
const BUTTONS_PER_ROW = 5;

export interface ListPageView {
  readonly callerId: string;
  readonly ownerId: string;
  readonly ownerName: string;
  readonly ownerSiteUrl: string;
  readonly type: MediaType;
  readonly status: ListStatusFilter;
  /**
   * Already filtered (status, adult, private) and sorted, newest update first. The message is public, so it says
   * nothing about what was left out, not even how many.
   */
  readonly entries: readonly MediaListEntry[];
  readonly scoreFormat: ScoreFormat;
  /** 1-based; clamped to the pages that exist. */
  readonly page: number;
  /** The client stopped loading at its cap: only the most recently updated entries are here. */
  readonly truncated: boolean;
  /** +1 buttons: only on the caller's own CURRENT list. */
  readonly withIncrementButtons: boolean;
}

export interface RenderedListPage {
  readonly embeds: EmbedBuilder[];
  readonly components: ActionRowBuilder<ButtonBuilder>[];
  readonly page: number;
  readonly pageCount: number;
}

export function pageCount(entryCount: number): number {
  return Math.max(1, Math.ceil(entryCount / ENTRIES_PER_PAGE));
}

export function listHeading(t: Translator, ownerName: string, type: MediaType, status: ListStatusFilter): string {
  return t('list.heading', { owner: ownerName, type, status: status === 'ALL' ? t('list.allStatuses') : statusLabel(t, status, type) });
}

/** The page in the reader's language: headings, progress, scores and buttons. */
export function renderListPage(view: ListPageView, t: Translator): RenderedListPage {
  const pages = pageCount(view.entries.length);
  const page = Math.min(Math.max(1, view.page), pages);
  const first = (page - 1) * ENTRIES_PER_PAGE;
  const shown = view.entries.slice(first, first + ENTRIES_PER_PAGE);

  const lines = shown.map((entry, index) => entryLine(t, entry, first + index + 1, view));
  const embed = new EmbedBuilder()
    .setColor(ANILIST_BLUE)
    .setTitle(truncate(listHeading(t, view.ownerName, view.type, view.status), 256))
    .setURL(`${view.ownerSiteUrl}/${view.type === 'MANGA' ? 'mangalist' : 'animelist'}`)
    .setDescription(fitDescription(lines))
    .setFooter({ text: footerText(t, view, page, pages) });

  const components: ActionRowBuilder<ButtonBuilder>[] = [];
  if (view.withIncrementButtons) components.push(...incrementRows(shown, first, view, page));
  if (pages > 1) components.push(navigationRow(t, view, page, pages));
  return { embeds: [embed], components, page, pageCount: pages };
}

function entryLine(t: Translator, entry: MediaListEntry, position: number, view: ListPageView): string {
  const media = entry.media;
  const title = safeLabel(media?.title?.userPreferred ?? media?.title?.romaji ?? t('media.untitled', { id: String(entry.mediaId) }), TITLE_MAX);
  const label = media?.siteUrl ? `[${title}](${media.siteUrl})` : title;
  const parts = [`\`${position}.\` ${label}`, formatProgress(t, entry.progress, media), formatScore(t, entry.score, view.scoreFormat)];
  if (view.status === 'ALL') parts.push(statusLabel(t, entry.status, view.type));
  return parts.join(' · ');
}

/** Ten short lines never come close, but a surprising payload must not turn into a rejected message. */
function fitDescription(lines: readonly string[]): string {
  const kept: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (length + line.length + 1 > EMBED_DESCRIPTION_MAX - 2) {
      kept.push('…');
      break;
    }
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join('\n');
}

function footerText(t: Translator, view: ListPageView, page: number, pages: number): string {
  const text = t('list.footer', { page, pages, count: view.entries.length });
  return view.truncated ? `${text} · ${t('list.truncated')}` : text;
}

function incrementRows(shown: readonly MediaListEntry[], first: number, view: ListPageView, page: number): ActionRowBuilder<ButtonBuilder>[] {
  const buttons = shown.map((entry, index) => {
    const progress = entry.progress ?? 0;
    const total = totalUnits(entry.media);
    return new ButtonBuilder()
      .setStyle(ButtonStyle.Secondary)
      .setLabel(`#${first + index + 1} +1`)
      .setCustomId(incrementCustomId({ callerId: view.callerId, type: view.type, page, mediaId: entry.mediaId, shownProgress: progress }))
      .setDisabled(total !== null && progress >= total);
  });
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  for (let start = 0; start < buttons.length; start += BUTTONS_PER_ROW) {
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(start, start + BUTTONS_PER_ROW)));
  }
  return rows;
}

function navigationRow(t: Translator, view: ListPageView, page: number, pages: number): ActionRowBuilder<ButtonBuilder> {
  const target = (to: number) =>
    pageCustomId({ callerId: view.callerId, ownerId: view.ownerId, type: view.type, status: view.status, page: to });
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setStyle(ButtonStyle.Primary).setLabel(t('list.previous')).setCustomId(target(Math.max(0, page - 1))).setDisabled(page <= 1),
    new ButtonBuilder().setStyle(ButtonStyle.Primary).setLabel(t('list.next')).setCustomId(target(page + 1)).setDisabled(page >= pages),
  );
}
