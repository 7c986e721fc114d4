import { sql } from 'drizzle-orm';
import { buildingOfHousehold, type UnitColumns } from '../../auth/scope';
import { partyMembers } from '../party/party.tables';
import { buildings, communities, grids, households, residents, staffAssignments, streets } from './grid.tables';

/** How each grid-domain table hangs in the hierarchy, for subtree filters and viewer scope. */
export const STREET_UNITS: UnitColumns = { District: streets.districtId, Street: streets.id };
export const COMMUNITY_UNITS: UnitColumns = { District: communities.districtId, Street: communities.streetId, Community: communities.id };
export const GRID_UNITS: UnitColumns = { District: grids.districtId, Street: grids.streetId, Community: grids.communityId, Grid: grids.id };
export const BUILDING_UNITS: UnitColumns = {
  District: buildings.districtId,
  Street: buildings.streetId,
  Community: buildings.communityId,
  Grid: buildings.gridId,
  Building: buildings.id,
  Household: buildingOfHousehold(buildings.id),
};
/**
 * Who reads which buildings: the hierarchy, and a party member the buildings of their own
 * community, where they hang their commitments (挂牌承诺). Not a filter: `within` takes BUILDING_UNITS.
 */
export const BUILDING_READERS: UnitColumns = {
  ...BUILDING_UNITS,
  PartyMember: (key) => sql`${buildings.communityId} = (select ${partyMembers.communityId} from ${partyMembers} where ${partyMembers.id} = ${key})`,
};
export const HOUSEHOLD_UNITS: UnitColumns = {
  District: households.districtId,
  Street: households.streetId,
  Community: households.communityId,
  Grid: households.gridId,
  Building: households.buildingId,
  Household: households.id,
};
export const RESIDENT_UNITS: UnitColumns = {
  District: residents.districtId,
  Street: residents.streetId,
  Community: residents.communityId,
  Grid: residents.gridId,
  Building: (key) => sql`${residents.householdId} in (select ${households.id} from ${households} where ${households.buildingId} = ${key})`,
  Household: residents.householdId,
};
export const STAFF_ASSIGNMENT_UNITS: UnitColumns = {
  District: staffAssignments.districtId,
  Street: staffAssignments.streetId,
  Community: staffAssignments.communityId,
  Grid: staffAssignments.gridId,
  Building: staffAssignments.buildingId,
};
