import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { loadConfig } from '../../../src/config';
import { MIGRATIONS_FOLDER, openDatabase, rowsOf, type Database } from '../../../src/db/client';
import { migrateDatabase } from '../../../src/db/migrate';
import { idCardCheckChar, maskIdCard } from '../../../src/modules/grid/identity';
import { startServer, type RunningServer } from '../../../src/server/server';
import { issueToken } from '../../../src/auth/viewer';
import { Role } from '../../../src/auth/roles';
import { onServer, TEST_PERSONAL_DATA_KEY } from '../../helpers/database';
import { withDatabase } from '../../helpers/database-url';

/**
 * The upgrade of a database whose residents hold their ID card numbers in the clear: at the
 * migration before the sealed columns, written by drizzle's own migrator (as the previous
 * build ran it), then started with this build.
 */
const RESIDENTS = 12_345; // more than two batches of the sealing step
const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
const firstNew = journal.entries.findIndex((e) => e.tag.endsWith('_id_card_encryption'));

/** A copy of the migrations folder that ends before the ID card encryption. */
function previousBuildMigrations(dir: string): string {
  const folder = path.join(dir, 'migrations');
  fs.cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const entries = journal.entries.slice(0, firstNew);
  fs.writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return folder;
}

/** Distinct valid numbers: born 1960-01-01 to 1960-01-13, a thousand a day. */
const numberOf = (i: number) => {
  const first17 = `371602196001${String(1 + Math.floor(i / 1000)).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
  return first17 + idCardCheckChar(first17);
};

/** The resident whose number the previous build kept with a lower-case x. */
const withX = Array.from({ length: RESIDENTS }, (_, i) => i).find((i) => numberOf(i).endsWith('X'))!;

let dir: string;
let database: Database;
let dropDatabase: () => Promise<void> = async () => {};
const numbers = new Map<number, string>();

async function openEmpty(): Promise<Database> {
  if (!onServer()) return openDatabase({});
  const serverUrl = inject('serverUrl');
  const name = `${inject('databasePrefix')}_upgrade_${process.pid}_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  dropDatabase = async () => {
    const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await cleanup.unsafe(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  };
  return openDatabase({ url: withDatabase(serverUrl, name), poolSize: 4 });
}

beforeAll(async () => {
  expect(firstNew).toBeGreaterThan(0);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-upgrade-'));
  database = await openEmpty();
  const config = { migrationsFolder: previousBuildMigrations(dir) };
  if (database.driver === 'pglite') await migratePglite(database.db as never, config);
  else await migratePostgres(database.db as never, config);

  const db = database.db;
  await db.execute(sql`insert into districts (id, code, name) values (1, '371602', '滨城区')`);
  await db.execute(sql`insert into streets (id, district_id, code, name) values (1, 1, '371602001', '市中街道')`);
  await db.execute(sql`insert into communities (id, district_id, street_id, code, name) values (1, 1, 1, '371602001001', '黄河社区')`);
  await db.execute(sql`insert into grids (id, district_id, street_id, community_id, level, depth, code, name, boundary)
    values (1, 1, 1, 1, 'LEVEL_1', 1, '371602001001-01', '一网格', '((0,0),(0,1),(1,1),(1,0))')`);
  await db.execute(sql`insert into buildings (id, district_id, street_id, community_id, grid_id, name, address) values (1, 1, 1, 1, 1, '1号楼', '黄河社区1号楼')`);
  await db.execute(sql`insert into households (id, district_id, street_id, community_id, grid_id, building_id, room, address, floor_area)
    values (1, 1, 1, 1, 1, 1, '101', '黄河社区1号楼101', 90)`);
  const rows = Array.from({ length: RESIDENTS }, (_, i) => {
    // One number written with a lower-case x, as an old import may have kept it.
    const number = i === withX ? numberOf(i).toLowerCase() : numberOf(i);
    numbers.set(i + 1, number);
    return { id: i + 1, n: number };
  });
  expect(new Set(rows.map((r) => r.n.toUpperCase())).size).toBe(RESIDENTS);
  await db.execute(sql`insert into residents (id, district_id, street_id, community_id, grid_id, household_id, name, id_card_number, gender, birth_date, registration)
    select id, 1, 1, 1, 1, 1, '居民' || id, n, 'MALE', '1960-01-01', 'REGISTERED' from json_to_recordset(${JSON.stringify(rows)}::json) as r(id int, n text)`);
  await db.execute(sql`select setval('residents_id_seq', ${RESIDENTS})`);
}, 300_000);

afterAll(async () => {
  await database?.close();
  await dropDatabase();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('starting this build on a database with plaintext ID card numbers', () => {
  let server: RunningServer;

  test('the migration seals every number, then drops the plaintext column (on a server, three processes starting at once)', async () => {
    const [{ plaintext }] = await rowsOf<{ plaintext: number }>(database.db, sql`select count(*)::int as plaintext from residents where id_card_number ~ '[0-9]{17}[0-9Xx]'`);
    expect(plaintext).toBe(RESIDENTS);

    const others = onServer() ? await Promise.all([1, 2].map(() => openDatabase({ url: database.url, poolSize: 2 }))) : [];
    try {
      await Promise.all([database, ...others].map((process) => migrateDatabase(process, TEST_PERSONAL_DATA_KEY)));
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }

    const columns = await rowsOf<{ column: string; nullable: string }>(database.db, sql`
      select column_name as "column", is_nullable as nullable from information_schema.columns
      where table_name = 'residents' and column_name like 'id_card%' order by 1`);
    expect(columns).toEqual([
      { column: 'id_card_encrypted', nullable: 'NO' }, { column: 'id_card_hash', nullable: 'NO' }, { column: 'id_card_masked', nullable: 'NO' },
    ]);
    const rows = await rowsOf<{ id: number; encrypted: string; hash: string; masked: string }>(database.db, sql`
      select id, id_card_encrypted as encrypted, id_card_hash as hash, id_card_masked as masked from residents order by id`);
    expect(rows.length).toBe(RESIDENTS);
    const wrong = rows.filter((r) => {
      const number = numbers.get(r.id)!.toUpperCase();
      return TEST_PERSONAL_DATA_KEY.open(r.encrypted) !== number || r.hash !== TEST_PERSONAL_DATA_KEY.lookup(number) || r.masked !== maskIdCard(number);
    });
    expect(wrong).toEqual([]);
    const [{ whole }] = await rowsOf<{ whole: number }>(database.db, sql`
      select count(*)::int as whole from residents r where exists (
        select 1 from jsonb_each_text(to_jsonb(r)) c where c.value ~ '[0-9]{17}[0-9Xx]')`);
    expect(whole).toBe(0);
    // Each migration recorded once: the processes took turns, and the later ones found nothing to do.
    const [book] = await rowsOf<{ applied: number; distinct: number }>(database.db, sql`
      select count(*)::int as applied, count(distinct created_at)::int as distinct from drizzle.__drizzle_migrations`);
    expect(book).toEqual({ applied: journal.entries.length, distinct: journal.entries.length });
  }, 120_000);

  test('starting again changes nothing', async () => {
    const snapshot = sql`select md5(string_agg(id_card_encrypted, ',' order by id)) as digest from residents`;
    const [before] = await rowsOf<{ digest: string }>(database.db, snapshot);
    await migrateDatabase(database, TEST_PERSONAL_DATA_KEY);
    expect(await rowsOf<{ digest: string }>(database.db, snapshot)).toEqual([before]);
  });

  test('a start with another key is refused, and changes nothing', async () => {
    const other = loadConfig({ NODE_ENV: 'test', PERSONAL_DATA_KEY: randomBytes(32).toString('base64') } as NodeJS.ProcessEnv).personalDataKey;
    await expect(migrateDatabase(database, other)).rejects.toThrow(/PERSONAL_DATA_KEY does not open the ID card numbers in this database/);
  });

  test('the started API finds a converted resident by number and reveals the number', async () => {
    const config = { ...loadConfig({ NODE_ENV: 'test' } as NodeJS.ProcessEnv), rateLimitPointsPerHour: 0, port: 0 };
    server = await startServer(config, database, 0);
    try {
      const token = await issueToken({ sub: 'upgrade-officer', role: Role.STREET_OFFICER, unit: { type: 'Street', key: 1 } }, config.jwtSecret!, { issuer: config.jwtIssuer, audience: config.jwtAudience });
      const query = `query($n: String!) { residents(filter: { idCardNumber: $n }) { nodes { name idCardNumber personalData(reason: "升级后核对") { idCardNumber } } } }`;
      const response = await fetch(server.url, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: { n: numbers.get(withX + 1) } }),
      });
      const body = (await response.json()) as { data: { residents: { nodes: unknown[] } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      const number = numbers.get(withX + 1)!.toUpperCase();
      expect(body.data.residents.nodes).toEqual([{ name: `居民${withX + 1}`, idCardNumber: maskIdCard(number), personalData: { idCardNumber: number } }]);
    } finally {
      await server.close();
    }
  });
});
