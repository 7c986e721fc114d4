import { and, asc, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids';
import { households } from '../../../src/modules/grid/grid.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import { makePartyMember, makeVolunteer, wishClient } from '../../helpers/wishes';

let t: TestServer;
let u: DemoUnits;
let api: ReturnType<typeof wishClient>;
const tokens: Record<string, string> = {};
let member: Awaited<ReturnType<typeof makePartyMember>>;
let neighbourHousehold: typeof households.$inferSelect;

/** Wishes made for these tests, by where they are. */
const made: Record<'own' | 'neighbour' | 'far' | 'ownSubmitted' | 'claimed', string> = {} as never;

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  api = wishClient(t);
  const db = t.database.db;
  member = await makePartyMember(db, u.micro.id);
  const otherMember = await makePartyMember(db, u.micro.id);
  const volunteer = await makeVolunteer(db, u.micro.id);
  [neighbourHousehold] = await db.select().from(households)
    .where(and(eq(households.communityId, u.community.id), ne(households.gridId, u.micro.id))).orderBy(asc(households.id)).limit(1);
  tokens.resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'resident-1');
  tokens.neighbour = await t.token(Role.RESIDENT, { type: 'Household', key: neighbourHousehold.id }, 'resident-neighbour');
  tokens.far = await t.token(Role.RESIDENT, { type: 'Household', key: u.otherHousehold.id }, 'resident-far');
  tokens.worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'worker-a');
  tokens.otherWorker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.otherLevel2.id }, 'worker-b');
  tokens.secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'secretary');
  tokens.admin = await t.token(Role.CITY_ADMIN);
  tokens.member = await t.token(Role.PARTY_MEMBER, { type: 'PartyMember', key: member.id }, member.subject!);
  tokens.otherMember = await t.token(Role.PARTY_MEMBER, { type: 'PartyMember', key: otherMember.id }, otherMember.subject!);
  tokens.volunteer = await t.token(Role.VOLUNTEER, { type: 'Volunteer', key: volunteer.id }, volunteer.subject!);
  tokens.handler = await t.token(Role.DEPARTMENT_HANDLER, { type: 'Department', key: 1 }, 'handler');

  const submitAndPublish = async (token: string, category: string, title: string) => {
    const { wish } = await api.submit(token, { category, title, detail: `${title}，谢谢` });
    await api.step('wishPublish', { id: wish.id }, tokens.admin);
    return wish.id as string;
  };
  made.far = await submitAndPublish(tokens.far, 'STUDY', '孩子需要一套练习册');
  made.neighbour = await submitAndPublish(tokens.neighbour, 'REPAIR', '修一下水龙头');
  made.own = await submitAndPublish(tokens.resident, 'HEALTH', '陪同去医院复查');
  made.ownSubmitted = (await api.submit(tokens.resident, { category: 'OTHER', title: '想学用智能手机', detail: '想和外地的孩子视频' })).wish.id;
  made.claimed = await submitAndPublish(tokens.resident, 'COMPANIONSHIP', '周末有人陪聊天');
  await api.step('wishClaim', { id: made.claimed }, tokens.member);
});
afterAll(async () => t?.close());

const NODE = `query($id: ID!) { node(id: $id) { ... on Wish { id status category title detail place submitter { role } claimantName community { id } grid { id }
  timeline { totalCount nodes { action } } } } }`;
const LIST = `query($filter: WishFilter, $first: Int) { wishes(filter: $filter, first: $first) { totalCount nodes { id status claimantId household { id } community { id } } } }`;
const MEMBER_LIST = `query($filter: WishFilter, $first: Int) { wishes(filter: $filter, first: $first) { totalCount nodes { id status claimantId } } }`;

async function list(token: string, filter: Record<string, unknown> = {}, query = LIST) {
  const r = await t.gql(query, { filter, first: 100 }, token);
  expect(r.errors).toBeUndefined();
  return r.data.wishes.nodes as { id: string; status: string; claimantId: string | null; household?: { id: string }; community?: { id: string } }[];
}

