import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chinaDate } from '../../../src/calendar';
import { participations, reportIns } from '../../../src/modules/party/party.tables';
import { pointsFor } from '../../../src/modules/volunteer/bank.amounts';
import { rateOn } from '../../../src/modules/volunteer/bank.ledger';
import { ledgerMovements, volunteers } from '../../../src/modules/volunteer/volunteer.tables';
import { wishes, wishTransitions } from '../../../src/modules/wish/wish.tables';
import { onServer } from '../../helpers/database';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import {
  balanceOf, keyOfId, makePartyMember, makeUnit, makeVolunteer, wishClient, type WishResult,
} from '../../helpers/wishes';

let t: TestServer;
let u: DemoUnits;
let api: ReturnType<typeof wishClient>;
const tokens: Record<string, string> = {};
let member: Awaited<ReturnType<typeof makePartyMember>>;
let otherMember: Awaited<ReturnType<typeof makePartyMember>>;
let volunteer: Awaited<ReturnType<typeof makeVolunteer>>;
let unit: Awaited<ReturnType<typeof makeUnit>>;
let strangerUnit: Awaited<ReturnType<typeof makeUnit>>;

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  api = wishClient(t);
  member = await makePartyMember(t.database.db, u.micro.id, { reportedIn: true });
  otherMember = await makePartyMember(t.database.db, u.otherLevel2.id);
  volunteer = await makeVolunteer(t.database.db, u.micro.id);
  unit = await makeUnit(t.database.db, u.micro.id);
  strangerUnit = await makeUnit(t.database.db, u.micro.id, { reportedIn: false });
  tokens.resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'resident-1');
  tokens.otherResident = await t.token(Role.RESIDENT, { type: 'Household', key: u.otherHousehold.id }, 'resident-2');
  tokens.worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'worker-a');
  tokens.otherWorker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.otherLevel2.id }, 'worker-b');
  tokens.secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'secretary');
  tokens.officer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }, 'officer');
  tokens.otherOfficer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.otherStreet.id }, 'other-officer');
  tokens.admin = await t.token(Role.CITY_ADMIN);
  tokens.member = await t.token(Role.PARTY_MEMBER, { type: 'PartyMember', key: member.id }, member.subject!);
  tokens.otherMember = await t.token(Role.PARTY_MEMBER, { type: 'PartyMember', key: otherMember.id }, otherMember.subject!);
  tokens.volunteer = await t.token(Role.VOLUNTEER, { type: 'Volunteer', key: volunteer.id }, volunteer.subject!);
  tokens.handler = await t.token(Role.DEPARTMENT_HANDLER, { type: 'Department', key: 1 }, 'handler');
});
afterAll(async () => t?.close());

const submit = (token = tokens.resident, extra: Record<string, unknown> = {}, key?: string) =>
  api.submit(token, { category: 'DAILY_NEEDS', title: '想要一台收音机', detail: '老伴走后一个人在家，想听听戏曲频道', ...extra }, key);

/** A wish taken as far as `until`, through the API. */
async function wishAt(until: 'SUBMITTED' | 'PUBLISHED' | 'CLAIMED' | 'FULFILLED', claimer = tokens.member): Promise<string> {
  const { wish } = await submit();
  if (until === 'SUBMITTED') return wish.id;
  await api.step('wishPublish', { id: wish.id }, tokens.secretary);
  if (until === 'PUBLISHED') return wish.id;
  expect((await api.step('wishClaim', { id: wish.id }, claimer)).userErrors).toEqual([]);
  if (until === 'CLAIMED') return wish.id;
  expect((await api.step('wishFulfil', { id: wish.id, hours: '1' }, claimer)).userErrors).toEqual([]);
  return wish.id;
}

const TIMELINE = `query($id: ID!) { node(id: $id) { ... on Wish { status timeline { totalCount nodes { action fromStatus toStatus note hours actor { subject role } } } } } }`;

