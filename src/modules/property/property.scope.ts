import { eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { Role } from '../../auth/roles';
import { scopeCondition, type UnitColumns } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import type { Queryable } from '../../db/client';
import type { EventScope } from '../../events/outbox.tables';
import { unitMatcher, type ScopeMatcher } from '../../events/scope';
import { households } from '../grid/grid.tables';
import { compounds, propertyContracts } from './property.tables';

export const COMPOUND_UNITS: UnitColumns = {
  District: compounds.districtId,
  Street: compounds.streetId,
  Community: compounds.communityId,
  Grid: compounds.gridId,
  Household: (key) => sql`${compounds.id} = (select ${households.compoundId} from ${households} where ${households.id} = ${key})`,
};

/**
 * The compounds whose governance a viewer may read: a committee its own, a company those of
 * its contracts, a resident their household's, staff those under their unit.
 */
export function compoundScope(viewer: Viewer): SQL | undefined {
  const unit = viewer.unit;
  if (viewer.role === Role.OWNERS_COMMITTEE && unit?.type === 'Compound') return eq(compounds.id, unit.key);
  if (viewer.role === Role.PROPERTY_COMPANY && unit?.type === 'PropertyCompany') {
    return sql`${compounds.id} in (select ${propertyContracts.compoundId} from ${propertyContracts} where ${propertyContracts.companyId} = ${unit.key})`;
  }
  return scopeCondition(viewer, COMPOUND_UNITS);
}

/** The same, for a table that carries a compound id. */
export function compoundKeyScope(viewer: Viewer, compoundId: PgColumn): SQL {
  const scope = compoundScope(viewer);
  return scope === undefined ? sql`true` : sql`${compoundId} in (select ${compounds.id} from ${compounds} where ${scope})`;
}

/** Whether the viewer may read a compound's governance, decided in memory for events. */
export async function compoundEventScope(db: Queryable, viewer: Viewer): Promise<ScopeMatcher> {
  const unit = viewer.unit;
  if (viewer.role === null) return () => false;
  if (unit === null) return () => true;
  if (unit.type === 'Household') {
    const [household] = await db.select({ compoundId: households.compoundId }).from(households).where(eq(households.id, unit.key));
    const compoundId = household?.compoundId ?? null;
    return (s: EventScope) => compoundId !== null && s.compoundId === compoundId;
  }
  return unitMatcher(db, unit);
}
