import { sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Context } from '../../context';
import { rowsOf } from '../../db/client';
import { partyMembers, participations, reportIns } from './party.tables';
import type { ReportInStats } from './reportin.types';

export type ReportInStatsLevel = 'Street' | 'Community';

const COLUMNS: Record<ReportInStatsLevel, { reportIns: PgColumn; participations: PgColumn }> = {
  Street: { reportIns: reportIns.streetId, participations: participations.streetId },
  Community: { reportIns: reportIns.communityId, participations: participations.communityId },
};

/**
 * Double report-in figures (双报到) for many streets or communities in one statement: units
 * and in-service members reported in now, and every participation recorded there.
 */
export function reportInStats(ctx: Context, level: ReportInStatsLevel, key: number) {
  return ctx.loaders.get<number, ReportInStats>(`${level}.reportInStats`, async (keys) => {
    const column = COLUMNS[level];
    const rows = await rowsOf<{ key: number; units: number; members: number; participations: number; hours: string }>(ctx.db, sql`
      select u.key,
        (select count(distinct ${reportIns.unitId})::int from ${reportIns}
           where ${column.reportIns} = u.key and ${reportIns.withdrawnAt} is null) as units,
        (select count(distinct ${reportIns.memberId})::int from ${reportIns}
           join ${partyMembers} on ${partyMembers.id} = ${reportIns.memberId} and ${partyMembers.kind} = 'IN_SERVICE'
           where ${column.reportIns} = u.key and ${reportIns.withdrawnAt} is null) as members,
        p.participations, p.hours
      from unnest(${sql.raw(`array[${keys.map(Number).join(',')}]::int[]`)}) as u(key)
      cross join lateral (
        select count(*)::int as participations, coalesce(sum(${participations.hours}), 0)::numeric(14, 2)::text as hours
        from ${participations} where ${column.participations} = u.key
      ) p`);
    const byKey = new Map(rows.map((r) => [Number(r.key), r]));
    return keys.map((k) => {
      const row = byKey.get(k);
      return { units: row?.units ?? 0, members: row?.members ?? 0, participations: row?.participations ?? 0, hours: row?.hours ?? '0.00' };
    });
  }).load(key);
}
