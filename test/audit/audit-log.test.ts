import { createHash } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toGlobalId } from '../../src/graphql/ids';
import { auditLog, personalDataReads } from '../../src/modules/audit/audit.tables';
import { residents } from '../../src/modules/grid/grid.tables';
import { TEST_PERSONAL_DATA_KEY } from '../helpers/database';
import { demoUnits, type DemoUnits } from '../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../helpers/server';
import { PROVOKED_ID_CARD } from '../logs/provoked-error';

let t: TestServer;
let u: DemoUnits;
let admin: string;
let worker: string;
let resident: string;
let auditor: string;

/** The digest as an auditor computes it from the arguments they hold: SHA-256 of JSON with keys in sorted order. */
const sha256 = (json: string) => createHash('sha256').update(json, 'utf8').digest('hex');

async function lastEntries(n: number) {
  return t.database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(n);
}

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  admin = await t.token(Role.CITY_ADMIN, undefined, 'audit-admin');
  worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'audit-worker');
  resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'audit-resident');
  auditor = await t.token(Role.AUDITOR, undefined, 'audit-auditor');
});
afterAll(async () => t?.close());

const STREET_UPDATE = `mutation($id: ID!, $input: StreetUpdateInput!) { streetUpdate(id: $id, input: $input) { street { name } userErrors { code } } }`;

