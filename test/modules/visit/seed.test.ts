/**
 * The demo city's visits, checked on the city every test file starts from (nothing is seeded
 * whole here): determinism by seeding the visits again in a rolled-back transaction.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rowsOf, type Database } from '../../../src/db/client';
import { inTransaction } from '../../../src/db/transaction';
import { SEED_TIMESTAMP } from '../../../src/modules/grid/grid.seed';
import { workerDuties } from '../../../src/modules/visit/duty.service';
import { seedVisits } from '../../../src/modules/visit/visit.seed';
import { openTestDatabase } from '../../helpers/database';

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database?.close());

const SNAPSHOT = sql`select
  (select json_agg(v order by v.id) from (select id, household_id, grid_id, staff_member_id, visitor_subject, kind, visited_at, notes from household_visits) v) as visits,
  (select json_agg(f order by f.id) from (select id, visit_id, category, description, incident_id from visit_findings) f) as findings`;

describe('the seeded visits', () => {
  test('four months before the reference date, by micro-grid workers in their own grids', async () => {
    const [row] = await rowsOf<{ n: number; first: string; last: string; outside: number; kinds: number }>(database.db, sql`
      select count(*)::int as n, min(visited_at)::text as first, max(visited_at)::text as last,
        count(*) filter (where v.grid_id <> h.grid_id or v.staff_member_id is null)::int as outside,
        count(distinct v.kind)::int as kinds
      from household_visits v join households h on h.id = v.household_id`);
    expect(row.n).toBeGreaterThan(1000);
    expect(new Date(row.first).getTime()).toBeGreaterThanOrEqual(new Date('2026-07-01T00:00:00+08:00').getTime());
    expect(new Date(row.last).getTime()).toBeLessThan(SEED_TIMESTAMP.getTime());
    expect(row.outside).toBe(0);
    expect(row.kinds).toBe(4);
  });

  test('findings are the incidents grid workers reported from a household, linked both ways and found before the report', async () => {
    const [row] = await rowsOf<{ findings: number; mismatched: number; unlinked: number }>(database.db, sql`
      select count(*)::int as findings,
        count(*) filter (where i.household_id <> v.household_id or i.reporter_subject <> v.visitor_subject or v.visited_at >= i.reported_at or i.category <> f.category)::int as mismatched,
        (select count(*)::int from incidents i2 join staff_members s on s.subject = i2.reporter_subject
          where i2.household_id is not null and i2.reported_at >= '2026-07-01T00:00:00+08:00'
            and s.id in (select staff_member_id from staff_assignments where role = 'MICRO_GRID_WORKER')
            and not exists (select 1 from visit_findings f2 where f2.incident_id = i2.id)) as unlinked
      from visit_findings f join household_visits v on v.id = f.visit_id join incidents i on i.id = f.incident_id`);
    expect(row.findings).toBeGreaterThan(0);
    expect(row.mismatched).toBe(0);
    expect(row.unlinked).toBe(0);
  });

  test('most workers met their duty in September, some did not; October\'s quarter is still running', async () => {
    const september = await workerDuties(database.db, {}, '2026-09');
    const met = september.filter((d) => d.met).length;
    expect(september.length).toBeGreaterThan(10);
    expect(met / september.length).toBeGreaterThan(0.5);
    expect(met).toBeLessThan(september.length);
    const october = await workerDuties(database.db, {}, '2026-10');
    expect(october.every((d) => d.dataRefresh.overdue === 0)).toBe(true);
    expect(october.some((d) => d.dataRefresh.done < d.dataRefresh.due)).toBe(true);
  });

  test('seeding again gives the same rows, quickly', async () => {
    const [stored] = await rowsOf<Record<string, unknown>>(database.db, SNAPSHOT);
    const rollback = new Error('rollback');
    let again: Record<string, unknown> | undefined;
    let ms = 0;
    await inTransaction(database.db, async (tx) => {
      await tx.execute(sql`delete from visit_findings`);
      await tx.execute(sql`delete from household_visits`);
      const started = performance.now();
      await seedVisits(tx);
      ms = performance.now() - started;
      [again] = await rowsOf<Record<string, unknown>>(tx, SNAPSHOT);
      throw rollback;
    }).catch((error) => {
      if (error !== rollback) throw error;
    });
    expect(again).toEqual(stored);
    expect(ms).toBeLessThan(3000);
  });
});
