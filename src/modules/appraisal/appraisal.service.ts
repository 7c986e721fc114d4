import { and, eq, sql, type SQL } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { gridSubtree, scopeCondition, unitCondition, type UnitColumns } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import { chinaDate } from '../../calendar';
import { rowsOf, type Queryable, type Tx } from '../../db/client';
import { badUserInput, keyOf, refuse, UserErrorCode } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/ids';
import { nodeMapper } from '../../graphql/node';
import { readRules, writeRules } from '../../settings';
import { grids, households, staffAssignments, staffMembers } from '../grid/grid.tables';
import { incidents } from '../incident/incident.tables';
import { VISIT_DUTY_RULES } from '../visit/duty.rules';
import { workerDutiesUnder, type WorkerDuty } from '../visit/duty.service';
import { householdVisits } from '../visit/visit.tables';
import {
  checkWorkerAppraisalRules, dailyPointsScore, monthsBegun, parsePeriod, quarterOfMonth, ratingScore, round2, weightedScore,
  WORKER_APPRAISAL_RULES, type AppraisalPeriod, type AutomaticRule, type WorkerAppraisalRules,
} from './appraisal.rules';
import { dailyPointEntries, workerRatings } from './appraisal.tables';

const ASSIGNMENT_UNITS: UnitColumns = {
  District: staffAssignments.districtId,
  Street: staffAssignments.streetId,
  Community: staffAssignments.communityId,
  Grid: staffAssignments.gridId,
};

export type AppraisalUnit = { type: 'District' | 'Street' | 'Community' | 'Grid'; key: number };

/** The `unit` argument of an appraisal query: a district, street, community or grid. */
export function appraisalUnit(id: string): AppraisalUnit {
  const unit = fromGlobalId(id, ['District', 'Street', 'Community', 'Grid']);
  if (!unit) throw badUserInput('unit must be the ID of a district, street, community or grid.', 'unit');
  return { type: unit.type as AppraisalUnit['type'], key: unit.key };
}

/** The `period` argument: exactly one of month, quarter, year. */
export function appraisalPeriod(period: { month?: string | null; quarter?: string | null; year?: number | null }): AppraisalPeriod {
  const given = [period.month, period.quarter, period.year].filter((v) => v !== undefined && v !== null);
  if (given.length !== 1) throw badUserInput('period takes exactly one of month, quarter or year.', 'period');
  const parsed = parsePeriod(String(given[0]));
  if (!parsed) throw badUserInput('period is a month "2026-10", a quarter "2026-Q4" or a year 2026.', 'period');
  return parsed;
}

export interface PointLine { rule: string; label: string; quantity: number; points: number; automatic: boolean }

export interface WorkerAppraisalRow {
  staffMemberId: number;
  name: string;
  period: string;
  gridIds: number[];
  dailyPoints: { manual: number; automatic: number; total: number; lines: PointLine[] };
  ratings: { count: number; average: number | null };
  incidentsFound: number;
  incidentsHandled: number;
  incidentsInGrids: number;
  incidentsConcluded: number;
  closureRate: number | null;
  visits: { householdsVisited: number; householdsDue: number; specialOverdue: number; dataRefreshOverdue: number; monthsMet: number; monthsCounted: number };
  score: { dailyPoints: number | null; residentRating: number | null; closureRate: number | null; visitDuty: number | null; overall: number | null };
}

interface FigureRow {
  id: number; name: string; grid_ids: number[];
  manual: { rule: string; quantity: number; points: string }[] | null;
  visits: number; found: number; handled: number; in_grids: number; concluded: number;
  rating_count: number; rating_average: string | null;
}

/** China midnight of a day, as an instant. */
const chinaMidnight = (day: string) => sql`${`${day}T00:00:00+08:00`}::timestamptz`;

