import type { ScoreFormat } from './types.js';

/** Convert a stored 0–100 raw score to the given format (what `MediaList.score(format:)` returns). */
export function rawToFormat(raw: number, format: ScoreFormat): number {
  switch (format) {
    case 'POINT_100':
      return raw;
    case 'POINT_10_DECIMAL':
      return Math.round(raw) / 10;
    case 'POINT_10':
      return Math.round(raw / 10);
    case 'POINT_5':
      return Math.round(raw / 20);
    case 'POINT_3':
      if (raw <= 0) return 0;
      if (raw <= 35) return 1;
      if (raw <= 60) return 2;
      return 3;
  }
}

export const SCORE_FORMAT_MAX: Record<ScoreFormat, number> = {
  POINT_100: 100,
  POINT_10_DECIMAL: 10,
  POINT_10: 10,
  POINT_5: 5,
  POINT_3: 3,
};

/** Raw values used when a POINT_3 score is written (read back as 1/2/3). */
const POINT_3_RAW = [0, 35, 60, 85] as const;

/**
 * Convert a `score: Float` written in the user's format to raw 0–100.
 * Returns either the raw value or a list of Laravel-style validation messages.
 */
export function formatToRaw(score: number, format: ScoreFormat): { raw: number } | { errors: string[] } {
  const max = SCORE_FORMAT_MAX[format];
  const errors: string[] = [];
  if (!Number.isFinite(score)) return { errors: ['The score must be a number.'] };
  if (score < 0) errors.push('The score must be at least 0.');
  if (score > max) errors.push(`The score may not be greater than ${max}.`);
  if (format === 'POINT_10_DECIMAL') {
    if (Math.abs(score * 10 - Math.round(score * 10)) > 1e-9) {
      errors.push('The score may not have more than 1 decimal place.');
    }
  } else if (!Number.isInteger(score)) {
    errors.push('The score must be an integer.');
  }
  if (errors.length > 0) return { errors };
  switch (format) {
    case 'POINT_100':
      return { raw: score };
    case 'POINT_10_DECIMAL':
      return { raw: Math.round(score * 10) };
    case 'POINT_10':
      return { raw: score * 10 };
    case 'POINT_5':
      return { raw: score * 20 };
    case 'POINT_3':
      return { raw: POINT_3_RAW[score] ?? 0 };
  }
}
