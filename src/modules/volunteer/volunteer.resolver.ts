import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ViewerInfo } from '../../auth/viewer.resolver';
import type { Context } from '../../context';
import { ForwardPageArgs } from '../../graphql/connection';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { Decimal } from '../../graphql/scalars';
import { communityById, gridById, residentById } from '../grid/grid.loaders';
import { Community, Grid, Resident } from '../grid/grid.types';
import type { PartyMemberNode } from '../party/member.loaders';
import { PartyMember } from '../party/member.types';
import * as activity from './activity.service';
import { bankResolvers, reloader } from './bank.resolver';
import * as In from './volunteer.inputs';
import * as L from './volunteer.loaders';
import { durationHours, mayOrganise, mayPlanFor, SERVERS, signUpRefusal } from './volunteer.rules';
import * as service from './volunteer.service';
import * as T from './volunteer.types';

registerNodeType('Volunteer', (ctx, key) => L.volunteerById(ctx).load(key));
registerNodeType('VolunteerTeam', (ctx, key) => L.teamById(ctx).load(key));
registerNodeType('VolunteerActivity', (ctx, key) => L.activityById(ctx).load(key));
registerNodeType('ActivitySignup', (ctx, key) => L.signupById(ctx).load(key));

async function organises(ctx: Context, a: L.ActivityNode): Promise<boolean> {
  const team = await L.teamById(ctx).load(a.teamId);
  return mayOrganise(ctx.viewer, a, team?.leaderId ?? null, await L.viewerVolunteerKey(ctx));
}

@Resolver()
export class VolunteerQueryResolver {
  @Query(() => T.VolunteerConnection, { description: 'Registered volunteers (志愿者) under the staff member\'s unit, in the order registered.' })
  volunteers(@Args(() => In.VolunteersArgs) args: In.VolunteersArgs, @Ctx() ctx: Context) {
    return service.listVolunteers(ctx, args);
  }

  @Query(() => T.VolunteerTeamConnection, { description: 'Volunteer service teams (志愿服务队). Public.' })
  volunteerTeams(@Args(() => In.VolunteerTeamsArgs) args: In.VolunteerTeamsArgs, @Ctx() ctx: Context) {
    return service.listTeams(ctx, args);
  }

  @Query(() => T.VolunteerActivityConnection, { description: 'Volunteer activities (志愿活动), soonest first. Public.' })
  volunteerActivities(@Args(() => In.VolunteerActivitiesArgs) args: In.VolunteerActivitiesArgs, @Ctx() ctx: Context) {
    return activity.listActivities(ctx, args);
  }
}

@Resolver(() => ViewerInfo)
export class ViewerVolunteerResolver {
  @FieldResolver(() => T.Volunteer, { nullable: true, description: 'The caller\'s own volunteer record: a volunteer\'s, or the banked record of a party member (null until their first service).' })
  async volunteer(@Ctx() ctx: Context) {
    const key = await L.viewerVolunteerKey(ctx);
    return key === null ? null : L.volunteerById(ctx).load(key);
  }
}

@Resolver(() => PartyMember)
export class PartyMemberVolunteerResolver {
  @FieldResolver(() => T.Volunteer, { nullable: true, description: 'The record that banks the member\'s service hours and points (在职党员进社区), for those who may read it; null until their first service.' })
  async volunteer(@Root() member: PartyMemberNode, @Ctx() ctx: Context) {
    const key = await L.volunteerKeyOfPartyMember(ctx).load(member.key);
    return key === null ? null : L.volunteerById(ctx).load(key);
  }
}

@Resolver(() => T.Volunteer)
export class VolunteerResolver {
  @FieldResolver(() => Community, { description: 'The community the volunteer serves in.' })
  community(@Root() v: L.VolunteerNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(v.communityId);
  }

  @FieldResolver(() => Resident, { nullable: true, description: 'The resident, when the volunteer is one and the viewer may read residents there.' })
  resident(@Root() v: L.VolunteerNode, @Ctx() ctx: Context) {
    return v.residentId === null ? null : residentById(ctx).load(v.residentId);
  }

  @FieldResolver(() => Decimal, { description: 'Service hours banked (服务时长): the sum of the entries on their account.' })
  async hours(@Root() v: L.VolunteerNode, @Ctx() ctx: Context) {
    return (await L.balanceOfVolunteer(ctx).load(v.key)).hours;
  }

