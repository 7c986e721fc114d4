import { and, asc, count, eq, inArray, ne } from 'drizzle-orm';
import { latestEventId } from '../../../src/events/outbox';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids';
import { grids } from '../../../src/modules/grid/grid.tables';
import { webhookDeliveries, webhookEndpoints } from '../../../src/modules/webhook/webhook.tables';
import type { HostResolver } from '../../../src/modules/webhook/webhook.address';
import { GIVE_UP_AFTER_MS, pruneWebhookDeliveries } from '../../../src/modules/webhook/webhook.service';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { incidentClient } from '../../helpers/incidents';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import { Receiver, refusingUrl, signatureValid, until, type Received } from './receiver';

let t: TestServer;
let u: DemoUnits;
let receiver: Receiver;
let admin: string;
/** An integrator's key on street A with INCIDENTS and DISCLOSURES. */
let keyA: string;
/** Another integrator's key, on the other street. */
let keyB: string;
/** A level-2 grid of street A outside u.level2's subtree. */
let siblingGridId: string;
/** A level-2 grid of the other street. */
let otherStreetGridId: string;
/** How far the worker's clock runs ahead of real time: retries fall due without waiting. */
let offset = 0;

const CREATE = `mutation($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) { secret webhookEndpoint { id url topics enabled unit { id } lastEventCursor createdBy { role } } userErrors { field code message } }
}`;
const DELIVERIES = `query($filter: WebhookDeliveryFilter) {
  webhookDeliveries(first: 20, filter: $filter) {
    totalCount
    nodes { id deliveryId eventCursor topic status attemptCount nextAttemptAt deliveredAt endpoint { id }
      attempts(first: 20) { nodes { startedAt durationMs httpStatus error replay } } }
  }
}`;
const REPLAY = 'mutation($id: ID!) { webhookDeliveryReplay(id: $id) { webhookDelivery { id status } userErrors { field code message } } }';

/** Host names the worker resolves through a stub DNS, all to loopback: no test request leaves this machine. */
const ALLOWED_NAME = 'receiver.city.example';
const REBOUND_NAME = 'rebound.city.example';
const stubDns: HostResolver = async (hostname) => {
  if (hostname !== ALLOWED_NAME && hostname !== REBOUND_NAME) throw Object.assign(new Error(`${hostname} is not in the test's DNS`), { code: 'ENOTFOUND' });
  return [{ address: '127.0.0.1', family: 4 }];
};
/** The receiver's URL with its address replaced by a host name. */
const named = (host: string, path: string) => receiver.url(path).replace('127.0.0.1', host);

const BASE = { category: 'ENVIRONMENT', title: '楼道堆放杂物', description: '三单元楼道堆满纸箱' };

