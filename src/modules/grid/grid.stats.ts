import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { gridSubtree, scopeCondition, type UnitColumns } from '../../auth/scope';
import type { Context } from '../../context';
import { rowsOf } from '../../db/client';
import { forbidden } from '../../graphql/errors';
import { communities, grids, households, residents, residentTag, staffAssignments, streets } from './grid.tables';
import { COMMUNITY_UNITS, GRID_UNITS, STREET_UNITS } from './grid.scope';
import type { ResidentTag } from './grid.types';

export type StatsLevel = 'Street' | 'Community' | 'Grid';

interface LevelSpec {
  table: PgTable;
  units: UnitColumns;
  /** Rows of a table under the unit `u.key` of the statement below. */
  member: (column: PgColumn) => SQL;
  column: { residents: PgColumn; households: PgColumn; staff: PgColumn };
}

const direct = (column: PgColumn) => sql`${column} = u.key`;
const underGrid = (column: PgColumn) => sql`${column} in ${gridSubtree(sql`u.key`)}`;

const LEVELS: Record<StatsLevel, LevelSpec> = {
  Street: {
    table: streets, units: STREET_UNITS, member: direct,
    column: { residents: residents.streetId, households: households.streetId, staff: staffAssignments.streetId },
  },
  Community: {
    table: communities, units: COMMUNITY_UNITS, member: direct,
    column: { residents: residents.communityId, households: households.communityId, staff: staffAssignments.communityId },
  },
  Grid: {
    table: grids, units: GRID_UNITS, member: underGrid,
    column: { residents: residents.gridId, households: households.gridId, staff: staffAssignments.gridId },
  },
};

interface StatsRow {
  key: number;
  readable: boolean;
  households: number;
  residents: number;
  registered: number;
  floating: number;
  staff: number;
  [tag: string]: number | boolean;
}

/**
 * Counts for many units of one level in one statement. A unit outside the viewer's scope
 * is refused rather than counted.
 */
export function unitStats(ctx: Context, level: StatsLevel, key: number) {
  return ctx.loaders
    .get<number, unknown>(`${level}.stats`, async (keys) => {
      const spec = LEVELS[level];
      const idColumn = (spec.table as unknown as { id: PgColumn }).id;
      const scope = scopeCondition(ctx.viewer, spec.units) ?? sql`true`;
      const tagColumns = residentTag.enumValues.map(
        (tag) => sql`count(*) filter (where ${tag}::resident_tag = any(${residents.tags}))::int as ${sql.identifier(tag)}`,
      );
      const rows = await rowsOf<StatsRow>(ctx.db, sql`
        select u.key,
          exists (select 1 from ${spec.table} where ${idColumn} = u.key and ${scope}) as readable,
          (select count(*)::int from ${households} where ${spec.member(spec.column.households)}) as households,
          (select count(distinct ${staffAssignments.staffMemberId})::int from ${staffAssignments}
             where ${spec.member(spec.column.staff)} and ${staffAssignments.endedOn} is null) as staff,
          r.*
        from unnest(${sql.raw(`array[${keys.map(Number).join(',')}]::int[]`)}) as u(key)
        cross join lateral (
          select count(*)::int as residents,
            count(*) filter (where ${residents.registration} = 'REGISTERED')::int as registered,
            count(*) filter (where ${residents.registration} = 'FLOATING')::int as floating,
            ${sql.join(tagColumns, sql`, `)}
          from ${residents} where ${spec.member(spec.column.residents)}
        ) r`);
      const byKey = new Map(rows.map((r) => [Number(r.key), r]));
      return keys.map((k) => {
        const row = byKey.get(k);
        if (!row || !row.readable) return forbidden(`The statistics of this ${level.toLowerCase()} lie outside your area.`);
        return {
          households: row.households,
          residents: row.residents,
          registeredResidents: row.registered,
          floatingResidents: row.floating,
          staff: row.staff,
          tagCounts: residentTag.enumValues.map((tag) => ({ tag: tag as ResidentTag, count: Number(row[tag]) })),
        };
      });
    })
    .load(key);
}
