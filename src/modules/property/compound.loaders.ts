import { and, asc, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { chinaDate } from '../../calendar';
import type { Context } from '../../context';
import { byIdLoader } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { households, residents } from '../grid/grid.tables';
import { fenToYuan } from './compound.rules';
import { committeeMembers, compounds, ownersCommittees, propertyCompanies, propertyContracts } from './property.tables';

export type CompoundRow = typeof compounds.$inferSelect;
export type ContractRow = typeof propertyContracts.$inferSelect;
export type CommitteeRow = typeof ownersCommittees.$inferSelect;

export const asCompound = nodeMapper<CompoundRow>('Compound');
export type CompoundNode = ReturnType<typeof asCompound>;
export const asCompany = nodeMapper<typeof propertyCompanies.$inferSelect>('PropertyCompany');

const contractNode = nodeMapper<ContractRow>('PropertyContract');
export const asContract = (row: ContractRow) => {
  const today = chinaDate();
  return {
    ...contractNode(row),
    current: row.startsOn <= today && today <= row.endsOn,
    remuneration: {
      kind: row.remunerationKind,
      percent: row.remunerationBasisPoints === null ? null : fenToYuan(row.remunerationBasisPoints),
      monthlyAmount: row.remunerationMonthlyFen === null ? null : fenToYuan(row.remunerationMonthlyFen),
    },
  };
};
export type ContractNode = ReturnType<typeof asContract>;

const committeeNode = nodeMapper<CommitteeRow>('OwnersCommittee');
export const asCommittee = (row: CommitteeRow) => {
  const today = chinaDate();
  return { ...committeeNode(row), current: row.termStartsOn <= today && today <= row.termEndsOn };
};
export type CommitteeNode = ReturnType<typeof asCommittee>;

export const compoundById = (ctx: Context) => byIdLoader(ctx, 'Compound', compounds, asCompound);
export const companyById = (ctx: Context) => byIdLoader(ctx, 'PropertyCompany', propertyCompanies, asCompany);
export const contractById = (ctx: Context) => byIdLoader(ctx, 'PropertyContract', propertyContracts, asContract);
export const committeeById = (ctx: Context) => byIdLoader(ctx, 'OwnersCommittee', ownersCommittees, asCommittee);

/** The committee whose term covers today, for many compounds in one statement. */
export function currentCommitteeOf(ctx: Context, compoundId: number) {
  return ctx.loaders.get<number, CommitteeNode | null>('Compound.currentCommittee', async (keys) => {
    const today = chinaDate();
    const rows = await ctx.db.select().from(ownersCommittees)
      .where(and(inArray(ownersCommittees.compoundId, [...keys]), lte(ownersCommittees.termStartsOn, today), gte(ownersCommittees.termEndsOn, today)))
      .orderBy(desc(ownersCommittees.termStartsOn));
    return keys.map((k) => {
      const row = rows.find((r) => r.compoundId === k);
      return row ? asCommittee(row) : null;
    });
  }).load(compoundId);
}

/** Every term of many compounds' committees, newest first. */
export function committeesOf(ctx: Context, compoundId: number) {
  return ctx.loaders.get<number, CommitteeNode[]>('Compound.committees', async (keys) => {
    const rows = await ctx.db.select().from(ownersCommittees).where(inArray(ownersCommittees.compoundId, [...keys])).orderBy(desc(ownersCommittees.termStartsOn));
    return keys.map((k) => rows.filter((r) => r.compoundId === k).map(asCommittee));
  }).load(compoundId);
}

/** The contract in force today, for many compounds in one statement. */
export function currentContractOf(ctx: Context, compoundId: number) {
  return ctx.loaders.get<number, ContractNode | null>('Compound.currentContract', async (keys) => {
    const today = chinaDate();
    const rows = await ctx.db.select().from(propertyContracts)
      .where(and(inArray(propertyContracts.compoundId, [...keys]), lte(propertyContracts.startsOn, today), gte(propertyContracts.endsOn, today)));
    return keys.map((k) => {
      const row = rows.find((r) => r.compoundId === k);
      return row ? asContract(row) : null;
    });
  }).load(compoundId);
}

/** Members with their names, chair first, for many committees in one statement. */
export function membersOf(ctx: Context, committeeId: number) {
  return ctx.loaders.get<number, { name: string; role: string; partyMember: boolean }[]>('OwnersCommittee.members', async (keys) => {
    const rows = await ctx.db
      .select({ committeeId: committeeMembers.committeeId, name: residents.name, role: committeeMembers.role, partyMember: committeeMembers.partyMember })
      .from(committeeMembers)
      .innerJoin(residents, eq(residents.id, committeeMembers.residentId))
      .where(inArray(committeeMembers.committeeId, [...keys]))
      .orderBy(asc(committeeMembers.role), asc(committeeMembers.id));
    return keys.map((k) => rows.filter((r) => r.committeeId === k).map(({ name, role, partyMember }) => ({ name, role, partyMember })));
  }).load(committeeId);
}

/** Households and total floor area of many compounds, summed by the database in one statement. */
export function totalsOf(ctx: Context, compoundId: number) {
  return ctx.loaders.get<number, { households: number; floorArea: string }>('Compound.totals', async (keys) => {
    const rows = await ctx.db
      .select({ compoundId: households.compoundId, households: sql<number>`count(*)::int`, floorArea: sql<string>`coalesce(sum(${households.floorArea}), 0)::numeric(14,2)::text` })
      .from(households)
      .where(inArray(households.compoundId, [...keys]))
      .groupBy(households.compoundId);
    return keys.map((k) => rows.find((r) => r.compoundId === k) ?? { households: 0, floorArea: '0.00' });
  }).load(compoundId);
}
