import { and, asc, count, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids';
import { buildings, communities, households } from '../../../src/modules/grid/grid.tables';
import { commitmentRatings, commitments } from '../../../src/modules/party/party.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { insertMember, memberToken, organisationsOver } from '../../helpers/party';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;
let otherCommunity: typeof communities.$inferSelect;
/** Tokens of three households of the demo building, and of a household of another building of the community. */
let neighbours: string[];
let elsewhere: string;
let foreignBuilding: string;
const tokens: Record<string, string> = {};

const ERRORS = 'userErrors { field code message }';
const RATING = 'rating { ratings kept notKept keptShare }';
const COMMITMENT = `id pledge active withdrawnAt member { id } grid { id } community { id } ${RATING}`;
const codes = (payload: { userErrors: { field: string[]; code: string }[] }) => payload.userErrors.map((e) => [e.field, e.code]);
const commitmentCount = async () => (await t.database.db.select({ n: count() }).from(commitments))[0].n;

async function call(mutation: string, variables: Record<string, unknown>, token?: string) {
  const r = await t.gql(mutation, variables, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return Object.values(r.data as Record<string, any>)[0];
}
const hang = (token: string, input: Record<string, unknown>) =>
  call(`mutation($input: CommitmentHangInput!) { commitmentHang(input: $input) { commitment { ${COMMITMENT} } ${ERRORS} } }`, { input }, token);
const withdraw = (token: string, id: string) =>
  call(`mutation($id: ID!) { commitmentWithdraw(id: $id) { commitment { id active withdrawnAt } ${ERRORS} } }`, { id }, token);
const rate = (token: string, input: Record<string, unknown>) =>
  call(`mutation($input: CommitmentRateInput!) { commitmentRate(input: $input) { commitment { id viewerCanRate ${RATING} } ${ERRORS} } }`, { input }, token);

/** A member of the demo building's grid with a pledge hung there by the community secretary. */
async function hungFor(options: { organisationId?: number; showsIdentity?: boolean } = {}) {
  const member = await insertMember(t.database.db, { gridId: u.micro.id, ...options });
  const r = await hang(tokens.secretary, { memberId: member.gid, buildingId: u.ids.building, pledge: '每周为楼内独居老人代买一次生活用品。' });
  expect(r.userErrors).toEqual([]);
  return { member, commitment: r.commitment.id as string };
}

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  const db = t.database.db;
  [otherCommunity] = await db.select().from(communities).where(eq(communities.streetId, u.otherStreet.id)).orderBy(asc(communities.id)).limit(1);
  const inBuilding = await db.select().from(households).where(eq(households.buildingId, u.building.id)).orderBy(asc(households.id)).limit(3);
  expect(inBuilding).toHaveLength(3);
  neighbours = await Promise.all(inBuilding.map((h) => t.token(Role.RESIDENT, { type: 'Household', key: h.id }, `household-${h.id}`)));
  const [away] = await db.select().from(households).where(and(eq(households.communityId, u.community.id), ne(households.buildingId, u.building.id))).limit(1);
  elsewhere = await t.token(Role.RESIDENT, { type: 'Household', key: away.id }, `household-${away.id}`);
  const [foreign] = await db.select().from(buildings).where(eq(buildings.communityId, otherCommunity.id)).limit(1);
  foreignBuilding = toGlobalId('Building', foreign.id);
  tokens.admin = await t.token(Role.CITY_ADMIN);
  tokens.secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'secretary');
  tokens.otherSecretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: otherCommunity.id }, 'other-secretary');
  tokens.worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'worker');
});
afterAll(async () => t?.close());

