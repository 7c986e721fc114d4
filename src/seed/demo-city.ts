/**
 * The demo city: every domain's seed, in one transaction, so that a failed seed leaves
 * nothing behind. Deterministic for a given scale.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client';
import { inTransaction } from '../db/transaction';
import { seedGrid } from '../modules/grid/grid.seed';
import { seedIncidents } from '../modules/incident/incident.seed';
import { seedProperty } from '../modules/property/property.seed';

export interface DemoCityOptions {
  /** 1 ≈ 5,000 residents; 60 ≈ 300,000. */
  scale: number;
}

export async function seedDemoCity(db: Queryable, options: DemoCityOptions): Promise<Record<string, number>> {
  return inTransaction(db, async (tx) => {
    const grid = await seedGrid(tx, options);
    // Incidents happen in the grids, reported by the grid workers and residents seeded above.
    const incident = await seedIncidents(tx, options);
    // The property triad: compounds over the micro grids' buildings, with their committees, companies, ledgers and votes.
    const property = await seedProperty(tx, options);
    // Other domains (party, property, volunteers) add their seeds here.
    return { ...grid, ...incident, ...property };
  });
}

/** Whether the demo city (or any real data) is already there: any district exists. */
export async function isSeeded(db: Queryable): Promise<boolean> {
  const [row] = await rowsOf<{ seeded: boolean }>(db, sql`select exists (select 1 from districts) as seeded`);
  return row?.seeded === true;
}
