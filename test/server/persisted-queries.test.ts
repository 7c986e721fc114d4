import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sha256, type PersistedQueryManifest } from '../../src/server/persisted-queries';
import { Role, startTestServer, type TestServer } from '../helpers/server';
import { overSocket } from '../helpers/over-socket';

interface Body {
  data?: any;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

describe('automatic persisted queries (the default)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  test('a hash alone is not found, the hash with its query registers it, then the hash alone runs it', async () => {
    const query = '{ streets(first: 2) { nodes { name } } }';
    const hash = sha256(query);
    const unknown = (await (await t.post({ extensions: persisted(hash) })).json()) as Body;
    expect(unknown.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const registered = (await (await t.post({ query, extensions: persisted(hash) })).json()) as Body;
    expect(registered.errors).toBeUndefined();
    expect(registered.data.streets.nodes).toHaveLength(2);

    const byHash = (await (await t.post({ extensions: persisted(hash) })).json()) as Body;
    expect(byHash.data).toEqual(registered.data);
  });

  test('a query the gate refuses is not registered', async () => {
    const query = '{ streets(first: 101) { nodes { name } } }';
    const hash = sha256(query);
    const refused = (await (await t.post({ query, extensions: persisted(hash) })).json()) as Body;
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const byHash = (await (await t.post({ extensions: persisted(hash) })).json()) as Body;
    expect(byHash.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('allow-list mode', () => {
  let t: TestServer;
  let manifest: PersistedQueryManifest;
  let dir: string;
  const bodyOf = (name: string) => manifest.operations.find((o) => o.name === name)!.body;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-pq-'));
    fs.mkdirSync(path.join(dir, 'operations', 'grid'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'operations', 'grid', 'streets.graphql'), 'query StreetNames($first: Int) { streets(first: $first) { nodes { ...StreetName } } }\n');
    fs.writeFileSync(path.join(dir, 'operations', 'fragments.graphql'), 'fragment StreetName on Street { name }\n');
    fs.writeFileSync(path.join(dir, 'operations', 'incidents.graphql'), 'subscription IncidentFeed { incidentEvents { cursor } }\nquery Me { viewer { role } }\n');
    const out = path.join(dir, 'manifest.json');
    execFileSync('npx', ['tsx', 'scripts/persisted-queries.ts', path.join(dir, 'operations'), out], { cwd: process.cwd(), stdio: 'pipe' });
    manifest = JSON.parse(fs.readFileSync(out, 'utf8')) as PersistedQueryManifest;
    t = await startTestServer({ persistedQueries: 'allowlist', persistedQueriesFile: out });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('`npm run persisted-queries` writes an Apollo manifest: each operation with the fragments it uses, id the sha256 of its body', () => {
    expect(manifest).toMatchObject({ format: 'apollo-persisted-query-manifest', version: 1 });
    expect(manifest.operations.map((o) => [o.name, o.type]).sort()).toEqual([['IncidentFeed', 'subscription'], ['Me', 'query'], ['StreetNames', 'query']]);
    for (const operation of manifest.operations) expect(operation.id).toBe(sha256(operation.body));
    expect(bodyOf('StreetNames')).toContain('fragment StreetName on Street');
    expect(bodyOf('Me')).not.toContain('fragment');
  });

  test('a listed operation runs by its hash alone, over HTTP', async () => {
    const body = (await (await t.post({ extensions: persisted(sha256(bodyOf('StreetNames'))), variables: { first: 3 } })).json()) as Body;
    expect(body.errors).toBeUndefined();
    expect(body.data.streets.nodes).toHaveLength(3);
  });

  test('a listed operation runs when sent with its exact text', async () => {
    const body = (await (await t.post({ query: bodyOf('Me') })).json()) as Body;
    expect(body).toMatchObject({ data: { viewer: { role: null } } });
  });

  test.each([
    ['an operation not on the list', '{ streets(first: 1) { nodes { name } } }'],
    ['a listed operation with its text changed', 'query Me { viewer { role subject } }'],
    ['a listed operation with its whitespace changed', 'query Me { viewer { role } }'],
  ])('%s is refused with 400 PERSISTED_QUERY_NOT_ALLOWED, before any SQL', async (_name, query) => {
    const before = t.database.statements.count;
    const response = await t.post({ query });
    const body = (await response.json()) as Body;
    expect(response.status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0].extensions).toEqual({ code: 'PERSISTED_QUERY_NOT_ALLOWED' });
    expect(t.database.statements.count).toBe(before);
  });

  test('an unlisted text is refused even when it comes with its correct hash, and a GET is refused alike', async () => {
    const query = '{ streets(first: 1) { nodes { name } } }';
    const posted = (await (await t.post({ query, extensions: persisted(sha256(query)) })).json()) as Body;
    expect(posted.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    const got = await fetch(`${t.server.url}?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(got.status).toBe(400);
    expect(((await got.json()) as Body).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
  });

  test('an unknown hash is not found and runs nothing', async () => {
    const before = t.database.statements.count;
    const body = (await (await t.post({ extensions: persisted(sha256('{ streets { totalCount } }')) })).json()) as Body;
    expect(body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(t.database.statements.count).toBe(before);
  });

  test('over WebSocket: a listed operation runs by hash; unlisted text and unknown hashes are refused before any SQL', async () => {
    const token = await t.token(Role.CITY_ADMIN);
    const byHash = await overSocket(t.wsClient(token), { query: '', variables: { first: 2 }, extensions: persisted(sha256(bodyOf('StreetNames'))) });
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data.streets.nodes).toHaveLength(2);
    const byText = await overSocket(t.wsClient(token), { query: bodyOf('Me') });
    expect(byText.data).toEqual({ viewer: { role: 'CITY_ADMIN' } });

    const before = t.database.statements.count;
    const unlisted = await overSocket(t.wsClient(token), { query: '{ streets(first: 1) { nodes { name } } }' });
    expect(unlisted.errors?.[0].extensions).toEqual({ code: 'PERSISTED_QUERY_NOT_ALLOWED' });
    const unknown = await overSocket(t.wsClient(token), { query: '', extensions: persisted(sha256('{ viewer { subject } }')) });
    expect(unknown.errors?.[0].extensions).toEqual({ code: 'PERSISTED_QUERY_NOT_FOUND' });
    expect(t.database.statements.count).toBe(before);
  });
});
