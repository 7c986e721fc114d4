import { Arg, Args, Ctx, FieldResolver, Float, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ForwardPageArgs, PageArgs } from '../../graphql/connection';
import { badUserInput } from '../../graphql/errors';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import * as In from './grid.inputs';
import * as L from './grid.loaders';
import * as service from './grid.service';
import { unitStats } from './grid.stats';
import * as T from './grid.types';

registerNodeType('District', (ctx, key) => L.districtById(ctx).load(key));
registerNodeType('Street', (ctx, key) => L.streetById(ctx).load(key));
registerNodeType('Community', (ctx, key) => L.communityById(ctx).load(key));
registerNodeType('Grid', (ctx, key) => L.gridById(ctx).load(key));
registerNodeType('Building', (ctx, key) => L.buildingById(ctx).load(key));
registerNodeType('Household', (ctx, key) => L.householdById(ctx).load(key));
registerNodeType('Resident', (ctx, key) => L.residentById(ctx).load(key));
registerNodeType('StaffMember', (ctx, key) => L.staffMemberById(ctx).load(key));
registerNodeType('StaffAssignment', (ctx, key) => L.staffAssignmentById(ctx).load(key));

@Resolver()
export class GridQueryResolver {
  @Query(() => T.DistrictConnection, { description: 'Districts and counties (区/县) of the city.' })
  districts(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return service.listDistricts(ctx, args);
  }

  @Query(() => T.StreetConnection, { description: 'Streets and towns (街道/乡镇).' })
  streets(@Args(() => In.StreetsArgs) args: In.StreetsArgs, @Ctx() ctx: Context) {
    return service.listStreets(ctx, args);
  }

  @Query(() => T.CommunityConnection, { description: 'Communities and villages (社区/村).' })
  communities(@Args(() => In.CommunitiesArgs) args: In.CommunitiesArgs, @Ctx() ctx: Context) {
    return service.listCommunities(ctx, args);
  }

  @Query(() => T.GridConnection, { description: 'Grids (网格) of every level; boundaries are public.' })
  grids(@Args(() => In.GridsArgs) args: In.GridsArgs, @Ctx() ctx: Context) {
    return service.listGrids(ctx, args);
  }

  @Query(() => T.BuildingConnection, { description: 'Buildings (楼栋) the viewer may see.' })
  buildings(@Args(() => In.BuildingsArgs) args: In.BuildingsArgs, @Ctx() ctx: Context) {
    return service.listBuildings(ctx, args);
  }

  @Query(() => T.HouseholdConnection, { description: 'Households (户) the viewer may see.' })
  households(@Args(() => In.HouseholdsArgs) args: In.HouseholdsArgs, @Ctx() ctx: Context) {
    return service.listHouseholds(ctx, args);
  }

  @Query(() => T.ResidentConnection, { description: 'Residents (居民) the viewer may see.' })
  residents(@Args(() => In.ResidentsArgs) args: In.ResidentsArgs, @Ctx() ctx: Context) {
    return service.listResidents(ctx, args);
  }

  @Query(() => T.StaffAssignmentConnection, { description: 'Grid staff and their roles: the public contact board (公开亮身份).' })
  staffAssignments(@Args(() => In.StaffAssignmentsArgs) args: In.StaffAssignmentsArgs, @Ctx() ctx: Context) {
    return service.listStaffAssignments(ctx, args);
  }

  @Query(() => T.Grid, { nullable: true, description: 'The deepest grid whose boundary contains the point; null outside every grid.' })
  gridAt(
    @Arg('longitude', () => Float, { description: 'WGS-84 longitude.' }) longitude: number,
    @Arg('latitude', () => Float, { description: 'WGS-84 latitude.' }) latitude: number,
    @Ctx() ctx: Context,
  ) {
    if (Math.abs(longitude) > 180) throw badUserInput('longitude lies in [-180, 180].', 'longitude');
    if (Math.abs(latitude) > 90) throw badUserInput('latitude lies in [-90, 90].', 'latitude');
    return service.gridAt(ctx.db, longitude, latitude);
  }

  @Query(() => T.Grid, { nullable: true, description: 'The grid with this unified code (统一编号).' })
  gridByCode(@Arg('code', () => String, { description: 'Unified grid code (统一编号), e.g. "371602001001-01-02".' }) code: string, @Ctx() ctx: Context) {
    return service.gridByCode(ctx.db, code);
  }
}

