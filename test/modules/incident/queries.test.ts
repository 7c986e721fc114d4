import { and, count, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { incidents } from '../../../src/modules/incident/incident.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;
let admin: string;
let officer: string;

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  admin = await t.token(Role.CITY_ADMIN);
  officer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id });
});
afterAll(async () => t?.close());

const OPEN = ['REPORTED', 'ACCEPTED', 'DISPATCHED', 'IN_PROGRESS', 'ESCALATED'] as const;

describe('incident lists', () => {
  test('the demo city has incidents in every state, some overdue', async () => {
    const r = await t.gql(`{ incidents(filter: { overdue: true }) { totalCount } all: incidents { totalCount } stats: incidentStats(from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { byStatus { status count } } }`, {}, admin);
    expect(r.errors).toBeUndefined();
    expect(r.data.incidents.totalCount).toBeGreaterThan(0);
    expect(r.data.stats.byStatus.map((s: { status: string }) => s.status).sort()).toEqual(
      ['ACCEPTED', 'CLOSED', 'DISPATCHED', 'ESCALATED', 'EXPLAINED', 'HANDLED', 'IN_PROGRESS', 'REPORTED'],
    );
  });

  test('filters: subtree, statuses, categories, overdue, reported between — equal to direct counts', async () => {
    const db = t.database.db;
    const from = new Date('2026-03-01T00:00:00+08:00');
    const to = new Date('2026-09-01T00:00:00+08:00');
    const [{ n: streetOpen }] = await db.select({ n: count() }).from(incidents).where(and(eq(incidents.streetId, u.street.id), inArray(incidents.status, [...OPEN])));
    const [{ n: overdue }] = await db.select({ n: count() }).from(incidents).where(and(eq(incidents.streetId, u.street.id), inArray(incidents.status, [...OPEN]), lt(incidents.deadline, new Date())));
    const [{ n: between }] = await db.select({ n: count() }).from(incidents).where(and(eq(incidents.streetId, u.street.id), gte(incidents.reportedAt, from), lte(incidents.reportedAt, to), eq(incidents.category, 'ENVIRONMENT')));
    const [{ n: inGrid }] = await db.select({ n: count() }).from(incidents).where(sql`${incidents.gridId} in (select id from grids where code like ${u.level2.code} || '%')`);
    const r = await t.gql(`query($street: ID!, $grid: ID!, $from: DateTime!, $to: DateTime!) {
      open: incidents(filter: { within: $street, statuses: [REPORTED, ACCEPTED, DISPATCHED, IN_PROGRESS, ESCALATED] }) { totalCount }
      overdue: incidents(filter: { within: $street, overdue: true }, first: 100) { totalCount nodes { overdue status deadline } }
      between: incidents(filter: { within: $street, categories: [ENVIRONMENT], reportedFrom: $from, reportedTo: $to }) { totalCount }
      inGrid: incidents(filter: { within: $grid }) { totalCount }
    }`, { street: u.ids.street, grid: u.ids.level2, from: from.toISOString(), to: to.toISOString() }, officer);
    expect(r.errors).toBeUndefined();
    expect(r.data.open.totalCount).toBe(streetOpen);
    expect(r.data.overdue.totalCount).toBe(overdue);
    expect(r.data.overdue.nodes.every((n: { overdue: boolean }) => n.overdue)).toBe(true);
    expect(r.data.between.totalCount).toBe(between);
    expect(r.data.inGrid.totalCount).toBe(inGrid);
  });

  test('a street officer sees only the incidents of the street', async () => {
    const [{ n }] = await t.database.db.select({ n: count() }).from(incidents).where(eq(incidents.streetId, u.street.id));
    const r = await t.gql(`{ incidents { totalCount } }`, {}, officer);
    expect(r.data.incidents.totalCount).toBe(n);
  });

  test('ordered by deadline, paged with cursors', async () => {
    const q = `query($after: String) { incidents(first: 5, after: $after, orderBy: { field: DEADLINE, direction: ASC }) { nodes { deadline } pageInfo { endCursor } } }`;
    const one = await t.gql(q, {}, officer);
    const two = await t.gql(q, { after: one.data.incidents.pageInfo.endCursor }, officer);
    const deadlines = [...one.data.incidents.nodes, ...two.data.incidents.nodes].map((n: { deadline: string }) => n.deadline);
    expect(deadlines).toEqual([...deadlines].sort());
    expect(deadlines).toHaveLength(10);
  });

  test('the timeline of every listed incident costs one statement', async () => {
    const before = t.database.statements.count;
    const r = await t.gql(`{ incidents(first: 50) { nodes { id timeline(first: 20) { totalCount nodes { action actor { role } } } } } }`, {}, officer);
    expect(r.errors).toBeUndefined();
    expect(t.database.statements.count - before).toBe(2);
  });
});

describe('incident statistics', () => {
  test('counts, closure rate, on-time rate and mean time to close agree with SQL', async () => {
    const from = new Date('2025-11-01T00:00:00+08:00');
    const to = new Date('2026-12-01T00:00:00+08:00');
    const rows = await t.database.db.select().from(incidents).where(and(eq(incidents.streetId, u.street.id), gte(incidents.reportedAt, from), lt(incidents.reportedAt, to)));
    const closed = rows.filter((r) => r.status === 'CLOSED');
    const explained = rows.filter((r) => r.status === 'EXPLAINED');
    const onTime = closed.filter((r) => r.closedAt! <= r.deadline);
    const meanHours = closed.reduce((s, r) => s + (r.closedAt!.getTime() - r.reportedAt.getTime()), 0) / closed.length / 3600_000;
    const r = await t.gql(`query($s: ID!, $from: DateTime!, $to: DateTime!) {
      incidentStats(within: $s, from: $from, to: $to) { total overdue closureRate onTimeRate meanHoursToClose byStatus { status count } byCategory { category count } }
    }`, { s: u.ids.street, from: from.toISOString(), to: to.toISOString() }, officer);
    expect(r.errors).toBeUndefined();
    const stats = r.data.incidentStats;
    expect(stats.total).toBe(rows.length);
    expect(closed.length).toBeGreaterThan(0);
    expect(stats.closureRate).toBeCloseTo((closed.length + explained.length) / rows.length, 10);
    expect(stats.onTimeRate).toBeCloseTo(onTime.length / closed.length, 10);
    expect(stats.onTimeRate).toBeLessThan(1);
    expect(stats.meanHoursToClose).toBeCloseTo(meanHours, 6);
    expect(stats.byStatus.reduce((s: number, x: { count: number }) => s + x.count, 0)).toBe(rows.length);
    expect(stats.byCategory.reduce((s: number, x: { count: number }) => s + x.count, 0)).toBe(rows.length);
  });

  test('an empty period has no rates rather than a division by zero', async () => {
    const r = await t.gql(`{ incidentStats(from: "1990-01-01T00:00:00Z", to: "1990-02-01T00:00:00Z") { total closureRate onTimeRate meanHoursToClose } }`, {}, officer);
    expect(r.data.incidentStats).toEqual({ total: 0, closureRate: null, onTimeRate: null, meanHoursToClose: null });
    const backwards = await t.gql(`{ incidentStats(from: "1990-02-01T00:00:00Z", to: "1990-01-01T00:00:00Z") { total } }`, {}, officer);
    expect(backwards.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('residents get no statistics', async () => {
    const resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id });
    const r = await t.gql(`{ incidentStats(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { total } }`, {}, resident);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
