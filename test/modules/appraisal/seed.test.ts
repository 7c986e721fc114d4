import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../../src/db/client';
import { seedAppraisal } from '../../../src/modules/appraisal/appraisal.seed';
import { communityPeerReviews, dailyPointEntries, workerRatings } from '../../../src/modules/appraisal/appraisal.tables';
import { communities, staffAssignments } from '../../../src/modules/grid/grid.tables';
import { openTestDatabase } from '../../helpers/database';

let database: Database;

const snapshot = async () => {
  const db = database.db;
  const strip = <T extends { id: number }>(rows: T[]) => rows.map(({ id: _id, ...rest }) => rest);
  return {
    entries: strip(await db.select().from(dailyPointEntries).orderBy(asc(dailyPointEntries.id))),
    ratings: strip(await db.select().from(workerRatings).orderBy(asc(workerRatings.id))),
    reviews: strip(await db.select().from(communityPeerReviews).orderBy(asc(communityPeerReviews.id))),
  };
};

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

describe('seedAppraisal at scale 1 (through seedDemoCity)', () => {
  test('a year of manual daily points for every serving micro-grid worker, at the rules\' values', async () => {
    const db = database.db;
    const [{ workers }] = await db.select({ workers: sql<number>`count(distinct ${staffAssignments.staffMemberId})::int` }).from(staffAssignments)
      .where(sql`${staffAssignments.role} = 'MICRO_GRID_WORKER' and ${staffAssignments.endedOn} is null`);
    const months = await db.select({ month: sql<string>`to_char(${dailyPointEntries.day}, 'YYYY-MM')`, n: sql<number>`count(distinct ${dailyPointEntries.staffMemberId})::int` })
      .from(dailyPointEntries).where(eq(dailyPointEntries.rule, 'MEETING')).groupBy(sql`1`).orderBy(sql`1`);
    expect(months).toHaveLength(12);
    expect(months.every((m) => m.n === workers)).toBe(true);
    expect(months[11].month).toBe('2026-10');
    const [bad] = await db.select({ n: sql<number>`count(*)::int` }).from(dailyPointEntries).where(sql`
      (${dailyPointEntries.rule} = 'MEETING' and ${dailyPointEntries.points} <> 2 * ${dailyPointEntries.quantity})
      or (${dailyPointEntries.rule} = 'COMPLAINT' and ${dailyPointEntries.points} >= 0)`);
    expect(bad.n).toBe(0);
  });

  test('quarterly ratings since the start of last year, at most one per household, worker and quarter', async () => {
    const periods = await database.db.selectDistinct({ period: workerRatings.period }).from(workerRatings).orderBy(asc(workerRatings.period));
    expect(periods.map((p) => p.period)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3']);
  });

  test('last year every community reviewed every other community of its street', async () => {
    const all = await database.db.select().from(communities);
    const expected = all.reduce((n, c) => n + all.filter((o) => o.streetId === c.streetId && o.id !== c.id).length, 0);
    const reviews = await database.db.select().from(communityPeerReviews).where(eq(communityPeerReviews.year, 2025));
    expect(reviews).toHaveLength(expected);
  });

  test('deterministic: seeding again gives the same rows', async () => {
    const first = await snapshot();
    const db = database.db;
    await db.delete(dailyPointEntries);
    await db.delete(workerRatings);
    await db.delete(communityPeerReviews);
    await seedAppraisal(db);
    expect(await snapshot()).toEqual(first);
  });
});
