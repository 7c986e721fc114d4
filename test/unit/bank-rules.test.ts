import { describe, expect, test } from 'vitest';
import { Role } from '../../src/auth/roles';
import { UserErrorCode } from '../../src/graphql/errors';
import {
  attendedHours, durationHours, mayOrganise, mayPlanFor, mayReadMerchantBooks, rateDateRefusal, signUpRefusal, staffCovers,
  type Acting,
} from '../../src/modules/volunteer/volunteer.rules';

const place = { districtId: 1, streetId: 10, communityId: 100 };
const activity = { ...place, organiserSubject: 'leader-sub' };
const as = (role: Role | null, unit: Acting['unit'] = null, subject: string | null = 'someone'): Acting => ({ role, unit, subject });
const at = (iso: string) => new Date(iso);

describe('who covers a place', () => {
  test('the city, its district, its street and its community; no one else', () => {
    expect(staffCovers(as(Role.CITY_ADMIN), place)).toBe(true);
    expect(staffCovers(as(Role.CITY_ADMIN, { type: 'District', key: 1 }), place)).toBe(true);
    expect(staffCovers(as(Role.CITY_ADMIN, { type: 'District', key: 2 }), place)).toBe(false);
    expect(staffCovers(as(Role.STREET_OFFICER, { type: 'Street', key: 10 }), place)).toBe(true);
    expect(staffCovers(as(Role.STREET_OFFICER, { type: 'Street', key: 11 }), place)).toBe(false);
    expect(staffCovers(as(Role.COMMUNITY_SECRETARY, { type: 'Community', key: 100 }), place)).toBe(true);
    expect(staffCovers(as(Role.COMMUNITY_SECRETARY, { type: 'Community', key: 101 }), place)).toBe(false);
    expect(staffCovers(as(Role.GRID_WORKER, { type: 'Grid', key: 5 }), place)).toBe(false);
    expect(staffCovers(as(Role.VOLUNTEER, { type: 'Volunteer', key: 3 }), place)).toBe(false);
    expect(staffCovers(as(Role.RESIDENT, { type: 'Household', key: 3 }), place)).toBe(false);
    expect(staffCovers(as(null, null, null), place)).toBe(false);
  });
});

describe('who organises an activity', () => {
  test('whoever planned it, by their token subject', () => {
    expect(mayOrganise(as(Role.VOLUNTEER, { type: 'Volunteer', key: 9 }, 'leader-sub'), activity, null, 9)).toBe(true);
  });

  test('the team\'s leader, as a volunteer or through a party member\'s banked record', () => {
    expect(mayOrganise(as(Role.VOLUNTEER, { type: 'Volunteer', key: 4 }), activity, 4, 4)).toBe(true);
    expect(mayOrganise(as(Role.PARTY_MEMBER, { type: 'PartyMember', key: 70 }), activity, 4, 4)).toBe(true);
    expect(mayOrganise(as(Role.VOLUNTEER, { type: 'Volunteer', key: 5 }), activity, 4, 5)).toBe(false);
    expect(mayOrganise(as(Role.VOLUNTEER, { type: 'Volunteer', key: 5 }), activity, null, 5)).toBe(false);
  });

  test('the community\'s staff above it; a merchant, a resident or a stranger never', () => {
    expect(mayOrganise(as(Role.COMMUNITY_SECRETARY, { type: 'Community', key: 100 }), activity, 4, null)).toBe(true);
    expect(mayOrganise(as(Role.COMMUNITY_SECRETARY, { type: 'Community', key: 101 }), activity, 4, null)).toBe(false);
    expect(mayOrganise(as(Role.MERCHANT, { type: 'Merchant', key: 4 }), activity, 4, null)).toBe(false);
    expect(mayOrganise(as(Role.RESIDENT, { type: 'Household', key: 4 }), activity, 4, null)).toBe(false);
    expect(mayOrganise(as(null, null, null), activity, 4, null)).toBe(false);
  });

  test('a team\'s activities are planned by its leader or the staff above it', () => {
    const team = { ...place, leaderId: 4 };
    expect(mayPlanFor(as(Role.VOLUNTEER, { type: 'Volunteer', key: 4 }), team, 4)).toBe(true);
    expect(mayPlanFor(as(Role.VOLUNTEER, { type: 'Volunteer', key: 5 }), team, 5)).toBe(false);
    expect(mayPlanFor(as(Role.STREET_OFFICER, { type: 'Street', key: 10 }), team, null)).toBe(true);
    expect(mayPlanFor(as(Role.STREET_OFFICER, { type: 'Street', key: 10 }), { ...team, leaderId: null }, null)).toBe(true);
    expect(mayPlanFor(as(Role.VOLUNTEER, { type: 'Volunteer', key: 4 }), { ...team, leaderId: null }, 4)).toBe(false);
  });

  test('a merchant\'s takings are its own and the staff\'s above it', () => {
    const shop = { ...place, key: 8 };
    expect(mayReadMerchantBooks(as(Role.MERCHANT, { type: 'Merchant', key: 8 }), shop)).toBe(true);
    expect(mayReadMerchantBooks(as(Role.MERCHANT, { type: 'Merchant', key: 9 }), shop)).toBe(false);
    expect(mayReadMerchantBooks(as(Role.STREET_OFFICER, { type: 'Street', key: 10 }), shop)).toBe(true);
    expect(mayReadMerchantBooks(as(Role.VOLUNTEER, { type: 'Volunteer', key: 8 }), shop)).toBe(false);
  });
});

