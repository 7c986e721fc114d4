import { and, asc, count, eq, ne } from 'drizzle-orm';
import { createClient, type Client } from 'graphql-ws';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { ApiKeyTopic } from '../../../src/auth/topics';
import { toGlobalId } from '../../../src/graphql/ids';
import { grids } from '../../../src/modules/grid/grid.tables';
import { incidents } from '../../../src/modules/incident/incident.tables';
import { DEMO_API_KEY } from '../../../src/modules/integrator/integrator.keys';
import { apiKeys } from '../../../src/modules/integrator/integrator.tables';
import { startServer, type RunningServer } from '../../../src/server/server';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { EVENT_QUERY, incidentClient } from '../../helpers/incidents';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import { Subscriber, whenSubscribed } from '../../helpers/subscriptions';

let t: TestServer;
let u: DemoUnits;
let admin: string;
let officer: string;
let otherGridId: string;

const CREATE = `mutation($input: ApiKeyCreateInput!) {
  apiKeyCreate(input: $input) { secret apiKey { id name prefix topics unit { id } createdBy { subject role } revokedAt } userErrors { field code message } }
}`;
const REVOKE = 'mutation($id: ID!) { apiKeyRevoke(id: $id) { apiKey { id revokedAt } userErrors { field code message } } }';

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  admin = await t.token(Role.CITY_ADMIN);
  officer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }, 'officer-a');
  const [other] = await t.database.db.select({ id: grids.id }).from(grids)
    .where(and(eq(grids.streetId, u.otherStreet.id), eq(grids.level, 'LEVEL_2'))).orderBy(asc(grids.id)).limit(1);
  otherGridId = toGlobalId('Grid', other.id);
});
afterAll(async () => t?.close());

async function create(input: Record<string, unknown>, token = admin) {
  const r = await t.gql(CREATE, { input: { topics: ['INCIDENTS'], ...input } }, token);
  expect(r.errors).toBeUndefined();
  return r.data.apiKeyCreate as { secret: string | null; apiKey: any; userErrors: { field: string[]; code: string }[] };
}

