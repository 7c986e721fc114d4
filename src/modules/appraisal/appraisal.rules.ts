/**
 * Worker appraisal (网格员考核: 日常积分、民主测评、综合评定) and community star rating (评星定级)
 * as pure rules: the rule figures a city sets, the calendar periods, how parts combine into a
 * score, and how scores become stars. The services gather the figures in SQL; everything
 * decided about them is here, where unit tests reach it.
 */
import { Role } from '../../auth/roles';
import { defineRules } from '../../settings';

const STAFF = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER] as const;

/** Who may use the appraisal fields at all (rows: the services' scopes). */
export const APPRAISAL_ACCESS = {
  /** Staff over their unit; a grid worker sees their own appraisal only. */
  readAppraisals: STAFF,
  readRules: STAFF,
  setRules: [Role.CITY_ADMIN],
  recordPoints: [Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY],
  rate: [Role.RESIDENT],
  readRatings: [...STAFF, Role.RESIDENT],
  peerReview: [Role.COMMUNITY_SECRETARY],
  readPeerReviews: [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY],
  publishStars: [Role.CITY_ADMIN, Role.STREET_OFFICER],
} as const;

/** Codes of the rules whose points the system counts itself from what a worker did. */
export const AUTOMATIC_RULES = ['VISIT_LOGGED', 'INCIDENT_FOUND', 'INCIDENT_HANDLED'] as const;
export type AutomaticRule = (typeof AUTOMATIC_RULES)[number];

export interface DailyPointRule {
  /** Upper-case code, e.g. "MEETING". */
  code: string;
  /** What the rule rewards or penalises, as street offices write it (参加例会). */
  label: string;
  /** Points per occurrence; negative for a deduction (扣分). */
  points: number;
  /** Counted by the system (one of AUTOMATIC_RULES) rather than recorded by a secretary. */
  automatic: boolean;
}

export interface AppraisalWeights {
  dailyPoints: number;
  residentRating: number;
  closureRate: number;
  visitDuty: number;
}

export interface WorkerAppraisalRules {
  dailyPointRules: DailyPointRule[];
  /** Daily points in one month that score 100 in the overall score (more still scores 100). */
  monthlyPointsForFullMarks: number;
  /** Percent weights of the parts of the overall score (综合评定), adding up to 100. */
  weights: AppraisalWeights;
}

export const WORKER_APPRAISAL_RULES = defineRules<WorkerAppraisalRules>('appraisal.worker', {
  dailyPointRules: [
    { code: 'VISIT_LOGGED', label: '入户走访', points: 1, automatic: true },
    { code: 'INCIDENT_FOUND', label: '发现上报事件', points: 2, automatic: true },
    { code: 'INCIDENT_HANDLED', label: '网格内事件办结', points: 3, automatic: true },
    { code: 'MEETING', label: '参加例会', points: 2, automatic: false },
    { code: 'TRAINING', label: '参加培训', points: 3, automatic: false },
    { code: 'COMPLAINT', label: '被群众有效投诉', points: -5, automatic: false },
  ],
  monthlyPointsForFullMarks: 60,
  weights: { dailyPoints: 30, residentRating: 30, closureRate: 20, visitDuty: 20 },
});

export interface StarWeights {
  performance: number;
  residentRating: number;
  peerReview: number;
}

export interface CommunityStarRules {
  /** Percent weights of performance (工作实绩), residents' rating (群众评议) and peer review (互评). */
  weights: StarWeights;
  /** A month's disclosure is on time when its first version is published by this day of the next month. */
  disclosureDueDay: number;
}

export const COMMUNITY_STAR_RULES = defineRules<CommunityStarRules>('appraisal.communityStar', {
  weights: { performance: 50, residentRating: 30, peerReview: 20 },
  disclosureDueDay: 10,
});

export interface RuleProblem {
  field: string[];
  message: string;
}

const CODE = /^[A-Z][A-Z0-9_]{1,39}$/;

