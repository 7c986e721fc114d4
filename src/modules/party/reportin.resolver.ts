import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ForwardPageArgs } from '../../graphql/connection';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { Decimal } from '../../graphql/scalars';
import { buildingById, communityById, gridById, type CommunityRow, type Mapped, type StreetRow } from '../grid/grid.loaders';
import { Building, Community, Grid, Street } from '../grid/grid.types';
import { partyMemberById, type PartyMemberNode } from './member.loaders';
import { PartyMember } from './member.types';
import { participationsOfReportIn } from './participation.loaders';
import { ParticipationConnection } from './participation.types';
import * as In from './reportin.inputs';
import * as L from './reportin.loaders';
import * as service from './reportin.service';
import { reportInStats } from './reportin.stats';
import * as T from './reportin.types';

registerNodeType('ReportingUnit', (ctx, key) => L.reportingUnitById(ctx).load(key));
registerNodeType('ReportIn', (ctx, key) => L.reportInById(ctx).load(key));

@Resolver()
export class ReportInQueryResolver {
  @Query(() => T.ReportingUnitConnection, { description: 'Reporting units (报到单位): organs, institutions and enterprises that report in to communities (双报到).' })
  reportingUnits(@Args(() => In.ReportingUnitsArgs) args: In.ReportingUnitsArgs, @Ctx() ctx: Context) {
    return service.listReportingUnits(ctx, args);
  }

  @Query(() => T.ReportInConnection, { description: 'Report-ins (双报到) the viewer may read, newest first: staff those of their area, a party member their own.' })
  reportIns(@Args(() => In.ReportInsArgs) args: In.ReportInsArgs, @Ctx() ctx: Context) {
    return service.listReportIns(ctx, args);
  }
}

@Resolver(() => T.ReportingUnit)
export class ReportingUnitResolver {
  @FieldResolver(() => T.ReportInConnection, { description: 'The unit\'s report-ins the viewer may read, newest first.' })
  reportIns(@Root() unit: L.ReportingUnitNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.reportInsOfUnit(ctx), args, unit.key);
  }

  @FieldResolver(() => T.ReportingUnitCounts, { description: 'Communities reported in to, members, participations and hours.' })
  counts(@Root() unit: L.ReportingUnitNode, @Ctx() ctx: Context) {
    return L.unitCounts(ctx, unit.key);
  }

  @FieldResolver(() => T.ReportingUnitPersonalData, {
    nullable: true,
    description: 'Whole phone of the contact person, for staff of an area the unit has reported in to (not withdrawn) who need to call them; null elsewhere. Each read is logged with the reason (PIPL).',
  })
  personalData(
    @Root() unit: L.ReportingUnitNode,
    @Arg('reason', () => String, { description: 'Why you need the whole number, kept in the access log, e.g. "联系报到事宜".' }) reason: string,
    @Ctx() ctx: Context,
  ) {
    return L.contactOfReportingUnit(ctx, unit.key, reason);
  }
}

@Resolver(() => T.ReportIn)
export class ReportInResolver {
  @FieldResolver(() => T.ReportingUnit, { nullable: true, description: 'The unit that reported in; null for a member\'s report-in.' })
  unit(@Root() reportIn: L.ReportInNode, @Ctx() ctx: Context) {
    return reportIn.unitId === null ? null : L.reportingUnitById(ctx).load(reportIn.unitId);
  }

  @FieldResolver(() => PartyMember, { nullable: true, description: 'The in-service member who reported in; null for a unit\'s report-in.' })
  member(@Root() reportIn: L.ReportInNode, @Ctx() ctx: Context) {
    return reportIn.memberId === null ? null : partyMemberById(ctx).load(reportIn.memberId);
  }

  @FieldResolver(() => Community, { description: 'The community reported in to.' })
  community(@Root() reportIn: L.ReportInNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(reportIn.communityId);
  }

