import { desc, inArray } from 'drizzle-orm';
import { ROOT_FIELDS, type Rule } from '../../auth/access';
import { Role } from '../../auth/roles';
import type { Context } from '../../context';
import type { Queryable } from '../../db/client';
import { runMutation } from '../../graphql/payload';
import { audited } from '../audit/audit.service';
import { fromGlobalId } from '../../graphql/ids';
import { grids, streets } from '../grid/grid.tables';
import { IncidentReportInput } from '../incident/incident.inputs';
import { incidentById, type IncidentNode } from '../incident/incident.loaders';
import { ACTORS } from '../incident/incident.machine';
import { listIncidents, listResponsibilities, reportIncident } from '../incident/incident.service';
import { departments, incidentStatus, incidentTransitions } from '../incident/incident.tables';
import {
  CLOSED_STATUSES, errorsOfUserErrors, serviceNotice, serviceOf, serviceRequestOf, SERVICE_CODES,
  type FiledRequest, type LatestStep, type Open311Error, type Open311Request, type Open311Service, type RequestQuery,
} from './open311.mapping';

/** Who reads requests: whoever may read incidents (an integrator's key needs the INCIDENTS topic as well). */
export const OPEN311_READERS: Rule = ROOT_FIELDS['Query.incidents'];

/**
 * Who files requests: whoever may report an incident, and an integrator's key with the
 * INCIDENTS topic, for points inside its unit only — a civic app filing on behalf of its
 * users is a reporter of its own, recorded as the key (`apikey:<id>`, role INTEGRATOR).
 */
export const OPEN311_FILERS: Rule = [...ACTORS.REPORT, Role.INTEGRATOR];

/** At most this many requests per answer, newest first; narrow by date for more. */
export const MAX_REQUESTS = 100;

async function timeLimits(db: Queryable): Promise<Map<string, number>> {
  return new Map((await listResponsibilities(db)).map((r) => [r.category, r.timeLimitHours]));
}

export async function listServices(db: Queryable): Promise<Open311Service[]> {
  const hours = await timeLimits(db);
  return SERVICE_CODES.map((category) => serviceOf(category, hours.get(category) ?? 0));
}

export type FilingOutcome =
  | { receipt: { service_request_id: string; service_notice: string; account_id: string | null }[] }
  | { status: number; errors: Open311Error[] };

/**
 * Files a request as `incidentReport` does, through the same service, input rules and
 * idempotency: a POST repeated with the same Idempotency-Key answers the first request.
 */
export async function fileRequest(ctx: Context, request: FiledRequest, idempotencyKey: string | undefined): Promise<FilingOutcome> {
  const input = Object.assign(new IncidentReportInput(), {
    category: request.category,
    title: request.title,
    description: request.description,
    photoUrls: request.photoUrls,
    longitude: request.longitude,
    latitude: request.latitude,
  });
  const payload = await audited(ctx, 'Open311.requestCreate', { input, idempotencyKey }, () => runMutation(ctx, 'incident', input, (tx) => reportIncident(tx, ctx.viewer, input), {
    key: idempotencyKey,
    operation: 'open311RequestCreate',
    reload: (id) => {
      const decoded = fromGlobalId(id, 'Incident');
      return decoded ? incidentById(ctx).load(decoded.key) : Promise.resolve(null);
    },
  }));
  if (payload.userErrors.length > 0) return errorsOfUserErrors(payload.userErrors);
  const incident = payload.incident as IncidentNode;
  const hours = (await timeLimits(ctx.db)).get(incident.category) ?? 0;
  return { receipt: [{ service_request_id: String(incident.key), service_notice: serviceNotice(hours), account_id: request.accountId }] };
}

const OPEN = incidentStatus.enumValues.filter((s) => !CLOSED_STATUSES.includes(s));

/** The requests a query names, among the incidents the viewer may read (others are left out, as if they did not exist). */
export async function findRequests(ctx: Context, query: RequestQuery): Promise<Open311Request[]> {
  let found: IncidentNode[];
  if ('ids' in query) {
    found = (await incidentById(ctx).loadMany(query.ids)).filter((i): i is IncidentNode => i !== null && !(i instanceof Error));
  } else {
    const statuses = query.statuses?.flatMap((s) => (s === 'closed' ? CLOSED_STATUSES : OPEN));
    const page = await listIncidents(ctx, {
      first: MAX_REQUESTS,
      filter: {
        categories: query.categories ?? undefined,
        statuses,
        reportedFrom: query.from,
        reportedTo: query.to ?? undefined,
      },
    });
    found = page.nodes;
  }
  return describe(ctx.db, found);
}

/** Adds what a request shows beside the incident row: the latest step, the agency, the grid. */
async function describe(db: Queryable, found: IncidentNode[]): Promise<Open311Request[]> {
  if (found.length === 0) return [];
  const keys = found.map((i) => i.key);
  const departmentKeys = [...new Set(found.flatMap((i) => (i.departmentId === null ? [] : [i.departmentId])))];
  const [steps, departmentRows, streetRows, gridRows] = await Promise.all([
    db.selectDistinctOn([incidentTransitions.incidentId], {
      incidentId: incidentTransitions.incidentId, action: incidentTransitions.action, note: incidentTransitions.note,
    }).from(incidentTransitions).where(inArray(incidentTransitions.incidentId, keys))
      .orderBy(incidentTransitions.incidentId, desc(incidentTransitions.id)),
    departmentKeys.length === 0 ? [] : db.select({ id: departments.id, name: departments.name }).from(departments).where(inArray(departments.id, departmentKeys)),
    db.select({ id: streets.id, name: streets.name }).from(streets).where(inArray(streets.id, [...new Set(found.map((i) => i.streetId))])),
    db.select({ id: grids.id, code: grids.code, name: grids.name }).from(grids).where(inArray(grids.id, [...new Set(found.map((i) => i.gridId))])),
  ]);
  const stepOf = new Map<number, LatestStep>(steps.map((s) => [s.incidentId, { action: s.action, note: s.note }]));
  const departmentName = new Map(departmentRows.map((d) => [d.id, d.name]));
  const streetName = new Map(streetRows.map((s) => [s.id, s.name]));
  const grid = new Map(gridRows.map((g) => [g.id, g]));
  return found.map((incident) => serviceRequestOf({
    incident: { ...incident, id: incident.key },
    latestStep: stepOf.get(incident.key) ?? null,
    departmentName: incident.departmentId === null ? null : departmentName.get(incident.departmentId) ?? null,
    streetName: streetName.get(incident.streetId) ?? '',
    grid: grid.get(incident.gridId) ?? { code: '', name: '' },
  }));
}