@Resolver(() => T.District)
export class DistrictResolver {
  @FieldResolver(() => T.StreetConnection, { description: 'Streets and towns (街道/乡镇) of the district, in code order.' })
  streets(@Root() district: L.Mapped<L.DistrictRow>, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.streetsOfDistrict, args, district.key);
  }
}

@Resolver(() => T.Street)
export class StreetResolver {
  @FieldResolver(() => T.District, { description: 'District or county (区/县) the street belongs to.' })
  district(@Root() street: L.Mapped<L.StreetRow>, @Ctx() ctx: Context) {
    return L.districtById(ctx).load(street.districtId);
  }

  @FieldResolver(() => T.CommunityConnection, { description: 'Communities and villages (社区/村) of the street, in code order.' })
  communities(@Root() street: L.Mapped<L.StreetRow>, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.communitiesOfStreet, args, street.key);
  }

  @FieldResolver(() => T.UnitStats, { description: 'Households, residents, tags and staff of the street.' })
  stats(@Root() street: L.Mapped<L.StreetRow>, @Ctx() ctx: Context) {
    return unitStats(ctx, 'Street', street.key);
  }
}

@Resolver(() => T.Community)
export class CommunityResolver {
  @FieldResolver(() => T.Street, { description: 'Street or town (街道/乡镇) the community belongs to.' })
  street(@Root() community: L.Mapped<L.CommunityRow>, @Ctx() ctx: Context) {
    return L.streetById(ctx).load(community.streetId);
  }

  @FieldResolver(() => T.GridConnection, { description: 'Every grid of the community, all levels, in code order.' })
  grids(@Root() community: L.Mapped<L.CommunityRow>, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.gridsOfCommunity, args, community.key);
  }

  @FieldResolver(() => T.UnitStats, { description: 'Households, residents, tags and staff of the community.' })
  stats(@Root() community: L.Mapped<L.CommunityRow>, @Ctx() ctx: Context) {
    return unitStats(ctx, 'Community', community.key);
  }
}

@Resolver(() => T.Grid)
export class GridResolver {
  @FieldResolver(() => T.Community, { description: 'Community (社区) the grid belongs to.' })
  community(@Root() grid: L.GridNode, @Ctx() ctx: Context) {
    return L.communityById(ctx).load(grid.communityId);
  }

  @FieldResolver(() => T.Grid, { nullable: true, description: 'The grid one level up; null for a level-1 grid.' })
  parent(@Root() grid: L.GridNode, @Ctx() ctx: Context) {
    return grid.parentGridId === null ? null : L.gridById(ctx).load(grid.parentGridId);
  }

  @FieldResolver(() => T.GridConnection, { description: 'Grids one level down.' })
  children(@Root() grid: L.GridNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.childrenOfGrid, args, grid.key);
  }

  @FieldResolver(() => T.BuildingConnection, { description: 'Buildings standing in this grid itself (micro grids hold buildings); `buildings(filter: {within:})` lists a whole subtree.' })
  buildings(@Root() grid: L.GridNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.buildingsOfGrid(ctx), args, grid.key);
  }

  @FieldResolver(() => [T.StaffAssignment], { description: 'Who serves in this grid now: the public contact board (公开亮身份).' })
  staff(@Root() grid: L.GridNode, @Ctx() ctx: Context) {
    return L.staffOfGrid(ctx, grid.key);
  }

  @FieldResolver(() => T.UnitStats, { description: 'Households, residents, tags and staff of the grid and its sub-grids.' })
  stats(@Root() grid: L.GridNode, @Ctx() ctx: Context) {
    return unitStats(ctx, 'Grid', grid.key);
  }
}

@Resolver(() => T.Building)
export class BuildingResolver {
  @FieldResolver(() => T.Grid, { description: 'Grid (网格) the building stands in.' })
  grid(@Root() building: L.Mapped<L.BuildingRow>, @Ctx() ctx: Context) {
    return L.gridById(ctx).load(building.gridId);
  }

  @FieldResolver(() => T.HouseholdConnection, { description: 'Households (户) in the building.' })
  households(@Root() building: L.Mapped<L.BuildingRow>, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.householdsOfBuilding(ctx), args, building.key);
  }
}

