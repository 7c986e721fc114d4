import { and, asc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { withinCondition } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import { rowsOf, type Queryable, type Tx } from '../../db/client';
import { appendEvent } from '../../events/outbox';
import type { EventScope } from '../../events/outbox.tables';
import { OrderDirection, paginate, type PageArgs } from '../../graphql/connection';
import { argumentKey, assertVersion, keyOf, refuse, userError, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import { assertMayChange, gridAt } from '../grid/grid.service';
import { grids, households } from '../grid/grid.tables';
import type * as In from './incident.inputs';
import { asDepartment, asIncident, asTransition, type IncidentRow } from './incident.loaders';
import { mayAct, nextJointMeeting, nextStatus, OPEN_STATUSES, type IncidentStatus, type TransitionAction } from './incident.machine';
import { departmentOf, INCIDENT_UNITS, incidentScope } from './incident.scope';
import { categorySettings, departments, incidents, incidentTransitions, responsibilities } from './incident.tables';

export const INCIDENT_TOPIC = 'incident';

type Category = IncidentRow['category'];

const HOUR_MS = 3600 * 1000;
const MAX_PHOTOS = 9;

function checkPhotoUrls(urls: readonly string[], field: string[]): UserError[] {
  if (urls.length > MAX_PHOTOS) return [userError(field, UserErrorCode.INVALID, `At most ${MAX_PHOTOS} photos.`)];
  return urls.flatMap((url, i) => {
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return [];
    } catch {
      // reported below
    }
    return [userError([...field, String(i)], UserErrorCode.INVALID, 'A photo is an http(s) URL.')];
  });
}

/** What a subscriber's filter and scope are matched against. */
function eventScope(row: IncidentRow, gridCode: string): EventScope {
  return {
    districtId: row.districtId,
    streetId: row.streetId,
    communityId: row.communityId,
    gridId: row.gridId,
    gridCode,
    householdId: row.householdId,
    departmentIds: row.departmentId === null ? row.cooperatingDepartmentIds : [row.departmentId, ...row.cooperatingDepartmentIds],
    reporterSubject: row.reporterSubject,
  };
}

/** Appends the timeline entry and, as the transaction's last write, the event. */
async function record(tx: Tx, viewer: Viewer, row: IncidentRow, action: In.IncidentActionName, from: IncidentStatus | null, note: string | null) {
  const [transition] = await tx.insert(incidentTransitions).values({
    incidentId: row.id, action, fromStatus: from, toStatus: row.status,
    actorSubject: viewer.subject!, actorRole: viewer.role!, note, departmentId: row.departmentId,
  }).returning();
  const [grid] = await tx.select({ code: grids.code }).from(grids).where(eq(grids.id, row.gridId));
  await appendEvent(tx, {
    topic: INCIDENT_TOPIC,
    scope: eventScope(row, grid.code),
    payload: { transition, incident: row },
  });
  return transition;
}

// Report ------------------------------------------------------------------------------------

export async function reportIncident(tx: Tx, viewer: Viewer, input: In.IncidentReportInput) {
  const errors = checkPhotoUrls(input.photoUrls ?? [], ['input', 'photoUrls']);
  const hasPoint = input.longitude !== undefined && input.longitude !== null && input.latitude !== undefined && input.latitude !== null;
  if (!hasPoint && !input.gridId) {
    errors.push(userError(['input', 'longitude'], UserErrorCode.REQUIRED, 'Give the location (longitude and latitude) or the grid.'));
  }
  if (errors.length) throw new UserErrors(errors);

  let gridKey: number;
  if (input.gridId) {
    gridKey = keyOf(input.gridId, 'Grid', ['input', 'gridId']);
  } else {
    const found = await gridAt(tx, input.longitude!, input.latitude!);
    if (!found) refuse(['input', 'longitude'], UserErrorCode.INVALID, 'This location lies outside every grid of the city.');
    gridKey = found.key;
  }
  const [grid] = await tx.select().from(grids).where(eq(grids.id, gridKey));
  if (!grid) refuse(['input', 'gridId'], UserErrorCode.NOT_FOUND, 'No grid has this ID.');

  let householdId: number | null = null;
  if (viewer.role === Role.RESIDENT) {
    // A resident reports anywhere in the city; their household is kept for the return visit.
    householdId = viewer.unit?.type === 'Household' ? viewer.unit.key : null;
  } else {
    await assertMayChange(tx, viewer, { districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id }, input.gridId ? ['input', 'gridId'] : ['input', 'longitude']);
    if (input.householdId) {
      const key = keyOf(input.householdId, 'Household', ['input', 'householdId']);
      const [household] = await tx.select({ id: households.id }).from(households).where(eq(households.id, key));
      if (!household) refuse(['input', 'householdId'], UserErrorCode.NOT_FOUND, 'No household has this ID.');
      householdId = household.id;
    }
  }

  const [setting] = await tx.select().from(categorySettings).where(eq(categorySettings.category, input.category));
  const now = new Date();
  const [row] = await tx.insert(incidents).values({
    districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id, householdId,
    category: input.category, title: input.title.trim(), description: input.description.trim(), photoUrls: input.photoUrls ?? [],
    longitude: hasPoint ? input.longitude! : null, latitude: hasPoint ? input.latitude! : null,
    reporterSubject: viewer.subject!, reporterRole: viewer.role!, priority: input.priority ?? 'NORMAL',
    deadline: new Date(now.getTime() + setting.timeLimitHours * HOUR_MS), reportedAt: now,
  }).returning();
  await record(tx, viewer, row, 'REPORT', null, null);
  return asIncident(row);
}

// Transitions -------------------------------------------------------------------------------

export interface TransitionRequest {
  id: string;
  expectedVersion?: number | null;
  note?: string | null;
  triage?: IncidentRow['triage'];
  priority?: IncidentRow['priority'] | null;
  departmentId?: string | null;
  cooperatingDepartmentIds?: string[] | null;
  satisfaction?: number | null;
  photoUrls?: string[] | null;
}

const NOTE_REQUIRED: Partial<Record<TransitionAction, string>> = {
  EXPLAIN: 'Say why the matter is unfounded or outside policy: the reporter reads this answer (回应解释).',
  ESCALATE: 'Say why the matter goes to the joint meeting.',
  FEEDBACK: 'Say what was done (处理反馈).',
  REOPEN: 'Say why the reporter is not satisfied.',
};

async function departmentKey(tx: Tx, id: string, field: string[]): Promise<number> {
  const key = keyOf(id, 'Department', field);
  const [department] = await tx.select({ id: departments.id }).from(departments).where(eq(departments.id, key));
  if (!department) refuse(field, UserErrorCode.NOT_FOUND, 'No department has this ID.');
  return department.id;
}

/** Dispatch follows the responsibility list (责任清单) unless the dispatcher names departments. */
async function dispatchTargets(tx: Tx, category: Category, request: TransitionRequest) {
  const list = await tx.select().from(responsibilities).where(eq(responsibilities.category, category));
  const lead = request.departmentId
    ? await departmentKey(tx, request.departmentId, ['departmentId'])
    : list.find((r) => r.kind === 'LEAD')?.departmentId;
  if (lead === undefined) {
    refuse(['departmentId'], UserErrorCode.REQUIRED, 'This category has no lead department in the responsibility list; name the department.');
  }
  const cooperating = request.cooperatingDepartmentIds
    ? await Promise.all(request.cooperatingDepartmentIds.map((id, i) => departmentKey(tx, id, ['cooperatingDepartmentIds', String(i)])))
    : list.filter((r) => r.kind === 'COOPERATING').map((r) => r.departmentId);
  return { lead, cooperating: [...new Set(cooperating)].filter((d) => d !== lead) };
}

/**
 * One step of the closed loop. Refusals leave the incident exactly as it was: the row is
 * locked, the version compared, the state machine asked, and only then is anything written.
 */
export async function transitionIncident(tx: Tx, viewer: Viewer, action: TransitionAction, request: TransitionRequest) {
  const key = keyOf(request.id, 'Incident', ['id']);
  const note = request.note?.trim() || null;
  const errors: UserError[] = [];
  if (NOTE_REQUIRED[action] && !note) errors.push(userError(['note'], UserErrorCode.REQUIRED, NOTE_REQUIRED[action]!));
  if (note && note.length > 2000) errors.push(userError(['note'], UserErrorCode.INVALID, 'A note has at most 2,000 characters.'));
  if (action === 'CLOSE' && (!Number.isInteger(request.satisfaction) || request.satisfaction! < 1 || request.satisfaction! > 5)) {
    errors.push(userError(['satisfaction'], UserErrorCode.INVALID, 'Satisfaction of the return visit (回访满意度) is a whole number from 1 to 5.'));
  }
  if (request.photoUrls) errors.push(...checkPhotoUrls(request.photoUrls, ['photoUrls']));
  if (errors.length) throw new UserErrors(errors);

  const [incident] = await tx.select().from(incidents).where(and(eq(incidents.id, key), incidentScope(viewer))).for('update');
  if (!incident) refuse(['id'], UserErrorCode.NOT_FOUND, 'No incident you may see has this ID.');
  assertVersion(request.expectedVersion, incident.version, 'incident');
  const to = nextStatus(incident.status, action);
  if (to === null) {
    refuse(['id'], UserErrorCode.INVALID_TRANSITION, `An incident that is ${incident.status} cannot be ${action.toLowerCase()}ed.`);
  }
  if (!mayAct(action, incident, { role: viewer.role, subject: viewer.subject, departmentId: departmentOf(viewer) })) {
    const why = viewer.role === Role.DEPARTMENT_HANDLER
      ? 'Only the lead department of this incident may do this.'
      : 'Only the reporter of this incident may do this.';
    refuse(['id'], UserErrorCode.OUT_OF_SCOPE, why);
  }

  const now = new Date();
  const changes: Partial<typeof incidents.$inferInsert> = { status: to, version: incident.version + 1, updatedAt: now };
  switch (action) {
    case 'ACCEPT':
      changes.triage = request.triage!;
      if (request.priority) changes.priority = request.priority;
      break;
    case 'DISPATCH': {
      const { lead, cooperating } = await dispatchTargets(tx, incident.category, request);
      changes.departmentId = lead;
      changes.cooperatingDepartmentIds = cooperating;
      changes.jointMeetingOn = null;
      break;
    }
    case 'ESCALATE':
      changes.jointMeetingOn = nextJointMeeting(now);
      break;
    case 'FEEDBACK':
      changes.handledAt = now;
      if (request.photoUrls?.length) changes.photoUrls = [...incident.photoUrls, ...request.photoUrls];
      break;
    case 'REOPEN':
      changes.handledAt = null;
      break;
    case 'CLOSE':
      changes.closedAt = now;
      changes.satisfaction = request.satisfaction!;
      break;
    default:
      break;
  }
  const [row] = await tx.update(incidents).set(changes).where(and(eq(incidents.id, key), eq(incidents.version, incident.version))).returning();
  if (!row) refuse(['expectedVersion'], UserErrorCode.STALE_VERSION, 'The incident changed meanwhile. Reload it and decide again.');
  const transition = await record(tx, viewer, row, action, incident.status, note);
  return { incident: asIncident(row), transition: asTransition(transition) };
}

// Reads -------------------------------------------------------------------------------------

function overdueCondition(now: SQL = sql`now()`): SQL {
  return and(inArray(incidents.status, [...OPEN_STATUSES]), lt(incidents.deadline, now))!;
}

export function listIncidents(ctx: Context, args: In.IncidentsArgs) {
  const f = args.filter;
  const departmentFilter = f?.departmentId ? argumentKey(f.departmentId, 'Department', 'filter.departmentId') : undefined;
  return paginate(ctx.db, {
    table: incidents,
    where: and(
      incidentScope(ctx.viewer),
      withinCondition(f?.within, INCIDENT_UNITS),
      f?.statuses?.length ? inArray(incidents.status, f.statuses) : undefined,
      f?.categories?.length ? inArray(incidents.category, f.categories) : undefined,
      departmentFilter !== undefined ? eq(incidents.departmentId, departmentFilter) : undefined,
      f?.overdue === true ? overdueCondition() : f?.overdue === false ? sql`not (${overdueCondition()})` : undefined,
      f?.reportedFrom ? gte(incidents.reportedAt, f.reportedFrom) : undefined,
      f?.reportedTo ? lte(incidents.reportedAt, f.reportedTo) : undefined,
    ),
    ordering: args.orderBy?.field === 'DEADLINE'
      ? { column: incidents.deadline, key: 'deadline', direction: args.orderBy.direction }
      : { column: incidents.id, key: 'id', direction: args.orderBy?.direction ?? OrderDirection.DESC },
    args,
    map: asIncident,
  });
}


export function listDepartments(db: Queryable, args: PageArgs) {
  return paginate(db, {
    table: departments, where: undefined, args, map: asDepartment,
    ordering: { column: departments.code, key: 'code', direction: OrderDirection.ASC },
  });
}

export async function listResponsibilities(db: Queryable) {
  const settings = await db.select().from(categorySettings).orderBy(asc(categorySettings.category));
  const list = await db.select().from(responsibilities);
  return settings.map((s) => ({
    category: s.category,
    timeLimitHours: s.timeLimitHours,
    leadDepartmentId: list.find((r) => r.category === s.category && r.kind === 'LEAD')?.departmentId ?? null,
    cooperatingDepartmentIds: list.filter((r) => r.category === s.category && r.kind === 'COOPERATING').map((r) => r.departmentId),
  }));
}

export async function setResponsibility(tx: Tx, input: In.ResponsibilitySetInput) {
  const lead = input.leadDepartmentId ? await departmentKey(tx, input.leadDepartmentId, ['input', 'leadDepartmentId']) : null;
  const cooperating = await Promise.all((input.cooperatingDepartmentIds ?? []).map((id, i) => departmentKey(tx, id, ['input', 'cooperatingDepartmentIds', String(i)])));
  if (input.timeLimitHours !== undefined && input.timeLimitHours !== null) {
    await tx.update(categorySettings).set({ timeLimitHours: input.timeLimitHours }).where(eq(categorySettings.category, input.category));
  }
  await tx.delete(responsibilities).where(eq(responsibilities.category, input.category));
  const rows = [
    ...(lead === null ? [] : [{ category: input.category, departmentId: lead, kind: 'LEAD' as const }]),
    ...[...new Set(cooperating)].filter((d) => d !== lead).map((departmentId) => ({ category: input.category, departmentId, kind: 'COOPERATING' as const })),
  ];
  if (rows.length) await tx.insert(responsibilities).values(rows);
  const [result] = (await listResponsibilities(tx)).filter((r) => r.category === input.category);
  return { ...result, id: input.category };
}

export async function createDepartment(tx: Tx, input: In.DepartmentCreateInput) {
  const [taken] = await tx.select({ id: departments.id }).from(departments).where(eq(departments.code, input.code));
  if (taken) refuse(['input', 'code'], UserErrorCode.DUPLICATE, `The department code ${input.code} is already taken.`);
  const [row] = await tx.insert(departments).values({ code: input.code, name: input.name.trim(), phone: input.phone ?? null }).returning();
  return asDepartment(row);
}

export interface IncidentStatsRow {
  total: number;
  overdue: number;
  /** 办结率: closed or explained, over all reported; null without incidents. */
  closureRate: number | null;
  /** Closed by the deadline, over all closed; null when none closed. */
  onTimeRate: number | null;
  meanHoursToClose: number | null;
  byStatus: { status: IncidentStatus; count: number }[];
  byCategory: { category: Category; count: number }[];
}

/** Counts, closure rate (办结率), on-time rate and mean time to close for a unit and a period, in one statement. */
export async function incidentStats(ctx: Context, within: string | null | undefined, from: Date, to: Date): Promise<IncidentStatsRow> {
  const where = and(incidentScope(ctx.viewer), withinCondition(within, INCIDENT_UNITS), gte(incidents.reportedAt, from), lt(incidents.reportedAt, to));
  const [row] = await rowsOf<{
    total: number; closed: number; explained: number; closed_on_time: number; overdue: number; mean_hours: number | null;
    by_status: Record<string, number> | null; by_category: Record<string, number> | null;
  }>(ctx.db, sql`
    with picked as (select * from ${incidents} where ${where})
    select
      count(*)::int as total,
      count(*) filter (where status = 'CLOSED')::int as closed,
      count(*) filter (where status = 'EXPLAINED')::int as explained,
      count(*) filter (where status = 'CLOSED' and closed_at <= deadline)::int as closed_on_time,
      count(*) filter (where status in ('REPORTED','ACCEPTED','DISPATCHED','IN_PROGRESS','ESCALATED') and deadline < now())::int as overdue,
      (avg(extract(epoch from closed_at - reported_at)) filter (where status = 'CLOSED') / 3600)::float8 as mean_hours,
      (select json_object_agg(status, n) from (select status, count(*)::int n from picked group by status) s) as by_status,
      (select json_object_agg(category, n) from (select category, count(*)::int n from picked group by category) c) as by_category
    from picked`);
  const byStatus = row.by_status ?? {};
  const byCategory = row.by_category ?? {};
  return {
    total: row.total,
    overdue: row.overdue,
    closureRate: row.total === 0 ? null : (row.closed + row.explained) / row.total,
    onTimeRate: row.closed === 0 ? null : row.closed_on_time / row.closed,
    meanHoursToClose: row.mean_hours === null ? null : Number(row.mean_hours),
    byStatus: Object.entries(byStatus).map(([status, count]) => ({ status: status as IncidentStatus, count })),
    byCategory: Object.entries(byCategory).map(([category, count]) => ({ category: category as Category, count })),
  };
}
