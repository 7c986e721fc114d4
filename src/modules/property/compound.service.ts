import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { contains } from '../../db/search';
import { gridSubtree, withinCondition } from '../../auth/scope';
import { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Queryable, Tx } from '../../db/client';
import { OrderDirection, paginate, type PageArgs } from '../../graphql/connection';
import { keyOf, refuse, userError, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import { assertMayChange } from '../grid/grid.service';
import { buildings, grids, households, residents } from '../grid/grid.tables';
import { partyOrganisations } from '../party/party.tables';
import type * as In from './compound.inputs';
import { asCommittee, asCompany, asCompound, asContract } from './compound.loaders';
import { isCreditCode, percentToBasisPoints, yuanToFen } from './compound.rules';
import { COMPOUND_UNITS } from './property.scope';
import { committeeMembers, compounds, ownersCommittees, propertyCompanies, propertyContracts } from './property.tables';

export function listCompounds(ctx: Context, args: In.CompoundsArgs) {
  const text = args.filter?.nameContains;
  return paginate(ctx.db, {
    table: compounds,
    where: and(withinCondition(args.filter?.within, COMPOUND_UNITS), contains(compounds.name, text)),
    ordering: { column: compounds.id, key: 'id', direction: OrderDirection.ASC },
    args,
    map: asCompound,
  });
}

export function listCompanies(db: Queryable, args: PageArgs) {
  return paginate(db, {
    table: propertyCompanies, where: undefined, args, map: asCompany,
    ordering: { column: propertyCompanies.id, key: 'id', direction: OrderDirection.ASC },
  });
}

/** A compound the viewer may govern: its committee, or staff above it. */
export async function compoundForChange(tx: Tx, viewer: Viewer, id: string, field: string[]) {
  const [compound] = await tx.select().from(compounds).where(eq(compounds.id, keyOf(id, 'Compound', field)));
  if (!compound) refuse(field, UserErrorCode.NOT_FOUND, 'No compound has this ID.');
  if (viewer.role === Role.OWNERS_COMMITTEE) {
    if (viewer.unit?.type !== 'Compound' || viewer.unit.key !== compound.id) {
      refuse(field, UserErrorCode.OUT_OF_SCOPE, 'An owners\' committee acts for its own compound only.');
    }
    return compound;
  }
  await assertMayChange(tx, viewer, compound, field);
  return compound;
}

export async function createCompound(tx: Tx, viewer: Viewer, input: In.CompoundCreateInput) {
  const [grid] = await tx.select().from(grids).where(eq(grids.id, keyOf(input.gridId, 'Grid', ['input', 'gridId'])));
  if (!grid) refuse(['input', 'gridId'], UserErrorCode.NOT_FOUND, 'No grid has this ID.');
  await assertMayChange(tx, viewer, { ...grid, gridId: grid.id }, ['input', 'gridId']);
  if (input.buildingIds.length === 0) refuse(['input', 'buildingIds'], UserErrorCode.REQUIRED, 'A compound holds at least one building.');
  const keys = input.buildingIds.map((id, i) => keyOf(id, 'Building', ['input', 'buildingIds', String(i)]));
  const found = await tx.select().from(buildings).where(and(inArray(buildings.id, keys), sql`${buildings.gridId} in ${gridSubtree(grid.id)}`));
  const errors: UserError[] = keys.flatMap((key, i) => {
    const building = found.find((b) => b.id === key);
    if (!building) return [userError(['input', 'buildingIds', String(i)], UserErrorCode.NOT_FOUND, 'No building of this grid has this ID.')];
    if (building.compoundId !== null) return [userError(['input', 'buildingIds', String(i)], UserErrorCode.DUPLICATE, 'This building already belongs to a compound.')];
    return [];
  });
  if (errors.length) throw new UserErrors(errors);
  let partyOrganisationId: number | null = null;
  if (input.partyOrganisationId) {
    const [branch] = await tx.select().from(partyOrganisations).where(eq(partyOrganisations.id, keyOf(input.partyOrganisationId, 'PartyOrganisation', ['input', 'partyOrganisationId'])));
    if (!branch || branch.communityId !== grid.communityId) {
      refuse(['input', 'partyOrganisationId'], UserErrorCode.NOT_FOUND, 'No party organisation of this community has this ID.');
    }
    partyOrganisationId = branch.id;
  }
  const [compound] = await tx.insert(compounds).values({
    districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id,
    name: input.name.trim(), address: input.address.trim(), partyOrganisationId,
  }).returning();
  await tx.update(buildings).set({ compoundId: compound.id }).where(inArray(buildings.id, keys));
  await tx.update(households).set({ compoundId: compound.id }).where(inArray(households.buildingId, keys));
  return asCompound(compound);
}

export async function createCompany(tx: Tx, input: In.PropertyCompanyCreateInput) {
  const creditCode = input.creditCode.trim().toUpperCase();
  if (!isCreditCode(creditCode)) {
    refuse(['input', 'creditCode'], UserErrorCode.INVALID, 'This unified social credit code fails its check character (GB 32100); it was probably mistyped.');
  }
  const [taken] = await tx.select({ id: propertyCompanies.id }).from(propertyCompanies).where(eq(propertyCompanies.creditCode, creditCode));
  if (taken) refuse(['input', 'creditCode'], UserErrorCode.DUPLICATE, 'A company with this credit code is already registered.');
  const [row] = await tx.insert(propertyCompanies).values({ name: input.name.trim(), creditCode, phone: input.phone ?? null }).returning();
  return asCompany(row);
}

export async function createContract(tx: Tx, viewer: Viewer, input: In.PropertyContractCreateInput) {
  const compound = await compoundForChange(tx, viewer, input.compoundId, ['input', 'compoundId']);
  const companyKey = keyOf(input.companyId, 'PropertyCompany', ['input', 'companyId']);
  const [company] = await tx.select({ id: propertyCompanies.id }).from(propertyCompanies).where(eq(propertyCompanies.id, companyKey));
  if (!company) refuse(['input', 'companyId'], UserErrorCode.NOT_FOUND, 'No property company has this ID.');
  if (input.endsOn < input.startsOn) refuse(['input', 'endsOn'], UserErrorCode.INVALID, 'A contract ends on or after the day it starts.');
  let basisPoints: number | null = null;
  let monthlyFen: number | null = null;
  if (input.remunerationKind === 'PERCENTAGE_OF_INCOME') {
    basisPoints = input.percent ? percentToBasisPoints(input.percent) : null;
    if (basisPoints === null) refuse(['input', 'percent'], UserErrorCode.INVALID, 'Give the percent of income, 0 to 100 with at most two decimals.');
  } else {
    monthlyFen = input.monthlyAmount ? yuanToFen(input.monthlyAmount) : null;
    if (monthlyFen === null || monthlyFen < 0) refuse(['input', 'monthlyAmount'], UserErrorCode.INVALID, 'Give the fixed monthly amount in yuan, at most two decimals.');
  }
  const [overlap] = await tx.select({ id: propertyContracts.id }).from(propertyContracts).where(and(
    eq(propertyContracts.compoundId, compound.id), lte(propertyContracts.startsOn, input.endsOn), gte(propertyContracts.endsOn, input.startsOn),
  ));
  if (overlap) refuse(['input', 'startsOn'], UserErrorCode.DUPLICATE, 'Another contract of this compound covers part of this period; one company serves at a time.');
  const [row] = await tx.insert(propertyContracts).values({
    compoundId: compound.id, companyId: company.id, startsOn: input.startsOn, endsOn: input.endsOn,
    remunerationKind: input.remunerationKind, remunerationBasisPoints: basisPoints, remunerationMonthlyFen: monthlyFen,
  }).returning();
  return asContract(row);
}

export async function recordCommittee(tx: Tx, viewer: Viewer, input: In.OwnersCommitteeRecordInput) {
  const compound = await compoundForChange(tx, viewer, input.compoundId, ['input', 'compoundId']);
  if (input.termEndsOn <= input.termStartsOn) refuse(['input', 'termEndsOn'], UserErrorCode.INVALID, 'A term ends after it starts.');
  if (input.members.filter((m) => m.role === 'CHAIR').length !== 1) {
    refuse(['input', 'members'], UserErrorCode.INVALID, 'A committee has exactly one chair (主任).');
  }
  const keys = input.members.map((m, i) => keyOf(m.residentId, 'Resident', ['input', 'members', String(i), 'residentId']));
  const owners = await tx
    .select({ id: residents.id, tags: residents.tags })
    .from(residents)
    .innerJoin(households, eq(households.id, residents.householdId))
    .where(and(inArray(residents.id, keys), eq(households.compoundId, compound.id)));
  const errors = keys.flatMap((key, i) => (owners.some((o) => o.id === key)
    ? [] : [userError(['input', 'members', String(i), 'residentId'], UserErrorCode.NOT_FOUND, 'No resident of this compound has this ID.')]));
  if (new Set(keys).size !== keys.length) errors.push(userError(['input', 'members'], UserErrorCode.DUPLICATE, 'A person sits on a committee once.'));
  if (errors.length) throw new UserErrors(errors);
  const [overlap] = await tx.select({ id: ownersCommittees.id }).from(ownersCommittees).where(and(
    eq(ownersCommittees.compoundId, compound.id), lte(ownersCommittees.termStartsOn, input.termEndsOn), gte(ownersCommittees.termEndsOn, input.termStartsOn),
  ));
  if (overlap) refuse(['input', 'termStartsOn'], UserErrorCode.DUPLICATE, 'Another committee term of this compound overlaps this one.');
  const [committee] = await tx.insert(ownersCommittees).values({ compoundId: compound.id, termStartsOn: input.termStartsOn, termEndsOn: input.termEndsOn }).returning();
  await tx.insert(committeeMembers).values(input.members.map((m, i) => ({
    committeeId: committee.id, residentId: keys[i], role: m.role,
    partyMember: owners.find((o) => o.id === keys[i])!.tags.includes('PARTY_MEMBER'),
  })));
  return asCommittee(committee);
}
