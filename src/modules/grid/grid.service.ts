import { and, asc, desc, eq, inArray, isNull, max, or, sql, type SQL } from 'drizzle-orm';
import { contains } from '../../db/search';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { gridSubtree, scopeCondition, withinCondition } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Queryable, Tx } from '../../db/client';
import { OrderDirection, paginate, type Ordering, type PageArgs } from '../../graphql/connection';
import { badUserInput, keyOf, refuse, userError, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import type { PersonalDataKey } from '../audit/personal-data-key';
import { ringContainsRing, ringFromGeoJSON } from './geometry';
import type * as In from './grid.inputs';
import { ResidentOrderField, UnitOrderField } from './grid.inputs';
import {
  asBuilding, asCommunity, asDistrict, asGrid, asHousehold, asResident, asStaffAssignment, asStreet,
  type GridRow,
} from './grid.loaders';
import {
  BUILDING_READERS, BUILDING_UNITS, COMMUNITY_UNITS, GRID_UNITS, HOUSEHOLD_UNITS, RESIDENT_UNITS, STAFF_ASSIGNMENT_UNITS, STREET_UNITS,
} from './grid.scope';
import {
  buildings, communities, districts, grids, households, residents, residentTag, staffAssignments, staffMembers, streets,
} from './grid.tables';
import type { GridLevel } from './grid.types';
import { checkIdCard, idCardHash, isMainlandMobile, normaliseIdCard, storedIdCard } from './identity';


/** An array literal of tags; only the enum's own values can reach the SQL. */
function tagArray(tags: readonly string[]): SQL {
  const known = tags.filter((tag) => (residentTag.enumValues as readonly string[]).includes(tag));
  return sql`${sql.raw(`array[${known.map((tag) => `'${tag}'`).join(',')}]`)}::resident_tag[]`;
}

function unitOrdering(order: In.UnitOrder | undefined, table: { id: PgColumn; code: PgColumn; name: PgColumn }): Ordering {
  const direction = order?.direction ?? OrderDirection.ASC;
  switch (order?.field ?? UnitOrderField.CODE) {
    case UnitOrderField.ID:
      return { column: table.id, key: 'id', direction };
    case UnitOrderField.NAME:
      return { column: table.name, key: 'name', direction };
    default:
      return { column: table.code, key: 'code', direction };
  }
}

// Lists ---------------------------------------------------------------------------------

export function listDistricts(ctx: Context, args: PageArgs) {
  return paginate(ctx.db, {
    table: districts, where: undefined, args, map: asDistrict,
    ordering: { column: districts.code, key: 'code', direction: OrderDirection.ASC },
  });
}

export function listStreets(ctx: Context, args: In.StreetsArgs) {
  return paginate(ctx.db, {
    table: streets,
    where: and(withinCondition(args.filter?.within, STREET_UNITS), contains(streets.name, args.filter?.nameContains)),
    ordering: unitOrdering(args.orderBy, streets), args, map: asStreet,
  });
}

export function listCommunities(ctx: Context, args: In.CommunitiesArgs) {
  return paginate(ctx.db, {
    table: communities,
    where: and(withinCondition(args.filter?.within, COMMUNITY_UNITS), contains(communities.name, args.filter?.nameContains)),
    ordering: unitOrdering(args.orderBy, communities), args, map: asCommunity,
  });
}

export function listGrids(ctx: Context, args: In.GridsArgs) {
  const f = args.filter;
  return paginate(ctx.db, {
    table: grids,
    where: and(
      withinCondition(f?.within, GRID_UNITS),
      f?.levels?.length ? inArray(grids.level, f.levels) : undefined,
      contains(grids.name, f?.nameContains),
    ),
    ordering: unitOrdering(args.orderBy, grids), args, map: asGrid,
  });
}

export function listBuildings(ctx: Context, args: In.BuildingsArgs) {
  const search = args.filter?.search;
  return paginate(ctx.db, {
    table: buildings,
    where: and(
      scopeCondition(ctx.viewer, BUILDING_READERS),
      withinCondition(args.filter?.within, BUILDING_UNITS),
      search ? or(contains(buildings.name, search), contains(buildings.address, search)) : undefined,
    ),
    ordering: { column: buildings.id, key: 'id', direction: OrderDirection.ASC }, args, map: asBuilding,
  });
}

export function listHouseholds(ctx: Context, args: In.HouseholdsArgs) {
  return paginate(ctx.db, {
    table: households,
    where: and(
      scopeCondition(ctx.viewer, HOUSEHOLD_UNITS),
      withinCondition(args.filter?.within, HOUSEHOLD_UNITS),
      contains(households.address, args.filter?.addressContains),
    ),
    ordering: { column: households.id, key: 'id', direction: OrderDirection.ASC }, args, map: asHousehold,
  });
}

/** The lookup hash of a searched ID card number; a mistyped one is refused with the reason, as a form would show it. */
function exactIdCard(ctx: Context, value: string): string {
  const check = checkIdCard(normaliseIdCard(value));
  if (!check.ok) throw badUserInput(`filter.idCardNumber: ${check.message}`, 'filter');
  return idCardHash(ctx.config.personalDataKey, value);
}

export function listResidents(ctx: Context, args: In.ResidentsArgs) {
  const f = args.filter;
  const direction = args.orderBy?.direction ?? OrderDirection.ASC;
  const ordering: Ordering =
    args.orderBy?.field === ResidentOrderField.NAME ? { column: residents.name, key: 'name', direction }
      : args.orderBy?.field === ResidentOrderField.BIRTH_DATE ? { column: residents.birthDate, key: 'birthDate', direction }
        : { column: residents.id, key: 'id', direction };
  return paginate(ctx.db, {
    table: residents,
    where: and(
      scopeCondition(ctx.viewer, RESIDENT_UNITS),
      withinCondition(f?.within, RESIDENT_UNITS),
      f?.tags?.length ? sql`${residents.tags} @> ${tagArray(f.tags)}` : undefined,
      f?.anyTags?.length ? sql`${residents.tags} && ${tagArray(f.anyTags)}` : undefined,
      f?.registration ? eq(residents.registration, f.registration) : undefined,
      f?.gender ? eq(residents.gender, f.gender) : undefined,
      contains(residents.name, f?.nameContains),
      f?.idCardNumber ? eq(residents.idCardHash, exactIdCard(ctx, f.idCardNumber)) : undefined,
      f?.bornFrom ? sql`${residents.birthDate} >= ${f.bornFrom}` : undefined,
      f?.bornTo ? sql`${residents.birthDate} <= ${f.bornTo}` : undefined,
    ),
    ordering, args, map: asResident,
  });
}

export function listStaffAssignments(ctx: Context, args: In.StaffAssignmentsArgs) {
  const f = args.filter;
  return paginate(ctx.db, {
    table: staffAssignments,
    where: and(
      withinCondition(f?.within, STAFF_ASSIGNMENT_UNITS),
      f?.roles?.length ? inArray(staffAssignments.role, f.roles) : undefined,
      f?.includeEnded ? undefined : isNull(staffAssignments.endedOn),
    ),
    ordering: { column: staffAssignments.id, key: 'id', direction: OrderDirection.ASC }, args, map: asStaffAssignment,
  });
}

/** The deepest grid whose boundary holds the point (PostgreSQL `polygon @> point`). */
export async function gridAt(db: Queryable, longitude: number, latitude: number) {
  const [row] = await db
    .select()
    .from(grids)
    .where(sql`${grids.boundary} @> point(${longitude}, ${latitude})`)
    .orderBy(desc(grids.depth), asc(grids.id))
    .limit(1);
  return row ? asGrid(row) : null;
}

export async function gridByCode(db: Queryable, code: string) {
  const [row] = await db.select().from(grids).where(eq(grids.code, code)).limit(1);
  return row ? asGrid(row) : null;
}

// Scope of changes ---------------------------------------------------------------------

export interface Placement {
  districtId: number;
  streetId?: number;
  communityId?: number;
  gridId?: number;
  householdId?: number;
}

/** Whether the viewer's unit lies above the place a change is made. */
async function mayChange(db: Queryable, viewer: Viewer, place: Placement): Promise<boolean> {
  const unit = viewer.unit;
  if (unit === null) return viewer.role !== null;
  switch (unit.type) {
    case 'District':
      return place.districtId === unit.key;
    case 'Street':
      return place.streetId === unit.key;
    case 'Community':
      return place.communityId === unit.key;
    case 'Household':
      return place.householdId === unit.key;
    case 'Department':
    case 'Compound':
    case 'PropertyCompany':
    case 'PartyMember':
    case 'Volunteer':
    case 'Merchant':
      return false;
    case 'Grid': {
      if (place.gridId === undefined) return false;
      const [hit] = await db.select({ id: grids.id }).from(grids).where(and(eq(grids.id, place.gridId), sql`${grids.id} in ${gridSubtree(unit.key)}`));
      return hit !== undefined;
    }
  }
}

export async function assertMayChange(db: Queryable, viewer: Viewer, place: Placement, field: string[] | null): Promise<void> {
  if (!(await mayChange(db, viewer, place))) {
    refuse(field, UserErrorCode.OUT_OF_SCOPE, 'This lies outside the part of the city your role may change.');
  }
}

async function found<T>(rows: Promise<T[]>, field: string[], what: string): Promise<T> {
  const [row] = await rows;
  if (!row) refuse(field, UserErrorCode.NOT_FOUND, `No ${what} has this ID.`);
  return row;
}

function nextCode(previous: string | null, prefix: string, width: number, separator = ''): string {
  const last = previous ? Number(previous.slice(prefix.length + separator.length)) : 0;
  return `${prefix}${separator}${String(last + 1).padStart(width, '0')}`;
}

function checkCode(code: string, prefix: string, field: string[], what: string): void {
  if (!code.startsWith(prefix)) refuse(field, UserErrorCode.INVALID, `A ${what} code starts with its parent's code ${prefix}.`);
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

/** Inserts or updates, turning a unique-index race into the same DUPLICATE user error as the check before it. */
async function unique<T>(work: Promise<T>, field: string[], message: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isUniqueViolation(error)) refuse(field, UserErrorCode.DUPLICATE, message);
    throw error;
  }
}

