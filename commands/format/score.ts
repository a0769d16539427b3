import type { ScoreFormat } from '../../src/anilist/index.js';
import { msg, type Message, type MessageKey, type Translator } from '../../src/i18n/index.js';

export const UNSCORED = '—';

const POINT_3_FACES = ['🙁', '😐', '🙂'] as const;

/**
 * A score as AniList returned it (already in `format`, the list owner's format) in the way AniList itself
 * shows that format, with the reader's decimal separator. 0 and null both mean "not scored".
 */
export function formatScore(t: Translator, score: number | null | undefined, format: ScoreFormat | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score) || score <= 0) return UNSCORED;
  switch (format ?? 'POINT_100') {
    case 'POINT_100':
      return `${Math.round(score)}/100`;
    case 'POINT_10_DECIMAL':
      return `${t.number(Math.round(score * 10) / 10, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}/10`;
    case 'POINT_10':
      return `${Math.round(score)}/10`;
    case 'POINT_5': {
      const stars = clamp(Math.round(score), 1, 5);
      return '★'.repeat(stars) + '☆'.repeat(5 - stars);
    }
    case 'POINT_3':
      return POINT_3_FACES[clamp(Math.round(score), 1, 3) - 1] ?? UNSCORED;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

interface ScoreRule {
  readonly max: number;
  readonly decimals: 0 | 1;
  /** How a member would write a valid score, for the error message. */
  readonly example: MessageKey;
}

const SCORE_RULES: Record<ScoreFormat, ScoreRule> = {
  POINT_100: { max: 100, decimals: 0, example: 'score.example.POINT_100' },
  POINT_10_DECIMAL: { max: 10, decimals: 1, example: 'score.example.POINT_10_DECIMAL' },
  POINT_10: { max: 10, decimals: 0, example: 'score.example.POINT_10' },
  POINT_5: { max: 5, decimals: 0, example: 'score.example.POINT_5' },
  POINT_3: { max: 3, decimals: 0, example: 'score.example.POINT_3' },
};

/** AniList's names for its score formats (its settings page: "100 Point", "5 Star"…). */
const FORMAT_NAMES: Record<ScoreFormat, MessageKey> = {
  POINT_100: 'score.format.POINT_100',
  POINT_10_DECIMAL: 'score.format.POINT_10_DECIMAL',
  POINT_10: 'score.format.POINT_10',
  POINT_5: 'score.format.POINT_5',
  POINT_3: 'score.format.POINT_3',
};

export function scoreFormatName(format: ScoreFormat): Message {
  return msg(FORMAT_NAMES[format]);
}

export type ScoreCheck = { ok: true; score: number } | { ok: false; message: Message };

/**
 * Checks a score typed by a member against their own format, so a mistake is explained before anything is sent.
 * AniList takes `score` in the member's format and would only answer with a terse validation message.
 */
export function checkScore(input: number, format: ScoreFormat): ScoreCheck {
  const rule = SCORE_RULES[format];
  const scaled = input * 10 ** rule.decimals;
  // Discord sends doubles, so 8.5 may arrive as 8.499999999; a tolerance keeps honest input valid.
  const hasTooManyDecimals = Math.abs(scaled - Math.round(scaled)) > 1e-6;
  if (!Number.isFinite(input) || input < 0 || input > rule.max || hasTooManyDecimals) {
    return { ok: false, message: msg('score.invalid', { format: scoreFormatName(format), example: msg(rule.example) }) };
  }
  return { ok: true, score: Math.round(scaled) / 10 ** rule.decimals };
}

const SCORE_FORMATS = new Set<string>(Object.keys(SCORE_RULES));

/** The stored link keeps the format as text; anything unexpected falls back to AniList's default. */
export function toScoreFormat(value: string | null | undefined): ScoreFormat {
  return value !== null && value !== undefined && SCORE_FORMATS.has(value) ? (value as ScoreFormat) : 'POINT_100';
}
