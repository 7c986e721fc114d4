import { count, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chinaDate } from '../../../src/calendar';
import { toGlobalId } from '../../../src/graphql/ids';
import { activitySignups, bankAccounts, ledgerEntries, ledgerMovements, merchantItems, redemptions } from '../../../src/modules/volunteer/volunteer.tables';
import { rateOn } from '../../../src/modules/volunteer/bank.ledger';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import {
  bankWorld, dayBefore, done, ERRORS, keyOfId, ledgerBalance, ok, pointsEarned, refusals, today, type BankWorld, type Person,
} from './bank.fixtures';

let t: TestServer;
let w: BankWorld;
let leader: Person;
let ann: Person;
let bo: Person;
let cy: Person;
let teamId: string;

const movementCount = async () => (await t.database.db.select({ n: count() }).from(ledgerMovements))[0].n;
const entryCount = async () => (await t.database.db.select({ n: count() }).from(ledgerEntries))[0].n;

const VOLUNTEER = `id name hours points partyMember community { id } teams { id name }`;
async function me(person: Person, fields = VOLUNTEER) {
  return (await ok(t, `{ viewer { volunteer { ${fields} } } }`, {}, person.token)).viewer.volunteer;
}

async function activityOf(id: string, token?: string, fields = 'id title status capacity signedUp placesLeft durationHours viewerCanSignUp viewerCanConfirmAttendance') {
  return (await ok(t, `query($id: ID!) { node(id: $id) { ... on VolunteerActivity { ${fields} } } }`, { id }, token)).node;
}

async function signupsOf(activityId: string, token = w.secretary) {
  const r = await activityOf(activityId, token, 'signups(includeCancelled: true) { nodes { id status attendedHours volunteerName movement { id kind } } }');
  return r.signups.nodes;
}

async function reverse(movementId: string, token = w.secretary, key?: string, reason = '时长登记有误') {
  return (await ok(t, `mutation($m: ID!, $r: String!, $key: String) {
    ledgerReverse(movementId: $m, reason: $r, idempotencyKey: $key) {
      movement { id kind note occurredOn reverses { id kind } entries { asset amount accountKind } actor { role } } ${ERRORS} } }`,
  { m: movementId, r: reason, key }, token)).ledgerReverse;
}

beforeAll(async () => {
  t = await startTestServer();
  w = await bankWorld(t, 'path');
  leader = await w.volunteer('王建国', '13905431111');
  ann = await w.volunteer('李桂兰');
  bo = await w.volunteer('张博');
  cy = await w.volunteer('陈曦');
  teamId = await w.team('楼道清理志愿服务队', leader);
});
afterAll(async () => t?.close());

