import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ForwardPageArgs } from '../../graphql/connection';
import { fromGlobalId } from '../../graphql/ids';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { gridById, householdById, staffMemberById } from '../grid/grid.loaders';
import { Grid, Household, StaffMember } from '../grid/grid.types';
import { incidentById, type IncidentNode } from '../incident/incident.loaders';
import { Incident } from '../incident/incident.types';
import type { HouseholdDuty, WorkerDuty } from './duty.service';
import * as In from './visit.inputs';
import * as L from './visit.loaders';
import * as service from './visit.service';
import * as T from './visit.types';

registerNodeType('HouseholdVisit', (ctx, key) => L.visitById(ctx).load(key));
registerNodeType('VisitFinding', (ctx, key) => L.findingById(ctx).load(key));

type DutiesNode = Awaited<ReturnType<typeof service.visitDuties>>;

@Resolver()
export class VisitQueryResolver {
  @Query(() => T.HouseholdVisitConnection, { description: 'Household visits (走访) the viewer may see, newest first.' })
  visits(@Args(() => In.VisitsArgs) args: In.VisitsArgs, @Ctx() ctx: Context) {
    return service.listVisits(ctx, args);
  }

  @Query(() => T.VisitDuties, { description: 'Visit duty under a unit for a month: done, due and overdue per worker and per household.' })
  visitDuties(
    @Arg('unit', () => ID, { description: 'A district, street, community or grid (with its sub-grids) within the viewer\'s area.' }) unit: string,
    @Arg('month', () => String, { description: 'The month, `YYYY-MM`.' }) month: string,
    @Ctx() ctx: Context,
  ) {
    return service.visitDuties(ctx, unit, month);
  }

  @Query(() => T.VisitDutyRules, { description: 'The visit-duty rule figures in force.' })
  visitDutyRules(@Ctx() ctx: Context) {
    return service.dutyRules(ctx.db);
  }
}

@Resolver(() => T.VisitDuties)
export class VisitDutiesResolver {
  @FieldResolver(() => T.HouseholdVisitDutyConnection, { description: 'The households under the unit with their duty, by household.' })
  households(@Root() duties: DutiesNode, @Args(() => In.HouseholdDutyArgs) args: In.HouseholdDutyArgs, @Ctx() ctx: Context) {
    return service.householdDutyPage(ctx, duties.unit, duties.rules, duties.month, args);
  }
}

@Resolver(() => T.WorkerDuty)
export class WorkerDutyResolver {
  @FieldResolver(() => StaffMember, { description: 'The worker (public contact card).' })
  staffMember(@Root() duty: WorkerDuty, @Ctx() ctx: Context) {
    return staffMemberById(ctx).load(duty.staffMemberId);
  }

  @FieldResolver(() => Grid, { description: 'The grid the worker serves; its sub-grids count with it.' })
  grid(@Root() duty: WorkerDuty, @Ctx() ctx: Context) {
    return gridById(ctx).load(duty.gridId);
  }
}

@Resolver(() => T.HouseholdVisitDuty)
export class HouseholdVisitDutyResolver {
  @FieldResolver(() => Household, { description: 'The household.' })
  household(@Root() duty: HouseholdDuty, @Ctx() ctx: Context) {
    return householdById(ctx).load(duty.householdId);
  }
}

@Resolver(() => T.HouseholdVisit)
export class HouseholdVisitResolver {
  @FieldResolver(() => T.HouseholdVisitPersonalData, {
    nullable: true,
    description: 'The whole notes, ID card and mobile numbers included, for staff of its area: free text comes masked everywhere else. Each read is logged with the reason (PIPL); null outside the viewer\'s area.',
  })
  personalData(
    @Root() visit: L.VisitNode,
    @Arg('reason', () => String, { description: 'Why you need the whole text, kept in the access log, e.g. "核对走访记录".' }) reason: string,
    @Ctx() ctx: Context,
  ) {
    return L.visitTextOf(ctx, visit.key, reason);
  }

  @FieldResolver(() => Household, { nullable: true, description: 'The household visited.' })
  household(@Root() visit: L.VisitNode, @Ctx() ctx: Context) {
    return householdById(ctx).load(visit.householdId);
  }

