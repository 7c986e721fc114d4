import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomBytes } from 'node:crypto';
import { DEMO_JWT_SECRET, loadConfig } from '../../src/config';
import { DEMO_PERSONAL_DATA_KEY } from '../../src/modules/audit/personal-data-key';
import { DEMO_API_KEY } from '../../src/modules/integrator/integrator.keys';
import { startTestServer, type TestServer } from '../helpers/server';
import { overSocket } from '../helpers/over-socket';

const SECRET = 'production-test-secret-of-more-than-32-characters';
const PERSONAL_DATA_KEY = randomBytes(32).toString('base64');
const production = loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, PERSONAL_DATA_KEY } as NodeJS.ProcessEnv);

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ ...production, port: 0 });
});
afterAll(async () => t?.close());

interface Body {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

test('production settings: introspection off unless INTROSPECTION=true, stack traces and suggestions off', () => {
  expect(production).toMatchObject({ production: true, introspection: false });
  expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, PERSONAL_DATA_KEY, INTROSPECTION: 'true' } as NodeJS.ProcessEnv).introspection).toBe(true);
  expect(loadConfig({ NODE_ENV: 'development' } as NodeJS.ProcessEnv).introspection).toBe(true);
});

test('production refuses to start with the demo secret, no secret or a short one; a JWKS alone is enough', () => {
  expect(() => loadConfig({ NODE_ENV: 'production', PERSONAL_DATA_KEY } as NodeJS.ProcessEnv)).toThrow(/JWT_SECRET \(or JWKS_URL alone\) must be set/);
  expect(() => loadConfig({ NODE_ENV: 'production', PERSONAL_DATA_KEY, JWT_SECRET: DEMO_JWT_SECRET } as NodeJS.ProcessEnv)).toThrow(/JWT_SECRET is the demo secret.*production refuses it/);
  expect(() => loadConfig({ NODE_ENV: 'production', PERSONAL_DATA_KEY, JWT_SECRET: DEMO_JWT_SECRET, JWKS_URL: 'https://idp.example.gov.cn/jwks' } as NodeJS.ProcessEnv)).toThrow(/demo secret/);
  expect(() => loadConfig({ NODE_ENV: 'production', PERSONAL_DATA_KEY, JWT_SECRET: 'short-secret' } as NodeJS.ProcessEnv)).toThrow(/at least 32 characters/);
  expect(loadConfig({ NODE_ENV: 'production', PERSONAL_DATA_KEY, JWKS_URL: 'https://idp.example.gov.cn/jwks' } as NodeJS.ProcessEnv).jwtSecret).toBeNull();
});

test('production refuses to start without PERSONAL_DATA_KEY, with the demo key or a malformed one; development has the demo key', () => {
  const env = (key?: string) => ({ NODE_ENV: 'production', JWT_SECRET: SECRET, ...(key === undefined ? {} : { PERSONAL_DATA_KEY: key }) }) as NodeJS.ProcessEnv;
  expect(() => loadConfig(env())).toThrow(/PERSONAL_DATA_KEY must be set in production/);
  expect(() => loadConfig(env(DEMO_PERSONAL_DATA_KEY))).toThrow(/PERSONAL_DATA_KEY must not be the demo key/);
  expect(() => loadConfig(env(Buffer.from(DEMO_PERSONAL_DATA_KEY, 'base64').toString('hex')))).toThrow(/demo key/);
  for (const malformed of ['too-short', randomBytes(16).toString('base64'), randomBytes(31).toString('hex'), 'g'.repeat(64)]) {
    // The message names the setting, never the value: a failed start is logged.
    expect(() => loadConfig(env(malformed)), malformed).toThrow(/^PERSONAL_DATA_KEY must be 32 random bytes, as 64 hex digits or base64 \(openssl rand -base64 32\)$/);
  }
  expect(loadConfig(env(randomBytes(32).toString('hex'))).personalDataKey.isDemo).toBe(false);
  expect(loadConfig({ NODE_ENV: 'development' } as NodeJS.ProcessEnv).personalDataKey.isDemo).toBe(true);
});

