import { and, count, eq, gt, gte, isNotNull, isNull, lt } from 'drizzle-orm';
import { withinCondition } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import { chinaDate } from '../../calendar';
import type { Context } from '../../context';
import type { Tx } from '../../db/client';
import { OrderDirection, paginate } from '../../graphql/connection';
import { argumentKey, badUserInput, keyOf, refuse, userError, UserErrorCode, type UserError } from '../../graphql/errors';
import { validateInput } from '../../graphql/payload';
import { grids } from '../grid/grid.tables';
import { creditService } from './bank.ledger';
import type * as In from './volunteer.inputs';
import { asActivity, asSignup, type ActivityRow, type SignupRow, type VolunteerRow } from './volunteer.loaders';
import { attendedHours, mayOrganise, mayPlanFor, signUpRefusal } from './volunteer.rules';
import { ACTIVITY_UNITS, tokenPartyMemberKey, tokenVolunteerKey } from './volunteer.scope';
import { actingVolunteer, refuseAll, requiredText, teamArgument, volunteerArgument } from './volunteer.service';
import { activities, activitySignups, volunteerTeams } from './volunteer.tables';

const MAX_DURATION_MS = 24 * 3600 * 1000;

export function listActivities(ctx: Context, args: In.VolunteerActivitiesArgs) {
  const f = args.filter;
  const team = f?.teamId ? argumentKey(f.teamId, 'VolunteerTeam', 'filter.teamId') : undefined;
  if (f?.from && f?.to && !(f.from < f.to)) throw badUserInput('filter.from must be before filter.to.', 'filter');
  const now = new Date();
  return paginate(ctx.db, {
    table: activities,
    where: and(
      withinCondition(f?.within, ACTIVITY_UNITS),
      team === undefined ? undefined : eq(activities.teamId, team),
      f?.from ? gte(activities.startsAt, f.from) : undefined,
      f?.to ? lt(activities.startsAt, f.to) : undefined,
      f?.upcoming === true ? and(eq(activities.status, 'OPEN'), gt(activities.startsAt, now)) : undefined,
    ),
    ordering: { column: activities.startsAt, key: 'startsAt', direction: OrderDirection.ASC },
    args,
    map: asActivity,
  });
}

/** A volunteer's own record when the viewer serves as themself; null for staff, who act by their unit. */
async function servingVolunteer(tx: Tx, viewer: Viewer, field: string[]): Promise<VolunteerRow | null> {
  if (tokenVolunteerKey(viewer) === null && tokenPartyMemberKey(viewer) === null) return null;
  return actingVolunteer(tx, viewer, field);
}

/** The activity row, locked: sign-ups, cancellations and confirmations of one activity happen one at a time. */
async function lockedActivity(tx: Tx, key: number, field: string[]): Promise<ActivityRow> {
  const [activity] = await tx.select().from(activities).where(eq(activities.id, key)).for('update');
  if (!activity) refuse(field, UserErrorCode.NOT_FOUND, 'No volunteer activity has this ID.');
  return activity;
}

async function leaderOf(tx: Tx, activity: ActivityRow): Promise<number | null> {
  const [team] = await tx.select({ leaderId: volunteerTeams.leaderId }).from(volunteerTeams).where(eq(volunteerTeams.id, activity.teamId));
  return team.leaderId;
}

async function assertOrganiser(tx: Tx, viewer: Viewer, activity: ActivityRow, field: string[]): Promise<void> {
  const own = await servingVolunteer(tx, viewer, field);
  if (!mayOrganise(viewer, activity, await leaderOf(tx, activity), own?.id ?? null)) {
    refuse(field, UserErrorCode.OUT_OF_SCOPE, 'Only the organiser of this activity, its team\'s leader or the community\'s staff may do this.');
  }
}

async function activeSignups(tx: Tx, activityKey: number): Promise<number> {
  const [{ n }] = await tx.select({ n: count() }).from(activitySignups)
    .where(and(eq(activitySignups.activityId, activityKey), isNull(activitySignups.cancelledAt)));
  return n;
}