/**
 * The appraisal of every worker serving in `unit` during the period, as the viewer may see it
 * (a grid worker only themselves). Statements: the two rule sets, one for all figures, and
 * one visit-duty statement per month begun — bounded by the period, whatever the number of
 * workers.
 */
export async function workerAppraisals(db: Queryable, viewer: Viewer, unit: AppraisalUnit, period: AppraisalPeriod, today = chinaDate()): Promise<WorkerAppraisalRow[]> {
  const [rules, duty] = [await readRules(db, WORKER_APPRAISAL_RULES), await readRules(db, VISIT_DUTY_RULES)];
  const roles = sql.join(duty.workerRoles.map((r) => sql`${r}`), sql`, `);
  const own: SQL = viewer.role === Role.GRID_WORKER ? sql`${staffAssignments.staffMemberId} in (select id from ${staffMembers} where subject = ${viewer.subject ?? ''})` : sql`true`;
  const where = and(unitCondition(unit, ASSIGNMENT_UNITS) ?? sql`false`, scopeCondition(viewer, ASSIGNMENT_UNITS));
  const [start, end] = [chinaMidnight(period.start), chinaMidnight(period.end)];
  const ratingPeriods = sql.join(period.ratingPeriods.map((p) => sql`${p}`), sql`, `);
  const rows = await rowsOf<FigureRow>(db, sql`
    with assigned as (
      select distinct ${staffAssignments.staffMemberId} as staff_member_id, ${staffAssignments.gridId} as grid_id from ${staffAssignments}
      where ${staffAssignments.role} in (${roles}) and ${staffAssignments.startedOn} < ${period.end}::date
        and (${staffAssignments.endedOn} is null or ${staffAssignments.endedOn} >= ${period.start}::date)
        and ${where ?? sql`true`} and ${own}
    ),
    covered as (
      select distinct a.staff_member_id, g.id as grid_id
      from assigned a join ${grids} t on t.id = a.grid_id join ${grids} g on g.code = t.code or g.code like t.code || '-%'
    )
    select sm.id, sm.name,
      (select array_agg(distinct a.grid_id order by a.grid_id) from assigned a where a.staff_member_id = sm.id) as grid_ids,
      (select json_agg(json_build_object('rule', x.rule, 'quantity', x.quantity, 'points', x.points) order by x.rule) from (
        select e.rule, sum(e.quantity)::int as quantity, sum(e.points)::text as points from ${dailyPointEntries} e
        where e.staff_member_id = sm.id and e.day >= ${period.start}::date and e.day < ${period.end}::date group by e.rule) x) as manual,
      (select count(*)::int from ${householdVisits} v where v.staff_member_id = sm.id and v.visited_at >= ${start} and v.visited_at < ${end}) as visits,
      (select count(*)::int from ${incidents} i where sm.subject is not null and i.reporter_subject = sm.subject and i.reported_at >= ${start} and i.reported_at < ${end}) as found,
      (select count(*)::int from ${incidents} i where i.grid_id in (select c.grid_id from covered c where c.staff_member_id = sm.id)
        and i.status = 'CLOSED' and i.closed_at >= ${start} and i.closed_at < ${end}) as handled,
      (select count(*)::int from ${incidents} i where i.grid_id in (select c.grid_id from covered c where c.staff_member_id = sm.id)
        and i.reported_at >= ${start} and i.reported_at < ${end}) as in_grids,
      (select count(*)::int from ${incidents} i where i.grid_id in (select c.grid_id from covered c where c.staff_member_id = sm.id)
        and i.reported_at >= ${start} and i.reported_at < ${end} and i.status in ('CLOSED', 'EXPLAINED')) as concluded,
      (select count(*)::int from ${workerRatings} r where r.staff_member_id = sm.id and r.period in (${ratingPeriods})) as rating_count,
      (select avg(r.score)::text from ${workerRatings} r where r.staff_member_id = sm.id and r.period in (${ratingPeriods})) as rating_average
    from ${staffMembers} sm
    where sm.id in (select staff_member_id from assigned)
    order by sm.name, sm.id`);
  if (rows.length === 0) return [];

  const months = monthsBegun(period, today);
  const staffMemberIds = rows.map((r) => r.id);
  const gridIds = [...new Set(rows.flatMap((r) => r.grid_ids))];
  const duties: WorkerDuty[] = [];
  for (const month of months) duties.push(...await workerDutiesUnder(db, duty, { staffMemberIds, gridIds }, month));

  return rows.map((row) => appraise(row, rules, period, months, duties.filter((d) => d.staffMemberId === row.id && row.grid_ids.includes(d.gridId))));
}

