import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../../../src/db/client';
import { webhookDeliveries } from '../../../src/modules/webhook/webhook.tables';
import { startServer, type RunningServer } from '../../../src/server/server';
import { onServer } from '../../helpers/database';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { incidentClient } from '../../helpers/incidents';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import { Receiver, until } from './receiver';

/**
 * Delivery reads the outbox, not the memory of a process: the API server of this file sends
 * no webhooks (WEBHOOK_DELIVERY=false); the workers are further servers on the same database,
 * stopped and started while events are published.
 */
let t: TestServer;
let u: DemoUnits;
let receiver: Receiver;
let admin: string;
let key: string;
const workers: RunningServer[] = [];
const extraDatabases: Database[] = [];

beforeAll(async () => {
  t = await startTestServer({ webhookDelivery: false });
  u = await demoUnits(t.database.db);
  receiver = await Receiver.start();
  admin = await t.token(Role.CITY_ADMIN);
  key = await t.apiKey({ unit: { type: 'Street', key: u.street.id } });
});
afterAll(async () => {
  for (const worker of workers) await worker.close().catch(() => {});
  for (const database of extraDatabases) await database.close();
  await t?.close();
  await receiver?.close();
});

/** Another server with webhooks on; on a PostgreSQL server, with its own connection pool, as another process would have. */
async function startWorker(): Promise<RunningServer> {
  let database = t.database;
  if (onServer()) {
    database = await openDatabase({ url: t.database.url!, listenUrl: t.database.listenUrl });
    extraDatabases.push(database);
  }
  const worker = await startServer({ ...t.config, webhookDelivery: true, webhookPollMs: 200 }, database, 0);
  workers.push(worker);
  return worker;
}

async function endpoint(path: string): Promise<number> {
  const r = await t.gql(`mutation($input: WebhookEndpointCreateInput!) {
    webhookEndpointCreate(input: $input) { webhookEndpoint { id } userErrors { code } } }`, { input: { url: receiver.url(path), topics: ['INCIDENTS'] } }, key);
  expect(r.data.webhookEndpointCreate.userErrors).toEqual([]);
  return Number(Buffer.from(r.data.webhookEndpointCreate.webhookEndpoint.id, 'base64').toString().split(':')[1]);
}

async function report(count: number): Promise<string[]> {
  const api = incidentClient(t);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const r = await api.report(admin, { category: 'ENVIRONMENT', title: `楼道堆放杂物 ${i}`, description: '纸箱', gridId: u.ids.level2 });
    ids.push(r.incident.id);
  }
  return ids;
}

function incidentsReceived(path: string): string[] {
  return receiver.on(path).map((r) => JSON.parse(r.body).event.incident.id);
}

async function deliveriesOf(endpointId: number) {
  return t.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
}

describe('restarts and several processes', () => {
  test('events published while no worker runs are delivered after a restart, each exactly once', async () => {
    const endpointId = await endpoint('/ok?restart');
    const first = await startWorker();
    const before = await report(3);
    await until(() => incidentsReceived('/ok?restart').length === 3, 'the first three deliveries');
    await first.close();

    const meanwhile = await report(4);
    expect(incidentsReceived('/ok?restart').sort()).toEqual([...before].sort());

    await startWorker();
    await until(() => incidentsReceived('/ok?restart').length >= 7, 'the four published while stopped');
    await until(async () => (await deliveriesOf(endpointId)).every((d) => d.status === 'DELIVERED') && true, 'every delivery recorded');
    // Sent concurrently, so compared as sets; each exactly once.
    expect(incidentsReceived('/ok?restart').sort()).toEqual([...before, ...meanwhile].sort());
    const rows = await deliveriesOf(endpointId);
    expect(rows).toHaveLength(7);
    expect(new Set(receiver.on('/ok?restart').map((r) => r.headers['x-gridgov-delivery'])).size).toBe(7);
  }, 120_000);

  test('two workers on one database share the work without sending anything twice', async () => {
    await startWorker();
    const endpoints = [await endpoint('/slow?a'), await endpoint('/slow?b')];
    const published = await report(15);
    for (const path of ['/slow?a', '/slow?b']) {
      await until(() => receiver.on(path).length >= 15, `fifteen deliveries to ${path}`, 60_000);
    }
    for (const endpointId of endpoints) {
      await until(async () => {
        const rows = await deliveriesOf(endpointId);
        return rows.length === 15 && rows.every((d) => d.status === 'DELIVERED');
      }, 'every delivery recorded', 60_000);
      expect((await deliveriesOf(endpointId)).every((d) => d.attemptCount === 1)).toBe(true);
    }
    for (const path of ['/slow?a', '/slow?b']) {
      expect(receiver.on(path)).toHaveLength(15);
      expect(new Set(incidentsReceived(path))).toEqual(new Set(published));
    }
  }, 120_000);
});
