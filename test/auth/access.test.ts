import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSchema } from 'graphql';
import { assertAccessTableCovers, ROOT_FIELDS } from '../../src/auth/access';
import { personalDataReads } from '../../src/modules/audit/audit.tables';
import { households, residents } from '../../src/modules/grid/grid.tables';
import { getSchema } from '../../src/schema';
import { demoUnits, type DemoUnits } from '../helpers/fixtures';
import { DEEP_QUERY_LIMITS, Role, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
let u: DemoUnits;
let admin: string;
let worker: string;
let resident: string;

beforeAll(async () => {
  t = await startTestServer(DEEP_QUERY_LIMITS);
  u = await demoUnits(t.database.db);
  admin = await t.token(Role.CITY_ADMIN);
  worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'worker-1');
  resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id });
});
afterAll(async () => t?.close());

test('every root field of the schema has a row in the access table, and every row a field', async () => {
  const schema = await getSchema();
  expect(() => assertAccessTableCovers(schema)).not.toThrow();
});

test('the schema check names a root field in no row and a row naming no field', () => {
  /** A tiny schema whose root fields are exactly these coordinates. */
  const schemaOf = (coordinates: string[]) => buildSchema(['Query', 'Mutation', 'Subscription'].map((type) => {
    const fields = coordinates.filter((c) => c.startsWith(`${type}.`)).map((c) => `${c.slice(type.length + 1)}: Int`);
    return fields.length > 0 ? `type ${type} { ${fields.join(' ')} }` : '';
  }).join('\n'));
  const rows = Object.keys(ROOT_FIELDS);
  expect(() => assertAccessTableCovers(schemaOf(rows))).not.toThrow();
  expect(() => assertAccessTableCovers(schemaOf([...rows, 'Query.secretDump']))).toThrow(
    'The access table does not match the schema: root fields in no row of ROOT_FIELDS (src/auth/access.ts): Query.secretDump.',
  );
  expect(() => assertAccessTableCovers(schemaOf(rows.filter((row) => row !== 'Query.node')))).toThrow(
    'The access table does not match the schema: rows of ROOT_FIELDS naming no field of the schema: Query.node.',
  );
});