@Resolver(() => T.Household)
export class HouseholdResolver {
  @FieldResolver(() => T.Building, { description: 'Building (楼栋) the household is in.' })
  building(@Root() household: L.Mapped<L.HouseholdRow>, @Ctx() ctx: Context) {
    return L.buildingById(ctx).load(household.buildingId);
  }

  @FieldResolver(() => T.Grid, { description: 'Grid (网格) the household belongs to: the grid of its building.' })
  grid(@Root() household: L.Mapped<L.HouseholdRow>, @Ctx() ctx: Context) {
    return L.gridById(ctx).load(household.gridId);
  }

  @FieldResolver(() => T.ResidentConnection, { description: 'Residents (居民) recorded in the household.' })
  residents(@Root() household: L.Mapped<L.HouseholdRow>, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.residentsOfHousehold(ctx), args, household.key);
  }
}

@Resolver(() => T.Resident)
export class ResidentResolver {
  @FieldResolver(() => T.Household, { description: 'Household (户) the resident belongs to.' })
  household(@Root() resident: L.ResidentNode, @Ctx() ctx: Context) {
    return L.householdById(ctx).load(resident.householdId);
  }

  @FieldResolver(() => T.ResidentPersonalData, {
    nullable: true,
    description: 'Whole ID card number and phone, for roles that need them. Each read is logged with the reason (PIPL).',
  })
  personalData(
    @Root() resident: L.ResidentNode,
    @Arg('reason', () => String, { description: 'Why you need the whole data, kept in the access log, e.g. "入户走访核对身份".' }) reason: string,
    @Ctx() ctx: Context,
  ) {
    return L.personalDataOf(ctx, resident.key, reason);
  }
}

@Resolver(() => T.StaffAssignment)
export class StaffAssignmentResolver {
  @FieldResolver(() => T.StaffMember, { description: 'The person serving, with the public name and phone.' })
  staffMember(@Root() assignment: L.Mapped<L.StaffAssignmentRow>, @Ctx() ctx: Context) {
    return L.staffMemberById(ctx).load(assignment.staffMemberId);
  }

  @FieldResolver(() => T.Grid, { description: 'Grid (网格) the person serves in.' })
  grid(@Root() assignment: L.Mapped<L.StaffAssignmentRow>, @Ctx() ctx: Context) {
    return L.gridById(ctx).load(assignment.gridId);
  }

  @FieldResolver(() => T.Building, { nullable: true, description: 'The building of a building head (楼栋长).' })
  building(@Root() assignment: L.Mapped<L.StaffAssignmentRow>, @Ctx() ctx: Context) {
    return assignment.buildingId === null ? null : L.buildingById(ctx).load(assignment.buildingId);
  }
}

