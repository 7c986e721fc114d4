import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoUnits, type DemoUnits } from '../helpers/fixtures';
import { EVENT_QUERY, incidentClient } from '../helpers/incidents';
import { onServer } from '../helpers/database';
import { Role, startTestServer, type TestServer } from '../helpers/server';
import { Subscriber } from '../helpers/subscriptions';
import { operationLabel } from '../../src/server/metrics';
import { overSocket } from '../helpers/over-socket';

/** One sample of a scrape: the metric's name, its labels and its value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the sample with exactly these labels among its own (0 when absent: a counter not yet incremented). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found?.value ?? 0;
}

function has(samples: Sample[], name: string): boolean {
  return samples.some((s) => s.name === name);
}

/** Scrapes again until yes; no deadline of its own, which a busy machine could outrun: the test's timeout bounds it. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 25));
}

let t: TestServer;
let u: DemoUnits;
let admin: string;
let metricsUrl: string;

async function scrape(url = metricsUrl, authorization?: string): Promise<Sample[]> {
  const response = await fetch(url, { headers: authorization ? { authorization } : {} });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await response.text());
}

beforeAll(async () => {
  // The hub polls the outbox once an hour here: only a notification (or a test) makes it read.
  t = await startTestServer({ eventsPollMs: 3_600_000 });
  u = await demoUnits(t.database.db);
  admin = await t.token(Role.CITY_ADMIN);
  metricsUrl = new URL('/metrics', t.server.url).toString();
});
afterAll(async () => t?.close());

const HTTP_OK = { transport: 'http', operation: 'MetricsProbe', outcome: 'ok' };

describe('/metrics', () => {
  test('counts HTTP operations by name and outcome, and times them in a histogram', async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i += 1) expect((await t.gql('query MetricsProbe { viewer { role } }', {}, admin)).errors).toBeUndefined();
    await t.gql('{ viewer { role } }', {}, admin);
    await t.gql('query Broken { viewer { noSuchField } }', {}, admin);
    await t.gql('query Unparsable {', {}, admin);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta('gridgov_graphql_operations_total', HTTP_OK)).toBe(3);
    expect(delta('gridgov_graphql_operations_total', { transport: 'http', operation: 'anonymous', outcome: 'ok' })).toBe(1);
    // A document that fails validation or parsing chose no operation: its client-chosen name is not a label.
    expect(delta('gridgov_graphql_operations_total', { transport: 'http', operation: 'unknown', outcome: 'error' })).toBe(2);
    expect(after.some((s) => s.labels.operation === 'Broken' || s.labels.operation === 'Unparsable')).toBe(false);

    expect(delta('gridgov_graphql_operation_duration_seconds_count', { transport: 'http', operation: 'MetricsProbe' })).toBe(3);
    const buckets = after.filter((s) => s.name === 'gridgov_graphql_operation_duration_seconds_bucket' && s.labels.operation === 'MetricsProbe');
    expect(buckets.length).toBeGreaterThan(5);
    expect(buckets.find((s) => s.labels.le === '+Inf')?.value).toBe(valueOf(after, 'gridgov_graphql_operation_duration_seconds_count', { operation: 'MetricsProbe' }));
    expect(valueOf(after, 'gridgov_graphql_operation_duration_seconds_sum', { operation: 'MetricsProbe' })).toBeGreaterThan(0);
  });

  test('WebSockets: active sockets and subscriptions go up and down, operations are counted, a subscription delivery is an event delivered', async () => {
    const before = await scrape();
    const sockets = () => valueOf(before, 'gridgov_websockets_active');
    const subscriptions = () => valueOf(before, 'gridgov_graphql_subscriptions_active');

    const client = t.wsClient(admin);
    expect((await overSocket(client, { query: 'query SocketProbe { viewer { role } }' })).data).toEqual({ viewer: { role: 'CITY_ADMIN' } });
    const subscriber = new Subscriber(client, EVENT_QUERY);
    let live = await scrape();
    await until(async () => {
      live = await scrape();
      return valueOf(live, 'gridgov_graphql_subscriptions_active') === subscriptions() + 1;
    });
    // Counters are the process's: other test files in this worker have counted before.
    const grown = (now: Sample[], name: string, labels: Record<string, string>) => valueOf(now, name, labels) - valueOf(before, name, labels);
    expect(valueOf(live, 'gridgov_websockets_active')).toBe(sockets() + 1);
    expect(grown(live, 'gridgov_graphql_operations_total', { transport: 'websocket', operation: 'SocketProbe', outcome: 'ok' })).toBe(1);
    expect(grown(live, 'gridgov_graphql_operation_duration_seconds_count', { transport: 'websocket', operation: 'SocketProbe' })).toBe(1);

    const worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'metrics-worker');
    const ring = u.micro.boundary as [number, number][];
    const point = {
      longitude: (Math.min(...ring.map((p) => p[0])) + Math.max(...ring.map((p) => p[0]))) / 2,
      latitude: (Math.min(...ring.map((p) => p[1])) + Math.max(...ring.map((p) => p[1]))) / 2,
    };
    const reported = await incidentClient(t).report(worker, { category: 'ENVIRONMENT', title: '路灯不亮', description: '小区东门路灯夜间不亮', ...point });
    expect(reported.userErrors).toEqual([]);
    await subscriber.waitFor(1);

    const delivered = await scrape();
    expect(grown(delivered, 'gridgov_events_delivered_total', { channel: 'subscription' })).toBe(1);
    // This process handed the event on: nothing is waiting.
    expect(valueOf(delivered, 'gridgov_outbox_lag_events')).toBe(0);
    expect(valueOf(delivered, 'gridgov_outbox_lag_seconds')).toBe(0);

    subscriber.stop();
    await until(async () => valueOf(await scrape(), 'gridgov_graphql_subscriptions_active') === subscriptions());
    await client.dispose();
    await until(async () => valueOf(await scrape(), 'gridgov_websockets_active') === sockets());
    const ended = await scrape();
    // A subscription is counted when it ends, and not timed.
    expect(grown(ended, 'gridgov_graphql_operations_total', { transport: 'websocket', operation: 'anonymous', outcome: 'ok' })).toBe(1);
    expect(grown(ended, 'gridgov_graphql_operation_duration_seconds_count', { transport: 'websocket', operation: 'anonymous' })).toBe(0);
  });

  test('a refused operation over a WebSocket counts as an error under `unknown`', async () => {
    const client = t.wsClient(admin);
    const before = valueOf(await scrape(), 'gridgov_graphql_operations_total', { transport: 'websocket', operation: 'unknown', outcome: 'error' });
    const answer = await overSocket(client, { query: 'query Refused { viewer { noSuchField } }' });
    expect(answer.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const after = await scrape();
    expect(valueOf(after, 'gridgov_graphql_operations_total', { transport: 'websocket', operation: 'unknown', outcome: 'error' })).toBe(before + 1);
    await client.dispose();
  });

  test('outbox lag: events this process has not handed on, and how old the oldest is', async () => {
    // Written without NOTIFY, as if the notification were lost: only the (hourly) poll would find it.
    await t.database.housekeeping.execute(sql`
      insert into outbox (topic, scope, payload, created_at)
      values ('metrics.test', '{"districtId":0,"streetId":0,"communityId":0,"gridId":0,"gridCode":""}'::jsonb, '{}'::jsonb, now() - interval '90 seconds')`);
    const behind = await scrape();
    expect(valueOf(behind, 'gridgov_outbox_lag_events')).toBe(1);
    expect(valueOf(behind, 'gridgov_outbox_lag_seconds')).toBeGreaterThanOrEqual(90);
    expect(valueOf(behind, 'gridgov_outbox_lag_seconds')).toBeLessThan(3600);

    await t.server.events.drain();
    const caughtUp = await scrape();
    expect(valueOf(caughtUp, 'gridgov_outbox_lag_events')).toBe(0);
    expect(valueOf(caughtUp, 'gridgov_outbox_lag_seconds')).toBe(0);
  });

  test('database pool and process metrics', async () => {
    const samples = await scrape();
    expect(valueOf(samples, 'gridgov_db_pool_max')).toBe(onServer() ? 10 : 1);
    const connections = samples.filter((s) => s.name === 'gridgov_db_server_connections');
    expect(connections.length).toBeGreaterThan(0);
    expect(connections.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThanOrEqual(1);
    expect(has(samples, 'gridgov_process_cpu_user_seconds_total')).toBe(true);
    expect(has(samples, 'gridgov_nodejs_eventloop_lag_seconds')).toBe(true);
  });

  test('operation names are bounded: past 500 distinct names, a new one counts as `other`', async () => {
    const probesBefore = valueOf(await scrape(), 'gridgov_graphql_operations_total', HTTP_OK);
    for (let i = 0; i < 600; i += 1) operationLabel(`Invented${i}`, true);
    expect((await t.gql('query NamedAfterTheCap { viewer { role } }', {}, admin)).errors).toBeUndefined();
    const samples = await scrape();
    expect(samples.some((s) => s.labels.operation === 'NamedAfterTheCap')).toBe(false);
    expect(valueOf(samples, 'gridgov_graphql_operations_total', { transport: 'http', operation: 'other', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    // Names seen before the cap keep their own series.
    expect((await t.gql('query MetricsProbe { viewer { role } }', {}, admin)).errors).toBeUndefined();
    expect(valueOf(await scrape(), 'gridgov_graphql_operations_total', HTTP_OK)).toBe(probesBefore + 1);
  });

  test('no label carries a token subject or a viewer', async () => {
    const text = await (await fetch(metricsUrl)).text();
    expect(text).not.toMatch(/metrics-worker|test-city_admin|CITY_ADMIN/);
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let guarded: TestServer;
  beforeAll(async () => {
    guarded = await startTestServer({ metricsToken: 'scrape-token-0123456789' });
  });
  afterAll(async () => guarded?.close());

  test('answers 401 without the token or with another, and the metrics with it', async () => {
    const url = new URL('/metrics', guarded.server.url).toString();
    const without = await fetch(url);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await without.text()).not.toMatch(/gridgov_/);
    expect((await fetch(url, { headers: { authorization: 'Bearer scrape-token-012345678X' } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'scrape-token-0123456789' } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${await guarded.token(Role.CITY_ADMIN)}` } })).status).toBe(401);
    expect(has(await scrape(url, 'Bearer scrape-token-0123456789'), 'gridgov_graphql_operations_total')).toBe(true);
  });
});