// Streets and communities --------------------------------------------------------------

export async function createStreet(tx: Tx, viewer: Viewer, input: In.StreetCreateInput) {
  const districtKey = keyOf(input.districtId, 'District', ['input', 'districtId']);
  const district = await found(tx.select().from(districts).where(eq(districts.id, districtKey)), ['input', 'districtId'], 'district');
  await assertMayChange(tx, viewer, { districtId: district.id }, ['input', 'districtId']);
  let code = input.code;
  if (code) checkCode(code, district.code, ['input', 'code'], 'street');
  else {
    const [{ last }] = await tx.select({ last: max(streets.code) }).from(streets).where(eq(streets.districtId, district.id));
    code = nextCode(last, district.code, 3);
  }
  const [row] = await unique(
    tx.insert(streets).values({ districtId: district.id, code, name: input.name.trim() }).returning(),
    ['input', 'code'], `The code ${code} is already taken.`,
  );
  return asStreet(row);
}

export async function updateStreet(tx: Tx, viewer: Viewer, id: string, input: In.StreetUpdateInput) {
  const key = keyOf(id, 'Street', ['id']);
  const street = await found(tx.select().from(streets).where(eq(streets.id, key)), ['id'], 'street');
  await assertMayChange(tx, viewer, { districtId: street.districtId, streetId: street.id }, ['id']);
  const [row] = await tx.update(streets).set({ name: input.name?.trim() ?? street.name, updatedAt: new Date() }).where(eq(streets.id, key)).returning();
  return asStreet(row);
}

