import { describe, expect, test } from 'vitest';
import { Role } from '../../src/auth/roles';
import {
  ACTORS, claimantKindOf, hoursProblem, isParty, mayAct, nextStatus, TRANSITIONS, type TransitionAction, type WishActor, type WishFacts,
  type WishStatus,
} from '../../src/modules/wish/wish.machine';
import { wishAction, wishStatus } from '../../src/modules/wish/wish.tables';

/** The flow of DOMAIN.md §3 (居民点单、社区下单、党员接单), written out as the full table. */
const EXPECTED: Record<WishStatus, Partial<Record<TransitionAction, WishStatus>>> = {
  SUBMITTED: { PUBLISH: 'PUBLISHED', DECLINE: 'DECLINED' },
  PUBLISHED: { CLAIM: 'CLAIMED' },
  DECLINED: {},
  CLAIMED: { FULFIL: 'FULFILLED' },
  FULFILLED: { CONFIRM: 'CONFIRMED', DISPUTE: 'DISPUTED' },
  CONFIRMED: {},
  DISPUTED: { FULFIL: 'FULFILLED' },
};

const ACTIONS = Object.keys(TRANSITIONS) as TransitionAction[];
const PAIRS = wishStatus.enumValues.flatMap((status) => ACTIONS.map((action) => [status, action] as const));

const actor = (role: Role | null, unit: WishActor['unit'] = null): WishActor => ({ role, unit });
const member = (key: number) => actor(Role.PARTY_MEMBER, { type: 'PartyMember', key });
const volunteer = (key: number) => actor(Role.VOLUNTEER, { type: 'Volunteer', key });
const resident = (key: number) => actor(Role.RESIDENT, { type: 'Household', key });
const secretary = actor(Role.COMMUNITY_SECRETARY, { type: 'Community', key: 1 });

const wish = (status: WishStatus, claimant: Partial<WishFacts> = {}): WishFacts => ({
  status, householdId: 10, claimantKind: null, claimantMemberId: null, claimantVolunteerId: null, ...claimant,
});