describe('hours an organiser confirms', () => {
  const start = at('2026-03-10T01:00:00Z');

  test('an activity lasts its length in hundredths of an hour, rounded down', () => {
    expect(durationHours(start, at('2026-03-10T03:30:00Z'))).toBe('2.50');
    expect(durationHours(start, at('2026-03-10T02:20:00Z'))).toBe('1.33');
    expect(durationHours(start, at('2026-03-10T01:00:36Z'))).toBe('0.01');
    expect(durationHours(start, at('2026-03-11T01:00:00Z'))).toBe('24.00');
  });

  test('the whole activity when none are given; any positive hours up to it; never more', () => {
    const end = at('2026-03-10T03:30:00Z');
    expect(attendedHours(undefined, start, end)).toBe('2.50');
    expect(attendedHours(null, start, end)).toBe('2.50');
    expect(attendedHours('1.5', start, end)).toBe('1.50');
    expect(attendedHours('2.50', start, end)).toBe('2.50');
    expect(attendedHours('2.51', start, end)).toEqual({ refused: expect.stringContaining('2.50 hours') });
    expect(attendedHours('0', start, end)).toEqual({ refused: expect.stringContaining('positive') });
    expect(attendedHours('-1', start, end)).toEqual({ refused: expect.stringContaining('positive') });
    expect(attendedHours('1.255', start, end)).toEqual({ refused: expect.stringContaining('two decimals') });
  });
});

describe('sign-ups', () => {
  const now = at('2026-03-09T00:00:00Z');
  const open = { status: 'OPEN', startsAt: at('2026-03-10T01:00:00Z'), capacity: 3 };

  test('open until the start while places are left', () => {
    expect(signUpRefusal(open, 0, now)).toBeNull();
    expect(signUpRefusal(open, 2, now)).toBeNull();
  });

  test('full: CAPACITY_REACHED; started or cancelled: INVALID_TRANSITION', () => {
    expect(signUpRefusal(open, 3, now)?.code).toBe(UserErrorCode.CAPACITY_REACHED);
    expect(signUpRefusal(open, 0, open.startsAt)?.code).toBe(UserErrorCode.INVALID_TRANSITION);
    expect(signUpRefusal({ ...open, status: 'CANCELLED' }, 0, now)).toEqual({ code: UserErrorCode.INVALID_TRANSITION, message: 'The activity was cancelled.' });
  });
});

describe('point rates', () => {
  test('published from today on, never for days already served', () => {
    expect(rateDateRefusal('2026-03-10', '2026-03-10')).toBeNull();
    expect(rateDateRefusal('2027-01-01', '2026-03-10')).toBeNull();
    expect(rateDateRefusal('2026-03-09', '2026-03-10')).toMatch(/today/);
  });
});
