import { eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { grids, households } from '../modules/grid/grid.tables';
import { badUserInput } from '../graphql/errors';
import { fromGlobalId } from '../graphql/ids';
import type { Unit, Viewer } from './viewer';

export type UnitLevel = Unit['type'] | 'Building';

/**
 * How a table relates to each level of the hierarchy: the column holding that level's key
 * (or the table's own id), or a function for a relation that needs a subquery.
 */
export type UnitColumns = Partial<Record<UnitLevel, PgColumn | ((key: number) => SQL)>>;

/** Every grid in the subtree of grid `key` (a number or an SQL expression), itself included. */
export function gridSubtree(key: number | SQL): SQL {
  return sql`(select g.id from ${grids} g join ${grids} t on g.code = t.code or g.code like t.code || '-%' where t.id = ${key})`;
}

/** Rows of a table that lie under `unit`; null when the table has no relation to that level. */
export function unitCondition(unit: { type: UnitLevel; key: number }, columns: UnitColumns): SQL | null {
  const target = columns[unit.type];
  if (!target) return null;
  if (typeof target === 'function') return target(unit.key);
  if (unit.type === 'Grid') return sql`${target} in ${gridSubtree(unit.key)}`;
  return eq(target, unit.key);
}

/**
 * The rows of a non-public table this viewer may read. Anonymous viewers get none; a
 * city-wide administrator gets all (undefined: no condition).
 */
export function scopeCondition(viewer: Viewer, columns: UnitColumns): SQL | undefined {
  if (viewer.role === null) return sql`false`;
  if (viewer.unit === null) return undefined;
  return unitCondition(viewer.unit, columns) ?? sql`false`;
}

/** The household of a resident-level viewer, as a condition on a building column. */
export function buildingOfHousehold(column: PgColumn) {
  return (key: number) => sql`${column} = (select ${households.buildingId} from ${households} where ${households.id} = ${key})`;
}

/** A `within: ID` filter (API.md: hierarchy filters take a subtree); a foreign ID is a malformed argument. */
export function withinCondition(within: string | undefined | null, columns: UnitColumns): SQL | undefined {
  if (within === undefined || within === null) return undefined;
  const levels = Object.keys(columns) as UnitLevel[];
  const unit = fromGlobalId(within, levels);
  if (!unit) throw badUserInput(`filter.within must be the ID of a ${levels.join(', ')}.`, 'filter');
  return unitCondition({ type: unit.type as UnitLevel, key: unit.key }, columns) ?? undefined;
}
