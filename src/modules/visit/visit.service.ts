import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Viewer } from '../../auth/viewer';
import { scopeCondition, unitCondition, withinCondition, type UnitColumns } from '../../auth/scope';
import type { Context } from '../../context';
import type { Queryable, Tx } from '../../db/client';
import { OrderDirection, paginate, type ForwardPageArgs } from '../../graphql/connection';
import { argumentKey, badUserInput, forbidden, keyOf, refuse, userError, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import { fromGlobalId, toGlobalId } from '../../graphql/ids';
import { readRules, writeRules } from '../../settings';
import { assertMayChange } from '../grid/grid.service';
import { communities, districts, grids, households, staffMembers, streets } from '../grid/grid.tables';
import { COMMUNITY_UNITS, GRID_UNITS, HOUSEHOLD_UNITS, STREET_UNITS } from '../grid/grid.scope';
import { reportIncident } from '../incident/incident.service';
import { checkVisitDutyRules, parseMonth, VISIT_DUTY_RULES, type VisitDutyRules } from './duty.rules';
import { householdDuties, overdueHouseholdCondition, workerDutiesUnder } from './duty.service';
import type * as In from './visit.inputs';
import { asFinding, asVisit, type VisitRow } from './visit.loaders';
import { VISIT_UNITS, visitScope } from './visit.scope';
import { householdVisits, visitFindings } from './visit.tables';

const DAY_MS = 24 * 3600 * 1000;
/** Phones and servers disagree by a little; a visit "now" must not be refused as future. */
const CLOCK_SKEW_MS = 2 * 60 * 1000;
const TITLE_LENGTH = 40;

/** An incident's one-line title, from the finding's description. */
function titleOf(description: string): string {
  const line = description.trim().split(/\r?\n/)[0];
  return `走访发现：${line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH)}…` : line}`;
}

async function staffMemberOf(db: Queryable, viewer: Viewer): Promise<number | null> {
  if (!viewer.subject) return null;
  const [member] = await db.select({ id: staffMembers.id }).from(staffMembers).where(eq(staffMembers.subject, viewer.subject));
  return member?.id ?? null;
}

/** Reports a finding through the incident service (same deadline, timeline and event as incidentReport) and links both ways. */
async function reportFindingAsIncident(tx: Tx, viewer: Viewer, visit: VisitRow, finding: { id: number; category: In.VisitFindingInput['category']; description: string }) {
  const incident = await reportIncident(tx, viewer, {
    category: finding.category,
    title: titleOf(finding.description),
    description: finding.description.trim(),
    gridId: toGlobalId('Grid', visit.gridId),
    householdId: toGlobalId('Household', visit.householdId),
  });
  const [row] = await tx.update(visitFindings).set({ incidentId: incident.key }).where(eq(visitFindings.id, finding.id)).returning();
  return row;
}

export async function logVisit(tx: Tx, viewer: Viewer, input: In.VisitLogInput) {
  const rules = await readRules(tx, VISIT_DUTY_RULES);
  const now = Date.now();
  const errors: UserError[] = [];
  if (input.visitedAt.getTime() > now + CLOCK_SKEW_MS) {
    errors.push(userError(['input', 'visitedAt'], UserErrorCode.INVALID, 'A visit cannot be logged before it took place: the time is in the future.'));
  } else if (input.visitedAt.getTime() < now - rules.loggingWindowDays * DAY_MS) {
    errors.push(userError(['input', 'visitedAt'], UserErrorCode.INVALID, `A visit is logged within ${rules.loggingWindowDays} days of taking place.`));
  }
  (input.findings ?? []).forEach((f, i) => {
    if (!f.description.trim()) errors.push(userError(['input', 'findings', String(i), 'description'], UserErrorCode.REQUIRED, 'Describe the finding.'));
  });
  if (errors.length) throw new UserErrors(errors);

  const key = keyOf(input.householdId, 'Household', ['input', 'householdId']);
  const [household] = await tx.select().from(households).where(eq(households.id, key));
  if (!household) refuse(['input', 'householdId'], UserErrorCode.NOT_FOUND, 'No household has this ID.');
  await assertMayChange(tx, viewer, {
    districtId: household.districtId, streetId: household.streetId, communityId: household.communityId, gridId: household.gridId, householdId: household.id,
  }, ['input', 'householdId']);

  const [visit] = await tx.insert(householdVisits).values({
    districtId: household.districtId, streetId: household.streetId, communityId: household.communityId, gridId: household.gridId,
    householdId: household.id, staffMemberId: await staffMemberOf(tx, viewer), visitorSubject: viewer.subject!,
    kind: input.kind, visitedAt: input.visitedAt, notes: input.notes?.trim() || null,
  }).returning();
  const findings = input.findings ?? [];
  if (findings.length) {
    const rows = await tx.insert(visitFindings)
      .values(findings.map((f) => ({ visitId: visit.id, category: f.category, description: f.description.trim() })))
      .returning();
    for (const [i, f] of findings.entries()) {
      if (f.reportAsIncident) await reportFindingAsIncident(tx, viewer, visit, rows[i]);
    }
  }
  return asVisit(visit);
}

/** A finding logged earlier becomes an incident: once. */
export async function reportFinding(tx: Tx, viewer: Viewer, findingId: string) {
  const key = keyOf(findingId, 'VisitFinding', ['findingId']);
  const [finding] = await tx.select().from(visitFindings).where(eq(visitFindings.id, key)).for('update');
  const [visit] = finding
    ? await tx.select().from(householdVisits).where(and(eq(householdVisits.id, finding.visitId), visitScope(viewer)))
    : [];
  if (!finding || !visit) refuse(['findingId'], UserErrorCode.NOT_FOUND, 'No visit finding you may see has this ID.');
  await assertMayChange(tx, viewer, {
    districtId: visit.districtId, streetId: visit.streetId, communityId: visit.communityId, gridId: visit.gridId, householdId: visit.householdId,
  }, ['findingId']);
  if (finding.incidentId !== null) {
    refuse(['findingId'], UserErrorCode.INVALID_TRANSITION, 'This finding was already reported as an incident.');
  }
  return asFinding(await reportFindingAsIncident(tx, viewer, visit, finding));
}

export function listVisits(ctx: Context, args: In.VisitsArgs) {
  const f = args.filter;
  const household = f?.householdId ? argumentKey(f.householdId, 'Household', 'filter.householdId') : undefined;
  const staff = f?.staffMemberId ? argumentKey(f.staffMemberId, 'StaffMember', 'filter.staffMemberId') : undefined;
  if (f?.from && f?.to && !(f.from < f.to)) throw badUserInput('filter.from must be before filter.to.', 'filter');
  return paginate(ctx.db, {
    table: householdVisits,
    where: and(
      visitScope(ctx.viewer),
      withinCondition(f?.within, VISIT_UNITS),
      household !== undefined ? eq(householdVisits.householdId, household) : undefined,
      staff !== undefined ? eq(householdVisits.staffMemberId, staff) : undefined,
      f?.kinds?.length ? inArray(householdVisits.kind, f.kinds) : undefined,
      f?.from ? gte(householdVisits.visitedAt, f.from) : undefined,
      f?.to ? lt(householdVisits.visitedAt, f.to) : undefined,
    ),
    ordering: { column: householdVisits.visitedAt, key: 'visitedAt', direction: OrderDirection.DESC },
    args,
    map: asVisit,
  });
}

// Duty -------------------------------------------------------------------------------------

type DutyUnit = { type: 'District' | 'Street' | 'Community' | 'Grid'; key: number };

const DUTY_UNIT_TABLES = {
  District: { table: districts, id: districts.id, units: { District: districts.id } as UnitColumns },
  Street: { table: streets, id: streets.id, units: STREET_UNITS },
  Community: { table: communities, id: communities.id, units: COMMUNITY_UNITS },
  Grid: { table: grids, id: grids.id, units: GRID_UNITS },
};

/** The unit of a duty query; one outside the viewer's area is refused, not silently emptied. */
async function dutyUnit(db: Queryable, viewer: Viewer, id: string): Promise<DutyUnit> {
  const decoded = fromGlobalId(id, ['District', 'Street', 'Community', 'Grid']);
  if (!decoded) throw badUserInput('unit must be the ID of a district, street, community or grid.', 'unit');
  const unit = { type: decoded.type, key: decoded.key } as DutyUnit;
  const { table, id: idColumn, units } = DUTY_UNIT_TABLES[unit.type];
  const [row] = await db.select({ visible: sql<boolean>`${scopeCondition(viewer, units) ?? sql`true`}` }).from(table).where(eq(idColumn, unit.key));
  if (!row) throw badUserInput(`No ${unit.type.toLowerCase()} has this ID.`, 'unit');
  if (!row.visible) throw forbidden('This unit lies outside the part of the city you may see.');
  return unit;
}

function monthOf(month: string): string {
  if (!parseMonth(month)) throw badUserInput('month must be a month as YYYY-MM, e.g. 2026-03.', 'month');
  return month;
}

export async function visitDuties(ctx: Context, unitId: string, month: string) {
  const checked = monthOf(month);
  const unit = await dutyUnit(ctx.db, ctx.viewer, unitId);
  const rules = await readRules(ctx.db, VISIT_DUTY_RULES);
  const where = unit.type === 'District' ? { districtId: unit.key }
    : unit.type === 'Street' ? { streetId: unit.key }
      : unit.type === 'Community' ? { communityId: unit.key }
        : { gridIds: [unit.key] };
  const workers = await workerDutiesUnder(ctx.db, rules, where, checked);
  return { month: checked, unit, rules, workers };
}

/** The households under the unit (and the viewer's scope), with their duty, one page. */
export async function householdDutyPage(ctx: Context, unit: DutyUnit, rules: VisitDutyRules, month: string, args: ForwardPageArgs & { overdue?: boolean | null }) {
  const overdue = overdueHouseholdCondition(rules, month);
  const page = await paginate(ctx.db, {
    table: households,
    where: and(
      scopeCondition(ctx.viewer, HOUSEHOLD_UNITS),
      unitCondition(unit, HOUSEHOLD_UNITS) ?? undefined,
      args.overdue === true ? overdue : args.overdue === false ? sql`not ${overdue}` : undefined,
    ),
    ordering: { column: households.id, key: 'id', direction: OrderDirection.ASC },
    args,
    map: (row: typeof households.$inferSelect) => ({ householdId: row.id }),
  });
  const duties = await householdDuties(ctx.db, rules, page.nodes.map((n) => n.householdId), month);
  const byId = new Map(duties.map((d) => [d.householdId, d]));
  for (const node of page.nodes) Object.assign(node, byId.get(node.householdId));
  return page;
}

export async function dutyRules(db: Queryable) {
  return readRules(db, VISIT_DUTY_RULES);
}

export async function setDutyRules(tx: Tx, viewer: Viewer, input: In.VisitDutyRulesInput) {
  const value: VisitDutyRules = {
    minimumHouseholdsPerMonth: input.minimumHouseholdsPerMonth,
    specialTags: [...new Set(input.specialTags)],
    specialVisitMonths: input.specialVisitMonths,
    dataRefreshMonths: input.dataRefreshMonths,
    workerRoles: [...new Set(input.workerRoles)],
    loggingWindowDays: input.loggingWindowDays,
  };
  const problems = checkVisitDutyRules(value);
  if (problems.length) throw new UserErrors(problems.map((p) => userError(['input', p.field], UserErrorCode.INVALID, p.message)));
  await writeRules(tx, VISIT_DUTY_RULES, value, viewer.subject!);
  return { ...(await readRules(tx, VISIT_DUTY_RULES)), id: VISIT_DUTY_RULES.name };
}
