import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { toGlobalId } from '../../src/graphql/ids';
import { buildings, communities, grids, households, residents, streets } from '../../src/modules/grid/grid.tables';
import { TEST_PERSONAL_DATA_KEY } from './database';

/** A residents row with its ID card number opened, as a test that types it in needs it. */
const opened = (row: typeof residents.$inferSelect) => ({ ...row, idCardNumber: TEST_PERSONAL_DATA_KEY.open(row.idCardEncrypted) });

/** Units of the seeded demo city that tests act on: the first of each, and one elsewhere. */
export async function demoUnits(db: Db) {
  const [street, otherStreet] = await db.select().from(streets).orderBy(asc(streets.id)).limit(2);
  const [community] = await db.select().from(communities).where(eq(communities.streetId, street.id)).orderBy(asc(communities.id)).limit(1);
  const [level2] = await db.select().from(grids).where(and(eq(grids.communityId, community.id), eq(grids.level, 'LEVEL_2'))).orderBy(asc(grids.id)).limit(1);
  const [otherLevel2] = await db.select().from(grids).where(and(eq(grids.level, 'LEVEL_2'), ne(grids.id, level2.id))).orderBy(asc(grids.id)).limit(1);
  const [micro] = await db.select().from(grids).where(eq(grids.parentGridId, level2.id)).orderBy(asc(grids.id)).limit(1);
  const [building] = await db.select().from(buildings).where(eq(buildings.gridId, micro.id)).orderBy(asc(buildings.id)).limit(1);
  const [household] = await db.select().from(households).where(eq(households.buildingId, building.id)).orderBy(asc(households.id)).limit(1);
  const [otherHousehold] = await db.select().from(households).where(sql`${households.gridId} not in (select id from grids where code like ${level2.code} || '%')`).orderBy(asc(households.id)).limit(1);
  const [resident] = await db.select().from(residents).where(eq(residents.householdId, household.id)).orderBy(asc(residents.id)).limit(1);
  const [outsider] = await db.select().from(residents).where(eq(residents.householdId, otherHousehold.id)).limit(1);
  return {
    street, otherStreet, community, level2, otherLevel2, micro, building, household, otherHousehold,
    resident: opened(resident), outsider: opened(outsider),
    ids: {
      street: toGlobalId('Street', street.id),
      otherStreet: toGlobalId('Street', otherStreet.id),
      community: toGlobalId('Community', community.id),
      level2: toGlobalId('Grid', level2.id),
      otherLevel2: toGlobalId('Grid', otherLevel2.id),
      micro: toGlobalId('Grid', micro.id),
      building: toGlobalId('Building', building.id),
      household: toGlobalId('Household', household.id),
      otherHousehold: toGlobalId('Household', otherHousehold.id),
      resident: toGlobalId('Resident', resident.id),
      outsider: toGlobalId('Resident', outsider.id),
    },
  };
}

export type DemoUnits = Awaited<ReturnType<typeof demoUnits>>;