beforeAll(async () => {
  t = await startTestServer({ webhookPollMs: 200, webhookTimeoutMs: 1_000, webhookAllowedHosts: ['localhost', '127.0.0.1', '::1', ALLOWED_NAME] });
  t.server.webhooks!.clock = () => new Date(Date.now() + offset);
  t.server.webhooks!.resolver = stubDns;
  u = await demoUnits(t.database.db);
  receiver = await Receiver.start();
  admin = await t.token(Role.CITY_ADMIN);
  keyA = await t.apiKey({ unit: { type: 'Street', key: u.street.id }, topics: ['INCIDENTS', 'DISCLOSURES'] as never });
  keyB = await t.apiKey({ unit: { type: 'Street', key: u.otherStreet.id } });
  const [sibling] = await t.database.db.select({ id: grids.id }).from(grids)
    .where(and(eq(grids.streetId, u.street.id), eq(grids.level, 'LEVEL_2'), ne(grids.id, u.level2.id))).orderBy(asc(grids.id)).limit(1);
  siblingGridId = toGlobalId('Grid', sibling.id);
  const [other] = await t.database.db.select({ id: grids.id }).from(grids)
    .where(and(eq(grids.streetId, u.otherStreet.id), eq(grids.level, 'LEVEL_2'))).orderBy(asc(grids.id)).limit(1);
  otherStreetGridId = toGlobalId('Grid', other.id);
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

async function register(input: Record<string, unknown>, token = keyA) {
  const r = await t.gql(CREATE, { input: { topics: ['INCIDENTS'], ...input } }, token);
  expect(r.errors).toBeUndefined();
  return r.data.webhookEndpointCreate as { secret: string | null; webhookEndpoint: any; userErrors: { field: string[]; code: string; message: string }[] };
}

async function report(gridId: string) {
  const r = await incidentClient(t).report(admin, { ...BASE, gridId });
  expect(r.userErrors).toEqual([]);
  return r.incident.id as string;
}

async function deliveries(token: string, filter: Record<string, unknown>) {
  const r = await t.gql(DELIVERIES, { filter }, token);
  expect(r.errors).toBeUndefined();
  return r.data.webhookDeliveries.nodes as any[];
}

function bodyOf(request: Received) {
  return JSON.parse(request.body) as { deliveryId: string; topic: string; event: any };
}

/** Moves the worker's clock to `at` (never back) and wakes it, as the poll would once the time came. */
async function advanceTo(at: Date) {
  offset = Math.max(offset, at.getTime() - Date.now() + 1);
  await t.server.webhooks!.kick();
}

describe('registering', () => {
  test('an integrator registers an endpoint for its key; the secret is shown once', async () => {
    const created = await register({ url: receiver.url('/ok'), description: '区网格中心' });
    expect(created.userErrors).toEqual([]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.webhookEndpoint).toMatchObject({ url: receiver.url('/ok'), topics: ['INCIDENTS'], enabled: true, unit: null, createdBy: { role: 'INTEGRATOR' } });
    const listed = await t.gql('{ webhookEndpoints(first: 10) { nodes { id url } } }', {}, keyA);
    expect(listed.data.webhookEndpoints.nodes).toContainEqual({ id: created.webhookEndpoint.id, url: receiver.url('/ok') });
    expect(JSON.stringify(listed)).not.toContain(created.secret!);
    await t.gql('mutation($id: ID!) { webhookEndpointDelete(id: $id) { userErrors { code } } }', { id: created.webhookEndpoint.id }, keyA);
  });

  test('bad input is refused naming the field, and nothing is written', async () => {
    const [{ n: before }] = await t.database.db.select({ n: count() }).from(webhookEndpoints);
    const cases: [Record<string, unknown>, string[], string][] = [
      [{ url: 'ftp://example.org/hook' }, ['input', 'url'], 'INVALID'],
      [{ url: 'not a url' }, ['input', 'url'], 'INVALID'],
      [{ url: 'https://user:pass@example.org/hook' }, ['input', 'url'], 'INVALID'],
      [{ url: 'http://169.254.169.254/latest/meta-data' }, ['input', 'url'], 'INVALID'],
      [{ url: 'http://[fe80::1]/hook' }, ['input', 'url'], 'INVALID'],
      [{ url: '' }, ['input', 'url'], 'REQUIRED'],
      [{ url: receiver.url('/ok'), topics: ['WISHES'] }, ['input', 'topics'], 'OUT_OF_SCOPE'],
      [{ url: receiver.url('/ok'), topics: [] }, ['input', 'topics'], 'INVALID'],
      [{ url: receiver.url('/ok'), unitId: otherStreetGridId }, ['input', 'unitId'], 'OUT_OF_SCOPE'],
      [{ url: receiver.url('/ok'), unitId: u.ids.household }, ['input', 'unitId'], 'INVALID'],
      [{ url: receiver.url('/ok'), after: 'nonsense' }, ['input', 'after'], 'INVALID'],
      [{ url: receiver.url('/ok'), apiKeyId: toGlobalId('ApiKey', 999_999) }, ['input', 'apiKeyId'], 'NOT_FOUND'],
    ];
    for (const [input, field, code] of cases) {
      const created = await register(input);
      expect(created.userErrors, JSON.stringify(input)).toContainEqual(expect.objectContaining({ field, code }));
      expect(created.secret).toBeNull();
    }
    const byAdmin = await register({ url: receiver.url('/ok') }, admin);
    expect(byAdmin.userErrors).toEqual([expect.objectContaining({ field: ['input', 'apiKeyId'], code: 'REQUIRED' })]);
    const [{ n: after }] = await t.database.db.select({ n: count() }).from(webhookEndpoints);
    expect(after).toBe(before);
  });
});

describe('delivering', () => {
  test('each event is POSTed once, signed, with its delivery id and topic; only the filter\'s topics and subtree', async () => {
    const whole = await register({ url: receiver.url('/ok') });
    const inGrid = await register({ url: receiver.url('/ok?grid'), unitId: u.ids.level2 });
    const disclosuresOnly = await register({ url: receiver.url('/ok?disclosures'), topics: ['DISCLOSURES'] });
    const keyOfB = await register({ url: receiver.url('/ok?b') }, keyB);
    for (const created of [whole, inGrid, disclosuresOnly, keyOfB]) expect(created.userErrors).toEqual([]);

    const inside = await report(u.ids.level2);
    const sibling = await report(siblingGridId);
    const elsewhere = await report(otherStreetGridId);
    const head = await latestEventId(t.database.db);

    const toWhole = await until(() => receiver.on('/ok').length >= 2 && receiver.on('/ok'), 'two deliveries to the whole-street endpoint');
    // Deliveries are sent concurrently: their order of arrival is not the order of events.
    expect(toWhole.map((r) => bodyOf(r).event.incident.id).sort()).toEqual([inside, sibling].sort());
    for (const request of toWhole) {
      expect(signatureValid(whole.secret!, request)).toBe(true);
      expect(signatureValid(inGrid.secret!, request)).toBe(false);
      expect(request.headers['x-gridgov-event']).toBe('INCIDENTS');
      expect(request.headers['content-type']).toBe('application/json');
      expect(Number(request.headers['x-gridgov-timestamp'])).toBeGreaterThan(1_600_000_000);
      const body = bodyOf(request);
      expect(body.deliveryId).toBe(request.headers['x-gridgov-delivery']);
      expect(body.topic).toBe('INCIDENTS');
      expect(body.event).toMatchObject({ cursor: expect.any(String), occurredAt: expect.any(String), transition: { action: 'REPORT' } });
      // The key's viewer: who reported stays with people (Incident.reporter is refused to integrators).
      expect(body.event.incident.reporter).toBeUndefined();
    }
    const toGrid = await until(() => receiver.on('/ok?grid').length >= 1 && receiver.on('/ok?grid'), 'the grid endpoint\'s delivery');
    expect(toGrid.map((r) => bodyOf(r).event.incident.id)).toEqual([inside]);
    const toB = await until(() => receiver.on('/ok?b').length >= 1 && receiver.on('/ok?b'), 'the other key\'s delivery');
    expect(toB.map((r) => bodyOf(r).event.incident.id)).toEqual([elsewhere]);

    // Once every endpoint has considered every event, the filtered-out ones have made no delivery.
    // The receiver has the requests before the worker has recorded their answers.
    const delivered = await until(async () => {
      const list = await deliveries(keyA, { endpointId: whole.webhookEndpoint.id });
      return list.every((d) => d.status !== 'PENDING') && list;
    }, 'both deliveries to be recorded');
    expect(delivered.map((d) => d.status)).toEqual(['DELIVERED', 'DELIVERED']);
    expect(delivered.every((d) => d.attemptCount === 1 && d.attempts.nodes[0].httpStatus === 200 && d.nextAttemptAt === null)).toBe(true);
    const urls = ['/ok', '/ok?grid', '/ok?disclosures', '/ok?b'].map((path) => receiver.url(path));
    await until(async () => {
      const rows = await t.database.db.select().from(webhookEndpoints).where(inArray(webhookEndpoints.url, urls));
      return rows.length === 4 && rows.every((row) => row.cursor >= head);
    }, 'every endpoint to consider every event');
    const perEndpoint = await t.database.db.select({ url: webhookEndpoints.url, n: count(webhookDeliveries.id) }).from(webhookEndpoints)
      .leftJoin(webhookDeliveries, eq(webhookDeliveries.endpointId, webhookEndpoints.id))
      .where(inArray(webhookEndpoints.url, urls)).groupBy(webhookEndpoints.url);
    expect(Object.fromEntries(perEndpoint.map((e) => [e.url, e.n]))).toEqual(Object.fromEntries(urls.map((url, i) => [url, [2, 1, 0, 1][i]])));
    expect(await deliveries(keyA, { endpointId: disclosuresOnly.webhookEndpoint.id })).toEqual([]);
    expect(receiver.on('/ok?disclosures')).toEqual([]);
    for (const id of [whole, inGrid, disclosuresOnly].map((c) => c.webhookEndpoint.id)) {
      await t.gql('mutation($id: ID!) { webhookEndpointDisable(id: $id) { userErrors { code } } }', { id }, keyA);
    }
    await t.gql('mutation($id: ID!) { webhookEndpointDisable(id: $id) { userErrors { code } } }', { id: keyOfB.webhookEndpoint.id }, keyB);
  });

  test('failures retry on the ladder (1 min, 5 min, 30 min …) until the receiver accepts', async () => {
    const created = await register({ url: receiver.url('/flaky/3') });
    const endpointId = created.webhookEndpoint.id;
    const incident = await report(u.ids.level2);
    const expectedDelays = [60_000, 5 * 60_000, 30 * 60_000];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const [delivery] = await until(async () => {
        const list = await deliveries(keyA, { endpointId });
        return list.length === 1 && list[0].attemptCount === attempt && list[0].status === 'FAILED' && list;
      }, `failed attempt ${attempt}`);
      const last = delivery.attempts.nodes.at(-1);
      expect(last).toMatchObject({ httpStatus: 500, error: 'HTTP 500: receiver failed on purpose', replay: false });
      expect(new Date(delivery.nextAttemptAt).getTime() - new Date(last.startedAt).getTime()).toBe(expectedDelays[attempt - 1]);
      await advanceTo(new Date(delivery.nextAttemptAt));
    }
    const [delivery] = await until(async () => {
      const list = await deliveries(keyA, { endpointId, statuses: ['DELIVERED'] });
      return list.length === 1 && list;
    }, 'the fourth attempt to succeed');
    expect(delivery.attempts.nodes.map((a: any) => a.httpStatus)).toEqual([500, 500, 500, 200]);
    expect(delivery.deliveredAt).toBe(delivery.attempts.nodes[3].startedAt);
    const sent = receiver.on('/flaky/3');
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((r) => r.headers['x-gridgov-delivery']))).toEqual(new Set([delivery.deliveryId]));
    expect(new Set(sent.map((r) => r.body)).size).toBe(1);
    expect(bodyOf(sent[0]).event.incident.id).toBe(incident);
    await t.gql('mutation($id: ID!) { webhookEndpointDisable(id: $id) { userErrors { code } } }', { id: endpointId }, keyA);
  });

  test('a receiver that times out, and one that refuses connections: attempts say why; the ladder gives up after 7 days; a replay sends again', async () => {
    const hanging = await register({ url: receiver.url('/hang') });
    const refusing = await register({ url: await refusingUrl() });
    await report(u.ids.level2);
    const [timedOut] = await until(async () => {
      const list = await deliveries(keyA, { endpointId: hanging.webhookEndpoint.id });
      return list[0]?.attemptCount === 1 && list;
    }, 'the timed-out attempt');
    expect(timedOut.attempts.nodes[0]).toMatchObject({ httpStatus: null, error: 'No answer within 1000 ms.' });
    expect(timedOut.status).toBe('FAILED');
    await t.gql('mutation($id: ID!) { webhookEndpointDisable(id: $id) { userErrors { code } } }', { id: hanging.webhookEndpoint.id }, keyA);

    const endpointId = refusing.webhookEndpoint.id;
    let delivery: any;
    for (let attempt = 1; ; attempt += 1) {
      [delivery] = await until(async () => {
        const list = await deliveries(keyA, { endpointId });
        return list[0]?.attemptCount === attempt && list[0].status !== 'PENDING' && list;
      }, `refused attempt ${attempt}`);
      expect(delivery.attempts.nodes.at(-1).error).toMatch(/ECONNREFUSED/);
      if (delivery.status === 'GAVE_UP') break;
      expect(attempt).toBeLessThan(20);
      await advanceTo(new Date(delivery.nextAttemptAt));
    }
    const starts = delivery.attempts.nodes.map((a: any) => new Date(a.startedAt).getTime());
    // Immediately, +1 min, +5 min, +30 min, +2 h, +6 h, then daily while within 7 days of the first.
    expect(starts).toHaveLength(12);
    expect(starts.at(-1) - starts[0]).toBeLessThanOrEqual(GIVE_UP_AFTER_MS);
    expect(starts.at(-1) - starts[0] + 24 * 3_600_000).toBeGreaterThan(GIVE_UP_AFTER_MS);
    expect(delivery.nextAttemptAt).toBeNull();

    // The receiver is fixed: point the endpoint at it, then replay the delivery that gave up.
    const moved = await t.gql('mutation($id: ID!, $input: WebhookEndpointUpdateInput!) { webhookEndpointUpdate(id: $id, input: $input) { webhookEndpoint { url } userErrors { field code } } }',
      { id: endpointId, input: { url: receiver.url('/ok?fixed') } }, keyA);
    expect(moved.data.webhookEndpointUpdate.userErrors).toEqual([]);
    const replayed = await t.gql(REPLAY, { id: delivery.id }, keyA);
    expect(replayed.data.webhookDeliveryReplay).toMatchObject({ webhookDelivery: { status: 'PENDING' }, userErrors: [] });
    const [received] = await until(() => receiver.on('/ok?fixed').length === 1 && receiver.on('/ok?fixed'), 'the replay');
    expect(received.headers['x-gridgov-delivery']).toBe(delivery.deliveryId);
    expect(signatureValid(refusing.secret!, received)).toBe(true);
    const [after] = await until(async () => {
      const list = await deliveries(keyA, { endpointId, statuses: ['DELIVERED'] });
      return list.length === 1 && list;
    }, 'the replay recorded');
    expect(after.attemptCount).toBe(13);
    expect(after.attempts.nodes.at(-1)).toMatchObject({ httpStatus: 200, replay: true, error: null });

    // A delivered one may be replayed too: the same delivery id again, for the receiver to deduplicate.
    await t.gql(REPLAY, { id: delivery.id }, keyA);
    const twice = await until(() => receiver.on('/ok?fixed').length === 2 && receiver.on('/ok?fixed'), 'the second replay');
    expect(twice[1].headers['x-gridgov-delivery']).toBe(delivery.deliveryId);
    expect(twice[1].body).toBe(twice[0].body);
    await t.gql('mutation($id: ID!) { webhookEndpointDisable(id: $id) { userErrors { code } } }', { id: endpointId }, keyA);
  }, 120_000);

  test('a host name that resolves inward is refused when the delivery connects; a name in WEBHOOK_ALLOWED_HOSTS is delivered to', async () => {
    const rebound = await register({ url: named(REBOUND_NAME, '/ok?rebound') });
    const allowed = await register({ url: named(ALLOWED_NAME, '/ok?allowed') });
    expect([rebound.userErrors, allowed.userErrors]).toEqual([[], []]);
    await report(u.ids.level2);
    const [refused] = await until(async () => {
      const list = await deliveries(keyA, { endpointId: rebound.webhookEndpoint.id });
      return list[0]?.attemptCount === 1 && list[0].status !== 'PENDING' && list;
    }, 'the refused attempt');
    expect(refused.status).toBe('FAILED');
    expect(refused.attempts.nodes[0]).toMatchObject({ httpStatus: null, error: expect.stringMatching(/^EREFUSEDADDRESS: rebound\.city\.example resolves to a private, loopback or link-local address/) });
    const [received] = await until(() => receiver.on('/ok?allowed').length === 1 && receiver.on('/ok?allowed'), 'the delivery to the allowed name');
    expect(received.headers.host).toMatch(/^receiver\.city\.example:/);
    await until(async () => (await deliveries(keyA, { endpointId: allowed.webhookEndpoint.id }))[0]?.status === 'DELIVERED', 'the delivery to the allowed name to be recorded');
    expect(receiver.on('/ok?rebound')).toEqual([]);
    // Deleted, not disabled: a key has at most 10 endpoints, and later tests register more.
    for (const id of [rebound.webhookEndpoint.id, allowed.webhookEndpoint.id]) {
      await t.gql('mutation($id: ID!) { webhookEndpointDelete(id: $id) { userErrors { code } } }', { id }, keyA);
    }
  });

  test('a disabled endpoint receives nothing until enabled, then catches up from where it stopped', async () => {
    const created = await register({ url: receiver.url('/ok?paused') });
    const id = created.webhookEndpoint.id;
    const disabled = await t.gql('mutation($id: ID!) { webhookEndpointDisable(id: $id) { webhookEndpoint { enabled } userErrors { code } } }', { id }, keyA);
    expect(disabled.data.webhookEndpointDisable).toEqual({ webhookEndpoint: { enabled: false }, userErrors: [] });
    const again = await t.gql('mutation($id: ID!) { webhookEndpointDisable(id: $id) { userErrors { field code } } }', { id }, keyA);
    expect(again.data.webhookEndpointDisable.userErrors).toEqual([{ field: ['id'], code: 'INVALID_TRANSITION' }]);
    const incident = await report(u.ids.level2);
    await t.server.webhooks!.kick();
    expect(receiver.on('/ok?paused')).toEqual([]);
    await t.gql('mutation($id: ID!) { webhookEndpointEnable(id: $id) { userErrors { code } } }', { id }, keyA);
    const [received] = await until(() => receiver.on('/ok?paused').length === 1 && receiver.on('/ok?paused'), 'the caught-up delivery');
    expect(bodyOf(received).event.incident.id).toBe(incident);
    await t.gql('mutation($id: ID!) { webhookEndpointDisable(id: $id) { userErrors { code } } }', { id }, keyA);
  });

  test('a rotated secret signs from then on', async () => {
    const created = await register({ url: receiver.url('/ok?rotated') });
    const rotated = await t.gql('mutation($id: ID!) { webhookEndpointRotateSecret(id: $id) { secret userErrors { code } } }', { id: created.webhookEndpoint.id }, keyA);
    const secret = rotated.data.webhookEndpointRotateSecret.secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);
    await report(u.ids.level2);
    const [received] = await until(() => receiver.on('/ok?rotated').length === 1 && receiver.on('/ok?rotated'), 'the delivery');
    expect(signatureValid(secret, received)).toBe(true);
    expect(signatureValid(created.secret!, received)).toBe(false);
    await t.gql('mutation($id: ID!) { webhookEndpointDelete(id: $id) { userErrors { code } } }', { id: created.webhookEndpoint.id }, keyA);
    const [{ n }] = await t.database.db.select({ n: count() }).from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId)).where(eq(webhookEndpoints.url, receiver.url('/ok?rotated')));
    expect(n).toBe(0);
  });
});