/** A team's leader plans an activity for it, or the staff above the team do (发布志愿活动). */
export async function createActivity(tx: Tx, viewer: Viewer, input: In.VolunteerActivityCreateInput) {
  const errors: UserError[] = [];
  const title = requiredText(input.title, ['input', 'title'], 'An activity has a title.', errors);
  const place = requiredText(input.place, ['input', 'place'], 'Say where volunteers meet.', errors);
  const length = input.endsAt.getTime() - input.startsAt.getTime();
  if (!(length > 0)) errors.push(userError(['input', 'endsAt'], UserErrorCode.INVALID, 'An activity ends after it starts.'));
  else if (length > MAX_DURATION_MS) errors.push(userError(['input', 'endsAt'], UserErrorCode.INVALID, 'An activity lasts at most 24 hours; plan longer service as several.'));
  refuseAll(errors);
  const team = await teamArgument(tx, input.teamId, ['input', 'teamId']);
  const own = await servingVolunteer(tx, viewer, ['input', 'teamId']);
  if (!mayPlanFor(viewer, team, own?.id ?? null)) {
    refuse(['input', 'teamId'], UserErrorCode.OUT_OF_SCOPE, 'Only the team\'s leader or the community\'s staff plan its activities.');
  }
  // A leader confirms the attendance of what they plan, their own included: only staff may record service after the fact.
  if (own !== null && input.startsAt.getTime() <= Date.now()) {
    refuse(['input', 'startsAt'], UserErrorCode.INVALID, 'A team leader plans activities ahead; the community\'s staff record one already held.');
  }
  let gridId: number | null = null;
  if (input.gridId) {
    const field = ['input', 'gridId'];
    const [grid] = await tx.select().from(grids).where(eq(grids.id, keyOf(input.gridId, 'Grid', field)));
    if (!grid) refuse(field, UserErrorCode.NOT_FOUND, 'No grid has this ID.');
    if (grid.communityId !== team.communityId) refuse(field, UserErrorCode.INVALID, 'The grid lies outside the team\'s community.');
    gridId = grid.id;
  }
  const [row] = await tx.insert(activities).values({
    teamId: team.id, districtId: team.districtId, streetId: team.streetId, communityId: team.communityId, gridId,
    title, place, startsAt: input.startsAt, endsAt: input.endsAt, capacity: input.capacity, organiserSubject: viewer.subject!,
  }).returning();
  return asActivity(row);
}

/** Its organiser calls an activity off; one with confirmed attendance is corrected by reversals first. */
export async function cancelActivity(tx: Tx, viewer: Viewer, id: string) {
  const activity = await lockedActivity(tx, keyOf(id, 'VolunteerActivity', ['id']), ['id']);
  await assertOrganiser(tx, viewer, activity, ['id']);
  if (activity.status === 'CANCELLED') refuse(['id'], UserErrorCode.INVALID_TRANSITION, 'The activity was cancelled already.');
  const [attended] = await tx.select({ id: activitySignups.id }).from(activitySignups)
    .where(and(eq(activitySignups.activityId, activity.id), isNotNull(activitySignups.attendanceConfirmedAt))).limit(1);
  if (attended) refuse(['id'], UserErrorCode.INVALID_TRANSITION, 'Attendance was confirmed for this activity; reverse those movements before cancelling it.');
  const [row] = await tx.update(activities).set({ status: 'CANCELLED', updatedAt: new Date() }).where(eq(activities.id, activity.id)).returning();
  return asActivity(row);
}

// Sign-ups ----------------------------------------------------------------------------------

/**
 * A volunteer signs up as themself (报名). The activity row is locked first, so concurrent
 * sign-ups are counted one after another and never overfill it.
 */