function appraise(row: FigureRow, rules: WorkerAppraisalRules, period: AppraisalPeriod, months: string[], duties: WorkerDuty[]): WorkerAppraisalRow {
  const ruleOf = new Map(rules.dailyPointRules.map((r) => [r.code, r]));
  const automaticCounts: Record<AutomaticRule, number> = { VISIT_LOGGED: row.visits, INCIDENT_FOUND: row.found, INCIDENT_HANDLED: row.handled };
  const automatic: PointLine[] = rules.dailyPointRules.filter((r) => r.automatic)
    .map((r) => ({ rule: r.code, label: r.label, quantity: automaticCounts[r.code as AutomaticRule], points: round2(automaticCounts[r.code as AutomaticRule] * r.points), automatic: true }));
  // Manual entries keep the points of the day they were recorded, whatever the rule says now.
  const manual: PointLine[] = (row.manual ?? []).map((m) => ({ rule: m.rule, label: ruleOf.get(m.rule)?.label ?? m.rule, quantity: m.quantity, points: Number(m.points), automatic: false }));
  const sum = (lines: PointLine[]) => round2(lines.reduce((s, l) => s + l.points, 0));
  const dailyPoints = { manual: sum(manual), automatic: sum(automatic), total: round2(sum(manual) + sum(automatic)), lines: [...automatic, ...manual] };

  const byMonth = months.map((month) => duties.filter((d) => d.month === month));
  const worked = byMonth.filter((ds) => ds.length > 0);
  const visits = {
    householdsVisited: worked.reduce((s, ds) => s + Math.max(...ds.map((d) => d.households.done)), 0),
    householdsDue: worked.reduce((s, ds) => s + Math.max(...ds.map((d) => d.households.due)), 0),
    specialOverdue: duties.reduce((s, d) => s + d.special.overdue, 0),
    dataRefreshOverdue: duties.reduce((s, d) => s + d.dataRefresh.overdue, 0),
    monthsMet: worked.filter((ds) => ds.every((d) => d.met)).length,
    monthsCounted: worked.length,
  };
  const average = row.rating_average === null ? null : round2(Number(row.rating_average));
  const closureRate = row.in_grids === 0 ? null : row.concluded / row.in_grids;
  const parts = {
    // Full marks scale with the months the worker served, so that joining mid-year costs nothing.
    dailyPoints: dailyPointsScore(dailyPoints.total, visits.monthsCounted || months.length, rules.monthlyPointsForFullMarks),
    residentRating: ratingScore(average),
    closureRate: closureRate === null ? null : round2(closureRate * 100),
    visitDuty: visits.monthsCounted === 0 ? null : round2((visits.monthsMet / visits.monthsCounted) * 100),
  };
  const w = rules.weights;
  const overall = weightedScore([
    { score: parts.dailyPoints, weight: w.dailyPoints },
    { score: parts.residentRating, weight: w.residentRating },
    { score: parts.closureRate, weight: w.closureRate },
    { score: parts.visitDuty, weight: w.visitDuty },
  ]);
  return {
    staffMemberId: row.id, name: row.name, period: period.label, gridIds: row.grid_ids, dailyPoints,
    ratings: { count: row.rating_count, average },
    incidentsFound: row.found, incidentsHandled: row.handled, incidentsInGrids: row.in_grids, incidentsConcluded: row.concluded, closureRate,
    visits, score: { ...parts, overall },
  };
}