export async function createCommunity(tx: Tx, viewer: Viewer, input: In.CommunityCreateInput) {
  const streetKey = keyOf(input.streetId, 'Street', ['input', 'streetId']);
  const street = await found(tx.select().from(streets).where(eq(streets.id, streetKey)), ['input', 'streetId'], 'street');
  await assertMayChange(tx, viewer, { districtId: street.districtId, streetId: street.id }, ['input', 'streetId']);
  let code = input.code;
  if (code) checkCode(code, street.code, ['input', 'code'], 'community');
  else {
    const [{ last }] = await tx.select({ last: max(communities.code) }).from(communities).where(eq(communities.streetId, street.id));
    code = nextCode(last, street.code, 3);
  }
  const [row] = await unique(
    tx.insert(communities).values({ districtId: street.districtId, streetId: street.id, code, name: input.name.trim() }).returning(),
    ['input', 'code'], `The code ${code} is already taken.`,
  );
  return asCommunity(row);
}

export async function updateCommunity(tx: Tx, viewer: Viewer, id: string, input: In.CommunityUpdateInput) {
  const key = keyOf(id, 'Community', ['id']);
  const community = await found(tx.select().from(communities).where(eq(communities.id, key)), ['id'], 'community');
  await assertMayChange(tx, viewer, { districtId: community.districtId, streetId: community.streetId, communityId: community.id }, ['id']);
  const [row] = await tx.update(communities).set({ name: input.name?.trim() ?? community.name, updatedAt: new Date() }).where(eq(communities.id, key)).returning();
  return asCommunity(row);
}