describe('team → activity → sign-ups → attendance → points → redemption', () => {
  let activityId: string;
  let day: string;

  test('volunteers join the team themselves; the community adds one; joining twice is DUPLICATE', async () => {
    const join = (token: string, volunteerId?: string) =>
      ok(t, `mutation($team: ID!, $v: ID) { volunteerTeamJoin(teamId: $team, volunteerId: $v) { team { id } ${ERRORS} } }`, { team: teamId, v: volunteerId }, token);
    expect((await join(ann.token)).volunteerTeamJoin.userErrors).toEqual([]);
    expect((await join(w.secretary, bo.id)).volunteerTeamJoin.userErrors).toEqual([]);
    expect((await join(cy.token)).volunteerTeamJoin.userErrors).toEqual([]);
    expect(refusals((await join(ann.token)).volunteerTeamJoin)).toEqual([[['volunteerId'], 'DUPLICATE']]);
    expect(refusals((await join(ann.token, bo.id)).volunteerTeamJoin)).toEqual([[['volunteerId'], 'OUT_OF_SCOPE']]);
    const team = (await ok(t, `query($id: ID!) { node(id: $id) { ... on VolunteerTeam { name leader { name leader } members { totalCount nodes { name leader } } } } }`, { id: teamId })).node;
    expect(team.leader).toEqual({ name: '王建国', leader: true });
    expect(team.members.totalCount).toBe(4);
    expect(team.members.nodes.map((m: { name: string }) => m.name)).toEqual(['王建国', '李桂兰', '张博', '陈曦']);
    expect((await me(ann)).teams).toEqual([{ id: teamId, name: '楼道清理志愿服务队' }]);
  });

  test('the leader plans an activity; sign-ups fill its places and the next one is CAPACITY_REACHED', async () => {
    activityId = await w.activity(teamId, leader.token, 2, 3, 2);
    expect(await activityOf(activityId, ann.token)).toMatchObject({ capacity: 2, signedUp: 0, placesLeft: 2, durationHours: '3.00', viewerCanSignUp: true, viewerCanConfirmAttendance: false });
    expect((await w.signUp(activityId, ann.token)).signup.status).toBe('SIGNED_UP');
    expect((await w.signUp(activityId, bo.token)).userErrors).toEqual([]);
    const full = await w.signUp(activityId, cy.token);
    expect(refusals(full)).toEqual([[['activityId'], 'CAPACITY_REACHED']]);
    expect(full.signup).toBeNull();
    expect(await activityOf(activityId, cy.token)).toMatchObject({ signedUp: 2, placesLeft: 0, viewerCanSignUp: false });
    expect(refusals(await w.signUp(activityId, bo.token))).toEqual([[['activityId'], 'DUPLICATE']]);
  });

  test('a cancelled sign-up frees its place, and may sign up again once a place is free', async () => {
    const [annSignup] = (await signupsOf(activityId)).filter((s: { volunteerName: string }) => s.volunteerName === '李桂兰');
    const cancelled = (await ok(t, `mutation($id: ID!) { activitySignUpCancel(id: $id) { signup { id status cancelledAt } ${ERRORS} } }`, { id: annSignup.id }, ann.token)).activitySignUpCancel;
    expect(cancelled.signup).toMatchObject({ id: annSignup.id, status: 'CANCELLED' });
    expect((await w.signUp(activityId, cy.token)).userErrors).toEqual([]);
    expect(refusals(await w.signUp(activityId, ann.token))).toEqual([[['activityId'], 'CAPACITY_REACHED']]);
    const cyOwn = (await ok(t, `mutation($id: ID!) { activitySignUpCancel(id: $id) { ${ERRORS} } }`, { id: annSignup.id }, cy.token)).activitySignUpCancel;
    expect(refusals(cyOwn)).toEqual([[['id'], 'OUT_OF_SCOPE']]);
    const list = await signupsOf(activityId, leader.token);
    expect(list.map((s: { volunteerName: string; status: string }) => [s.volunteerName, s.status])).toEqual([['李桂兰', 'CANCELLED'], ['张博', 'SIGNED_UP'], ['陈曦', 'SIGNED_UP']]);
    expect((await activityOf(activityId, bo.token, 'signups { totalCount }')).signups).toBeNull();
  });

  test('attendance waits for the start; then the organiser confirms it, once, at the published rate', async () => {
    const early = await w.confirm(activityId, [{ volunteerId: bo.id }], leader.token);
    expect(refusals(early)).toEqual([[['activityId'], 'INVALID_TRANSITION']]);
    await w.startedAgo(activityId, 4);
    const [row] = await t.database.db.select().from(activitySignups).where(eq(activitySignups.volunteerId, bo.key));
    day = chinaDate(new Date((await activityOf(activityId, leader.token, 'startsAt')).startsAt));
    expect(await activityOf(activityId, leader.token)).toMatchObject({ viewerCanConfirmAttendance: true });
    const cySignup = (await signupsOf(activityId)).find((s: { volunteerName: string }) => s.volunteerName === '陈曦');

    const movementsBefore = await movementCount();
    const first = await w.confirm(activityId, [{ signupId: toGlobalId('ActivitySignup', row.id) }, { signupId: cySignup.id, hours: '2.5' }], leader.token, 'confirm-1');
    expect(first.userErrors).toEqual([]);
    expect(await movementCount()).toBe(movementsBefore + 2);
    const again = await w.confirm(activityId, [{ signupId: toGlobalId('ActivitySignup', row.id) }, { signupId: cySignup.id, hours: '2.5' }], leader.token, 'confirm-1');
    expect(again).toEqual(first);
    expect(await movementCount()).toBe(movementsBefore + 2);

    const twice = await w.confirm(activityId, [{ volunteerId: bo.id, hours: '1' }], w.secretary, 'confirm-2');
    expect(refusals(twice)).toEqual([[['attendees', '0'], 'INVALID_TRANSITION']]);
    expect(await movementCount()).toBe(movementsBefore + 2);

    expect(await me(bo, 'hours points')).toEqual({ hours: '3.00', points: await pointsEarned(t, '3.00', day) });
    expect(await me(cy, 'hours points')).toEqual({ hours: '2.50', points: await pointsEarned(t, '2.50', day) });
    expect(await ledgerBalance(t, bo.key)).toEqual(await me(bo, 'hours points'));
    const list = await signupsOf(activityId);
    expect(list.map((s: { volunteerName: string; status: string; attendedHours: string | null }) => [s.volunteerName, s.status, s.attendedHours]))
      .toEqual([['李桂兰', 'CANCELLED', null], ['张博', 'ATTENDED', '3.00'], ['陈曦', 'ATTENDED', '2.50']]);
    const movement = (await ok(t, `query($id: ID!) { node(id: $id) { ... on LedgerMovement { kind occurredOn pointsPerHour note actor { role }
      activity { id } entries { asset amount accountKind } } } }`, { id: list[1].movement.id }, bo.token)).node;
    expect(movement).toEqual({
      kind: 'ATTENDANCE', occurredOn: day, pointsPerHour: await rateOn(t.database.db, day), note: '楼道清理', actor: { role: 'VOLUNTEER' },
      activity: { id: activityId },
      entries: [
        { asset: 'HOURS', amount: '3.00', accountKind: 'VOLUNTEER' },
        { asset: 'HOURS', amount: '-3.00', accountKind: 'SERVICE_SOURCE' },
        { asset: 'POINTS', amount: `${await pointsEarned(t, '3.00', day)}.00`, accountKind: 'VOLUNTEER' },
        { asset: 'POINTS', amount: `-${await pointsEarned(t, '3.00', day)}.00`, accountKind: 'POINTS_ISSUED' },
      ],
    });
  });

  test('confirming checks every attendee: more hours than the activity, a stranger\'s sign-up, a volunteer listed twice', async () => {
    const before = await movementCount();
    const other = await w.activity(teamId, w.secretary, -1, 2, 5, '垃圾分类宣传');
    const [otherSignup] = await t.database.db.select().from(activitySignups).where(eq(activitySignups.volunteerId, ann.key));
    const r = await w.confirm(other, [
      { volunteerId: ann.id, hours: '2.01' },
      { signupId: toGlobalId('ActivitySignup', otherSignup.id) },
      { volunteerId: cy.id, signupId: toGlobalId('ActivitySignup', otherSignup.id) },
      { volunteerId: bo.id },
      { volunteerId: bo.id },
    ]);
    expect(refusals(r)).toEqual([
      [['attendees', '0', 'hours'], 'INVALID'],
      [['attendees', '1', 'signupId'], 'NOT_FOUND'],
      [['attendees', '2'], 'INVALID'],
      [['attendees', '4'], 'INVALID'],
    ]);
    expect(await movementCount()).toBe(before);
    expect((await activityOf(other, w.secretary, 'signedUp')).signedUp).toBe(0);
  });

  test('a volunteer spends points at a partner merchant; the balance is always the sum of the entries', async () => {
    const shop = await w.merchant('惠民超市');
    const points = (await me(bo, 'points')).points;
    const price = Math.floor(points / 3);
    const oil = await w.item(shop.token, '食用油 5L', price);
    const before = await movementCount();
    const bought = await w.redeem(bo.token, oil, 2, 'buy-oil');
    expect(bought.userErrors).toEqual([]);
    expect(bought.redemption).toMatchObject({ points: 2 * price, quantity: 2 });
    expect(await w.redeem(bo.token, oil, 2, 'buy-oil')).toEqual(bought);
    expect(await movementCount()).toBe(before + 1);
    expect(await me(bo, 'points')).toEqual({ points: points - 2 * price });

    const tooMuch = await w.redeem(bo.token, oil, 2, 'buy-more-oil');
    expect(refusals(tooMuch)).toEqual([[['input', 'itemId'], 'INSUFFICIENT_BALANCE']]);
    expect(await movementCount()).toBe(before + 1);
    expect((await t.database.db.select({ n: count() }).from(redemptions).where(eq(redemptions.volunteerId, bo.key)))[0].n).toBe(1);
    expect(await ledgerBalance(t, bo.key)).toEqual(await me(bo, 'hours points'));

    const rice = await w.item(shop.token, '大米 10kg', 1, 1);
    expect((await w.redeem(cy.token, rice)).userErrors).toEqual([]);
    expect(refusals(await w.redeem(cy.token, rice))).toEqual([[['input', 'quantity'], 'CAPACITY_REACHED']]);
    const withdrawn = await done(t, 'merchantItemUpdate', `mutation($id: ID!) { merchantItemUpdate(id: $id, input: { active: false }) { item { active stock } ${ERRORS} } }`, { id: oil }, shop.token);
    expect(withdrawn.item).toEqual({ active: false, stock: null });
    expect(refusals(await w.redeem(cy.token, oil))).toEqual([[['input', 'itemId'], 'INVALID_TRANSITION']]);

    const books = (await ok(t, `query($id: ID!) { node(id: $id) { ... on Merchant { pointsReceived items(includeInactive: true) { totalCount nodes { name stock active } }
      redemptions { totalCount nodes { volunteerName points item { name } movement { kind } } } } } }`, { id: shop.id }, shop.token)).node;
    expect(books.pointsReceived).toBe(2 * price + 1);
    expect(books.items.nodes).toEqual([{ name: '食用油 5L', stock: null, active: false }, { name: '大米 10kg', stock: 0, active: true }]);
    expect(books.redemptions.nodes).toEqual([
      { volunteerName: '陈曦', points: 1, item: { name: '大米 10kg' }, movement: { kind: 'REDEMPTION' } },
      { volunteerName: '张博', points: 2 * price, item: { name: '食用油 5L' }, movement: { kind: 'REDEMPTION' } },
    ]);
    const shopFront = (await ok(t, `query($id: ID!) { node(id: $id) { ... on Merchant { name items { totalCount } } } }`, { id: shop.id })).node;
    expect(shopFront).toEqual({ name: '惠民超市', items: { totalCount: 1 } });
    const byCustomer = (await ok(t, `query($id: ID!) { node(id: $id) { ... on Merchant { redemptions { totalCount } pointsReceived } } }`, { id: shop.id }, bo.token)).node;
    expect(byCustomer).toEqual({ redemptions: null, pointsReceived: null });
  });

  test('a later rate: service from its first day earns at it, service before keeps the rate of its day', async () => {
    const yesterday = dayBefore(today());
    const oldRate = await rateOn(t.database.db, today());
    const published = await done(t, 'pointRatePublish', `mutation($input: PointRatePublishInput!) { pointRatePublish(input: $input) { pointRate { pointsPerHour effectiveFrom } ${ERRORS} } }`,
      { input: { pointsPerHour: oldRate + 5, effectiveFrom: today() } }, w.admin);
    expect(published.pointRate).toEqual({ pointsPerHour: oldRate + 5, effectiveFrom: today() });
    const rates = (await ok(t, '{ pointRates(first: 100) { nodes { pointsPerHour effectiveFrom } } }', {})).pointRates.nodes;
    expect(rates).toContainEqual({ pointsPerHour: oldRate + 5, effectiveFrom: today() });
    expect(rates.map((r: { effectiveFrom: string }) => r.effectiveFrom)).toEqual(rates.map((r: { effectiveFrom: string }) => r.effectiveFrom).sort().reverse());

    expect(refusals((await ok(t, `mutation($input: VolunteerActivityCreateInput!) { volunteerActivityCreate(input: $input) { ${ERRORS} } }`, {
      input: { teamId, title: '补录活动', place: '河堤', startsAt: new Date(Date.now() - 3600_000).toISOString(), endsAt: new Date().toISOString(), capacity: 5 },
    }, leader.token)).volunteerActivityCreate)).toEqual([[['input', 'startsAt'], 'INVALID']]);
    const now = await w.activity(teamId, w.secretary, -1 / 3600, 2, 5, '今日巡河');
    const before = await w.heldOn(teamId, yesterday, 2);
    const pointsBefore = (await me(ann, 'points')).points;
    expect((await w.confirm(now, [{ volunteerId: ann.id }])).userErrors).toEqual([]);
    expect((await w.confirm(before, [{ volunteerId: ann.id }])).userErrors).toEqual([]);
    expect((await me(ann, 'points')).points - pointsBefore).toBe(2 * (oldRate + 5) + (await pointsEarned(t, '2.00', yesterday)));
  });
});

