import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rowsOf } from '../../../src/db/client';
import { households, residents } from '../../../src/modules/grid/grid.tables';
import { toGlobalId } from '../../../src/graphql/ids';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { DEEP_QUERY_LIMITS, Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;
let admin: string;

beforeAll(async () => {
  t = await startTestServer(DEEP_QUERY_LIMITS);
  u = await demoUnits(t.database.db);
  admin = await t.token(Role.CITY_ADMIN);
});
afterAll(async () => t?.close());

describe('nodes and IDs', () => {
  test('node and nodes resolve any type by global ID, in order, null where missing', async () => {
    const r = await t.gql(
      `query($id: ID!, $ids: [ID!]!) {
        node(id: $id) { id __typename ... on Grid { code level } }
        nodes(ids: $ids) { id __typename }
      }`,
      { id: u.ids.level2, ids: [u.ids.street, u.ids.household, 'R3JpZDo5OTk5OTk=', 'garbage'] },
      admin,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.node).toEqual({ id: u.ids.level2, __typename: 'Grid', code: u.level2.code, level: 'LEVEL_2' });
    expect(r.data.nodes).toEqual([
      { id: u.ids.street, __typename: 'Street' },
      { id: u.ids.household, __typename: 'Household' },
      null,
      null,
    ]);
  });

  test('a malformed ID is NOT_FOUND, never a crash', async () => {
    const r = await t.gql(`{ node(id: "not-an-id") { id } }`);
    expect(r.data.node).toBeNull();
    expect(r.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('connections', () => {
  test('pages forward and backward with cursors and counts the whole list', async () => {
    const all = await t.gql(`{ grids(first: 100, filter: { within: "${u.ids.community}" }) { totalCount nodes { code } } }`);
    const codes: string[] = all.data.grids.nodes.map((g: { code: string }) => g.code);
    expect(all.data.grids.totalCount).toBe(codes.length);
    expect(codes).toEqual([...codes].sort());

    const first = await t.gql(`{ grids(first: 5, filter: { within: "${u.ids.community}" }) { nodes { code } pageInfo { hasNextPage hasPreviousPage endCursor } } }`);
    expect(first.data.grids.nodes.map((g: { code: string }) => g.code)).toEqual(codes.slice(0, 5));
    expect(first.data.grids.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await t.gql(
      `query($after: String) { grids(first: 5, after: $after, filter: { within: "${u.ids.community}" }) { nodes { code } pageInfo { hasPreviousPage startCursor } } }`,
      { after: first.data.grids.pageInfo.endCursor },
    );
    expect(second.data.grids.nodes.map((g: { code: string }) => g.code)).toEqual(codes.slice(5, 10));
    expect(second.data.grids.pageInfo.hasPreviousPage).toBe(true);
    const back = await t.gql(
      `query($before: String) { grids(last: 3, before: $before, filter: { within: "${u.ids.community}" }) { nodes { code } pageInfo { hasPreviousPage hasNextPage } } }`,
      { before: second.data.grids.pageInfo.startCursor },
    );
    expect(back.data.grids.nodes.map((g: { code: string }) => g.code)).toEqual(codes.slice(2, 5));
    expect(back.data.grids.pageInfo).toEqual({ hasPreviousPage: true, hasNextPage: true });
  });

  test('orders by name descending with stable keyset paging', async () => {
    const q = `query($after: String) { streets(first: 2, after: $after, orderBy: { field: NAME, direction: DESC }) { nodes { name } pageInfo { endCursor hasNextPage } } }`;
    const all = await t.gql(`{ streets(first: 100, orderBy: { field: NAME, direction: DESC }) { nodes { name } } }`);
    const names = all.data.streets.nodes.map((s: { name: string }) => s.name);
    const one = await t.gql(q);
    const two = await t.gql(q, { after: one.data.streets.pageInfo.endCursor });
    expect([...one.data.streets.nodes, ...two.data.streets.nodes].map((s: { name: string }) => s.name)).toEqual(names.slice(0, 4));
  });

  test('first above 100 and a foreign cursor are clear request errors', async () => {
    const tooMany = await t.gql(`{ grids(first: 101) { totalCount } }`);
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('at most 100') });
    const badCursor = await t.gql(`{ grids(first: 1, after: "zzz") { totalCount } }`);
    expect(badCursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const both = await t.gql(`{ grids(first: 1, last: 1) { totalCount } }`);
    expect(both.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('subtree filters: every household of a street, of a grid with its sub-grids, of a building', async () => {
    const db = t.database.db;
    const [{ n: inStreet }] = await db.select({ n: count() }).from(households).where(eq(households.streetId, u.street.id));
    const [{ n: inGrid }] = await db.select({ n: count() }).from(households)
      .where(sql`${households.gridId} in (select id from grids where code = ${u.level2.code} or code like ${u.level2.code} || '-%')`);
    const [{ n: inBuilding }] = await db.select({ n: count() }).from(households).where(eq(households.buildingId, u.building.id));
    const q = `query($within: ID!) { households(filter: { within: $within }) { totalCount } }`;
    expect((await t.gql(q, { within: u.ids.street }, admin)).data.households.totalCount).toBe(inStreet);
    expect((await t.gql(q, { within: u.ids.level2 }, admin)).data.households.totalCount).toBe(inGrid);
    expect((await t.gql(q, { within: u.ids.building }, admin)).data.households.totalCount).toBe(inBuilding);
    expect(inGrid).toBeGreaterThan(inBuilding);
    const wrongKind = await t.gql(`{ streets(filter: { within: "${u.ids.household}" }) { totalCount } }`);
    expect(wrongKind.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('resident filters: tags (all and any), registration, birth dates', async () => {
    const db = t.database.db;
    const [{ n: elderly }] = await db.select({ n: count() }).from(residents).where(sql`'ELDERLY_LIVING_ALONE' = any(${residents.tags})`);
    const [{ n: floatingParty }] = await db.select({ n: count() }).from(residents)
      .where(sql`'PARTY_MEMBER' = any(${residents.tags}) and ${residents.registration} = 'FLOATING'`);
    const [{ n: care }] = await db.select({ n: count() }).from(residents).where(sql`${residents.tags} && array['DISABLED','LEFT_BEHIND_CHILD']::resident_tag[]`);
    const r = await t.gql(`{
      elderly: residents(filter: { tags: [ELDERLY_LIVING_ALONE] }) { totalCount nodes { tags birthDate } }
      floatingParty: residents(filter: { tags: [PARTY_MEMBER], registration: FLOATING }) { totalCount }
      care: residents(filter: { anyTags: [DISABLED, LEFT_BEHIND_CHILD] }) { totalCount }
      old: residents(filter: { bornTo: "1950-12-31" }, first: 100) { nodes { birthDate } }
    }`, {}, admin);
    expect(r.errors).toBeUndefined();
    expect(elderly).toBeGreaterThan(0);
    expect(r.data.elderly.totalCount).toBe(elderly);
    expect(r.data.floatingParty.totalCount).toBe(floatingParty);
    expect(r.data.care.totalCount).toBe(care);
    expect(r.data.old.nodes.every((n: { birthDate: string }) => n.birthDate <= '1950-12-31')).toBe(true);
  });
});

describe('geography', () => {
  test('gridAt returns the deepest grid containing the point, and null outside the city', async () => {
    const ring = u.micro.boundary;
    const lon = (Math.min(...ring.map((p) => p[0])) + Math.max(...ring.map((p) => p[0]))) / 2;
    const lat = (Math.min(...ring.map((p) => p[1])) + Math.max(...ring.map((p) => p[1]))) / 2;
    const r = await t.gql(`query($lon: Float!, $lat: Float!) { gridAt(longitude: $lon, latitude: $lat) { code level parent { code } } outside: gridAt(longitude: 100, latitude: 20) { code } }`, { lon, lat });
    expect(r.errors).toBeUndefined();
    expect(r.data.gridAt).toEqual({ code: u.micro.code, level: 'MICRO', parent: { code: u.level2.code } });
    expect(r.data.outside).toBeNull();
    const bad = await t.gql(`{ gridAt(longitude: 200, latitude: 20) { code } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('gridByCode finds a grid by its unified code, boundary as GeoJSON', async () => {
    const r = await t.gql(`query($code: String!) { gridByCode(code: $code) { id boundary community { code } } }`, { code: u.micro.code });
    expect(r.data.gridByCode.id).toBe(u.ids.micro);
    expect(r.data.gridByCode.boundary.type).toBe('Polygon');
    expect(r.data.gridByCode.boundary.coordinates[0][0]).toEqual(r.data.gridByCode.boundary.coordinates[0].at(-1));
    expect(u.micro.code.startsWith(r.data.gridByCode.community.code)).toBe(true);
  });
});

describe('stats', () => {
  const FIGURES = 'households residents registeredResidents floatingResidents staff tagCounts { tag count }';

  interface Figures {
    households: number;
    residents: number;
    registeredResidents: number;
    floatingResidents: number;
    staff: number;
    tagCounts: { tag: string; count: number }[];
  }

  /**
   * Each unit's figures counted here, straight from the tables: a street or community holds the
   * rows that carry its ID; a grid holds those of its own and of every grid below it (parent
   * links followed down); staff are people with an assignment that has not ended.
   */
  async function countedFigures(table: 'streets' | 'communities' | 'grids', column: 'street_id' | 'community_id' | 'grid_id'): Promise<Map<string, Figures>> {
    const member = table === 'grids'
      ? sql.raw(`${column} in (select grid from tree where tree.unit = u.id)`)
      : sql.raw(`${column} = u.id`);
    const rows = await rowsOf<{ id: number; households: number; residents: number; registered: number; floating: number; staff: number; tags: Record<string, number> }>(t.database.db, sql`
      with recursive tree(unit, grid) as (
        select id, id from grids
        union all
        select tree.unit, g.id from tree join grids g on g.parent_grid_id = tree.grid
      )
      select u.id,
        (select count(*)::int from households where ${member}) as households,
        (select count(*)::int from residents where ${member}) as residents,
        (select count(*)::int from residents where ${member} and registration = 'REGISTERED') as registered,
        (select count(*)::int from residents where ${member} and registration = 'FLOATING') as floating,
        (select count(distinct staff_member_id)::int from staff_assignments where ${member} and ended_on is null) as staff,
        (select json_object_agg(tag, (select count(*)::int from residents where ${member} and tag = any(tags)))
           from unnest(enum_range(null::resident_tag)) as tag) as tags
      from ${sql.raw(table)} u`);
    const type = { streets: 'Street', communities: 'Community', grids: 'Grid' }[table];
    return new Map(rows.map((row) => [toGlobalId(type, row.id), {
      households: row.households,
      residents: row.residents,
      registeredResidents: row.registered,
      floatingResidents: row.floating,
      staff: row.staff,
      tagCounts: Object.entries(row.tags).map(([tag, n]) => ({ tag, count: n })),
    }]));
  }

  /** `Street:… floatingResidents` → figure, so that a wrong figure is named on its own. */
  function figureByFigure(units: Map<string, Figures>, ids: string[]): Record<string, number> {
    const flat: Record<string, number> = {};
    for (const id of ids) {
      const { tagCounts, ...plain } = units.get(id)!;
      for (const [figure, value] of Object.entries(plain)) flat[`${id} ${figure}`] = value as number;
      for (const { tag, count: n } of tagCounts) flat[`${id} tag ${tag}`] = n;
    }
    return flat;
  }

  test('every figure of every street, community and grid equals its own count over the tables', async () => {
    const r = await t.gql(`{
      streets(first: 100) { totalCount nodes { id stats { ${FIGURES} } } }
      communities(first: 100) { totalCount nodes { id stats { ${FIGURES} } } }
      grids(first: 100) { nodes { id stats { ${FIGURES} } } }
    }`, {}, admin);
    expect(r.errors).toBeUndefined();
    const levels = [
      { page: r.data.streets, counted: await countedFigures('streets', 'street_id') },
      { page: r.data.communities, counted: await countedFigures('communities', 'community_id') },
      { page: r.data.grids, counted: await countedFigures('grids', 'grid_id') },
    ];
    for (const { page, counted } of levels) {
      const nodes = page.nodes as { id: string; stats: Figures }[];
      const ids = nodes.map((node) => node.id);
      expect(figureByFigure(new Map(nodes.map((node) => [node.id, node.stats])), ids)).toEqual(figureByFigure(counted, ids));
    }
    expect(r.data.streets.nodes).toHaveLength(r.data.streets.totalCount);
    expect(r.data.communities.nodes).toHaveLength(r.data.communities.totalCount);
    // The demo city tells the figures apart, so that two swapped figures cannot pass: registered
    // and floating residents differ, and no two tags have the same counts in every community.
    const street = levels[0].counted.get(u.ids.street)!;
    expect(street.registeredResidents).not.toBe(street.floatingResidents);
    const communityFigures = [...levels[1].counted.values()];
    const countsOfTag = street.tagCounts.map(({ tag }) => communityFigures.map((f) => f.tagCounts.find((c) => c.tag === tag)!.count).join());
    expect(new Set(countsOfTag).size).toBe(street.tagCounts.length);
    expect(r.data.grids.nodes.some((grid: { stats: Figures }) => grid.stats.residents > 0)).toBe(true);
  });
});

describe('loaders', () => {
  const nested = (sizes: number[]) => `{
    streets(first: ${sizes[0]}) { nodes { name
      communities(first: ${sizes[1]}) { nodes { name
        grids(first: ${sizes[2]}) { nodes { code
          buildings(first: ${sizes[3]}) { nodes { name
            households(first: ${sizes[4]}) { nodes { room
              residents(first: ${sizes[5]}) { nodes { name } }
            } }
          } }
        } }
      } }
    } }
  }`;

  test.each([
    [[1, 1, 3, 1, 1, 1]],
    [[3, 4, 13, 3, 10, 5]],
    [[10, 10, 20, 5, 40, 8]],
  ])('streets → communities → grids → buildings → households → residents costs one statement per level (pages %j)', async (sizes) => {
    const before = t.database.statements.count;
    const r = await t.gql(nested(sizes), {}, admin);
    const statements = t.database.statements.count - before;
    expect(r.errors).toBeUndefined();
    const residentsSeen = JSON.stringify(r.data).match(/"residents"/g)?.length ?? 0;
    expect(residentsSeen).toBeGreaterThan(0);
    expect(statements).toBe(6);
  });

  test('nested pages respect their own first and report per-parent totals', async () => {
    const r = await t.gql(`{ streets(first: 3) { nodes { communities(first: 2) { totalCount nodes { id } pageInfo { hasNextPage } } } } }`);
    for (const street of r.data.streets.nodes) {
      expect(street.communities.nodes.length).toBeLessThanOrEqual(2);
      expect(street.communities.pageInfo.hasNextPage).toBe(street.communities.totalCount > 2);
    }
  });
});