// Rules ---------------------------------------------------------------------------------

export async function appraisalRules(db: Queryable) {
  return { id: WORKER_APPRAISAL_RULES.name, ...(await readRules(db, WORKER_APPRAISAL_RULES)) };
}

export async function setAppraisalRules(tx: Tx, viewer: Viewer, value: WorkerAppraisalRules) {
  const rules: WorkerAppraisalRules = {
    dailyPointRules: value.dailyPointRules.map((r) => ({ code: r.code, label: r.label.trim(), points: r.points, automatic: r.automatic })),
    monthlyPointsForFullMarks: value.monthlyPointsForFullMarks,
    weights: { dailyPoints: value.weights.dailyPoints, residentRating: value.weights.residentRating, closureRate: value.weights.closureRate, visitDuty: value.weights.visitDuty },
  };
  const problems = checkWorkerAppraisalRules(rules);
  if (problems.length > 0) refuse(problems[0].field, UserErrorCode.INVALID, problems[0].message);
  await writeRules(tx, WORKER_APPRAISAL_RULES, rules, viewer.subject!);
  return appraisalRules(tx);
}

// Daily points --------------------------------------------------------------------------

type PointEntryRow = typeof dailyPointEntries.$inferSelect;
export const asPointEntry = nodeMapper<PointEntryRow>('WorkerPointEntry');

export async function pointEntryById(db: Queryable, viewer: Viewer, key: number) {
  const [row] = await db.select().from(dailyPointEntries).where(and(eq(dailyPointEntries.id, key), pointEntryScope(viewer)));
  return row ? asPointEntry(row) : null;
}

/** Staff read the entries of their unit; a grid worker their own. */
export function pointEntryScope(viewer: Viewer): SQL | undefined {
  if (viewer.role === Role.GRID_WORKER) {
    return sql`${dailyPointEntries.staffMemberId} in (select id from ${staffMembers} where subject = ${viewer.subject ?? ''})`;
  }
  return scopeCondition(viewer, {
    District: dailyPointEntries.districtId, Street: dailyPointEntries.streetId, Community: dailyPointEntries.communityId,
  });
}

export interface PointRecordInput { staffMemberId: string; day: string; rule: string; quantity?: number | null; note?: string | null }

/**
 * 日常积分 recorded by hand: the rule must be a manual one, the day not in the future, and the
 * worker serving that day in a grid of the recorder's unit. The points are fixed now.
 */
export async function recordPoints(tx: Tx, viewer: Viewer, input: PointRecordInput, today = chinaDate()) {
  const staffKey = keyOf(input.staffMemberId, 'StaffMember', ['input', 'staffMemberId']);
  const rules = await readRules(tx, WORKER_APPRAISAL_RULES);
  const rule = rules.dailyPointRules.find((r) => r.code === input.rule);
  if (!rule) refuse(['input', 'rule'], UserErrorCode.NOT_FOUND, `No daily-points rule has the code ${input.rule}.`);
  if (rule.automatic) refuse(['input', 'rule'], UserErrorCode.INVALID, `${rule.code} is counted by the system and cannot be recorded by hand.`);
  if (input.day > today) refuse(['input', 'day'], UserErrorCode.INVALID, 'Points are recorded for a day that has come.');
  const [assignment] = await tx.select({ grid: grids }).from(staffAssignments)
    .innerJoin(grids, eq(grids.id, staffAssignments.gridId))
    .where(and(
      eq(staffAssignments.staffMemberId, staffKey),
      sql`${staffAssignments.startedOn} <= ${input.day}::date and (${staffAssignments.endedOn} is null or ${staffAssignments.endedOn} >= ${input.day}::date)`,
      scopeCondition(viewer, ASSIGNMENT_UNITS),
    ))
    .orderBy(staffAssignments.id).limit(1);
  if (!assignment) refuse(['input', 'staffMemberId'], UserErrorCode.OUT_OF_SCOPE, 'This person served in no grid of your unit on that day.');
  const quantity = input.quantity ?? 1;
  const [row] = await tx.insert(dailyPointEntries).values({
    staffMemberId: staffKey,
    districtId: assignment.grid.districtId,
    streetId: assignment.grid.streetId,
    communityId: assignment.grid.communityId,
    day: input.day,
    rule: rule.code,
    quantity,
    points: round2(rule.points * quantity).toFixed(2),
    note: input.note?.trim() || null,
    recordedBy: viewer.subject!,
  }).returning();
  return asPointEntry(row);
}

