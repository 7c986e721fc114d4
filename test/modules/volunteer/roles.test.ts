import { and, count, eq, isNotNull, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gridSubtree } from '../../../src/auth/scope';
import { toGlobalId } from '../../../src/graphql/ids';
import { communities, residents } from '../../../src/modules/grid/grid.tables';
import {
  activities, activitySignups, ledgerMovements, merchantItems, merchants, pointRates, redemptions, volunteers, volunteerTeams,
} from '../../../src/modules/volunteer/volunteer.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import { bankWorld, dayBefore, done, ERRORS, keyOfId, ok, partyMember, refusals, today, type BankWorld, type Person } from './bank.fixtures';

let t: TestServer;
let u: DemoUnits;
let w: BankWorld;
let leader: Person;
let ann: Person;
let bo: Person;
let teamId: string;
let started: string;
let shop: { id: string; key: number; token: string };
let otherShop: { id: string; key: number; token: string };
let soap: string;
const tokens: Record<string, string> = {};

const rows = async (table: typeof volunteers | typeof volunteerTeams | typeof activities | typeof activitySignups | typeof ledgerMovements | typeof merchants | typeof merchantItems | typeof redemptions | typeof pointRates) =>
  (await t.database.db.select({ n: count() }).from(table))[0].n;
const snapshot = async () => ({
  volunteers: await rows(volunteers), teams: await rows(volunteerTeams), activities: await rows(activities), signups: await rows(activitySignups),
  movements: await rows(ledgerMovements), merchants: await rows(merchants), items: await rows(merchantItems), redemptions: await rows(redemptions),
  rates: await rows(pointRates),
  confirmed: (await t.database.db.select({ n: count() }).from(activitySignups).where(isNotNull(activitySignups.attendanceConfirmedAt)))[0].n,
  cancelled: (await t.database.db.select({ n: count() }).from(activities).where(eq(activities.status, 'CANCELLED')))[0].n,
});

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  w = await bankWorld(t, 'roles');
  leader = await w.volunteer('赵队长');
  ann = await w.volunteer('钱芳');
  bo = await w.volunteer('孙强');
  teamId = await w.team('邻里互助队', leader);
  started = await w.activity(teamId, leader.token, 1, 2, 5, '便民理发');
  for (const person of [ann, bo]) expect((await w.signUp(started, person.token)).userErrors).toEqual([]);
  await w.startedAgo(started, 1);
  shop = await w.merchant('爱心超市');
  otherShop = await w.merchant('邻家便利店');
  soap = await w.item(shop.token, '肥皂', 1, 10);
  const [elsewhere] = await t.database.db.select().from(communities).where(ne(communities.streetId, w.street.id)).limit(1);
  tokens.otherSecretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: elsewhere.id }, 'secretary-elsewhere');
  tokens.otherOfficer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.otherStreet.id }, 'officer-elsewhere');
  tokens.worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'worker-roles');
  tokens.resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'resident-roles');
});
afterAll(async () => t?.close());