describe('every mutation leaves one audit row', () => {
  test('OK: who, what, when and the digest of the resolved arguments, committed with the change', async () => {
    const r = await t.gql(STREET_UPDATE, { id: u.ids.street, input: { name: '审计测试街道' } }, admin);
    expect(r.data.streetUpdate.userErrors).toEqual([]);
    const [entry] = await lastEntries(1);
    expect(entry).toMatchObject({
      actorSubject: 'audit-admin', actorRole: 'CITY_ADMIN', actorUnit: null, operation: 'Mutation.streetUpdate', outcome: 'OK', codes: [],
      inputDigest: sha256(`{"id":"${u.ids.street}","input":{"name":"审计测试街道"}}`),
    });
    expect(Date.now() - entry.occurredAt.getTime()).toBeLessThan(60_000);
  });

  test('the digest is of the arguments, not of how they were written: inline literals and variables give the same', async () => {
    await t.gql(`mutation { streetUpdate(input: { name: "审计测试街道" }, id: "${u.ids.street}") { street { name } } }`, {}, admin);
    await t.gql(STREET_UPDATE, { input: { name: '审计测试街道' }, id: u.ids.street }, admin);
    const [second, first] = await lastEntries(2);
    expect(first.inputDigest).toBe(second.inputDigest);
  });

  test('REFUSED keeps the user-error codes; the row holds no input, only its digest', async () => {
    const taken = u.resident.idCardNumber;
    const input = { householdId: u.ids.household, name: '重复的人', idCardNumber: taken, registration: 'REGISTERED' };
    const r = await t.gql(`mutation($input: ResidentCreateInput!) { residentCreate(input: $input) { resident { id } userErrors { code } } }`, { input }, worker);
    expect(r.data.residentCreate.userErrors).toEqual([{ code: 'DUPLICATE' }]);
    const [entry] = await lastEntries(1);
    // Coerced arguments: the input type's defaults (householder, tags) are part of what the resolver got.
    const json = `{"input":{"householdId":"${u.ids.household}","householder":false,"idCardNumber":"${taken}","name":"重复的人","registration":"REGISTERED","tags":[]}}`;
    expect(entry).toMatchObject({ actorSubject: 'audit-worker', actorRole: 'GRID_WORKER', actorUnit: u.ids.level2, operation: 'Mutation.residentCreate', outcome: 'REFUSED', codes: ['DUPLICATE'], inputDigest: sha256(json) });
    expect(JSON.stringify(entry)).not.toContain(taken);
  });

  test('REFUSED also for input that fails its format rules before the transaction', async () => {
    const r = await t.gql(STREET_UPDATE, { id: u.ids.street, input: { name: '' } }, admin);
    expect(r.data.streetUpdate.userErrors.length).toBeGreaterThan(0);
    const [entry] = await lastEntries(1);
    expect(entry).toMatchObject({ operation: 'Mutation.streetUpdate', outcome: 'REFUSED' });
    expect(entry.codes.length).toBeGreaterThan(0);
  });

  test('REPEATED: a repeat with the same idempotency key changes nothing and says so', async () => {
    const submit = `mutation($input: WishSubmitInput!, $key: String) { wishSubmit(input: $input, idempotencyKey: $key) { wish { id } userErrors { code } } }`;
    const variables = { input: { category: 'OTHER', title: '审计重复提交', detail: '同一个键' }, key: 'audit-repeat-1' };
    const first = await t.gql(submit, variables, resident);
    const again = await t.gql(submit, variables, resident);
    expect(again.data.wishSubmit.wish.id).toBe(first.data.wishSubmit.wish.id);
    const [repeat, original] = await lastEntries(2);
    expect([original.outcome, repeat.outcome]).toEqual(['OK', 'REPEATED']);
    expect(repeat.inputDigest).toBe(original.inputDigest);
    expect(repeat).toMatchObject({ actorSubject: 'audit-resident', actorRole: 'RESIDENT', actorUnit: u.ids.household, operation: 'Mutation.wishSubmit' });
  });

  test('FORBIDDEN and UNAUTHENTICATED: refused at the gate, one row per root mutation field and its one statement only', async () => {
    const two = `mutation($id: ID!) { a: streetUpdate(id: $id, input: { name: "x" }) { street { id } } b: streetUpdate(id: $id, input: { name: "y" }) { street { id } } }`;
    const before = t.database.statements.count;
    const forbidden = await t.gql(two, { id: u.ids.street }, resident);
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(t.database.statements.count - before).toBe(2);
    const [b, a] = await lastEntries(2);
    expect(a).toMatchObject({ actorSubject: 'audit-resident', operation: 'Mutation.streetUpdate', outcome: 'FORBIDDEN', codes: ['FORBIDDEN'], inputDigest: sha256(`{"id":"${u.ids.street}","input":{"name":"x"}}`) });
    expect(b).toMatchObject({ outcome: 'FORBIDDEN', inputDigest: sha256(`{"id":"${u.ids.street}","input":{"name":"y"}}`) });

    const anonymous = await t.gql(STREET_UPDATE, { id: u.ids.street, input: { name: 'z' } });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const [entry] = await lastEntries(1);
    expect(entry).toMatchObject({ actorSubject: null, actorRole: null, actorUnit: null, outcome: 'UNAUTHENTICATED', codes: ['UNAUTHENTICATED'], inputDigest: sha256(`{"id":"${u.ids.street}","input":{"name":"z"}}`) });
  });

  test('a mutation refused over graphql-ws is audited the same way', async () => {
    const client = t.wsClient(resident);
    const result = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: STREET_UPDATE, variables: { id: u.ids.street, input: { name: 'ws' } } }, { next: resolve, error: resolve, complete: () => {} });
    });
    expect(JSON.stringify(result)).toContain('FORBIDDEN');
    const [entry] = await lastEntries(1);
    expect(entry).toMatchObject({ actorSubject: 'audit-resident', outcome: 'FORBIDDEN', inputDigest: sha256(`{"id":"${u.ids.street}","input":{"name":"ws"}}`) });
  });

  test('queries leave no audit row', async () => {
    const [before] = await lastEntries(1);
    await t.gql(`{ streets(first: 1) { nodes { name } } }`, {}, admin);
    await t.gql(`{ households { totalCount } }`);
    expect((await lastEntries(1))[0].id).toBe(before.id);
  });

  test('ERROR: an internal fault rolls back, answers a masked error and leaves an ERROR row', async () => {
    // A database error whose message quotes an ID number: the log scan (test/logs) must find it masked. The
    // numbers reach the database sealed only, so the trigger quotes the number this test sends.
    await t.database.db.execute(sql.raw(`create function refuse_resident_for_audit_test() returns trigger language plpgsql
      as $$ begin raise exception 'refused for the audit test: %', '${PROVOKED_ID_CARD}'; end $$`));
    await t.database.db.execute(sql.raw(`create trigger refuse_resident_for_audit_test before insert on residents
      for each row execute function refuse_resident_for_audit_test()`));
    try {
      const input = { householdId: u.ids.household, name: '故障测试', idCardNumber: PROVOKED_ID_CARD, phone: '13712345678', registration: 'REGISTERED' };
      const r = await t.gql(`mutation($input: ResidentCreateInput!) { residentCreate(input: $input) { resident { id } } }`, { input }, worker);
      expect(r.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(r)).not.toContain(PROVOKED_ID_CARD);
      const [entry] = await lastEntries(1);
      expect(entry).toMatchObject({ operation: 'Mutation.residentCreate', outcome: 'ERROR', codes: ['INTERNAL_SERVER_ERROR'] });
      expect(entry.inputDigest).toBe(sha256(`{"input":{"householdId":"${u.ids.household}","householder":false,"idCardNumber":"${PROVOKED_ID_CARD}","name":"故障测试","phone":"13712345678","registration":"REGISTERED","tags":[]}}`));
      expect(await t.database.db.select().from(residents).where(eq(residents.idCardHash, TEST_PERSONAL_DATA_KEY.lookup(PROVOKED_ID_CARD)))).toEqual([]);
    } finally {
      await t.database.db.execute(sql.raw('drop trigger refuse_resident_for_audit_test on residents'));
      await t.database.db.execute(sql.raw('drop function refuse_resident_for_audit_test()'));
    }
  });
});