describe('reversal (冲正)', () => {
  test('takes an attendance back, leaves the original as it was, and lets the organiser confirm the right hours', async () => {
    const activityId = await w.heldOn(teamId, dayBefore(today(), 3), 4, '义诊服务');
    expect((await w.confirm(activityId, [{ volunteerId: leader.id, hours: '4' }])).userErrors).toEqual([]);
    const [signup] = await signupsOf(activityId);
    const balance = await me(leader, 'hours points');
    const original = await t.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.movementId, keyOfId(signup.movement.id)));

    const reversal = await reverse(signup.movement.id, w.secretary, 'rev-1', '实际服务2小时');
    expect(reversal.userErrors).toEqual([]);
    expect(reversal.movement).toMatchObject({
      kind: 'REVERSAL', note: '实际服务2小时', occurredOn: today(), reverses: { id: signup.movement.id, kind: 'ATTENDANCE' }, actor: { role: 'COMMUNITY_SECRETARY' },
    });
    expect(await reverse(signup.movement.id, w.secretary, 'rev-1', '实际服务2小时')).toEqual(reversal);
    expect(await t.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.movementId, keyOfId(signup.movement.id)))).toEqual(original);
    const after = await me(leader, 'hours points');
    expect(after.points).toBe(balance.points - (await pointsEarned(t, '4.00', dayBefore(today(), 3))));
    expect(after.hours).toBe((Number(balance.hours) - 4).toFixed(2));

    const [cleared] = await signupsOf(activityId);
    expect(cleared).toMatchObject({ status: 'SIGNED_UP', attendedHours: null, movement: { id: signup.movement.id } });
    const history = (await ok(t, `query($id: ID!) { node(id: $id) { ... on LedgerMovement { reversedBy { id } } } }`, { id: signup.movement.id }, leader.token)).node;
    expect(history.reversedBy).toEqual({ id: reversal.movement.id });

    expect((await w.confirm(activityId, [{ signupId: signup.id, hours: '2' }])).userErrors).toEqual([]);
    const [reconfirmed] = await signupsOf(activityId);
    expect(reconfirmed).toMatchObject({ status: 'ATTENDED', attendedHours: '2.00' });
    expect(reconfirmed.movement.id).not.toBe(signup.movement.id);

    const before = await movementCount();
    expect(refusals(await reverse(signup.movement.id))).toEqual([[['movementId'], 'INVALID_TRANSITION']]);
    expect(refusals(await reverse(reversal.movement.id))).toEqual([[['movementId'], 'INVALID_TRANSITION']]);
    expect(await movementCount()).toBe(before);
    expect(await ledgerBalance(t, leader.key)).toEqual(await me(leader, 'hours points'));
  });

  test('points already spent are not taken back: INSUFFICIENT_BALANCE, nothing written', async () => {
    const [boSignup] = await t.database.db.select().from(activitySignups).where(eq(activitySignups.volunteerId, bo.key));
    const before = { movements: await movementCount(), entries: await entryCount(), balance: await me(bo, 'hours points') };
    expect(refusals(await reverse(toGlobalId('LedgerMovement', boSignup.movementId!)))).toEqual([[['movementId'], 'INSUFFICIENT_BALANCE']]);
    expect({ movements: await movementCount(), entries: await entryCount(), balance: await me(bo, 'hours points') }).toEqual(before);
    const [still] = await t.database.db.select().from(activitySignups).where(eq(activitySignups.id, boSignup.id));
    expect(still.attendanceConfirmedAt).not.toBeNull();
  });

  test('a reversed redemption gives the points back and puts the item back in stock', async () => {
    const shop = await w.merchant('便民药房');
    const mask = await w.item(shop.token, '口罩一盒', 2, 5);
    const points = (await me(cy, 'points')).points;
    const bought = await w.redeem(cy.token, mask, 2);
    const movement = (await ok(t, `query($id: ID!) { node(id: $id) { ... on Redemption { reversed movement { id } } } }`, { id: bought.redemption.id }, cy.token)).node;
    expect(movement.reversed).toBe(false);
    expect((await reverse(movement.movement.id, w.officer)).userErrors).toEqual([]);
    expect(await me(cy, 'points')).toEqual({ points });
    const [item] = await t.database.db.select().from(merchantItems).where(eq(merchantItems.id, keyOfId(mask)));
    expect(item.stock).toBe(5);
    const seen = (await ok(t, `query($id: ID!) { node(id: $id) { ... on Redemption { reversed } } }`, { id: bought.redemption.id }, shop.token)).node;
    expect(seen.reversed).toBe(true);
  });
});