describe('commitmentHang (挂牌承诺)', () => {
  test('a member hangs their own pledge at a building of their community; one hangs at a time', async () => {
    const member = await insertMember(t.database.db, { gridId: u.micro.id, showsIdentity: true });
    const own = await memberToken(t, member.id);
    const r = await hang(own, { buildingId: u.ids.building, pledge: ' 楼道卫生我来管，每月组织一次清扫。 ' });
    expect(r.userErrors).toEqual([]);
    expect(r.commitment).toMatchObject({
      pledge: '楼道卫生我来管，每月组织一次清扫。', active: true, withdrawnAt: null, member: { id: member.gid }, grid: { id: u.ids.micro },
      community: { id: u.ids.community }, rating: { ratings: 0, kept: 0, notKept: 0, keptShare: null },
    });
    const before = await commitmentCount();
    expect(codes(await hang(own, { buildingId: u.ids.building, pledge: '再挂一条承诺。' }))).toEqual([[['input', 'pledge'], 'DUPLICATE']]);
    expect(await commitmentCount()).toBe(before);
  });

  test('the pledge is one sentence of 2 to 120 characters; the building is of the member\'s community; the member is the viewer', async () => {
    const member = await insertMember(t.database.db, { gridId: u.micro.id });
    const own = await memberToken(t, member.id);
    const other = await insertMember(t.database.db, { gridId: u.micro.id, showsIdentity: true });
    const before = await commitmentCount();
    for (const pledge of ['我', '我承诺。我做到！', '第一行\n第二行', '诺'.repeat(121)]) {
      expect(codes(await hang(own, { buildingId: u.ids.building, pledge }))).toEqual([[['input', 'pledge'], 'INVALID']]);
    }
    expect(codes(await hang(own, { buildingId: foreignBuilding, pledge: '每周服务2.5小时。' }))).toEqual([[['input', 'buildingId'], 'OUT_OF_SCOPE']]);
    expect(codes(await hang(own, { memberId: other.gid, buildingId: u.ids.building, pledge: '每周服务2.5小时。' }))).toEqual([[['input', 'memberId'], 'OUT_OF_SCOPE']]);
    expect(await commitmentCount()).toBe(before);
    expect((await hang(own, { memberId: member.gid, buildingId: u.ids.building, pledge: '每周服务2.5小时。' })).userErrors).toEqual([]);
  });

  test('a member finds the buildings of their own community to hang a pledge at, and none of their households', async () => {
    const member = await insertMember(t.database.db, { gridId: u.micro.id });
    const own = await memberToken(t, member.id);
    const listed = await t.gql(`{ buildings(first: 100) { nodes { id grid { community { id } } } } }`, {}, own);
    expect(listed.errors).toBeUndefined();
    const found = listed.data.buildings.nodes as { id: string; grid: { community: { id: string } } }[];
    expect(found.map((b) => b.id)).toContain(u.ids.building);
    expect(new Set(found.map((b) => b.grid.community.id))).toEqual(new Set([u.ids.community]));
    const foreign = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: foreignBuilding }, own);
    expect(foreign.data.node).toBeNull();
    const households = await t.gql(`query($id: ID!) { node(id: $id) { ... on Building { households(first: 1) { nodes { id } } } } }`, { id: u.ids.building }, own);
    expect(households.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const r = await hang(own, { buildingId: found[0].id, pledge: '楼道灯坏了我来报修。' });
    expect(r.userErrors).toEqual([]);
  });

  test('staff hang a pledge for a member of their area; residents may not', async () => {
    const member = await insertMember(t.database.db, { gridId: u.micro.id, showsIdentity: true });
    const before = await commitmentCount();
    expect(codes(await hang(tokens.secretary, { buildingId: u.ids.building, pledge: '为民服务。' }))).toEqual([[['input', 'memberId'], 'REQUIRED']]);
    expect(codes(await hang(tokens.otherSecretary, { memberId: member.gid, buildingId: u.ids.building, pledge: '为民服务。' }))).toEqual([[['input', 'buildingId'], 'OUT_OF_SCOPE']]);
    const r = await t.gql(`mutation($input: CommitmentHangInput!) { commitmentHang(input: $input) { commitment { id } } }`,
      { input: { memberId: member.gid, buildingId: u.ids.building, pledge: '为民服务。' } }, neighbours[0]);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await commitmentCount()).toBe(before);
    const byWorker = await call(`mutation($input: CommitmentHangInput!) { commitmentHang(input: $input) { commitment { id building { id } } ${ERRORS} } }`,
      { input: { memberId: member.gid, buildingId: u.ids.building, pledge: '为民服务。' } }, tokens.worker);
    expect(byWorker.commitment.building).toEqual({ id: u.ids.building });
  });
});

