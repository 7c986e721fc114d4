import { sql } from 'drizzle-orm';
import type { Context } from '../../context';
import { OrderDirection } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { freeTextSource, revealPersonalData } from '../audit/personal-data';
import { INCIDENT_UNITS, incidentScope } from './incident.scope';
import { departments, incidents, incidentTransitions } from './incident.tables';

export type IncidentRow = typeof incidents.$inferSelect;
export type TransitionRow = typeof incidentTransitions.$inferSelect;
export type DepartmentRow = typeof departments.$inferSelect;

const incidentNode = nodeMapper<IncidentRow>('Incident');
export const asIncident = (row: IncidentRow) => ({
  ...incidentNode(row),
  location: row.longitude === null || row.latitude === null ? null : { type: 'Point', coordinates: [row.longitude, row.latitude] },
});
export type IncidentNode = ReturnType<typeof asIncident>;
export const asTransition = nodeMapper<TransitionRow>('IncidentTransition');
export type TransitionNode = ReturnType<typeof asTransition>;
export const asDepartment = nodeMapper<DepartmentRow>('Department');

const INCIDENT_DATES = ['deadline', 'reportedAt', 'handledAt', 'closedAt', 'createdAt', 'updatedAt'] as const;

/** An incident as an event recorded it (JSON in the outbox), with its dates as dates again. */
export function incidentFromSnapshot(snapshot: Record<string, unknown>): IncidentNode {
  const row = { ...snapshot } as Record<string, unknown>;
  for (const key of INCIDENT_DATES) if (typeof row[key] === 'string') row[key] = new Date(row[key] as string);
  return asIncident(row as unknown as IncidentRow);
}

export function transitionFromSnapshot(snapshot: Record<string, unknown>): TransitionNode {
  return asTransition({ ...(snapshot as unknown as TransitionRow), at: new Date(snapshot.at as string) });
}

export const incidentById = (ctx: Context) => byIdLoader(ctx, 'Incident', incidents, asIncident, incidentScope(ctx.viewer));
export const departmentById = (ctx: Context) => byIdLoader(ctx, 'Department', departments, asDepartment);
export const transitionById = (ctx: Context) =>
  byIdLoader(ctx, 'IncidentTransition', incidentTransitions, asTransition,
    sql`${incidentTransitions.incidentId} in (select ${incidents.id} from ${incidents} where ${incidentScope(ctx.viewer) ?? sql`true`})`);

export const timelineOfIncident: ChildList<TransitionRow, TransitionNode> = {
  name: 'Incident.timeline',
  table: incidentTransitions,
  parentColumn: incidentTransitions.incidentId,
  parentKey: 'incidentId',
  ordering: { column: incidentTransitions.id, key: 'id', direction: OrderDirection.ASC },
  map: asTransition,
};

/** Whole title and description of incidents of the viewer's area (the access log is written by revealPersonalData). */
const INCIDENT_TEXT = freeTextSource('Incident', incidents, { title: incidents.title, description: incidents.description }, INCIDENT_UNITS);

export function incidentTextOf(ctx: Context, incidentKey: number, reason: string) {
  return revealPersonalData(ctx, INCIDENT_TEXT, incidentKey, reason);
}
