import {
  Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription,
} from 'type-graphql';
import { Actor } from '../../auth/actor';
import type { Context } from '../../context';
import type { OutboxRow } from '../../events/outbox';
import { ForwardPageArgs, PageArgs } from '../../graphql/connection';
import { badUserInput } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/ids';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { DateTime } from '../../graphql/scalars';
import { communityById, gridById, householdById, streetById } from '../grid/grid.loaders';
import { Community, Grid, Household, Street } from '../grid/grid.types';
import { incidentEventOf, openIncidentEvents } from './incident.events';
import * as In from './incident.inputs';
import * as L from './incident.loaders';
import { mayAct, OPEN_STATUSES, type TransitionAction } from './incident.machine';
import { departmentOf } from './incident.scope';
import * as service from './incident.service';
import * as T from './incident.types';

registerNodeType('Incident', (ctx, key) => L.incidentById(ctx).load(key));
registerNodeType('IncidentTransition', (ctx, key) => L.transitionById(ctx).load(key), 'bigserial');
registerNodeType('Department', (ctx, key) => L.departmentById(ctx).load(key));

@ArgsType()
class TransitionArgs {
  @Field(() => ID, { description: 'The incident.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The version the client saw; the step is refused with STALE_VERSION if the incident changed since.' })
  expectedVersion?: number;

  @Field(() => String, { nullable: true, description: 'What the actor writes on the timeline, at most 2,000 characters.' })
  note?: string;

  @Field(() => String, { nullable: true, description: 'Repeating the request with the same key returns the first result and changes nothing.' })
  idempotencyKey?: string;
}

@ArgsType()
class AcceptArgs extends TransitionArgs {
  @Field(() => T.IncidentTriage, { description: 'The triage batch (三个一批).' })
  triage!: T.IncidentTriage;

  @Field(() => T.IncidentPriority, { nullable: true, description: 'A corrected priority.' })
  priority?: T.IncidentPriority;
}

@ArgsType()
class DispatchArgs extends TransitionArgs {
  @Field(() => ID, { nullable: true, description: 'The lead department; the category\'s lead department (责任清单) when omitted.' })
  departmentId?: string;

  @Field(() => [ID], { nullable: true, description: 'Cooperating departments; the category\'s when omitted.' })
  cooperatingDepartmentIds?: string[];
}

@ArgsType()
class FeedbackArgs extends TransitionArgs {
  @Field(() => [String], { nullable: true, description: 'Photos of the result (http or https URLs).' })
  photoUrls?: string[];
}

@ArgsType()
class CloseArgs extends TransitionArgs {
  @Field(() => Int, { description: 'Satisfaction of the return visit (回访满意度), 1 to 5.' })
  satisfaction!: number;
}

function transition(ctx: Context, action: TransitionAction, args: TransitionArgs & Partial<AcceptArgs & DispatchArgs & FeedbackArgs & CloseArgs>) {
  return runMutation(
    ctx,
    'incident',
    undefined,
    async (tx) => (await service.transitionIncident(tx, ctx.viewer, action, args)).incident,
    { key: args.idempotencyKey, operation: `incident${action}:${args.id}`, reload: reloadIncident(ctx) },
  );
}

@Resolver()
export class IncidentQueryResolver {
  @Query(() => T.IncidentConnection, { description: 'Incidents the viewer may see, newest first unless ordered otherwise.' })
  incidents(@Args(() => In.IncidentsArgs) args: In.IncidentsArgs, @Ctx() ctx: Context) {
    return service.listIncidents(ctx, args);
  }

  @Query(() => T.IncidentStats, { description: 'How the incidents reported in a period were handled, under a unit (or all the viewer may see).' })
  incidentStats(
    @Arg('within', () => ID, { nullable: true, description: 'District, street, community, grid or household; all the viewer may see when omitted.' }) within: string | undefined,
    @Arg('from', () => DateTime, { description: 'Start of the period (inclusive).' }) from: Date,
    @Arg('to', () => DateTime, { description: 'End of the period (exclusive).' }) to: Date,
    @Ctx() ctx: Context,
  ) {
    if (!(from < to)) throw badUserInput('`from` must be before `to`.', 'from');
    return service.incidentStats(ctx, within, from, to);
  }

  @Query(() => T.DepartmentConnection, { description: 'Functional departments (职能部门).' })
  departments(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return service.listDepartments(ctx.db, args);
  }

  @Query(() => [T.CategoryResponsibility], { description: 'The responsibility list (责任清单) and time limit of every category.' })
  responsibilities(@Ctx() ctx: Context) {
    return service.listResponsibilities(ctx.db);
  }
}

@Resolver(() => T.CategoryResponsibility)
export class CategoryResponsibilityResolver {
  @FieldResolver(() => T.Department, { nullable: true, description: 'Lead department (主体责任); incidents are dispatched to it by default.' })
  lead(@Root() r: T.CategoryResponsibility, @Ctx() ctx: Context) {
    return r.leadDepartmentId === null ? null : L.departmentById(ctx).load(r.leadDepartmentId);
  }

