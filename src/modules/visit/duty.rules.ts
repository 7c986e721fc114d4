/**
 * Visit duty (走访责任, DOMAIN §1, seed 002) as pure rules: the rule figures a city sets, the
 * calendar periods they run over, and what a worker's counts mean. The service gathers the
 * counts in SQL; everything decided about them is here, where unit tests reach it.
 */
import { CHINA_OFFSET_MS } from '../../calendar';
import { defineRules } from '../../settings';
import type { residentTag, staffRole } from '../grid/grid.tables';

export type ResidentTagValue = (typeof residentTag.enumValues)[number];
export type StaffRoleValue = (typeof staffRole.enumValues)[number];

export interface VisitDutyRules {
  /** Distinct households a worker visits each month (每月走访不少于10户). */
  minimumHouseholdsPerMonth: number;
  /** Resident tags that make a household special (重点户). */
  specialTags: ResidentTagValue[];
  /** A special household is visited at least once in every period of this many months. */
  specialVisitMonths: number;
  /** Household data is refreshed (DATA_REFRESH visit) once in every period of this many months (每季度更新). */
  dataRefreshMonths: number;
  /** The staff roles the duty applies to. */
  workerRoles: StaffRoleValue[];
  /** How many days back a visit may be logged; later it is no longer a record of work done. */
  loggingWindowDays: number;
}

export const VISIT_DUTY_RULES = defineRules<VisitDutyRules>('visit.duty', {
  minimumHouseholdsPerMonth: 10,
  specialTags: ['ELDERLY_LIVING_ALONE', 'DISABLED', 'LEFT_BEHIND_CHILD', 'FAMILY_IN_DIFFICULTY'],
  specialVisitMonths: 1,
  dataRefreshMonths: 3,
  workerRoles: ['MICRO_GRID_WORKER'],
  loggingWindowDays: 31,
});

/** Periods are aligned on the calendar year, so a period length must divide twelve. */
export const PERIOD_LENGTHS = [1, 2, 3, 4, 6, 12] as const;

export interface RuleProblem {
  field: keyof VisitDutyRules;
  message: string;
}

/** Every figure checked, all problems at once. */
export function checkVisitDutyRules(rules: VisitDutyRules): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (!Number.isInteger(rules.minimumHouseholdsPerMonth) || rules.minimumHouseholdsPerMonth < 0 || rules.minimumHouseholdsPerMonth > 1000) {
    problems.push({ field: 'minimumHouseholdsPerMonth', message: 'The monthly minimum is a whole number from 0 to 1,000.' });
  }
  if (rules.specialTags.length === 0) {
    problems.push({ field: 'specialTags', message: 'Name at least one tag that makes a household special.' });
  }
  for (const field of ['specialVisitMonths', 'dataRefreshMonths'] as const) {
    if (!(PERIOD_LENGTHS as readonly number[]).includes(rules[field])) {
      problems.push({ field, message: `A period is ${PERIOD_LENGTHS.join(', ')} months long (it must divide the year).` });
    }
  }
  if (rules.workerRoles.length === 0) {
    problems.push({ field: 'workerRoles', message: 'Name at least one staff role the duty applies to.' });
  }
  if (!Number.isInteger(rules.loggingWindowDays) || rules.loggingWindowDays < 1 || rules.loggingWindowDays > 366) {
    problems.push({ field: 'loggingWindowDays', message: 'The logging window is a whole number of days from 1 to 366.' });
  }
  return problems;
}

/** A half-open span of time, [start, end). */
export interface Span {
  start: Date;
  end: Date;
}

/** Year and month (1..12) of 'YYYY-MM', or null when it is not such a month. */
export function parseMonth(month: string): { year: number; month: number } | null {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return null;
  const year = Number(match[1]);
  const m = Number(match[2]);
  if (year < 2000 || year > 2100 || m < 1 || m > 12) return null;
  return { year, month: m };
}

/** Midnight in China at the start of month `m` (1-based, may overflow into the next years). */
function chinaMonthStart(year: number, m: number): Date {
  return new Date(Date.UTC(year, m - 1, 1) - CHINA_OFFSET_MS);
}

/** The period of `length` months, aligned on the year, that holds the month. */
export function periodOf(month: string, length: number): Span {
  const parsed = parseMonth(month);
  if (!parsed) throw new Error(`Not a month: ${month}`);
  const first = Math.floor((parsed.month - 1) / length) * length + 1;
  return { start: chinaMonthStart(parsed.year, first), end: chinaMonthStart(parsed.year, first + length) };
}

export function monthSpan(month: string): Span {
  return periodOf(month, 1);
}

/** The spans a month's duty is evaluated over. */
export function dutySpans(rules: VisitDutyRules, month: string) {
  return { month: monthSpan(month), special: periodOf(month, rules.specialVisitMonths), dataRefresh: periodOf(month, rules.dataRefreshMonths) };
}

/** What the database counted for one worker in one grid. */
export interface DutyCounts {
  /** Distinct households the worker visited in the month. */
  visitedByWorker: number;
  /** Households of the grid (with its sub-grids). */
  households: number;
  specialHouseholds: number;
  /** Special households visited by anyone within the special-visit period. */
  specialVisited: number;
  /** Households with a DATA_REFRESH visit within the refresh period. */
  refreshed: number;
}

export interface DutyFigures {
  households: { done: number; due: number };
  special: { done: number; due: number; overdue: number };
  dataRefresh: { done: number; due: number; overdue: number };
  met: boolean;
}

/**
 * A worker's duty for a month. The monthly minimum cannot exceed the households there are;
 * a shortfall is overdue only once its period has ended, so the running month is never
 * failed early.
 */
export function evaluateDuty(counts: DutyCounts, rules: VisitDutyRules, month: string, now: Date = new Date()): DutyFigures {
  const spans = dutySpans(rules, month);
  const ended = (span: Span) => now.getTime() >= span.end.getTime();
  const households = { done: counts.visitedByWorker, due: Math.min(rules.minimumHouseholdsPerMonth, counts.households) };
  const special = {
    done: counts.specialVisited,
    due: counts.specialHouseholds,
    overdue: ended(spans.special) ? counts.specialHouseholds - counts.specialVisited : 0,
  };
  const dataRefresh = {
    done: counts.refreshed,
    due: counts.households,
    overdue: ended(spans.dataRefresh) ? counts.households - counts.refreshed : 0,
  };
  const householdsFailed = ended(spans.month) && households.done < households.due;
  return { households, special, dataRefresh, met: !householdsFailed && special.overdue === 0 && dataRefresh.overdue === 0 };
}

export type HouseholdRule = 'SPECIAL_VISIT' | 'DATA_REFRESH';

export interface HouseholdFacts {
  special: boolean;
  /** Any visit within the special-visit period. */
  visitedInSpecialPeriod: boolean;
  /** A DATA_REFRESH visit within the refresh period. */
  refreshedInPeriod: boolean;
}

/** The rules a household still owes in the month's periods, and whether any of them is overdue. */
export function householdDuty(facts: HouseholdFacts, rules: VisitDutyRules, month: string, now: Date = new Date()) {
  const spans = dutySpans(rules, month);
  const owed: { rule: HouseholdRule; span: Span }[] = [];
  if (facts.special && !facts.visitedInSpecialPeriod) owed.push({ rule: 'SPECIAL_VISIT', span: spans.special });
  if (!facts.refreshedInPeriod) owed.push({ rule: 'DATA_REFRESH', span: spans.dataRefresh });
  return { due: owed.map((o) => o.rule), overdue: owed.some((o) => now.getTime() >= o.span.end.getTime()) };
}