  @FieldResolver(() => Int, { description: 'Points to spend (积分余额): the sum of the entries on their account; never below zero.' })
  async points(@Root() v: L.VolunteerNode, @Ctx() ctx: Context) {
    return (await L.balanceOfVolunteer(ctx).load(v.key)).points;
  }

  @FieldResolver(() => T.LedgerEntryConnection, { description: 'Every entry on their account, newest first: what was earned, spent and corrected, and what for.' })
  async history(@Root() v: L.VolunteerNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    const account = await L.accountOfVolunteer(ctx).load(v.key);
    return account === null ? L.noEntries(args) : childPage(ctx, L.historyOfAccount, args, account);
  }

  @FieldResolver(() => [T.VolunteerTeam], { description: 'The teams they belong to, by name.' })
  teams(@Root() v: L.VolunteerNode, @Ctx() ctx: Context) {
    return L.teamsOfVolunteer(ctx).load(v.key);
  }

  @FieldResolver(() => T.ActivitySignupConnection, { description: 'Their sign-ups, latest first.' })
  signups(@Root() v: L.VolunteerNode, @Args(() => In.SignupsArgs) args: In.SignupsArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.signupsOfVolunteer(args.includeCancelled), args, v.key);
  }

  @FieldResolver(() => T.RedemptionConnection, { description: 'What they spent points on, newest first.' })
  redemptions(@Root() v: L.VolunteerNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.redemptionsOfVolunteer, args, v.key);
  }
}

@Resolver(() => T.VolunteerTeam)
export class VolunteerTeamResolver {
  @FieldResolver(() => Community, { description: 'The community whose team it is.' })
  community(@Root() team: L.TeamNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(team.communityId);
  }

  @FieldResolver(() => T.VolunteerTeamMember, { nullable: true, description: 'Its leader (队长); null when none is named.' })
  leader(@Root() team: L.TeamNode, @Ctx() ctx: Context) {
    return team.leaderId === null ? null : L.teamMember(ctx).load(`${team.key}:${team.leaderId}`);
  }

  @FieldResolver(() => T.VolunteerTeamMemberConnection, { description: 'Its members, in the order they registered as volunteers.' })
  members(@Root() team: L.TeamNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return L.membersOfTeam(ctx, args, team.key);
  }

  @FieldResolver(() => T.VolunteerActivityConnection, { description: 'Its activities, latest start first.' })
  activities(@Root() team: L.TeamNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.activitiesOfTeam, args, team.key);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may plan an activity for it (volunteerActivityCreate): its leader, or the staff above it.' })
  async viewerCanPlan(@Root() team: L.TeamNode, @Ctx() ctx: Context) {
    return mayPlanFor(ctx.viewer, team, await L.viewerVolunteerKey(ctx));
  }
}

@Resolver(() => T.VolunteerTeamMember)
export class VolunteerTeamMemberResolver {
  @FieldResolver(() => T.Volunteer, { nullable: true, description: 'The member\'s volunteer record, for those who may read it.' })
  volunteer(@Root() member: L.TeamMemberRow, @Ctx() ctx: Context) {
    return L.volunteerById(ctx).load(member.id);
  }
}

@Resolver(() => T.VolunteerActivity)
export class VolunteerActivityResolver {
  @FieldResolver(() => T.VolunteerTeam, { description: 'The team that holds it.' })
  team(@Root() a: L.ActivityNode, @Ctx() ctx: Context) {
    return L.teamById(ctx).load(a.teamId);
  }

  @FieldResolver(() => Community, { description: 'The community it serves.' })
  community(@Root() a: L.ActivityNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(a.communityId);
  }

  @FieldResolver(() => Grid, { nullable: true, description: 'The grid it takes place in, when one was named.' })
  grid(@Root() a: L.ActivityNode, @Ctx() ctx: Context) {
    return a.gridId === null ? null : gridById(ctx).load(a.gridId);
  }

  @FieldResolver(() => Decimal, { description: 'How long it lasts, in hours: what an attendee is credited unless the organiser confirms fewer.' })
  durationHours(@Root() a: L.ActivityNode) {
    return durationHours(a.startsAt, a.endsAt);
  }

  @FieldResolver(() => Int, { description: 'Places taken: sign-ups not cancelled.' })
  signedUp(@Root() a: L.ActivityNode, @Ctx() ctx: Context) {
    return L.signedUpCount(ctx).load(a.key);
  }