  @FieldResolver(() => [T.Department], { description: 'Cooperating departments (配合责任).' })
  async cooperating(@Root() r: T.CategoryResponsibility, @Ctx() ctx: Context) {
    return (await L.departmentById(ctx).loadMany(r.cooperatingDepartmentIds)).filter((d) => d && !(d instanceof Error));
  }
}

@Resolver(() => T.Incident)
export class IncidentResolver {
  @FieldResolver(() => T.IncidentPersonalData, {
    nullable: true,
    description: 'The whole title and description, ID card and mobile numbers included, for staff of its area: free text comes masked everywhere else. Each read is logged with the reason (PIPL); null outside the viewer\'s area.',
  })
  personalData(
    @Root() incident: L.IncidentNode,
    @Arg('reason', () => String, { description: 'Why you need the whole text, kept in the access log, e.g. "回拨上报人留下的电话".' }) reason: string,
    @Ctx() ctx: Context,
  ) {
    return L.incidentTextOf(ctx, incident.key, reason);
  }

  @FieldResolver(() => Grid, { description: 'The grid it happened in.' })
  grid(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return gridById(ctx).load(incident.gridId);
  }

  @FieldResolver(() => Community, { description: 'The community of the grid.' })
  community(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(incident.communityId);
  }

  @FieldResolver(() => Street, { description: 'The street of the grid.' })
  street(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return streetById(ctx).load(incident.streetId);
  }

  @FieldResolver(() => Household, { nullable: true, description: 'The household concerned, if any and if the viewer may see it.' })
  household(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return incident.householdId === null ? null : householdById(ctx).load(incident.householdId);
  }

  @FieldResolver(() => T.Department, { nullable: true, description: 'The lead department it is dispatched to.' })
  department(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return incident.departmentId === null ? null : L.departmentById(ctx).load(incident.departmentId);
  }

  @FieldResolver(() => [T.Department], { description: 'Cooperating departments (配合责任).' })
  async cooperatingDepartments(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return (await L.departmentById(ctx).loadMany(incident.cooperatingDepartmentIds)).filter((d) => d && !(d instanceof Error));
  }

  @FieldResolver(() => Actor, { description: 'Who reported it: a grid worker, a resident or a cadre.' })
  reporter(@Root() incident: L.IncidentNode) {
    return { subject: incident.reporterSubject, role: incident.reporterRole };
  }

  @FieldResolver(() => Boolean, { description: 'Open and past its deadline.' })
  overdue(@Root() incident: L.IncidentNode) {
    return OPEN_STATUSES.includes(incident.status) && incident.deadline.getTime() < Date.now();
  }

