import type { PGlite } from '@electric-sql/pglite';
import { openDatabase, wrapPglite, type Database } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { TEST_PERSONAL_DATA_KEY } from './database';
import { seedDemoCity } from '../../src/seed/demo-city';

export interface SeededTwins {
  database: Database;
  /** A second database seeded the same way, for the determinism checks. */
  twin: Database;
  counts: Record<string, number>;
  twinCounts: Record<string, number>;
}

/** Two in-memory databases, each migrated and given the demo city at scale 1. */
export async function seedTwins(): Promise<SeededTwins> {
  const database = await openDatabase({});
  await migrateDatabase(database, TEST_PERSONAL_DATA_KEY);
  // Cloning the migrated database is much faster than starting a second one.
  const twin = wrapPglite((await database.pglite!.clone()) as PGlite);
  const counts = await seedDemoCity(database.db, { scale: 1, personalDataKey: TEST_PERSONAL_DATA_KEY });
  const twinCounts = await seedDemoCity(twin.db, { scale: 1, personalDataKey: TEST_PERSONAL_DATA_KEY });
  return { database, twin, counts, twinCounts };
}
