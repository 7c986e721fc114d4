import { count } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiKeyTopic } from '../../../src/auth/topics';
import { incidents } from '../../../src/modules/incident/incident.tables';
import { demoUnits } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let base: string;
let key: string;
let point: { lat: string; long: string };

beforeAll(async () => {
  // A filing costs 1 point and 10 for the write (the mutation weight): three fit in 35, a fourth does not.
  t = await startTestServer({ rateLimitPointsPerHour: 35, rateLimitMutationWeight: 10, rateLimitCostUnit: 100 });
  base = `http://localhost:${t.server.port}/open311/v2`;
  const u = await demoUnits(t.database.db);
  const xs = u.micro.boundary.map((p) => p[0]);
  const ys = u.micro.boundary.map((p) => p[1]);
  point = { long: String((Math.min(...xs) + Math.max(...xs)) / 2), lat: String((Math.min(...ys) + Math.max(...ys)) / 2) };
  key = await t.apiKey({ unit: { type: 'Street', key: u.street.id }, topics: [ApiKeyTopic.INCIDENTS] });
});
afterAll(async () => t?.close());

test('Open311 spends the key\'s GraphQL budget: past it, 429 with Retry-After and nothing filed', async () => {
  const file = () => fetch(`${base}/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: key, service_code: 'ENVIRONMENT', ...point, description: '楼道堆物' }),
  });
  for (let i = 0; i < 3; i += 1) expect((await file()).status).toBe(200);
  const [before] = await t.database.db.select({ n: count() }).from(incidents);
  const refused = await file();
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await refused.json()).toEqual([{ code: 429, description: expect.stringContaining('budget') }]);
  const [after] = await t.database.db.select({ n: count() }).from(incidents);
  expect(after.n).toBe(before.n);
});