describe('who sees which wishes', () => {
  test('a resident sees their household\'s wishes only, newest first', async () => {
    const mine = await list(tokens.resident);
    expect(mine.every((w) => w.household!.id === u.ids.household)).toBe(true);
    const ids = mine.map((w) => w.id);
    expect(ids).toEqual(expect.arrayContaining([made.own, made.ownSubmitted, made.claimed]));
    expect(ids.indexOf(made.claimed)).toBeLessThan(ids.indexOf(made.own));
    const theirs = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: made.own }, tokens.neighbour);
    expect(theirs.data.node).toBeNull();
    expect((await list(tokens.neighbour)).map((w) => w.id)).not.toContain(made.own);
  });

  test('staff see the wishes of their area: a grid worker their grids, a secretary the community', async () => {
    const worker = (await list(tokens.worker)).map((w) => w.id);
    expect(worker).toEqual(expect.arrayContaining([made.own, made.ownSubmitted, made.claimed]));
    expect(worker).not.toContain(made.far);
    expect((await list(tokens.otherWorker)).map((w) => w.id)).not.toContain(made.own);
    const secretary = await list(tokens.secretary);
    expect(secretary.every((w) => w.community!.id === u.ids.community)).toBe(true);
    expect(secretary.map((w) => w.id)).toEqual(expect.arrayContaining([made.own, made.neighbour, made.ownSubmitted]));
  });

  test('a party member or volunteer sees every open order in any community and what they claimed, nothing else', async () => {
    for (const token of [tokens.member, tokens.volunteer]) {
      const seen = await list(token, {}, MEMBER_LIST);
      const me = token === tokens.member ? member.gid : null;
      expect(seen.every((w) => w.status === 'PUBLISHED' || (me !== null && w.claimantId === me))).toBe(true);
      const ids = seen.map((w) => w.id);
      expect(ids).toEqual(expect.arrayContaining([made.own, made.neighbour, made.far]));
      expect(ids).not.toContain(made.ownSubmitted);
      expect(ids.includes(made.claimed)).toBe(token === tokens.member);
    }
    const other = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: made.claimed }, tokens.otherMember);
    expect(other.data.node).toBeNull();
  });

  test('before a claim a member reads what is wished and where in the grid, never whose it is; the claimant reads the place and the timeline', async () => {
    const browsing = await t.gql(NODE, { id: made.own }, tokens.otherMember);
    expect(browsing.data.node).toEqual({
      id: made.own, status: 'PUBLISHED', category: 'HEALTH', title: '陪同去医院复查', detail: '陪同去医院复查，谢谢', place: null, submitter: null,
      claimantName: null, community: { id: u.ids.community }, grid: { id: u.ids.micro }, timeline: null,
    });
    const household = await t.gql(`query($id: ID!) { node(id: $id) { ... on Wish { household { id } } } }`, { id: made.own }, tokens.otherMember);
    expect(household.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const claimant = await t.gql(NODE, { id: made.claimed }, tokens.member);
    expect(claimant.data.node).toMatchObject({
      place: u.building.address, submitter: { role: 'RESIDENT' }, claimantName: member.name,
      timeline: { totalCount: 3, nodes: [{ action: 'SUBMIT' }, { action: 'PUBLISH' }, { action: 'CLAIM' }] },
    });
    const resident = await t.gql(NODE, { id: made.own }, tokens.resident);
    expect(resident.data.node.place).toBe(u.building.address);

    const stepIds = await t.gql(`query($id: ID!) { node(id: $id) { ... on Wish { timeline { nodes { id } } } } }`, { id: made.claimed }, tokens.member);
    const firstStep = stepIds.data.node.timeline.nodes[0].id;
    const asBrowser = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: firstStep }, tokens.otherMember);
    expect(asBrowser.data.node).toBeNull();
    const asClaimant = await t.gql(`query($id: ID!) { node(id: $id) { ... on WishTransition { action actor { role } } } }`, { id: firstStep }, tokens.member);
    expect(asClaimant.data.node).toEqual({ action: 'SUBMIT', actor: { role: 'RESIDENT' } });
  });

  test('anonymous callers and roles without wishes are refused before anything runs', async () => {
    const anonymous = await t.gql(`{ wishes { totalCount } }`);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const handler = await t.gql(`{ wishes { totalCount } }`, {}, tokens.handler);
    expect(handler.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const node = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: made.own });
    expect(node.data.node).toBeNull();
    const near = await t.gql(`query($g: ID!) { openWishesNear(grid: $g) { totalCount } }`, { g: u.ids.micro }, tokens.resident);
    expect(near.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('filters', () => {
  test('claimedByMe, statuses, categories, within and householdId', async () => {
    const claimedByMe = await list(tokens.member, { claimedByMe: true }, MEMBER_LIST);
    expect(claimedByMe.map((w) => w.id)).toEqual([made.claimed]);
    const notMine = await list(tokens.member, { claimedByMe: false }, MEMBER_LIST);
    expect(notMine.map((w) => w.id)).toEqual(expect.arrayContaining([made.own, made.far]));
    expect(notMine.map((w) => w.id)).not.toContain(made.claimed);
    expect(await list(tokens.volunteer, { claimedByMe: true }, MEMBER_LIST)).toEqual([]);

    const submitted = await list(tokens.secretary, { statuses: ['SUBMITTED'] });
    expect(submitted.every((w) => w.status === 'SUBMITTED')).toBe(true);
    expect(submitted.map((w) => w.id)).toContain(made.ownSubmitted);
    const repairs = await list(tokens.admin, { categories: ['REPAIR'], within: u.ids.community });
    expect(repairs.map((w) => w.id)).toContain(made.neighbour);
    expect(repairs.map((w) => w.id)).not.toContain(made.own);
    const inMicro = await list(tokens.admin, { within: u.ids.micro });
    expect(inMicro.map((w) => w.id)).not.toContain(made.neighbour);
    const neighbour = toGlobalId('Household', neighbourHousehold.id);
    const household = await list(tokens.admin, { householdId: neighbour });
    expect(household.map((w) => w.id)).toContain(made.neighbour);
    expect(household.every((w) => w.household!.id === neighbour)).toBe(true);
    const bad = await t.gql(LIST, { filter: { householdId: u.ids.community } }, tokens.admin);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

type Near = { id: string; status: string; grid: { id: string; boundary: { coordinates: number[][][] } } };

async function nearPage(token: string, grid: string, first: number, after?: string) {
  const r = await t.gql(`query($g: ID!, $first: Int, $after: String) {
    openWishesNear(grid: $g, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id status grid { id boundary } } }
  }`, { g: grid, first, after }, token);
  expect(r.errors).toBeUndefined();
  return r.data.openWishesNear as { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Near[] };
}

/** PostgreSQL's `@@` of a polygon: the mean of its vertices. */
function centre(boundary: { coordinates: number[][][] }): [number, number] {
  const ring = boundary.coordinates[0].slice(0, -1);
  return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
}

describe('open wishes near a grid', () => {
  test('the grid\'s own wishes first, then by the distance between grid centres, paged without gap or repeat', async () => {
    const all: Near[] = [];
    let after: string | undefined;
    let totalCount = 0;
    do {
      const page = await nearPage(tokens.volunteer, u.ids.micro, 100, after);
      totalCount = page.totalCount;
      all.push(...page.nodes);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor! : undefined;
    } while (after);
    expect(all).toHaveLength(totalCount);
    expect(all.every((w) => w.status === 'PUBLISHED')).toBe(true);
    expect(new Set(all.map((w) => w.id)).size).toBe(all.length);

    const target = await nearPage(tokens.volunteer, u.ids.micro, 1);
    expect(target.nodes[0].grid.id).toBe(u.ids.micro);
    const here = centre(target.nodes[0].grid.boundary);
    const nearness = all.map((w) => (w.grid.id === u.ids.micro ? -1 : Math.hypot(centre(w.grid.boundary)[0] - here[0], centre(w.grid.boundary)[1] - here[1])));
    for (let i = 1; i < nearness.length; i += 1) expect(nearness[i]).toBeGreaterThanOrEqual(nearness[i - 1] - 1e-12);
    const ids = all.map((w) => w.id);
    expect(ids).toContain(made.own);
    expect(ids.indexOf(made.own)).toBeLessThan(ids.indexOf(made.neighbour));
    expect(ids.indexOf(made.own)).toBeLessThan(ids.indexOf(made.far));
    expect(ids).not.toContain(made.claimed);

    const paged: string[] = [];
    after = undefined;
    for (let i = 0; i < 4; i += 1) {
      const page = await nearPage(tokens.volunteer, u.ids.micro, 2, after);
      paged.push(...page.nodes.map((w) => w.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(paged).toEqual(ids.slice(0, paged.length));
  });

  test('staff see the open wishes of their area only; a foreign ID is a malformed argument', async () => {
    const page = await t.gql(`query($g: ID!) { openWishesNear(grid: $g, first: 100) { nodes { id community { id } } } }`, { g: u.ids.otherLevel2 }, tokens.secretary);
    expect(page.data.openWishesNear.nodes.every((w: { community: { id: string } }) => w.community.id === u.ids.community)).toBe(true);
    expect(page.data.openWishesNear.nodes.map((w: { id: string }) => w.id)).toContain(made.own);
    const bad = await t.gql(`query($g: ID!) { openWishesNear(grid: $g) { totalCount } }`, { g: u.ids.community }, tokens.member);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const missing = await t.gql(`query($g: ID!) { openWishesNear(grid: $g) { totalCount } }`, { g: toGlobalId('Grid', 99_999_999) }, tokens.member);
    expect(missing.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

test('a page of wishes with their places, claimants and timelines costs the same few statements however many it holds', async () => {
  let newest = '';
  for (let i = 0; i < 10; i += 1) newest = (await api.submit(tokens.resident, { category: 'OTHER', title: `心愿${i}`, detail: '批量' })).wish.id;
  await api.step('wishPublish', { id: newest }, tokens.secretary);
  await api.step('wishClaim', { id: newest }, tokens.member);
  const query = `query($first: Int) { wishes(first: $first) { nodes { id place claimantName grid { code } community { name } household { room }
    timeline(first: 5) { totalCount nodes { action actor { role } } } } } }`;
  const cost = async (first: number) => {
    const before = t.database.statements.count;
    const r = await t.gql(query, { first }, tokens.secretary);
    expect(r.errors).toBeUndefined();
    expect(r.data.wishes.nodes).toHaveLength(first);
    return t.database.statements.count - before;
  };
  const few = await cost(2);
  expect(few).toBeLessThanOrEqual(7);
  expect(await cost(12)).toBe(few);
});