// Grids -------------------------------------------------------------------------------

const LEVEL_UNDER: Record<GridLevel | 'NONE', GridLevel | null> = { NONE: 'LEVEL_1', LEVEL_1: 'LEVEL_2', LEVEL_2: 'MICRO', MICRO: null };

function boundaryOf(value: unknown, field: string[]) {
  const checked = ringFromGeoJSON(value);
  if (!checked.ok) refuse(field, UserErrorCode.INVALID, checked.message);
  return checked.ring;
}

export async function createGrid(tx: Tx, viewer: Viewer, input: In.GridCreateInput) {
  const errors: UserError[] = [];
  if (!input.parentGridId && !input.communityId) {
    errors.push(userError(['input', 'communityId'], UserErrorCode.REQUIRED, 'Give the community of a level-1 grid, or the parent grid.'));
  }
  const ring = ringFromGeoJSON(input.boundary);
  if (!ring.ok) errors.push(userError(['input', 'boundary'], UserErrorCode.INVALID, ring.message));
  if (errors.length) throw new UserErrors(errors);

  let parent: GridRow | null = null;
  let community: typeof communities.$inferSelect;
  if (input.parentGridId) {
    const parentKey = keyOf(input.parentGridId, 'Grid', ['input', 'parentGridId']);
    parent = await found(tx.select().from(grids).where(eq(grids.id, parentKey)), ['input', 'parentGridId'], 'grid');
    community = await found(tx.select().from(communities).where(eq(communities.id, parent.communityId)), ['input', 'parentGridId'], 'community');
    if (input.communityId && keyOf(input.communityId, 'Community', ['input', 'communityId']) !== community.id) {
      refuse(['input', 'communityId'], UserErrorCode.INVALID, 'A grid lies in the community of its parent grid.');
    }
  } else {
    const communityKey = keyOf(input.communityId!, 'Community', ['input', 'communityId']);
    community = await found(tx.select().from(communities).where(eq(communities.id, communityKey)), ['input', 'communityId'], 'community');
  }
  const place = { districtId: community.districtId, streetId: community.streetId, communityId: community.id, gridId: parent?.id };
  await assertMayChange(tx, viewer, place, parent ? ['input', 'parentGridId'] : ['input', 'communityId']);

  const level = LEVEL_UNDER[parent?.level ?? 'NONE'];
  if (!level) refuse(['input', 'parentGridId'], UserErrorCode.INVALID, 'A micro grid is the finest level; it has no sub-grids.');
  const boundary = (ring as { ring: GridRow['boundary'] }).ring;
  if (parent && !ringContainsRing(parent.boundary, boundary)) {
    refuse(['input', 'boundary'], UserErrorCode.INVALID, `The boundary must lie inside the parent grid ${parent.code}.`);
  }

  const prefix = parent?.code ?? community.code;
  let code = input.code;
  if (code) {
    if (!new RegExp(`^${prefix}-\\d{2,3}$`).test(code)) {
      refuse(['input', 'code'], UserErrorCode.INVALID, `This grid's code is ${prefix} followed by "-NN".`);
    }
  } else {
    const [{ last }] = await tx
      .select({ last: max(grids.code) })
      .from(grids)
      .where(and(eq(grids.communityId, community.id), parent ? eq(grids.parentGridId, parent.id) : isNull(grids.parentGridId)));
    code = nextCode(last, prefix, 2, '-');
  }
  const [row] = await unique(
    tx.insert(grids).values({
      districtId: community.districtId, streetId: community.streetId, communityId: community.id,
      parentGridId: parent?.id ?? null, level, depth: (parent?.depth ?? 0) + 1, code, name: input.name.trim(), boundary,
    }).returning(),
    ['input', 'code'], `The grid code ${code} is already taken.`,
  );
  return asGrid(row);
}