async function timeline(id: string, token = tokens.resident) {
  const r = await t.gql(TIMELINE, { id }, token);
  expect(r.errors).toBeUndefined();
  return r.data.node.timeline.nodes as { action: string; fromStatus: string | null; toStatus: string; note: string | null; hours: string | null; actor: { subject: string; role: string } }[];
}

async function wishMovements(id: string) {
  const [{ n }] = await t.database.db.select({ n: count() }).from(ledgerMovements).where(eq(ledgerMovements.wishId, keyOfId(id)));
  return n;
}

async function expectedPoints(hours: string) {
  return pointsFor(hours, await rateOn(t.database.db, chinaDate()));
}

const ok = (r: WishResult) => {
  expect(r.userErrors).toEqual([]);
  return r.wish;
};

describe('the whole loop over HTTP (居民点单、社区下单、党员接单)', () => {
  test('a party member\'s wish: submit → publish → claim → fulfil → confirm credits hours and points once and counts a participation', async () => {
    const submitted = ok(await submit(tokens.resident, {}, 'phone-7-wish-1'));
    expect(submitted).toMatchObject({ status: 'SUBMITTED', version: 1, claimantKind: null, viewerCanConfirm: false, viewerCanPublish: false });
    const published = ok(await api.step('wishPublish', { id: submitted.id, expectedVersion: 1, note: '已核实，发布认领' }, tokens.secretary));
    expect(published).toMatchObject({ status: 'PUBLISHED', version: 2, viewerCanPublish: false, viewerCanClaim: true });

    const claimed = ok(await api.step('wishClaim', { id: submitted.id, expectedVersion: 2 }, tokens.member));
    expect(claimed).toMatchObject({
      status: 'CLAIMED', version: 3, claimantKind: 'PARTY_MEMBER', claimantId: member.gid, claimantName: member.name,
      viewerCanFulfil: true, viewerCanClaim: false,
    });
    expect(claimed.place).toContain(u.building.name);

    const fulfilled = ok(await api.step('wishFulfil', { id: submitted.id, hours: '2.5', note: '买好送到家，教会使用' }, tokens.member));
    expect(fulfilled).toMatchObject({ status: 'FULFILLED', version: 4, hoursSpent: '2.50', viewerCanFulfil: false });

    const [before] = await t.database.db.select().from(volunteers).where(eq(volunteers.partyMemberId, member.id));
    expect(before).toBeUndefined();
    const confirmed = ok(await api.step('wishConfirm', { id: submitted.id, idempotencyKey: 'phone-7-confirm-1' }, tokens.resident));
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', version: 5, viewerCanConfirm: false, viewerCanDispute: false });

    const [banked] = await t.database.db.select().from(volunteers).where(eq(volunteers.partyMemberId, member.id));
    const credited = { hours: '2.50', points: await expectedPoints('2.50') };
    expect(await balanceOf(t.database.db, banked.id)).toEqual(credited);

    const again = await api.step('wishConfirm', { id: submitted.id, idempotencyKey: 'phone-7-confirm-1' }, tokens.resident);
    expect(again).toEqual({ wish: expect.objectContaining({ id: submitted.id, status: 'CONFIRMED', version: 5 }), userErrors: [] });
    const twice = await api.step('wishConfirm', { id: submitted.id }, tokens.resident);
    expect(twice.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'INVALID_TRANSITION' })]);
    expect(await balanceOf(t.database.db, banked.id)).toEqual(credited);
    expect(await wishMovements(submitted.id)).toBe(1);

    const [reportIn] = await t.database.db.select().from(reportIns).where(eq(reportIns.memberId, member.id));
    const counted = await t.database.db.select().from(participations).where(eq(participations.wishId, keyOfId(submitted.id)));
    expect(counted).toEqual([expect.objectContaining({ reportInId: reportIn.id, hours: '2.50', occurredOn: chinaDate(), recordedBy: 'resident-1' })]);

    expect(await timeline(submitted.id)).toEqual([
      { action: 'SUBMIT', fromStatus: null, toStatus: 'SUBMITTED', note: null, hours: null, actor: { subject: 'resident-1', role: 'RESIDENT' } },
      { action: 'PUBLISH', fromStatus: 'SUBMITTED', toStatus: 'PUBLISHED', note: '已核实，发布认领', hours: null, actor: { subject: 'secretary', role: 'COMMUNITY_SECRETARY' } },
      { action: 'CLAIM', fromStatus: 'PUBLISHED', toStatus: 'CLAIMED', note: null, hours: null, actor: { subject: member.subject, role: 'PARTY_MEMBER' } },
      { action: 'FULFIL', fromStatus: 'CLAIMED', toStatus: 'FULFILLED', note: '买好送到家，教会使用', hours: '2.50', actor: { subject: member.subject, role: 'PARTY_MEMBER' } },
      { action: 'CONFIRM', fromStatus: 'FULFILLED', toStatus: 'CONFIRMED', note: null, hours: null, actor: { subject: 'resident-1', role: 'RESIDENT' } },
    ]);
  });

  test('a volunteer\'s confirmed wish credits the volunteer directly, at the day\'s rate, and counts no participation', async () => {
    const id = await wishAt('CLAIMED', tokens.volunteer);
    const before = await balanceOf(t.database.db, volunteer.id);
    ok(await api.step('wishFulfil', { id, hours: '1.25' }, tokens.volunteer));
    const confirmed = ok(await api.step('wishConfirm', { id }, tokens.resident));
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', claimantKind: 'VOLUNTEER', claimantId: volunteer.gid, claimantName: volunteer.name });
    const after = await balanceOf(t.database.db, volunteer.id);
    expect(Number(after.hours) - Number(before.hours)).toBeCloseTo(1.25);
    expect(after.points - before.points).toBe(await expectedPoints('1.25'));
    expect(await t.database.db.select().from(participations).where(eq(participations.wishId, keyOfId(id)))).toEqual([]);
  });

  test('community staff claim for a reported-in unit and fulfil for it; the confirmation counts the unit\'s participation, no bank credit', async () => {
    const id = await wishAt('PUBLISHED');
    const claimed = ok(await api.step('wishClaim', { id, unitId: unit.gid, note: '市人民医院党支部认领' }, tokens.secretary));
    expect(claimed).toMatchObject({ claimantKind: 'UNIT', claimantId: unit.gid, claimantName: unit.name, viewerCanFulfil: true });
    const fulfilled = ok(await api.step('wishFulfil', { id, hours: '3' }, tokens.officer));
    expect(fulfilled.hoursSpent).toBe('3.00');
    ok(await api.step('wishConfirm', { id }, tokens.resident));
    const [reportIn] = await t.database.db.select().from(reportIns).where(and(eq(reportIns.unitId, unit.id), eq(reportIns.communityId, u.community.id)));
    expect(await t.database.db.select().from(participations).where(eq(participations.wishId, keyOfId(id))))
      .toEqual([expect.objectContaining({ reportInId: reportIn.id, hours: '3.00' })]);
    expect(await wishMovements(id)).toBe(0);
  });

  test('the community declines with a reason, which the resident reads; a declined wish goes nowhere', async () => {
    const id = await wishAt('SUBMITTED');
    const blank = await api.step('wishDecline', { id, reason: '   ' }, tokens.secretary);
    expect(blank).toEqual({ wish: null, userErrors: [expect.objectContaining({ field: ['reason'], code: 'REQUIRED' })] });
    const declined = ok(await api.step('wishDecline', { id, reason: '已由民政低保政策解决，转交网格员跟进' }, tokens.officer));
    expect(declined).toMatchObject({ status: 'DECLINED', declineReason: '已由民政低保政策解决，转交网格员跟进', viewerCanPublish: false });
    const mine = await t.gql(`query($id: ID!) { node(id: $id) { ... on Wish { status declineReason closedAt } } }`, { id }, tokens.resident);
    expect(mine.data.node).toMatchObject({ status: 'DECLINED', declineReason: '已由民政低保政策解决，转交网格员跟进' });
    expect(mine.data.node.closedAt).not.toBeNull();
    const publish = await api.step('wishPublish', { id }, tokens.secretary);
    expect(publish.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'INVALID_TRANSITION' })]);
    expect((await timeline(id)).map((s) => [s.action, s.note])).toEqual([['SUBMIT', null], ['DECLINE', '已由民政低保政策解决，转交网格员跟进']]);
  });

  test('the resident disputes, the claimant fulfils again, and the confirmation credits the hours of the last fulfilment', async () => {
    const id = await wishAt('FULFILLED', tokens.volunteer);
    const before = await balanceOf(t.database.db, volunteer.id);
    const disputed = ok(await api.step('wishDispute', { id, reason: '收音机没有声音', idempotencyKey: 'dispute-1' }, tokens.resident));
    expect(disputed).toMatchObject({ status: 'DISPUTED', viewerCanConfirm: false });
    const repeated = await api.step('wishDispute', { id, reason: '收音机没有声音', idempotencyKey: 'dispute-1' }, tokens.resident);
    expect(repeated).toEqual({ wish: expect.objectContaining({ status: 'DISPUTED', version: disputed.version }), userErrors: [] });
    const asClaimant = await t.gql(`query($id: ID!) { node(id: $id) { ... on Wish { viewerCanFulfil } } }`, { id }, tokens.volunteer);
    expect(asClaimant.data.node.viewerCanFulfil).toBe(true);
    ok(await api.step('wishFulfil', { id, hours: '2', note: '换了电池，已能收听' }, tokens.volunteer));
    expect(await balanceOf(t.database.db, volunteer.id)).toEqual(before);
    ok(await api.step('wishConfirm', { id }, tokens.resident));
    const after = await balanceOf(t.database.db, volunteer.id);
    expect(Number(after.hours) - Number(before.hours)).toBeCloseTo(2);
    expect(after.points - before.points).toBe(await expectedPoints('2'));
    expect((await timeline(id)).map((s) => [s.action, s.toStatus, s.hours])).toEqual([
      ['SUBMIT', 'SUBMITTED', null], ['PUBLISH', 'PUBLISHED', null], ['CLAIM', 'CLAIMED', null], ['FULFIL', 'FULFILLED', '1.00'],
      ['DISPUTE', 'DISPUTED', null], ['FULFIL', 'FULFILLED', '2.00'], ['CONFIRM', 'CONFIRMED', null],
    ]);
  });

  test('a grid worker submits for a household of their grids (an elderly resident without a phone); the resident confirms', async () => {
    const byWorker = ok(await submit(tokens.worker, { householdId: u.ids.household, category: 'COMPANIONSHIP' }));
    const mine = await t.gql(`query($id: ID!) { node(id: $id) { ... on Wish { submitter { subject role } household { id } } } }`, { id: byWorker.id }, tokens.resident);
    expect(mine.data.node).toEqual({ submitter: { subject: 'worker-a', role: 'GRID_WORKER' }, household: { id: u.ids.household } });
    const outside = await submit(tokens.otherWorker, { householdId: u.ids.household });
    expect(outside.userErrors).toEqual([expect.objectContaining({ field: ['input', 'householdId'], code: 'OUT_OF_SCOPE' })]);
    const unnamed = await submit(tokens.worker);
    expect(unnamed.userErrors).toEqual([expect.objectContaining({ field: ['input', 'householdId'], code: 'REQUIRED' })]);
    const foreign = await submit(tokens.worker, { householdId: u.ids.building });
    expect(foreign.userErrors).toEqual([expect.objectContaining({ field: ['input', 'householdId'], code: 'NOT_FOUND' })]);
    const notMine = await submit(tokens.resident, { householdId: u.ids.otherHousehold });
    expect(notMine.userErrors).toEqual([expect.objectContaining({ field: ['input', 'householdId'], code: 'OUT_OF_SCOPE' })]);
  });

  test('a repeated submission with the same idempotency key submits once, even concurrently', async () => {
    const [{ n: before }] = await t.database.db.select({ n: count() }).from(wishes);
    const first = ok(await submit(tokens.resident, {}, 'phone-9-wish'));
    const again = ok(await submit(tokens.resident, {}, 'phone-9-wish'));
    expect(again.id).toBe(first.id);
    const concurrent = await Promise.all([1, 2, 3].map(() => submit(tokens.resident, {}, 'phone-9-wish-2')));
    expect(new Set(concurrent.map((r) => r.wish.id)).size).toBe(1);
    const [{ n: after }] = await t.database.db.select({ n: count() }).from(wishes);
    expect(after).toBe(before + 2);
  });
});

