import { Role } from '../../auth/roles';
import type { Unit } from '../../auth/viewer';
import { hundredths } from '../volunteer/bank.amounts';
import type { wishAction, wishClaimantKind, wishStatus } from './wish.tables';

export type WishStatus = (typeof wishStatus.enumValues)[number];
export type WishAction = (typeof wishAction.enumValues)[number];
export type TransitionAction = Exclude<WishAction, 'SUBMIT'>;
export type ClaimantKind = (typeof wishClaimantKind.enumValues)[number];

/**
 * Residents order, the community places the order, members and units take it
 * (居民点单、社区下单、党员接单), DOMAIN.md §3: for each action, the states it may start from
 * and the state it leads to. After a dispute the claimant fulfils again.
 */
export const TRANSITIONS: Record<TransitionAction, { from: readonly WishStatus[]; to: WishStatus }> = {
  PUBLISH: { from: ['SUBMITTED'], to: 'PUBLISHED' },
  DECLINE: { from: ['SUBMITTED'], to: 'DECLINED' },
  CLAIM: { from: ['PUBLISHED'], to: 'CLAIMED' },
  FULFIL: { from: ['CLAIMED', 'DISPUTED'], to: 'FULFILLED' },
  CONFIRM: { from: ['FULFILLED'], to: 'CONFIRMED' },
  DISPUTE: { from: ['FULFILLED'], to: 'DISPUTED' },
};

/** The state an action leads to from `status`, or null when the flow does not allow it. */
export function nextStatus(status: WishStatus, action: TransitionAction): WishStatus | null {
  const transition = TRANSITIONS[action];
  return transition.from.includes(status) ? transition.to : null;
}

const COMMUNITY_UP = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY];
/** Staff who claim and fulfil on behalf of a reporting unit (双报到单位). */
const UNIT_AGENTS: readonly Role[] = [Role.COMMUNITY_SECRETARY, Role.STREET_OFFICER];
const CLAIMANTS = [Role.PARTY_MEMBER, Role.VOLUNTEER, ...UNIT_AGENTS];
const STAFF = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER];

/** Which roles take each action. Who among them may act on a given wish: see `mayAct`. */
export const ACTORS: Record<WishAction, readonly Role[]> = {
  SUBMIT: [Role.RESIDENT, Role.GRID_WORKER],
  PUBLISH: COMMUNITY_UP,
  DECLINE: COMMUNITY_UP,
  CLAIM: CLAIMANTS,
  FULFIL: CLAIMANTS,
  CONFIRM: [Role.RESIDENT],
  DISPUTE: [Role.RESIDENT],
};

/** Roles that read wishes at all; which ones: wish.scope. */
export const READERS: readonly Role[] = [...STAFF, Role.RESIDENT, Role.PARTY_MEMBER, Role.VOLUNTEER];

/** Roles that look for open wishes near a grid: those who take orders, and the staff who place them. */
export const NEARBY_READERS: readonly Role[] = [Role.PARTY_MEMBER, Role.VOLUNTEER, ...STAFF];

export interface WishActor {
  role: Role | null;
  unit: Unit | null;
}

export interface WishFacts {
  status: WishStatus;
  householdId: number;
  claimantKind: ClaimantKind | null;
  claimantMemberId: number | null;
  claimantVolunteerId: number | null;
}

/** The kind of claimant a role claims as: members and volunteers as themselves, staff for a unit. */
export function claimantKindOf(role: Role | null): ClaimantKind | null {
  if (role === Role.PARTY_MEMBER) return 'PARTY_MEMBER';
  if (role === Role.VOLUNTEER) return 'VOLUNTEER';
  return role !== null && UNIT_AGENTS.includes(role) ? 'UNIT' : null;
}

/**
 * Whether the actor stands for the wish's claimant: the member or volunteer their token
 * names, or, for a unit's claim, community staff (whose scope the caller has checked).
 */
export function isClaimant(wish: WishFacts, actor: WishActor): boolean {
  switch (wish.claimantKind) {
    case 'PARTY_MEMBER':
      return actor.role === Role.PARTY_MEMBER && actor.unit?.type === 'PartyMember' && actor.unit.key === wish.claimantMemberId;
    case 'VOLUNTEER':
      return actor.role === Role.VOLUNTEER && actor.unit?.type === 'Volunteer' && actor.unit.key === wish.claimantVolunteerId;
    case 'UNIT':
      return actor.role !== null && UNIT_AGENTS.includes(actor.role);
    default:
      return false;
  }
}

/** Whether the actor is the resident of the wish's household. */
export function isHousehold(wish: WishFacts, actor: WishActor): boolean {
  return actor.role === Role.RESIDENT && actor.unit?.type === 'Household' && actor.unit.key === wish.householdId;
}

/**
 * Whether a viewer who may read the wish takes part in it, and so may read where it is and
 * its timeline: the resident, the staff above it, and the claimant. A member or volunteer
 * browsing open orders sees only what the wish asks for, never whose it is.
 */
export function isParty(wish: WishFacts, actor: WishActor): boolean {
  if (actor.role === Role.PARTY_MEMBER || actor.role === Role.VOLUNTEER) return isClaimant(wish, actor);
  return actor.role !== null;
}

/**
 * Whether this actor may take this action on this wish now (the viewer is already known to
 * see it): the role takes the action, the state allows it, only the claimant fulfils, and
 * only the wish's household confirms or disputes.
 */
export function mayAct(action: TransitionAction, wish: WishFacts, actor: WishActor): boolean {
  if (actor.role === null || !ACTORS[action].includes(actor.role)) return false;
  if (nextStatus(wish.status, action) === null) return false;
  switch (action) {
    case 'FULFIL':
      return isClaimant(wish, actor);
    case 'CONFIRM':
    case 'DISPUTE':
      return isHousehold(wish, actor);
    default:
      return true;
  }
}

const MAX_HOURS = 24;

/** Why `hours` is not the time a fulfilment may record (more than 0, at most 24, two decimals); null when it is. */
export function hoursProblem(hours: string): string | null {
  let value: bigint;
  try {
    value = hundredths(hours);
  } catch {
    return 'Hours are a number with at most two decimals, e.g. "1.5".';
  }
  if (value <= 0n) return 'Hours spent are more than 0.';
  if (value > BigInt(MAX_HOURS) * 100n) return `Hours spent on one wish are at most ${MAX_HOURS}.`;
  return null;
}
