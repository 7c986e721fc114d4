import { sql, type SQL } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { scopeCondition, type UnitColumns } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import { householdVisits } from './visit.tables';

export const VISIT_UNITS: UnitColumns = {
  District: householdVisits.districtId,
  Street: householdVisits.streetId,
  Community: householdVisits.communityId,
  Grid: householdVisits.gridId,
  Household: householdVisits.householdId,
};

/** Who logs visits: the grid worker on the doorstep, and the community secretary. */
export const VISIT_LOGGERS = [Role.GRID_WORKER, Role.COMMUNITY_SECRETARY] as const;
/** Staff read the visits of their area, a resident those to their own household. */
export const VISIT_READERS = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER, Role.RESIDENT] as const;
/** Duty is a matter between the worker and those who appraise them. */
export const DUTY_READERS = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER] as const;

/** The visits a viewer may read; a resident's unit is their household, so the hierarchy rule covers them. */
export function visitScope(viewer: Viewer): SQL | undefined {
  return scopeCondition(viewer, VISIT_UNITS);
}

/** The same rule for findings, through their visit. */
export function findingScope(viewer: Viewer, visitColumn: SQL): SQL | undefined {
  const scope = visitScope(viewer);
  return scope === undefined ? undefined : sql`${visitColumn} in (select ${householdVisits.id} from ${householdVisits} where ${scope})`;
}