export async function updateGrid(tx: Tx, viewer: Viewer, id: string, input: In.GridUpdateInput) {
  const key = keyOf(id, 'Grid', ['id']);
  const grid = await found(tx.select().from(grids).where(eq(grids.id, key)), ['id'], 'grid');
  await assertMayChange(tx, viewer, { districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.parentGridId ?? -1 }, ['id']);
  let boundary = grid.boundary;
  if (input.boundary !== undefined && input.boundary !== null) {
    boundary = boundaryOf(input.boundary, ['input', 'boundary']);
    if (grid.parentGridId !== null) {
      const [parent] = await tx.select().from(grids).where(eq(grids.id, grid.parentGridId));
      if (!ringContainsRing(parent.boundary, boundary)) {
        refuse(['input', 'boundary'], UserErrorCode.INVALID, `The boundary must lie inside the parent grid ${parent.code}.`);
      }
    }
    const children = await tx.select().from(grids).where(eq(grids.parentGridId, grid.id));
    const outside = children.find((c) => !ringContainsRing(boundary, c.boundary));
    if (outside) refuse(['input', 'boundary'], UserErrorCode.INVALID, `The boundary must keep the sub-grid ${outside.code} inside it.`);
  }
  const [row] = await tx
    .update(grids)
    .set({ name: input.name?.trim() ?? grid.name, boundary, updatedAt: new Date() })
    .where(eq(grids.id, key))
    .returning();
  return asGrid(row);
}

// Buildings, households, residents ----------------------------------------------------------

async function gridForChange(tx: Tx, viewer: Viewer, id: string, field: string[]) {
  const grid = await found(tx.select().from(grids).where(eq(grids.id, keyOf(id, 'Grid', field))), field, 'grid');
  await assertMayChange(tx, viewer, { districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id }, field);
  return grid;
}

/** A row the viewer may read (scoped), else NOT_FOUND: existence outside one's area is not disclosed. */
async function visible<T>(viewer: Viewer, rows: (scope: SQL | undefined) => Promise<T[]>, scope: typeof BUILDING_UNITS, field: string[], what: string) {
  return found(rows(scopeCondition(viewer, scope)), field, what);
}

export async function createBuilding(tx: Tx, viewer: Viewer, input: In.BuildingCreateInput) {
  const grid = await gridForChange(tx, viewer, input.gridId, ['input', 'gridId']);
  const [row] = await tx.insert(buildings).values({
    districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id,
    name: input.name.trim(), address: input.address.trim(), floors: input.floors ?? null,
  }).returning();
  return asBuilding(row);
}

export async function updateBuilding(tx: Tx, viewer: Viewer, id: string, input: In.BuildingUpdateInput) {
  const key = keyOf(id, 'Building', ['id']);
  const building = await visible(viewer, (s) => tx.select().from(buildings).where(and(eq(buildings.id, key), s)), BUILDING_UNITS, ['id'], 'building');
  await assertMayChange(tx, viewer, building, ['id']);
  const [row] = await tx.update(buildings).set({
    name: input.name?.trim() ?? building.name,
    address: input.address?.trim() ?? building.address,
    floors: input.floors ?? building.floors,
    updatedAt: new Date(),
  }).where(eq(buildings.id, key)).returning();
  return asBuilding(row);
}