describe('refusals leave the wish as it was', () => {
  const snapshot = async (id: string) => {
    const key = keyOfId(id);
    const [row] = await t.database.db.select().from(wishes).where(eq(wishes.id, key));
    const [{ n }] = await t.database.db.select({ n: count() }).from(wishTransitions).where(eq(wishTransitions.wishId, key));
    return { row, timeline: n, movements: await wishMovements(id) };
  };

  test.each([
    ['a grid worker publishing', 'wishPublish', 'worker', 'SUBMITTED'],
    ['a resident publishing', 'wishPublish', 'resident', 'SUBMITTED'],
    ['a party member declining', 'wishDecline', 'member', 'SUBMITTED'],
    ['a resident claiming', 'wishClaim', 'resident', 'PUBLISHED'],
    ['a grid worker claiming', 'wishClaim', 'worker', 'PUBLISHED'],
    ['a city administrator claiming', 'wishClaim', 'admin', 'PUBLISHED'],
    ['a resident fulfilling', 'wishFulfil', 'resident', 'CLAIMED'],
    ['the community confirming', 'wishConfirm', 'secretary', 'FULFILLED'],
    ['the claimant confirming', 'wishConfirm', 'member', 'FULFILLED'],
    ['the claimant disputing', 'wishDispute', 'member', 'FULFILLED'],
    ['a department handler publishing', 'wishPublish', 'handler', 'SUBMITTED'],
  ] as const)('%s is FORBIDDEN before anything runs', async (_name, mutation, who, state) => {
    const id = await wishAt(state);
    const before = await snapshot(id);
    const args: Record<string, unknown> = { id };
    if (mutation === 'wishDecline' || mutation === 'wishDispute') args.reason = '理由';
    if (mutation === 'wishFulfil') args.hours = '1';
    const r = await api.raw(mutation, args, tokens[who]);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await snapshot(id)).toEqual(before);
  });

  test('a member submitting and an anonymous caller are refused', async () => {
    const asMember = await t.gql(`mutation { wishSubmit(input: { category: OTHER, title: "x", detail: "y" }) { wish { id } } }`, {}, tokens.member);
    expect(asMember.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await t.gql(`mutation { wishSubmit(input: { category: OTHER, title: "x", detail: "y" }) { wish { id } } }`);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('the wrong resident, the wrong claimant and staff out of scope get user errors', async () => {
    const fulfilled = await wishAt('FULFILLED');
    const before = await snapshot(fulfilled);
    const otherResident = await api.step('wishConfirm', { id: fulfilled }, tokens.otherResident);
    expect(otherResident.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'NOT_FOUND' })]);
    const disputeOther = await api.step('wishDispute', { id: fulfilled, reason: '没做' }, tokens.otherResident);
    expect(disputeOther.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'NOT_FOUND' })]);
    expect(await snapshot(fulfilled)).toEqual(before);

    const claimed = await wishAt('CLAIMED');
    const claimedBefore = await snapshot(claimed);
    const otherMemberFulfils = await api.step('wishFulfil', { id: claimed, hours: '1' }, tokens.otherMember);
    expect(otherMemberFulfils.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'OUT_OF_SCOPE' })]);
    const volunteerFulfils = await api.step('wishFulfil', { id: claimed, hours: '1' }, tokens.volunteer);
    expect(volunteerFulfils.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'OUT_OF_SCOPE' })]);
    const staffFulfils = await api.step('wishFulfil', { id: claimed, hours: '1' }, tokens.secretary);
    expect(staffFulfils.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'OUT_OF_SCOPE' })]);
    expect(await snapshot(claimed)).toEqual(claimedBefore);

    const submitted = await wishAt('SUBMITTED');
    const submittedBefore = await snapshot(submitted);
    const otherStreet = await api.step('wishPublish', { id: submitted }, tokens.otherOfficer);
    expect(otherStreet.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'NOT_FOUND' })]);
    const memberBeforePublication = await api.step('wishClaim', { id: submitted }, tokens.member);
    expect(memberBeforePublication.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'NOT_FOUND' })]);
    expect(await snapshot(submitted)).toEqual(submittedBefore);
  });

  test('a second claim is refused with INVALID_TRANSITION and changes nothing; so is any step the state does not allow', async () => {
    const id = await wishAt('CLAIMED');
    const before = await snapshot(id);
    for (const token of [tokens.otherMember, tokens.volunteer, tokens.member]) {
      const second = await api.step('wishClaim', { id }, token);
      expect(second).toEqual({ wish: null, userErrors: [expect.objectContaining({ field: ['id'], code: 'INVALID_TRANSITION' })] });
    }
    const forUnit = await api.step('wishClaim', { id, unitId: unit.gid }, tokens.secretary);
    expect(forUnit.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'INVALID_TRANSITION' })]);
    const confirm = await api.step('wishConfirm', { id }, tokens.resident);
    expect(confirm.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'INVALID_TRANSITION' })]);
    const publish = await api.step('wishPublish', { id }, tokens.secretary);
    expect(publish.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'INVALID_TRANSITION' })]);
    expect(await snapshot(id)).toEqual(before);
  });

  test('bad input names the field; a stale version is STALE_VERSION', async () => {
    const tooLong = await submit(tokens.resident, { title: '长'.repeat(41), detail: '' });
    expect(tooLong.userErrors).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: ['input', 'title'], code: 'INVALID' }),
      expect.objectContaining({ field: ['input', 'detail'], code: 'REQUIRED' }),
    ]));
    const blank = await submit(tokens.resident, { title: '   ' });
    expect(blank.userErrors).toEqual([expect.objectContaining({ field: ['input', 'title'], code: 'REQUIRED' })]);
    const longDetail = await submit(tokens.resident, { detail: '字'.repeat(501) });
    expect(longDetail.userErrors).toEqual([expect.objectContaining({ field: ['input', 'detail'], code: 'INVALID' })]);

    const published = await wishAt('PUBLISHED');
    const publishedBefore = await snapshot(published);
    const noUnit = await api.step('wishClaim', { id: published }, tokens.secretary);
    expect(noUnit.userErrors).toEqual([expect.objectContaining({ field: ['unitId'], code: 'REQUIRED' })]);
    const memberForUnit = await api.step('wishClaim', { id: published, unitId: unit.gid }, tokens.member);
    expect(memberForUnit.userErrors).toEqual([expect.objectContaining({ field: ['unitId'], code: 'INVALID' })]);
    const notReportedIn = await api.step('wishClaim', { id: published, unitId: strangerUnit.gid }, tokens.secretary);
    expect(notReportedIn.userErrors).toEqual([expect.objectContaining({ field: ['unitId'], code: 'INVALID' })]);
    const notAUnit = await api.step('wishClaim', { id: published, unitId: u.ids.community }, tokens.secretary);
    expect(notAUnit.userErrors).toEqual([expect.objectContaining({ field: ['unitId'], code: 'NOT_FOUND' })]);
    const stale = await api.step('wishClaim', { id: published, expectedVersion: 1 }, tokens.member);
    expect(stale.userErrors).toEqual([expect.objectContaining({ field: ['expectedVersion'], code: 'STALE_VERSION' })]);
    const longNote = await api.step('wishClaim', { id: published, note: '话'.repeat(501) }, tokens.member);
    expect(longNote.userErrors).toEqual([expect.objectContaining({ field: ['note'], code: 'INVALID' })]);
    const notAWish = await api.step('wishClaim', { id: u.ids.household }, tokens.member);
    expect(notAWish.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'NOT_FOUND' })]);
    expect(await snapshot(published)).toEqual(publishedBefore);

    const claimed = await wishAt('CLAIMED');
    const claimedBefore = await snapshot(claimed);
    for (const hours of ['0', '24.01', '-2']) {
      const bad = await api.step('wishFulfil', { id: claimed, hours }, tokens.member);
      expect(bad.userErrors).toEqual([expect.objectContaining({ field: ['hours'], code: 'INVALID' })]);
    }
    const threeDecimals = await api.raw('wishFulfil', { id: claimed, hours: '1.234' }, tokens.member);
    expect(threeDecimals.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await snapshot(claimed)).toEqual(claimedBefore);

    const fulfilled = await wishAt('FULFILLED');
    const fulfilledBefore = await snapshot(fulfilled);
    const noReason = await api.step('wishDispute', { id: fulfilled, reason: '' }, tokens.resident);
    expect(noReason.userErrors).toEqual([expect.objectContaining({ field: ['reason'], code: 'REQUIRED' })]);
    expect(await snapshot(fulfilled)).toEqual(fulfilledBefore);
  });

  test('two claims at once: one wins, the other is refused; the timeline holds one claim', async () => {
    const id = await wishAt('PUBLISHED');
    const results = await Promise.all([tokens.member, tokens.otherMember].map((token) => api.step('wishClaim', { id }, token)));
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(results.flatMap((r) => r.userErrors.map((e) => e.code))).toEqual(['INVALID_TRANSITION']);
    const claims = (await timeline(id, tokens.secretary)).filter((s) => s.action === 'CLAIM');
    expect(claims).toHaveLength(1);
  });
});

