import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client';

/**
 * Whether the demo city (or any real data) is already there: any district exists. Apart from
 * the seed itself, so that a start which finds data never loads the seed's code and faker.
 */
export async function isSeeded(db: Queryable): Promise<boolean> {
  const [row] = await rowsOf<{ seeded: boolean }>(db, sql`select exists (select 1 from districts) as seeded`);
  return row?.seeded === true;
}
