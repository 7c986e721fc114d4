import { describe, expect, test } from 'vitest';
import {
  checkCommunityStarRules, checkWorkerAppraisalRules, COMMUNITY_STAR_RULES, dailyPointsScore, monthsBegun, parsePeriod, starBands,
  weightedScore, WORKER_APPRAISAL_RULES, type Scored,
} from '../../src/modules/appraisal/appraisal.rules';
import { monthsDisclosureDue } from '../../src/modules/appraisal/star.service';

const community = (i: number, score: number): Scored => ({ communityId: i + 1, code: `C${String(i + 1).padStart(3, '0')}`, score });
const distinct = (n: number) => Array.from({ length: n }, (_, i) => community(i, 100 - i));
const stars = (list: Scored[]) => starBands(list).map((s) => s.stars);
const counts = (list: Scored[]) => {
  const bands = stars(list);
  return [5, 4, 3, 0].map((s) => bands.filter((b) => b === s).length);
};

describe('stars by fixed shares (评星定级 10% / 40% / 40% / 10%)', () => {
  test.each([
    [1, [0, 1, 0, 0]],
    [2, [0, 1, 1, 0]],
    [3, [0, 2, 1, 0]],
    [7, [1, 3, 2, 1]],
    [10, [1, 4, 4, 1]],
    [11, [1, 5, 4, 1]],
  ])('%i communities with distinct scores: band sizes from the rounded cumulative shares', (n, expected) => {
    expect(counts(distinct(n))).toEqual(expected);
    expect(starBands(distinct(n)).map((s) => s.rank)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  test('best first, stars never rise down the list', () => {
    const bands = stars(distinct(11));
    expect(bands).toEqual([5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 0]);
  });

  test('a tie across a band boundary takes the higher band and shares the rank', () => {
    const list = distinct(10);
    list[1] = { ...list[1], score: list[0].score };
    const result = starBands(list);
    expect(result.slice(0, 2).map((s) => [s.stars, s.rank])).toEqual([[5, 1], [5, 1]]);
    expect(result[2].rank).toBe(3);
    expect(result.filter((s) => s.stars === 5)).toHaveLength(2);
  });

  test('a tie at the bottom boundary keeps both out of the no-star band', () => {
    const list = distinct(10);
    list[9] = { ...list[9], score: list[8].score };
    expect(stars(list)).toEqual([5, 4, 4, 4, 4, 3, 3, 3, 3, 3]);
  });

  test('all equal: everyone gets five stars and rank 1', () => {
    const list = Array.from({ length: 7 }, (_, i) => community(i, 80));
    expect(starBands(list).map((s) => [s.stars, s.rank])).toEqual(Array(7).fill([5, 1]));
  });

  test('equal scores are listed by community code, whatever the input order', () => {
    const list = [community(2, 90), community(0, 90), community(1, 95)];
    expect(starBands(list).map((s) => s.code)).toEqual(['C002', 'C001', 'C003']);
  });

  test('scores are compared to the cent', () => {
    const list = [community(0, 90.004), community(1, 89.996), ...distinct(8).map((c, i) => ({ ...c, communityId: 10 + i, score: 50 - i }))];
    const result = starBands(list);
    expect(result[0].rank).toBe(1);
    expect(result[1].rank).toBe(1);
  });

  test('no communities, no stars', () => {
    expect(starBands([])).toEqual([]);
  });
});

describe('scores', () => {
  test('a part with nothing to score is left out and the other weights scaled up', () => {
    expect(weightedScore([{ score: 80, weight: 30 }, { score: null, weight: 20 }, { score: 60, weight: 50 }])).toBe(67.5);
    expect(weightedScore([{ score: null, weight: 100 }])).toBeNull();
  });

  test('daily points score against the monthly figure, clamped to 0..100', () => {
    expect(dailyPointsScore(30, 1, 60)).toBe(50);
    expect(dailyPointsScore(500, 3, 60)).toBe(100);
    expect(dailyPointsScore(-10, 1, 60)).toBe(0);
    expect(dailyPointsScore(10, 0, 60)).toBeNull();
  });
});

describe('periods', () => {
  test('month, quarter and year', () => {
    expect(parsePeriod('2026-10')).toMatchObject({ kind: 'MONTH', start: '2026-10-01', end: '2026-11-01', months: ['2026-10'], ratingPeriods: ['2026-Q4'] });
    expect(parsePeriod('2026-Q4')).toMatchObject({ kind: 'QUARTER', start: '2026-10-01', end: '2027-01-01', months: ['2026-10', '2026-11', '2026-12'] });
    expect(parsePeriod('2026')).toMatchObject({ kind: 'YEAR', start: '2026-01-01', end: '2027-01-01', ratingPeriods: ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'] });
    expect(parsePeriod('2026-13')).toBeNull();
    expect(parsePeriod('2026-Q5')).toBeNull();
  });

  test('months that have not begun owe nothing', () => {
    expect(monthsBegun(parsePeriod('2026-Q4')!, '2026-11-23')).toEqual(['2026-10', '2026-11']);
  });

  test('a month\'s disclosure is owed once the due day of the next month has passed', () => {
    expect(monthsDisclosureDue(2026, 10, '2026-11-23')).toEqual(
      ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'].map((m) => `2026-${m}-01`),
    );
    expect(monthsDisclosureDue(2025, 10, '2026-01-11')).toHaveLength(12);
    expect(monthsDisclosureDue(2025, 10, '2026-01-10')).toHaveLength(11);
  });
});

describe('rule checks', () => {
  test('the defaults pass', () => {
    expect(checkWorkerAppraisalRules(WORKER_APPRAISAL_RULES.defaults)).toEqual([]);
    expect(checkCommunityStarRules(COMMUNITY_STAR_RULES.defaults)).toEqual([]);
  });

  test('weights must add up to 100; automatic flags must match the codes the system counts', () => {
    const rules = structuredClone(WORKER_APPRAISAL_RULES.defaults);
    rules.weights.visitDuty = 30;
    rules.dailyPointRules[3].automatic = true;
    rules.dailyPointRules.push({ ...rules.dailyPointRules[4] });
    const fields = checkWorkerAppraisalRules(rules).map((p) => p.field.join('.'));
    expect(fields).toEqual(['input.dailyPointRules.3.automatic', 'input.dailyPointRules.6.code', 'input.weights']);
  });
});
