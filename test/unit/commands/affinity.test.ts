import { describe, expect, it } from 'vitest';
import { MIN_SHARED_SCORES, compareTaste, normalizedScore, type TasteSide } from '../../../commands/taste/affinity.js';
import type { MediaListEntry, MediaListStatus } from '../../../src/anilist/index.js';
import { listEntry, listMedia } from '../../support/list-entries.js';

function entry(mediaId: number, status: MediaListStatus, score: number, updatedAt = 1000): MediaListEntry {
  return listEntry(listMedia(mediaId, { genres: ['Drama'] }), status, { score, updatedAt });
}

const completed = (scores: readonly (readonly [number, number])[]) => scores.map(([mediaId, score]) => entry(mediaId, 'COMPLETED', score));

describe('normalizedScore', () => {
  it('scales each format linearly to 0–100 and treats 0 as unscored', () => {
    expect(normalizedScore(85, 'POINT_100')).toBe(85);
    expect(normalizedScore(8.5, 'POINT_10_DECIMAL')).toBe(85);
    expect(normalizedScore(8, 'POINT_10')).toBe(80);
    expect(normalizedScore(4, 'POINT_5')).toBe(80);
    expect(normalizedScore(3, 'POINT_3')).toBe(100);
    expect(normalizedScore(1, 'POINT_3')).toBeCloseTo(33.333, 3);
    expect(normalizedScore(0, 'POINT_10')).toBeUndefined();
    expect(normalizedScore(null, 'POINT_100')).toBeUndefined();
  });
});

