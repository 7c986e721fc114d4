/**
 * The demo city: every domain's seed, in one transaction, so that a failed seed leaves
 * nothing behind. Deterministic for a given scale.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client';
import { inTransaction } from '../db/transaction';
import { seedGrid } from '../modules/grid/grid.seed';

export interface DemoCityOptions {
  /** 1 ≈ 5,000 residents; 60 ≈ 300,000. */
  scale: number;
}

export async function seedDemoCity(db: Queryable, options: DemoCityOptions): Promise<Record<string, number>> {
  return inTransaction(db, async (tx) => {
    const grid = await seedGrid(tx, options);
    // Other domains (incidents, party, property, volunteers) add their seeds here.
    return { ...grid };
  });
}

/** Whether the demo city (or any real data) is already there: any district exists. */
export async function isSeeded(db: Queryable): Promise<boolean> {
  const [row] = await rowsOf<{ seeded: boolean }>(db, sql`select exists (select 1 from districts) as seeded`);
  return row?.seeded === true;
}
