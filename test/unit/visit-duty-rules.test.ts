import { describe, expect, test } from 'vitest';
import {
  checkVisitDutyRules, evaluateDuty, householdDuty, parseMonth, periodOf, VISIT_DUTY_RULES, type DutyCounts,
} from '../../src/modules/visit/duty.rules';

const rules = VISIT_DUTY_RULES.defaults;
const counts = (c: Partial<DutyCounts> = {}): DutyCounts => ({
  visitedByWorker: 10, households: 40, specialHouseholds: 4, specialVisited: 4, refreshed: 40, ...c,
});
/** Instants in China time. */
const china = (local: string) => new Date(`${local}+08:00`);

describe('months and periods', () => {
  test('a month is YYYY-MM', () => {
    expect(parseMonth('2026-03')).toEqual({ year: 2026, month: 3 });
    for (const bad of ['2026-13', '2026-00', '2026-3', '26-03', '2026-03-01', '']) expect(parseMonth(bad)).toBeNull();
  });

  test('periods are aligned on the year and run from midnight in China', () => {
    expect(periodOf('2025-02', 1)).toEqual({ start: china('2025-02-01T00:00:00'), end: china('2025-03-01T00:00:00') });
    expect(periodOf('2025-02', 3)).toEqual({ start: china('2025-01-01T00:00:00'), end: china('2025-04-01T00:00:00') });
    expect(periodOf('2025-12', 3)).toEqual({ start: china('2025-10-01T00:00:00'), end: china('2026-01-01T00:00:00') });
    expect(periodOf('2025-07', 6)).toEqual({ start: china('2025-07-01T00:00:00'), end: china('2026-01-01T00:00:00') });
    expect(periodOf('2025-07', 12).start).toEqual(china('2025-01-01T00:00:00'));
  });
});

describe('a worker\'s month', () => {
  const after = china('2025-05-01T00:00:00');

  test('all done is met', () => {
    expect(evaluateDuty(counts(), rules, '2025-02', after)).toEqual({
      households: { done: 10, due: 10 }, special: { done: 4, due: 4, overdue: 0 }, dataRefresh: { done: 40, due: 40, overdue: 0 }, met: true,
    });
  });

  test('the monthly minimum is capped at the households there are', () => {
    expect(evaluateDuty(counts({ households: 6, visitedByWorker: 6, refreshed: 6 }), rules, '2025-02', after).households).toEqual({ done: 6, due: 6 });
  });

  test('each shortfall of an ended period fails the month', () => {
    expect(evaluateDuty(counts({ visitedByWorker: 9 }), rules, '2025-02', after).met).toBe(false);
    const special = evaluateDuty(counts({ specialVisited: 3 }), rules, '2025-02', after);
    expect(special).toMatchObject({ special: { overdue: 1 }, met: false });
    const refresh = evaluateDuty(counts({ refreshed: 30 }), rules, '2025-02', after);
    expect(refresh).toMatchObject({ dataRefresh: { done: 30, due: 40, overdue: 10 }, met: false });
  });

  test('a running period is not failed yet', () => {
    const midMonth = china('2025-02-15T12:00:00');
    expect(evaluateDuty(counts({ visitedByWorker: 2, specialVisited: 0, refreshed: 0 }), rules, '2025-02', midMonth)).toMatchObject({
      special: { overdue: 0 }, dataRefresh: { overdue: 0 }, met: true,
    });
    // February has ended but the quarter runs until April: the refresh is not overdue in March.
    const march = china('2025-03-10T00:00:00');
    expect(evaluateDuty(counts({ refreshed: 0 }), rules, '2025-02', march)).toMatchObject({ dataRefresh: { overdue: 0 }, met: true });
    expect(evaluateDuty(counts({ visitedByWorker: 3 }), rules, '2025-02', march).met).toBe(false);
  });

  test('the rule figures decide', () => {
    const lenient = { ...rules, minimumHouseholdsPerMonth: 3, dataRefreshMonths: 12 };
    expect(evaluateDuty(counts({ visitedByWorker: 3, refreshed: 0 }), lenient, '2025-02', after)).toMatchObject({
      households: { due: 3 }, dataRefresh: { overdue: 0 }, met: true,
    });
  });
});

describe('a household\'s month', () => {
  const after = china('2025-05-01T00:00:00');

  test('a special household owes its visit and every household its refresh', () => {
    expect(householdDuty({ special: true, visitedInSpecialPeriod: false, refreshedInPeriod: false }, rules, '2025-02', after))
      .toEqual({ due: ['SPECIAL_VISIT', 'DATA_REFRESH'], overdue: true });
    expect(householdDuty({ special: false, visitedInSpecialPeriod: false, refreshedInPeriod: true }, rules, '2025-02', after))
      .toEqual({ due: [], overdue: false });
  });

  test('owing is overdue only once the period has ended', () => {
    const march = china('2025-03-10T00:00:00');
    expect(householdDuty({ special: false, visitedInSpecialPeriod: false, refreshedInPeriod: false }, rules, '2025-02', march))
      .toEqual({ due: ['DATA_REFRESH'], overdue: false });
    expect(householdDuty({ special: true, visitedInSpecialPeriod: false, refreshedInPeriod: false }, rules, '2025-02', march))
      .toEqual({ due: ['SPECIAL_VISIT', 'DATA_REFRESH'], overdue: true });
  });
});

describe('rule figures', () => {
  test('the defaults are those of DOMAIN §1 and pass', () => {
    expect(rules).toMatchObject({ minimumHouseholdsPerMonth: 10, specialVisitMonths: 1, dataRefreshMonths: 3, workerRoles: ['MICRO_GRID_WORKER'] });
    expect(rules.specialTags).toEqual(['ELDERLY_LIVING_ALONE', 'DISABLED', 'LEFT_BEHIND_CHILD', 'FAMILY_IN_DIFFICULTY']);
    expect(checkVisitDutyRules(rules)).toEqual([]);
  });

  test('every broken figure is reported', () => {
    const problems = checkVisitDutyRules({
      minimumHouseholdsPerMonth: 2.5, specialTags: [], specialVisitMonths: 5, dataRefreshMonths: 0, workerRoles: [], loggingWindowDays: 400,
    });
    expect(problems.map((p) => p.field)).toEqual([
      'minimumHouseholdsPerMonth', 'specialTags', 'specialVisitMonths', 'dataRefreshMonths', 'workerRoles', 'loggingWindowDays',
    ]);
  });
});