export async function signUp(tx: Tx, viewer: Viewer, activityId: string) {
  const field = ['activityId'];
  const volunteer = await actingVolunteer(tx, viewer, field);
  const activity = await lockedActivity(tx, keyOf(activityId, 'VolunteerActivity', field), field);
  const [existing] = await tx.select().from(activitySignups)
    .where(and(eq(activitySignups.activityId, activity.id), eq(activitySignups.volunteerId, volunteer.id)));
  if (existing && existing.cancelledAt === null) refuse(field, UserErrorCode.DUPLICATE, 'You are signed up for this activity already.');
  const refusal = signUpRefusal(activity, await activeSignups(tx, activity.id), new Date());
  if (refusal) refuse(field, refusal.code, refusal.message);
  return asSignup(await holdPlace(tx, activity, volunteer.id, existing));
}

/** A new sign-up, or a cancelled one taken up again. */
async function holdPlace(tx: Tx, activity: ActivityRow, volunteerKey: number, existing: SignupRow | undefined): Promise<SignupRow> {
  const now = new Date();
  if (existing) {
    const [row] = await tx.update(activitySignups).set({ cancelledAt: null, signedUpAt: now, updatedAt: now })
      .where(eq(activitySignups.id, existing.id)).returning();
    return row;
  }
  const [row] = await tx.insert(activitySignups).values({ activityId: activity.id, volunteerId: volunteerKey, signedUpAt: now }).returning();
  return row;
}

/** The volunteer gives up their place, or the organiser takes it back, before the activity starts. */
export async function cancelSignup(tx: Tx, viewer: Viewer, id: string) {
  const field = ['id'];
  const key = keyOf(id, 'ActivitySignup', field);
  const [found] = await tx.select().from(activitySignups).where(eq(activitySignups.id, key));
  if (!found) refuse(field, UserErrorCode.NOT_FOUND, 'No sign-up has this ID.');
  const activity = await lockedActivity(tx, found.activityId, field);
  const [signup] = await tx.select().from(activitySignups).where(eq(activitySignups.id, key));
  const own = await servingVolunteer(tx, viewer, field);
  if (own?.id !== signup.volunteerId && !mayOrganise(viewer, activity, await leaderOf(tx, activity), own?.id ?? null)) {
    refuse(field, UserErrorCode.OUT_OF_SCOPE, 'Only the volunteer, or the organiser of the activity, may cancel this sign-up.');
  }
  if (signup.cancelledAt !== null) refuse(field, UserErrorCode.INVALID_TRANSITION, 'This sign-up was cancelled already.');
  if (signup.attendanceConfirmedAt !== null) refuse(field, UserErrorCode.INVALID_TRANSITION, 'Attendance was confirmed; the sign-up stands.');
  if (activity.startsAt.getTime() <= Date.now()) refuse(field, UserErrorCode.INVALID_TRANSITION, 'The activity has started; a sign-up is no longer cancelled.');
  const now = new Date();
  const [row] = await tx.update(activitySignups).set({ cancelledAt: now, updatedAt: now }).where(eq(activitySignups.id, key)).returning();
  return asSignup(row);
}

// Attendance --------------------------------------------------------------------------------

interface Attendance {
  signup: SignupRow;
  hours: string;
}

/**
 * The organiser confirms who came and for how long (签到确认): each attendee's hours, and points
 * at the rate in force on the activity's day, go to the love bank. Each sign-up is confirmed
 * once; a wrong confirmation is reversed (ledgerReverse) and confirmed again.
 */
