import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { scopeCondition } from '../../auth/scope';
import type { Context } from '../../context';
import { rowsOf } from '../../db/client';
import { revealPersonalData, type PersonalDataSource } from '../audit/personal-data';
import { maskPhone } from '../grid/identity';
import { OrderDirection } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { REPORT_IN_UNITS, reportInScope } from './party.scope';
import { partyMembers, participations, reportIns, reportingUnits } from './party.tables';
import type { ReportingUnitCounts } from './reportin.types';

export type ReportingUnitRow = typeof reportingUnits.$inferSelect;
export type ReportInRow = typeof reportIns.$inferSelect;

const reportingUnitNode = nodeMapper<ReportingUnitRow>('ReportingUnit');
/** A unit as served: its contact person's phone is personal, masked; `personalData` reveals it. */
export const asReportingUnit = (row: ReportingUnitRow) => ({
  ...reportingUnitNode(row),
  contactPhone: row.contactPhone === null ? null : maskPhone(row.contactPhone),
});
export type ReportingUnitNode = ReturnType<typeof asReportingUnit>;

/**
 * Whole phone of a unit's contact person, for staff whose area the unit works in: a unit is
 * city-wide, so its active report-ins (双报到) in the viewer's area decide, not the unit.
 */
export const REPORTING_UNIT_PERSONAL_DATA: PersonalDataSource<{ contactPhone: string | null }> = {
  subjectType: 'ReportingUnit',
  readable: (ctx, keys) => sql`select ${reportingUnits.id} as id, ${reportingUnits.contactPhone} as contact_phone
    from ${reportingUnits} where ${inArray(reportingUnits.id, [...keys])}
      and exists (select 1 from ${reportIns} where ${and(eq(reportIns.unitId, reportingUnits.id), isNull(reportIns.withdrawnAt), scopeCondition(ctx.viewer, REPORT_IN_UNITS))})`,
  map: (row) => ({ contactPhone: row.contact_phone as string | null }),
};

const reportInNode = nodeMapper<ReportInRow>('ReportIn');
export const asReportIn = (row: ReportInRow) => ({ ...reportInNode(row), active: row.withdrawnAt === null });
export type ReportInNode = ReturnType<typeof asReportIn>;

export const reportingUnitById = (ctx: Context) => byIdLoader(ctx, 'ReportingUnit', reportingUnits, asReportingUnit);

export function contactOfReportingUnit(ctx: Context, unitKey: number, reason: string) {
  return revealPersonalData(ctx, REPORTING_UNIT_PERSONAL_DATA, unitKey, reason);
}
export const reportInById = (ctx: Context) => byIdLoader(ctx, 'ReportIn', reportIns, asReportIn, reportInScope(ctx.viewer));

/**
 * The unit behind each report-in, read past the report-in scope: which unit offers what
 * to a community is public (the lists are), what a member offers is not.
 */
export function unitOfReportIn(ctx: Context, reportInKey: number) {
  return ctx.loaders.get<number, number | null>('ReportIn.unitId', async (keys) => {
    const rows = await ctx.db.select({ id: reportIns.id, unitId: reportIns.unitId }).from(reportIns).where(inArray(reportIns.id, [...keys]));
    const byId = new Map(rows.map((r) => [r.id, r.unitId]));
    return keys.map((k) => byId.get(k) ?? null);
  }).load(reportInKey);
}

export function reportInsOfUnit(ctx: Context): ChildList<ReportInRow, ReportInNode> {
  return {
    name: 'ReportingUnit.reportIns',
    table: reportIns,
    parentColumn: reportIns.unitId,
    parentKey: 'unitId',
    ordering: { column: reportIns.id, key: 'id', direction: OrderDirection.DESC },
    map: asReportIn,
    where: reportInScope(ctx.viewer),
  };
}

/** Each member's active report-in, among those the viewer may read. */
export function activeReportInOfMember(ctx: Context, memberKey: number) {
  return ctx.loaders.get<number, ReportInNode | null>('PartyMember.reportIn', async (keys) => {
    const rows = await ctx.db.select().from(reportIns)
      .where(and(inArray(reportIns.memberId, [...keys]), isNull(reportIns.withdrawnAt), reportInScope(ctx.viewer)));
    const byMember = new Map(rows.map((r) => [r.memberId!, asReportIn(r)]));
    return keys.map((k) => byMember.get(k) ?? null);
  }).load(memberKey);
}

export interface ParticipationTotals {
  participationCount: number;
  hours: string;
}

/** Participations and their hours per report-in, one statement for all report-ins asked. */
export function participationTotals(ctx: Context, reportInKey: number) {
  return ctx.loaders.get<number, ParticipationTotals>('ReportIn.participationTotals', async (keys) => {
    const rows = await ctx.db
      .select({
        reportInId: participations.reportInId,
        participationCount: sql<number>`count(*)::int`.mapWith(Number),
        hours: sql<string>`coalesce(sum(${participations.hours}), 0)::numeric(14, 2)::text`,
      })
      .from(participations)
      .where(inArray(participations.reportInId, [...keys]))
      .groupBy(participations.reportInId);
    const byReportIn = new Map(rows.map((r) => [r.reportInId, r]));
    return keys.map((k) => byReportIn.get(k) ?? { participationCount: 0, hours: '0.00' });
  }).load(reportInKey);
}

/** The public counts of many reporting units in one statement. */
export function unitCounts(ctx: Context, unitKey: number) {
  return ctx.loaders.get<number, ReportingUnitCounts>('ReportingUnit.counts', async (keys) => {
    const rows = await rowsOf<{ key: number; communities: number; members: number; reported_in: number; participations: number; hours: string }>(ctx.db, sql`
      select u.key,
        (select count(distinct ${reportIns.communityId})::int from ${reportIns}
           where ${reportIns.unitId} = u.key and ${reportIns.withdrawnAt} is null) as communities,
        (select count(*)::int from ${partyMembers} where ${partyMembers.workUnitId} = u.key) as members,
        (select count(*)::int from ${partyMembers} where ${partyMembers.workUnitId} = u.key
           and exists (select 1 from ${reportIns} r where r.member_id = ${partyMembers.id} and r.withdrawn_at is null)) as reported_in,
        p.participations, p.hours
      from unnest(${sql.raw(`array[${keys.map(Number).join(',')}]::int[]`)}) as u(key)
      cross join lateral (
        select count(*)::int as participations, coalesce(sum(pa.hours), 0)::numeric(14, 2)::text as hours
        from ${participations} pa join ${reportIns} r on r.id = pa.report_in_id
        where r.unit_id = u.key
      ) p`);
    const byKey = new Map(rows.map((r) => [Number(r.key), r]));
    return keys.map((k) => {
      const row = byKey.get(k);
      return {
        communities: row?.communities ?? 0,
        members: row?.members ?? 0,
        membersReportedIn: row?.reported_in ?? 0,
        participations: row?.participations ?? 0,
        hours: row?.hours ?? '0.00',
      };
    });
  }).load(unitKey);
}
