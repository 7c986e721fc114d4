import { and, asc, count, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chinaDate } from '../../../src/calendar';
import { rowsOf } from '../../../src/db/client';
import { inTransaction } from '../../../src/db/transaction';
import { toGlobalId } from '../../../src/graphql/ids';
import { communities } from '../../../src/modules/grid/grid.tables';
import { recordWishParticipation } from '../../../src/modules/party/participation.service';
import { communityListItems, participations, reportIns, reportingUnits } from '../../../src/modules/party/party.tables';
import { wishes } from '../../../src/modules/wish/wish.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { insertMember, insertUnit, memberToken, unregisteredResidents } from '../../helpers/party';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;
let otherCommunity: typeof communities.$inferSelect;
const tokens: Record<string, string> = {};

const ERRORS = 'userErrors { field code message }';
const REPORT_IN = 'id active reportedAt withdrawnAt unit { id } member { id } community { id } grid { id } participationCount hours';
const DAY_MS = 86_400_000;
const daysAgo = (n: number) => chinaDate(new Date(Date.now() - n * DAY_MS));
const keyOfId = (id: string) => Number(Buffer.from(id, 'base64').toString().split(':')[1]);
const codes = (payload: { userErrors: { field: string[]; code: string }[] }) => payload.userErrors.map((e) => [e.field, e.code]);
const rowCount = async (table: typeof reportIns | typeof reportingUnits | typeof communityListItems | typeof participations) =>
  (await t.database.db.select({ n: count() }).from(table))[0].n;

async function call(mutation: string, variables: Record<string, unknown>, token?: string) {
  const r = await t.gql(mutation, variables, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return Object.values(r.data as Record<string, any>)[0];
}

const createUnit = (token: string, input: Record<string, unknown>) =>
  call(`mutation($input: ReportingUnitCreateInput!) { reportingUnitCreate(input: $input) { reportingUnit { id name kind contactName contactPhone } ${ERRORS} } }`, { input }, token);
const register = (token: string, input: Record<string, unknown>, fields = REPORT_IN) =>
  call(`mutation($input: ReportInRegisterInput!) { reportInRegister(input: $input) { reportIn { ${fields} } ${ERRORS} } }`, { input }, token);
const withdraw = (token: string, id: string, fields = 'id active withdrawnAt') =>
  call(`mutation($id: ID!) { reportInWithdraw(id: $id) { reportIn { ${fields} } ${ERRORS} } }`, { id }, token);
const addItem = (token: string, input: Record<string, unknown>) =>
  call(`mutation($input: CommunityListItemAddInput!) { communityListItemAdd(input: $input) {
    communityListItem { id kind title detail open closedAt unit { id } need { id } resource { id } community { id } } ${ERRORS} } }`, { input }, token);
const closeItem = (token: string, id: string) =>
  call(`mutation($id: ID!) { communityListItemClose(id: $id) { communityListItem { id open closedAt } ${ERRORS} } }`, { id }, token);
const record = (token: string, input: Record<string, unknown>, key?: string) =>
  call(`mutation($input: ParticipationRecordInput!, $key: String) { participationRecord(input: $input, idempotencyKey: $key) {
    participation { id occurredOn hours note project { id } reportIn { id participationCount hours } } ${ERRORS} } }`, { input, key }, token);

/** Moves a report-in's start (and end) into the past, as if it had been registered then. */
async function backdate(id: string, reportedDaysAgo: number, withdrawnDaysAgo?: number) {
  await t.database.db.update(reportIns).set({
    reportedAt: new Date(Date.now() - reportedDaysAgo * DAY_MS),
    ...(withdrawnDaysAgo === undefined ? {} : { withdrawnAt: new Date(Date.now() - withdrawnDaysAgo * DAY_MS) }),
  }).where(eq(reportIns.id, keyOfId(id)));
}

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  [otherCommunity] = await t.database.db.select().from(communities).where(eq(communities.streetId, u.otherStreet.id)).orderBy(asc(communities.id)).limit(1);
  tokens.admin = await t.token(Role.CITY_ADMIN);
  tokens.officer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }, 'officer');
  tokens.secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'secretary');
  tokens.otherSecretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: otherCommunity.id }, 'other-secretary');
  tokens.worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'worker');
  tokens.otherWorker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.otherLevel2.id }, 'other-worker');
  tokens.resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'resident');
});
afterAll(async () => t?.close());