describe('without a token', () => {
  test('public data is served: units, grid boundaries, staff contact cards, gridAt', async () => {
    const r = await t.gql(`{ streets(first: 1) { nodes { name communities(first: 1) { nodes { grids(first: 2) { nodes { code boundary staff { role staffMember { name phone } } } } } } } }
      staffAssignments(first: 3) { totalCount nodes { role staffMember { phone } } } viewer { role subject } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.staffAssignments.totalCount).toBeGreaterThan(0);
    expect(r.data.staffAssignments.nodes[0].staffMember.phone).toMatch(/^1\d{10}$/);
    expect(r.data.viewer).toEqual({ role: null, subject: null });
  });

  test.each([
    ['a protected list', '{ households { totalCount } }'],
    ['a protected nested list', '{ grids(first: 1) { nodes { buildings { totalCount } } } }'],
    ['statistics', '{ streets(first: 1) { nodes { stats { residents } } } }'],
    ['a mutation', 'mutation { streetUpdate(id: "x", input: { name: "y" }) { street { id } } }'],
    ['a protected type through a fragment', '{ node(id: "SG91c2Vob2xkOjE=") { ...H } } fragment H on Household { room }'],
  ])('%s answers UNAUTHENTICATED before anything runs', async (_name, query) => {
    const before = t.database.statements.count;
    const r = await t.gql(query);
    expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.data ?? null).toBeNull();
    // The one statement of a refused mutation is its audit row.
    expect(t.database.statements.count).toBe(before + (query.startsWith('mutation') ? 1 : 0));
  });

  test('node() of a protected object is null for an anonymous caller', async () => {
    const r = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: u.ids.household });
    expect(r.data.node).toBeNull();
  });
});

describe('tokens', () => {
  test('a bad token is refused with 401, never treated as anonymous', async () => {
    for (const header of ['Bearer nonsense', 'Basic abc']) {
      const response = await fetch(t.server.url, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: header }, body: JSON.stringify({ query: '{ viewer { role } }' }),
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  test('a token whose unit does not fit its role is refused', async () => {
    const wrong = await t.token(Role.GRID_WORKER, { type: 'Street', key: u.street.id });
    const r = await t.gql('{ viewer { role } }', {}, wrong);
    expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('Grid') });
  });

  test('viewer tells a front end who it is', async () => {
    const r = await t.gql('{ viewer { role subject unitId } }', {}, worker);
    expect(r.data.viewer).toEqual({ role: 'GRID_WORKER', subject: 'worker-1', unitId: u.ids.level2 });
  });
});

describe('row scope', () => {
  test('a grid worker sees only the households of their grid, on every path', async () => {
    const [{ n: own }] = await t.database.db.select({ n: count() }).from(households)
      .where(sql`${households.gridId} in (select id from grids where code = ${u.level2.code} or code like ${u.level2.code} || '-%')`);
    const r = await t.gql(`query($other: ID!, $own: ID!, $street: ID!) {
      households { totalCount }
      inStreet: households(filter: { within: $street }) { totalCount }
      other: node(id: $other) { id }
      own: node(id: $own) { id }
      many: nodes(ids: [$other, $own]) { id }
      residents { totalCount }
    }`, { other: u.ids.otherHousehold, own: u.ids.household, street: u.ids.street }, worker);
    expect(r.errors).toBeUndefined();
    expect(r.data.households.totalCount).toBe(own);
    expect(r.data.inStreet.totalCount).toBe(own);
    expect(r.data.other).toBeNull();
    expect(r.data.own).toEqual({ id: u.ids.household });
    expect(r.data.many).toEqual([null, { id: u.ids.household }]);

    const nested = await t.gql(`{ streets { nodes { communities(first: 100) { nodes { grids(first: 100) { nodes { buildings(first: 100) { nodes { households(first: 100) { nodes { id } } } } } } } } } } }`, {}, worker);
    const ids = JSON.stringify(nested.data).match(/"id":"[^"]+"/g) ?? [];
    expect(ids.length).toBe(own);
  });

  test('statistics outside the viewer\'s area are FORBIDDEN, inside them served', async () => {
    const r = await t.gql(`query($own: ID!, $other: ID!, $street: ID!) {
      own: node(id: $own) { ... on Grid { stats { households } } }
      other: node(id: $other) { ... on Grid { stats { households } } }
      street: node(id: $street) { ... on Street { stats { households } } }
    }`, { own: u.ids.micro, other: u.ids.otherLevel2, street: u.ids.street }, worker);
    expect(r.data.own.stats.households).toBeGreaterThan(0);
    expect(r.data.other).toBeNull();
    expect(r.data.street).toBeNull();
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  test('a resident sees their own household and its members, nothing else, and no statistics', async () => {
    const r = await t.gql(`{ households { totalCount nodes { id residents { totalCount } } } residents { totalCount } }`, {}, resident);
    const [{ n: members }] = await t.database.db.select({ n: count() }).from(residents).where(eq(residents.householdId, u.household.id));
    expect(r.data.households).toEqual({ totalCount: 1, nodes: [{ id: u.ids.household, residents: { totalCount: members } }] });
    expect(r.data.residents.totalCount).toBe(members);
    const stats = await t.gql(`query($g: ID!) { node(id: $g) { ... on Grid { stats { households } } } }`, { g: u.ids.micro }, resident);
    expect(stats.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('personal data', () => {
  test('ID numbers and phones are masked for every role, the city administrator included', async () => {
    for (const token of [admin, worker, resident]) {
      const r = await t.gql(`query($id: ID!) { node(id: $id) { ... on Resident { idCardNumber phone } } }`, { id: u.ids.resident }, token);
      expect(r.data.node.idCardNumber).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
      if (r.data.node.phone !== null) expect(r.data.node.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    }
  });

  test('personalData reveals whole values to a grid worker and logs each read with its reason', async () => {
    const before = await t.database.db.select({ n: count() }).from(personalDataReads);
    const r = await t.gql(`query($a: ID!, $b: ID!) {
      a: node(id: $a) { ... on Resident { personalData(reason: "入户走访核对身份") { idCardNumber phone } } }
      b: node(id: $b) { ... on Resident { personalData(reason: "入户走访核对身份") { idCardNumber } } }
    }`, { a: u.ids.resident, b: u.ids.outsider }, worker);
    expect(r.errors).toBeUndefined();
    expect(r.data.a.personalData.idCardNumber).toBe(u.resident.idCardNumber);
    expect(r.data.b).toBeNull();
    const logged = await t.database.db.select().from(personalDataReads).where(eq(personalDataReads.viewerSubject, 'worker-1'));
    expect(logged).toEqual([expect.objectContaining({ subjectType: 'Resident', subjectKey: u.resident.id, viewerRole: 'GRID_WORKER', reason: '入户走访核对身份' })]);
    expect((await t.database.db.select({ n: count() }).from(personalDataReads))[0].n).toBe(before[0].n + 1);
  });

  test('personalData is refused to roles that do not need it, and without a reason', async () => {
    const r = await t.gql(`query($a: ID!) { node(id: $a) { ... on Resident { personalData(reason: "查看") { idCardNumber } } } }`, { a: u.ids.resident }, admin);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const blank = await t.gql(`query($a: ID!) { node(id: $a) { ... on Resident { personalData(reason: " ") { idCardNumber } } } }`, { a: u.ids.resident }, worker);
    expect(blank.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('WebSocket', () => {
  test('serves queries with the same token and the same access check as HTTP', async () => {
    const client = t.wsClient(worker);
    const result = await new Promise<any>((resolve, reject) => {
      let value: unknown;
      client.subscribe({ query: '{ viewer { role } households { totalCount } }' }, { next: (v) => { value = v; }, error: reject, complete: () => resolve(value) });
    });
    expect(result.data.viewer.role).toBe('GRID_WORKER');
    expect(result.data.households.totalCount).toBeGreaterThan(0);

    const anonymous = t.wsClient();
    const refused = await new Promise<any>((resolve) => {
      anonymous.subscribe({ query: '{ households { totalCount } }' }, { next: () => {}, error: resolve, complete: () => resolve(null) });
    });
    expect(refused[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  test('a bad token in connection_init closes the socket with 4403', async () => {
    const client = t.wsClient('not-a-token');
    const closed = await new Promise<{ code: number }>((resolve) => {
      client.on('closed', (event) => resolve(event as { code: number }));
      client.subscribe({ query: '{ viewer { role } }' }, { next: () => {}, error: () => {}, complete: () => {} });
    });
    expect(closed.code).toBe(4403);
  });
});
