import { eq, or, sql, type SQL } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { scopeCondition, type UnitColumns } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import type { Queryable } from '../../db/client';
import type { EventScope } from '../../events/outbox.tables';
import { unitMatcher, type ScopeMatcher } from '../../events/scope';
import { incidents } from './incident.tables';

export const INCIDENT_UNITS: UnitColumns = {
  District: incidents.districtId,
  Street: incidents.streetId,
  Community: incidents.communityId,
  Grid: incidents.gridId,
  Household: incidents.householdId,
};

export function departmentOf(viewer: Viewer): number | null {
  return viewer.role === Role.DEPARTMENT_HANDLER && viewer.unit?.type === 'Department' ? viewer.unit.key : null;
}

/**
 * The incidents a viewer may read: a department handler those dispatched to its department
 * (as lead or cooperating), a resident those they reported, everyone else their unit's.
 */
export function incidentScope(viewer: Viewer): SQL | undefined {
  if (viewer.role === Role.RESIDENT) return eq(incidents.reporterSubject, viewer.subject ?? '');
  const department = departmentOf(viewer);
  if (department !== null) {
    return or(eq(incidents.departmentId, department), sql`${department} = any(${incidents.cooperatingDepartmentIds})`);
  }
  return scopeCondition(viewer, INCIDENT_UNITS);
}

/** The same rule for events, evaluated in memory on each event's scope. */
export async function incidentEventScope(db: Queryable, viewer: Viewer): Promise<ScopeMatcher> {
  if (viewer.role === null) return () => false;
  if (viewer.role === Role.RESIDENT) return (s: EventScope) => s.reporterSubject === viewer.subject;
  if (viewer.unit === null) return () => true;
  return unitMatcher(db, viewer.unit);
}