describe('reporting units (报到单位)', () => {
  test('a street officer registers a unit; everyone reads it, only staff its contact', async () => {
    const r = await createUnit(tokens.officer, { name: ' 滨州医学院附属医院 ', kind: 'PUBLIC_INSTITUTION', contactName: '王敏', contactPhone: '0543-3256789' });
    expect(r.userErrors).toEqual([]);
    expect(r.reportingUnit).toMatchObject({ name: '滨州医学院附属医院', kind: 'PUBLIC_INSTITUTION', contactName: '王敏', contactPhone: '054*****6789' });
    const open = await t.gql(`{ reportingUnits(filter: { nameContains: "医学院附属", kinds: [PUBLIC_INSTITUTION] }) { totalCount nodes { id name counts { communities } } } }`);
    expect(open.data.reportingUnits).toEqual({ totalCount: 1, nodes: [{ id: r.reportingUnit.id, name: '滨州医学院附属医院', counts: { communities: 0 } }] });
    const contact = `query($id: ID!) { node(id: $id) { ... on ReportingUnit { contactPhone } } }`;
    expect((await t.gql(contact, { id: r.reportingUnit.id })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(contact, { id: r.reportingUnit.id }, tokens.resident)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(contact, { id: r.reportingUnit.id }, tokens.worker)).data.node.contactPhone).toBe('054*****6789');
  });

  test('a taken name, a bad phone or a blank name are refused; other roles are FORBIDDEN', async () => {
    await insertUnit(t.database.db, '市供电公司');
    const before = await rowCount(reportingUnits);
    expect(codes(await createUnit(tokens.admin, { name: '市供电公司', kind: 'STATE_ENTERPRISE' }))).toEqual([[['input', 'name'], 'DUPLICATE']]);
    expect(codes(await createUnit(tokens.admin, { name: '  ', kind: 'STATE_ENTERPRISE', contactPhone: '123' })))
      .toEqual([[['input', 'name'], 'REQUIRED'], [['input', 'contactPhone'], 'INVALID']]);
    const r = await t.gql(`mutation { reportingUnitCreate(input: { name: "某公司", kind: PRIVATE_ENTERPRISE }) { reportingUnit { id } } }`, {}, tokens.secretary);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await rowCount(reportingUnits)).toBe(before);
  });
});