describe('history', () => {
  test('the entries on a volunteer\'s account, newest first, paged with cursors, each with what it was for', async () => {
    const ids = (await t.database.db.select({ id: ledgerEntries.id }).from(ledgerEntries).innerJoin(bankAccounts, eq(bankAccounts.id, ledgerEntries.accountId))
      .where(eq(bankAccounts.volunteerId, leader.key)).orderBy(desc(ledgerEntries.id))).map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(6);
    const seen: number[] = [];
    let after: string | null = null;
    let pages = 0;
    const q = `query($after: String) { viewer { volunteer { history(first: 3, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes { id asset amount occurredOn kind note reversed activity { title } redemption { id } wishId movement { id } } } } } }`;
    for (;;) {
      const page: any = (await ok(t, q, { after }, leader.token)).viewer.volunteer.history;
      expect(page.totalCount).toBe(ids.length);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...page.nodes.map((n: { id: string }) => keyOfId(n.id)));
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids);
    expect(pages).toBe(Math.ceil(ids.length / 3));
    const first = (await ok(t, q, { after: null }, leader.token)).viewer.volunteer.history.nodes;
    expect(first[0]).toMatchObject({ kind: 'ATTENDANCE', note: '义诊服务', reversed: false, activity: { title: '义诊服务' }, redemption: null, wishId: null });
    const reversedOnes = (await ok(t, `{ viewer { volunteer { history(first: 100) { nodes { kind reversed asset amount } } } } }`, {}, leader.token))
      .viewer.volunteer.history.nodes.filter((n: { reversed: boolean }) => n.reversed);
    expect(reversedOnes.map((n: { kind: string; asset: string }) => [n.kind, n.asset])).toEqual([['ATTENDANCE', 'POINTS'], ['ATTENDANCE', 'HOURS']]);
  });

  test('a volunteer who earned nothing yet has an empty history', async () => {
    const dee = await w.volunteer('刘德');
    expect(await me(dee, 'hours points history { totalCount nodes { id } pageInfo { hasNextPage } }')).toEqual({
      hours: '0.00', points: 0, history: { totalCount: 0, nodes: [], pageInfo: { hasNextPage: false } },
    });
  });

  test('a page of volunteers with balances, histories and teams costs the same few statements however many it holds', async () => {
    const q = `query($n: Int) { volunteers(first: $n, filter: { within: "${w.community.id}" }) { nodes { name hours points teams { name }
      history(first: 3) { totalCount nodes { amount kind activity { title } reversed } } signups { nodes { status activity { title } } } } } }`;
    const cost = async (n: number) => {
      const before = t.database.statements.count;
      const r = await t.gql(q, { n }, w.secretary);
      expect(r.errors).toBeUndefined();
      expect(r.data.volunteers.nodes).toHaveLength(n);
      return t.database.statements.count - before;
    };
    expect(await cost(5)).toBe(await cost(2));
    const teams = `{ volunteerTeams(first: 10) { nodes { name leader { name } members(first: 2) { totalCount nodes { name } } activities(first: 3) { nodes { title signedUp placesLeft } } } } }`;
    const before = t.database.statements.count;
    expect((await t.gql(teams)).errors).toBeUndefined();
    expect(t.database.statements.count - before).toBeLessThanOrEqual(7);
  });
});

