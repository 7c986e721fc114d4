import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rowsOf, type Queryable } from '../../../src/db/client';
import { residents } from '../../../src/modules/grid/grid.tables';
import { idCardCheckChar, maskIdCard } from '../../../src/modules/grid/identity';
import { onServer, TEST_PERSONAL_DATA_KEY } from '../../helpers/database';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

/** What a whole ID card number looks like anywhere in stored text (PIPL art. 51: none at rest). */
const WHOLE_ID_CARD = '[0-9]{17}[0-9Xx]';

let t: TestServer;
let u: DemoUnits;
let worker: string;

const idCard = (first17: string) => first17 + idCardCheckChar(first17);
/** A woman born 1985-03-0d whose number ends in the check character X (none of the demo city has it). */
const withX = (() => {
  for (let seq = 100; ; seq += 2) {
    const first17 = `37160219850301${seq}`;
    if (idCardCheckChar(first17) === 'X') return `${first17}X`;
  }
})();

const RESIDENT_CREATE = `mutation($input: ResidentCreateInput!) {
  residentCreate(input: $input) { resident { id idCardNumber gender birthDate } userErrors { field code message } }
}`;
const RESIDENT_UPDATE = `mutation($id: ID!, $input: ResidentUpdateInput!) {
  residentUpdate(id: $id, input: $input) { resident { id idCardNumber } userErrors { field code message } }
}`;
const BY_NUMBER = `query($n: String!) { residents(filter: { idCardNumber: $n }) { totalCount nodes { id name idCardNumber } } }`;
const REVEAL = `query($id: ID!) { node(id: $id) { ... on Resident { personalData(reason: "核对身份证号") { idCardNumber } } } }`;

/** Every text-like column of the tables that hold ID card numbers or what people typed into imports. */
async function storedText(db: Queryable): Promise<{ table: string; column: string }[]> {
  return rowsOf<{ table: string; column: string }>(db, sql`
    select table_name as "table", column_name as "column" from information_schema.columns
    where table_schema = 'public' and table_name in ('residents', 'ledger_imports')
      and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`);
}

/** Rows of those columns that hold a whole ID card number, as `table.column: value` lines. */
async function wholeNumbersAtRest(db: Queryable): Promise<string[]> {
  const found: string[] = [];
  for (const { table, column } of await storedText(db)) {
    const rows = await rowsOf<{ value: string }>(db, sql`
      select ${sql.identifier(column)}::text as value from ${sql.identifier(table)} where ${sql.identifier(column)}::text ~ ${WHOLE_ID_CARD}`);
    found.push(...rows.map((r) => `${table}.${column}: ${r.value}`));
  }
  return found;
}

/** The SQLSTATE and DETAIL of a database error, through drizzle's wrapping. */
function databaseError(error: unknown): { code?: string; detail?: string } {
  for (let e = error as { code?: unknown; detail?: unknown; cause?: unknown } | undefined; e && typeof e === 'object'; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return { code: e.code, detail: e.detail as string | undefined };
  }
  return {};
}

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id });
});
afterAll(async () => t?.close());