// Residents' rating ---------------------------------------------------------------------

type RatingRow = typeof workerRatings.$inferSelect;
export const asWorkerRating = nodeMapper<RatingRow>('WorkerRating');

/** A resident reads their household's ratings; staff those of their unit; a grid worker those of themselves. */
export function ratingScope(viewer: Viewer): SQL | undefined {
  if (viewer.role === Role.RESIDENT) return viewer.unit?.type === 'Household' ? eq(workerRatings.householdId, viewer.unit.key) : sql`false`;
  if (viewer.role === Role.GRID_WORKER) {
    return sql`${workerRatings.staffMemberId} in (select id from ${staffMembers} where subject = ${viewer.subject ?? ''})`;
  }
  return scopeCondition(viewer, { District: workerRatings.districtId, Street: workerRatings.streetId, Community: workerRatings.communityId });
}

export async function ratingById(db: Queryable, viewer: Viewer, key: number) {
  const [row] = await db.select().from(workerRatings).where(and(eq(workerRatings.id, key), ratingScope(viewer)));
  return row ? asWorkerRating(row) : null;
}

export interface RateInput { staffMemberId: string; score: number; comment?: string | null }

/**
 * 民主测评: a household rates a worker serving its grid (the grid or a grid above it) today,
 * once per quarter. Rating again in the same quarter replaces the household's rating: the
 * household's latest opinion counts, and it still counts once.
 */
export async function rateWorker(tx: Tx, viewer: Viewer, input: RateInput, today = chinaDate()) {
  const staffKey = keyOf(input.staffMemberId, 'StaffMember', ['input', 'staffMemberId']);
  const householdKey = viewer.unit?.type === 'Household' ? viewer.unit.key : null;
  const [household] = householdKey === null ? [] : await tx.select().from(households).where(eq(households.id, householdKey));
  if (!household) refuse(null, UserErrorCode.NOT_FOUND, 'Your token names no household.');
  const [serving] = await tx.select({ id: staffAssignments.id }).from(staffAssignments).where(and(
    eq(staffAssignments.staffMemberId, staffKey),
    sql`${household.gridId} in ${gridSubtree(sql`${staffAssignments.gridId}`)}`,
    sql`${staffAssignments.startedOn} <= ${today}::date and (${staffAssignments.endedOn} is null or ${staffAssignments.endedOn} >= ${today}::date)`,
  )).limit(1);
  if (!serving) refuse(['input', 'staffMemberId'], UserErrorCode.OUT_OF_SCOPE, 'This person does not serve your household\'s grid.');
  const values = {
    staffMemberId: staffKey, householdId: household.id, districtId: household.districtId, streetId: household.streetId, communityId: household.communityId,
    period: quarterOfMonth(today.slice(0, 7)), score: input.score, comment: input.comment?.trim() || null, ratedBy: viewer.subject!,
  };
  const [row] = await tx.insert(workerRatings).values(values).onConflictDoUpdate({
    target: [workerRatings.staffMemberId, workerRatings.householdId, workerRatings.period],
    set: { score: values.score, comment: values.comment, ratedBy: values.ratedBy, createdAt: new Date() },
  }).returning();
  return asWorkerRating(row);
}
