import { getNamedType, isInterfaceType, isObjectType, isScalarType, type GraphQLCompositeType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { allows, hasTopic, PROTECTED_FIELDS, PROTECTED_TYPES, ROOT_FIELDS, TOPICS, type Rule } from '../../src/auth/access';
import { createAuthenticator } from '../../src/auth/authenticator';
import { demoTokens } from '../../src/auth/demo-tokens';
import { Role } from '../../src/auth/roles';
import { ApiKeyTopic } from '../../src/auth/topics';
import type { Viewer } from '../../src/auth/viewer';
import { toGlobalId } from '../../src/graphql/ids';
import type { StatementCounter } from '../../src/db/client';
import { getSchema } from '../../src/schema';
import {
  leafSelection, operationOf, pathTo, plainLeafField, rootFieldOperation, SCALAR_SAMPLES, type Operation, type Step,
} from '../helpers/operations';
import { startTestServer, type TestServer } from '../helpers/server';
import { unsubscribeSoon } from '../helpers/over-socket';

/**
 * The authorization matrix (权限矩阵) walked through the API: every role, and a caller without
 * a token, against every root field, every sensitive field and every protected type of the
 * access table. Operations are generated from the schema with dummy arguments; what each cell
 * must answer comes from the table, not from this file.
 */

interface Caller {
  name: string;
  viewer: Viewer;
  token: string | undefined;
}

interface Cell {
  caller: Caller;
  coordinate: string;
  operation: Operation;
  allowed: boolean;
}

interface Answer {
  codes: string[];
  data: boolean;
}

const CONCURRENCY = 8;
/** What an allowed cell may answer besides data: its dummy arguments are malformed or name nothing. */
const ANSWERS_TO_DUMMIES = ['BAD_USER_INPUT', 'NOT_FOUND'];

let t: TestServer;
let schema: GraphQLSchema;
let callers: Caller[];

/** The integrator's topic rule needs a key without every topic: the demo key has them all. */
const ONE_TOPIC = ApiKeyTopic.INCIDENTS;

beforeAll(async () => {
  // No background reads of the outbox while the refused cells' statements are looked at, and
  // no rate limit: a RATE_LIMITED cell would say nothing about the access table.
  t = await startTestServer({ eventsPollMs: 3_600_000, rateLimitPointsPerHour: 0 });
  schema = await getSchema();
  const credentials = [
    { name: 'anonymous', token: undefined as string | undefined },
    ...(await demoTokens(t.database.db, t.config.jwtSecret, { issuer: t.config.jwtIssuer, audience: t.config.jwtAudience })).map(({ claims, token }) => ({ name: claims.role as string, token })),
  ];
  const admin = credentials.find((c) => c.name === Role.CITY_ADMIN)!.token;
  const created = await t.gql(`mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret userErrors { message } } }`, {
    input: { name: 'matrix: one topic', topics: [ONE_TOPIC] },
  }, admin);
  credentials.push({ name: `${Role.INTEGRATOR} (${ONE_TOPIC} only)`, token: created.data.apiKeyCreate.secret });
  // Each caller's viewer as the server sees it (an integrator's topics live with its key).
  const authenticator = createAuthenticator(t.config, t.database.housekeeping);
  callers = await Promise.all(credentials.map(async ({ name, token }) => ({
    name, token, viewer: await authenticator.viewerOf(token === undefined ? undefined : `Bearer ${token}`),
  })));
});
afterAll(async () => t?.close());

const baseType = (name: string) => name.replace(/(Connection|Edge)$/, '');
const permits = (rule: Rule | undefined, viewer: Viewer) => rule === undefined || allows(rule, viewer);

/**
 * Whether the table lets the viewer take one step: a root field by its row and topic; any other
 * field by its own rule, and by the rules and topics of its parent type and its result type
 * (`exempt` names the type a cell is about: its rule is what the cell tests, not its path).
 */
function stepAllowed(viewer: Viewer, parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown>, isRoot: boolean, exempt?: string): boolean {
  const coordinate = `${parent.name}.${field.name}`;
  if (isRoot) return coordinate in ROOT_FIELDS && allows(ROOT_FIELDS[coordinate], viewer) && hasTopic(viewer, TOPICS[coordinate]);
  const result = baseType(getNamedType(field.type).name);
  const ruled = [...(isObjectType(parent) ? [baseType(parent.name)] : []), result].filter((name) => name !== exempt);
  const topical = [baseType(parent.name), result].filter((name) => name !== exempt);
  return permits(PROTECTED_FIELDS[coordinate], viewer)
    && ruled.every((name) => permits(PROTECTED_TYPES[name], viewer))
    && topical.every((name) => hasTopic(viewer, TOPICS[name]));
}

/**
 * How a cell reaches a type: `node(id:)` for a Node, else the shortest path of fields the viewer
 * may use. Without one, any path, and then the cell must be refused whatever it holds.
 */
function reach(viewer: Viewer, type: GraphQLObjectType, exempt?: string): { path: Step[]; usable: boolean } {
  const query = schema.getQueryType()!;
  const node = schema.getType('Node');
  if (isInterfaceType(node) && schema.isSubType(node, type)) {
    const field = query.getFields().node;
    return { path: [{ kind: 'field', parent: query, field }, { kind: 'fragment', type }], usable: stepAllowed(viewer, query, field, true) };
  }
  const path = pathTo(schema, type.name, (parent, field, isRoot) => stepAllowed(viewer, parent, field, isRoot, exempt));
  if (path) return { path, usable: true };
  const any = pathTo(schema, type.name, () => true);
  if (!any) throw new Error(`${type.name} cannot be reached from any root field.`);
  return { path: any, usable: false };
}

function nodeIdOf(path: Step[]): Record<string, unknown> {
  const fragment = path[1];
  return fragment?.kind === 'fragment' ? { 'Query.node(id)': toGlobalId(fragment.type.name, 999_999_999) } : {};
}

function objectType(name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!isObjectType(type)) throw new Error(`The access table names ${name}, which is no object type of the schema.`);
  return type;
}