describe('compareTaste', () => {
  // Member a scores out of 10 with decimals, member b with three smileys. Ten titles both scored:
  //   a: 9.5  8.0  7.0  6.0  8.5  5.0  7.0  8.0  4.0  7.0   (Σ 70, mean 7)
  //   b: 3    2    2    1    3    1    2    3    1    2     (Σ 20, mean 2)
  // Pearson is unchanged by each member's linear scaling to 0–100, so it can be worked out on the raw scores:
  //   a − 7:  2.5  1  0  −1  1.5  −2  0  1  −3  0    Σ(a−ā)² = 6.25+1+0+1+2.25+4+0+1+9+0 = 24.5
  //   b − 2:  1    0  0  −1  1    −1  0  1  −1  0    Σ(b−b̄)² = 6
  //   Σ(a−ā)(b−b̄) = 2.5 + 0 + 0 + 1 + 1.5 + 2 + 0 + 1 + 3 + 0 = 11
  //   r = 11 / √(24.5 × 6) = 11 / √147 = 11 / 12.1244 = 0.9073 → 91 %
  // On 0–100 (a × 10; b × 100/3) the differences, in thirds: 15 40 10 80 45 50 10 60 20 10 → Σ = 340/3,
  // so the mean difference is 340/3 / 10 = 11.33 points.
  const a: TasteSide = {
    scoreFormat: 'POINT_10_DECIMAL',
    entries: completed([[1, 9.5], [2, 8], [3, 7], [4, 6], [5, 8.5], [6, 5], [7, 7], [8, 8], [9, 4], [10, 7]]),
  };
  const b: TasteSide = {
    scoreFormat: 'POINT_3',
    entries: completed([[1, 3], [2, 2], [3, 2], [4, 1], [5, 3], [6, 1], [7, 2], [8, 3], [9, 1], [10, 2]]),
  };

  it('matches the Pearson correlation worked out by hand across two score formats', () => {
    const result = compareTaste(a, b);
    expect(result.sharedTitles).toBe(10);
    expect(result.sharedScores).toHaveLength(10);
    expect(result.affinity.kind).toBe('score');
    if (result.affinity.kind !== 'score') return;
    expect(result.affinity.correlation).toBeCloseTo(0.9073, 4);
    expect(Math.round(result.affinity.correlation * 100)).toBe(91);
    expect(result.meanDifference).toBeCloseTo(340 / 3 / 10, 6);
    // The same from the other side.
    const swapped = compareTaste(b, a);
    expect(swapped.affinity).toEqual(result.affinity);
  });

  it('agrees most where the scores are closest (the better liked first), disagrees most where they are furthest', () => {
    const result = compareTaste(a, b);
    // Differences in thirds: #3 10, #7 10, #10 10, #1 15, #9 20 … #4 80, #8 60, #6 50, #5 45.
    // Among the three 10s, by combined score: #3 (70 + 66.7), #7 (same), #10 (same) → by id.
    expect(result.agreements.map((shared) => shared.mediaId)).toEqual([3, 7, 10]);
    expect(result.disagreements.map((shared) => shared.mediaId)).toEqual([4, 8, 6]);
    expect(result.disagreements[0]).toMatchObject({ a: { normalized: 60 } });
    expect(result.disagreements[0]!.b.normalized).toBeCloseTo(33.333, 3);
  });

  it('says "not enough shared scores" below ten titles both scored, and counts unscored shared titles apart', () => {
    const nine = compareTaste(
      { scoreFormat: a.scoreFormat, entries: a.entries.slice(0, 9) },
      { scoreFormat: b.scoreFormat, entries: [...b.entries.slice(0, 9), entry(20, 'PLANNING', 0)] },
    );
    expect(MIN_SHARED_SCORES).toBe(10);
    expect(nine.affinity).toEqual({ kind: 'tooFewShared' });
    expect(nine.sharedScores).toHaveLength(9);
    // Title 20 is on b's list only; a shared but unscored title counts as shared, not as scored.
    const withUnscored = compareTaste(
      { scoreFormat: a.scoreFormat, entries: [...a.entries.slice(0, 9), entry(20, 'PLANNING', 0)] },
      { scoreFormat: b.scoreFormat, entries: [...b.entries.slice(0, 9), entry(20, 'PLANNING', 0)] },
    );
    expect(withUnscored.sharedTitles).toBe(10);
    expect(withUnscored.affinity).toEqual({ kind: 'tooFewShared' });
  });

  it('cannot tell when one member gave every shared title the same score', () => {
    const flat = compareTaste(a, { scoreFormat: 'POINT_5', entries: completed(a.entries.map((e) => [e.mediaId, 4] as const)) });
    expect(flat.affinity).toEqual({ kind: 'noSpread' });
    expect(flat.meanDifference).toBeDefined();
  });

  it('recommends what one completed and rated highly that the other plans or lacks, best first, planned first among equals', () => {
    const giver: TasteSide = {
      scoreFormat: 'POINT_5',
      entries: [
        entry(1, 'COMPLETED', 5),
        entry(2, 'COMPLETED', 4),
        entry(3, 'COMPLETED', 4),
        entry(4, 'COMPLETED', 3), // 60: not rated highly
        entry(5, 'CURRENT', 5), // not completed
        entry(6, 'COMPLETED', 5), // the receiver already watched it
        entry(7, 'REPEATING', 5), // rewatching counts as completed
      ],
    };
    const receiver: TasteSide = { scoreFormat: 'POINT_100', entries: [entry(3, 'PLANNING', 0), entry(6, 'COMPLETED', 40)] };
    const result = compareTaste(receiver, giver);
    expect(result.forA.map((recommendation) => recommendation.from.entry.mediaId)).toEqual([1, 7, 3, 2]);
    expect(result.forA.find((recommendation) => recommendation.from.entry.mediaId === 3)?.planned?.status).toBe('PLANNING');
    expect(result.forB).toEqual([]);
  });

  it('keeps at most five recommendations and three agreements', () => {
    const many = completed(Array.from({ length: 12 }, (_, i) => [i + 1, 10] as const));
    const result = compareTaste({ scoreFormat: 'POINT_10', entries: many }, { scoreFormat: 'POINT_10', entries: [] });
    expect(result.forB).toHaveLength(5);
    expect(result.agreements).toEqual([]);
    expect(result.sharedTitles).toBe(0);
    expect(result.meanDifference).toBeUndefined();
  });
});
