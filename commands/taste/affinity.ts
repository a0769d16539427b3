/**
 * How alike two members' taste is, from their lists of one type: what /compare shows.
 *
 * Scores are compared on 0–100 after scaling each member's score linearly from their own format (8/10 → 80,
 * ★★★★☆ → 80, 🙂 → 100, 😐 → 66.7): a member's format says how they score, not how much they liked something.
 * AniList does not document its own conversion for the star and smiley formats (API-FACTS §9), so the plain
 * proportion is used; the correlation does not depend on it, the mean difference does.
 */
import { sampleCorrelation } from 'simple-statistics';
import type { MediaListEntry, ScoreFormat } from '../../src/anilist/index.js';

/** Below this many titles both scored, a correlation says more about chance than about taste. */
export const MIN_SHARED_SCORES = 10;
/** "Rated highly": at least this on 0–100 (8/10, ★★★★☆, 🙂). */
export const HIGH_SCORE = 80;
export const MAX_AGREEMENTS = 3;
export const MAX_RECOMMENDATIONS = 5;

const FORMAT_MAX: Record<ScoreFormat, number> = {
  POINT_100: 100,
  POINT_10_DECIMAL: 10,
  POINT_10: 10,
  POINT_5: 5,
  POINT_3: 3,
};

/** A member's score on 0–100, or undefined when the entry is not scored (AniList's 0). */
export function normalizedScore(score: number | null | undefined, format: ScoreFormat): number | undefined {
  if (score === null || score === undefined || !Number.isFinite(score) || score <= 0) return undefined;
  return Math.min(100, (score / FORMAT_MAX[format]) * 100);
}

/** One member's side of the comparison: the entries that may be shown (private and adult ones already left out). */
export interface TasteSide {
  readonly entries: readonly MediaListEntry[];
  /** The format every `score` of `entries` is in. */
  readonly scoreFormat: ScoreFormat;
}

export interface ScoredEntry {
  readonly entry: MediaListEntry;
  readonly normalized: number;
}

/** A title both members scored. */
export interface SharedScore {
  readonly mediaId: number;
  readonly a: ScoredEntry;
  readonly b: ScoredEntry;
  /** |a − b| on 0–100. */
  readonly difference: number;
}

/** A title one member completed and rated highly, which the other has under Planning or not at all. */
export interface Recommendation {
  readonly from: ScoredEntry;
  /** The other member's entry when they plan to watch or read it; undefined when it is not on their list. */
  readonly planned: MediaListEntry | undefined;
}

export type Affinity =
  | { readonly kind: 'score'; readonly correlation: number }
  | { readonly kind: 'tooFewShared' }
  /** One member gave every shared title the same score: a correlation is undefined. */
  | { readonly kind: 'noSpread' };

export interface TasteComparison {
  /** Titles on both lists, whatever their status. */
  readonly sharedTitles: number;
  readonly sharedScores: readonly SharedScore[];
  readonly affinity: Affinity;
  /** Mean |a − b| on 0–100 over the titles both scored; undefined without any. */
  readonly meanDifference: number | undefined;
  readonly agreements: readonly SharedScore[];
  readonly disagreements: readonly SharedScore[];
  /** For member a, from b's favourites; and the other way round. */
  readonly forA: readonly Recommendation[];
  readonly forB: readonly Recommendation[];
}

export function compareTaste(a: TasteSide, b: TasteSide): TasteComparison {
  const aByMedia = byMedia(a.entries);
  const bByMedia = byMedia(b.entries);
  let sharedTitles = 0;
  const sharedScores: SharedScore[] = [];
  for (const [mediaId, aEntry] of aByMedia) {
    const bEntry = bByMedia.get(mediaId);
    if (!bEntry) continue;
    sharedTitles++;
    const aScore = normalizedScore(aEntry.score, a.scoreFormat);
    const bScore = normalizedScore(bEntry.score, b.scoreFormat);
    if (aScore === undefined || bScore === undefined) continue;
    sharedScores.push({
      mediaId,
      a: { entry: aEntry, normalized: aScore },
      b: { entry: bEntry, normalized: bScore },
      difference: Math.abs(aScore - bScore),
    });
  }

  const meanDifference = sharedScores.length === 0 ? undefined : sharedScores.reduce((sum, shared) => sum + shared.difference, 0) / sharedScores.length;
  const combined = (shared: SharedScore) => shared.a.normalized + shared.b.normalized;
  // Agreeing on a favourite says more than agreeing on a dud; then a stable order by id.
  const agreements = [...sharedScores].sort((x, y) => x.difference - y.difference || combined(y) - combined(x) || x.mediaId - y.mediaId).slice(0, MAX_AGREEMENTS);
  const agreed = new Set(agreements.map((shared) => shared.mediaId));
  const disagreements = [...sharedScores]
    .filter((shared) => shared.difference > 0 && !agreed.has(shared.mediaId))
    .sort((x, y) => y.difference - x.difference || combined(y) - combined(x) || x.mediaId - y.mediaId)
    .slice(0, MAX_AGREEMENTS);

  return {
    sharedTitles,
    sharedScores,
    affinity: affinityOf(sharedScores),
    meanDifference,
    agreements,
    disagreements,
    forA: recommendations(b, bByMedia, aByMedia),
    forB: recommendations(a, aByMedia, bByMedia),
  };
}

function affinityOf(sharedScores: readonly SharedScore[]): Affinity {
  if (sharedScores.length < MIN_SHARED_SCORES) return { kind: 'tooFewShared' };
  const correlation = sampleCorrelation(
    sharedScores.map((shared) => shared.a.normalized),
    sharedScores.map((shared) => shared.b.normalized),
  );
  return Number.isFinite(correlation) ? { kind: 'score', correlation: Math.max(-1, Math.min(1, correlation)) } : { kind: 'noSpread' };
}

function recommendations(giver: TasteSide, giverByMedia: ReadonlyMap<number, MediaListEntry>, receiverByMedia: ReadonlyMap<number, MediaListEntry>): Recommendation[] {
  const found: Recommendation[] = [];
  for (const [mediaId, entry] of giverByMedia) {
    if (entry.status !== 'COMPLETED' && entry.status !== 'REPEATING') continue;
    const normalized = normalizedScore(entry.score, giver.scoreFormat);
    if (normalized === undefined || normalized < HIGH_SCORE) continue;
    const theirs = receiverByMedia.get(mediaId);
    if (theirs && theirs.status !== 'PLANNING') continue;
    found.push({ from: { entry, normalized }, planned: theirs });
  }
  // The best rated first; among equals, what the other already plans to see, then what was rated most recently.
  return found
    .sort((x, y) => y.from.normalized - x.from.normalized || Number(y.planned !== undefined) - Number(x.planned !== undefined) || (y.from.entry.updatedAt ?? 0) - (x.from.entry.updatedAt ?? 0) || x.from.entry.mediaId - y.from.entry.mediaId)
    .slice(0, MAX_RECOMMENDATIONS);
}

function byMedia(entries: readonly MediaListEntry[]): Map<number, MediaListEntry> {
  const map = new Map<number, MediaListEntry>();
  // A title is on a list once; should a duplicate slip through, the most recently updated one counts.
  for (const entry of entries) {
    const known = map.get(entry.mediaId);
    if (!known || (entry.updatedAt ?? 0) > (known.updatedAt ?? 0)) map.set(entry.mediaId, entry);
  }
  return map;
}
