/**
 * Visit duty evaluated in SQL: the counts per worker and per household that duty.rules.ts
 * judges. `workerDuties` is the contract the appraisal and the street dashboard call.
 */
import { sql, type SQL } from 'drizzle-orm';
import { chinaDate } from '../../calendar';
import { rowsOf, type Queryable } from '../../db/client';
import { readRules } from '../../settings';
import { grids, households, residents, staffAssignments } from '../grid/grid.tables';
import { dutySpans, evaluateDuty, householdDuty, monthSpan, VISIT_DUTY_RULES, type HouseholdRule, type Span, type VisitDutyRules } from './duty.rules';
import { householdVisits } from './visit.tables';

export interface WorkerDuty {
  staffMemberId: number; gridId: number; month: string;            // 'YYYY-MM'
  households: { done: number; due: number };                       // distinct households the worker visited this month vs the monthly minimum
  special: { done: number; due: number; overdue: number };         // special households of the worker's grids visited this month (by anyone)
  dataRefresh: { done: number; due: number; overdue: number };     // households of the grids with a DATA_REFRESH visit this quarter; overdue only once the quarter has ended
  met: boolean;                                                    // every rule met (or, for the running month, not yet failed)
}

export interface DutyWhere {
  districtId?: number;
  streetId?: number;
  communityId?: number;
  /** Assignments on these grids or their sub-grids. */
  gridIds?: number[];
  staffMemberIds?: number[];
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const list = (values: readonly (string | number)[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

function within(span: Span, column: SQL = sql`v.visited_at`): SQL {
  return sql`${column} >= ${at(span.start)} and ${column} < ${at(span.end)}`;
}

/** Tags of a resident that make the household special, as a condition on alias `r`. */
function specialTags(rules: VisitDutyRules): SQL {
  return sql`r.tags && array[${list(rules.specialTags)}]::resident_tag[]`;
}

function assignmentConditions(where: DutyWhere, rules: VisitDutyRules, month: Span): SQL {
  const conditions: SQL[] = [
    sql`sa.role in (${list(rules.workerRoles)})`,
    sql`sa.started_on < ${chinaDate(month.end)}::date`,
    sql`(sa.ended_on is null or sa.ended_on >= ${chinaDate(month.start)}::date)`,
  ];
  if (where.districtId !== undefined) conditions.push(sql`sa.district_id = ${where.districtId}`);
  if (where.streetId !== undefined) conditions.push(sql`sa.street_id = ${where.streetId}`);
  if (where.communityId !== undefined) conditions.push(sql`sa.community_id = ${where.communityId}`);
  if (where.gridIds !== undefined) {
    conditions.push(where.gridIds.length === 0 ? sql`false` : sql`exists (
      select 1 from ${grids} t where t.id in (${list(where.gridIds)}) and (g.code = t.code or g.code like t.code || '-%'))`);
  }
  if (where.staffMemberIds !== undefined) {
    conditions.push(where.staffMemberIds.length === 0 ? sql`false` : sql`sa.staff_member_id in (${list(where.staffMemberIds)})`);
  }
  return sql.join(conditions, sql` and `);
}

interface CountRow {
  staff_member_id: number;
  grid_id: number;
  visited: number;
  households: number;
  special_households: number;
  special_visited: number;
  refreshed: number;
}

/**
 * The duty of every worker (a serving assignment in one of the rule's roles) for a month: the
 * rule set, then one statement for all workers and households, whatever their number.
 * A worker serving in several grids has one duty per grid.
 */
export async function workerDuties(db: Queryable, where: DutyWhere, month: string): Promise<WorkerDuty[]> {
  const rules = await readRules(db, VISIT_DUTY_RULES);
  return workerDutiesUnder(db, rules, where, month);
}

export async function workerDutiesUnder(db: Queryable, rules: VisitDutyRules, where: DutyWhere, month: string, now = new Date()): Promise<WorkerDuty[]> {
  const spans = dutySpans(rules, month);
  const from = new Date(Math.min(spans.month.start.getTime(), spans.special.start.getTime(), spans.dataRefresh.start.getTime()));
  const to = new Date(Math.max(spans.month.end.getTime(), spans.special.end.getTime(), spans.dataRefresh.end.getTime()));
  const rows = await rowsOf<CountRow>(db, sql`
    with recursive workers as (
      select distinct sa.staff_member_id, sa.grid_id
      from ${staffAssignments} sa join ${grids} g on g.id = sa.grid_id
      where ${assignmentConditions(where, rules, spans.month)}
    ),
    tree(root, grid_id) as (
      select distinct grid_id, grid_id from workers
      union all
      select t.root, g.id from tree t join ${grids} g on g.parent_grid_id = t.grid_id
    ),
    area as (
      select t.root as grid_id, h.id as household_id
      from tree t join ${households} h on h.grid_id = t.grid_id
    ),
    visits as (
      select v.household_id, v.staff_member_id, v.kind, v.visited_at
      from ${householdVisits} v
      where v.household_id in (select household_id from area) and ${within({ start: from, end: to })}
    ),
    visited as (
      select v.household_id,
        bool_or(${within(spans.special)}) as special_visited,
        bool_or(v.kind = 'DATA_REFRESH' and ${within(spans.dataRefresh)}) as refreshed
      from visits v group by v.household_id
    ),
    special as (
      select distinct r.household_id from ${residents} r
      where ${specialTags(rules)} and r.household_id in (select household_id from area)
    ),
    per_household as (
      select a.grid_id, a.household_id, s.household_id is not null as special,
        coalesce(x.special_visited, false) as special_visited, coalesce(x.refreshed, false) as refreshed
      from area a
      left join special s on s.household_id = a.household_id
      left join visited x on x.household_id = a.household_id
    ),
    per_grid as (
      select grid_id, count(*)::int as households,
        count(*) filter (where special)::int as special_households,
        count(*) filter (where special and special_visited)::int as special_visited,
        count(*) filter (where refreshed)::int as refreshed
      from per_household group by grid_id
    ),
    by_worker as (
      select v.staff_member_id, a.grid_id, count(distinct v.household_id)::int as visited
      from visits v join area a on a.household_id = v.household_id
      where v.staff_member_id is not null and ${within(spans.month)}
      group by v.staff_member_id, a.grid_id
    )
    select w.staff_member_id, w.grid_id, coalesce(b.visited, 0)::int as visited,
      coalesce(p.households, 0)::int as households, coalesce(p.special_households, 0)::int as special_households,
      coalesce(p.special_visited, 0)::int as special_visited, coalesce(p.refreshed, 0)::int as refreshed
    from workers w
    left join per_grid p on p.grid_id = w.grid_id
    left join by_worker b on b.staff_member_id = w.staff_member_id and b.grid_id = w.grid_id
    order by w.grid_id, w.staff_member_id`);

  return rows.map((r) => ({
    staffMemberId: r.staff_member_id,
    gridId: r.grid_id,
    month,
    ...evaluateDuty({
      visitedByWorker: r.visited, households: r.households, specialHouseholds: r.special_households,
      specialVisited: r.special_visited, refreshed: r.refreshed,
    }, rules, month, now),
  }));
}

// Per household --------------------------------------------------------------------------

/** Qualified by hand: drizzle leaves columns of a one-table select unqualified, and these sit inside subqueries. */
const H = sql`${households}.id`;

/** Special: a resident of the household carries a special tag. */
function isSpecial(rules: VisitDutyRules): SQL {
  return sql`exists (select 1 from ${residents} r where r.household_id = ${H} and ${specialTags(rules)})`;
}

function visitedIn(span: Span, kind?: 'DATA_REFRESH'): SQL {
  return sql`exists (select 1 from ${householdVisits} v where v.household_id = ${H} and ${within(span)}${kind ? sql` and v.kind = ${kind}` : sql``})`;
}

/** Households that owe a rule whose period has ended: the same judgement as `householdDuty`, as SQL over `households`. */
export function overdueHouseholdCondition(rules: VisitDutyRules, month: string, now = new Date()): SQL {
  const spans = dutySpans(rules, month);
  const ended = (span: Span) => now.getTime() >= span.end.getTime();
  const owed: SQL[] = [];
  if (ended(spans.special)) owed.push(sql`(${isSpecial(rules)} and not ${visitedIn(spans.special)})`);
  if (ended(spans.dataRefresh)) owed.push(sql`not ${visitedIn(spans.dataRefresh, 'DATA_REFRESH')}`);
  return owed.length === 0 ? sql`false` : sql`(${sql.join(owed, sql` or `)})`;
}

export interface HouseholdDuty {
  householdId: number;
  month: string;
  special: boolean;
  lastVisitedAt: Date | null;
  lastDataRefreshAt: Date | null;
  due: HouseholdRule[];
  overdue: boolean;
}

interface FactRow {
  household_id: number;
  special: boolean;
  last_visited_at: string | Date | null;
  last_refresh_at: string | Date | null;
  special_visited: boolean;
  refreshed: boolean;
}

const asDate = (v: string | Date | null) => (v === null ? null : new Date(v));

/** The duty of each household for a month, in one statement; visits after the month do not count. */
export async function householdDuties(db: Queryable, rules: VisitDutyRules, householdIds: readonly number[], month: string, now = new Date()): Promise<HouseholdDuty[]> {
  if (householdIds.length === 0) return [];
  const spans = dutySpans(rules, month);
  const end = monthSpan(month).end;
  const rows = await rowsOf<FactRow>(db, sql`
    select h.id as household_id,
      exists (select 1 from ${residents} r where r.household_id = h.id and ${specialTags(rules)}) as special,
      (select max(v.visited_at) from ${householdVisits} v where v.household_id = h.id and v.visited_at < ${at(end)}) as last_visited_at,
      (select max(v.visited_at) from ${householdVisits} v where v.household_id = h.id and v.kind = 'DATA_REFRESH' and v.visited_at < ${at(end)}) as last_refresh_at,
      exists (select 1 from ${householdVisits} v where v.household_id = h.id and ${within(spans.special)}) as special_visited,
      exists (select 1 from ${householdVisits} v where v.household_id = h.id and v.kind = 'DATA_REFRESH' and ${within(spans.dataRefresh)}) as refreshed
    from ${households} h where h.id in (${list(householdIds)})`);
  const byId = new Map(rows.map((r) => [r.household_id, r]));
  return householdIds.map((id) => {
    const r = byId.get(id);
    const facts = { special: r?.special ?? false, visitedInSpecialPeriod: r?.special_visited ?? false, refreshedInPeriod: r?.refreshed ?? false };
    return {
      householdId: id,
      month,
      special: facts.special,
      lastVisitedAt: asDate(r?.last_visited_at ?? null),
      lastDataRefreshAt: asDate(r?.last_refresh_at ?? null),
      ...householdDuty(facts, rules, month, now),
    };
  });
}
