import { and, asc, eq, inArray, isNotNull, isNull, ne, notInArray, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids';
import { personalDataReads } from '../../../src/modules/audit/audit.tables';
import { partyMembers, reportIns, reportingUnits } from '../../../src/modules/party/party.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

/**
 * A reporting unit's contact phone (README, Security: personal data) is revealed to street
 * officers, community secretaries and grid workers in their own area. A unit is city-wide:
 * it is in a viewer's area when it reported in (双报到) there.
 */

let t: TestServer;
let u: DemoUnits;
let tokens: Record<'worker' | 'officer', string>;

const readsOf = (unitKey: number) => t.database.db.select().from(personalDataReads)
  .where(and(eq(personalDataReads.subjectType, 'ReportingUnit'), eq(personalDataReads.subjectKey, unitKey)));

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  tokens = {
    worker: await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'pd-worker'),
    officer: await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }, 'pd-officer'),
  };
});
afterAll(async () => t?.close());

describe('ReportingUnit.personalData', () => {
  /**
   * Units that reported in (双报到, not withdrawn) somewhere in the viewer's area, computed
   * here from the report-ins: a grid's area is the grid and the grids below it.
   */
  async function unitsReportedIn(area: SQL) {
    const rows = await t.database.db.selectDistinct({ id: reportIns.unitId }).from(reportIns)
      .where(and(isNotNull(reportIns.unitId), isNull(reportIns.withdrawnAt), area));
    return new Set(rows.map((r) => r.id!));
  }

  async function revealAllUnits(token: string, reason: string) {
    const r = await t.gql(`query($reason: String!) { reportingUnits(first: 100) { totalCount nodes { id personalData(reason: $reason) { contactPhone } } } }`, { reason }, token);
    expect(r.errors).toBeUndefined();
    expect(r.data.reportingUnits.totalCount).toBe(r.data.reportingUnits.nodes.length);
    return r.data.reportingUnits.nodes as { id: string; personalData: { contactPhone: string | null } | null }[];
  }

  test('a reporting unit\'s contact phone: only to staff of an area the unit reported in to, each reveal logged', async () => {
    const units = await t.database.db.select().from(reportingUnits).orderBy(asc(reportingUnits.id));
    const inGrid = await unitsReportedIn(sql`${reportIns.gridId} in (select id from grids where code = ${u.level2.code} or code like ${u.level2.code} || '-%')`);
    const inStreet = await unitsReportedIn(eq(reportIns.streetId, u.street.id));
    expect(inGrid.size).toBeGreaterThan(0);
    expect(inGrid.size).toBeLessThan(inStreet.size);
    expect(inStreet.size).toBeLessThan(units.length);
    for (const [token, subject, area] of [[tokens.worker, 'pd-worker', inGrid], [tokens.officer, 'pd-officer', inStreet]] as const) {
      const reason = `联系报到事宜 ${subject}`;
      const nodes = await revealAllUnits(token, reason);
      expect(nodes.map((n) => n.id)).toEqual(units.map((unit) => toGlobalId('ReportingUnit', unit.id)));
      expect(nodes.map((n) => n.personalData)).toEqual(units.map((unit) => (area.has(unit.id) ? { contactPhone: unit.contactPhone } : null)));
      const logged = await t.database.db.select().from(personalDataReads).where(eq(personalDataReads.reason, reason));
      expect(logged.map((row) => [row.viewerSubject, row.subjectType, row.subjectKey]).sort())
        .toEqual([...area].map((key) => [subject, 'ReportingUnit', key]).sort());
    }
  });

  test('a unit outside the area is refused as a member outside it is: null, and no access-log row', async () => {
    const inGrid = await unitsReportedIn(sql`${reportIns.gridId} in (select id from grids where code = ${u.level2.code} or code like ${u.level2.code} || '-%')`);
    const [unit] = await t.database.db.select().from(reportingUnits).where(notInArray(reportingUnits.id, [...inGrid])).orderBy(asc(reportingUnits.id)).limit(1);
    const [member] = await t.database.db.select().from(partyMembers).where(and(ne(partyMembers.streetId, u.street.id), eq(partyMembers.showsIdentity, true))).limit(1);
    const r = await t.post({
      query: `query($u: ID!, $m: ID!) { u: node(id: $u) { ... on ReportingUnit { personalData(reason: "联系单位") { contactPhone } } }
        m: node(id: $m) { ... on PartyMember { personalData(reason: "联系单位") { phone } } } }`,
      variables: { u: toGlobalId('ReportingUnit', unit.id), m: toGlobalId('PartyMember', member.id) },
    }, tokens.worker);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { data: unknown; errors?: unknown[] };
    expect(body).toMatchObject({ data: { u: { personalData: null }, m: { personalData: null } } });
    expect(body.errors).toBeUndefined();
    expect((await readsOf(unit.id)).filter((row) => row.viewerSubject === 'pd-worker')).toEqual([]);
  });

  test('withdrawing the report-in takes the unit out of the area', async () => {
    const [reportIn] = await t.database.db.select().from(reportIns)
      .where(and(isNotNull(reportIns.unitId), isNull(reportIns.withdrawnAt), eq(reportIns.streetId, u.street.id))).orderBy(asc(reportIns.id)).limit(1);
    const others = await t.database.db.select().from(reportIns)
      .where(and(eq(reportIns.unitId, reportIn.unitId!), isNull(reportIns.withdrawnAt), eq(reportIns.streetId, u.street.id), ne(reportIns.id, reportIn.id)));
    const reveal = `query($id: ID!) { node(id: $id) { ... on ReportingUnit { personalData(reason: "联系撤回的单位") { contactPhone } } } }`;
    const id = toGlobalId('ReportingUnit', reportIn.unitId!);
    const before = (await readsOf(reportIn.unitId!)).length;
    expect((await t.gql(reveal, { id }, tokens.officer)).data.node.personalData).not.toBeNull();
    await t.database.db.update(reportIns).set({ withdrawnAt: new Date() }).where(inArray(reportIns.id, [reportIn.id, ...others.map((o) => o.id)]));
    expect((await t.gql(reveal, { id }, tokens.officer)).data.node.personalData).toBeNull();
    expect(await readsOf(reportIn.unitId!)).toHaveLength(before + 1);
  });
});
