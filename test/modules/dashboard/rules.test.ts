import { describe, expect, test } from 'vitest';
import { dashboardClock, visitShortfallByGrid } from '../../../src/modules/dashboard/dashboard.rules';
import type { WorkerDuty } from '../../../src/modules/visit/duty.service';

describe('the dashboard clock', () => {
  test('months and days are China\'s: 23:30 UTC on the last day of a month is already the next month there', () => {
    const clock = dashboardClock(new Date('2026-02-28T16:30:00Z'));
    expect(clock).toMatchObject({
      today: '2026-03-01', month: '2026-03', monthStart: '2026-03-01',
      lastMonth: '2026-02', lastMonthStart: '2026-02-01', lastMonthEnd: '2026-02-28',
    });
    expect(clock.since.toISOString()).toBe('2026-02-27T16:30:00.000Z');
  });

  test('in January the month before is December of the year before; leap Februaries end on the 29th', () => {
    expect(dashboardClock(new Date('2026-01-10T08:00:00+08:00'))).toMatchObject({ lastMonth: '2025-12', lastMonthStart: '2025-12-01', lastMonthEnd: '2025-12-31' });
    expect(dashboardClock(new Date('2028-03-01T00:00:00+08:00'))).toMatchObject({ lastMonthEnd: '2028-02-29' });
  });
});

function duty(staffMemberId: number, gridId: number, figures: Partial<Omit<WorkerDuty, 'staffMemberId' | 'gridId' | 'month'>> = {}): WorkerDuty {
  return {
    staffMemberId, gridId, month: '2026-11',
    households: { done: 10, due: 10 },
    special: { done: 3, due: 3, overdue: 0 },
    dataRefresh: { done: 40, due: 40, overdue: 0 },
    met: true,
    ...figures,
  };
}

describe('visit duty by grid', () => {
  test('the grid\'s own figures count once however many workers share it; workers count each', () => {
    const grids = visitShortfallByGrid([
      duty(1, 7, { special: { done: 1, due: 3, overdue: 2 }, dataRefresh: { done: 30, due: 40, overdue: 10 }, met: false }),
      duty(2, 7, { households: { done: 4, due: 10 }, special: { done: 1, due: 3, overdue: 2 }, dataRefresh: { done: 30, due: 40, overdue: 10 }, met: false }),
      duty(3, 7, { special: { done: 1, due: 3, overdue: 2 }, dataRefresh: { done: 30, due: 40, overdue: 10 }, met: false }),
    ]);
    expect(grids).toEqual([{
      gridId: 7, workers: 3, workersNotMet: 3, workersBelowMinimum: 1, specialNotVisited: 2, specialOverdue: 2, dataRefreshOverdue: 10,
    }]);
  });

  test('grids where nothing falls short are left out; the rest come in grid order', () => {
    const grids = visitShortfallByGrid([
      duty(1, 9, { households: { done: 2, due: 10 } }),
      duty(2, 5),
      duty(3, 4, { special: { done: 2, due: 3, overdue: 0 } }),
    ]);
    expect(grids.map((g) => [g.gridId, g.workersBelowMinimum, g.specialNotVisited])).toEqual([[4, 0, 1], [9, 1, 0]]);
  });

  test('no duties, no grids', () => {
    expect(visitShortfallByGrid([])).toEqual([]);
  });
});