describe('leaderboards per community and period', () => {
  test('ranks by hours or points earned in the period; ties share a rank; reversals net; spending lowers no rank', async () => {
    const l = await bankWorld(t, 'board');
    const [a, b, c, d] = [await l.volunteer('志愿者甲'), await l.volunteer('志愿者乙'), await l.volunteer('志愿者丙'), await l.volunteer('志愿者丁')];
    const team = await l.team('光荣榜测试队');
    const jan10 = await l.heldOn(team, '2025-01-10', 3);
    const jan20 = await l.heldOn(team, '2025-01-20', 2);
    const feb05 = await l.heldOn(team, '2025-02-05', 5);
    expect((await l.confirm(jan10, [{ volunteerId: a.id }, { volunteerId: b.id }, { volunteerId: c.id, hours: '1' }])).userErrors).toEqual([]);
    expect((await l.confirm(jan20, [{ volunteerId: a.id, hours: '1' }, { volunteerId: c.id }])).userErrors).toEqual([]);
    expect((await l.confirm(feb05, [{ volunteerId: c.id }, { volunteerId: d.id, hours: '0.5' }])).userErrors).toEqual([]);

    const board = async (from: string, to: string, by = 'HOURS', first = 20) =>
      (await ok(t, `query($c: ID!, $from: Date!, $to: Date!, $by: LeaderboardMeasure, $first: Int) {
        volunteerLeaderboard(community: $c, from: $from, to: $to, by: $by, first: $first) { rank name hours points } }`, { c: l.community.id, from, to, by, first })).volunteerLeaderboard;
    const p = (hours: string, day: string) => pointsEarned(t, hours, day);

    expect(await board('2025-01-01', '2025-01-31')).toEqual([
      { rank: 1, name: '志愿者甲', hours: '4.00', points: (await p('3', '2025-01-10')) + (await p('1', '2025-01-20')) },
      { rank: 2, name: '志愿者乙', hours: '3.00', points: await p('3', '2025-01-10') },
      { rank: 2, name: '志愿者丙', hours: '3.00', points: (await p('1', '2025-01-10')) + (await p('2', '2025-01-20')) },
    ]);
    expect((await board('2025-02-01', '2025-02-28')).map((e: { rank: number; name: string; hours: string }) => [e.rank, e.name, e.hours]))
      .toEqual([[1, '志愿者丙', '5.00'], [2, '志愿者丁', '0.50']]);
    expect((await board('2025-01-01', '2025-02-28')).map((e: { name: string }) => e.name)).toEqual(['志愿者丙', '志愿者甲', '志愿者乙', '志愿者丁']);
    expect(await board('2025-01-01', '2025-02-28', 'HOURS', 1)).toHaveLength(1);
    expect(await board('2024-01-01', '2024-12-31')).toEqual([]);

    const [aJan20] = (await signupsOf(jan20, l.secretary)).filter((s: { volunteerName: string }) => s.volunteerName === '志愿者甲');
    expect((await reverse(aJan20.movement.id, l.secretary)).userErrors).toEqual([]);
    expect((await board('2025-01-01', '2025-01-31')).map((e: { rank: number; hours: string }) => [e.rank, e.hours])).toEqual([[1, '3.00'], [1, '3.00'], [1, '3.00']]);
    expect(await board(today(), today())).toEqual([]);

    const shop = await l.merchant('光荣榜超市');
    const gift = await l.item(shop.token, '毛巾', 1);
    const byPoints = await board('2025-01-01', '2025-02-28', 'POINTS');
    expect((await l.redeem(c.token, gift, 3)).userErrors).toEqual([]);
    expect(await board('2025-01-01', '2025-02-28', 'POINTS')).toEqual(byPoints);
    expect(byPoints[0].name).toBe('志愿者丙');
  });

  test('bad arguments are request errors', async () => {
    const q = `query($c: ID!, $from: Date!, $to: Date!, $first: Int) { volunteerLeaderboard(community: $c, from: $from, to: $to, first: $first) { rank } }`;
    for (const [vars, argument] of [
      [{ c: w.community.id, from: '2025-02-01', to: '2025-01-01' }, 'from'],
      [{ c: w.community.id, from: '2025-01-01', to: '2025-01-31', first: 101 }, 'first'],
      [{ c: toGlobalId('Street', 1), from: '2025-01-01', to: '2025-01-31' }, 'community'],
    ] as const) {
      const r = await t.gql(q, vars);
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: argument });
    }
  });
});