  @FieldResolver(() => Int, { description: 'Places left (剩余名额).' })
  async placesLeft(@Root() a: L.ActivityNode, @Ctx() ctx: Context) {
    return Math.max(0, a.capacity - (await L.signedUpCount(ctx).load(a.key)));
  }

  @FieldResolver(() => T.ActivitySignupConnection, { nullable: true, description: 'Who signed up, in the order they came: for its organiser, its team\'s leader and the community\'s staff; null for anyone else.' })
  async signups(@Root() a: L.ActivityNode, @Args(() => In.SignupsArgs) args: In.SignupsArgs, @Ctx() ctx: Context) {
    return (await organises(ctx, a)) ? childPage(ctx, L.signupsOfActivity(args.includeCancelled), args, a.key) : null;
  }

  @FieldResolver(() => T.ActivitySignup, { nullable: true, description: 'The viewer\'s own sign-up (a volunteer or party member), cancelled or not; null when they never signed up.' })
  async viewerSignup(@Root() a: L.ActivityNode, @Ctx() ctx: Context) {
    const own = await L.viewerVolunteerKey(ctx);
    return own === null ? null : L.viewerSignupOf(ctx, own).load(a.key);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may sign up now (activitySignUp): a volunteer or party member, not signed up, before the start, while places are left.' })
  async viewerCanSignUp(@Root() a: L.ActivityNode, @Ctx() ctx: Context) {
    if (ctx.viewer.role === null || !(SERVERS as readonly string[]).includes(ctx.viewer.role)) return false;
    const own = await L.viewerVolunteerKey(ctx);
    const mine = own === null ? null : await L.viewerSignupOf(ctx, own).load(a.key);
    if (mine && mine.cancelledAt === null) return false;
    return signUpRefusal(a, await L.signedUpCount(ctx).load(a.key), new Date()) === null;
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may confirm attendance now (attendanceConfirm): its organiser, once it has started and unless it was cancelled.' })
  async viewerCanConfirmAttendance(@Root() a: L.ActivityNode, @Ctx() ctx: Context) {
    return a.status === 'OPEN' && a.startsAt.getTime() <= Date.now() && organises(ctx, a);
  }
}

@Resolver(() => T.ActivitySignup)
export class ActivitySignupResolver {
  @FieldResolver(() => T.VolunteerActivity, { description: 'The activity.' })
  activity(@Root() s: L.SignupNode, @Ctx() ctx: Context) {
    return L.activityById(ctx).load(s.activityId);
  }

  @FieldResolver(() => String, { description: 'The volunteer\'s name, for the organiser\'s list.' })
  volunteerName(@Root() s: L.SignupNode, @Ctx() ctx: Context) {
    return L.volunteerNameById(ctx).load(s.volunteerId);
  }

  @FieldResolver(() => T.Volunteer, { nullable: true, description: 'The volunteer\'s record, for those who may read it.' })
  volunteer(@Root() s: L.SignupNode, @Ctx() ctx: Context) {
    return L.volunteerById(ctx).load(s.volunteerId);
  }

  @FieldResolver(() => T.SignupStatus, { description: 'Holding a place, cancelled, or attended.' })
  status(@Root() s: L.SignupNode) {
    if (s.cancelledAt !== null) return T.SignupStatus.CANCELLED;
    return s.attendanceConfirmedAt === null ? T.SignupStatus.SIGNED_UP : T.SignupStatus.ATTENDED;
  }

  @FieldResolver(() => T.LedgerMovement, { nullable: true, description: 'The latest movement that credited this attendance (see its `reversedBy` after a correction).' })
  movement(@Root() s: L.SignupNode, @Ctx() ctx: Context) {
    return s.movementId === null ? null : L.movementById(ctx).load(s.movementId);
  }
}

@Resolver()
export class VolunteerMutationResolver {
  @Mutation(() => T.VolunteerPayload, { description: 'Register a volunteer (志愿者登记): a resident once (by the staff over their grid), or a person from outside by name in a community (by the community or the street).' })
  volunteerRegister(@Arg('input', () => In.VolunteerRegisterInput, { description: 'The resident, or the person and their community.' }) input: In.VolunteerRegisterInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'volunteer', input, (tx) => service.registerVolunteer(tx, ctx.viewer, input));
  }

  @Mutation(() => T.VolunteerTeamPayload, { description: 'Set up a volunteer service team (志愿服务队) in a community: its staff.' })
  volunteerTeamCreate(@Arg('input', () => In.VolunteerTeamCreateInput, { description: 'The team.' }) input: In.VolunteerTeamCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'team', input, (tx) => service.createTeam(tx, ctx.viewer, input));
  }

