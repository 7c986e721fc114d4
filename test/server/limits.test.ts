import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config';
import { countTokens, measureOperation } from '../../src/graphql/limits';
import { SCHEMA_FILE } from '../../src/schema-file';
import { Role, startTestServer, type TestServer } from '../helpers/server';
import { overSocket } from '../helpers/over-socket';

const defaults = loadConfig({} as NodeJS.ProcessEnv);

describe('measuring an operation', () => {
  const schema = buildSchema(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  const measure = (query: string, variables?: Record<string, unknown>) => measureOperation(schema, parse(query), undefined, variables)!;

  test('depth counts fields on the longest path, through fragments and inline fragments', () => {
    expect(measure('{ viewer { role } }').depth).toBe(2);
    expect(measure('{ streets { nodes { ...S } } } fragment S on Street { ... on Street { communities { nodes { name } } } }').depth).toBe(5);
  });

  test('a connection multiplies its fields by first or last, 20 when it gives neither; a plain list does not', () => {
    expect(measure('{ streets(first: 5) { nodes { name } } }').cost).toBe(1 + 5 * 2);
    expect(measure('{ streets(last: 7) { totalCount } }').cost).toBe(1 + 7);
    expect(measure('{ streets { nodes { name } } }').cost).toBe(1 + 20 * 2);
    expect(measure('query($n: Int) { streets(first: $n) { totalCount } }', { n: 3 }).cost).toBe(4);
    expect(measure('query($n: Int = 9) { streets(first: $n) { totalCount } }').cost).toBe(10);
    expect(measure('{ grids(first: 2) { nodes { staff { role } } } }').cost).toBe(1 + 2 * (1 + 2));
    expect(measure('{ volunteerLeaderboard(community: "c", from: "2025-01-01", to: "2025-01-31", first: 50) { rank } }').cost).toBe(1 + 50);
    expect(measure('{ volunteerLeaderboard(community: "c", from: "2025-01-01", to: "2025-01-31") { rank } }').cost).toBe(1 + 20);
  });

  test('the standard introspection query of explorers keeps the limits: `ofType` unwraps a type without depth', () => {
    const standard = measure(getIntrospectionQuery());
    expect(standard.depth).toBeLessThanOrEqual(defaults.queryMaxDepth);
    expect(standard.cost).toBeLessThanOrEqual(defaults.queryMaxCost);
    expect(measure('{ __type(name: "Street") { ofType { ofType { name } } } }').depth).toBe(2);
  });

  test('aliases and mutation root fields are counted, through fragments', () => {
    const m = measure('mutation { a: streetCreate(input: { name: "x", districtId: "y" }) { street { id } } ...M } fragment M on Mutation { b: streetCreate(input: { name: "z", districtId: "y" }) { street { id } } }');
    expect(m.aliases).toBe(2);
    expect(m.mutationFields).toBe(2);
    expect(measure('{ viewer { role } }').mutationFields).toBe(0);
  });

  test('fragments that spread each other are measured once each, however often the expansion repeats them', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : 'viewer { role }'} }`);
    const m = measure(`{ ...F0 } ${fragments.join(' ')}`);
    expect(m.cost).toBe(2 ** (levels - 1) * 2);
  });

  test('a substring search adds to the cost of its field: 100, or 500 for a text of one or two characters (no trigram to look up)', () => {
    const search = (text: string) => measure('query($f: ResidentFilter) { residents(first: 10, filter: $f) { totalCount } }', { f: { nameContains: text } });
    expect(measure('{ residents(first: 10) { totalCount } }').cost).toBe(1 + 10);
    expect(search('王国兰').cost).toBe(1 + 100 + 10);
    expect(search('王').cost).toBe(1 + 500 + 10);
    expect(search('').cost).toBe(1 + 10);
    expect(measure('{ buildings(first: 5, filter: { search: "幸福" }) { totalCount } }').cost).toBe(1 + 500 + 5);
    expect(measure('{ a: residents(first: 1, filter: { nameContains: "王国兰" }) { totalCount } b: streets(first: 1, filter: { nameContains: "市" }) { totalCount } }').cost)
      .toBe((1 + 100 + 1) + (1 + 500 + 1));
  });

  test('tokens are counted as the parser counts them, without comments', () => {
    expect(countTokens('{ viewer { role } }')).toBe(6);
    expect(countTokens('# a comment\n{ viewer { role } }')).toBe(6);
  });
});

let t: TestServer;
let admin: string;

beforeAll(async () => {
  t = await startTestServer({ queryMaxDepth: defaults.queryMaxDepth, queryMaxCost: defaults.queryMaxCost });
  admin = await t.token(Role.CITY_ADMIN);
});
afterAll(async () => t?.close());

const depth11 = `{ streets(first: 1) { nodes { communities(first: 1) { nodes { grids(first: 1) { nodes { buildings(first: 1) { nodes { ...H } } } } } } } } }
  fragment H on Building { households(first: 1) { nodes { room } } }`;
const depth10 = '{ streets(first: 1) { nodes { communities(first: 1) { nodes { grids(first: 1) { nodes { buildings(first: 1) { nodes { households(first: 1) { totalCount } } } } } } } } } }';
// Introspection that fans out (fields of types of fields …) is refused by graphql's own MaxIntrospectionDepthRule.
const introspectionFanOut = '{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }';
const costly = 'query($n: Int) { streets(first: $n) { nodes { communities(first: 100) { nodes { name } } } } }';
const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `v${i}: viewer { role }`).join(' ')} }`;
const typenames = (n: number) => `{ ${Array(n).fill('__typename').join(' ')} }`;

interface Refusal {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  code: string;
  extensions: Record<string, unknown>;
}

const refusals: Refusal[] = [
  { name: 'depth 11, through a fragment', query: depth11, code: 'QUERY_TOO_COMPLEX', extensions: { limit: 'depth', maximum: 10, actual: 11 } },
  { name: 'introspection that fans out', query: introspectionFanOut, code: 'GRAPHQL_VALIDATION_FAILED', extensions: {} },
  { name: 'cost over 10,000 (first from a variable)', query: costly, variables: { n: 50 }, code: 'QUERY_TOO_COMPLEX', extensions: { limit: 'cost', maximum: 10_000, actual: 1 + 50 * 202 } },
  {
    name: 'cost over 10,000 (the default page of 20 at three levels)',
    query: '{ streets { nodes { communities { nodes { grids { nodes { code } } } } } } }',
    code: 'QUERY_TOO_COMPLEX', extensions: { limit: 'cost', maximum: 10_000, actual: 1 + 20 * (2 + 20 * (2 + 20 * 2)) },
  },
  { name: '16 aliases', query: aliased(16), code: 'QUERY_TOO_COMPLEX', extensions: { limit: 'aliases', maximum: 15, actual: 16 } },
  { name: '2,001 tokens', query: typenames(1_999), code: 'QUERY_TOO_COMPLEX', extensions: { limit: 'tokens', maximum: 2_000, actual: 2_001 } },
  { name: 'first: 101', query: '{ streets(first: 101) { nodes { name } } }', code: 'BAD_USER_INPUT', extensions: { argumentName: 'first' } },
  { name: 'first: 101 from a variable', query: 'query($n: Int) { streets(first: $n) { nodes { name } } }', variables: { n: 101 }, code: 'BAD_USER_INPUT', extensions: { argumentName: 'first' } },
  { name: 'last: 500', query: '{ buildings(last: 500) { totalCount } }', code: 'BAD_USER_INPUT', extensions: { argumentName: 'last' } },
  {
    name: 'a NUL character in a literal', query: '{ residents(filter: { nameContains: "a\\u0000b" }) { totalCount } }',
    code: 'BAD_USER_INPUT', extensions: { argumentName: 'filter', field: ['filter', 'nameContains'] },
  },
  {
    name: 'a NUL character in a variable', query: 'query($f: ResidentFilter) { residents(filter: $f) { totalCount } }', variables: { f: { nameContains: 'a\u0000b' } },
    code: 'BAD_USER_INPUT', extensions: { argumentName: 'filter', field: ['filter', 'nameContains'] },
  },
  {
    name: 'an unpaired surrogate in an ID of a list', query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: ['U3RyZWV0OjE=', 'a\ud800'] },
    code: 'BAD_USER_INPUT', extensions: { argumentName: 'ids', field: ['ids', '1'] },
  },
  {
    name: 'a search of 500,000 characters (issue 14)', query: 'query($f: ResidentFilter) { residents(filter: $f) { totalCount } }', variables: { f: { nameContains: 'x'.repeat(500_000) } },
    code: 'BAD_USER_INPUT', extensions: { argumentName: 'filter', field: ['filter', 'nameContains'] },
  },
  {
    name: 'a search of 101 characters', query: 'query($s: String) { buildings(filter: { search: $s }) { totalCount } }', variables: { s: 'x'.repeat(101) },
    code: 'BAD_USER_INPUT', extensions: { argumentName: 'filter', field: ['filter', 'search'] },
  },
];

describe.each(refusals)('$name', ({ query, variables, code, extensions }) => {
  test('is refused over HTTP with 400, before any SQL', async () => {
    const before = t.database.statements.count;
    const response = await t.post({ query, variables }, admin);
    const body = (await response.json()) as { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(response.status).toBe(400);
    expect(body.data ?? null).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toEqual({ code, ...extensions });
    expect(t.database.statements.count).toBe(before);
  });

  test('is refused over WebSocket the same way, before any SQL', async () => {
    const before = t.database.statements.count;
    const answer = await overSocket(t.wsClient(admin), { query, variables });
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors?.[0].extensions).toEqual({ code, ...extensions });
    expect(t.database.statements.count).toBe(before);
  });
});

const passing: { name: string; query: string; variables?: Record<string, unknown> }[] = [
  { name: 'depth 10', query: depth10 },
  { name: 'cost 9,899', query: costly, variables: { n: 49 } },
  { name: '15 aliases', query: aliased(15) },
  { name: '2,000 tokens', query: typenames(1_998) },
  { name: 'first: 100', query: '{ streets(first: 100) { nodes { name } } }' },
  { name: 'a search of 100 characters', query: 'query($f: ResidentFilter) { residents(filter: $f) { totalCount } }', variables: { f: { nameContains: '王'.repeat(100) } } },
];

describe.each(passing)('$name, just inside the limit', ({ query, variables }) => {
  test('runs over HTTP', async () => {
    const r = await t.gql(query, variables, admin);
    expect(r.errors).toBeUndefined();
    expect(r.data).toBeTruthy();
  });

  test('runs over WebSocket', async () => {
    const answer = await overSocket(t.wsClient(admin), { query, variables });
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toBeTruthy();
  });
});

test('a mutation text over 10,000 characters is refused before the mutation runs; under it, the field\'s own cap answers a user error', async () => {
  const report = 'mutation($input: IncidentReportInput!) { incidentReport(input: $input) { incident { id } userErrors { field code } } }';
  const input = (description: string) => ({ input: { category: 'ENVIRONMENT', title: '楼道堆物', description, gridId: 'R3JpZDox' } });
  const response = await t.post({ query: report, variables: input('长'.repeat(10_001)) }, admin);
  const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
  expect(response.status).toBe(400);
  expect(body.errors).toEqual([{ message: expect.stringContaining('10,001 characters'), extensions: { code: 'BAD_USER_INPUT', argumentName: 'input', field: ['input', 'description'] } }]);
  const underCap = await t.gql(report, input('长'.repeat(2_001)), admin);
  expect(underCap.data.incidentReport).toEqual({ incident: null, userErrors: [{ field: ['input', 'description'], code: 'INVALID' }] });
});

test('a batch of operations in one HTTP request is refused with 400 and runs nothing', async () => {
  const before = t.database.statements.count;
  const response = await t.post([{ query: '{ streets(first: 1) { nodes { name } } }' }, { query: '{ streets(first: 1) { nodes { name } } }' }], admin);
  expect(response.status).toBe(400);
  expect(t.database.statements.count).toBe(before);
});

describe('a subscription sent over HTTP', () => {
  test('is refused with 400 and told to use the WebSocket, before any SQL', async () => {
    const before = t.database.statements.count;
    const response = await t.post({ query: 'subscription { incidentEvents { cursor } }' }, admin);
    const body = (await response.json()) as { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(response.status).toBe(400);
    expect(body.errors).toEqual([{ message: expect.stringContaining('WebSocket'), extensions: { code: 'BAD_REQUEST' } }]);
    expect(t.database.statements.count).toBe(before);
  });
});