describe('who may call what at all (the access table), before anything runs', () => {
  test.each([
    ['a merchant redeeming', 'merchant', `mutation($i: ID!) { redemptionCreate(input: { itemId: $i }) { redemption { id } } }`, 'FORBIDDEN'],
    ['a merchant confirming attendance', 'merchant', `mutation($a: ID!) { attendanceConfirm(activityId: $a, attendees: [{ volunteerId: "x" }]) { activity { id } } }`, 'FORBIDDEN'],
    ['a volunteer reversing', 'ann', `mutation { ledgerReverse(movementId: "x", reason: "y") { movement { id } } }`, 'FORBIDDEN'],
    ['a volunteer verifying the ledger', 'ann', '{ ledgerVerify { balanced } }', 'FORBIDDEN'],
    ['a volunteer adding an item', 'ann', `mutation { merchantItemCreate(input: { name: "x", pricePoints: 1 }) { item { id } } }`, 'FORBIDDEN'],
    ['a volunteer registering volunteers', 'ann', `mutation($c: ID!) { volunteerRegister(input: { communityId: $c, name: "x" }) { volunteer { id } } }`, 'FORBIDDEN'],
    ['a resident listing volunteers', 'resident', '{ volunteers { totalCount } }', 'FORBIDDEN'],
    ['a merchant reading a volunteer record', 'merchant', '{ viewer { volunteer { name } } }', 'FORBIDDEN'],
    ['a grid worker setting up a team', 'worker', `mutation($c: ID!) { volunteerTeamCreate(input: { communityId: $c, name: "x" }) { team { id } } }`, 'FORBIDDEN'],
    ['a street officer publishing a rate', 'officer', `mutation { pointRatePublish(input: { pointsPerHour: 12, effectiveFrom: "2099-01-01" }) { pointRate { id } } }`, 'FORBIDDEN'],
    ['a community secretary signing up a merchant', 'secretary', `mutation($c: ID!) { merchantCreate(input: { communityId: $c, name: "x", address: "y" }) { merchant { id } } }`, 'FORBIDDEN'],
    ['a secretary signing up for an activity', 'secretary', `mutation($a: ID!) { activitySignUp(activityId: $a) { signup { id } } }`, 'FORBIDDEN'],
    ['anyone without a token signing up', 'anonymous', `mutation($a: ID!) { activitySignUp(activityId: $a) { signup { id } } }`, 'UNAUTHENTICATED'],
    ['anyone without a token listing volunteers', 'anonymous', '{ volunteers { totalCount } }', 'UNAUTHENTICATED'],
  ])('%s', async (_name, who, query, code) => {
    const token = { merchant: shop.token, ann: ann.token, resident: tokens.resident, worker: tokens.worker, officer: w.officer, secretary: w.secretary, anonymous: undefined }[who];
    const before = await snapshot();
    const statements = t.database.statements.count;
    const r = await t.gql(query, { i: soap, a: started, c: w.community.id }, token);
    expect(r.errors?.[0].extensions?.code).toBe(code);
    expect(r.data ?? null).toBeNull();
    // The one statement of a refused mutation is its audit row.
    expect(t.database.statements.count).toBe(statements + (query.startsWith('mutation') ? 1 : 0));
    expect(await snapshot()).toEqual(before);
  });
});

