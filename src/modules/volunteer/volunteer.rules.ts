/**
 * Rules of the love bank (爱心银行) that need no database: who may do what, how long an
 * activity lasts, which hours an organiser may confirm. Services and `viewerCan…` fields
 * both ask these, so a button never promises what the mutation refuses.
 */
import { Role } from '../../auth/roles';
import type { Unit } from '../../auth/viewer';
import { UserErrorCode } from '../../graphql/errors';
import { decimalOf, hundredths, isHours } from './bank.amounts';

export const STAFF = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER] as const;
/** Staff who run a community's volunteer work: teams, activities, corrections of the books. */
export const COMMUNITY_STAFF = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY] as const;
/** Who serves as themself: a registered volunteer, or a party member whose service is banked. */
export const SERVERS = [Role.VOLUNTEER, Role.PARTY_MEMBER] as const;

/** Who may call each root field of the bank (rows of src/auth/access.ts). */
export const BANK_ACCESS = {
  readVolunteers: STAFF,
  verifyLedger: STAFF,
  registerVolunteer: [Role.COMMUNITY_SECRETARY, Role.GRID_WORKER, Role.STREET_OFFICER],
  manageTeams: COMMUNITY_STAFF,
  joinTeam: [...SERVERS, ...COMMUNITY_STAFF],
  organise: [...SERVERS, ...COMMUNITY_STAFF],
  signUp: SERVERS,
  cancelSignup: [...SERVERS, ...COMMUNITY_STAFF],
  publishRate: [Role.CITY_ADMIN],
  createMerchant: [Role.CITY_ADMIN, Role.STREET_OFFICER],
  manageItems: [Role.MERCHANT],
  redeem: SERVERS,
  reverse: COMMUNITY_STAFF,
} as const;

/** Types only some roles may read at all; rows are narrowed further by volunteer.scope. */
export const BANK_READERS = {
  volunteer: [...SERVERS, ...STAFF],
  signup: [...SERVERS, ...STAFF],
  books: [...SERVERS, Role.MERCHANT, ...STAFF],
  verification: STAFF,
} as const;

export interface Place {
  districtId: number;
  streetId: number;
  communityId: number;
}

export interface Acting {
  role: Role | null;
  subject: string | null;
  unit: Unit | null;
}

/** Whether a district, street or community officer (or the whole city's) is above this place. */
export function staffCovers(viewer: Acting, place: Place): boolean {
  if (!viewer.role || !(COMMUNITY_STAFF as readonly Role[]).includes(viewer.role)) return false;
  const unit = viewer.unit;
  if (unit === null) return true;
  switch (unit.type) {
    case 'District':
      return unit.key === place.districtId;
    case 'Street':
      return unit.key === place.streetId;
    case 'Community':
      return unit.key === place.communityId;
    default:
      return false;
  }
}

export interface Organised extends Place {
  organiserSubject: string;
}

/**
 * The organiser of an activity confirms its attendance and may cancel it: whoever created it,
 * the leader of its team (as a volunteer, or as a party member whose record leads it), and
 * the community's staff above it.
 */
export function mayOrganise(viewer: Acting, activity: Organised, leaderId: number | null, viewerVolunteerId: number | null): boolean {
  if (viewer.role === null) return false;
  if (viewer.subject !== null && viewer.subject === activity.organiserSubject) return true;
  if (leaderId !== null && viewerVolunteerId === leaderId && (SERVERS as readonly Role[]).includes(viewer.role)) return true;
  return staffCovers(viewer, activity);
}

/** Whether a team leader, or the staff above the team, may plan an activity for it. */
export function mayPlanFor(viewer: Acting, team: Place & { leaderId: number | null }, viewerVolunteerId: number | null): boolean {
  if (team.leaderId !== null && viewerVolunteerId === team.leaderId && viewer.role !== null && (SERVERS as readonly Role[]).includes(viewer.role)) return true;
  return staffCovers(viewer, team);
}

/** A merchant's takings (redemptions, points received) are its own and the staff's above it. */
export function mayReadMerchantBooks(viewer: Acting, merchant: Place & { key: number }): boolean {
  if (viewer.role === Role.MERCHANT) return viewer.unit?.type === 'Merchant' && viewer.unit.key === merchant.key;
  return staffCovers(viewer, merchant);
}

const HUNDREDTH_HOUR_MS = 36_000;

/** How long an activity lasts, in hours to the hundredth, rounded down: the most hours it can earn. */
export function durationHours(startsAt: Date, endsAt: Date): string {
  return decimalOf(BigInt(Math.floor((endsAt.getTime() - startsAt.getTime()) / HUNDREDTH_HOUR_MS)));
}

/**
 * The hours an organiser confirms for one attendee: the whole activity when none are given,
 * never more than it lasted. A string is the hours; an object says why they are refused.
 */
export function attendedHours(given: string | null | undefined, startsAt: Date, endsAt: Date): string | { refused: string } {
  const most = durationHours(startsAt, endsAt);
  if (given === null || given === undefined) return most;
  if (!isHours(given)) return { refused: 'Hours are a positive number with at most two decimals, e.g. "2.5".' };
  if (hundredths(given) > hundredths(most)) return { refused: `The activity lasted ${most} hours; no one can be credited more.` };
  return decimalOf(hundredths(given));
}

export interface Refusal {
  code: UserErrorCode;
  message: string;
}

/** Sign-ups close when the activity starts; a cancelled one takes none; a full one takes no more. */
export function signUpRefusal(activity: { status: string; startsAt: Date; capacity: number }, signedUp: number, now: Date): Refusal | null {
  if (activity.status !== 'OPEN') return { code: UserErrorCode.INVALID_TRANSITION, message: 'The activity was cancelled.' };
  if (activity.startsAt.getTime() <= now.getTime()) {
    return { code: UserErrorCode.INVALID_TRANSITION, message: 'The activity has started; sign-ups are closed.' };
  }
  if (signedUp >= activity.capacity) return { code: UserErrorCode.CAPACITY_REACHED, message: `All ${activity.capacity} places are taken.` };
  return null;
}

/** A rate is published ahead: from today (in China) on, never for days already served. */
export function rateDateRefusal(effectiveFrom: string, today: string): string | null {
  return effectiveFrom < today ? `A rate takes effect from today (${today}) or later; days already served keep their rate.` : null;
}
