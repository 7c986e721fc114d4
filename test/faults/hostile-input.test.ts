import {
  getNamedType, getNullableType, isCompositeType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLSchema,
} from 'graphql';
import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditLog } from '../../src/modules/audit/audit.tables';
import { getSchema } from '../../src/schema';
import { overSocket } from '../helpers/over-socket';
import { Role, startTestServer, type TestServer } from '../helpers/server';

/**
 * Issue 14: a NUL character or an unpaired surrogate in any string argument, at any depth of
 * any input, is refused as BAD_USER_INPUT naming the path to it, before any SQL: never an
 * internal error. Every String and ID argument path of the schema is tried, so a new field is
 * covered the day it is added.
 */
/** About a thousand requests per sweep: 14–22 s on a busy machine. */
const SWEEP_TIMEOUT_MS = 120_000;

let t: TestServer;
let schema: GraphQLSchema;
let admin: string;

beforeAll(async () => {
  t = await startTestServer();
  schema = await getSchema();
  admin = await t.token(Role.CITY_ADMIN);
});
afterAll(async () => t?.close());

/** A value each scalar accepts, for the arguments around the one under test. */
const SAMPLES: Record<string, unknown> = {
  String: 'x', ID: 'x', Int: 1, Float: 1, Boolean: true,
  Date: '2026-01-01', DateTime: '2026-01-01T00:00:00Z', Decimal: '1', GeoJSON: { type: 'Point', coordinates: [117.97, 37.38] },
};

function minimal(type: GraphQLInputType): unknown {
  if (!isNonNullType(type)) return undefined;
  const inner = type.ofType;
  if (isListType(inner)) return [];
  if (isEnumType(inner)) return inner.getValues()[0].name;
  if (isInputObjectType(inner)) {
    return Object.fromEntries(Object.values(inner.getFields()).flatMap((f) => (isNonNullType(f.type) ? [[f.name, minimal(f.type)]] : [])));
  }
  if (!(inner.name in SAMPLES)) throw new Error(`no sample value for the scalar ${inner.name}`);
  return SAMPLES[inner.name];
}

/** Every path from the argument to a String or ID inside it (a list's element as index 0). */
function textPaths(type: GraphQLInputType, path: string[], visiting: Set<string>): string[][] {
  const inner = getNullableType(type);
  if (isListType(inner)) return textPaths(inner.ofType, [...path, '0'], visiting);
  if (isInputObjectType(inner)) {
    if (visiting.has(inner.name)) return [];
    const within = new Set(visiting).add(inner.name);
    return Object.values(inner.getFields()).flatMap((f) => textPaths(f.type, [...path, f.name], within));
  }
  return isScalarType(inner) && (inner.name === 'String' || inner.name === 'ID') ? [path] : [];
}

/** The argument's value with `leaf` at `path` and what its types require around it. */
function valueWith(type: GraphQLInputType, path: string[], leaf: string): unknown {
  if (path.length === 0) return leaf;
  const inner = getNullableType(type);
  if (isListType(inner)) return [valueWith(inner.ofType, path.slice(1), leaf)];
  if (!isInputObjectType(inner)) throw new Error(`no field ${path[0]} in ${String(type)}`);
  const around = (minimal(isNonNullType(type) ? type : { ...type, ofType: inner } as never) ?? {}) as Record<string, unknown>;
  const required = Object.fromEntries(Object.values(inner.getFields()).flatMap((f) => (isNonNullType(f.type) ? [[f.name, minimal(f.type)]] : [])));
  return { ...around, ...required, [path[0]]: valueWith(inner.getFields()[path[0]].type, path.slice(1), leaf) };
}

interface Case {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  argument: string;
  field: string[];
}

function casesOf(kind: 'query' | 'mutation' | 'subscription', leaf: string): Case[] {
  const root = kind === 'query' ? schema.getQueryType() : kind === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  const fields: GraphQLField<unknown, unknown>[] = Object.values(root?.getFields() ?? {});
  return fields.flatMap((field) => field.args.flatMap((argument: GraphQLArgument) => textPaths(argument.type, [], new Set()).map((path): Case => {
    const variables: Record<string, unknown> = {};
    for (const other of field.args) {
      const value = other === argument ? valueWith(argument.type, path, leaf) : minimal(other.type);
      if (value !== undefined) variables[other.name] = value;
    }
    const definitions = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
    const passed = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
    return {
      name: `${field.name}(${[argument.name, ...path].join('.')})`,
      query: `${kind}(${definitions}) { ${field.name}(${passed})${selection} }`,
      variables,
      argument: argument.name,
      field: [argument.name, ...path],
    };
  })));
}