describe('ID card numbers are encrypted at rest', () => {
  let created: string;

  test('a created resident is stored sealed, hashed and masked; the number still gives gender and birth date', async () => {
    const r = await t.gql(RESIDENT_CREATE, { input: { householdId: u.ids.household, name: '加密测试', idCardNumber: withX.toLowerCase(), registration: 'REGISTERED' } }, worker);
    expect(r.data.residentCreate.userErrors).toEqual([]);
    expect(r.data.residentCreate.resident).toMatchObject({ idCardNumber: maskIdCard(withX), gender: 'FEMALE', birthDate: '1985-03-01' });
    created = r.data.residentCreate.resident.id;
    const [row] = await t.database.db.select().from(residents).where(eq(residents.idCardHash, TEST_PERSONAL_DATA_KEY.lookup(withX)));
    expect(row).toMatchObject({ name: '加密测试', idCardMasked: maskIdCard(withX), idCardEncrypted: expect.stringMatching(/^v1:[A-Za-z0-9+/]+=*$/) });
    expect(row.idCardEncrypted).not.toContain(withX.slice(6, 14));
    expect(TEST_PERSONAL_DATA_KEY.open(row.idCardEncrypted)).toBe(withX);
  });

  test('no whole number is left in any text column of residents or import records, demo city included', async () => {
    const columns = (await storedText(t.database.db)).filter((c) => c.table === 'residents').map((c) => c.column);
    expect(columns).toEqual(expect.arrayContaining(['name', 'id_card_encrypted', 'id_card_hash', 'id_card_masked', 'phone']));
    expect(columns).not.toContain('id_card_number');
    expect(await wholeNumbersAtRest(t.database.db)).toEqual([]);
  });

  test('a duplicate, in either case of X, is a DUPLICATE user error naming idCardNumber, and nothing is written', async () => {
    const [{ n: before }] = await rowsOf<{ n: number }>(t.database.db, sql`select count(*)::int as n from residents`);
    for (const number of [withX, withX.toLowerCase(), u.resident.idCardNumber]) {
      const r = await t.gql(RESIDENT_CREATE, { input: { householdId: u.ids.household, name: '重复的人', idCardNumber: number, registration: 'REGISTERED' } }, worker);
      expect(r.data.residentCreate).toEqual({ resident: null, userErrors: [{ field: ['input', 'idCardNumber'], code: 'DUPLICATE', message: expect.any(String) }] });
      expect(JSON.stringify(r)).not.toMatch(new RegExp(WHOLE_ID_CARD));
    }
    const [{ n: after }] = await rowsOf<{ n: number }>(t.database.db, sql`select count(*)::int as n from residents`);
    expect(after).toBe(before);
  });

  test('the unique index is on the hash: the error PostgreSQL reports and logs for a duplicate names no number', async () => {
    const error = await t.database.db.execute(sql`
      insert into residents (district_id, street_id, community_id, grid_id, household_id, name, id_card_encrypted, id_card_hash, id_card_masked,
        gender, birth_date, registration)
      select district_id, street_id, community_id, grid_id, household_id, '重复', ${TEST_PERSONAL_DATA_KEY.seal(withX)}, id_card_hash, id_card_masked,
        gender, birth_date, registration from residents where id_card_hash = ${TEST_PERSONAL_DATA_KEY.lookup(withX)}`).then(() => null, (e: unknown) => e);
    const { code, detail } = databaseError(error);
    expect(code).toBe('23505');
    expect(detail).toBe(`Key (id_card_hash)=(${TEST_PERSONAL_DATA_KEY.lookup(withX)}) already exists.`);
    expect(detail).not.toMatch(new RegExp(WHOLE_ID_CARD));
  });

  test('exact search by number finds the person, in either case, and only whole valid numbers are searched', async () => {
    for (const number of [withX, withX.toLowerCase(), ` ${withX} `]) {
      const r = await t.gql(BY_NUMBER, { n: number }, worker);
      expect(r.errors).toBeUndefined();
      expect(r.data.residents).toEqual({ totalCount: 1, nodes: [{ id: created, name: '加密测试', idCardNumber: maskIdCard(withX) }] });
    }
    const seeded = await t.gql(BY_NUMBER, { n: u.resident.idCardNumber }, worker);
    expect(seeded.data.residents.nodes).toEqual([expect.objectContaining({ id: u.ids.resident })]);
    const nobody = await t.gql(BY_NUMBER, { n: idCard('37160219850301999') }, worker);
    expect(nobody.data.residents).toEqual({ totalCount: 0, nodes: [] });
    // Outside the viewer's area the number finds nobody: the search is scoped like every list.
    const elsewhere = await t.gql(BY_NUMBER, { n: u.outsider.idCardNumber }, worker);
    expect(elsewhere.data.residents.totalCount).toBe(0);
    const partial = await t.gql(BY_NUMBER, { n: withX.slice(0, 10) }, worker);
    expect(partial.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('filter.idCardNumber') });
  });

  test('personalData reveals the whole number, decrypted', async () => {
    const r = await t.gql(REVEAL, { id: created }, worker);
    expect(r.errors).toBeUndefined();
    expect(r.data.node.personalData).toEqual({ idCardNumber: withX });
  });

  test('correcting the number re-seals it; the same number in the other case leaves the stored value alone', async () => {
    const [before] = await t.database.db.select().from(residents).where(eq(residents.idCardHash, TEST_PERSONAL_DATA_KEY.lookup(withX)));
    const same = await t.gql(RESIDENT_UPDATE, { id: created, input: { idCardNumber: withX.toLowerCase() } }, worker);
    expect(same.data.residentUpdate.userErrors).toEqual([]);
    const [unchanged] = await t.database.db.select().from(residents).where(eq(residents.id, before.id));
    expect(unchanged.idCardEncrypted).toBe(before.idCardEncrypted);

    const corrected = idCard('37160219850301002');
    const r = await t.gql(RESIDENT_UPDATE, { id: created, input: { idCardNumber: corrected } }, worker);
    expect(r.data.residentUpdate).toEqual({ resident: { id: created, idCardNumber: maskIdCard(corrected) }, userErrors: [] });
    expect((await t.gql(REVEAL, { id: created }, worker)).data.node.personalData).toEqual({ idCardNumber: corrected });
    expect((await t.gql(BY_NUMBER, { n: withX }, worker)).data.residents.totalCount).toBe(0);
    expect((await t.gql(BY_NUMBER, { n: corrected }, worker)).data.residents.totalCount).toBe(1);

    const taken = await t.gql(RESIDENT_UPDATE, { id: created, input: { idCardNumber: u.resident.idCardNumber } }, worker);
    expect(taken.data.residentUpdate.userErrors).toEqual([{ field: ['input', 'idCardNumber'], code: 'DUPLICATE', message: expect.any(String) }]);
    expect(await wholeNumbersAtRest(t.database.db)).toEqual([]);
  });
});

