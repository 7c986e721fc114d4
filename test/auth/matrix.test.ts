import { getNamedType, isInterfaceType, isObjectType, isScalarType, type GraphQLCompositeType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, expect, test } from 'vitest';
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
import { EXPECTED_PROTECTED_TYPES, EXPECTED_ROOT_FIELDS, EXPECTED_SENSITIVE_FIELDS, type Expected } from './expected-access';

/**
 * The authorization matrix (权限矩阵) walked through the API: every role, and a caller without
 * a token, against every root field, every sensitive field and every protected type.
 * Operations are generated from the schema with dummy arguments; what each cell must answer
 * comes from the table written by hand in ./expected-access.ts from README and DOMAIN, never
 * from the access table the gate uses (src/auth/access.ts), so a wrong row there fails here.
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
  /** The codes of the operation's errors, or of the refusal of a subscription. */
  codes: string[];
  data: boolean;
  /** The value of the root field, when the answer has one. */
  root: unknown;
}

const CONCURRENCY = 8;
/** What an allowed cell may answer instead of data: its dummy arguments are malformed or name nothing. */
const ANSWERS_TO_DUMMIES = ['BAD_USER_INPUT', 'NOT_FOUND'];
/**
 * What an allowed mutation may answer in its userErrors, for dummy arguments: the IDs name
 * nothing, the values break the input's rules, the object is not in a state for the step, the
 * input reaches past the caller's unit (a street officer's key for the whole city), or another
 * caller of the matrix made the same object first.
 */
const DOMAIN_ERRORS_TO_DUMMIES = ['NOT_FOUND', 'INVALID', 'REQUIRED', 'INVALID_TRANSITION', 'OUT_OF_SCOPE', 'DUPLICATE'];

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
  // Written straight to the database: no request may leave a kept-alive socket idle while the
  // cells are computed (seconds of synchronous work on a busy machine), for the server would
  // close it just as the walk reuses it (ECONNRESET).
  credentials.push({ name: `${Role.INTEGRATOR} (${ONE_TOPIC} only)`, token: await t.apiKey({ topics: [ONE_TOPIC] }) });
  // Each caller's viewer as the server sees it (an integrator's topics live with its key).
  const authenticator = createAuthenticator(t.config, t.database.housekeeping);
  callers = await Promise.all(credentials.map(async ({ name, token }) => ({
    name, token, viewer: await authenticator.viewerOf(token === undefined ? undefined : `Bearer ${token}`),
  })));
});
afterAll(async () => t?.close());

const baseType = (name: string) => name.replace(/(Connection|Edge)$/, '');

/** Whether the hand-written row lets the viewer in: by role, and an integrator by a topic of its key when the row names one. */
function may(expected: Expected | undefined, viewer: Viewer): boolean {
  if (expected === undefined || expected === 'PUBLIC') return true;
  if (viewer.role === null) return false;
  if (viewer.role === Role.INTEGRATOR) {
    return expected.includes(Role.INTEGRATOR) || (viewer.topics ?? []).some((topic) => expected.includes(`INTEGRATOR/${topic}`));
  }
  return expected.includes(viewer.role);
}

/**
 * Whether the expected table lets the viewer take one step: a root field by its row; any other
 * field by its own row, and by the rows of its parent type and its result type (`exempt`
 * names the type a cell is about: its row is what the cell tests, not its path).
 */
function stepAllowed(viewer: Viewer, parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown>, isRoot: boolean, exempt?: string): boolean {
  const coordinate = `${parent.name}.${field.name}`;
  if (isRoot) return coordinate in EXPECTED_ROOT_FIELDS && may(EXPECTED_ROOT_FIELDS[coordinate], viewer);
  const types = [baseType(parent.name), baseType(getNamedType(field.type).name)].filter((name) => name !== exempt);
  return may(EXPECTED_SENSITIVE_FIELDS[coordinate], viewer) && types.every((name) => may(EXPECTED_PROTECTED_TYPES[name], viewer));
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
  if (!isObjectType(type)) throw new Error(`The expected table names ${name}, which is no object type of the schema.`);
  return type;
}

function cellsOf(caller: Caller): Cell[] {
  const { viewer } = caller;
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((type): type is GraphQLObjectType => !!type);
  const rootCells = roots.flatMap((root) => Object.values(root.getFields()).map((field) => ({
    caller, coordinate: `${root.name}.${field.name}`, operation: rootCellOperation(root, field), allowed: stepAllowed(viewer, root, field, true),
  })));
  const fieldCells = Object.keys(EXPECTED_SENSITIVE_FIELDS).map((coordinate) => {
    const [typeName, fieldName] = coordinate.split('.');
    const parent = objectType(typeName);
    const field = parent.getFields()[fieldName];
    if (!field) throw new Error(`The expected table names ${coordinate}, which is no field of the schema.`);
    const { path, usable } = reach(viewer, parent);
    const operation = operationOf(schema, [...path, { kind: 'field', parent, field }], leafSelection(field), nodeIdOf(path));
    return { caller, coordinate, operation, allowed: usable && stepAllowed(viewer, parent, field, false) };
  });
  const typeCells = Object.keys(EXPECTED_PROTECTED_TYPES).map((typeName) => {
    const type = objectType(typeName);
    const { path, usable } = reach(viewer, type, typeName);
    const leaf = plainLeafField(type, (field) => !(`${typeName}.${field.name}` in EXPECTED_SENSITIVE_FIELDS));
    const allowed = usable && may(EXPECTED_PROTECTED_TYPES[typeName], viewer);
    return { caller, coordinate: typeName, operation: operationOf(schema, path, `{ ${leaf} }`, nodeIdOf(path)), allowed };
  });
  return [...rootCells, ...fieldCells, ...typeCells];
}

