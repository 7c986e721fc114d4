import { and, asc, eq, isNotNull, ne, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gridSubtree } from '../../src/auth/scope';
import { eventCursor } from '../../src/events/stream';
import { latestEventId } from '../../src/events/outbox';
import { toGlobalId } from '../../src/graphql/ids';
import { buildings, communities, grids, households, residents } from '../../src/modules/grid/grid.tables';
import { incidents } from '../../src/modules/incident/incident.tables';
import { partyMembers } from '../../src/modules/party/party.tables';
import { householdVisits, visitFindings } from '../../src/modules/visit/visit.tables';
import { activitySignups, volunteers } from '../../src/modules/volunteer/volunteer.tables';
import { wishes } from '../../src/modules/wish/wish.tables';
import { demoUnits, type DemoUnits } from '../helpers/fixtures';
import { EVENT_QUERY, incidentClient } from '../helpers/incidents';
import { DEEP_QUERY_LIMITS, Role, startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server';
import { Subscriber } from '../helpers/subscriptions';
import { WISH_EVENTS, wishClient } from '../helpers/wishes';

/**
 * Row scope (数据范围) on every path: what a viewer may not read of another unit stays out of
 * `node`, `nodes`, nested fields, lists (with and without `within`), statistics and
 * subscriptions. Each check has a control on the viewer's own unit, so an empty answer
 * means "out of scope", not "nothing there".
 */

let t: TestServer;
let u: DemoUnits;
const tokens: Record<string, string> = {};

/** One object of each type that lives in a grid, by global ID. */
type Samples = Record<'Building' | 'Household' | 'Resident' | 'Incident' | 'HouseholdVisit' | 'VisitFinding' | 'Wish' | 'PartyMember' | 'Volunteer' | 'ActivitySignup', string>;
let inA: Samples;
let inB: Samples;

async function first(type: keyof Samples, table: PgTable & { id: PgColumn }, condition: SQL | undefined): Promise<[keyof Samples, string]> {
  const [row] = await t.database.db.select({ id: table.id }).from(table).where(condition).orderBy(asc(table.id)).limit(1);
  if (!row) throw new Error(`The demo city has no ${type} where this test needs one.`);
  return [type, toGlobalId(type, row.id as number)];
}

/**
 * The first object of each type under grid `key`; a party member who does not show the identity
 * (亮身份), so only scope shows them. Visit findings only where this file logged one.
 */
async function samplesIn(key: number, options: { withFinding?: boolean } = {}): Promise<Partial<Samples>> {
  const under = (column: PgColumn) => sql`${column} in ${gridSubtree(key)}`;
  const residentsUnder = sql`(select ${residents.id} from ${residents} where ${under(residents.gridId)})`;
  const volunteersUnder = sql`(select ${volunteers.id} from ${volunteers} where ${volunteers.residentId} in ${residentsUnder})`;
  return Object.fromEntries(await Promise.all([
    first('Building', buildings, under(buildings.gridId)),
    first('Household', households, under(households.gridId)),
    first('Resident', residents, under(residents.gridId)),
    first('Incident', incidents, under(incidents.gridId)),
    first('HouseholdVisit', householdVisits, under(householdVisits.gridId)),
    ...(options.withFinding === false ? [] : [
      first('VisitFinding', visitFindings, sql`${visitFindings.visitId} in (select ${householdVisits.id} from ${householdVisits} where ${under(householdVisits.gridId)})`),
    ]),
    first('Wish', wishes, under(wishes.gridId)),
    first('PartyMember', partyMembers, and(under(partyMembers.gridId), eq(partyMembers.showsIdentity, false))),
    first('Volunteer', volunteers, sql`${volunteers.id} in ${volunteersUnder}`),
    first('ActivitySignup', activitySignups, sql`${activitySignups.volunteerId} in ${volunteersUnder}`),
  ]));
}

beforeAll(async () => {
  t = await startTestServer(DEEP_QUERY_LIMITS);
  u = await demoUnits(t.database.db);
  tokens.worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'scope-worker-a');
  tokens.otherWorker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.otherLevel2.id }, 'scope-worker-b');
  // The seed's visits rarely find anything: each worker logs one finding on a household of their grid.
  for (const [gridId, token] of [[u.level2.id, tokens.worker], [u.otherLevel2.id, tokens.otherWorker]] as const) {
    const [household] = await t.database.db.select({ id: households.id }).from(households)
      .where(sql`${households.gridId} in ${gridSubtree(gridId)}`).orderBy(asc(households.id)).limit(1);
    await ok(`mutation($input: VisitLogInput!) { visitLog(input: $input) { userErrors { message } } }`, {
      input: { householdId: toGlobalId('Household', household.id), kind: 'ROUTINE', visitedAt: new Date().toISOString(), findings: [{ category: 'ENVIRONMENT', description: '楼道灯不亮' }] },
    }, token);
  }
  inA = await samplesIn(u.level2.id) as Samples;
  inB = await samplesIn(u.otherLevel2.id) as Samples;
});
afterAll(async () => t?.close());

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const r: GraphQLResponse<T> = await t.gql<T>(query, variables, token);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!;
}