describe.runIf(onServer())('a duplicate that slips past the check (two clerks at once) meets the unique index on the hash', () => {
  test('DUPLICATE naming idCardNumber, not an internal error', async () => {
    const number = idCard('37160219850301004');
    const stored = { sealed: TEST_PERSONAL_DATA_KEY.seal(number), hash: TEST_PERSONAL_DATA_KEY.lookup(number), masked: maskIdCard(number) };
    // The other clerk's insert, not yet committed: the API's check cannot see it, its insert waits on the index.
    // Into another household, so that the API's lock on its household does not wait for this transaction.
    // Two connections: the clerk's transaction, and one to watch the API's session.
    const other = postgres(t.database.url!, { max: 2, onnotice: () => {} });
    try {
      const reserved = await other.reserve();
      await reserved`begin`;
      await reserved`insert into residents (district_id, street_id, community_id, grid_id, household_id, name, id_card_encrypted, id_card_hash, id_card_masked,
          gender, birth_date, registration)
        select district_id, street_id, community_id, grid_id, id, '另一位', ${stored.sealed}, ${stored.hash}, ${stored.masked}, 'FEMALE', '1985-03-01', 'REGISTERED'
        from households where id = ${u.otherHousehold.id}`;
      const answer = t.gql(RESIDENT_CREATE, { input: { householdId: u.ids.household, name: '同时录入', idCardNumber: number, registration: 'REGISTERED' } }, worker);
      // Commit once the API's insert waits for this transaction: then the index, not the check, decides.
      for (;;) {
        const [waiting] = await other`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and query ilike 'insert into "residents"%'`;
        if (waiting.n > 0) break;
      }
      await reserved`commit`;
      reserved.release();
      const r = await answer;
      expect(r.errors).toBeUndefined();
      expect(r.data.residentCreate).toEqual({ resident: null, userErrors: [{ field: ['input', 'idCardNumber'], code: 'DUPLICATE', message: expect.any(String) }] });
    } finally {
      await other.end();
    }
  });
});