test('the demo API key is refused in production, and nothing runs', async () => {
  const before = t.database.statements.count;
  const response = await t.post({ query: '{ incidents(first: 1) { totalCount } }' }, DEMO_API_KEY);
  const body = (await response.json()) as Body;
  expect(response.status).toBe(401);
  expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('production') });
  expect(t.database.statements.count).toBe(before);
});

describe('introspection is refused in production', () => {
  test.each([
    ['__schema', '{ __schema { types { name } } }'],
    ['__type', '{ __type(name: "Resident") { fields { name } } }'],
    ['__schema in a fragment', '{ ...Q } fragment Q on Query { __schema { queryType { name } } }'],
  ])('%s over HTTP: 400, validation failed, nothing runs', async (_name, query) => {
    const before = t.database.statements.count;
    const response = await t.post({ query });
    const body = (await response.json()) as Body;
    expect(response.status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(t.database.statements.count).toBe(before);
  });

  test('__schema over WebSocket: refused, nothing runs', async () => {
    const before = t.database.statements.count;
    const answer = await overSocket(t.wsClient(), { query: '{ __schema { types { name } } }' });
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors?.[0]).toMatchObject({ message: expect.stringContaining('introspection'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(t.database.statements.count).toBe(before);
  });

  test('__typename still answers: clients use it to tell types apart', async () => {
    const r = await t.gql('{ __typename }');
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ __typename: 'Query' });
  });
});

describe('errors name no schema detail and carry no stack trace', () => {
  test('a misspelt field gets no "Did you mean", over HTTP', async () => {
    const body = (await (await t.post({ query: '{ street { id } }' })).json()) as Body;
    expect(body.errors?.[0].message).toBe('Cannot query field "street" on type "Query".');
    expect(JSON.stringify(body)).not.toMatch(/Did you mean|streets/);
  });

  test('a misspelt field gets no "Did you mean", over WebSocket', async () => {
    const answer = await overSocket(t.wsClient(), { query: '{ street { id } }' });
    expect(answer.errors?.[0]).toEqual(expect.objectContaining({ message: 'Cannot query field "street" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
    expect(JSON.stringify(answer)).not.toMatch(/Did you mean|streets/);
  });

  test.each([
    ['a syntax error', '{ streets('],
    ['a validation error', '{ streets(first: "many") { nodes { name } } }'],
    ['a variable of the wrong type', 'query($n: Int) { streets(first: $n) { nodes { name } } }'],
    ['an unknown argument', '{ streets(frist: 1) { nodes { name } } }'],
  ])('%s answers without a stack trace', async (_name, query) => {
    const response = await t.post({ query, variables: { n: 'many' } });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).not.toMatch(/stacktrace|exception|\bat .+\.(ts|js):\d+/);
  });
});

describe('CSRF prevention', () => {
  const getUrl = () => `${t.server.url}?query=${encodeURIComponent('{ streets(first: 1) { nodes { name } } }')}`;

  test('a GET with a query and no preflight header is refused with 400 and runs nothing', async () => {
    const before = t.database.statements.count;
    const response = await fetch(getUrl());
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
    expect(t.database.statements.count).toBe(before);
  });

  test('a POST as text/plain (a simple request a foreign page may send) is refused with 400 and runs nothing', async () => {
    const before = t.database.statements.count;
    const response = await fetch(t.server.url, {
      method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ streets(first: 1) { nodes { name } } }' }),
    });
    expect(response.status).toBe(400);
    expect(t.database.statements.count).toBe(before);
  });

  test('the same GET with a preflight header is served', async () => {
    const response = await fetch(getUrl(), { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { streets: { nodes: unknown[] } } }).data.streets.nodes).toHaveLength(1);
  });
});