/** `node` for each ID under an alias, and `nodes` for all of them, in one operation. */
async function fetchByIds(ids: string[], token: string) {
  const aliases = ids.map((_, i) => `n${i}: node(id: $i${i}) { id }`).join(' ');
  const declarations = ids.map((_, i) => `$i${i}: ID!`).join(', ');
  const data = await ok(`query(${declarations}, $all: [ID!]!) { ${aliases} all: nodes(ids: $all) { id } }`,
    { ...Object.fromEntries(ids.map((id, i) => [`i${i}`, id])), all: ids }, token);
  return { node: ids.map((_, i) => data[`n${i}`]?.id ?? null), nodes: (data.all as ({ id: string } | null)[]).map((n) => n?.id ?? null) };
}

describe('a grid-A worker gets nothing of grid B', () => {
  test('through node and nodes, for every type that lives in a grid', async () => {
    const own = Object.values(inA);
    expect(await fetchByIds(own, tokens.worker)).toEqual({ node: own, nodes: own });
    const other = Object.values(inB);
    const nothing = other.map(() => null);
    expect(await fetchByIds(other, tokens.worker)).toEqual({ node: nothing, nodes: nothing });
    expect(await fetchByIds(other, tokens.otherWorker)).toEqual({ node: other, nodes: other });
  });

  test('through nested fields under grid B and under public objects of grid B', async () => {
    const nested = `query($grid: ID!) {
      node(id: $grid) { ... on Grid {
        buildings(first: 100) { totalCount nodes { households(first: 100) { totalCount nodes { residents { totalCount } visits { totalCount } } } } }
        children(first: 100) { nodes { buildings(first: 100) { totalCount } } }
      } }
      partyMembers(first: 100, filter: { within: $grid }) { nodes { id resident { id } volunteer { id } } }
    }`;
    const other = await ok(nested, { grid: u.ids.otherLevel2 }, tokens.worker);
    expect(other.node.buildings).toEqual({ totalCount: 0, nodes: [] });
    expect(other.node.children.nodes.map((g: any) => g.buildings.totalCount).filter((n: number) => n > 0)).toEqual([]);
    // Party members who show the identity are public; what hangs off them in grid B is not.
    expect(other.partyMembers.nodes.map((m: any) => m.id)).not.toContain(inB.PartyMember);
    expect(other.partyMembers.nodes.filter((m: any) => m.resident !== null || m.volunteer !== null)).toEqual([]);

    const own = await ok(nested, { grid: u.ids.level2 }, tokens.worker);
    const ownBuildings = own.node.buildings.totalCount + own.node.children.nodes.reduce((sum: number, g: any) => sum + g.buildings.totalCount, 0);
    expect(ownBuildings).toBeGreaterThan(0);
  });

  test('through every list, with and without `within`', async () => {
    const lists = ['households', 'residents', 'buildings', 'incidents', 'visits', 'wishes', 'volunteers'];
    const query = `query($within: ID) { ${lists.map((l) => `${l}(first: 100, filter: { within: $within }) { totalCount nodes { id } }`).join(' ')} }`;
    const all = await ok(query, { within: null }, tokens.worker);
    const ownGrid = await ok(query, { within: u.ids.level2 }, tokens.worker);
    const community = await ok(query, { within: u.ids.community }, tokens.worker);
    const otherGrid = await ok(query, { within: u.ids.otherLevel2 }, tokens.worker);
    const seenOfB = Object.values(inB);
    for (const list of lists) {
      expect(all[list].totalCount, list).toBeGreaterThan(0);
      expect(ownGrid[list].totalCount, list).toBe(all[list].totalCount);
      expect(community[list].totalCount, list).toBe(all[list].totalCount);
      expect(otherGrid[list], list).toEqual({ totalCount: 0, nodes: [] });
      expect(all[list].nodes.map((n: { id: string }) => n.id).filter((id: string) => seenOfB.includes(id)), list).toEqual([]);
    }
    const members = await ok(`query($b: ID!) { partyMembers(first: 100, filter: { within: $b }) { nodes { id showsIdentity } } }`, { b: u.ids.otherLevel2 }, tokens.worker);
    expect(members.partyMembers.nodes.filter((m: any) => !m.showsIdentity)).toEqual([]);
  });

  test('through statistics, duties and appraisals', async () => {
    const period = { from: '2000-01-01T00:00:00+08:00', to: '2100-01-01T00:00:00+08:00' };
    const query = `query($grid: ID!, $from: DateTime!, $to: DateTime!) { incidentStats(from: $from, to: $to, within: $grid) { total } }`;
    const own = await t.gql(query, { grid: u.ids.level2, ...period }, tokens.worker);
    expect(own.data.incidentStats.total).toBeGreaterThan(0);
    const other = await t.gql(query, { grid: u.ids.otherLevel2, ...period }, tokens.worker);
    expect(other.data?.incidentStats?.total ?? 0).toBe(0);

    for (const [field, args] of [['visitDuties', 'month: "2024-01"'], ['workerAppraisals', 'period: { year: 2024 }']] as const) {
      const selection = field === 'visitDuties' ? '{ workers { grid { id } } households { totalCount } }' : '{ grids { id } }';
      const r = await t.gql(`query($grid: ID!) { ${field}(unit: $grid, ${args}) ${selection} }`, { grid: u.ids.otherLevel2 }, tokens.worker);
      const answer = r.data?.[field];
      const leaked = answer && (Array.isArray(answer) ? answer.length > 0 : answer.workers.length > 0 || answer.households.totalCount > 0);
      expect(leaked, `${field} of grid B: ${JSON.stringify(r)}`).toBeFalsy();
    }
    const stats = await t.gql(`query($grid: ID!) { node(id: $grid) { ... on Grid { stats { households } } } }`, { grid: u.ids.otherLevel2 }, tokens.worker);
    expect(stats.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('through incidentEvents and wishEvents: an event of grid B is skipped, the next one of grid A delivered', async () => {
    const incidentsApi = incidentClient(t);
    const [microB] = await t.database.db.select({ id: sql<number>`id` }).from(sql`grids`).where(sql`parent_grid_id = ${u.otherLevel2.id}`).limit(1);
    const report = async (token: string, gridId: string) => (await incidentsApi.report(token, {
      category: 'ENVIRONMENT', title: '楼道堆放杂物', description: '三单元楼道堆满纸箱', gridId,
    })).incident.id as string;
    const gridB = toGlobalId('Grid', microB?.id ?? u.otherLevel2.id);
    // Subscribers replay from here (a cursor must name an event): every event below comes after it.
    await report(tokens.otherWorker, gridB);
    const after = eventCursor(await latestEventId(t.database.db));
    const ofB = await report(tokens.otherWorker, gridB);
    const ofA = await report(tokens.worker, u.ids.micro);

    const wishApi = wishClient(t);
    const [householdB] = await t.database.db.select({ id: households.id }).from(households)
      .where(sql`${households.gridId} in ${gridSubtree(u.otherLevel2.id)}`).orderBy(asc(households.id)).limit(1);
    const submit = async (household: number) => (await wishApi.submit(
      await t.token(Role.RESIDENT, { type: 'Household', key: household }, `scope-resident-${household}`),
      { category: 'DAILY_NEEDS', title: '想要一副老花镜', detail: '看报纸吃力' },
    )).wish.id as string;
    const wishOfB = await submit(householdB.id);
    const wishOfA = await submit(u.household.id);

    // Replayed from the cursor taken before both writes, in order: B's would come first if it leaked.
    const incidentsSeen = new Subscriber(t.wsClient(tokens.worker), EVENT_QUERY, { after });
    const wishesSeen = new Subscriber(t.wsClient(tokens.worker), WISH_EVENTS, { after });
    const [firstIncident] = await incidentsSeen.waitFor(1);
    const [firstWish] = await wishesSeen.waitFor(1);
    expect(firstIncident.incidentEvents.incident.id).toBe(ofA);
    expect(firstWish.wishEvents.wish.id).toBe(wishOfA);
    expect([...incidentsSeen.events.map((e) => e.incidentEvents.incident.id), ...wishesSeen.events.map((e) => e.wishEvents.wish.id)])
      .not.toContain(ofB);
    expect(wishesSeen.events.map((e) => e.wishEvents.wish.id)).not.toContain(wishOfB);
    incidentsSeen.stop();
    wishesSeen.stop();
  });
});

describe('the same wall between other units', () => {
  test('a community secretary of community A gets nothing of community B', async () => {
    const [otherCommunity] = await t.database.db.select().from(communities).where(ne(communities.id, u.community.id)).orderBy(asc(communities.id)).limit(1);
    const [gridOfB] = await t.database.db.select({ id: grids.id }).from(grids)
      .where(and(eq(grids.communityId, otherCommunity.id), eq(grids.level, 'LEVEL_2'))).orderBy(asc(grids.id)).limit(1);
    const secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'scope-secretary-a');
    const theirs = await samplesIn(gridOfB.id, { withFinding: false });
    const other = Object.values(theirs);
    expect(await fetchByIds(other, secretary)).toEqual({ node: other.map(() => null), nodes: other.map(() => null) });
    const own = Object.values(await samplesIn(u.level2.id, { withFinding: false }));
    expect(await fetchByIds(own, secretary)).toEqual({ node: own, nodes: own });

    const communityB = toGlobalId('Community', otherCommunity.id);
    const lists = ['households', 'residents', 'buildings', 'incidents', 'visits', 'wishes', 'volunteers'];
    const query = `query($within: ID) { ${lists.map((l) => `${l}(first: 1, filter: { within: $within }) { totalCount }`).join(' ')} }`;
    const all = await ok(query, { within: null }, secretary);
    const ownCommunity = await ok(query, { within: u.ids.community }, secretary);
    const otherLists = await ok(query, { within: communityB }, secretary);
    for (const list of lists) {
      expect(all[list].totalCount, list).toBeGreaterThan(0);
      expect(ownCommunity[list].totalCount, list).toBe(all[list].totalCount);
      expect(otherLists[list].totalCount, list).toBe(0);
    }
    const stats = await t.gql(`query($c: ID!) { node(id: $c) { ... on Community { stats { households } } } }`, { c: communityB }, secretary);
    expect(stats.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('a resident gets nothing of another household, even in the same building', async () => {
    const [neighbour] = await t.database.db.select().from(households)
      .where(and(eq(households.buildingId, u.building.id), ne(households.id, u.household.id))).orderBy(asc(households.id)).limit(1);
    const resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'scope-resident-own');
    const neighbourToken = await t.token(Role.RESIDENT, { type: 'Household', key: neighbour.id }, 'scope-resident-neighbour');
    const [member] = await t.database.db.select({ id: residents.id }).from(residents).where(eq(residents.householdId, neighbour.id)).limit(1);
    const wish = await wishClient(t).submit(neighbourToken, { category: 'DAILY_NEEDS', title: '想要一台收音机', detail: '想听戏曲频道' });
    const visit = await ok(`mutation($input: VisitLogInput!) { visitLog(input: $input) { visit { id } userErrors { message } } }`, {
      input: { householdId: toGlobalId('Household', neighbour.id), kind: 'ROUTINE', visitedAt: new Date().toISOString() },
    }, tokens.worker);
    const theirs = [toGlobalId('Household', neighbour.id), toGlobalId('Resident', member.id), wish.wish.id, visit.visitLog.visit.id];
    expect(await fetchByIds(theirs, resident)).toEqual({ node: theirs.map(() => null), nodes: theirs.map(() => null) });
    expect(await fetchByIds(theirs, neighbourToken)).toEqual({ node: theirs, nodes: theirs });

    const lists = await ok(`{ households { nodes { id } } wishes(first: 100) { nodes { household { id } } } visits(first: 100) { nodes { household { id } } } }`, {}, resident);
    expect(lists.households.nodes).toEqual([{ id: u.ids.household }]);
    expect([...lists.wishes.nodes, ...lists.visits.nodes].filter((n: any) => n.household?.id !== u.ids.household)).toEqual([]);
  });

  test('a department handler gets nothing of the incidents of another department', async () => {
    const [own] = await t.database.db.select({ id: incidents.id, departmentId: incidents.departmentId }).from(incidents)
      .where(isNotNull(incidents.departmentId)).orderBy(asc(incidents.id)).limit(1);
    const department = own.departmentId!;
    const [theirs] = await t.database.db.select({ id: incidents.id, departmentId: incidents.departmentId }).from(incidents)
      .where(and(isNotNull(incidents.departmentId), ne(incidents.departmentId, department), sql`not (${department} = any(${incidents.cooperatingDepartmentIds}))`))
      .orderBy(asc(incidents.id)).limit(1);
    const handler = await t.token(Role.DEPARTMENT_HANDLER, { type: 'Department', key: department }, 'scope-handler');
    const ids = [toGlobalId('Incident', own.id), toGlobalId('Incident', theirs.id)];
    expect(await fetchByIds(ids, handler)).toEqual({ node: [ids[0], null], nodes: [ids[0], null] });

    const departmentId = toGlobalId('Department', department);
    const lists = await ok(`query($other: ID!) {
      incidents(first: 100) { totalCount nodes { department { id } cooperatingDepartments { id } } }
      other: incidents(first: 1, filter: { departmentId: $other }) { totalCount }
    }`, { other: toGlobalId('Department', theirs.departmentId!) }, handler);
    expect(lists.incidents.totalCount).toBeGreaterThan(0);
    expect(lists.incidents.nodes.filter((n: any) => n.department?.id !== departmentId && !n.cooperatingDepartments.some((d: any) => d.id === departmentId))).toEqual([]);
    expect(lists.other.totalCount).toBe(0);
  });
});