describe('reportInRegister and reportInWithdraw (双报到)', () => {
  test('a secretary reports a unit in to the community; a unit is active once per community, in any number of communities', async () => {
    const unit = await insertUnit(t.database.db);
    const r = await register(tokens.secretary, { unitId: unit.gid, communityId: u.ids.community });
    expect(r.userErrors).toEqual([]);
    expect(r.reportIn).toMatchObject({ active: true, withdrawnAt: null, unit: { id: unit.gid }, member: null, community: { id: u.ids.community }, grid: null, participationCount: 0, hours: '0.00' });
    const before = await rowCount(reportIns);
    expect(codes(await register(tokens.secretary, { unitId: unit.gid, gridId: u.ids.micro }))).toEqual([[['input', 'unitId'], 'DUPLICATE']]);
    expect(await rowCount(reportIns)).toBe(before);
    const elsewhere = await register(tokens.otherSecretary, { unitId: unit.gid, communityId: toGlobalId('Community', otherCommunity.id) });
    expect(elsewhere.reportIn).toMatchObject({ active: true, community: { id: toGlobalId('Community', otherCommunity.id) } });
  });

  test('to a grid or a building: the community and the grid follow from the place', async () => {
    const toBuilding = await register(tokens.officer, { unitId: (await insertUnit(t.database.db)).gid, buildingId: u.ids.building }, `${REPORT_IN} building { id }`);
    expect(toBuilding.reportIn).toMatchObject({ community: { id: u.ids.community }, grid: { id: u.ids.micro }, building: { id: u.ids.building } });
    const toGrid = await register(tokens.admin, { unitId: (await insertUnit(t.database.db)).gid, gridId: u.ids.level2 }, `${REPORT_IN} building { id }`);
    expect(toGrid.reportIn).toMatchObject({ community: { id: u.ids.community }, grid: { id: u.ids.level2 }, building: null });
  });

  test('bad input names the field; a secretary elsewhere is OUT_OF_SCOPE; other roles are FORBIDDEN', async () => {
    const unit = await insertUnit(t.database.db);
    const member = await insertMember(t.database.db, { gridId: u.micro.id });
    const before = await rowCount(reportIns);
    expect(codes(await register(tokens.secretary, { communityId: u.ids.community }))).toEqual([[['input', 'unitId'], 'REQUIRED']]);
    expect(codes(await register(tokens.secretary, { unitId: unit.gid, memberId: member.gid, communityId: u.ids.community }))).toEqual([[['input', 'memberId'], 'INVALID']]);
    expect(codes(await register(tokens.secretary, { unitId: unit.gid }))).toEqual([[['input', 'communityId'], 'REQUIRED']]);
    expect(codes(await register(tokens.secretary, { unitId: unit.gid, communityId: u.ids.community, gridId: u.ids.micro }))).toEqual([[['input', 'gridId'], 'INVALID']]);
    expect(codes(await register(tokens.secretary, { unitId: unit.gid, gridId: u.ids.community }))).toEqual([[['input', 'gridId'], 'NOT_FOUND']]);
    expect(codes(await register(tokens.secretary, { unitId: u.ids.street, communityId: u.ids.community }))).toEqual([[['input', 'unitId'], 'NOT_FOUND']]);
    expect(codes(await register(tokens.otherSecretary, { unitId: unit.gid, communityId: u.ids.community }))).toEqual([[['input', 'communityId'], 'OUT_OF_SCOPE']]);
    expect(codes(await register(tokens.otherSecretary, { memberId: member.gid, buildingId: u.ids.building }))).toEqual([[['input', 'buildingId'], 'OUT_OF_SCOPE']]);
    for (const token of [tokens.worker, tokens.resident]) {
      const r = await t.gql(`mutation($input: ReportInRegisterInput!) { reportInRegister(input: $input) { reportIn { id } } }`, { input: { unitId: unit.gid, communityId: u.ids.community } }, token);
      expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(await rowCount(reportIns)).toBe(before);
  });

  test('an in-service member reports in for themself, where they live, once; nothing else', async () => {
    const db = t.database.db;
    const member = await insertMember(db, { gridId: u.micro.id });
    const own = await memberToken(t, member.id);
    const fields = 'id active unit { id } member { id } community { id } grid { id }';
    const r = await register(own, { memberId: member.gid, gridId: u.ids.level2 }, fields);
    expect(r.userErrors).toEqual([]);
    expect(r.reportIn).toMatchObject({ active: true, unit: null, member: { id: member.gid }, community: { id: u.ids.community }, grid: { id: u.ids.level2 } });

    const before = await rowCount(reportIns);
    expect(codes(await register(own, { memberId: member.gid, communityId: u.ids.community }, fields))).toEqual([[['input', 'memberId'], 'DUPLICATE']]);
    expect(codes(await register(own, { unitId: (await insertUnit(db)).gid, communityId: u.ids.community }, fields))).toEqual([[['input', 'unitId'], 'OUT_OF_SCOPE']]);
    const shown = await insertMember(db, { gridId: u.micro.id, showsIdentity: true });
    const hidden = await insertMember(db, { gridId: u.micro.id });
    expect(codes(await register(own, { memberId: shown.gid, communityId: u.ids.community }, fields))).toEqual([[['input', 'memberId'], 'OUT_OF_SCOPE']]);
    expect(codes(await register(own, { memberId: hidden.gid, communityId: u.ids.community }, fields))).toEqual([[['input', 'memberId'], 'NOT_FOUND']]);
    expect(codes(await register(await memberToken(t, hidden.id), { memberId: hidden.gid, communityId: toGlobalId('Community', otherCommunity.id) }, fields)))
      .toEqual([[['input', 'communityId'], 'INVALID']]);
    const [resident] = await unregisteredResidents(db, u.building.id, 1);
    const residentMember = await insertMember(db, { gridId: resident.gridId, residentId: resident.id });
    expect(codes(await register(await memberToken(t, residentMember.id), { memberId: residentMember.gid, buildingId: u.ids.building }, fields)))
      .toEqual([[['input', 'memberId'], 'INVALID']]);
    expect(await rowCount(reportIns)).toBe(before);

    const bySecretary = await register(tokens.secretary, { memberId: hidden.gid, buildingId: u.ids.building });
    expect(bySecretary.reportIn).toMatchObject({ member: { id: hidden.gid }, grid: { id: u.ids.micro } });
  });

  test('withdrawing: the member their own, staff those of their area; twice is INVALID_TRANSITION; then it may report in again', async () => {
    const db = t.database.db;
    const member = await insertMember(db, { gridId: u.micro.id });
    const own = await memberToken(t, member.id);
    const mine = await register(own, { memberId: member.gid, communityId: u.ids.community }, 'id');
    const other = await memberToken(t, (await insertMember(db, { gridId: u.micro.id })).id);
    expect(codes(await withdraw(other, mine.reportIn.id))).toEqual([[['id'], 'NOT_FOUND']]);
    expect(codes(await withdraw(tokens.otherSecretary, mine.reportIn.id))).toEqual([[['id'], 'NOT_FOUND']]);
    const done = await withdraw(own, mine.reportIn.id);
    expect(done.userErrors).toEqual([]);
    expect(done.reportIn).toMatchObject({ active: false, withdrawnAt: expect.any(String) });
    expect(codes(await withdraw(own, mine.reportIn.id))).toEqual([[['id'], 'INVALID_TRANSITION']]);

    const unit = await insertUnit(db);
    const first = await register(tokens.secretary, { unitId: unit.gid, communityId: u.ids.community });
    expect((await withdraw(tokens.secretary, first.reportIn.id)).reportIn.active).toBe(false);
    expect((await register(tokens.secretary, { unitId: unit.gid, communityId: u.ids.community })).reportIn.active).toBe(true);
    expect((await register(own, { memberId: member.gid, communityId: u.ids.community }, 'id active')).reportIn.active).toBe(true);
    const r = await t.gql(`mutation($id: ID!) { reportInWithdraw(id: $id) { reportIn { id } } }`, { id: first.reportIn.id }, tokens.worker);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('report-ins are read by staff over them and by the member, by nobody else', async () => {
    const db = t.database.db;
    const member = await insertMember(db, { gridId: u.micro.id, showsIdentity: true });
    const own = await memberToken(t, member.id);
    const mine = await register(own, { memberId: member.gid, communityId: u.ids.community }, 'id');
    const list = `query($community: ID!) { reportIns(filter: { within: $community, active: true }) { totalCount nodes { id } } }`;
    expect((await t.gql(list, { community: u.ids.community })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(list, { community: u.ids.community }, tokens.resident)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const [{ n }] = await db.select({ n: count() }).from(reportIns).where(and(eq(reportIns.communityId, u.community.id), isNull(reportIns.withdrawnAt)));
    expect((await t.gql(list, { community: u.ids.community }, tokens.secretary)).data.reportIns.totalCount).toBe(n);
    expect((await t.gql(list, { community: u.ids.community }, tokens.otherSecretary)).data.reportIns.totalCount).toBe(0);
    expect((await t.gql(list, { community: u.ids.community }, own)).data.reportIns).toEqual({ totalCount: 1, nodes: [{ id: mine.reportIn.id }] });

    const card = `query($id: ID!) { node(id: $id) { ... on PartyMember { reportIn { id } } } }`;
    expect((await t.gql(card, { id: member.gid }, own)).data.node.reportIn).toEqual({ id: mine.reportIn.id });
    expect((await t.gql(card, { id: member.gid }, tokens.secretary)).data.node.reportIn).toEqual({ id: mine.reportIn.id });
    expect((await t.gql(card, { id: member.gid }, tokens.otherSecretary)).data.node.reportIn).toBeNull();
    expect((await t.gql(card, { id: member.gid })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('the three lists (需求/资源/项目清单)', () => {
  let unit: Awaited<ReturnType<typeof insertUnit>>;
  let offering: string;

  beforeAll(async () => {
    unit = await insertUnit(t.database.db);
    offering = (await register(tokens.secretary, { unitId: unit.gid, communityId: u.ids.community })).reportIn.id;
  });

  test('a need, a resource offered by a report-in, and a project matching them; public to read', async () => {
    const need = await addItem(tokens.secretary, { communityId: u.ids.community, kind: 'NEED', title: '老年人助餐', detail: '独居老人午餐配送' });
    expect(need.userErrors).toEqual([]);
    expect(need.communityListItem).toMatchObject({ kind: 'NEED', title: '老年人助餐', open: true, closedAt: null, unit: null, community: { id: u.ids.community } });
    const resource = await addItem(tokens.officer, { communityId: u.ids.community, kind: 'RESOURCE', title: '食堂送餐', reportInId: offering });
    expect(resource.communityListItem).toMatchObject({ kind: 'RESOURCE', unit: { id: unit.gid } });
    const project = await addItem(tokens.secretary, {
      communityId: u.ids.community, kind: 'PROJECT', title: '爱心午餐', needId: need.communityListItem.id, resourceId: resource.communityListItem.id,
    });
    expect(project.communityListItem).toMatchObject({ kind: 'PROJECT', need: { id: need.communityListItem.id }, resource: { id: resource.communityListItem.id }, unit: { id: unit.gid } });

    const open = await t.gql(`query($c: ID!) { communityListItems(filter: { communityId: $c, kinds: [PROJECT] }, first: 100) { nodes { id title unit { name } need { title } } } }`, { c: u.ids.community });
    expect(open.errors).toBeUndefined();
    expect(open.data.communityListItems.nodes).toContainEqual({ id: project.communityListItem.id, title: '爱心午餐', unit: { name: unit.name }, need: { title: '老年人助餐' } });
    const hiddenOfferer = await t.gql(`query($id: ID!) { node(id: $id) { ... on CommunityListItem { reportIn { id } } } }`, { id: resource.communityListItem.id });
    expect(hiddenOfferer.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const unfiltered = await t.gql(`{ communityListItems(filter: { kinds: [NEED] }) { totalCount } }`);
    expect(unfiltered.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('each list takes what it needs and nothing else; data unchanged after a refusal', async () => {
    const db = t.database.db;
    const need = (await addItem(tokens.secretary, { communityId: u.ids.community, kind: 'NEED', title: '楼道照明' })).communityListItem.id;
    const resource = (await addItem(tokens.secretary, { communityId: u.ids.community, kind: 'RESOURCE', title: '电工维修', reportInId: offering })).communityListItem.id;
    const foreignNeed = (await addItem(tokens.otherSecretary, { communityId: toGlobalId('Community', otherCommunity.id), kind: 'NEED', title: '外社区需求' })).communityListItem.id;
    const gone = await register(tokens.secretary, { unitId: (await insertUnit(db)).gid, communityId: u.ids.community }, 'id');
    await withdraw(tokens.secretary, gone.reportIn.id);
    const elsewhere = await register(tokens.otherSecretary, { unitId: unit.gid, communityId: toGlobalId('Community', otherCommunity.id) }, 'id');
    const before = await rowCount(communityListItems);
    const add = (input: Record<string, unknown>) => addItem(tokens.secretary, { communityId: u.ids.community, title: '项目', ...input });
    expect(codes(await add({ kind: 'NEED', reportInId: offering }))).toEqual([[['input', 'reportInId'], 'INVALID']]);
    expect(codes(await add({ kind: 'RESOURCE' }))).toEqual([[['input', 'reportInId'], 'REQUIRED']]);
    expect(codes(await add({ kind: 'PROJECT' }))).toEqual([[['input', 'needId'], 'REQUIRED'], [['input', 'resourceId'], 'REQUIRED']]);
    expect(codes(await add({ kind: 'PROJECT', needId: resource, resourceId: need }))).toEqual([[['input', 'needId'], 'INVALID']]);
    expect(codes(await add({ kind: 'PROJECT', needId: foreignNeed, resourceId: resource }))).toEqual([[['input', 'needId'], 'INVALID']]);
    expect(codes(await add({ kind: 'RESOURCE', reportInId: gone.reportIn.id }))).toEqual([[['input', 'reportInId'], 'INVALID']]);
    expect(codes(await add({ kind: 'RESOURCE', reportInId: elsewhere.reportIn.id }))).toEqual([[['input', 'reportInId'], 'INVALID']]);
    expect(codes(await add({ kind: 'NEED', title: '   ' }))).toEqual([[['input', 'title'], 'REQUIRED']]);
    expect(codes(await add({ kind: 'NEED', title: '' }))).toEqual([[['input', 'title'], 'REQUIRED']]);
    expect(codes(await addItem(tokens.otherSecretary, { communityId: u.ids.community, kind: 'NEED', title: '需求' }))).toEqual([[['input', 'communityId'], 'OUT_OF_SCOPE']]);
    const r = await t.gql(`mutation($c: ID!) { communityListItemAdd(input: { communityId: $c, kind: NEED, title: "需求" }) { communityListItem { id } } }`, { c: u.ids.community }, tokens.worker);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await rowCount(communityListItems)).toBe(before);

    const closed = await closeItem(tokens.secretary, need);
    expect(closed.communityListItem).toMatchObject({ open: false, closedAt: expect.any(String) });
    expect(codes(await closeItem(tokens.secretary, need))).toEqual([[['id'], 'INVALID_TRANSITION']]);
    expect(codes(await closeItem(tokens.otherSecretary, resource))).toEqual([[['id'], 'OUT_OF_SCOPE']]);
    expect(codes(await add({ kind: 'PROJECT', needId: need, resourceId: resource }))).toEqual([[['input', 'needId'], 'INVALID']]);
    const openNeeds = await t.gql(`query($c: ID!) { communityListItems(filter: { within: $c, kinds: [NEED], open: false }, first: 100) { nodes { id } } }`, { c: u.ids.community });
    expect(openNeeds.data.communityListItems.nodes).toContainEqual({ id: need });
  });
});

describe('participationRecord (参与)', () => {
  let unitReportIn: string;
  let gridReportIn: string;
  let project: string;

  beforeAll(async () => {
    const db = t.database.db;
    unitReportIn = (await register(tokens.secretary, { unitId: (await insertUnit(db)).gid, communityId: u.ids.community }, 'id')).reportIn.id;
    gridReportIn = (await register(tokens.secretary, { unitId: (await insertUnit(db)).gid, gridId: u.ids.micro }, 'id')).reportIn.id;
    await backdate(unitReportIn, 30);
    await backdate(gridReportIn, 30);
    const need = (await addItem(tokens.secretary, { communityId: u.ids.community, kind: 'NEED', title: '义诊' })).communityListItem.id;
    const resource = (await addItem(tokens.secretary, { communityId: u.ids.community, kind: 'RESOURCE', title: '医生', reportInId: unitReportIn })).communityListItem.id;
    project = (await addItem(tokens.secretary, { communityId: u.ids.community, kind: 'PROJECT', title: '社区义诊', needId: need, resourceId: resource })).communityListItem.id;
  });

  test('a secretary records a participation in a project; a repeat with the same key records it once', async () => {
    const before = await rowCount(participations);
    const input = { reportInId: unitReportIn, projectId: project, occurredOn: daysAgo(3), hours: '2.5', note: '测量血压 40 人次' };
    const first = await record(tokens.secretary, input, 'visit-1');
    expect(first.userErrors).toEqual([]);
    expect(first.participation).toMatchObject({ occurredOn: daysAgo(3), hours: '2.50', note: '测量血压 40 人次', project: { id: project }, reportIn: { id: unitReportIn, participationCount: 1, hours: '2.50' } });
    const again = await record(tokens.secretary, input, 'visit-1');
    expect(again.participation.id).toBe(first.participation.id);
    expect(await rowCount(participations)).toBe(before + 1);
    const plain = await record(tokens.secretary, { reportInId: unitReportIn, occurredOn: daysAgo(1) });
    expect(plain.participation).toMatchObject({ hours: null, project: null, reportIn: { participationCount: 2, hours: '2.50' } });
  });

  test('a grid worker records for report-ins to their grids only; dates, hours and projects are checked', async () => {
    const ok = await record(tokens.worker, { reportInId: gridReportIn, occurredOn: daysAgo(2), hours: '1' });
    expect(ok.userErrors).toEqual([]);
    const before = await rowCount(participations);
    expect(codes(await record(tokens.worker, { reportInId: unitReportIn, occurredOn: daysAgo(2) }))).toEqual([[['input', 'reportInId'], 'OUT_OF_SCOPE']]);
    expect(codes(await record(tokens.otherWorker, { reportInId: gridReportIn, occurredOn: daysAgo(2) }))).toEqual([[['input', 'reportInId'], 'OUT_OF_SCOPE']]);
    expect(codes(await record(tokens.otherSecretary, { reportInId: unitReportIn, occurredOn: daysAgo(2) }))).toEqual([[['input', 'reportInId'], 'OUT_OF_SCOPE']]);
    expect(codes(await record(tokens.secretary, { reportInId: unitReportIn, occurredOn: chinaDate(new Date(Date.now() + DAY_MS)) }))).toEqual([[['input', 'occurredOn'], 'INVALID']]);
    expect(codes(await record(tokens.secretary, { reportInId: unitReportIn, occurredOn: daysAgo(40) }))).toEqual([[['input', 'occurredOn'], 'INVALID']]);
    expect(codes(await record(tokens.secretary, { reportInId: unitReportIn, occurredOn: daysAgo(2), hours: '0' }))).toEqual([[['input', 'hours'], 'INVALID']]);
    expect(codes(await record(tokens.secretary, { reportInId: unitReportIn, occurredOn: daysAgo(2), hours: '24.5' }))).toEqual([[['input', 'hours'], 'INVALID']]);
    const need = (await addItem(tokens.secretary, { communityId: u.ids.community, kind: 'NEED', title: '需求' })).communityListItem.id;
    expect(codes(await record(tokens.secretary, { reportInId: unitReportIn, occurredOn: daysAgo(2), projectId: need }))).toEqual([[['input', 'projectId'], 'INVALID']]);
    expect(codes(await record(tokens.secretary, { reportInId: unitReportIn, occurredOn: daysAgo(2), note: '记'.repeat(501) }))).toEqual([[['input', 'note'], 'INVALID']]);
    const r = await t.gql(`mutation($r: ID!, $d: Date!) { participationRecord(input: { reportInId: $r, occurredOn: $d }) { participation { id } } }`, { r: unitReportIn, d: daysAgo(2) }, tokens.officer);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await rowCount(participations)).toBe(before);
  });

  test('a withdrawn report-in keeps its past: participations up to the withdrawal, none after', async () => {
    const reportIn = (await register(tokens.secretary, { unitId: (await insertUnit(t.database.db)).gid, communityId: u.ids.community }, 'id')).reportIn.id;
    await withdraw(tokens.secretary, reportIn);
    await backdate(reportIn, 30, 10);
    expect(codes(await record(tokens.secretary, { reportInId: reportIn, occurredOn: daysAgo(5) }))).toEqual([[['input', 'occurredOn'], 'INVALID']]);
    expect((await record(tokens.secretary, { reportInId: reportIn, occurredOn: daysAgo(15) })).userErrors).toEqual([]);
  });

  test('participations are read with their report-in: staff over it and the member', async () => {
    const db = t.database.db;
    const member = await insertMember(db, { gridId: u.micro.id });
    const own = await memberToken(t, member.id);
    const reportIn = (await register(own, { memberId: member.gid, communityId: u.ids.community }, 'id')).reportIn.id;
    await backdate(reportIn, 30);
    const recorded = await record(tokens.secretary, { reportInId: reportIn, occurredOn: daysAgo(7), hours: '3' });
    const read = `query($id: ID!) { node(id: $id) { ... on ReportIn { participationCount participations { nodes { id hours } } } } }`;
    expect((await t.gql(read, { id: reportIn }, own)).data.node).toEqual({ participationCount: 1, participations: { nodes: [{ id: recorded.participation.id, hours: '3.00' }] } });
    expect((await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: recorded.participation.id }, tokens.otherSecretary)).data.node).toBeNull();
    expect((await t.gql(`query($id: ID!) { node(id: $id) { ... on Participation { id } } }`, { id: recorded.participation.id })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('report-in statistics per street and community', () => {
  const STATS = 'reportInStats { units members participations hours }';

  /** The figures computed here independently: plain counts over the tables. */
  async function expected(level: 'street' | 'community') {
    const column = level === 'street' ? 'street_id' : 'community_id';
    const rows = await rowsOf<{ key: number; units: number; members: number; participations: number; hours: string }>(t.database.db, sql.raw(`
      select k.key,
        (select count(distinct unit_id)::int from report_ins r where r.${column} = k.key and r.withdrawn_at is null) as units,
        (select count(distinct member_id)::int from report_ins r where r.${column} = k.key and r.withdrawn_at is null and r.member_id is not null) as members,
        (select count(*)::int from participations p where p.${column} = k.key) as participations,
        (select coalesce(sum(hours), 0)::numeric(14, 2)::text from participations p where p.${column} = k.key) as hours
      from (select id as key from ${level === 'street' ? 'streets' : 'communities'}) k`));
    return new Map(rows.map((r) => [toGlobalId(level === 'street' ? 'Street' : 'Community', Number(r.key)), {
      units: r.units, members: r.members, participations: r.participations, hours: r.hours,
    }]));
  }

  test('every street and community, in one statement per level; public', async () => {
    const before = t.database.statements.count;
    const r = await t.gql(`{ streets(first: 20) { nodes { id ${STATS} communities(first: 50) { nodes { id ${STATS} } } } } }`);
    const statements = t.database.statements.count - before;
    expect(r.errors).toBeUndefined();
    // streets, their communities, then one statement for the streets' figures and one for the communities'.
    expect(statements).toBe(4);
    const streets = await expected('street');
    const byCommunity = await expected('community');
    for (const street of r.data.streets.nodes) {
      expect(street.reportInStats).toEqual(streets.get(street.id));
      for (const community of street.communities.nodes) expect(community.reportInStats).toEqual(byCommunity.get(community.id));
    }
    const mine = r.data.streets.nodes.find((s: { id: string }) => s.id === u.ids.street);
    expect(mine.reportInStats.units).toBeGreaterThan(0);
    expect(mine.reportInStats.participations).toBeGreaterThan(0);
  });

  test('a new report-in and participation move the figures by exactly one', async () => {
    const read = async () => (await t.gql(`query($s: ID!, $c: ID!) { s: node(id: $s) { ... on Street { ${STATS} } } c: node(id: $c) { ... on Community { ${STATS} } } }`,
      { s: u.ids.street, c: u.ids.community })).data;
    const before = await read();
    const unit = await insertUnit(t.database.db);
    const reportIn = (await register(tokens.secretary, { unitId: unit.gid, communityId: u.ids.community }, 'id')).reportIn.id;
    const member = await insertMember(t.database.db, { gridId: u.micro.id, workUnitId: unit.id });
    await register(await memberToken(t, member.id), { memberId: member.gid, buildingId: u.ids.building }, 'id');
    await record(tokens.secretary, { reportInId: reportIn, occurredOn: chinaDate(), hours: '1.25' });
    const after = await read();
    for (const level of ['s', 'c'] as const) {
      expect(after[level].reportInStats).toEqual({
        units: before[level].reportInStats.units + 1,
        members: before[level].reportInStats.members + 1,
        participations: before[level].reportInStats.participations + 1,
        hours: (Number(before[level].reportInStats.hours) + 1.25).toFixed(2),
      });
    }
    const counts = await t.gql(`query($id: ID!) { node(id: $id) { ... on ReportingUnit { counts { communities members membersReportedIn participations hours } } } }`, { id: unit.gid });
    expect(counts.data.node.counts).toEqual({ communities: 1, members: 1, membersReportedIn: 1, participations: 1, hours: '1.25' });
  });
});

describe('recordWishParticipation, for the micro-wish module', () => {
  async function confirmedWish(claimant: { unitId?: number; memberId?: number }) {
    const [wish] = await t.database.db.insert(wishes).values({
      districtId: u.household.districtId, streetId: u.household.streetId, communityId: u.household.communityId, gridId: u.household.gridId,
      buildingId: u.household.buildingId, householdId: u.household.id, category: 'REPAIR', title: '修水龙头', detail: '厨房水龙头漏水',
      submitterSubject: 'resident', submitterRole: 'RESIDENT', status: 'CONFIRMED', version: 5,
      claimantKind: claimant.unitId ? 'UNIT' : 'PARTY_MEMBER', claimantUnitId: claimant.unitId ?? null, claimantMemberId: claimant.memberId ?? null, hoursSpent: '1.50',
    }).returning();
    return { id: wish.id, communityId: wish.communityId, districtId: wish.districtId, streetId: wish.streetId, hours: '1.50', occurredOn: daysAgo(1) };
  }

  test('a claimant with an active report-in to the wish\'s community counts once; one without is not counted', async () => {
    const db = t.database.db;
    const unit = await insertUnit(db);
    const reportIn = (await register(tokens.secretary, { unitId: unit.gid, communityId: u.ids.community }, 'id')).reportIn.id;
    await backdate(reportIn, 30);
    const wish = await confirmedWish({ unitId: unit.id });
    for (let i = 0; i < 2; i += 1) await inTransaction(db, (tx) => recordWishParticipation(tx, wish, { unitId: unit.id, memberId: null }, 'resident'));
    const recorded = await db.select().from(participations).where(eq(participations.wishId, wish.id));
    expect(recorded).toEqual([expect.objectContaining({ reportInId: keyOfId(reportIn), communityId: u.community.id, hours: '1.50', occurredOn: daysAgo(1), recordedBy: 'resident' })]);

    const member = await insertMember(db, { gridId: u.micro.id });
    const memberWish = await confirmedWish({ memberId: member.id });
    await inTransaction(db, (tx) => recordWishParticipation(tx, memberWish, { unitId: null, memberId: member.id }, 'resident'));
    await register(await memberToken(t, member.id), { memberId: member.gid, communityId: u.ids.community }, 'id');
    const stranger = await insertUnit(db);
    const strangerWish = await confirmedWish({ unitId: stranger.id });
    await inTransaction(db, (tx) => recordWishParticipation(tx, strangerWish, { unitId: stranger.id, memberId: null }, 'resident'));
    const counted = await db.select({ n: count() }).from(participations).where(and(isNotNull(participations.wishId), sql`${participations.wishId} in (${memberWish.id}, ${strangerWish.id})`));
    expect(counted[0].n).toBe(0);

    const laterWish = await confirmedWish({ memberId: member.id });
    await inTransaction(db, (tx) => recordWishParticipation(tx, { ...laterWish, occurredOn: chinaDate() }, { unitId: null, memberId: member.id }, 'resident'));
    expect(await db.select({ wishId: participations.wishId }).from(participations).where(eq(participations.wishId, laterWish.id))).toEqual([{ wishId: laterWish.id }]);
  });
});
