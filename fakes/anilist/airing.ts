/**
 * Airing schedules of the fake AniList, derived from its clock.
 *
 * A RELEASING anime with `nextEpisode` airs it 3 days and (id % 24) hours after the moment the fake started (its
 * "anchor"), and one episode a week before and after that, for ever: episode k airs at
 * anchor + 3 d + (id % 24) h + (k − nextEpisode) weeks. So `Media.nextAiringEpisode` and `Page.airingSchedules`
 * agree, and moving the fake's clock makes episodes air. A test that needs exact times sets a schedule of its own
 * (`fake.setAiringSchedule(mediaId, episodes)`), which replaces the derived one for that title.
 */
import type { FakeAiringEpisode, FakeMedia } from './types.js';

export const WEEK_S = 7 * 86_400;
/** Derived schedules list no episodes before this many weeks ahead of the anchor's next one. */
const DERIVED_PAST_WEEKS = 12;
/** Without a time bound, a derived schedule lists this many weeks after the anchor's next episode. */
const DERIVED_FUTURE_WEEKS = 52;

export interface AiringScheduleSource {
  /** Unix seconds when the fake started: derived schedules are anchored here. */
  readonly anchorS: number;
  /** Schedules set by tests, by media id; they replace the derived ones. */
  readonly explicit: ReadonlyMap<number, readonly FakeAiringEpisode[]>;
}

/** When the derived schedule airs `nextEpisode` (the anchor's next one). */
function firstAiringS(media: FakeMedia, anchorS: number): number {
  return anchorS + 3 * 86_400 + (media.id % 24) * 3_600;
}

function derives(media: FakeMedia): media is FakeMedia & { nextEpisode: number } {
  return media.type === 'ANIME' && media.status === 'RELEASING' && typeof media.nextEpisode === 'number';
}

/**
 * The title's episodes airing strictly after `afterS` and strictly before `beforeS` (either may be undefined),
 * in episode order.
 */
export function episodesOf(media: FakeMedia, source: AiringScheduleSource, afterS?: number, beforeS?: number): FakeAiringEpisode[] {
  const inRange = (e: FakeAiringEpisode) => (afterS === undefined || e.airingAt > afterS) && (beforeS === undefined || e.airingAt < beforeS);
  const explicit = source.explicit.get(media.id);
  if (explicit) return explicit.filter(inRange).sort((a, b) => a.episode - b.episode);
  if (!derives(media)) return [];
  const first = firstAiringS(media, source.anchorS);
  const next = media.nextEpisode;
  // Episode numbers whose airing time can fall in the range, clamped to a bounded list when a bound is missing.
  const lowest = Math.max(1, afterS === undefined ? next - DERIVED_PAST_WEEKS : next + Math.floor((afterS - first) / WEEK_S));
  const highest = beforeS === undefined ? Math.max(lowest, next + DERIVED_FUTURE_WEEKS) : next + Math.ceil((beforeS - first) / WEEK_S);
  const out: FakeAiringEpisode[] = [];
  for (let episode = lowest; episode <= highest && out.length < 5_000; episode++) {
    const airing = { episode, airingAt: first + (episode - next) * WEEK_S };
    if (inRange(airing)) out.push(airing);
  }
  return out;
}

/** The first episode airing after `nowS`, as `Media.nextAiringEpisode` answers it. */
export function nextEpisodeOf(media: FakeMedia, source: AiringScheduleSource, nowS: number): FakeAiringEpisode | undefined {
  const explicit = source.explicit.get(media.id);
  if (explicit) return explicit.filter((e) => e.airingAt > nowS).sort((a, b) => a.airingAt - b.airingAt)[0];
  if (!derives(media)) return undefined;
  const first = firstAiringS(media, source.anchorS);
  const weeks = Math.max(0, Math.floor((nowS - first) / WEEK_S) + 1);
  const episode = media.nextEpisode + (nowS < first ? 0 : weeks);
  return { episode, airingAt: first + (episode - media.nextEpisode) * WEEK_S };
}

/** AniList's id of a schedule item: unique per title and episode. */
export function airingScheduleId(mediaId: number, episode: number): number {
  return mediaId * 10_000 + episode;
}