  @FieldResolver(() => T.IncidentTransitionConnection, { description: 'The timeline: every step, oldest first.' })
  timeline(@Root() incident: L.IncidentNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.timelineOfIncident, args, incident.key);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may accept it now (incidentAccept).' })
  viewerCanAccept(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return can(ctx, 'ACCEPT', incident);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may answer and explain it now (incidentExplain).' })
  viewerCanExplain(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return can(ctx, 'EXPLAIN', incident);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may dispatch it now (incidentDispatch).' })
  viewerCanDispatch(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return can(ctx, 'DISPATCH', incident);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may start work on it now (incidentStart).' })
  viewerCanStart(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return can(ctx, 'START', incident);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may escalate it now (incidentEscalate).' })
  viewerCanEscalate(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return can(ctx, 'ESCALATE', incident);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may report back on it now (incidentFeedback).' })
  viewerCanFeedback(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return can(ctx, 'FEEDBACK', incident);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may close it now (incidentClose).' })
  viewerCanClose(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return can(ctx, 'CLOSE', incident);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may reopen it now (incidentReopen).' })
  viewerCanReopen(@Root() incident: L.IncidentNode, @Ctx() ctx: Context) {
    return can(ctx, 'REOPEN', incident);
  }
}

function can(ctx: Context, action: TransitionAction, incident: L.IncidentNode): boolean {
  return mayAct(action, incident, { role: ctx.viewer.role, subject: ctx.viewer.subject, departmentId: departmentOf(ctx.viewer) });
}

@Resolver(() => T.IncidentTransition)
export class IncidentTransitionResolver {
  @FieldResolver(() => Actor, { description: 'Who took the step.' })
  actor(@Root() transition: L.TransitionNode) {
    return { subject: transition.actorSubject, role: transition.actorRole };
  }

  @FieldResolver(() => T.Department, { nullable: true, description: 'The lead department after the step.' })
  department(@Root() transition: L.TransitionNode, @Ctx() ctx: Context) {
    return transition.departmentId === null ? null : L.departmentById(ctx).load(transition.departmentId);
  }
}

@Resolver()
export class IncidentSubscriptionResolver {
  @Subscription(() => T.IncidentEvent, {
    description: 'Every step of the incidents the viewer may see, in order. Pass the last `cursor` received as `after` to get what was missed, then live events, with no gap and no duplicate.',
    subscribe: ({ args, context }) => openIncidentEvents(context as Context, args.filter, args.after),
  })
  incidentEvents(
    @Root() row: OutboxRow,
    @Arg('filter', () => In.IncidentEventFilter, { nullable: true, description: 'Which events; the viewer\'s scope applies as well.' }) _filter: In.IncidentEventFilter | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this event cursor.' }) _after: string | undefined,
    @Ctx() ctx: Context,
  ) {
    ctx.loaders.clear();
    return incidentEventOf(row);
  }
}

@Resolver()
export class IncidentMutationResolver {
  @Mutation(() => T.IncidentPayload, { description: 'Report an incident (事件上报). Repeating it with the same idempotency key returns the first incident.' })
  incidentReport(
    @Arg('input', () => In.IncidentReportInput, { description: 'What, where, how urgent.' }) input: In.IncidentReportInput,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A key the client makes once per report, so that a repeat over a flaky network reports once.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'incident', input, (tx) => service.reportIncident(tx, ctx.viewer, input), {
      key: idempotencyKey,
      operation: 'incidentReport',
      reload: reloadIncident(ctx),
    });
  }

  @Mutation(() => T.IncidentPayload, { description: 'Verify and accept a reported incident, with its triage batch (核实受理).' })
  incidentAccept(@Args(() => AcceptArgs) args: AcceptArgs, @Ctx() ctx: Context) {
    return transition(ctx, 'ACCEPT', args);
  }

  @Mutation(() => T.IncidentPayload, { description: 'Answer and explain a report that is unfounded or outside policy (回应解释); a note is required.' })
  incidentExplain(@Args(() => TransitionArgs) args: TransitionArgs, @Ctx() ctx: Context) {
    return transition(ctx, 'EXPLAIN', args);
  }

  @Mutation(() => T.IncidentPayload, { description: 'Dispatch to the responsible department (任务派遣); the responsibility list decides when none is named.' })
  incidentDispatch(@Args(() => DispatchArgs) args: DispatchArgs, @Ctx() ctx: Context) {
    return transition(ctx, 'DISPATCH', args);
  }

  @Mutation(() => T.IncidentPayload, { description: 'The lead department starts work.' })
  incidentStart(@Args(() => TransitionArgs) args: TransitionArgs, @Ctx() ctx: Context) {
    return transition(ctx, 'START', args);
  }

  @Mutation(() => T.IncidentPayload, { description: 'Escalate to the street\'s monthly joint meeting (on the 25th); a note is required.' })
  incidentEscalate(@Args(() => TransitionArgs) args: TransitionArgs, @Ctx() ctx: Context) {
    return transition(ctx, 'ESCALATE', args);
  }

  @Mutation(() => T.IncidentPayload, { description: 'The lead department reports what it did (处理反馈); a note is required.' })
  incidentFeedback(@Args(() => FeedbackArgs) args: FeedbackArgs, @Ctx() ctx: Context) {
    return transition(ctx, 'FEEDBACK', args);
  }

  @Mutation(() => T.IncidentPayload, { description: 'Close after the return visit, with the reporter\'s satisfaction (结案销号).' })
  incidentClose(@Args(() => CloseArgs) args: CloseArgs, @Ctx() ctx: Context) {
    return transition(ctx, 'CLOSE', args);
  }

  @Mutation(() => T.IncidentPayload, { description: 'Reopen a handled incident: the reporter is not satisfied; a note is required.' })
  incidentReopen(@Args(() => TransitionArgs) args: TransitionArgs, @Ctx() ctx: Context) {
    return transition(ctx, 'REOPEN', args);
  }

  @Mutation(() => T.ResponsibilityPayload, { description: 'Set the responsibility list (责任清单) and time limit of a category.' })
  responsibilitySet(@Arg('input', () => In.ResponsibilitySetInput, { description: 'The category and its departments.' }) input: In.ResponsibilitySetInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'responsibility', input, (tx) => service.setResponsibility(tx, input));
  }

  @Mutation(() => T.DepartmentPayload, { description: 'Add a functional department.' })
  departmentCreate(@Arg('input', () => In.DepartmentCreateInput, { description: 'Code and name.' }) input: In.DepartmentCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'department', input, (tx) => service.createDepartment(tx, input));
  }
}

/** Loads the incident a first request returned, for an idempotent repeat. */
function reloadIncident(ctx: Context) {
  return (id: string) => {
    const decoded = fromGlobalId(id, 'Incident');
    return decoded ? L.incidentById(ctx).load(decoded.key) : Promise.resolve(null);
  };
}

export const incidentResolvers = [
  IncidentQueryResolver, CategoryResponsibilityResolver, IncidentResolver, IncidentTransitionResolver,
  IncidentSubscriptionResolver, IncidentMutationResolver,
] as const;
