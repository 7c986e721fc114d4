import { and, asc, desc, eq, isNotNull, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toGlobalId } from '../../src/graphql/ids';
import { personalDataReads } from '../../src/modules/audit/audit.tables';
import { maskIdCard, maskPhone } from '../../src/modules/grid/identity';
import { residents } from '../../src/modules/grid/grid.tables';
import { partyMembers, reportIns, reportingUnits } from '../../src/modules/party/party.tables';
import { demoUnits, type DemoUnits } from '../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../helpers/server';
import { Subscriber, whenSubscribed } from '../helpers/subscriptions';

let t: TestServer;
let u: DemoUnits;
let tokens: Record<'worker' | 'officer' | 'admin' | 'resident' | 'auditor', string>;
let whole: { idCardNumber: string; phone: string | null };

/** Whole mobile numbers and 18-character ID numbers anywhere in a response. */
const WHOLE_NUMBER = /(?<![0-9])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9})(?![0-9])/;

const readsOf = (subjectType: string, subjectKey: number) =>
  t.database.db.select().from(personalDataReads).where(and(eq(personalDataReads.subjectType, subjectType), eq(personalDataReads.subjectKey, subjectKey))).orderBy(desc(personalDataReads.id));

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  tokens = {
    worker: await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'pd-worker'),
    officer: await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }, 'pd-officer'),
    admin: await t.token(Role.CITY_ADMIN, undefined, 'pd-admin'),
    resident: await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'pd-resident'),
    auditor: await t.token(Role.AUDITOR, undefined, 'pd-auditor'),
  };
  await t.database.db.update(residents).set({ phone: '13612340001' }).where(eq(residents.id, u.resident.id));
  whole = { idCardNumber: u.resident.idCardNumber, phone: '13612340001' };
});
afterAll(async () => t?.close());