describe('refusals of the services: a user error naming the field, nothing written', () => {
  async function refused(token: string, field: string, query: string, variables: Record<string, unknown>) {
    const before = await snapshot();
    const payload = (await ok(t, query, variables, token))[field];
    expect(await snapshot()).toEqual(before);
    return refusals(payload);
  }
  const CONFIRM = `mutation($a: ID!, $v: ID!) { attendanceConfirm(activityId: $a, attendees: [{ volunteerId: $v }]) { activity { id } ${ERRORS} } }`;

  test('only the organiser confirms attendance: a volunteer, another community\'s secretary, another street\'s officer are refused', async () => {
    for (const token of [bo.token, tokens.otherSecretary, tokens.otherOfficer]) {
      expect(await refused(token, 'attendanceConfirm', CONFIRM, { a: started, v: ann.id })).toEqual([[['activityId'], 'OUT_OF_SCOPE']]);
    }
    const stillSignedUp = (await ok(t, `query($id: ID!) { node(id: $id) { ... on VolunteerActivity { signups { nodes { status } } } } }`, { id: started }, leader.token)).node;
    expect(stillSignedUp.signups.nodes).toEqual([{ status: 'SIGNED_UP' }, { status: 'SIGNED_UP' }]);
    expect((await ok(t, CONFIRM, { a: started, v: ann.id }, w.officer)).attendanceConfirm.userErrors).toEqual([]);
  });

  test('only the staff above the volunteer reverse: a stranger is refused', async () => {
    const [signup] = await t.database.db.select().from(activitySignups).where(and(eq(activitySignups.volunteerId, ann.key), isNotNull(activitySignups.movementId)));
    const REVERSE = `mutation($m: ID!) { ledgerReverse(movementId: $m, reason: "登记错误") { movement { id } ${ERRORS} } }`;
    for (const token of [tokens.otherSecretary, tokens.otherOfficer]) {
      expect(await refused(token, 'ledgerReverse', REVERSE, { m: toGlobalId('LedgerMovement', signup.movementId!) })).toEqual([[['movementId'], 'OUT_OF_SCOPE']]);
    }
    expect(await refused(w.secretary, 'ledgerReverse', REVERSE, { m: toGlobalId('VolunteerActivity', 1) })).toEqual([[['movementId'], 'NOT_FOUND']]);
    expect(await refused(w.secretary, 'ledgerReverse', `mutation($m: ID!) { ledgerReverse(movementId: $m, reason: "  ") { ${ERRORS} } }`,
      { m: toGlobalId('LedgerMovement', signup.movementId!) })).toEqual([[['reason'], 'REQUIRED']]);
  });

  test('a volunteer who does not lead the team plans nothing and cancels nothing; its leader does', async () => {
    const input = { teamId, title: '植树', place: '河堤', startsAt: new Date(Date.now() + 86400_000).toISOString(), endsAt: new Date(Date.now() + 90000_000).toISOString(), capacity: 5 };
    const CREATE = `mutation($input: VolunteerActivityCreateInput!) { volunteerActivityCreate(input: $input) { activity { id } ${ERRORS} } }`;
    expect(await refused(ann.token, 'volunteerActivityCreate', CREATE, { input })).toEqual([[['input', 'teamId'], 'OUT_OF_SCOPE']]);
    expect(await refused(tokens.otherSecretary, 'volunteerActivityCreate', CREATE, { input })).toEqual([[['input', 'teamId'], 'OUT_OF_SCOPE']]);
    expect(await refused(leader.token, 'volunteerActivityCreate', CREATE, {
      input: { ...input, title: ' ', endsAt: input.startsAt, capacity: 1001 },
    })).toEqual([[['input', 'capacity'], 'INVALID']]);
    expect(await refused(leader.token, 'volunteerActivityCreate', CREATE, { input: { ...input, title: ' ', endsAt: input.startsAt } }))
      .toEqual([[['input', 'title'], 'REQUIRED'], [['input', 'endsAt'], 'INVALID']]);
    expect(await refused(leader.token, 'volunteerActivityCreate', CREATE, { input: { ...input, capacity: 0 } })).toEqual([[['input', 'capacity'], 'INVALID']]);
    const planned = await done(t, 'volunteerActivityCreate', CREATE, { input }, leader.token);
    const CANCEL = `mutation($id: ID!) { volunteerActivityCancel(id: $id) { activity { status } ${ERRORS} } }`;
    expect(await refused(ann.token, 'volunteerActivityCancel', CANCEL, { id: planned.activity.id })).toEqual([[['id'], 'OUT_OF_SCOPE']]);
    expect((await done(t, 'volunteerActivityCancel', CANCEL, { id: planned.activity.id }, leader.token)).activity).toEqual({ status: 'CANCELLED' });
    expect(await refused(ann.token, 'activitySignUp', `mutation($a: ID!) { activitySignUp(activityId: $a) { ${ERRORS} } }`, { a: planned.activity.id }))
      .toEqual([[['activityId'], 'INVALID_TRANSITION']]);
    expect(await refused(w.secretary, 'volunteerActivityCancel', CANCEL, { id: planned.activity.id })).toEqual([[['id'], 'INVALID_TRANSITION']]);
  });

  test('the community names a team\'s leader; the new leader plans its activities, the former one no longer does', async () => {
    const team = await w.team('文艺宣传队', leader);
    const SET = `mutation($team: ID!, $v: ID!) { volunteerTeamLeaderSet(teamId: $team, volunteerId: $v) { team { leader { name } members { totalCount } viewerCanPlan } ${ERRORS} } }`;
    expect(await refused(tokens.otherSecretary, 'volunteerTeamLeaderSet', SET, { team, v: bo.id })).toEqual([[['teamId'], 'OUT_OF_SCOPE']]);
    expect(await refused(w.secretary, 'volunteerTeamLeaderSet', SET, { team, v: toGlobalId('Volunteer', 999_999_999) })).toEqual([[['volunteerId'], 'NOT_FOUND']]);
    expect((await done(t, 'volunteerTeamLeaderSet', SET, { team, v: bo.id }, w.secretary)).team).toEqual({ leader: { name: '孙强' }, members: { totalCount: 2 }, viewerCanPlan: true });
    const can = async (person: Person) => (await ok(t, `query($id: ID!) { node(id: $id) { ... on VolunteerTeam { viewerCanPlan } } }`, { id: team }, person.token)).node.viewerCanPlan;
    expect([await can(bo), await can(leader)]).toEqual([true, false]);
    const forbidden = await t.gql(SET, { team, v: ann.id }, bo.token);
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('attendance names at least one attendee', async () => {
    const none = await refused(leader.token, 'attendanceConfirm', `mutation($a: ID!) { attendanceConfirm(activityId: $a, attendees: []) { ${ERRORS} } }`, { a: started });
    expect(none).toEqual([[['attendees'], 'INVALID']]);
  });

  test('sign-ups close at the start; an activity with confirmed attendance is not cancelled', async () => {
    const SIGN = `mutation($a: ID!) { activitySignUp(activityId: $a) { ${ERRORS} } }`;
    expect(await refused(leader.token, 'activitySignUp', SIGN, { a: started })).toEqual([[['activityId'], 'INVALID_TRANSITION']]);
    expect(await refused(leader.token, 'volunteerActivityCancel', `mutation($id: ID!) { volunteerActivityCancel(id: $id) { ${ERRORS} } }`, { id: started }))
      .toEqual([[['id'], 'INVALID_TRANSITION']]);
    const ghost = await t.token(Role.VOLUNTEER, { type: 'Volunteer', key: 999_999_999 }, 'ghost');
    expect(await refused(ghost, 'activitySignUp', SIGN, { a: started })).toEqual([[['activityId'], 'NOT_FOUND']]);
  });

  test('a merchant keeps only its own items; a street office signs up merchants only in its street', async () => {
    const UPDATE = `mutation($id: ID!) { merchantItemUpdate(id: $id, input: { pricePoints: 1 }) { item { pricePoints } ${ERRORS} } }`;
    expect(await refused(otherShop.token, 'merchantItemUpdate', UPDATE, { id: soap })).toEqual([[['id'], 'NOT_FOUND']]);
    expect(await refused(shop.token, 'merchantItemUpdate', `mutation($id: ID!) { merchantItemUpdate(id: $id, input: { stock: -1 }) { ${ERRORS} } }`, { id: soap }))
      .toEqual([[['input', 'stock'], 'INVALID']]);
    expect(await refused(tokens.otherOfficer, 'merchantCreate', `mutation($c: ID!) { merchantCreate(input: { communityId: $c, name: "外街商户", address: "某路1号" }) { ${ERRORS} } }`,
      { c: w.community.id })).toEqual([[['input', 'communityId'], 'OUT_OF_SCOPE']]);
  });

  test('a grid worker registers the residents of its grids, once each; the city publishes rates ahead, once per day', async () => {
    const [resident] = await t.database.db.select().from(residents).where(and(
      sql`${residents.gridId} in ${gridSubtree(u.level2.id)}`,
      sql`${residents.id} not in (select ${volunteers.residentId} from ${volunteers} where ${volunteers.residentId} is not null)`,
    )).limit(1);
    const REGISTER = `mutation($input: VolunteerRegisterInput!) { volunteerRegister(input: $input) { volunteer { name partyMember } ${ERRORS} } }`;
    expect(await refused(tokens.worker, 'volunteerRegister', REGISTER, { input: { residentId: u.ids.outsider } })).toEqual([[['input', 'residentId'], 'OUT_OF_SCOPE']]);
    expect(await refused(tokens.worker, 'volunteerRegister', REGISTER, { input: { communityId: u.ids.community, name: '外来人员' } })).toEqual([[['input', 'communityId'], 'OUT_OF_SCOPE']]);
    expect(await refused(tokens.worker, 'volunteerRegister', REGISTER, { input: { residentId: toGlobalId('Resident', resident.id), name: 'x' } })).toEqual([[['input', 'name'], 'INVALID']]);
    expect(await refused(w.secretary, 'volunteerRegister', REGISTER, { input: { communityId: w.community.id, name: '周', phone: '12345' } })).toEqual([[['input', 'phone'], 'INVALID']]);
    const made = await done(t, 'volunteerRegister', REGISTER, { input: { residentId: toGlobalId('Resident', resident.id) } }, tokens.worker);
    expect(made.volunteer).toEqual({ name: resident.name, partyMember: false });
    expect(await refused(w.officer, 'volunteerRegister', REGISTER, { input: { residentId: toGlobalId('Resident', resident.id) } })).toEqual([[['input', 'residentId'], 'DUPLICATE']]);
    const mine = (await ok(t, `{ volunteers(first: 100) { nodes { name } } }`, {}, tokens.worker)).volunteers.nodes;
    expect(mine).toContainEqual({ name: resident.name });
    expect(mine).not.toContainEqual({ name: '钱芳' });

    const PUBLISH = `mutation($input: PointRatePublishInput!) { pointRatePublish(input: $input) { pointRate { id } ${ERRORS} } }`;
    expect(await refused(w.admin, 'pointRatePublish', PUBLISH, { input: { pointsPerHour: 12, effectiveFrom: dayBefore(today()) } })).toEqual([[['input', 'effectiveFrom'], 'INVALID']]);
    expect(await refused(w.admin, 'pointRatePublish', PUBLISH, { input: { pointsPerHour: 0, effectiveFrom: '2099-01-01' } })).toEqual([[['input', 'pointsPerHour'], 'INVALID']]);
    await done(t, 'pointRatePublish', PUBLISH, { input: { pointsPerHour: 12, effectiveFrom: '2099-01-01' } }, w.admin);
    expect(await refused(w.admin, 'pointRatePublish', PUBLISH, { input: { pointsPerHour: 15, effectiveFrom: '2099-01-01' } })).toEqual([[['input', 'effectiveFrom'], 'DUPLICATE']]);
  });
});

describe('who reads what', () => {
  test('a volunteer reads their own record and books, never another\'s', async () => {
    const own = (await ok(t, `{ viewer { volunteer { id name hours points history { totalCount nodes { movement { id } } } } } }`, {}, ann.token)).viewer.volunteer;
    expect(own).toMatchObject({ id: ann.id, name: '钱芳', hours: '2.00' });
    const movement = own.history.nodes[0].movement.id;
    const other = await ok(t, `query($v: ID!, $m: ID!) { v: node(id: $v) { id } m: node(id: $m) { id } }`, { v: ann.id, m: movement }, bo.token);
    expect(other).toEqual({ v: null, m: null });
    const signups = (await ok(t, `query($id: ID!) { node(id: $id) { ... on VolunteerActivity { signups { totalCount } viewerSignup { status } } } }`, { id: started }, bo.token)).node;
    expect(signups).toEqual({ signups: null, viewerSignup: { status: 'SIGNED_UP' } });
  });

  test('staff read the volunteers under their unit; elsewhere they find none of them', async () => {
    const q = `query($c: ID!) { volunteers(filter: { within: $c }) { totalCount } }`;
    expect((await ok(t, q, { c: w.community.id }, w.secretary)).volunteers.totalCount).toBe(3);
    expect((await ok(t, q, { c: w.community.id }, w.officer)).volunteers.totalCount).toBe(3);
    expect((await ok(t, q, { c: w.community.id }, tokens.otherSecretary)).volunteers.totalCount).toBe(0);
    expect((await ok(t, `query($id: ID!) { node(id: $id) { id } }`, { id: ann.id }, tokens.otherOfficer)).node).toBeNull();
  });

  test('a merchant reads its own counter\'s redemptions, by the volunteer\'s name; another merchant gets null', async () => {
    expect((await w.redeem(ann.token, soap, 2)).userErrors).toEqual([]);
    const q = `query($id: ID!) { node(id: $id) { ... on Merchant { pointsReceived redemptions { nodes { volunteerName quantity points } } } } }`;
    expect((await ok(t, q, { id: shop.id }, shop.token)).node).toEqual({ pointsReceived: 2, redemptions: { nodes: [{ volunteerName: '钱芳', quantity: 2, points: 2 }] } });
    expect((await ok(t, q, { id: shop.id }, otherShop.token)).node).toEqual({ pointsReceived: null, redemptions: null });
    const refused = await t.gql(`query($id: ID!) { node(id: $id) { ... on Merchant { redemptions { nodes { volunteer { name } } } } } }`, { id: shop.id }, shop.token);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('teams, activities, merchants, items, rates and leaderboards are public', async () => {
    const r = await ok(t, `query($c: ID!, $from: Date!, $to: Date!) {
      volunteerTeams(filter: { within: $c }) { nodes { name leader { name } members { totalCount } activities { totalCount } } }
      volunteerActivities(filter: { within: $c }) { totalCount nodes { title placesLeft viewerCanSignUp } }
      merchants(filter: { within: $c }) { totalCount nodes { name items { nodes { name pricePoints stock } } } }
      pointRates { totalCount }
      volunteerLeaderboard(community: $c, from: $from, to: $to) { rank name hours }
    }`, { c: w.community.id, from: dayBefore(today(), 30), to: today() });
    expect(r.volunteerTeams.nodes).toEqual([
      { name: '邻里互助队', leader: { name: '赵队长' }, members: { totalCount: 1 }, activities: { totalCount: 2 } },
      { name: '文艺宣传队', leader: { name: '孙强' }, members: { totalCount: 2 }, activities: { totalCount: 0 } },
    ]);
    expect(r.volunteerActivities.totalCount).toBe(2);
    expect(r.volunteerActivities.nodes.every((a: { viewerCanSignUp: boolean }) => !a.viewerCanSignUp)).toBe(true);
    expect(r.merchants.nodes[0]).toEqual({ name: '爱心超市', items: { nodes: [{ name: '肥皂', pricePoints: 1, stock: 8 }] } });
    expect(r.pointRates.totalCount).toBeGreaterThanOrEqual(1);
    const page = `query($c: ID!, $after: String) { volunteerActivities(first: 1, after: $after, filter: { within: $c }) { nodes { title startsAt } pageInfo { hasNextPage endCursor } } }`;
    const one = (await ok(t, page, { c: w.community.id })).volunteerActivities;
    const two = (await ok(t, page, { c: w.community.id, after: one.pageInfo.endCursor })).volunteerActivities;
    expect([one.pageInfo.hasNextPage, two.pageInfo.hasNextPage]).toEqual([true, false]);
    expect(one.nodes[0].startsAt < two.nodes[0].startsAt).toBe(true);
    expect(r.volunteerActivities.nodes.map((a: { title: string }) => a.title)).toEqual([one.nodes[0].title, two.nodes[0].title]);
    expect(r.volunteerLeaderboard).toEqual([{ rank: 1, name: '钱芳', hours: '2.00' }]);
  });
});

describe('a party member banks service through their own volunteer record (在职党员进社区)', () => {
  test('signs up, is confirmed, earns, reads and spends like a volunteer', async () => {
    const member = await partyMember(t, { districtId: u.level2.districtId, streetId: u.level2.streetId, communityId: u.level2.communityId, gridId: u.level2.id }, '党员吴敏');
    expect((await ok(t, '{ viewer { volunteer { id } } }', {}, member.token)).viewer.volunteer).toBeNull();
    const upcoming = await w.activity(teamId, leader.token, 1, 3, 5, '党员先锋岗');
    const canSign = (await ok(t, `query($id: ID!) { node(id: $id) { ... on VolunteerActivity { viewerCanSignUp } } }`, { id: upcoming }, member.token)).node;
    expect(canSign.viewerCanSignUp).toBe(true);
    const signed = await w.signUp(upcoming, member.token);
    expect(signed.userErrors).toEqual([]);
    const [record] = await t.database.db.select().from(volunteers).where(eq(volunteers.partyMemberId, member.key));
    expect(record).toMatchObject({ name: '党员吴敏', communityId: u.level2.communityId });
    await w.startedAgo(upcoming, 3);
    expect((await w.confirm(upcoming, [{ signupId: signed.signup.id }], leader.token)).userErrors).toEqual([]);
    const mine = (await ok(t, '{ viewer { volunteer { id name partyMember hours points signups { nodes { status } } } } }', {}, member.token)).viewer.volunteer;
    expect(mine).toMatchObject({ id: toGlobalId('Volunteer', record.id), partyMember: true, hours: '3.00', signups: { nodes: [{ status: 'ATTENDED' }] } });
    expect(mine.points).toBeGreaterThan(0);
    const bought = await w.redeem(member.token, soap, 1);
    expect(bought.userErrors).toEqual([]);
    expect((await ok(t, '{ viewer { volunteer { points redemptions { nodes { points } } } } }', {}, member.token)).viewer.volunteer)
      .toEqual({ points: mine.points - 1, redemptions: { nodes: [{ points: 1 }] } });
    expect(keyOfId(mine.id)).toBe(record.id);
    const seenBy = (token: string | undefined) => t.gql(`query($id: ID!) { node(id: $id) { ... on PartyMember { volunteer { id hours } } } }`, { id: toGlobalId('PartyMember', member.key) }, token);
    const ownSecretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.level2.communityId }, 'secretary-of-member');
    expect((await seenBy(ownSecretary)).data.node.volunteer).toEqual({ id: mine.id, hours: '3.00' });
    expect((await seenBy(tokens.otherSecretary)).data.node?.volunteer ?? null).toBeNull();
    expect((await seenBy(tokens.resident)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
