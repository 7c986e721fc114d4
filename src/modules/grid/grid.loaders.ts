import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { scopeCondition, type UnitColumns } from '../../auth/scope';
import type { Context } from '../../context';
import { revealPersonalData, type PersonalDataSource } from '../audit/personal-data';
import { OrderDirection, type Ordering } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper, type NodeRow } from '../../graphql/node';
import { ringToGeoJSON } from './geometry';
import {
  buildings, communities, districts, grids, households, residents, staffAssignments, staffMembers, streets,
} from './grid.tables';
import { BUILDING_READERS, HOUSEHOLD_UNITS, RESIDENT_UNITS } from './grid.scope';
import { maskPhone } from './identity';

export type DistrictRow = typeof districts.$inferSelect;
export type StreetRow = typeof streets.$inferSelect;
export type CommunityRow = typeof communities.$inferSelect;
export type GridRow = typeof grids.$inferSelect;
export type BuildingRow = typeof buildings.$inferSelect;
export type HouseholdRow = typeof households.$inferSelect;
export type ResidentRow = typeof residents.$inferSelect;
export type StaffMemberRow = typeof staffMembers.$inferSelect;
export type StaffAssignmentRow = typeof staffAssignments.$inferSelect;

/** Rows as served. Whole ID numbers and phones never leave the database in a resident node. */
export const asDistrict = nodeMapper<DistrictRow>('District');
export const asStreet = nodeMapper<StreetRow>('Street');
export const asCommunity = nodeMapper<CommunityRow>('Community');
const gridNode = nodeMapper<GridRow>('Grid');
export const asGrid = (row: GridRow) => ({ ...gridNode(row), boundary: ringToGeoJSON(row.boundary) });
export const asBuilding = nodeMapper<BuildingRow>('Building');
export const asHousehold = nodeMapper<HouseholdRow>('Household');
const residentNode = nodeMapper<Omit<ResidentRow, 'idCardEncrypted' | 'idCardHash' | 'idCardMasked'>>('Resident');
/** The sealed number and its hash stay behind: nothing that serves or forwards a node carries them. */
export const asResident = ({ idCardEncrypted: _sealed, idCardHash: _hash, idCardMasked, ...row }: ResidentRow) => ({
  ...residentNode(row),
  idCardNumber: idCardMasked,
  phone: row.phone === null ? null : maskPhone(row.phone),
});
export const asStaffMember = nodeMapper<StaffMemberRow>('StaffMember');
export const asStaffAssignment = nodeMapper<StaffAssignmentRow>('StaffAssignment');

export type GridNode = ReturnType<typeof asGrid>;
export type ResidentNode = ReturnType<typeof asResident>;
export type Mapped<R extends { id: number }> = NodeRow<R>;

const byId = <R extends { id: number }, T>(ctx: Context, name: string, table: PgTable, map: (row: R) => T, scope?: UnitColumns) =>
  byIdLoader(ctx, name, table, map, scope ? scopeCondition(ctx.viewer, scope) : undefined);

export const districtById = (ctx: Context) => byId(ctx, 'District', districts, asDistrict);
export const streetById = (ctx: Context) => byId(ctx, 'Street', streets, asStreet);
export const communityById = (ctx: Context) => byId(ctx, 'Community', communities, asCommunity);
export const gridById = (ctx: Context) => byId(ctx, 'Grid', grids, asGrid);
export const buildingById = (ctx: Context) => byId(ctx, 'Building', buildings, asBuilding, BUILDING_READERS);
export const householdById = (ctx: Context) => byId(ctx, 'Household', households, asHousehold, HOUSEHOLD_UNITS);
export const residentById = (ctx: Context) => byId(ctx, 'Resident', residents, asResident, RESIDENT_UNITS);
export const staffMemberById = (ctx: Context) => byId(ctx, 'StaffMember', staffMembers, asStaffMember);
export const staffAssignmentById = (ctx: Context) => byId(ctx, 'StaffAssignment', staffAssignments, asStaffAssignment);