function checkFloorArea(value: string, field: string[]): void {
  if (!(Number(value) > 0)) refuse(field, UserErrorCode.INVALID, 'Floor area must be more than 0 m².');
}

export async function createHousehold(tx: Tx, viewer: Viewer, input: In.HouseholdCreateInput) {
  const buildingKey = keyOf(input.buildingId, 'Building', ['input', 'buildingId']);
  const building = await visible(viewer, (s) => tx.select().from(buildings).where(and(eq(buildings.id, buildingKey), s)), BUILDING_UNITS, ['input', 'buildingId'], 'building');
  await assertMayChange(tx, viewer, building, ['input', 'buildingId']);
  checkFloorArea(input.floorArea, ['input', 'floorArea']);
  const room = input.room.trim();
  const [taken] = await tx.select({ id: households.id }).from(households).where(and(eq(households.buildingId, building.id), eq(households.room, room)));
  const duplicate = `Room ${room} of this building is already recorded.`;
  if (taken) refuse(['input', 'room'], UserErrorCode.DUPLICATE, duplicate);
  const [row] = await unique(tx.insert(households).values({
    districtId: building.districtId, streetId: building.streetId, communityId: building.communityId, gridId: building.gridId,
    buildingId: building.id, room, address: `${building.address}${room}`, floorArea: input.floorArea,
  }).returning(), ['input', 'room'], duplicate);
  return asHousehold(row);
}

export async function updateHousehold(tx: Tx, viewer: Viewer, id: string, input: In.HouseholdUpdateInput) {
  const key = keyOf(id, 'Household', ['id']);
  const household = await visible(viewer, (s) => tx.select().from(households).where(and(eq(households.id, key), s)), HOUSEHOLD_UNITS, ['id'], 'household');
  await assertMayChange(tx, viewer, { ...household, householdId: household.id }, ['id']);
  if (input.floorArea) checkFloorArea(input.floorArea, ['input', 'floorArea']);
  const room = input.room?.trim() ?? household.room;
  const [building] = await tx.select().from(buildings).where(eq(buildings.id, household.buildingId));
  const duplicate = `Room ${room} of this building is already recorded.`;
  const [row] = await unique(tx.update(households).set({
    room, address: `${building.address}${room}`, floorArea: input.floorArea ?? household.floorArea, updatedAt: new Date(),
  }).where(eq(households.id, key)).returning(), ['input', 'room'], duplicate);
  return asHousehold(row);
}

interface IdentityInput {
  idCardNumber?: string | null;
  phone?: string | null;
  gender?: string | null;
  birthDate?: string | null;
}

/** Every identity rule at once, so a form shows all its mistakes together. */
function checkIdentity(input: IdentityInput, required: boolean): { gender?: 'MALE' | 'FEMALE'; birthDate?: string } {
  const errors: UserError[] = [];
  let facts: { gender?: 'MALE' | 'FEMALE'; birthDate?: string } = {};
  const idCard = input.idCardNumber ? normaliseIdCard(input.idCardNumber) : undefined;
  if (idCard) {
    const check = checkIdCard(idCard);
    if (!check.ok) errors.push(userError(['input', 'idCardNumber'], UserErrorCode.INVALID, check.message));
    else {
      facts = check.facts;
      if (input.gender && input.gender !== facts.gender) {
        errors.push(userError(['input', 'gender'], UserErrorCode.INVALID, `The ID card number belongs to a ${facts.gender === 'MALE' ? 'man' : 'woman'}.`));
      }
      if (input.birthDate && input.birthDate !== facts.birthDate) {
        errors.push(userError(['input', 'birthDate'], UserErrorCode.INVALID, `The ID card number gives the birth date ${facts.birthDate}.`));
      }
    }
  } else if (required) {
    errors.push(userError(['input', 'idCardNumber'], UserErrorCode.REQUIRED, 'An ID card number is required.'));
  }
  if (input.phone && !isMainlandMobile(input.phone.trim())) {
    errors.push(userError(['input', 'phone'], UserErrorCode.INVALID, 'A mobile number has 11 digits and starts with 13–19.'));
  }
  if (errors.length) throw new UserErrors(errors);
  return facts;
}