describe('the logs are append-only, even for the application\'s own connection', () => {
  test.each([
    ['update', 'update audit_log set outcome = \'OK\''],
    ['delete', 'delete from audit_log'],
    ['truncate', 'truncate audit_log'],
    ['update', 'update personal_data_reads set reason = \'x\''],
    ['delete', 'delete from personal_data_reads'],
    ['truncate', 'truncate personal_data_reads'],
  ])('%s: %s fails', async (_kind, statement) => {
    await t.database.db.insert(personalDataReads).values({ viewerSubject: 's', viewerRole: 'GRID_WORKER', subjectType: 'Resident', subjectKey: u.resident.id, reason: '测试' });
    await expect(t.database.db.execute(sql.raw(statement))).rejects.toThrow();
  });
});

describe('auditors query the audit log', () => {
  const ENTRIES = `query($filter: AuditEntryFilter, $first: Int, $after: String) {
    auditEntries(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { actorSubject actorRole actorUnit operation inputDigest outcome codes occurredAt } } }`;

  test('newest first, filtered and paged', async () => {
    const all = await t.gql(ENTRIES, { filter: { operation: 'Mutation.streetUpdate' }, first: 3 }, auditor);
    expect(all.errors).toBeUndefined();
    const rows = await t.database.db.select().from(auditLog).where(eq(auditLog.operation, 'Mutation.streetUpdate')).orderBy(desc(auditLog.id));
    expect(all.data.auditEntries.totalCount).toBe(rows.length);
    expect(all.data.auditEntries.nodes.map((n: { inputDigest: string; outcome: string }) => [n.inputDigest, n.outcome])).toEqual(rows.slice(0, 3).map((r) => [r.inputDigest, r.outcome]));
    const next = await t.gql(ENTRIES, { filter: { operation: 'Mutation.streetUpdate' }, first: 3, after: all.data.auditEntries.pageInfo.endCursor }, auditor);
    expect(next.data.auditEntries.nodes[0].inputDigest).toBe(rows[3].inputDigest);

    const forbidden = await t.gql(ENTRIES, { filter: { outcome: 'FORBIDDEN', actorSubject: 'audit-resident' } }, auditor);
    expect(forbidden.data.auditEntries.nodes.length).toBeGreaterThanOrEqual(3);
    expect(forbidden.data.auditEntries.nodes.every((n: { outcome: string; actorSubject: string }) => n.outcome === 'FORBIDDEN' && n.actorSubject === 'audit-resident')).toBe(true);
    const future = await t.gql(ENTRIES, { filter: { from: new Date(Date.now() + 3_600_000).toISOString() } }, auditor);
    expect(future.data.auditEntries.totalCount).toBe(0);
  });

  test('only auditors: administrators and everyone else are FORBIDDEN; the audit log is city-wide', async () => {
    for (const token of [admin, worker, resident]) {
      expect((await t.gql(ENTRIES, {}, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect((await t.gql(ENTRIES, {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const district = await t.token(Role.AUDITOR, { type: 'District', key: u.street.districtId }, 'district-auditor');
    expect((await t.gql(ENTRIES, {}, district)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('an auditor reads the logs and nothing else', async () => {
    for (const query of ['{ residents { totalCount } }', '{ incidents { totalCount } }', '{ volunteers { totalCount } }', '{ reportIns { totalCount } }']) {
      expect((await t.gql(query, {}, auditor)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect((await t.gql(STREET_UPDATE, { id: u.ids.street, input: { name: 'a' } }, auditor)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const node = await t.gql(`query($id: ID!) { node(id: $id) { ... on Resident { idCardNumber } } }`, { id: toGlobalId('Resident', u.resident.id) }, auditor);
    expect(node.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