/** Every figure of the worker appraisal rules checked, all problems at once. */
export function checkWorkerAppraisalRules(rules: WorkerAppraisalRules): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const seen = new Set<string>();
  rules.dailyPointRules.forEach((rule, i) => {
    const at = (name: string) => ['input', 'dailyPointRules', String(i), name];
    if (!CODE.test(rule.code)) problems.push({ field: at('code'), message: 'A rule code is 2 to 40 upper-case letters, digits or underscores, starting with a letter.' });
    if (seen.has(rule.code)) problems.push({ field: at('code'), message: `The code ${rule.code} is used twice.` });
    seen.add(rule.code);
    if (rule.label.trim() === '') problems.push({ field: at('label'), message: 'A rule needs a label.' });
    if (!Number.isFinite(rule.points) || Math.abs(rule.points) > 1000 || Math.round(rule.points * 100) !== rule.points * 100) {
      problems.push({ field: at('points'), message: 'Points are between -1000 and 1000 with at most two decimals.' });
    }
    if (rule.automatic !== (AUTOMATIC_RULES as readonly string[]).includes(rule.code)) {
      problems.push({ field: at('automatic'), message: `Exactly the codes ${AUTOMATIC_RULES.join(', ')} are automatic: the system counts them.` });
    }
  });
  if (!(rules.monthlyPointsForFullMarks > 0)) problems.push({ field: ['input', 'monthlyPointsForFullMarks'], message: 'The points for full marks are more than zero.' });
  problems.push(...checkWeights(rules.weights as unknown as Record<string, number>));
  return problems;
}

export function checkCommunityStarRules(rules: CommunityStarRules): RuleProblem[] {
  const problems = checkWeights(rules.weights as unknown as Record<string, number>);
  if (!Number.isInteger(rules.disclosureDueDay) || rules.disclosureDueDay < 1 || rules.disclosureDueDay > 28) {
    problems.push({ field: ['input', 'disclosureDueDay'], message: 'The due day is a day of the month from 1 to 28.' });
  }
  return problems;
}

function checkWeights(weights: Record<string, number>): RuleProblem[] {
  const values = Object.values(weights);
  if (values.some((w) => !Number.isInteger(w) || w < 0) || values.reduce((a, b) => a + b, 0) !== 100) {
    return [{ field: ['input', 'weights'], message: 'The weights are whole percentages adding up to 100.' }];
  }
  return [];
}

// Periods -------------------------------------------------------------------------------

export type PeriodKind = 'MONTH' | 'QUARTER' | 'YEAR';

export interface AppraisalPeriod {
  kind: PeriodKind;
  /** "2026-10", "2026-Q4" or "2026". */
  label: string;
  /** First day, inclusive. */
  start: string;
  /** First day after the period. */
  end: string;
  /** Its months, "YYYY-MM". */
  months: string[];
  /** The rating periods (民主测评 runs by quarter) it covers: a month takes its quarter's ratings. */
  ratingPeriods: string[];
}