async function assertIdCardFree(tx: Tx, hash: string, except?: number): Promise<void> {
  const [taken] = await tx.select({ id: residents.id }).from(residents).where(eq(residents.idCardHash, hash));
  if (taken && taken.id !== except) {
    refuse(['input', 'idCardNumber'], UserErrorCode.DUPLICATE, 'A resident with this ID card number is already recorded.');
  }
}

async function assertOneHouseholder(tx: Tx, householdId: number, except?: number): Promise<void> {
  const [other] = await tx.select({ id: residents.id }).from(residents).where(and(eq(residents.householdId, householdId), eq(residents.householder, true)));
  if (other && other.id !== except) {
    refuse(['input', 'householder'], UserErrorCode.DUPLICATE, 'This household already has a householder (户主); change that resident first.');
  }
}

async function householdForChange(tx: Tx, viewer: Viewer, id: string, field: string[]) {
  const key = keyOf(id, 'Household', field);
  const household = await visible(viewer, (s) => tx.select().from(households).where(and(eq(households.id, key), s)), HOUSEHOLD_UNITS, field, 'household');
  await assertMayChange(tx, viewer, { ...household, householdId: household.id }, field);
  return household;
}

const DUPLICATE_ID_CARD = 'A resident with this ID card number is already recorded.';

export async function createResident(tx: Tx, viewer: Viewer, personalDataKey: PersonalDataKey, input: In.ResidentCreateInput) {
  const facts = checkIdentity(input, true);
  const household = await householdForChange(tx, viewer, input.householdId, ['input', 'householdId']);
  const idCard = storedIdCard(personalDataKey, input.idCardNumber);
  await assertIdCardFree(tx, idCard.idCardHash);
  if (input.householder) await assertOneHouseholder(tx, household.id);
  const [row] = await unique(tx.insert(residents).values({
    districtId: household.districtId, streetId: household.streetId, communityId: household.communityId, gridId: household.gridId,
    householdId: household.id, name: input.name.trim(), ...idCard, phone: input.phone?.trim() || null,
    gender: facts.gender!, birthDate: facts.birthDate!, registration: input.registration,
    tags: [...new Set(input.tags)], householder: input.householder,
  }).returning(), ['input', 'idCardNumber'], DUPLICATE_ID_CARD);
  return asResident(row);
}

export async function updateResident(tx: Tx, viewer: Viewer, personalDataKey: PersonalDataKey, id: string, input: In.ResidentUpdateInput) {
  const key = keyOf(id, 'Resident', ['id']);
  const resident = await visible(viewer, (s) => tx.select().from(residents).where(and(eq(residents.id, key), s)), RESIDENT_UNITS, ['id'], 'resident');
  await assertMayChange(tx, viewer, resident, ['id']);
  const facts = checkIdentity(input, false);
  const household = input.householdId ? await householdForChange(tx, viewer, input.householdId, ['input', 'householdId']) : null;
  // A number sealed again gets a new IV: re-seal only a number that changed, so an unchanged one keeps its stored text.
  const idCard = input.idCardNumber && idCardHash(personalDataKey, input.idCardNumber) !== resident.idCardHash ? storedIdCard(personalDataKey, input.idCardNumber) : null;
  if (idCard) await assertIdCardFree(tx, idCard.idCardHash, resident.id);
  const householder = input.householder ?? resident.householder;
  const householdId = household?.id ?? resident.householdId;
  if (householder) await assertOneHouseholder(tx, householdId, resident.id);
  const place = household ?? { districtId: resident.districtId, streetId: resident.streetId, communityId: resident.communityId, gridId: resident.gridId };
  const [row] = await unique(tx.update(residents).set({
    districtId: place.districtId, streetId: place.streetId, communityId: place.communityId, gridId: place.gridId, householdId,
    name: input.name?.trim() ?? resident.name,
    ...idCard,
    gender: facts.gender ?? resident.gender,
    birthDate: facts.birthDate ?? resident.birthDate,
    phone: input.phone === undefined || input.phone === null ? resident.phone : input.phone.trim() || null,
    registration: input.registration ?? resident.registration,
    tags: input.tags ? [...new Set(input.tags)] : resident.tags,
    householder,
    updatedAt: new Date(),
  }).where(eq(residents.id, key)).returning(), ['input', 'idCardNumber'], DUPLICATE_ID_CARD);
  return asResident(row);
}