  @FieldResolver(() => Grid, { description: 'The grid of the household.' })
  grid(@Root() visit: L.VisitNode, @Ctx() ctx: Context) {
    return gridById(ctx).load(visit.gridId);
  }

  @FieldResolver(() => StaffMember, { nullable: true, description: 'The worker who visited (public contact card); null when the visitor is not on the staff list.' })
  staffMember(@Root() visit: L.VisitNode, @Ctx() ctx: Context) {
    return visit.staffMemberId === null ? null : staffMemberById(ctx).load(visit.staffMemberId);
  }

  @FieldResolver(() => [T.VisitFinding], { description: 'What the visit found, in the order recorded.' })
  findings(@Root() visit: L.VisitNode, @Ctx() ctx: Context) {
    return L.findingsOfVisit(ctx).load(visit.key);
  }
}

@Resolver(() => T.VisitFinding)
export class VisitFindingResolver {
  @FieldResolver(() => T.HouseholdVisit, { nullable: true, description: 'The visit that found it.' })
  visit(@Root() finding: L.FindingNode, @Ctx() ctx: Context) {
    return L.visitById(ctx).load(finding.visitId);
  }

  @FieldResolver(() => Incident, { nullable: true, description: 'The incident it was reported as; null until reported, or if the viewer may not see it.' })
  incident(@Root() finding: L.FindingNode, @Ctx() ctx: Context) {
    return finding.incidentId === null ? null : incidentById(ctx).load(finding.incidentId);
  }
}

@Resolver(() => Household)
export class HouseholdVisitsResolver {
  @FieldResolver(() => T.HouseholdVisitConnection, { description: 'Visits to the household (走访记录), newest first.' })
  visits(@Root() household: { key: number }, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.visitsOfHousehold(ctx), args, household.key);
  }
}

@Resolver(() => Incident)
export class IncidentVisitResolver {
  @FieldResolver(() => T.VisitFinding, { nullable: true, description: 'The visit finding it was reported from, if any.' })
  visitFinding(@Root() incident: IncidentNode, @Ctx() ctx: Context) {
    return L.findingOfIncident(ctx).load(incident.key);
  }

  @FieldResolver(() => T.HouseholdVisit, { nullable: true, description: 'The household visit it was found on, if any.' })
  async visit(@Root() incident: IncidentNode, @Ctx() ctx: Context) {
    const finding = await L.findingOfIncident(ctx).load(incident.key);
    return finding === null ? null : L.visitById(ctx).load(finding.visitId);
  }
}

@Resolver()
export class VisitMutationResolver {
  @Mutation(() => T.HouseholdVisitPayload, { description: 'Log a visit to a household (走访); findings marked for it become incidents in the same step.' })
  visitLog(
    @Arg('input', () => In.VisitLogInput, { description: 'Household, kind, time, notes and findings.' }) input: In.VisitLogInput,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A key the client makes once per visit, so that a repeat over a flaky network logs once.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'visit', input, (tx) => service.logVisit(tx, ctx.viewer, input), {
      key: idempotencyKey,
      operation: 'visitLog',
      reload: (id) => {
        const decoded = fromGlobalId(id, 'HouseholdVisit');
        return decoded ? L.visitById(ctx).load(decoded.key) : Promise.resolve(null);
      },
    });
  }

  @Mutation(() => T.VisitFindingPayload, { description: 'Report a logged finding as an incident (事件上报); a finding is reported once.' })
  visitFindingReport(@Arg('findingId', () => ID, { description: 'The finding.' }) findingId: string, @Ctx() ctx: Context) {
    return runMutation(ctx, 'finding', undefined, (tx) => service.reportFinding(tx, ctx.viewer, findingId));
  }

  @Mutation(() => T.VisitDutyRulesPayload, { description: 'Set the visit-duty rule figures for the city.' })
  visitDutyRulesSet(@Arg('input', () => In.VisitDutyRulesInput, { description: 'Every figure; they replace the current ones.' }) input: In.VisitDutyRulesInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'rules', input, (tx) => service.setDutyRules(tx, ctx.viewer, input));
  }
}

export const visitResolvers = [
  VisitQueryResolver, VisitDutiesResolver, WorkerDutyResolver, HouseholdVisitDutyResolver, HouseholdVisitResolver,
  VisitFindingResolver, HouseholdVisitsResolver, IncidentVisitResolver, VisitMutationResolver,
] as const;