const byIdAsc = (column: PgColumn): Ordering => ({ column, key: 'id', direction: OrderDirection.ASC });
const byCodeAsc = (column: PgColumn): Ordering => ({ column, key: 'code', direction: OrderDirection.ASC });

export const streetsOfDistrict: ChildList<StreetRow, ReturnType<typeof asStreet>> = {
  name: 'District.streets', table: streets, parentColumn: streets.districtId, parentKey: 'districtId', ordering: byCodeAsc(streets.code), map: asStreet,
};
export const communitiesOfStreet: ChildList<CommunityRow, ReturnType<typeof asCommunity>> = {
  name: 'Street.communities', table: communities, parentColumn: communities.streetId, parentKey: 'streetId', ordering: byCodeAsc(communities.code), map: asCommunity,
};
export const gridsOfCommunity: ChildList<GridRow, GridNode> = {
  name: 'Community.grids', table: grids, parentColumn: grids.communityId, parentKey: 'communityId', ordering: byCodeAsc(grids.code), map: asGrid,
};
export const childrenOfGrid: ChildList<GridRow, GridNode> = {
  name: 'Grid.children', table: grids, parentColumn: grids.parentGridId, parentKey: 'parentGridId', ordering: byCodeAsc(grids.code), map: asGrid,
};

export function buildingsOfGrid(ctx: Context): ChildList<BuildingRow, ReturnType<typeof asBuilding>> {
  return {
    name: 'Grid.buildings', table: buildings, parentColumn: buildings.gridId, parentKey: 'gridId', ordering: byIdAsc(buildings.id), map: asBuilding,
    where: scopeCondition(ctx.viewer, BUILDING_READERS),
  };
}
export function householdsOfBuilding(ctx: Context): ChildList<HouseholdRow, ReturnType<typeof asHousehold>> {
  return {
    name: 'Building.households', table: households, parentColumn: households.buildingId, parentKey: 'buildingId', ordering: byIdAsc(households.id), map: asHousehold,
    where: scopeCondition(ctx.viewer, HOUSEHOLD_UNITS),
  };
}
export function residentsOfHousehold(ctx: Context): ChildList<ResidentRow, ResidentNode> {
  return {
    name: 'Household.residents', table: residents, parentColumn: residents.householdId, parentKey: 'householdId', ordering: byIdAsc(residents.id), map: asResident,
    where: scopeCondition(ctx.viewer, RESIDENT_UNITS),
  };
}

/** Serving staff of each grid (its contact board), one statement for all grids asked. */
export function staffOfGrid(ctx: Context, gridKey: number) {
  return ctx.loaders
    .get<number, ReturnType<typeof asStaffAssignment>[]>('Grid.staff', async (keys) => {
      const rows = await ctx.db
        .select()
        .from(staffAssignments)
        .where(and(inArray(staffAssignments.gridId, [...keys]), isNull(staffAssignments.endedOn)))
        .orderBy(staffAssignments.gridId, staffAssignments.role, staffAssignments.id);
      const byGrid = new Map<number, StaffAssignmentRow[]>();
      for (const row of rows) byGrid.set(row.gridId, [...(byGrid.get(row.gridId) ?? []), row]);
      return keys.map((k) => (byGrid.get(k) ?? []).map(asStaffAssignment));
    })
    .load(gridKey);
}

/** Whole ID numbers and phones of the residents the viewer may read (the access log is written by revealPersonalData). */
export const RESIDENT_PERSONAL_DATA: PersonalDataSource<{ idCardNumber: string; phone: string | null }> = {
  subjectType: 'Resident',
  readable: (ctx, keys) => sql`select ${residents.id} as id, ${residents.idCardEncrypted} as id_card_encrypted, ${residents.phone} as phone
    from ${residents} where ${and(inArray(residents.id, [...keys]), scopeCondition(ctx.viewer, RESIDENT_UNITS))}`,
  map: (row, ctx) => ({ idCardNumber: ctx.config.personalDataKey.open(row.id_card_encrypted as string), phone: row.phone as string | null }),
};

export function personalDataOf(ctx: Context, residentKey: number, reason: string) {
  return revealPersonalData(ctx, RESIDENT_PERSONAL_DATA, residentKey, reason);
}
