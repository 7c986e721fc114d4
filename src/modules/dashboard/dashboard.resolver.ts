import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { DateTime } from '../../graphql/scalars';
import { gridById } from '../grid/grid.loaders';
import { Grid } from '../grid/grid.types';
import { compoundById } from '../property/compound.loaders';
import { Compound } from '../property/compound.types';
import * as service from './dashboard.service';
import * as T from './dashboard.types';

@Resolver(() => T.StreetDashboard)
export class StreetDashboardResolver {
  @Query(() => T.StreetDashboard, { description: 'A street office\'s morning view (街道工作台): open incidents by category and age, visit duty falling short by grid, compounds whose last month is not disclosed, volunteer hours this month and the changes since yesterday. For the street\'s officers and city administrators.' })
  streetDashboard(
    @Arg('street', () => ID, { description: 'The street.' }) street: string,
    @Arg('at', () => DateTime, { nullable: true, description: 'The instant the figures are for; now when omitted. Months and days are those of China.' }) at: Date | undefined,
    @Ctx() ctx: Context,
  ) {
    return service.openDashboard(ctx, street, at);
  }

  @FieldResolver(() => T.OpenIncidentsSummary, { description: 'Incidents open at the instant, by category and age since report, with those past their deadline.' })
  openIncidents(@Root() dashboard: T.StreetDashboard, @Ctx() ctx: Context) {
    return service.openIncidents(ctx.db, dashboard.streetKey, dashboard.clock);
  }

  @FieldResolver(() => T.VisitDutySummary, { description: 'The visit duty (走访责任) of the street\'s workers for the month of the instant, and the grids where it falls short: judged by the visit rules in force, over the visits recorded when the request runs.' })
  visitDuty(@Root() dashboard: T.StreetDashboard, @Ctx() ctx: Context) {
    return service.visitDuty(ctx.db, dashboard.streetKey, dashboard.clock);
  }

  @FieldResolver(() => T.PendingDisclosures, { description: 'Compounds whose disclosure (公示) of last month is not yet published.' })
  pendingDisclosures(@Root() dashboard: T.StreetDashboard, @Ctx() ctx: Context) {
    return service.pendingDisclosures(ctx.db, dashboard.streetKey, dashboard.clock);
  }

  @FieldResolver(() => T.VolunteerServiceSummary, { description: 'Volunteer hours (志愿服务时长) earned in the street this month, and the volunteers who served most.' })
  volunteerService(@Root() dashboard: T.StreetDashboard, @Ctx() ctx: Context) {
    return service.volunteerService(ctx.db, dashboard.streetKey, dashboard.clock);
  }

  @FieldResolver(() => T.StreetChanges, { description: 'What changed since the same time yesterday.' })
  sinceYesterday(@Root() dashboard: T.StreetDashboard, @Ctx() ctx: Context) {
    return service.streetChanges(ctx.db, dashboard.streetKey, dashboard.clock);
  }
}

@Resolver(() => T.GridVisitShortfall)
export class GridVisitShortfallResolver {
  @FieldResolver(() => Grid, { description: 'The grid.' })
  grid(@Root() shortfall: T.GridVisitShortfall, @Ctx() ctx: Context) {
    return gridById(ctx).load(shortfall.gridId);
  }
}

@Resolver(() => T.PendingDisclosure)
export class PendingDisclosureResolver {
  @FieldResolver(() => Compound, { description: 'The compound (小区).' })
  compound(@Root() pending: T.PendingDisclosure, @Ctx() ctx: Context) {
    return compoundById(ctx).load(pending.compoundId);
  }
}

export const dashboardResolvers = [StreetDashboardResolver, GridVisitShortfallResolver, PendingDisclosureResolver] as const;