/** Resolves with the code the server closes a client's socket with. */
function closedWith(client: Client): Promise<number> {
  return new Promise((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
}

describe('creating a key', () => {
  test('the secret is shown once, and only its hash is stored', async () => {
    const created = await create({ name: '街道大屏', unitId: u.ids.street, topics: ['INCIDENTS', 'WISHES'] });
    expect(created.userErrors).toEqual([]);
    expect(created.secret).toMatch(/^ggk_[0-9a-f]{8}_[A-Za-z0-9_-]{32,}$/);
    expect(created.apiKey).toMatchObject({
      name: '街道大屏', topics: ['INCIDENTS', 'WISHES'], unit: { id: u.ids.street }, createdBy: { subject: 'test-city_admin', role: 'CITY_ADMIN' }, revokedAt: null,
    });
    expect(created.secret!.startsWith(`ggk_${created.apiKey.prefix}_`)).toBe(true);

    const [row] = await t.database.db.select().from(apiKeys).where(eq(apiKeys.prefix, created.apiKey.prefix));
    expect(row.secretHash).toBe(createHash('sha256').update(created.secret!).digest('hex'));
    const secretPart = created.secret!.split('_').slice(2).join('_');
    expect(JSON.stringify(row)).not.toContain(secretPart);

    const listed = await t.gql('{ apiKeys(first: 100) { nodes { id prefix } } }', {}, admin);
    expect(listed.data.apiKeys.nodes).toContainEqual({ id: created.apiKey.id, prefix: created.apiKey.prefix });
    expect(JSON.stringify(listed)).not.toContain(secretPart);
  });

  test('a street officer creates keys within their street only, never city-wide', async () => {
    const [{ n: before }] = await t.database.db.select({ n: count() }).from(apiKeys);
    const outside = await create({ name: 'x', unitId: u.ids.otherStreet }, officer);
    expect(outside.userErrors).toEqual([expect.objectContaining({ field: ['input', 'unitId'], code: 'OUT_OF_SCOPE' })]);
    expect(outside.secret).toBeNull();
    const cityWide = await create({ name: 'x', unitId: null }, officer);
    expect(cityWide.userErrors[0].code).toBe('OUT_OF_SCOPE');
    const [{ n: after }] = await t.database.db.select({ n: count() }).from(apiKeys);
    expect(after).toBe(before);

    const inside = await create({ name: '社区屏', unitId: u.ids.community }, officer);
    expect(inside.userErrors).toEqual([]);
    const listed = await t.gql('{ apiKeys(first: 100) { nodes { unit { id } } } }', {}, officer);
    const units = listed.data.apiKeys.nodes.map((n: { unit: { id: string } | null }) => n.unit?.id ?? null);
    expect(units).toContain(u.ids.community);
    expect(units).not.toContain(u.ids.otherStreet);
    expect(units).not.toContain(null);
  });

  test('malformed input is refused with user errors and nothing is stored', async () => {
    const [{ n: before }] = await t.database.db.select({ n: count() }).from(apiKeys);
    expect((await create({ name: 'x', unitId: u.ids.household })).userErrors[0]).toMatchObject({ field: ['input', 'unitId'], code: 'INVALID' });
    expect((await create({ name: 'x', topics: [] })).userErrors[0]).toMatchObject({ field: ['input', 'topics'] });
    expect((await create({ name: 'x', expiresAt: '2001-01-01T00:00:00Z' })).userErrors[0]).toMatchObject({ field: ['input', 'expiresAt'], code: 'INVALID' });
    const [{ n: after }] = await t.database.db.select({ n: count() }).from(apiKeys);
    expect(after).toBe(before);
  });

  test('people of other roles may not manage keys, and a key may not make keys', async () => {
    const worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id });
    const key = await t.apiKey({ unit: { type: 'Street', key: u.street.id } });
    for (const token of [worker, key]) {
      const r = await t.gql(CREATE, { input: { name: 'x', topics: ['INCIDENTS'] } }, token);
      expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await t.gql('{ apiKeys { totalCount } }', {}, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });
});

describe('using a key', () => {
  test('the demo key (README) is the first street\'s integrator', async () => {
    const r = await t.gql('{ viewer { role subject unitId } }', {}, DEMO_API_KEY);
    expect(r.data.viewer).toMatchObject({ role: 'INTEGRATOR', subject: expect.stringMatching(/^apikey:\d+$/), unitId: u.ids.street });
  });

  test('a street-A key sees street-A incidents only: list, node and nodes', async () => {
    const key = await t.token(Role.INTEGRATOR, { type: 'Street', key: u.street.id });
    const [{ n: own }] = await t.database.db.select({ n: count() }).from(incidents).where(eq(incidents.streetId, u.street.id));
    const [mine] = await t.database.db.select({ id: incidents.id }).from(incidents).where(eq(incidents.streetId, u.street.id)).limit(1);
    const [theirs] = await t.database.db.select({ id: incidents.id }).from(incidents).where(ne(incidents.streetId, u.street.id)).limit(1);
    const ownId = toGlobalId('Incident', mine.id);
    const otherId = toGlobalId('Incident', theirs.id);
    const r = await t.gql(`query($own: ID!, $other: ID!) {
      incidents(first: 100) { totalCount nodes { street { id } } }
      own: node(id: $own) { id }
      other: node(id: $other) { id }
      both: nodes(ids: [$other, $own]) { id }
    }`, { own: ownId, other: otherId }, key);
    expect(r.errors).toBeUndefined();
    expect(own).toBeGreaterThan(0);
    expect(r.data.incidents.totalCount).toBe(own);
    expect(new Set(r.data.incidents.nodes.map((n: { street: { id: string } }) => n.street.id))).toEqual(new Set([u.ids.street]));
    expect(r.data.own).toEqual({ id: ownId });
    expect(r.data.other).toBeNull();
    expect(r.data.both).toEqual([null, { id: ownId }]);
  });

  test('a topic the key lacks is FORBIDDEN, through a root field or a node, and nothing runs', async () => {
    const key = await t.apiKey({ unit: { type: 'Street', key: u.street.id }, topics: [ApiKeyTopic.WISHES] });
    const [incident] = await t.database.db.select({ id: incidents.id }).from(incidents).where(eq(incidents.streetId, u.street.id)).limit(1);
    const wishes = await t.gql('{ wishes(first: 1) { totalCount } }', {}, key);
    expect(wishes.errors).toBeUndefined();
    for (const [query, variables] of [
      ['{ incidents { totalCount } }', {}],
      ['query($id: ID!) { node(id: $id) { ... on Incident { title } } }', { id: toGlobalId('Incident', incident.id) }],
      ['query($c: ID!) { disclosures(compoundId: $c, first: 1) { totalCount } }', { c: toGlobalId('Compound', 1) }],
    ] as const) {
      const before = t.database.statements.count;
      const r = await t.gql(query, variables, key);
      expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('topic') });
      // The key's own lookup is the only statement.
      expect(t.database.statements.count - before).toBeLessThanOrEqual(2);
    }
  });

  test('an integrator reads nothing beyond its topics and public data: households, residents, reporters, places, statistics are FORBIDDEN', async () => {
    const key = await t.apiKey({ unit: { type: 'Street', key: u.street.id } });
    for (const query of ['{ households { totalCount } }', '{ residents { totalCount } }', '{ incidents(first: 1) { nodes { reporter { subject } } } }', '{ wishes(first: 1) { nodes { place } } }', '{ streets(first: 1) { nodes { stats { residents } } } }', '{ incidentStats(from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z") { total } }']) {
      expect((await t.gql(query, {}, key)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });

  test('lastUsedAt is written on first use, not again within the minute', async () => {
    const created = await create({ name: 'x', unitId: u.ids.street });
    const row = () => t.database.db.select({ lastUsedAt: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.prefix, created.apiKey.prefix)).then((r) => r[0]);
    expect((await row()).lastUsedAt).toBeNull();
    await t.gql('{ viewer { role } }', {}, created.secret!);
    const first = (await row()).lastUsedAt;
    expect(first).not.toBeNull();
    await t.gql('{ viewer { role } }', {}, created.secret!);
    expect((await row()).lastUsedAt).toEqual(first);
  });

  test('over WebSocket: a street-A key receives street-A incident events only', async () => {
    const key = await t.token(Role.INTEGRATOR, { type: 'Street', key: u.street.id });
    // Once the server runs the subscription, report one incident elsewhere, one in street A.
    const subscriber = await whenSubscribed(t.server.events, 1, () => new Subscriber(t.wsClient(key), EVENT_QUERY));
    const api = incidentClient(t);
    const base = { category: 'ENVIRONMENT', title: '楼道堆放杂物', description: '三单元楼道堆满纸箱' };
    const elsewhere = await api.report(admin, { ...base, gridId: otherGridId });
    const here = await api.report(admin, { ...base, gridId: u.ids.level2 });
    expect(elsewhere.userErrors).toEqual([]);
    const [event] = await subscriber.waitFor(1);
    expect(event.incidentEvents.incident.id).toBe(here.incident.id);
    expect((await subscriber.settle()).map((e) => e.incidentEvents.incident.id)).toEqual([here.incident.id]);
    subscriber.stop();
  });

  test('over WebSocket, a topic the key lacks is refused FORBIDDEN', async () => {
    const key = await t.apiKey({ unit: { type: 'Street', key: u.street.id }, topics: [ApiKeyTopic.DISCLOSURES] });
    const subscriber = new Subscriber(t.wsClient(key), EVENT_QUERY);
    await expect(subscriber.waitFor(1)).rejects.toThrow(/FORBIDDEN/);
  });
});

describe('ending a key', () => {
  let second: RunningServer;

  beforeAll(async () => {
    // A second API process on the same database: a revocation must reach its sockets too.
    second = await startServer(t.config, t.database, 0);
  });
  afterAll(async () => second?.close());

  test('a revoked key answers UNAUTHENTICATED, and its open sockets in every process close with 4403', async () => {
    const created = await create({ name: '将被吊销', unitId: u.ids.street });
    const here = t.wsClient(created.secret!);
    const there = createClient({ url: second.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${created.secret}` }, retryAttempts: 0, lazy: true });
    const closedHere = closedWith(here);
    const closedThere = closedWith(there);
    const subscribers = await whenSubscribed(t.server.events, 1, () => whenSubscribed(second.events, 1, () => [new Subscriber(here, EVENT_QUERY), new Subscriber(there, EVENT_QUERY)]));

    const r = await t.gql(REVOKE, { id: created.apiKey.id }, admin);
    expect(r.data.apiKeyRevoke.userErrors).toEqual([]);
    expect(r.data.apiKeyRevoke.apiKey.revokedAt).not.toBeNull();
    expect(await closedHere).toBe(4403);
    expect(await closedThere).toBe(4403);
    subscribers.forEach((s) => s.stop());
    await there.dispose();

    const after = await t.post({ query: '{ viewer { role } }' }, created.secret!);
    expect(after.status).toBe(401);
    expect(((await after.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors[0]).toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('revoked'),
    });
    const again = await t.gql(REVOKE, { id: created.apiKey.id }, admin);
    expect(again.data.apiKeyRevoke.userErrors[0].code).toBe('INVALID_TRANSITION');
  });

  test('a street officer may not revoke a key of another street', async () => {
    const created = await create({ name: 'x', unitId: u.ids.otherStreet });
    const r = await t.gql(REVOKE, { id: created.apiKey.id }, officer);
    expect(r.data.apiKeyRevoke.userErrors[0]).toMatchObject({ field: ['id'], code: 'NOT_FOUND' });
    expect((await t.gql('{ viewer { role } }', {}, created.secret!)).data.viewer.role).toBe('INTEGRATOR');
  });

  test('an expired key answers UNAUTHENTICATED, and its open socket is closed with 4403 at the expiry', async () => {
    const key = await t.apiKey({ unit: { type: 'Street', key: u.street.id }, expiresAt: new Date(Date.now() + 1_500) });
    const client = t.wsClient(key);
    const closed = closedWith(client);
    const subscriber = new Subscriber(client, EVENT_QUERY);
    expect(await closed).toBe(4403);
    subscriber.stop();
    const r = await t.gql('{ viewer { role } }', {}, key);
    expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('expired') });
  });
});