// Staff ------------------------------------------------------------------------------------

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export async function createStaffAssignment(tx: Tx, viewer: Viewer, input: In.StaffAssignmentCreateInput) {
  if (Boolean(input.staffMemberId) === Boolean(input.newMember)) {
    refuse(['input', 'staffMemberId'], UserErrorCode.REQUIRED, 'Give either an existing person (staffMemberId) or a new one (newMember).');
  }
  if (input.newMember && !isMainlandMobile(input.newMember.phone.trim())) {
    refuse(['input', 'newMember', 'phone'], UserErrorCode.INVALID, 'A mobile number has 11 digits and starts with 13–19.');
  }
  const grid = await gridForChange(tx, viewer, input.gridId, ['input', 'gridId']);
  let buildingId: number | null = null;
  if (input.role === 'BUILDING_HEAD' && !input.buildingId) {
    refuse(['input', 'buildingId'], UserErrorCode.REQUIRED, 'A building head (楼栋长) is assigned to a building.');
  }
  if (input.buildingId) {
    const key = keyOf(input.buildingId, 'Building', ['input', 'buildingId']);
    const building = await found(tx.select().from(buildings).where(eq(buildings.id, key)), ['input', 'buildingId'], 'building');
    const [inGrid] = await tx.select({ id: grids.id }).from(grids).where(and(eq(grids.id, building.gridId), sql`${grids.id} in ${gridSubtree(grid.id)}`));
    if (!inGrid) refuse(['input', 'buildingId'], UserErrorCode.INVALID, 'The building does not stand in this grid.');
    buildingId = building.id;
  }
  let memberId: number;
  if (input.staffMemberId) {
    memberId = keyOf(input.staffMemberId, 'StaffMember', ['input', 'staffMemberId']);
    await found(tx.select({ id: staffMembers.id }).from(staffMembers).where(eq(staffMembers.id, memberId)), ['input', 'staffMemberId'], 'staff member');
    const [same] = await tx.select({ id: staffAssignments.id }).from(staffAssignments).where(and(
      eq(staffAssignments.staffMemberId, memberId), eq(staffAssignments.gridId, grid.id), eq(staffAssignments.role, input.role), isNull(staffAssignments.endedOn),
    ));
    if (same) refuse(['input', 'role'], UserErrorCode.DUPLICATE, 'This person already serves in this role in this grid.');
  } else {
    const [member] = await tx.insert(staffMembers).values({ name: input.newMember!.name.trim(), phone: input.newMember!.phone.trim() }).returning();
    memberId = member.id;
  }
  const [row] = await tx.insert(staffAssignments).values({
    districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id, buildingId,
    staffMemberId: memberId, role: input.role, startedOn: input.startedOn ?? today(),
  }).returning();
  return asStaffAssignment(row);
}

export async function updateStaffAssignment(tx: Tx, viewer: Viewer, id: string, input: In.StaffAssignmentUpdateInput) {
  const key = keyOf(id, 'StaffAssignment', ['id']);
  const assignment = await found(tx.select().from(staffAssignments).where(eq(staffAssignments.id, key)), ['id'], 'staff assignment');
  await assertMayChange(tx, viewer, assignment, ['id']);
  if (input.endedOn && input.endedOn < assignment.startedOn) {
    refuse(['input', 'endedOn'], UserErrorCode.INVALID, `An assignment cannot end before it started (${assignment.startedOn}).`);
  }
  if (input.role === 'BUILDING_HEAD' && assignment.buildingId === null) {
    refuse(['input', 'role'], UserErrorCode.INVALID, 'A building head (楼栋长) is assigned to a building; create a new assignment with one.');
  }
  const [row] = await tx.update(staffAssignments).set({
    role: input.role ?? assignment.role, endedOn: input.endedOn ?? assignment.endedOn, updatedAt: new Date(),
  }).where(eq(staffAssignments.id, key)).returning();
  return asStaffAssignment(row);
}
