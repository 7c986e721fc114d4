import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rateLimitWindows } from '../../src/db/rate-limit.tables';
import { loadConfig } from '../../src/config';
import { operationCharge, pruneRateLimitWindows, RateLimiter } from '../../src/server/rate-limit';
import { startServer } from '../../src/server/server';
import { Role, startTestServer, type TestServer } from '../helpers/server';
import { overSocket } from '../helpers/over-socket';

const BUDGET = 100;
/** 1 (streets) + 2 × (nodes + name). */
const CHEAP = '{ streets(first: 2) { nodes { name } } }';
const CHEAP_COST = 5;
/** 1 + 10 × 2. */
const DEARER = '{ streets(first: 10) { nodes { name } } }';

interface Body {
  data?: any;
  errors?: { message: string; extensions: Record<string, any> }[];
  extensions?: { rateLimit?: { cost: number; remaining: number; limit: number; resetAt: string } };
}

let t: TestServer;

beforeAll(async () => {
  // A cost unit of 1 charges each field a point, so the figures below are the query costs.
  t = await startTestServer({ rateLimitPointsPerHour: BUDGET, rateLimitMutationWeight: 10, rateLimitCostUnit: 1 });
});
afterAll(async () => t?.close());

const nextHour = () => new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000).toISOString();

async function ask(query: string, token: string, url = t.server.url): Promise<{ response: Response; body: Body }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  return { response, body: (await response.json()) as Body };
}

test('every answer carries the budget left; spent down, the next operation is refused with 429, Retry-After and the reset time', async () => {
  const token = await t.token(Role.CITY_ADMIN, undefined, 'spender');
  const first = await ask(CHEAP, token);
  expect(first.body.extensions?.rateLimit).toEqual({ cost: CHEAP_COST, remaining: BUDGET - CHEAP_COST, limit: BUDGET, resetAt: nextHour() });
  for (let spent = 2 * CHEAP_COST; spent <= BUDGET - CHEAP_COST; spent += CHEAP_COST) {
    const { body } = await ask(CHEAP, token);
    expect(body.extensions?.rateLimit?.remaining).toBe(BUDGET - spent);
  }

  // 5 points left: a dearer operation is refused and charged nothing, so the cheap one still runs.
  const before = t.database.statements.count;
  const refused = await ask(DEARER, token);
  expect(refused.response.status).toBe(429);
  expect(Number(refused.response.headers.get('retry-after'))).toBe(refused.body.errors![0].extensions.retryAfter);
  expect(refused.body.data).toBeUndefined();
  expect(refused.body.errors![0].extensions).toEqual({
    code: 'RATE_LIMITED', limit: BUDGET, cost: 21, resetAt: nextHour(), retryAfter: expect.any(Number),
  });
  expect(refused.body.errors![0].extensions.retryAfter).toBeGreaterThan(0);
  expect(refused.body.errors![0].extensions.retryAfter).toBeLessThanOrEqual(3600);
  expect(t.database.statements.count).toBe(before);

  const last = await ask(CHEAP, token);
  expect(last.body.extensions?.rateLimit?.remaining).toBe(0);
  const spent = await ask(CHEAP, token);
  expect(spent.response.status).toBe(429);
  expect(spent.body.errors![0].extensions.code).toBe('RATE_LIMITED');

  const other = await ask(CHEAP, await t.token(Role.CITY_ADMIN, undefined, 'someone-else'));
  expect(other.body.extensions?.rateLimit?.remaining).toBe(BUDGET - CHEAP_COST);
});

test('by default a point buys 100 of query cost, started units rounded up, and a mutation field weighs 10 more', () => {
  const defaults = loadConfig({} as NodeJS.ProcessEnv);
  const charge = (cost: number, mutations = 0) => operationCharge(cost, mutations, defaults.rateLimitMutationWeight, defaults.rateLimitCostUnit);
  expect([defaults.rateLimitPointsPerHour, charge(1), charge(100), charge(101), charge(841), charge(10_000), charge(3, 1)]).toEqual([5_000, 1, 1, 2, 9, 100, 11]);
});

