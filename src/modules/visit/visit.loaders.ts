import { and, asc, inArray, sql } from 'drizzle-orm';
import type { Context } from '../../context';
import { OrderDirection } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { freeTextSource, revealPersonalData } from '../audit/personal-data';
import { findingScope, VISIT_UNITS, visitScope } from './visit.scope';
import { householdVisits, visitFindings } from './visit.tables';

export type VisitRow = typeof householdVisits.$inferSelect;
export type FindingRow = typeof visitFindings.$inferSelect;

export const asVisit = nodeMapper<VisitRow>('HouseholdVisit');
export type VisitNode = ReturnType<typeof asVisit>;
const findingNode = nodeMapper<FindingRow>('VisitFinding');
export const asFinding = (row: FindingRow) => ({ ...findingNode(row), reported: row.incidentId !== null });
export type FindingNode = ReturnType<typeof asFinding>;

export const visitById = (ctx: Context) => byIdLoader(ctx, 'HouseholdVisit', householdVisits, asVisit, visitScope(ctx.viewer));
export const findingById = (ctx: Context) =>
  byIdLoader(ctx, 'VisitFinding', visitFindings, asFinding, findingScope(ctx.viewer, sql`${visitFindings.visitId}`));

/** Every finding of each visit, in the order recorded, one statement per batch (a visit has at most a handful). */
export const findingsOfVisit = (ctx: Context) =>
  ctx.loaders.get<number, FindingNode[]>('HouseholdVisit.findings', async (keys) => {
    const rows = await ctx.db.select().from(visitFindings).where(inArray(visitFindings.visitId, [...keys])).orderBy(asc(visitFindings.id));
    return keys.map((k) => rows.filter((r) => r.visitId === k).map(asFinding));
  });

/** The finding an incident was reported from, if any, and if the viewer may read it. */
export const findingOfIncident = (ctx: Context) =>
  ctx.loaders.get<number, FindingNode | null>('Incident.visitFinding', async (keys) => {
    const rows = await ctx.db.select().from(visitFindings)
      .where(and(inArray(visitFindings.incidentId, [...keys]), findingScope(ctx.viewer, sql`${visitFindings.visitId}`)));
    const byIncident = new Map(rows.map((r) => [r.incidentId!, asFinding(r)]));
    return keys.map((k) => byIncident.get(k) ?? null);
  });

export function visitsOfHousehold(ctx: Context): ChildList<VisitRow, VisitNode> {
  return {
    name: 'Household.visits',
    table: householdVisits,
    parentColumn: householdVisits.householdId,
    parentKey: 'householdId',
    ordering: { column: householdVisits.visitedAt, key: 'visitedAt', direction: OrderDirection.DESC },
    map: asVisit,
    where: visitScope(ctx.viewer),
  };
}

/** Whole notes of visits of the viewer's area (the access log is written by revealPersonalData). */
const VISIT_TEXT = freeTextSource('HouseholdVisit', householdVisits, { notes: householdVisits.notes }, VISIT_UNITS);

export function visitTextOf(ctx: Context, visitKey: number, reason: string) {
  return revealPersonalData(ctx, VISIT_TEXT, visitKey, reason);
}