export async function confirmAttendance(tx: Tx, viewer: Viewer, args: In.AttendanceConfirmArgs) {
  const formatErrors = await validateInput(args, []);
  refuseAll(formatErrors);
  const field = ['activityId'];
  const activity = await lockedActivity(tx, keyOf(args.activityId, 'VolunteerActivity', field), field);
  await assertOrganiser(tx, viewer, activity, field);
  if (activity.status === 'CANCELLED') refuse(field, UserErrorCode.INVALID_TRANSITION, 'The activity was cancelled.');
  if (activity.startsAt.getTime() > Date.now()) refuse(field, UserErrorCode.INVALID_TRANSITION, 'Attendance is confirmed once the activity has started.');

  const errors: UserError[] = [];
  const confirmed: Attendance[] = [];
  let placesTaken = await activeSignups(tx, activity.id);
  for (const [i, attendee] of args.attendees.entries()) {
    const at = ['attendees', String(i)];
    const hours = attendedHours(attendee.hours, activity.startsAt, activity.endsAt);
    if (typeof hours !== 'string') errors.push(userError([...at, 'hours'], UserErrorCode.INVALID, hours.refused));
    const found = await attendeeSignup(tx, activity, attendee, at, placesTaken);
    if ('refused' in found) {
      errors.push(found.refused);
      continue;
    }
    if (found.walkIn) placesTaken += 1;
    if (confirmed.some((c) => c.signup.id === found.signup.id)) {
      errors.push(userError(at, UserErrorCode.INVALID, 'This attendee is listed twice.'));
    } else if (typeof hours === 'string') {
      confirmed.push({ signup: found.signup, hours });
    }
  }
  refuseAll(errors);

  const occurredOn = chinaDate(activity.startsAt);
  const actor = { subject: viewer.subject!, role: viewer.role! };
  for (const { signup, hours } of confirmed) {
    const movementId = await creditService(tx, {
      kind: 'ATTENDANCE', volunteerId: signup.volunteerId, hours, occurredOn, actor, signupId: signup.id, note: activity.title,
    });
    const now = new Date();
    await tx.update(activitySignups).set({ attendedHours: hours, attendanceConfirmedAt: now, movementId, updatedAt: now })
      .where(eq(activitySignups.id, signup.id));
  }
  return asActivity(activity);
}

type AttendeeLookup = { signup: SignupRow; walkIn: boolean } | { refused: UserError };

/**
 * The sign-up of one attendee. By sign-up: it must be this activity's and still hold its
 * place. By volunteer: their sign-up, taken up again if they had cancelled, or a new one if
 * they came without signing up (a walk-in still needs a free place).
 */
async function attendeeSignup(tx: Tx, activity: ActivityRow, attendee: In.AttendeeInput, at: string[], placesTaken: number): Promise<AttendeeLookup> {
  const refused = (path: string[], code: UserErrorCode, message: string): AttendeeLookup => ({ refused: userError(path, code, message) });
  if (Boolean(attendee.signupId) === Boolean(attendee.volunteerId)) {
    return refused(at, UserErrorCode.INVALID, 'Give the sign-up or the volunteer of each attendee, not both.');
  }
  let signup: SignupRow | undefined;
  let walkIn = false;
  if (attendee.signupId) {
    const path = [...at, 'signupId'];
    const key = keyOf(attendee.signupId, 'ActivitySignup', path);
    [signup] = await tx.select().from(activitySignups).where(and(eq(activitySignups.id, key), eq(activitySignups.activityId, activity.id)));
    if (!signup) return refused(path, UserErrorCode.NOT_FOUND, 'No sign-up of this activity has this ID.');
    if (signup.cancelledAt !== null) return refused(path, UserErrorCode.INVALID_TRANSITION, 'This sign-up was cancelled; confirm the volunteer by volunteerId if they came after all.');
  } else {
    const path = [...at, 'volunteerId'];
    const volunteer = await volunteerArgument(tx, attendee.volunteerId!, path);
    const [existing] = await tx.select().from(activitySignups)
      .where(and(eq(activitySignups.activityId, activity.id), eq(activitySignups.volunteerId, volunteer.id)));
    signup = existing;
    if (!existing || existing.cancelledAt !== null) {
      if (placesTaken >= activity.capacity) return refused(path, UserErrorCode.CAPACITY_REACHED, `All ${activity.capacity} places are taken; this volunteer did not sign up.`);
      signup = await holdPlace(tx, activity, volunteer.id, existing);
      walkIn = true;
    }
  }
  if (signup.attendanceConfirmedAt !== null) {
    return refused(at, UserErrorCode.INVALID_TRANSITION, 'Attendance of this sign-up was confirmed already; reverse its movement to correct it.');
  }
  return { signup, walkIn };
}