describe('ledgerVerify', () => {
  const VERIFY = '{ ledgerVerify { movementsChecked entriesChecked balanced unbalanced { movementId asset sum movement { kind } } } }';

  test('good books: every movement balances', async () => {
    const r = (await ok(t, VERIFY, {}, w.admin)).ledgerVerify;
    expect(r).toMatchObject({ balanced: true, unbalanced: [], movementsChecked: await movementCount(), entriesChecked: await entryCount() });
  });

  test('an entry slipped into the books by hand, and a movement without entries, are named', async () => {
    const [redemption] = await t.database.db.select().from(redemptions).where(eq(redemptions.volunteerId, bo.key));
    const [movement] = await t.database.db.select().from(ledgerMovements).where(eq(ledgerMovements.redemptionId, redemption.id));
    const [line] = await t.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.movementId, movement.id)).limit(1);
    await t.database.db.insert(ledgerEntries).values({ movementId: movement.id, accountId: line.accountId, asset: 'POINTS', amount: '7.00', occurredOn: line.occurredOn });
    const [empty] = await t.database.db.insert(ledgerMovements).values({ kind: 'WISH', occurredOn: today(), actorSubject: 'sql', actorRole: 'CITY_ADMIN' }).returning();
    const r = (await ok(t, VERIFY, {}, w.admin)).ledgerVerify;
    expect(r.balanced).toBe(false);
    expect(r.unbalanced).toEqual([
      { movementId: toGlobalId('LedgerMovement', movement.id), asset: 'POINTS', sum: '7.00', movement: { kind: 'REDEMPTION' } },
      { movementId: toGlobalId('LedgerMovement', empty.id), asset: null, sum: '0.00', movement: { kind: 'WISH' } },
    ]);
    const secretary = (await ok(t, VERIFY, {}, w.secretary)).ledgerVerify.unbalanced;
    expect(secretary.map((u: { movement: unknown }) => u.movement)).toEqual([{ kind: 'REDEMPTION' }, null]);
    const elsewhere = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: w.community.key + 100000 }, 'secretary-elsewhere');
    expect((await ok(t, VERIFY, {}, elsewhere)).ledgerVerify.unbalanced.map((u: { movement: unknown }) => u.movement)).toEqual([null, null]);
  });
});