describe('commitmentRate: residents of the building judge it', () => {
  test('each household rates once; rating again replaces its rating', async () => {
    const { commitment } = await hungFor();
    expect((await rate(neighbours[0], { commitmentId: commitment, kept: true, comment: '说到做到' })).commitment)
      .toMatchObject({ viewerCanRate: true, rating: { ratings: 1, kept: 1, notKept: 0, keptShare: 1 } });
    await rate(neighbours[1], { commitmentId: commitment, kept: false });
    const third = await rate(neighbours[2], { commitmentId: commitment, kept: true });
    expect(third.commitment.rating).toEqual({ ratings: 3, kept: 2, notKept: 1, keptShare: 0.6667 });
    const changed = await rate(neighbours[1], { commitmentId: commitment, kept: true, comment: '后来做到了' });
    expect(changed.commitment.rating).toEqual({ ratings: 3, kept: 3, notKept: 0, keptShare: 1 });
    const rows = await t.database.db.select().from(commitmentRatings).where(eq(commitmentRatings.commitmentId, Number(Buffer.from(commitment, 'base64').toString().split(':')[1])));
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.comment === '后来做到了')).toMatchObject({ kept: true });
  });

  test('only residents of that building rate it; other roles are FORBIDDEN; data unchanged', async () => {
    const { member, commitment } = await hungFor();
    const read = `query($id: ID!) { node(id: $id) { ... on Commitment { viewerCanRate ${RATING} } } }`;
    expect((await t.gql(read, { id: commitment }, elsewhere)).data.node).toEqual({ viewerCanRate: false, rating: { ratings: 0, kept: 0, notKept: 0, keptShare: null } });
    expect((await t.gql(read, { id: commitment }, tokens.secretary)).data.node.viewerCanRate).toBe(false);
    expect(codes(await rate(elsewhere, { commitmentId: commitment, kept: true }))).toEqual([[['input', 'commitmentId'], 'OUT_OF_SCOPE']]);
    expect(codes(await rate(neighbours[0], { commitmentId: commitment, kept: true, comment: '评'.repeat(201) }))).toEqual([[['input', 'comment'], 'INVALID']]);
    expect(codes(await rate(neighbours[0], { commitmentId: u.ids.building, kept: true }))).toEqual([[['input', 'commitmentId'], 'NOT_FOUND']]);
    const mutation = `mutation($id: ID!) { commitmentRate(input: { commitmentId: $id, kept: true }) { commitment { id } } }`;
    for (const token of [tokens.secretary, await memberToken(t, member.id)]) {
      expect((await t.gql(mutation, { id: commitment }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect((await t.gql(mutation, { id: commitment })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(read, { id: commitment })).data.node.rating.ratings).toBe(0);
  });

  test('a withdrawn commitment cannot be rated, and its ratings still count; the member may hang a new one', async () => {
    const { member, commitment } = await hungFor({ showsIdentity: true });
    await rate(neighbours[0], { commitmentId: commitment, kept: true });
    const own = await memberToken(t, member.id);
    const stranger = await memberToken(t, (await insertMember(t.database.db, { gridId: u.micro.id })).id);
    expect(codes(await withdraw(stranger, commitment))).toEqual([[['id'], 'OUT_OF_SCOPE']]);
    expect(codes(await withdraw(tokens.otherSecretary, commitment))).toEqual([[['id'], 'OUT_OF_SCOPE']]);
    const done = await withdraw(own, commitment);
    expect(done.commitment).toMatchObject({ active: false, withdrawnAt: expect.any(String) });
    expect(codes(await withdraw(tokens.secretary, commitment))).toEqual([[['id'], 'INVALID_TRANSITION']]);
    const refused = await rate(neighbours[1], { commitmentId: commitment, kept: false });
    expect(codes(refused)).toEqual([[['input', 'commitmentId'], 'INVALID_TRANSITION']]);
    const read = await t.gql(`query($id: ID!) { node(id: $id) { ... on Commitment { viewerCanRate ${RATING} } } }`, { id: commitment }, neighbours[1]);
    expect(read.data.node).toEqual({ viewerCanRate: false, rating: { ratings: 1, kept: 1, notKept: 0, keptShare: 1 } });
    expect((await hang(own, { buildingId: u.ids.building, pledge: '新的一年继续服务邻里。' })).userErrors).toEqual([]);
  });
});

describe('aggregates and visibility', () => {
  test('ratings add up per member and per organisation with the organisations below it, in one statement per level', async () => {
    const orgs = await organisationsOver(t.database.db, u.level2.id, u.building);
    const ratings = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on PartyOrganisation { id commitmentRating { ratings kept notKept keptShare } } } }`;
    const ids = [orgs.ids.group, orgs.ids.branch, orgs.ids.committee];
    const before = (await t.gql(ratings, { ids })).data.nodes;
    expect(before[0].commitmentRating).toEqual({ ratings: 0, kept: 0, notKept: 0, keptShare: null });

    const inGroup = await hungFor({ organisationId: orgs.group.id, showsIdentity: true });
    await rate(neighbours[0], { commitmentId: inGroup.commitment, kept: true });
    await rate(neighbours[1], { commitmentId: inGroup.commitment, kept: false });
    await withdraw(tokens.secretary, inGroup.commitment);
    const second = await hang(await memberToken(t, inGroup.member.id), { buildingId: u.ids.building, pledge: '帮助邻居修理家电。' });
    await rate(neighbours[2], { commitmentId: second.commitment.id, kept: true });
    const inBranch = await hungFor({ organisationId: orgs.branch.id });
    await rate(neighbours[0], { commitmentId: inBranch.commitment, kept: true });
    await rate(neighbours[1], { commitmentId: inBranch.commitment, kept: true });

    const member = await t.gql(`query($id: ID!) { node(id: $id) { ... on PartyMember { commitmentRating { ratings kept notKept keptShare } commitments { totalCount } } } }`, { id: inGroup.member.gid });
    expect(member.data.node).toEqual({ commitmentRating: { ratings: 3, kept: 2, notKept: 1, keptShare: 0.6667 }, commitments: { totalCount: 2 } });

    const statements = t.database.statements.count;
    const after = (await t.gql(ratings, { ids })).data.nodes;
    expect(t.database.statements.count - statements).toBe(2);
    expect(after[0].commitmentRating).toEqual({ ratings: 3, kept: 2, notKept: 1, keptShare: 0.6667 });
    for (const i of [1, 2]) {
      const { ratings: n, kept } = before[i].commitmentRating;
      expect(after[i].commitmentRating).toMatchObject({ ratings: n + 5, kept: kept + 4, notKept: n + 5 - (kept + 4) });
    }
  });

  test('commitments are public; the member of one shows only when the member shows the identity', async () => {
    const hidden = await hungFor();
    const shown = await hungFor({ showsIdentity: true });
    const list = await t.gql(`query($b: ID!) { commitments(filter: { buildingId: $b, active: true }, first: 100) { nodes { id pledge member { name } grid { id } ${RATING} } } }`, { b: u.ids.building });
    expect(list.errors).toBeUndefined();
    const byId = new Map(list.data.commitments.nodes.map((n: { id: string }) => [n.id, n]));
    expect(byId.get(hidden.commitment)).toMatchObject({ member: null, grid: { id: u.ids.micro } });
    expect(byId.get(shown.commitment)).toMatchObject({ member: { name: shown.member.name } });
    const staff = await t.gql(`query($id: ID!) { node(id: $id) { ... on Commitment { member { name } } } }`, { id: hidden.commitment }, tokens.secretary);
    expect(staff.data.node.member).toEqual({ name: hidden.member.name });
    const mine = await t.gql(`query($m: ID!) { commitments(filter: { memberId: $m }) { totalCount } node(id: $m) { ... on PartyMember { commitments { nodes { id } } } } }`, { m: shown.member.gid });
    expect(mine.data).toEqual({ commitments: { totalCount: 1 }, node: { commitments: { nodes: [{ id: shown.commitment }] } } });
    const building = await t.gql(`query($id: ID!) { node(id: $id) { ... on Commitment { building { id } } } }`, { id: shown.commitment });
    expect(building.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