  @Mutation(() => T.VolunteerTeamPayload, { description: 'Join a team: a volunteer (or party member) for themself, or the staff above the team adding a volunteer. Refused with DUPLICATE for a member.' })
  volunteerTeamJoin(
    @Arg('teamId', () => ID, { description: 'The team.' }) teamId: string,
    @Arg('volunteerId', () => ID, { nullable: true, description: 'The volunteer the staff add; a volunteer joining leaves it out.' }) volunteerId: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'team', undefined, (tx) => service.joinTeam(tx, ctx.viewer, teamId, volunteerId));
  }

  @Mutation(() => T.VolunteerTeamPayload, { description: 'Name a team\'s leader (队长): the staff above it. The leader joins the team.' })
  volunteerTeamLeaderSet(
    @Arg('teamId', () => ID, { description: 'The team.' }) teamId: string,
    @Arg('volunteerId', () => ID, { description: 'The new leader.' }) volunteerId: string,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'team', undefined, (tx) => service.setTeamLeader(tx, ctx.viewer, teamId, volunteerId));
  }

  @Mutation(() => T.VolunteerActivityPayload, { description: 'Plan an activity (发布志愿活动) for a team: its leader, or the community\'s staff. The planner is its organiser.' })
  volunteerActivityCreate(
    @Arg('input', () => In.VolunteerActivityCreateInput, { description: 'What, where, when, how many places.' }) input: In.VolunteerActivityCreateInput,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A key made once per activity, so that a repeat plans it once.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'activity', input, (tx) => activity.createActivity(tx, ctx.viewer, input), {
      key: idempotencyKey, operation: 'volunteerActivityCreate', reload: reloader('VolunteerActivity', L.activityById, ctx),
    });
  }

  @Mutation(() => T.VolunteerActivityPayload, { description: 'Call an activity off: its organiser. Refused once attendance was confirmed.' })
  volunteerActivityCancel(@Arg('id', () => ID, { description: 'The activity.' }) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, 'activity', undefined, (tx) => activity.cancelActivity(tx, ctx.viewer, id));
  }

  @Mutation(() => T.ActivitySignupPayload, { description: 'Sign up for an activity (报名): a volunteer, or a party member through their banked record, for themself. Refused when it is cancelled or has started, with CAPACITY_REACHED when full, with DUPLICATE when signed up already; a cancelled sign-up may sign up again.' })
  activitySignUp(
    @Arg('activityId', () => ID, { description: 'The activity.' }) activityId: string,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A key made once per sign-up, so that a repeat answers the first sign-up.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'signup', undefined, (tx) => activity.signUp(tx, ctx.viewer, activityId), {
      key: idempotencyKey, operation: `activitySignUp:${activityId}`, reload: reloader('ActivitySignup', L.signupById, ctx),
    });
  }

  @Mutation(() => T.ActivitySignupPayload, { description: 'Give up a place before the activity starts: the volunteer, or its organiser.' })
  activitySignUpCancel(@Arg('id', () => ID, { description: 'The sign-up.' }) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, 'signup', undefined, (tx) => activity.cancelSignup(tx, ctx.viewer, id));
  }

  @Mutation(() => T.VolunteerActivityPayload, { description: 'Confirm who came (签到确认), once the activity has started: its organiser, its team\'s leader or the community\'s staff. Each attendee\'s hours, and points at the rate in force on the activity\'s day, go to the love bank; each sign-up is confirmed once. A repeat with the same idempotency key answers the first result and credits nothing again.' })
  attendanceConfirm(@Args(() => In.AttendanceConfirmArgs) args: In.AttendanceConfirmArgs, @Ctx() ctx: Context) {
    return runMutation(ctx, 'activity', undefined, (tx) => activity.confirmAttendance(tx, ctx.viewer, args), {
      key: args.idempotencyKey, operation: `attendanceConfirm:${args.activityId}`, reload: reloader('VolunteerActivity', L.activityById, ctx),
    });
  }
}

export const volunteerResolvers = [
  VolunteerQueryResolver, ViewerVolunteerResolver, PartyMemberVolunteerResolver, VolunteerResolver, VolunteerTeamResolver, VolunteerTeamMemberResolver,
  VolunteerActivityResolver, ActivitySignupResolver, VolunteerMutationResolver, ...bankResolvers,
] as const;