function cellsOf(caller: Caller): Cell[] {
  const { viewer } = caller;
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((type): type is GraphQLObjectType => !!type);
  const rootCells = roots.flatMap((root) => Object.values(root.getFields()).map((field) => ({
    caller, coordinate: `${root.name}.${field.name}`, operation: rootFieldOperation(schema, root, field.name), allowed: stepAllowed(viewer, root, field, true),
  })));
  const fieldCells = Object.keys(PROTECTED_FIELDS).map((coordinate) => {
    const [typeName, fieldName] = coordinate.split('.');
    const parent = objectType(typeName);
    const field = parent.getFields()[fieldName];
    if (!field) throw new Error(`The access table names ${coordinate}, which is no field of the schema.`);
    const { path, usable } = reach(viewer, parent);
    const operation = operationOf(schema, [...path, { kind: 'field', parent, field }], leafSelection(field), nodeIdOf(path));
    return { caller, coordinate, operation, allowed: usable && stepAllowed(viewer, parent, field, false) };
  });
  const typeCells = Object.keys(PROTECTED_TYPES).map((typeName) => {
    const type = objectType(typeName);
    const { path, usable } = reach(viewer, type, typeName);
    const leaf = plainLeafField(type, (field) => !(`${typeName}.${field.name}` in PROTECTED_FIELDS));
    const allowed = usable && allows(PROTECTED_TYPES[typeName], viewer) && hasTopic(viewer, TOPICS[typeName]);
    return { caller, coordinate: typeName, operation: operationOf(schema, path, `{ ${leaf} }`, nodeIdOf(path)), allowed };
  });
  return [...rootCells, ...fieldCells, ...typeCells];
}

function answerOf(errors: readonly { extensions?: { code?: unknown } }[] | undefined, data: unknown): Answer {
  return { codes: (errors ?? []).map((error) => String(error.extensions?.code ?? 'NO_CODE')), data: data !== null && data !== undefined };
}

/**
 * A subscription over graphql-ws: a refusal arrives as an error message; an admitted one
 * answers its `after`, which is no cursor, with BAD_USER_INPUT, so no timer decides the cell.
 */