/** A root field's call with dummy arguments; a mutation's payload also shows its userErrors' codes. */
function rootCellOperation(root: GraphQLObjectType, field: GraphQLField<unknown, unknown>): Operation {
  const result = getNamedType(field.type);
  const payload = isObjectType(result) && 'userErrors' in result.getFields();
  return payload ? operationOf(schema, [{ kind: 'field', parent: root, field }], '{ __typename userErrors { code } }') : rootFieldOperation(schema, root, field.name);
}

function answerOf(errors: readonly { extensions?: { code?: unknown } }[] | undefined, data: unknown): Answer {
  const present = data !== null && data !== undefined;
  return {
    codes: (errors ?? []).map((error) => String(error.extensions?.code ?? 'NO_CODE')),
    data: present,
    root: present ? Object.values(data as Record<string, unknown>)[0] : undefined,
  };
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
      error: (error) => resolve(Array.isArray(error) ? answerOf(error, null) : { codes: [`SOCKET_ERROR ${String((error as { code?: number }).code ?? error)}`], data: false, root: undefined }),
      complete: () => resolve({ codes: ['COMPLETED_SILENTLY'], data: false, root: undefined }),
    });
  });
}

async function inPool<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await run(items[next++]);
  }));
}

/**
 * What is wrong with a cell's answer, or null. An allowed cell answers what its operation
 * answers to dummy arguments: data for the root field (null for an ID of nothing, an empty
 * page), a malformed-argument or not-found error, or a mutation's userErrors of its own rules
 * — never a refusal in any of them.
 */
function verdict(cell: Cell, answer: Answer): string | null {
  const refusal = cell.caller.viewer.role === null ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  if (cell.allowed) {
    const unexpected = answer.codes.filter((code) => !ANSWERS_TO_DUMMIES.includes(code));
    if (unexpected.length > 0) return `allowed by the hand table but answered ${unexpected.join(', ')}`;
    if (answer.codes.length === 0 && (!answer.data || answer.root === undefined)) return 'allowed by the hand table but answered neither data nor an error';
    const userErrors = (answer.root as { userErrors?: { code: string }[] } | null | undefined)?.userErrors ?? [];
    const foreign = userErrors.map((e) => e.code).filter((code) => !DOMAIN_ERRORS_TO_DUMMIES.includes(code));
    return foreign.length > 0 ? `allowed by the hand table but its userErrors say ${foreign.join(', ')}` : null;
  }
  if (answer.codes[0] !== refusal || answer.data) return `refused by the hand table but answered ${answer.codes.join(', ') || 'without error'}${answer.data ? ' with data' : ''}`;
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
 * that records a refused mutation. Anything else would mean it ran — but for the server's
 * minutely look for owners' votes past their closing time (src/server/jobs.ts), which a slow
 * machine's walk of the refused cells may span.
 */
const UPKEEP_OF_A_REFUSAL = [
  /^insert into "audit_log"/,
  /^(select .* from|update) "api_keys"/,
  /^select "id" from "owner_votes" where \("owner_votes"\."status" = \$1 and "owner_votes"\."closes_at" <= \$2\)$/,
];

test('every scalar of the schema has a sample value, so that any argument can be filled', () => {
  const scalars = Object.values(schema.getTypeMap()).filter((type) => isScalarType(type) && !type.name.startsWith('__')).map((type) => type.name);
  expect(scalars.filter((name) => !(name in SCALAR_SAMPLES))).toEqual([]);
});

test('every root field of the schema has a row in the hand-written table, and every row a field', () => {
  const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
    .flatMap((type) => (type ? Object.keys(type.getFields()).map((name) => `${type.name}.${name}`) : []));
  expect(fields.filter((field) => !(field in EXPECTED_ROOT_FIELDS)), 'root fields to add to test/auth/expected-access.ts').toEqual([]);
  expect(Object.keys(EXPECTED_ROOT_FIELDS).filter((row) => !fields.includes(row)), 'rows naming no field').toEqual([]);
});

test('every role × every root field, sensitive field and protected type answers as the hand-written table says', async () => {
  const roles = Object.values(Role);
  const cells = callers.flatMap(cellsOf);
  const fields = Object.keys(EXPECTED_ROOT_FIELDS).length + Object.keys(EXPECTED_SENSITIVE_FIELDS).length + Object.keys(EXPECTED_PROTECTED_TYPES).length;

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