@Resolver()
export class GridMutationResolver {
  @Mutation(() => T.StreetPayload, { description: 'Create a street in a district.' })
  streetCreate(@Arg('input', () => In.StreetCreateInput, { description: 'District, code and name of the new street (街道).' }) input: In.StreetCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'street', input, (tx) => service.createStreet(tx, ctx.viewer, input));
  }

  @Mutation(() => T.StreetPayload, { description: 'Rename a street.' })
  streetUpdate(@Arg('id', () => ID, { description: 'The street to change.' }) id: string, @Arg('input', () => In.StreetUpdateInput, { description: 'The changes to the street.' }) input: In.StreetUpdateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'street', input, (tx) => service.updateStreet(tx, ctx.viewer, id, input));
  }

  @Mutation(() => T.CommunityPayload, { description: 'Create a community in a street.' })
  communityCreate(@Arg('input', () => In.CommunityCreateInput, { description: 'Street, code and name of the new community (社区).' }) input: In.CommunityCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'community', input, (tx) => service.createCommunity(tx, ctx.viewer, input));
  }

  @Mutation(() => T.CommunityPayload, { description: 'Rename a community.' })
  communityUpdate(@Arg('id', () => ID, { description: 'The community to change.' }) id: string, @Arg('input', () => In.CommunityUpdateInput, { description: 'The changes to the community.' }) input: In.CommunityUpdateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'community', input, (tx) => service.updateCommunity(tx, ctx.viewer, id, input));
  }

  @Mutation(() => T.GridPayload, { description: 'Draw a grid: level 1 in a community, or a sub-grid inside a parent grid.' })
  gridCreate(@Arg('input', () => In.GridCreateInput, { description: 'Community or parent grid, code, name and boundary of the new grid (网格).' }) input: In.GridCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'grid', input, (tx) => service.createGrid(tx, ctx.viewer, input));
  }

  @Mutation(() => T.GridPayload, { description: 'Rename a grid or redraw its boundary.' })
  gridUpdate(@Arg('id', () => ID, { description: 'The grid to change.' }) id: string, @Arg('input', () => In.GridUpdateInput, { description: 'The changes to the grid.' }) input: In.GridUpdateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'grid', input, (tx) => service.updateGrid(tx, ctx.viewer, id, input));
  }

  @Mutation(() => T.BuildingPayload, { description: 'Record a building in a grid.' })
  buildingCreate(@Arg('input', () => In.BuildingCreateInput, { description: 'Grid, name, address and floors of the new building (楼栋).' }) input: In.BuildingCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'building', input, (tx) => service.createBuilding(tx, ctx.viewer, input));
  }

  @Mutation(() => T.BuildingPayload, { description: 'Correct a building.' })
  buildingUpdate(@Arg('id', () => ID, { description: 'The building to correct.' }) id: string, @Arg('input', () => In.BuildingUpdateInput, { description: 'The corrections to the building.' }) input: In.BuildingUpdateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'building', input, (tx) => service.updateBuilding(tx, ctx.viewer, id, input));
  }

  @Mutation(() => T.HouseholdPayload, { description: 'Record a household in a building.' })
  householdCreate(@Arg('input', () => In.HouseholdCreateInput, { description: 'Building, room and floor area of the new household (户).' }) input: In.HouseholdCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'household', input, (tx) => service.createHousehold(tx, ctx.viewer, input));
  }

  @Mutation(() => T.HouseholdPayload, { description: 'Correct a household.' })
  householdUpdate(@Arg('id', () => ID, { description: 'The household to correct.' }) id: string, @Arg('input', () => In.HouseholdUpdateInput, { description: 'The corrections to the household.' }) input: In.HouseholdUpdateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'household', input, (tx) => service.updateHousehold(tx, ctx.viewer, id, input));
  }

  @Mutation(() => T.ResidentPayload, { description: 'Record a resident in a household.' })
  residentCreate(@Arg('input', () => In.ResidentCreateInput, { description: 'Household, identity and tags of the new resident (居民).' }) input: In.ResidentCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'resident', input, (tx) => service.createResident(tx, ctx.viewer, ctx.config.personalDataKey, input));
  }

  @Mutation(() => T.ResidentPayload, { description: 'Correct a resident, or move them to another household.' })
  residentUpdate(@Arg('id', () => ID, { description: 'The resident to correct or move.' }) id: string, @Arg('input', () => In.ResidentUpdateInput, { description: 'The corrections to the resident.' }) input: In.ResidentUpdateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'resident', input, (tx) => service.updateResident(tx, ctx.viewer, ctx.config.personalDataKey, id, input));
  }

  @Mutation(() => T.StaffAssignmentPayload, { description: 'Assign a person to a role in a grid.' })
  staffAssignmentCreate(@Arg('input', () => In.StaffAssignmentCreateInput, { description: 'Grid, role and person of the new assignment.' }) input: In.StaffAssignmentCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'staffAssignment', input, (tx) => service.createStaffAssignment(tx, ctx.viewer, input));
  }

  @Mutation(() => T.StaffAssignmentPayload, { description: 'Change a role or end an assignment.' })
  staffAssignmentUpdate(@Arg('id', () => ID, { description: 'The assignment to change or end.' }) id: string, @Arg('input', () => In.StaffAssignmentUpdateInput, { description: 'The changes to the assignment.' }) input: In.StaffAssignmentUpdateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'staffAssignment', input, (tx) => service.updateStaffAssignment(tx, ctx.viewer, id, input));
  }
}

export const gridResolvers = [
  GridQueryResolver, DistrictResolver, StreetResolver, CommunityResolver, GridResolver, BuildingResolver,
  HouseholdResolver, ResidentResolver, StaffAssignmentResolver, GridMutationResolver,
] as const;
