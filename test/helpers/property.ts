import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { toGlobalId } from '../../src/graphql/ids';
import { buildings, grids, households, residents } from '../../src/modules/grid/grid.tables';
import { compounds, propertyCompanies, propertyContracts } from '../../src/modules/property/property.tables';

let made = 0;

/**
 * A compound made for one test: every building of a micro grid that has no compound yet,
 * with its households, a property company and a contract. Each call takes a fresh grid.
 */
export async function makeCompound(db: Db, options: { remuneration?: { basisPoints: number } | { monthlyFen: number } } = {}) {
  made += 1;
  const [grid] = await db.select().from(grids).where(and(eq(grids.level, 'MICRO'), sql`not exists (select 1 from ${buildings} b where b.grid_id = ${grids.id} and b.compound_id is not null)`, sql`exists (select 1 from ${buildings} b where b.grid_id = ${grids.id})`)).orderBy(grids.id).limit(1);
  const [compound] = await db.insert(compounds).values({
    districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id,
    name: `测试小区${made}`, address: `测试路${made}号`,
  }).returning();
  const inGrid = await db.update(buildings).set({ compoundId: compound.id }).where(eq(buildings.gridId, grid.id)).returning({ id: buildings.id });
  const owned = await db.update(households).set({ compoundId: compound.id }).where(inArray(households.buildingId, inGrid.map((b) => b.id))).returning();
  const [company] = await db.insert(propertyCompanies).values({ name: `测试物业${made}`, creditCode: `91371600TEST${String(made).padStart(5, '0')}X`.slice(0, 18), phone: '0543-1234567' }).returning();
  const rule = options.remuneration ?? { basisPoints: 1000 };
  const [contract] = await db.insert(propertyContracts).values({
    compoundId: compound.id, companyId: company.id, startsOn: '2024-01-01', endsOn: '2028-12-31',
    remunerationKind: 'basisPoints' in rule ? 'PERCENTAGE_OF_INCOME' : 'FIXED_MONTHLY',
    remunerationBasisPoints: 'basisPoints' in rule ? rule.basisPoints : null,
    remunerationMonthlyFen: 'monthlyFen' in rule ? rule.monthlyFen : null,
  }).returning();
  const owners = await db.select().from(residents).where(and(inArray(residents.householdId, owned.map((h) => h.id)), eq(residents.householder, true)));
  return {
    compound, company, contract, grid, households: owned, householders: owners,
    ids: {
      compound: toGlobalId('Compound', compound.id),
      company: toGlobalId('PropertyCompany', company.id),
      households: owned.map((h) => toGlobalId('Household', h.id)),
    },
  };
}
