import { asc, eq, isNotNull } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { communities, grids, households, streets } from '../modules/grid/grid.tables';
import { departments } from '../modules/incident/incident.tables';
import { compounds, propertyContracts } from '../modules/property/property.tables';
import { Role } from './roles';
import { issueToken, type TokenClaims } from './viewer';

/** A ready token for a demo user of each role, on the first units of the demo city. */
export async function demoTokens(db: Queryable, secret: string): Promise<{ claims: TokenClaims; token: string }[]> {
  const [street] = await db.select({ id: streets.id }).from(streets).orderBy(asc(streets.id)).limit(1);
  const [community] = await db.select({ id: communities.id }).from(communities).orderBy(asc(communities.id)).limit(1);
  const [grid] = await db.select({ id: grids.id }).from(grids).where(eq(grids.level, 'LEVEL_2')).orderBy(asc(grids.id)).limit(1);
  const [household] = await db.select({ id: households.id }).from(households).where(isNotNull(households.compoundId)).orderBy(asc(households.id)).limit(1);
  const [compound] = await db.select({ id: compounds.id }).from(compounds).orderBy(asc(compounds.id)).limit(1);
  const [contract] = await db.select({ companyId: propertyContracts.companyId }).from(propertyContracts).orderBy(asc(propertyContracts.id)).limit(1);
  const [department] = await db.select({ id: departments.id }).from(departments).orderBy(asc(departments.id)).limit(1);
  const claims: TokenClaims[] = [{ sub: 'demo-city-admin', role: Role.CITY_ADMIN }];
  if (street) claims.push({ sub: 'demo-street-officer', role: Role.STREET_OFFICER, unit: { type: 'Street', key: street.id } });
  if (community) claims.push({ sub: 'demo-community-secretary', role: Role.COMMUNITY_SECRETARY, unit: { type: 'Community', key: community.id } });
  if (grid) claims.push({ sub: 'demo-grid-worker', role: Role.GRID_WORKER, unit: { type: 'Grid', key: grid.id } });
  if (household) claims.push({ sub: 'demo-resident', role: Role.RESIDENT, unit: { type: 'Household', key: household.id } });
  if (department) claims.push({ sub: 'demo-department-handler', role: Role.DEPARTMENT_HANDLER, unit: { type: 'Department', key: department.id } });
  if (compound) claims.push({ sub: 'demo-owners-committee', role: Role.OWNERS_COMMITTEE, unit: { type: 'Compound', key: compound.id } });
  if (contract) claims.push({ sub: 'demo-property-company', role: Role.PROPERTY_COMPANY, unit: { type: 'PropertyCompany', key: contract.companyId } });
  return Promise.all(claims.map(async (c) => ({ claims: c, token: await issueToken(c, secret) })));
}
