import { count, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rowsOf } from '../../src/db/client';
import { contains } from '../../src/db/search';
import { buildings, communities, grids, households, residents, streets } from '../../src/modules/grid/grid.tables';
import { reportingUnits } from '../../src/modules/party/party.tables';
import { compounds } from '../../src/modules/property/property.tables';
import { merchants, volunteers, volunteerTeams } from '../../src/modules/volunteer/volunteer.tables';
import { onServer } from '../helpers/database';
import { demoUnits } from '../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../helpers/server';

/** Issue 14: substring searches cannot hold the database, whatever text they are sent. */
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

const SEARCHED: [string, PgTable, PgColumn][] = [
  ['streets_name_trgm_idx', streets, streets.name],
  ['communities_name_trgm_idx', communities, communities.name],
  ['grids_name_trgm_idx', grids, grids.name],
  ['buildings_name_trgm_idx', buildings, buildings.name],
  ['buildings_address_trgm_idx', buildings, buildings.address],
  ['households_address_trgm_idx', households, households.address],
  ['residents_name_trgm_idx', residents, residents.name],
  ['compounds_name_trgm_idx', compounds, compounds.name],
  ['reporting_units_name_trgm_idx', reportingUnits, reportingUnits.name],
  ['volunteers_name_trgm_idx', volunteers, volunteers.name],
  ['volunteer_teams_name_trgm_idx', volunteerTeams, volunteerTeams.name],
  ['merchants_name_trgm_idx', merchants, merchants.name],
];

describe('substring searches have a trigram index', () => {
  // The demo city at scale 1 is small enough for the planner to read whole tables; without
  // sequential scans it shows which index the searches' own condition can use.
  test.each(SEARCHED)('%s serves `contains` on its column, for Chinese text and for a text at the cap', async (index, table, column) => {
    for (const text of ['新立河社区', `李${'x'.repeat(99)}`]) {
      const plan = await t.database.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const rows = await rowsOf<{ 'QUERY PLAN': string }>(tx, sql`explain ${tx.select({ n: count() }).from(table).where(contains(column, text))}`);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain(`Bitmap Index Scan on ${index}`);
    }
  });
});

describe.runIf(onServer())('hostile searches in parallel (PostgreSQL server)', () => {
  const SEARCH = 'query($f: ResidentFilter) { residents(first: 100, filter: $f) { totalCount nodes { id name } } }';
  const OTHER_USERS_QUERY = '{ streets(first: 5) { nodes { name communities(first: 5) { totalCount } } } }';
  let attacker: string;
  let other: string;

  beforeAll(async () => {
    attacker = await t.token(Role.CITY_ADMIN, undefined, 'search-attacker');
    other = await t.token(Role.STREET_OFFICER, { type: 'Street', key: (await demoUnits(t.database.db)).street.id }, 'search-bystander');
    // The first answers load and compile the modules behind them: the bound is for a server that has served before.
    expect((await t.gql(OTHER_USERS_QUERY, {}, other)).errors).toBeUndefined();
    expect((await t.gql(SEARCH, { f: { nameContains: '李' } }, attacker)).errors).toBeUndefined();
  });

  test.each([
    ['100 characters, the most a search may have, that no name matches', `李${'x'.repeat(99)}`],
    ['one character, which no trigram index can serve', '李'],
  ])('ten searches of %s from one token leave another user\'s query answering within 1 s', async (_what, text) => {
    const searches = Array.from({ length: 10 }, () => t.gql(SEARCH, { f: { nameContains: text } }, attacker));
    const started = performance.now();
    const answer = await t.gql(OTHER_USERS_QUERY, {}, other);
    const waited = performance.now() - started;
    expect(answer.errors).toBeUndefined();
    expect(waited).toBeLessThan(1_000);
    for (const search of await Promise.all(searches)) expect(search.errors).toBeUndefined();
  });

  // What is left of their cost is reading ten bodies of half a megabyte each; the database never sees them.
  test('ten searches of 500,000 characters (the issue\'s attack) are refused without a single SQL statement, naming the field', async () => {
    const before = t.database.statements.count;
    const searches = await Promise.all(Array.from({ length: 10 }, () => t.gql(SEARCH, { f: { nameContains: 'x'.repeat(500_000) } }, attacker)));
    expect(t.database.statements.count).toBe(before);
    for (const search of searches) expect(search.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'filter', field: ['filter', 'nameContains'] });
  });
});