function subscribeOnce(caller: Caller, operation: Operation, clients: Map<Caller, ReturnType<TestServer['wsClient']>>): Promise<Answer> {
  let client = clients.get(caller);
  if (!client) {
    client = t.wsClient(caller.token);
    clients.set(caller, client);
  }
  return new Promise((resolve) => {
    const unsubscribe = client.subscribe({ query: operation.text, variables: operation.variables }, {
      next: (result) => {
        unsubscribeSoon(unsubscribe);
        resolve(answerOf(result.errors as never, result.data));
      },
      error: (error) => resolve(Array.isArray(error) ? answerOf(error, null) : { codes: [`SOCKET_ERROR ${String((error as { code?: number }).code ?? error)}`], data: false }),
      complete: () => resolve({ codes: ['COMPLETED_SILENTLY'], data: false }),
    });
  });
}

async function inPool<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await run(items[next++]);
  }));
}

/** What is wrong with a cell's answer, or null. */
function verdict(cell: Cell, answer: Answer): string | null {
  const refusal = cell.caller.viewer.role === null ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  if (cell.allowed) {
    const unexpected = answer.codes.filter((code) => !ANSWERS_TO_DUMMIES.includes(code));
    return unexpected.length > 0 ? `allowed by the table but answered ${unexpected.join(', ')}` : null;
  }
  if (answer.codes[0] !== refusal || answer.data) return `refused by the table but answered ${answer.codes.join(', ') || 'without error'}${answer.data ? ' with data' : ''}`;
  return null;
}

/** Writes down the text of every statement the counter sees, until stopped. */
function recordStatements(counter: StatementCounter): { texts: string[]; stop(): void } {
  const texts: string[] = [];
  const counted = counter.logQuery.bind(counter);
  Object.assign(counter, {
    logQuery(query: string) {
      texts.push(query);
      counted();
    },
  });
  return { texts, stop: () => Reflect.deleteProperty(counter, 'logQuery') };
}

/**
 * What a refused operation may still cost: looking up an integrator's key, and the audit-log row
 * that records a refused mutation. Anything else would mean it ran.
 */
const UPKEEP_OF_A_REFUSAL = [/^insert into "audit_log"/, /^(select .* from|update) "api_keys"/];

test('every scalar of the schema has a sample value, so that any argument can be filled', () => {
  const scalars = Object.values(schema.getTypeMap()).filter((type) => isScalarType(type) && !type.name.startsWith('__')).map((type) => type.name);
  expect(scalars.filter((name) => !(name in SCALAR_SAMPLES))).toEqual([]);
});

test('every role × every root field, sensitive field and protected type answers as the access table says', async () => {
  const roles = Object.values(Role);
  const cells = callers.flatMap(cellsOf);
  const fields = Object.keys(ROOT_FIELDS).length + Object.keys(PROTECTED_FIELDS).length + Object.keys(PROTECTED_TYPES).length;

  const clients = new Map<Caller, ReturnType<TestServer['wsClient']>>();
  const problems: string[] = [];
  let walked = 0;
  const run = async (cell: Cell) => {
    const answer = cell.operation.operation === 'subscription'
      ? await subscribeOnce(cell.caller, cell.operation, clients)
      : await t.gql(cell.operation.text, cell.operation.variables, cell.caller.token).then((r) => answerOf(r.errors, r.data));
    walked += 1;
    const problem = verdict(cell, answer);
    if (problem) problems.push(`${cell.caller.name} × ${cell.coordinate}: ${problem} — ${cell.operation.text}`);
  };

  // Refused cells first, alone, with every SQL statement they cause written down.
  const statements = recordStatements(t.database.statements);
  await inPool(cells.filter((cell) => !cell.allowed), run);
  statements.stop();
  await inPool(cells.filter((cell) => cell.allowed), run);

  expect(problems).toEqual([]);
  expect(statements.texts.filter((sql) => !UPKEEP_OF_A_REFUSAL.some((upkeep) => upkeep.test(sql)))).toEqual([]);
  expect(callers.map((c) => c.viewer.role).filter((role) => role !== null).sort(), 'demo tokens cover every role').toEqual([...roles, Role.INTEGRATOR].sort());
  // Anonymous, each role, and the one-topic integrator: a skipped row or cell fails here.
  expect(walked).toBe((1 + roles.length + 1) * fields);
}, 180_000);
