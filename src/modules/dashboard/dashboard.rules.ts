/**
 * The street dashboard's calendar and the judgements made on figures the database counted:
 * pure, so unit tests reach them without SQL.
 */
import { chinaDate } from '../../calendar';
import type { WorkerDuty } from '../visit/duty.service';

const DAY_MS = 24 * 3600 * 1000;

/** Age buckets of open incidents, in days since report: [0, 1), [1, 3), [3, 7), [7, ∞). */
export const AGE_BUCKET_DAYS = [1, 3, 7] as const;

/** Places shown in the dashboard's volunteer ranking. */
export const TOP_VOLUNTEERS = 5;

/** The periods a dashboard for one instant looks at, by the calendar in China. */
export interface DashboardClock {
  at: Date;
  /** The same time the day before: "since yesterday" is (since, at]. */
  since: Date;
  /** The day in China at `at`, 'YYYY-MM-DD'. */
  today: string;
  /** 'YYYY-MM' of `today`. */
  month: string;
  /** First day of `month`. */
  monthStart: string;
  /** The month before, 'YYYY-MM', whose disclosure is expected by now. */
  lastMonth: string;
  lastMonthStart: string;
  lastMonthEnd: string;
}

function isoDay(utcMidnight: number): string {
  return new Date(utcMidnight).toISOString().slice(0, 10);
}

export function dashboardClock(at: Date): DashboardClock {
  const today = chinaDate(at);
  const [year, month] = today.split('-').map(Number);
  const lastMonthStart = isoDay(Date.UTC(year, month - 2, 1));
  return {
    at,
    // China keeps no daylight saving time, so the same time yesterday is exactly one day back.
    since: new Date(at.getTime() - DAY_MS),
    today,
    month: today.slice(0, 7),
    monthStart: `${today.slice(0, 7)}-01`,
    lastMonth: lastMonthStart.slice(0, 7),
    lastMonthStart,
    lastMonthEnd: isoDay(Date.UTC(year, month - 1, 0)),
  };
}

/** Where the visit duty of one grid falls short this month. */
export interface GridVisitShortfall {
  gridId: number;
  /** Workers on duty in the grid. */
  workers: number;
  /** Workers whose duty is not met (a rule's period has ended unfulfilled). */
  workersNotMet: number;
  /** Workers who have not yet visited the monthly minimum of households so far this month. */
  workersBelowMinimum: number;
  /** Special households of the grid not yet visited in the special-visit period. */
  specialNotVisited: number;
  /** Special households whose visit period ended without a visit. */
  specialOverdue: number;
  /** Households whose data-refresh period ended without a DATA_REFRESH visit. */
  dataRefreshOverdue: number;
}

/**
 * Worker duties gathered per grid. The special and data-refresh figures are the grid's (the
 * same on every worker's duty there), so a grid counts them once, not once per worker. Only
 * grids where something falls short are kept, in grid order.
 */
export function visitShortfallByGrid(duties: readonly WorkerDuty[]): GridVisitShortfall[] {
  const byGrid = new Map<number, GridVisitShortfall>();
  for (const duty of duties) {
    const grid = byGrid.get(duty.gridId) ?? {
      gridId: duty.gridId, workers: 0, workersNotMet: 0, workersBelowMinimum: 0,
      specialNotVisited: duty.special.due - duty.special.done,
      specialOverdue: duty.special.overdue,
      dataRefreshOverdue: duty.dataRefresh.overdue,
    };
    grid.workers += 1;
    if (!duty.met) grid.workersNotMet += 1;
    if (duty.households.done < duty.households.due) grid.workersBelowMinimum += 1;
    byGrid.set(duty.gridId, grid);
  }
  return [...byGrid.values()]
    .filter((g) => g.workersNotMet + g.workersBelowMinimum + g.specialNotVisited + g.specialOverdue + g.dataRefreshOverdue > 0)
    .sort((a, b) => a.gridId - b.gridId);
}