const HOSTILE: [string, string][] = [['a NUL character', 'a\u0000b'], ['an unpaired surrogate', 'a\ud800b']];

describe.each(HOSTILE)('%s', (_what, leaf) => {
  test('in any String or ID of any query or mutation argument, over HTTP: 400 BAD_USER_INPUT naming its path, before any SQL', async () => {
    const cases = [...casesOf('query', leaf), ...casesOf('mutation', leaf)];
    expect(cases.length).toBeGreaterThan(300);
    const wrong: string[] = [];
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(cases.slice(i, i + 8).map(async (c) => {
        const response = await t.post({ query: c.query, variables: c.variables }, admin);
        const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
        const expected = { code: 'BAD_USER_INPUT', argumentName: c.argument, field: c.field };
        if (response.status !== 400 || JSON.stringify(body.errors?.[0]?.extensions) !== JSON.stringify(expected)) {
          wrong.push(`${c.name}: ${response.status} ${JSON.stringify(body.errors?.[0] ?? body).slice(0, 300)}`);
        }
      }));
    }
    expect(wrong).toEqual([]);
  }, SWEEP_TIMEOUT_MS);

  test('in any String or ID of a subscription argument, over WebSocket: BAD_USER_INPUT naming its path', async () => {
    const cases = casesOf('subscription', leaf);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const answer = await overSocket(t.wsClient(admin), { query: c.query, variables: c.variables });
      expect(answer.errors?.[0].extensions, c.name).toEqual({ code: 'BAD_USER_INPUT', argumentName: c.argument, field: c.field });
    }
  }, SWEEP_TIMEOUT_MS);
});

test('a mutation refused this way writes nothing but its REJECTED audit row', async () => {
  const before = t.database.statements.count;
  const variables = { i: { category: 'ENVIRONMENT', title: '楼道', description: 'a\u0000b' } };
  const response = await t.post({ query: 'mutation($i: IncidentReportInput!) { incidentReport(input: $i) { userErrors { field } } }', variables }, admin);
  expect(response.status).toBe(400);
  expect(t.database.statements.count).toBe(before + 1);
  const [entry] = await t.database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  expect(entry).toMatchObject({ operation: 'Mutation.incidentReport', outcome: 'REJECTED', codes: ['BAD_USER_INPUT'] });
});

/**
 * An ID is base64 of `Type:key`, so a client can forge any key. One past the table's key type
 * (int4 for most, bigint for timelines and ledger entries) names no row: it answers as an ID of
 * nothing does — a NOT_FOUND user error, a null, a malformed filter — never an internal error.
 */
test('an ID whose key is past its table\'s key type answers as a missing ID, in arguments, filters and node', async () => {
  const huge = (type: string) => Buffer.from(`${type}:99999999999`).toString('base64');
  const missing = (type: string) => Buffer.from(`${type}:2147483647`).toString('base64');
  const node = (id: string) => t.gql('query($id: ID!) { node(id: $id) { id } }', { id }, admin);
  const within = (id: string) => t.gql('query($id: ID!) { residents(filter: { within: $id }, first: 1) { totalCount } }', { id }, admin);
  for (const type of ['Incident', 'Street', 'IncidentTransition']) {
    const [forged, absent] = [await node(huge(type)), await node(missing(type))];
    expect(forged, type).toEqual(absent);
    expect(forged.data, type).toEqual({ node: null });
  }
  // A filter's unit that no key of its type can name is a malformed argument, as a foreign ID is.
  const forgedStreet = await within(huge('Street'));
  expect(forgedStreet.errors?.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', argumentName: 'filter' }]);
  const accept = (id: string) => t.gql(`mutation($id: ID!) { incidentAccept(id: $id, triage: STUDY_AND_ASSIGN) { incident { id } userErrors { field code } } }`, { id }, admin);
  const [forged, absent] = [await accept(huge('Incident')), await accept(missing('Incident'))];
  expect(forged.errors).toBeUndefined();
  expect(forged.data.incidentAccept).toEqual(absent.data.incidentAccept);
  expect(forged.data.incidentAccept.userErrors).toEqual([{ field: ['id'], code: 'NOT_FOUND' }]);
});