describe('who sees what', () => {
  test('an integrator sees and changes only its own key\'s endpoints and deliveries', async () => {
    const mine = await register({ url: receiver.url('/ok?mine') });
    const id = mine.webhookEndpoint.id;
    await t.gql('mutation($id: ID!) { webhookEndpointDisable(id: $id) { userErrors { code } } }', { id }, keyA);
    const [ownDelivery] = await deliveries(keyA, {});

    const listed = await t.gql('{ webhookEndpoints(first: 100) { nodes { id } } webhookDeliveries(first: 100) { nodes { id } } }', {}, keyB);
    expect(listed.data.webhookEndpoints.nodes).not.toContainEqual({ id });
    expect(listed.data.webhookDeliveries.nodes).not.toContainEqual({ id: ownDelivery.id });
    const byNode = await t.gql('query($id: ID!) { node(id: $id) { id } }', { id }, keyB);
    expect(byNode.data.node).toBeNull();
    const changed = await t.gql('mutation($id: ID!) { webhookEndpointUpdate(id: $id, input: { url: "http://127.0.0.1:1/x" }) { userErrors { field code } } }', { id }, keyB);
    expect(changed.data.webhookEndpointUpdate.userErrors).toEqual([{ field: ['id'], code: 'NOT_FOUND' }]);
    const replayed = await t.gql(REPLAY, { id: ownDelivery.id }, keyB);
    expect(replayed.data.webhookDeliveryReplay.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'NOT_FOUND' })]);
    const deleted = await t.gql('mutation($id: ID!) { webhookEndpointDelete(id: $id) { userErrors { field code } } }', { id }, keyB);
    expect(deleted.data.webhookEndpointDelete.userErrors).toEqual([{ field: ['id'], code: 'NOT_FOUND' }]);
    const foreignKey = await register({ url: receiver.url('/ok'), apiKeyId: toGlobalId('ApiKey', 1) }, keyB);
    expect(foreignKey.userErrors).toEqual([expect.objectContaining({ field: ['input', 'apiKeyId'] })]);

    const byAdmin = await t.gql('query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { id url apiKey { id } } } }', { id }, admin);
    expect(byAdmin.data.node).toMatchObject({ id, url: receiver.url('/ok?mine'), apiKey: { id: expect.any(String) } });
    const refused = await t.gql('{ webhookEndpoints(first: 1) { nodes { apiKey { id } } } }', {}, keyA);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('a street officer registers for keys of their street only; residents may not ask', async () => {
    const officer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }, 'officer-a');
    const keys = await t.gql('{ apiKeys(first: 100) { nodes { id unit { id } } } }', {}, admin);
    const streetKey = keys.data.apiKeys.nodes.find((k: any) => k.unit?.id === u.ids.street).id;
    const otherKey = keys.data.apiKeys.nodes.find((k: any) => k.unit?.id === u.ids.otherStreet).id;
    const own = await register({ url: receiver.url('/ok?officer'), apiKeyId: streetKey }, officer);
    expect(own.userErrors).toEqual([]);
    expect(own.webhookEndpoint.createdBy).toEqual({ role: 'STREET_OFFICER' });
    const other = await register({ url: receiver.url('/ok?officer'), apiKeyId: otherKey }, officer);
    expect(other.userErrors).toEqual([expect.objectContaining({ field: ['input', 'apiKeyId'], code: 'NOT_FOUND' })]);
    await t.gql('mutation($id: ID!) { webhookEndpointDelete(id: $id) { userErrors { code } } }', { id: own.webhookEndpoint.id }, officer);

    const resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id });
    const asked = await t.gql('{ webhookEndpoints(first: 1) { nodes { id } } }', {}, resident);
    expect(asked.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('keeping deliveries', () => {
  test('finished deliveries are pruned after 30 days; pending and retrying ones stay', async () => {
    // No delivery may finish between counting and pruning: the worker stops (after what it has in flight).
    await t.server.webhooks!.stop();
    const statuses = async () => (await t.database.db.select({ status: webhookDeliveries.status }).from(webhookDeliveries)).map((d) => d.status);
    const before = await statuses();
    expect(before).toContain('DELIVERED');
    expect(before).toContain('FAILED');
    expect(await pruneWebhookDeliveries(t.database.db, new Date(Date.now() + 29 * 24 * 3_600_000))).toBe(0);
    const pruned = await pruneWebhookDeliveries(t.database.db, new Date(Date.now() + 31 * 24 * 3_600_000));
    expect(pruned).toBe(before.filter((s) => s === 'DELIVERED' || s === 'GAVE_UP').length);
    expect((await statuses()).sort()).toEqual(before.filter((s) => s === 'PENDING' || s === 'FAILED').sort());
  });
});