describe('micro-wish state machine', () => {
  test('the table covers every state and every action but the submission', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...wishStatus.enumValues].sort());
    expect([...ACTIONS, 'SUBMIT'].sort()).toEqual([...wishAction.enumValues].sort());
    expect(Object.keys(ACTORS).sort()).toEqual([...wishAction.enumValues].sort());
  });

  test.each(PAIRS)('%s --%s-->', (status, action) => {
    expect(nextStatus(status, action)).toBe(EXPECTED[status][action] ?? null);
  });

  test('members and volunteers claim as themselves, community and street staff for a unit, nobody else', () => {
    expect(claimantKindOf(Role.PARTY_MEMBER)).toBe('PARTY_MEMBER');
    expect(claimantKindOf(Role.VOLUNTEER)).toBe('VOLUNTEER');
    expect(claimantKindOf(Role.COMMUNITY_SECRETARY)).toBe('UNIT');
    expect(claimantKindOf(Role.STREET_OFFICER)).toBe('UNIT');
    expect(claimantKindOf(Role.RESIDENT)).toBeNull();
    expect(claimantKindOf(Role.GRID_WORKER)).toBeNull();
    expect(claimantKindOf(null)).toBeNull();
    expect(mayAct('CLAIM', wish('PUBLISHED'), member(1))).toBe(true);
    expect(mayAct('CLAIM', wish('PUBLISHED'), actor(Role.GRID_WORKER, { type: 'Grid', key: 1 }))).toBe(false);
    expect(mayAct('CLAIM', wish('PUBLISHED'), resident(10))).toBe(false);
    expect(mayAct('CLAIM', wish('CLAIMED', { claimantKind: 'VOLUNTEER', claimantVolunteerId: 2 }), member(1))).toBe(false);
  });

  test('only the claimant fulfils, again after a dispute', () => {
    const byMember = wish('CLAIMED', { claimantKind: 'PARTY_MEMBER', claimantMemberId: 7 });
    expect(mayAct('FULFIL', byMember, member(7))).toBe(true);
    expect(mayAct('FULFIL', byMember, member(8))).toBe(false);
    expect(mayAct('FULFIL', byMember, volunteer(7))).toBe(false);
    expect(mayAct('FULFIL', byMember, secretary)).toBe(false);
    expect(mayAct('FULFIL', { ...byMember, status: 'DISPUTED' }, member(7))).toBe(true);
    const byVolunteer = wish('CLAIMED', { claimantKind: 'VOLUNTEER', claimantVolunteerId: 7 });
    expect(mayAct('FULFIL', byVolunteer, volunteer(7))).toBe(true);
    expect(mayAct('FULFIL', byVolunteer, member(7))).toBe(false);
    const byUnit = wish('CLAIMED', { claimantKind: 'UNIT' });
    expect(mayAct('FULFIL', byUnit, secretary)).toBe(true);
    expect(mayAct('FULFIL', byUnit, actor(Role.STREET_OFFICER, { type: 'Street', key: 1 }))).toBe(true);
    expect(mayAct('FULFIL', byUnit, actor(Role.CITY_ADMIN))).toBe(false);
    expect(mayAct('FULFIL', byUnit, member(7))).toBe(false);
  });

  test('only the resident of the household confirms or disputes', () => {
    const fulfilled = wish('FULFILLED', { claimantKind: 'PARTY_MEMBER', claimantMemberId: 7 });
    expect(mayAct('CONFIRM', fulfilled, resident(10))).toBe(true);
    expect(mayAct('DISPUTE', fulfilled, resident(10))).toBe(true);
    expect(mayAct('CONFIRM', fulfilled, resident(11))).toBe(false);
    expect(mayAct('CONFIRM', fulfilled, secretary)).toBe(false);
    expect(mayAct('CONFIRM', fulfilled, member(7))).toBe(false);
    expect(mayAct('CONFIRM', { ...fulfilled, status: 'CLAIMED' }, resident(10))).toBe(false);
  });

  test('publishing and declining are for community staff and up', () => {
    expect(mayAct('PUBLISH', wish('SUBMITTED'), secretary)).toBe(true);
    expect(mayAct('DECLINE', wish('SUBMITTED'), actor(Role.CITY_ADMIN))).toBe(true);
    expect(mayAct('PUBLISH', wish('SUBMITTED'), actor(Role.GRID_WORKER, { type: 'Grid', key: 1 }))).toBe(false);
    expect(mayAct('PUBLISH', wish('SUBMITTED'), resident(10))).toBe(false);
    expect(mayAct('PUBLISH', wish('SUBMITTED'), actor(null))).toBe(false);
    expect(mayAct('PUBLISH', wish('PUBLISHED'), secretary)).toBe(false);
  });

  test('a member or volunteer browsing an open order is not a party to it until they claim it', () => {
    expect(isParty(wish('PUBLISHED'), member(7))).toBe(false);
    expect(isParty(wish('PUBLISHED'), volunteer(7))).toBe(false);
    expect(isParty(wish('CLAIMED', { claimantKind: 'PARTY_MEMBER', claimantMemberId: 7 }), member(7))).toBe(true);
    expect(isParty(wish('CLAIMED', { claimantKind: 'PARTY_MEMBER', claimantMemberId: 7 }), member(8))).toBe(false);
    expect(isParty(wish('PUBLISHED'), resident(10))).toBe(true);
    expect(isParty(wish('PUBLISHED'), secretary)).toBe(true);
    expect(isParty(wish('PUBLISHED'), actor(null))).toBe(false);
  });

  test.each([
    ['1', null], ['0.25', null], ['24', null], ['24.00', null], ['2.5', null],
    ['0', 'more than 0'], ['0.00', 'more than 0'], ['-1', 'more than 0'], ['24.01', 'at most 24'], ['100', 'at most 24'],
    ['1.234', 'two decimals'], ['abc', 'two decimals'], ['', 'two decimals'], ['1e2', 'two decimals'],
  ])('hours %j', (hours, problem) => {
    const found = hoursProblem(hours);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });
});