describe('ID numbers and phones are masked on every path', () => {
  const masked = () => ({ idCardNumber: maskIdCard(whole.idCardNumber), phone: maskPhone(whole.phone!) });

  test('lists, nested lists and node', async () => {
    const list = await t.gql(`{ residents(first: 100) { nodes { id idCardNumber phone } } }`, {}, tokens.worker);
    expect(list.data.residents.nodes.find((r: { id: string }) => r.id === u.ids.resident)).toMatchObject(masked());
    const nested = await t.gql(`query($h: ID!) { node(id: $h) { ... on Household { residents { nodes { idCardNumber phone } } } } }`, { h: u.ids.household }, tokens.worker);
    const node = await t.gql(`query($id: ID!) { node(id: $id) { ... on Resident { idCardNumber phone } } }`, { id: u.ids.resident }, tokens.resident);
    expect(node.data.node).toEqual(masked());
    for (const response of [list, nested, node]) expect(JSON.stringify(response)).not.toMatch(WHOLE_NUMBER);
  });

  test('subscription payloads', async () => {
    const events = await whenSubscribed(t.server.events, 1, () => new Subscriber(t.wsClient(tokens.worker), `subscription { wishEvents { wish { household { residents { nodes { idCardNumber phone } } } } } }`));
    const submitted = await t.gql(`mutation { wishSubmit(input: { category: OTHER, title: "脱敏订阅", detail: "x" }) { wish { id } } }`, {}, tokens.resident);
    expect(submitted.errors).toBeUndefined();
    const [event] = await events.waitFor(1);
    events.stop();
    expect(event.wishEvents.wish.household.residents.nodes).toContainEqual(masked());
    expect(JSON.stringify(event)).not.toMatch(WHOLE_NUMBER);
  });

  test('error messages that quote a number', async () => {
    const r = await t.gql(`{ residents(first: "${whole.idCardNumber}") { totalCount } }`, {}, tokens.worker);
    expect(r.errors?.[0].message).toContain(maskIdCard(whole.idCardNumber));
    expect(JSON.stringify(r)).not.toContain(whole.idCardNumber);
  });

  test('party members\' and reporting units\' contact phones', async () => {
    const [member] = await t.database.db.select().from(partyMembers).where(and(eq(partyMembers.streetId, u.street.id), eq(partyMembers.showsIdentity, true), isNotNull(partyMembers.phone))).limit(1);
    const [unit] = await t.database.db.select().from(reportingUnits).where(isNotNull(reportingUnits.contactPhone)).limit(1);
    const r = await t.gql(`query($m: ID!, $u: ID!) { m: node(id: $m) { ... on PartyMember { phone } } u: node(id: $u) { ... on ReportingUnit { contactPhone } } }`,
      { m: toGlobalId('PartyMember', member.id), u: toGlobalId('ReportingUnit', unit.id) }, tokens.officer);
    expect(r.data).toEqual({ m: { phone: maskPhone(member.phone!) }, u: { contactPhone: maskPhone(unit.contactPhone!) } });
  });

  test('the CSV export of appraisals holds no whole number', async () => {
    const response = await fetch(`${t.server.url.replace(/\/graphql$/, '')}/export/worker-appraisals.csv?unit=${encodeURIComponent(u.ids.street)}&year=2026`, {
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).not.toMatch(WHOLE_NUMBER);
  });
});

describe('personalData reveals whole numbers, for a reason, with one access-log row per person in the same statement', () => {
  test('a grid worker reveals the residents of a page: one statement reads and logs them all', async () => {
    const page = `query($reason: String!) { node(id: "${u.ids.household}") { ... on Household { residents { nodes { id personalData(reason: $reason) { idCardNumber phone } } } } } }`;
    const plain = `{ node(id: "${u.ids.household}") { ... on Household { residents { nodes { id } } } } }`;
    const countBefore = t.database.statements.count;
    await t.gql(plain, {}, tokens.worker);
    const withoutReveal = t.database.statements.count - countBefore;
    const before = t.database.statements.count;
    const r = await t.gql(page, { reason: '入户走访核对身份' }, tokens.worker);
    expect(t.database.statements.count - before).toBe(withoutReveal + 1);
    const nodes = r.data.node.residents.nodes as { id: string; personalData: { idCardNumber: string } }[];
    expect(nodes.find((n) => n.id === u.ids.resident)!.personalData).toEqual(whole);
    const logged = await t.database.db.select().from(personalDataReads).where(eq(personalDataReads.reason, '入户走访核对身份'));
    expect(logged).toHaveLength(nodes.length);
    expect(logged.every((row) => row.viewerSubject === 'pd-worker' && row.viewerRole === 'GRID_WORKER' && row.subjectType === 'Resident')).toBe(true);
  });

  test('outside the viewer\'s area: null, and nothing logged', async () => {
    const r = await t.gql(`query($id: ID!) { node(id: $id) { ... on Household { residents { nodes { personalData(reason: "核对") { idCardNumber } } } } } }`, { id: u.ids.otherHousehold }, tokens.worker);
    expect(r.data.node).toBeNull();
    expect(await readsOf('Resident', u.outsider.id)).toEqual([]);
  });

  test('a reason is required; roles that do not need whole numbers are FORBIDDEN; nothing is logged', async () => {
    const query = (reason: string) => `query($id: ID!) { node(id: $id) { ... on Resident { personalData(reason: ${JSON.stringify(reason)}) { idCardNumber } } } }`;
    const before = await readsOf('Resident', u.resident.id);
    expect((await t.gql(query('  '), { id: u.ids.resident }, tokens.worker)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(`query($id: ID!) { node(id: $id) { ... on Resident { personalData { idCardNumber } } } }`, { id: u.ids.resident }, tokens.worker)).errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    for (const token of [tokens.admin, tokens.resident, tokens.auditor]) {
      expect((await t.gql(query('看看'), { id: u.ids.resident }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(await readsOf('Resident', u.resident.id)).toEqual(before);
  });

  test('party members\' phones: staff over the member reveal them; the public card stays masked', async () => {
    const [member] = await t.database.db.select().from(partyMembers).where(and(eq(partyMembers.streetId, u.street.id), isNotNull(partyMembers.phone))).limit(1);
    const [elsewhere] = await t.database.db.select().from(partyMembers).where(and(ne(partyMembers.streetId, u.street.id), eq(partyMembers.showsIdentity, true))).limit(1);
    const reveal = `query($id: ID!) { node(id: $id) { ... on PartyMember { personalData(reason: "通知组织生活") { phone } } } }`;
    const r = await t.gql(reveal, { id: toGlobalId('PartyMember', member.id) }, tokens.officer);
    expect(r.data.node.personalData).toEqual({ phone: member.phone });
    expect(await readsOf('PartyMember', member.id)).toEqual([expect.objectContaining({ viewerSubject: 'pd-officer', reason: '通知组织生活' })]);
    const outside = await t.gql(reveal, { id: toGlobalId('PartyMember', elsewhere.id) }, tokens.officer);
    expect(outside.data.node.personalData).toBeNull();
    expect(await readsOf('PartyMember', elsewhere.id)).toEqual([]);
    expect((await t.gql(reveal, { id: toGlobalId('PartyMember', member.id) }, tokens.resident)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('a reporting unit\'s contact phone', async () => {
    const [unit] = await t.database.db.select().from(reportingUnits)
      .where(and(isNotNull(reportingUnits.contactPhone), sql`exists (select 1 from ${reportIns} where ${reportIns.unitId} = ${reportingUnits.id} and ${reportIns.streetId} = ${u.street.id} and ${reportIns.withdrawnAt} is null)`))
      .orderBy(asc(reportingUnits.id)).limit(1);
    const r = await t.gql(`query($id: ID!) { node(id: $id) { ... on ReportingUnit { personalData(reason: "联系报到事宜") { contactPhone } } } }`, { id: toGlobalId('ReportingUnit', unit.id) }, tokens.officer);
    expect(r.data.node.personalData).toEqual({ contactPhone: unit.contactPhone });
    expect(await readsOf('ReportingUnit', unit.id)).toEqual([expect.objectContaining({ viewerRole: 'STREET_OFFICER', reason: '联系报到事宜' })]);
  });
});

describe('auditors read the access log', () => {
  const READS = `query($filter: PersonalDataReadFilter) { personalDataReads(filter: $filter, first: 100) { totalCount nodes { viewerSubject viewerRole subjectType subjectId reason readAt } } }`;

  test('by person and by reader, newest first', async () => {
    const r = await t.gql(READS, { filter: { subjectId: u.ids.resident } }, tokens.auditor);
    expect(r.errors).toBeUndefined();
    const rows = await readsOf('Resident', u.resident.id);
    expect(r.data.personalDataReads.nodes.map((n: { reason: string; subjectId: string }) => [n.reason, n.subjectId])).toEqual(rows.map((row) => [row.reason, u.ids.resident]));
    const byOfficer = await t.gql(READS, { filter: { viewerSubject: 'pd-officer' } }, tokens.auditor);
    expect(byOfficer.data.personalDataReads.nodes.map((n: { subjectType: string }) => n.subjectType).sort()).toEqual(['PartyMember', 'ReportingUnit']);
    expect((await t.gql(READS, { filter: { subjectId: u.ids.household } }, tokens.auditor)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(READS, {}, tokens.officer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('a district auditor sees only reads of people in the district', async () => {
    // The demo city has one district: its auditor sees the reads of its residents and members, another district's auditor none.
    const own = await t.token(Role.AUDITOR, { type: 'District', key: u.resident.districtId }, 'pd-district-auditor');
    const other = await t.token(Role.AUDITOR, { type: 'District', key: u.resident.districtId + 1 }, 'pd-other-auditor');
    const mine = (await t.gql(READS, {}, own)).data.personalDataReads.nodes as { subjectId: string; subjectType: string }[];
    expect(mine.some((n) => n.subjectId === u.ids.resident)).toBe(true);
    expect(mine.some((n) => n.subjectType === 'PartyMember')).toBe(true);
    // Reporting units lie in no district: only city-wide auditors see their reads.
    expect(mine.some((n) => n.subjectType === 'ReportingUnit')).toBe(false);
    expect((await t.gql(READS, {}, other)).data.personalDataReads.totalCount).toBe(0);
    const city = (await t.gql(READS, {}, tokens.auditor)).data.personalDataReads;
    expect(city.totalCount).toBe(mine.length + 1);
  });
});