const pad = (n: number) => String(n).padStart(2, '0');
const monthLabel = (year: number, month: number) => `${year}-${pad(month)}`;
export const quarterOfMonth = (month: string) => `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;

function span(kind: PeriodKind, label: string, year: number, first: number, count: number): AppraisalPeriod {
  const months = Array.from({ length: count }, (_, i) => monthLabel(year, first + i));
  const afterMonth = first + count;
  const end = afterMonth > 12 ? `${year + 1}-01-01` : `${monthLabel(year, afterMonth)}-01`;
  return { kind, label, start: `${months[0]}-01`, end, months, ratingPeriods: [...new Set(months.map(quarterOfMonth))] };
}

/** "2026-10", "2026-Q4" or "2026" as a period; null when it is none of these (years 2000–2099). */
export function parsePeriod(text: string): AppraisalPeriod | null {
  let m = /^(20\d\d)-(0[1-9]|1[0-2])$/.exec(text);
  if (m) return span('MONTH', text, Number(m[1]), Number(m[2]), 1);
  m = /^(20\d\d)-Q([1-4])$/.exec(text);
  if (m) return span('QUARTER', text, Number(m[1]), (Number(m[2]) - 1) * 3 + 1, 3);
  m = /^(20\d\d)$/.exec(text);
  if (m) return span('YEAR', text, Number(m[1]), 1, 12);
  return null;
}

/** The months of a period that have begun by `today` ("YYYY-MM-DD"): later ones owe nothing yet. */
export function monthsBegun(period: AppraisalPeriod, today: string): string[] {
  return period.months.filter((month) => month <= today.slice(0, 7));
}

// Scores --------------------------------------------------------------------------------

/** Half up to two decimals, on the value as written in decimal (no binary-float surprises). */
export function round2(value: number): number {
  return Math.round(Number(`${value.toFixed(6)}e2`)) / 100;
}

export interface ScorePart {
  /** 0 to 100; null when there is nothing to score (no ratings, no incidents). */
  score: number | null;
  weight: number;
}

/**
 * The weighted score of parts on a 0–100 scale. A part with nothing to score is left out and
 * the weights of the others are scaled up to 100, so that, say, a grid without incidents is
 * neither punished nor rewarded for its closure rate. Null when no part has a score.
 */
export function weightedScore(parts: ScorePart[]): number | null {
  const scored = parts.filter((p) => p.score !== null && p.weight > 0);
  const weight = scored.reduce((sum, p) => sum + p.weight, 0);
  if (weight === 0) return null;
  return round2(scored.reduce((sum, p) => sum + p.score! * p.weight, 0) / weight);
}

/** Daily points as a 0–100 score: full marks at the monthly figure times the months counted. */
export function dailyPointsScore(points: number, months: number, monthlyPointsForFullMarks: number): number | null {
  if (months === 0) return null;
  return round2(Math.min(100, Math.max(0, (points / (monthlyPointsForFullMarks * months)) * 100)));
}

/** A 1–5 rating average on the 0–100 scale: 5 is 100, 1 is 20. */
export const ratingScore = (average: number | null) => (average === null ? null : round2(average * 20));

// Stars ---------------------------------------------------------------------------------

export interface Scored {
  communityId: number;
  /** Community code: the documented order among equal scores. */
  code: string;
  score: number;
}

export interface Starred extends Scored {
  /** Competition rank: equal scores share a rank, the next rank skips (1, 2, 2, 4). */
  rank: number;
  stars: 0 | 3 | 4 | 5;
}

const roundHalfUp = (x: number) => Math.floor(x + 0.5 + 1e-9);

/**
 * Stars by fixed shares (评星定级): the first 10% five stars, the next 40% four, the next 40%
 * three, the last 10% none. The band boundaries are the cumulative shares of the count,
 * rounded half up: positions below round(10% n) get five stars, below round(50% n) four,
 * below round(90% n) three, the rest none. Communities with equal scores (to the cent) take
 * the band of the best position among them, so a tie never splits a band and may widen the
 * higher one. Order among equal scores — for listing only — is by community code.
 */
export function starBands(communities: readonly Scored[]): Starred[] {
  const n = communities.length;
  const cuts = [roundHalfUp(0.1 * n), roundHalfUp(0.5 * n), roundHalfUp(0.9 * n)];
  const bandOf = (position: number): Starred['stars'] => (position < cuts[0] ? 5 : position < cuts[1] ? 4 : position < cuts[2] ? 3 : 0);
  const sorted = communities.map((c) => ({ ...c, score: round2(c.score) }))
    .sort((a, b) => b.score - a.score || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  let first = 0;
  return sorted.map((c, i) => {
    if (i > 0 && c.score !== sorted[i - 1].score) first = i;
    return { ...c, rank: first + 1, stars: bandOf(first) };
  });
}