  @FieldResolver(() => Grid, { nullable: true, description: 'The grid reported in to, or the grid of the building; null for a report-in to the whole community.' })
  grid(@Root() reportIn: L.ReportInNode, @Ctx() ctx: Context) {
    return reportIn.gridId === null ? null : gridById(ctx).load(reportIn.gridId);
  }

  @FieldResolver(() => Building, { nullable: true, description: 'The building reported in to; null for a report-in to a community or a grid.' })
  building(@Root() reportIn: L.ReportInNode, @Ctx() ctx: Context) {
    return reportIn.buildingId === null ? null : buildingById(ctx).load(reportIn.buildingId);
  }

  @FieldResolver(() => ParticipationConnection, { description: 'Each time it served the community, latest first.' })
  participations(@Root() reportIn: L.ReportInNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, participationsOfReportIn(ctx), args, reportIn.key);
  }

  @FieldResolver(() => Int, { description: 'How many times it served the community (参与次数).' })
  async participationCount(@Root() reportIn: L.ReportInNode, @Ctx() ctx: Context) {
    return (await L.participationTotals(ctx, reportIn.key)).participationCount;
  }

  @FieldResolver(() => Decimal, { description: 'Hours of those participations, where recorded.' })
  async hours(@Root() reportIn: L.ReportInNode, @Ctx() ctx: Context) {
    return (await L.participationTotals(ctx, reportIn.key)).hours;
  }
}

@Resolver(() => PartyMember)
export class PartyMemberReportInResolver {
  @FieldResolver(() => T.ReportIn, { nullable: true, description: 'The in-service member\'s active report-in, for staff over it and the member; null otherwise.' })
  reportIn(@Root() member: PartyMemberNode, @Ctx() ctx: Context) {
    return L.activeReportInOfMember(ctx, member.key);
  }
}

@Resolver(() => Street)
export class StreetReportInResolver {
  @FieldResolver(() => T.ReportInStats, { description: 'Double report-in (双报到) in the street: units, members, participations, hours.' })
  reportInStats(@Root() street: Mapped<StreetRow>, @Ctx() ctx: Context) {
    return reportInStats(ctx, 'Street', street.key);
  }
}

@Resolver(() => Community)
export class CommunityReportInResolver {
  @FieldResolver(() => T.ReportInStats, { description: 'Double report-in (双报到) in the community: units, members, participations, hours.' })
  reportInStats(@Root() community: Mapped<CommunityRow>, @Ctx() ctx: Context) {
    return reportInStats(ctx, 'Community', community.key);
  }
}

@Resolver()
export class ReportInMutationResolver {
  @Mutation(() => T.ReportingUnitPayload, { description: 'Register a reporting unit (报到单位) that will report in to communities.' })
  reportingUnitCreate(
    @Arg('input', () => In.ReportingUnitCreateInput, { description: 'Name, kind and contact.' }) input: In.ReportingUnitCreateInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'reportingUnit', input, (tx) => service.createReportingUnit(tx, input));
  }

  @Mutation(() => T.ReportInPayload, { description: 'Report a unit or an in-service member in to a community, grid or building (双报到): staff for their area, a party member for themself.' })
  reportInRegister(
    @Arg('input', () => In.ReportInRegisterInput, { description: 'Who reports in and where.' }) input: In.ReportInRegisterInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'reportIn', input, (tx) => service.registerReportIn(tx, ctx.viewer, input));
  }

  @Mutation(() => T.ReportInPayload, { description: 'Withdraw a report-in: staff over it, or the member whose it is. Its participations stay counted.' })
  reportInWithdraw(@Arg('id', () => ID, { description: 'The report-in.' }) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, 'reportIn', undefined, (tx) => service.withdrawReportIn(tx, ctx.viewer, id));
  }
}

export const reportInResolvers = [
  ReportInQueryResolver, ReportingUnitResolver, ReportInResolver, PartyMemberReportInResolver, StreetReportInResolver,
  CommunityReportInResolver, ReportInMutationResolver,
] as const;