describe.runIf(onServer())('concurrent claims on a PostgreSQL server', () => {
  test('claims fired in parallel over HTTP produce exactly one winner, and the row says who', async () => {
    const claimers = [tokens.member, tokens.otherMember, tokens.volunteer];
    for (let i = 0; i < 3; i += 1) {
      claimers.push(await t.token(Role.PARTY_MEMBER, { type: 'PartyMember', key: (await makePartyMember(t.database.db, u.micro.id)).id }, `parallel-${i}`));
    }
    for (let round = 0; round < 3; round += 1) {
      const id = await wishAt('PUBLISHED');
      const results = await Promise.all(claimers.map((token) => api.step('wishClaim', { id }, token)));
      const winners = results.filter((r) => r.userErrors.length === 0);
      expect(winners).toHaveLength(1);
      expect(results.flatMap((r) => r.userErrors.map((e) => e.code))).toEqual(Array(claimers.length - 1).fill('INVALID_TRANSITION'));
      const [row] = await t.database.db.select().from(wishes).where(eq(wishes.id, keyOfId(id)));
      expect(row).toMatchObject({ status: 'CLAIMED', version: 3, claimantKind: winners[0].wish.claimantKind });
      const [{ n }] = await t.database.db.select({ n: count() }).from(wishTransitions).where(and(eq(wishTransitions.wishId, row.id), eq(wishTransitions.action, 'CLAIM')));
      expect(n).toBe(1);
    }
  });
});
