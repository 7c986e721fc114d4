export const PLEDGE_MIN_LENGTH = 2;
export const PLEDGE_MAX_LENGTH = 120;

/** Marks that end a sentence; a full stop only before a space or the end, so "2.5小时" stays one sentence. */
const SENTENCE_END = /[。！？!?]|\.(?=\s|$)/u;
const TRAILING_ENDS = /(?:[。！？!?]|\.)+$/u;

/**
 * Why a pledge cannot hang at the door, or null when it can. A pledge (挂牌承诺) is one
 * sentence a resident reads in passing: 2 to 120 characters on one line.
 */
export function pledgeProblem(pledge: string): string | null {
  const text = pledge.trim();
  const length = [...text].length;
  if (length < PLEDGE_MIN_LENGTH) return `A pledge has at least ${PLEDGE_MIN_LENGTH} characters.`;
  if (length > PLEDGE_MAX_LENGTH) return `A pledge has at most ${PLEDGE_MAX_LENGTH} characters.`;
  if (/[\r\n]/.test(text)) return 'A pledge is one line.';
  if (SENTENCE_END.test(text.replace(TRAILING_ENDS, ''))) return 'A pledge is one sentence.';
  return null;
}

export interface RatingCounts {
  ratings: number;
  kept: number;
}

/** Residents' judgement of commitments (是否践诺): counts and the share judged kept, null before anyone rated. */
export function commitmentRating({ ratings, kept }: RatingCounts) {
  return {
    ratings,
    kept,
    notKept: ratings - kept,
    keptShare: ratings === 0 ? null : Math.round((kept / ratings) * 10_000) / 10_000,
  };
}
