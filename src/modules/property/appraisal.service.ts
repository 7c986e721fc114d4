import { and, desc, eq, gte, lte, sql } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import { rowsOf, type Queryable, type Tx } from '../../db/client';
import { refuse, UserErrorCode } from '../../graphql/errors';
import { nodeMapper } from '../../graphql/node';
import { households } from '../grid/grid.tables';
import type * as In from './appraisal.inputs';
import { AppraisalSource } from './appraisal.types';
import { compoundForChange } from './compound.service';
import { compoundKeyScope } from './property.scope';
import { propertyContracts, residentScores, serviceAppraisals } from './property.tables';

/** "2026-Q3" → the first and last day of the quarter. */
export function quarterDates(quarter: string): { start: string; end: string } {
  const [year, q] = [Number(quarter.slice(0, 4)), Number(quarter.slice(6))];
  const startMonth = (q - 1) * 3;
  const start = new Date(Date.UTC(year, startMonth, 1)).toISOString().slice(0, 10);
  const end = new Date(Date.UTC(year, startMonth + 3, 0)).toISOString().slice(0, 10);
  return { start, end };
}

export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The appraisal row of a compound's quarter, made on first use for the contract in force then. */
async function appraisalRow(tx: Tx, compoundId: number, quarter: string) {
  const { start, end } = quarterDates(quarter);
  const [existing] = await tx.select().from(serviceAppraisals).where(and(eq(serviceAppraisals.compoundId, compoundId), eq(serviceAppraisals.quarter, start)));
  if (existing) return existing;
  const [contract] = await tx.select().from(propertyContracts)
    .where(and(eq(propertyContracts.compoundId, compoundId), lte(propertyContracts.startsOn, end), gte(propertyContracts.endsOn, start)))
    .orderBy(desc(propertyContracts.startsOn)).limit(1);
  if (!contract) refuse(['input', 'quarter'], UserErrorCode.NOT_FOUND, 'No property service contract covers this quarter; there is no service to appraise.');
  await tx.insert(serviceAppraisals).values({ compoundId, contractId: contract.id, quarter: start }).onConflictDoNothing();
  const [row] = await tx.select().from(serviceAppraisals).where(and(eq(serviceAppraisals.compoundId, compoundId), eq(serviceAppraisals.quarter, start)));
  return row;
}

const SOURCE_ROLE: Record<AppraisalSource, Role> = {
  [AppraisalSource.COMMITTEE]: Role.OWNERS_COMMITTEE,
  [AppraisalSource.PARTY_BRANCH]: Role.COMMUNITY_SECRETARY,
};

export async function scoreService(tx: Tx, viewer: Viewer, input: In.AppraisalScoreInput) {
  if (viewer.role !== SOURCE_ROLE[input.source]) {
    refuse(['input', 'source'], UserErrorCode.OUT_OF_SCOPE, `A ${input.source} score is given by the ${SOURCE_ROLE[input.source]} role.`);
  }
  const compound = await compoundForChange(tx, viewer, input.compoundId, ['input', 'compoundId']);
  const row = await appraisalRow(tx, compound.id, input.quarter);
  const column = input.source === AppraisalSource.COMMITTEE ? { committeeScore: input.score } : { branchScore: input.score };
  await tx.update(serviceAppraisals).set({ ...column, updatedAt: new Date() }).where(eq(serviceAppraisals.id, row.id));
  return (await appraisalOf(tx, viewer, compound.id, input.quarter))!;
}

export async function scoreByResident(tx: Tx, viewer: Viewer, input: In.ResidentAppraisalInput) {
  const householdId = viewer.unit?.type === 'Household' ? viewer.unit.key : null;
  const [household] = householdId === null ? [] : await tx.select().from(households).where(eq(households.id, householdId));
  if (!household?.compoundId) refuse(['input', 'quarter'], UserErrorCode.NOT_FOUND, 'Your household belongs to no compound with property service.');
  const row = await appraisalRow(tx, household.compoundId, input.quarter);
  await tx.insert(residentScores)
    .values({ appraisalId: row.id, householdId: household.id, score: input.score, givenBy: viewer.subject! })
    .onConflictDoUpdate({ target: [residentScores.appraisalId, residentScores.householdId], set: { score: input.score, givenBy: viewer.subject!, updatedAt: new Date() } });
  return (await appraisalOf(tx, viewer, household.compoundId, input.quarter))!;
}

export async function setWeights(tx: Tx, viewer: Viewer, input: In.AppraisalWeightsInput) {
  if (input.committeeWeight + input.residentWeight + input.branchWeight !== 100) {
    refuse(['input', 'committeeWeight'], UserErrorCode.INVALID, 'The three weights add up to 100.');
  }
  const compound = await compoundForChange(tx, viewer, input.compoundId, ['input', 'compoundId']);
  const row = await appraisalRow(tx, compound.id, input.quarter);
  await tx.update(serviceAppraisals).set({
    committeeWeight: input.committeeWeight, residentWeight: input.residentWeight, branchWeight: input.branchWeight, updatedAt: new Date(),
  }).where(eq(serviceAppraisals.id, row.id));
  return (await appraisalOf(tx, viewer, compound.id, input.quarter))!;
}

interface AppraisalView {
  id: number; compound_id: number; contract_id: number; quarter: string;
  committee_score: string | null; branch_score: string | null; resident_score: string | null; resident_count: number;
  committee_weight: number; resident_weight: number; branch_weight: number; overall_score: string | null;
}

const asAppraisal = (row: AppraisalView) => ({
  ...nodeMapper<{ id: number }>('ServiceAppraisal')({ id: row.id }),
  compoundId: row.compound_id,
  contractId: row.contract_id,
  quarter: quarterOf(String(row.quarter).slice(0, 10)),
  committeeScore: row.committee_score,
  branchScore: row.branch_score,
  residentScore: row.resident_score,
  residentCount: row.resident_count,
  committeeWeight: row.committee_weight,
  residentWeight: row.resident_weight,
  branchWeight: row.branch_weight,
  overallScore: row.overall_score,
});

/** A quarter's appraisal with the residents' mean and the weighted score, computed by the database. */
export async function appraisalOf(db: Queryable, viewer: Viewer, compoundId: number, quarter: string) {
  const { start } = quarterDates(quarter);
  const a = serviceAppraisals;
  const [row] = await rowsOf<AppraisalView>(db, sql`
    select ${a.id} as id, ${a.compoundId} as compound_id, ${a.contractId} as contract_id, ${a.quarter}::text as quarter,
      ${a.committeeScore}::text as committee_score, ${a.branchScore}::text as branch_score, r.mean::text as resident_score, r.n as resident_count,
      ${a.committeeWeight} as committee_weight, ${a.residentWeight} as resident_weight, ${a.branchWeight} as branch_weight,
      round((${a.committeeScore} * ${a.committeeWeight} + r.mean * ${a.residentWeight} + ${a.branchScore} * ${a.branchWeight}) / 100, 2)::text as overall_score
    from ${a}
    cross join lateral (select round(avg(${residentScores.score}), 2) as mean, count(*)::int as n from ${residentScores} where ${residentScores.appraisalId} = ${a.id}) r
    where ${a.compoundId} = ${compoundId} and ${a.quarter} = ${start} and ${compoundKeyScope(viewer, a.compoundId)}`);
  return row ? asAppraisal(row) : null;
}
