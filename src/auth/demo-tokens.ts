import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { communities, grids, households, streets } from '../modules/grid/grid.tables';
import { departments } from '../modules/incident/incident.tables';
import { DEMO_API_KEY, DEMO_API_KEY_HASH } from '../modules/integrator/integrator.keys';
import { subjectOfKey } from '../modules/integrator/integrator.store';
import { apiKeys } from '../modules/integrator/integrator.tables';
import { partyMembers } from '../modules/party/party.tables';
import { compounds, propertyContracts } from '../modules/property/property.tables';
import { bankAccounts, ledgerEntries, merchants, volunteers } from '../modules/volunteer/volunteer.tables';
import { Role, type UnitType } from './roles';
import { issueToken, type IssueOptions, type TokenClaims } from './viewer';

/**
 * A ready credential for a demo user of each role, on the first units of the demo city: a
 * token for each person (when the process has an HS256 secret), and the seeded demo API key
 * for the integrator.
 */
export async function demoTokens(db: Queryable, secret: string | null, signing: Pick<IssueOptions, 'issuer' | 'audience'> = {}): Promise<{ claims: TokenClaims; token: string }[]> {
  const [street] = await db.select({ id: streets.id }).from(streets).orderBy(asc(streets.id)).limit(1);
  const [community] = await db.select({ id: communities.id }).from(communities).orderBy(asc(communities.id)).limit(1);
  const [grid] = await db.select({ id: grids.id }).from(grids).where(eq(grids.level, 'LEVEL_2')).orderBy(asc(grids.id)).limit(1);
  const [household] = await db.select({ id: households.id }).from(households).where(isNotNull(households.compoundId)).orderBy(asc(households.id)).limit(1);
  const [compound] = await db.select({ id: compounds.id }).from(compounds).orderBy(asc(compounds.id)).limit(1);
  const [contract] = await db.select({ companyId: propertyContracts.companyId }).from(propertyContracts).orderBy(asc(propertyContracts.id)).limit(1);
  const [department] = await db.select({ id: departments.id }).from(departments).orderBy(asc(departments.id)).limit(1);
  // The first community's people of the love bank, each with something to look at.
  const communityKey = community?.id ?? 0;
  const [member] = await db.select({ id: partyMembers.id, subject: partyMembers.subject }).from(partyMembers)
    .where(and(
      eq(partyMembers.communityId, communityKey), isNotNull(partyMembers.subject),
      sql`exists (select 1 from commitments c where c.member_id = ${partyMembers.id} and c.withdrawn_at is null)`,
      sql`exists (select 1 from wishes w where w.claimant_member_id = ${partyMembers.id} and w.status = 'CLAIMED')`,
    ))
    .orderBy(sql`exists (select 1 from volunteers v where v.party_member_id = ${partyMembers.id}) desc`, asc(partyMembers.id)).limit(1);
  const [volunteer] = await db.select({ id: volunteers.id, subject: volunteers.subject }).from(volunteers)
    .innerJoin(bankAccounts, eq(bankAccounts.volunteerId, volunteers.id)).innerJoin(ledgerEntries, eq(ledgerEntries.accountId, bankAccounts.id))
    .where(and(eq(volunteers.communityId, communityKey), isNotNull(volunteers.subject)))
    .groupBy(volunteers.id)
    .having(sql`sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.asset} = 'HOURS') > 0
      and sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.asset} = 'POINTS') > 0
      and exists (select 1 from redemptions r where r.volunteer_id = ${volunteers.id})`)
    .orderBy(asc(volunteers.id)).limit(1);
  const [merchant] = await db.select({ id: merchants.id, subject: merchants.subject }).from(merchants)
    .where(and(eq(merchants.communityId, communityKey), isNotNull(merchants.subject), sql`exists (select 1 from redemptions r where r.merchant_id = ${merchants.id})`))
    .orderBy(asc(merchants.id)).limit(1);
  const claims: TokenClaims[] = [{ sub: 'demo-city-admin', role: Role.CITY_ADMIN }, { sub: 'demo-auditor', role: Role.AUDITOR }];
  if (street) claims.push({ sub: 'demo-street-officer', role: Role.STREET_OFFICER, unit: { type: 'Street', key: street.id } });
  if (community) claims.push({ sub: 'demo-community-secretary', role: Role.COMMUNITY_SECRETARY, unit: { type: 'Community', key: community.id } });
  if (grid) claims.push({ sub: 'demo-grid-worker', role: Role.GRID_WORKER, unit: { type: 'Grid', key: grid.id } });
  if (household) claims.push({ sub: 'demo-resident', role: Role.RESIDENT, unit: { type: 'Household', key: household.id } });
  if (department) claims.push({ sub: 'demo-department-handler', role: Role.DEPARTMENT_HANDLER, unit: { type: 'Department', key: department.id } });
  if (compound) claims.push({ sub: 'demo-owners-committee', role: Role.OWNERS_COMMITTEE, unit: { type: 'Compound', key: compound.id } });
  if (contract) claims.push({ sub: 'demo-property-company', role: Role.PROPERTY_COMPANY, unit: { type: 'PropertyCompany', key: contract.companyId } });
  // These sign in as the seeded people themselves, so that what the seed says they did (claims, sign-ups, organising) is theirs.
  if (member) claims.push({ sub: member.subject!, role: Role.PARTY_MEMBER, unit: { type: 'PartyMember', key: member.id } });
  if (volunteer) claims.push({ sub: volunteer.subject!, role: Role.VOLUNTEER, unit: { type: 'Volunteer', key: volunteer.id } });
  if (merchant) claims.push({ sub: merchant.subject!, role: Role.MERCHANT, unit: { type: 'Merchant', key: merchant.id } });
  const people = secret === null ? [] : await Promise.all(claims.map(async (c) => ({ claims: c, token: await issueToken(c, secret, signing) })));
  const [key] = await db.select().from(apiKeys).where(eq(apiKeys.secretHash, DEMO_API_KEY_HASH));
  if (!key || key.revokedAt !== null) return people;
  const unit = key.unitType !== null && key.unitKey !== null ? { type: key.unitType as UnitType, key: key.unitKey } : undefined;
  return [...people, { claims: { sub: subjectOfKey(key.id), role: Role.INTEGRATOR, unit }, token: DEMO_API_KEY }];
}