test('each mutation root field weighs 10 more than its fields', async () => {
  const token = await t.token(Role.CITY_ADMIN, undefined, 'mutator');
  const { body } = await ask('mutation { streetUpdate(id: "nothing", input: { name: "x" }) { userErrors { code } } }', token);
  expect(body.data.streetUpdate.userErrors[0].code).toBe('NOT_FOUND');
  expect(body.extensions?.rateLimit).toMatchObject({ cost: 3 + 10, remaining: BUDGET - 13 });
});

test('anonymous callers pay from their address\'s budget', async () => {
  const response = await fetch(t.server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: CHEAP }) });
  const body = (await response.json()) as Body;
  expect(body.extensions?.rateLimit?.cost).toBe(CHEAP_COST);
  const windows = await t.database.housekeeping.select().from(rateLimitWindows);
  expect(windows.filter((w) => w.viewerKey.startsWith('ip:')).map((w) => w.spent)).toEqual([CHEAP_COST]);
});

test('WebSocket operations are charged from the same budget, answer what is left, and are refused with RATE_LIMITED once it is spent', async () => {
  const token = await t.token(Role.CITY_ADMIN, undefined, 'socket-user');
  const client = t.wsClient(token);
  for (let i = 1; i <= BUDGET / CHEAP_COST; i += 1) {
    const answer = await overSocket(client, { query: CHEAP });
    expect(answer.errors).toBeUndefined();
    expect(answer.extensions?.rateLimit).toEqual({ cost: CHEAP_COST, remaining: BUDGET - i * CHEAP_COST, limit: BUDGET, resetAt: nextHour() });
  }
  const before = t.database.statements.count;
  const refused = await overSocket(client, { query: CHEAP });
  expect(refused.errors?.[0].extensions).toEqual({ code: 'RATE_LIMITED', limit: BUDGET, cost: CHEAP_COST, resetAt: nextHour(), retryAfter: expect.any(Number) });
  expect(t.database.statements.count).toBe(before);
  const overHttp = await ask(CHEAP, token);
  expect(overHttp.response.status).toBe(429);
});

test('two API processes on one database spend from one budget', async () => {
  const second = await startServer(t.config, t.database, 0);
  try {
    const token = await t.token(Role.CITY_ADMIN, undefined, 'two-processes');
    const a = await ask(CHEAP, token);
    const b = await ask(CHEAP, token, second.url);
    const c = await ask(CHEAP, token);
    expect([a, b, c].map((r) => r.body.extensions?.rateLimit?.remaining)).toEqual([95, 90, 85]);
  } finally {
    await second.close();
  }
});

describe('the hourly windows', () => {
  test('a new hour starts a fresh budget; concurrent charges never overspend it', async () => {
    const limiter = new RateLimiter(t.database.housekeeping, 50);
    const hour = new Date('2030-01-01T10:00:00Z');
    const charges = await Promise.all(Array.from({ length: 20 }, () => limiter.charge('sub:concurrent', 7, new Date(hour.getTime() + 60_000))));
    const admitted = charges.filter((c) => c.refused === null);
    expect(admitted).toHaveLength(7);
    expect(Math.min(...admitted.map((c) => c.status!.remaining))).toBe(1);
    const nextHourCharge = await limiter.charge('sub:concurrent', 7, new Date(hour.getTime() + 3_600_000));
    expect(nextHourCharge.status).toEqual({ cost: 7, remaining: 43, limit: 50, resetAt: '2030-01-01T12:00:00.000Z' });
    expect((await limiter.charge('sub:concurrent', 51, hour)).refused?.extensions.code).toBe('RATE_LIMITED');
  });

  test('windows that ended over an hour ago are pruned', async () => {
    const limiter = new RateLimiter(t.database.housekeeping, 50);
    await limiter.charge('sub:old', 1, new Date('2031-05-01T08:30:00Z'));
    await limiter.charge('sub:old', 1, new Date('2031-05-01T09:30:00Z'));
    await pruneRateLimitWindows(t.database.housekeeping, new Date('2031-05-01T10:30:00Z'));
    const left = await t.database.housekeeping.select().from(rateLimitWindows).where(eq(rateLimitWindows.viewerKey, 'sub:old'));
    expect(left.map((w) => w.windowStart.toISOString())).toEqual(['2031-05-01T09:00:00.000Z']);
  });
});
