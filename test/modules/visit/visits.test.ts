import { and, asc, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { outbox } from '../../../src/events/outbox.tables';
import { toGlobalId } from '../../../src/graphql/ids';
import { grids, households, residents, staffAssignments, staffMembers } from '../../../src/modules/grid/grid.tables';
import { incidents, incidentTransitions } from '../../../src/modules/incident/incident.tables';
import { householdVisits, visitFindings } from '../../../src/modules/visit/visit.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;
const tokens: Record<string, string> = {};
let workerKey: number;

const VISIT_FIELDS = `id kind visitedAt notes household { id } grid { id } staffMember { id name }
  findings { id category description reported incident { id status reporter { role } visitFinding { id } visit { id } } }`;
const LOG = `mutation($input: VisitLogInput!, $key: String) {
  visitLog(input: $input, idempotencyKey: $key) { visit { ${VISIT_FIELDS} } userErrors { field code message } }
}`;

async function log(token: string, input: Record<string, unknown>, key?: string) {
  const r = await t.gql(LOG, { input, key }, token);
  return r;
}

async function counts() {
  const db = t.database.db;
  const [[v], [f], [i], [e]] = await Promise.all([
    db.select({ n: count() }).from(householdVisits),
    db.select({ n: count() }).from(visitFindings),
    db.select({ n: count() }).from(incidents),
    db.select({ n: count() }).from(outbox),
  ]);
  return { visits: v.n, findings: f.n, incidents: i.n, events: e.n };
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  const [member] = await t.database.db.insert(staffMembers).values({ name: '走访测试员', phone: '13800000001', subject: 'visit-worker' }).returning();
  workerKey = member.id;
  await t.database.db.insert(staffAssignments).values({
    districtId: u.micro.districtId, streetId: u.micro.streetId, communityId: u.micro.communityId, gridId: u.micro.id,
    staffMemberId: member.id, role: 'MICRO_GRID_WORKER', startedOn: '2020-01-01',
  });
  tokens.worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.micro.id }, 'visit-worker');
  tokens.otherWorker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.otherLevel2.id }, 'other-worker');
  tokens.secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'secretary');
  tokens.admin = await t.token(Role.CITY_ADMIN);
  tokens.resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'resident-1');
  tokens.outsider = await t.token(Role.RESIDENT, { type: 'Household', key: u.otherHousehold.id }, 'resident-2');
  tokens.handler = await t.token(Role.DEPARTMENT_HANDLER, { type: 'Department', key: 1 }, 'handler');
});
afterAll(async () => t?.close());

describe('logging a visit', () => {
  test('a finding reported in the same step becomes an incident, linked both ways, with its event and timeline', async () => {
    const before = await counts();
    const r = await log(tokens.worker, {
      householdId: u.ids.household, kind: 'ROUTINE', visitedAt: minutesAgo(30), notes: '  老人身体状况良好  ',
      findings: [
        { category: 'SAFETY_HAZARD', description: '楼道电动车充电，飞线严重', reportAsIncident: true },
        { category: 'ENVIRONMENT', description: '门口堆放杂物' },
      ],
    });
    expect(r.errors).toBeUndefined();
    const { visit, userErrors } = r.data.visitLog;
    expect(userErrors).toEqual([]);
    expect(visit).toMatchObject({
      kind: 'ROUTINE', notes: '老人身体状况良好', household: { id: u.ids.household }, grid: { id: u.ids.micro },
      staffMember: { id: toGlobalId('StaffMember', workerKey), name: '走访测试员' },
    });
    const [reported, kept] = visit.findings;
    expect(reported).toMatchObject({ category: 'SAFETY_HAZARD', reported: true, incident: { status: 'REPORTED', reporter: { role: 'GRID_WORKER' } } });
    expect(reported.incident.visitFinding.id).toBe(reported.id);
    expect(reported.incident.visit.id).toBe(visit.id);
    expect(kept).toMatchObject({ category: 'ENVIRONMENT', reported: false, incident: null });

    const after = await counts();
    expect(after).toEqual({ visits: before.visits + 1, findings: before.findings + 2, incidents: before.incidents + 1, events: before.events + 1 });
    const incidentKey = Number(Buffer.from(reported.incident.id, 'base64').toString().split(':')[1]);
    const [row] = await t.database.db.select().from(incidents).where(eq(incidents.id, incidentKey));
    expect(row).toMatchObject({ householdId: u.household.id, gridId: u.micro.id, category: 'SAFETY_HAZARD', reporterSubject: 'visit-worker' });
    expect(row.deadline.getTime()).toBeGreaterThan(Date.now());
    const timeline = await t.database.db.select().from(incidentTransitions).where(eq(incidentTransitions.incidentId, incidentKey));
    expect(timeline.map((s) => s.action)).toEqual(['REPORT']);

    const later = await t.gql(`mutation($id: ID!) { visitFindingReport(findingId: $id) {
      finding { id reported incident { id visitFinding { id } visit { id } } } userErrors { field code }
    } }`, { id: kept.id }, tokens.secretary);
    expect(later.data.visitFindingReport.userErrors).toEqual([]);
    expect(later.data.visitFindingReport.finding).toMatchObject({ reported: true, incident: { visitFinding: { id: kept.id }, visit: { id: visit.id } } });
    const again = await t.gql(`mutation($id: ID!) { visitFindingReport(findingId: $id) { finding { id } userErrors { field code } } }`, { id: kept.id }, tokens.worker);
    expect(again.data.visitFindingReport).toEqual({ finding: null, userErrors: [{ field: ['findingId'], code: 'INVALID_TRANSITION' }] });
    expect((await counts()).incidents).toBe(before.incidents + 2);
  });

  test('an idempotency key logs a visit once', async () => {
    const input = { householdId: u.ids.household, kind: 'DATA_REFRESH', visitedAt: minutesAgo(10) };
    const first = await log(tokens.worker, input, 'visit-key-1');
    const before = await counts();
    const second = await log(tokens.worker, input, 'visit-key-1');
    expect(second.data.visitLog.visit.id).toBe(first.data.visitLog.visit.id);
    expect(await counts()).toEqual(before);
  });

  test('refusals change nothing', async () => {
    const before = await counts();
    const fine = { householdId: u.ids.household, kind: 'ROUTINE', visitedAt: minutesAgo(5), findings: [{ category: 'ENVIRONMENT', description: 'x', reportAsIncident: true }] };

    const resident = await log(tokens.resident, fine);
    expect(resident.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const outside = await log(tokens.otherWorker, fine);
    expect(outside.data.visitLog).toEqual({ visit: null, userErrors: [expect.objectContaining({ field: ['input', 'householdId'], code: 'OUT_OF_SCOPE' })] });

    const future = await log(tokens.worker, { ...fine, visitedAt: new Date(Date.now() + 3600_000).toISOString() });
    expect(future.data.visitLog.userErrors).toEqual([expect.objectContaining({ field: ['input', 'visitedAt'], code: 'INVALID' })]);

    const stale = await log(tokens.worker, { ...fine, visitedAt: new Date(Date.now() - 40 * 86400_000).toISOString() });
    expect(stale.data.visitLog.userErrors).toEqual([expect.objectContaining({ field: ['input', 'visitedAt'], code: 'INVALID' })]);

    const blank = await log(tokens.worker, { ...fine, findings: [{ category: 'ENVIRONMENT', description: '   ' }] });
    expect(blank.data.visitLog.userErrors).toEqual([expect.objectContaining({ field: ['input', 'findings', '0', 'description'], code: 'REQUIRED' })]);

    const notHousehold = await log(tokens.worker, { ...fine, householdId: u.ids.micro });
    expect(notHousehold.data.visitLog.userErrors).toEqual([expect.objectContaining({ field: ['input', 'householdId'], code: 'NOT_FOUND' })]);

    const outsideFinding = await t.gql(`mutation($id: ID!) { visitFindingReport(findingId: $id) { finding { id } userErrors { field code } } }`,
      { id: toGlobalId('VisitFinding', 1) }, tokens.otherWorker);
    expect(outsideFinding.data.visitFindingReport.userErrors[0].code).toMatch(/NOT_FOUND|OUT_OF_SCOPE/);

    expect(await counts()).toEqual(before);
  });
});

describe('reading visits', () => {
  test('staff read the visits of their area, a resident those to their own household', async () => {
    const query = `query($f: VisitFilter) { visits(filter: $f, first: 100) { totalCount nodes { id household { id } } } }`;
    const own = await t.gql(query, { f: { householdId: u.ids.household } }, tokens.resident);
    expect(own.data.visits.totalCount).toBeGreaterThanOrEqual(2);
    expect(own.data.visits.nodes.every((v: any) => v.household.id === u.ids.household)).toBe(true);
    const outsider = await t.gql(query, { f: { householdId: u.ids.household } }, tokens.outsider);
    expect(outsider.data.visits.totalCount).toBe(0);
    const otherWorker = await t.gql(query, { f: { householdId: u.ids.household } }, tokens.otherWorker);
    expect(otherWorker.data.visits.totalCount).toBe(0);
    const byKind = await t.gql(query, { f: { householdId: u.ids.household, kinds: ['DATA_REFRESH'], staffMemberId: toGlobalId('StaffMember', workerKey) } }, tokens.secretary);
    expect(byKind.data.visits.totalCount).toBe(1);
    const handler = await t.gql(query, {}, tokens.handler);
    expect(handler.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('Household.visits pages newest first', async () => {
    const r = await t.gql(`query($id: ID!) { node(id: $id) { ... on Household { visits(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { kind visitedAt } } } } }`,
      { id: u.ids.household }, tokens.worker);
    const page = r.data.node.visits;
    expect(page.nodes).toHaveLength(1);
    expect(page.pageInfo.hasNextPage).toBe(page.totalCount > 1);
    const next = await t.gql(`query($id: ID!, $after: String) { node(id: $id) { ... on Household { visits(first: 100, after: $after) { nodes { visitedAt } } } } }`,
      { id: u.ids.household, after: page.pageInfo.endCursor }, tokens.worker);
    const times = [page.nodes[0].visitedAt, ...next.data.node.visits.nodes.map((n: any) => n.visitedAt)].map((s: string) => Date.parse(s));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times).toHaveLength(page.totalCount);
  });
});

/**
 * A hand-built month on one micro grid: its own visits replaced by a fixture whose duty is
 * computed by hand (February 2025, a month and a quarter that have ended).
 */
describe('visit duty', () => {
  const MONTH = '2025-02';
  let grid: typeof grids.$inferSelect;
  let homes: number[];
  let special: number[];

  const DUTIES = `query($unit: ID!, $month: String!, $overdue: Boolean, $after: String) {
    visitDuties(unit: $unit, month: $month) {
      month
      workers { staffMember { id } grid { id } households { done due } special { done due overdue } dataRefresh { done due overdue } met }
      households(overdue: $overdue, first: 100, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { household { id } special lastVisitedAt lastDataRefreshAt due overdue }
      }
    }
  }`;

  const at = (iso: string) => new Date(iso);

  beforeAll(async () => {
    const db = t.database.db;
    [grid] = await db.select().from(grids).where(sql`${grids.level} = 'MICRO' and ${grids.id} in (select grid_id from households group by grid_id having count(*) >= 8)`).orderBy(asc(grids.id)).limit(1);
    homes = (await db.select({ id: households.id }).from(households).where(eq(households.gridId, grid.id)).orderBy(asc(households.id))).map((h) => h.id);
    await db.execute(sql`delete from ${visitFindings} where visit_id in (select id from ${householdVisits} where grid_id = ${grid.id})`);
    await db.delete(householdVisits).where(eq(householdVisits.gridId, grid.id));
    await db.execute(sql`update ${residents} set tags = array(select unnest(tags) except select unnest(array['ELDERLY_LIVING_ALONE','DISABLED','LEFT_BEHIND_CHILD','FAMILY_IN_DIFFICULTY']::resident_tag[]))::resident_tag[] where grid_id = ${grid.id}`);
    special = homes.slice(5, 8);
    await db.execute(sql`update ${residents} set tags = tags || array['ELDERLY_LIVING_ALONE']::resident_tag[] where household_id in (${sql.join(special.map((h) => sql`${h}`), sql`, `)})`);
    await db.delete(staffAssignments).where(and(eq(staffAssignments.gridId, grid.id), eq(staffAssignments.staffMemberId, workerKey)));
    await db.insert(staffAssignments).values({
      districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id,
      staffMemberId: workerKey, role: 'MICRO_GRID_WORKER', startedOn: '2024-06-01',
    });
    const place = { districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id };
    const visit = (householdId: number, kind: 'ROUTINE' | 'SPECIAL_CARE' | 'DATA_REFRESH', visitedAt: string, staffMemberId: number | null = workerKey) =>
      ({ ...place, householdId, kind, visitedAt: at(visitedAt), staffMemberId, visitorSubject: staffMemberId ? 'visit-worker' : 'someone-else' });
    await db.insert(householdVisits).values([
      // The worker, February: homes 0..3 and special 5 (five distinct), home 0 twice.
      visit(homes[0], 'ROUTINE', '2025-02-03T02:00:00Z'),
      visit(homes[0], 'ROUTINE', '2025-02-20T02:00:00Z'),
      visit(homes[1], 'ROUTINE', '2025-02-04T02:00:00Z'),
      visit(homes[2], 'ROUTINE', '2025-02-05T02:00:00Z'),
      visit(homes[3], 'ROUTINE', '2025-02-06T02:00:00Z'),
      visit(special[0], 'SPECIAL_CARE', '2025-02-07T02:00:00Z'),
      // China midnight: 2025-01-31T16:30Z is 1 February 00:30 in China, so it counts for February.
      visit(special[1], 'SPECIAL_CARE', '2025-01-31T16:30:00Z', null),
      // January (same quarter): data refreshed for homes 0 and 1; a routine visit that is not February.
      visit(homes[0], 'DATA_REFRESH', '2025-01-10T02:00:00Z'),
      visit(homes[1], 'DATA_REFRESH', '2025-01-11T02:00:00Z'),
      visit(homes[4], 'ROUTINE', '2025-01-12T02:00:00Z'),
      // After the quarter: does not refresh Q1; after the month: not a last visit of February.
      visit(homes[2], 'DATA_REFRESH', '2025-04-02T02:00:00Z'),
      // 28 February 23:59 in China is still February.
      visit(homes[4], 'ROUTINE', '2025-02-28T15:59:00Z'),
    ]);
  });

  async function duties(unit: string, extra: Record<string, unknown> = {}, token = tokens.admin) {
    const r = await t.gql(DUTIES, { unit, month: MONTH, ...extra }, token);
    expect(r.errors).toBeUndefined();
    return r.data.visitDuties;
  }

  const mine = (d: any) => d.workers.find((w: any) => w.staffMember.id === toGlobalId('StaffMember', workerKey));

  test('per worker, against the hand-computed month', async () => {
    const d = await duties(toGlobalId('Grid', grid.id));
    const n = homes.length;
    expect(mine(d)).toEqual({
      staffMember: { id: toGlobalId('StaffMember', workerKey) }, grid: { id: toGlobalId('Grid', grid.id) },
      households: { done: 6, due: Math.min(10, n) },
      special: { done: 2, due: 3, overdue: 1 },
      dataRefresh: { done: 2, due: n, overdue: n - 2 },
      met: false,
    });
  });

  test('per household, with the overdue filter and pages', async () => {
    const all = await duties(toGlobalId('Grid', grid.id));
    expect(all.households.totalCount).toBe(homes.length);
    const byId = new Map(all.households.nodes.map((h: any) => [h.household.id, h]));
    expect(byId.get(toGlobalId('Household', homes[0]))).toEqual({
      household: { id: toGlobalId('Household', homes[0]) }, special: false,
      lastVisitedAt: '2025-02-20T02:00:00.000Z', lastDataRefreshAt: '2025-01-10T02:00:00.000Z', due: [], overdue: false,
    });
    expect(byId.get(toGlobalId('Household', homes[2]))).toMatchObject({ lastVisitedAt: '2025-02-05T02:00:00.000Z', lastDataRefreshAt: null, due: ['DATA_REFRESH'], overdue: true });
    expect(byId.get(toGlobalId('Household', special[1]))).toMatchObject({ special: true, due: ['DATA_REFRESH'], overdue: true });
    expect(byId.get(toGlobalId('Household', special[2]))).toMatchObject({ special: true, lastVisitedAt: null, due: ['SPECIAL_VISIT', 'DATA_REFRESH'], overdue: true });

    const overdue = await duties(toGlobalId('Grid', grid.id), { overdue: true });
    expect(overdue.households.totalCount).toBe(homes.length - 2);
    expect(overdue.households.nodes.every((h: any) => h.overdue)).toBe(true);
    const fine = await duties(toGlobalId('Grid', grid.id), { overdue: false });
    expect(fine.households.nodes.map((h: any) => h.household.id).sort()).toEqual([homes[0], homes[1]].map((h) => toGlobalId('Household', h)).sort());
  });

  test('the contract function answers the same, in at most 3 statements, and filters by staff member', async () => {
    const { workerDuties } = await import('../../../src/modules/visit/duty.service');
    const before = t.database.statements.count;
    const list = await workerDuties(t.database.db, { streetId: grid.streetId }, MONTH);
    expect(t.database.statements.count - before).toBeLessThanOrEqual(3);
    const own = list.find((w) => w.staffMemberId === workerKey && w.gridId === grid.id);
    expect(own).toMatchObject({ month: MONTH, households: { done: 6 }, special: { done: 2, due: 3, overdue: 1 }, met: false });
    const only = await workerDuties(t.database.db, { staffMemberIds: [workerKey] }, MONTH);
    expect(only.every((w) => w.staffMemberId === workerKey)).toBe(true);
    expect(only.map((w) => w.gridId)).toContain(grid.id);
    expect(await workerDuties(t.database.db, { gridIds: [] }, MONTH)).toEqual([]);
  });

  test('changing the rules changes the evaluation', async () => {
    const set = await t.gql(`mutation($input: VisitDutyRulesInput!) { visitDutyRulesSet(input: $input) {
      rules { minimumHouseholdsPerMonth specialTags specialVisitMonths dataRefreshMonths workerRoles loggingWindowDays updatedBy } userErrors { field code }
    } }`, { input: {
      minimumHouseholdsPerMonth: 5, specialTags: ['DISABLED'], specialVisitMonths: 1, dataRefreshMonths: 12, workerRoles: ['MICRO_GRID_WORKER'], loggingWindowDays: 31,
    } }, tokens.admin);
    expect(set.data.visitDutyRulesSet.userErrors).toEqual([]);
    expect(set.data.visitDutyRulesSet.rules).toMatchObject({ minimumHouseholdsPerMonth: 5, dataRefreshMonths: 12, updatedBy: 'test-city_admin' });
    const d = await duties(toGlobalId('Grid', grid.id));
    const n = homes.length;
    expect(mine(d)).toMatchObject({
      households: { done: 6, due: 5 }, special: { done: 0, due: 0, overdue: 0 }, dataRefresh: { done: 3, due: n, overdue: n - 3 }, met: false,
    });

    const refused = await t.gql(`mutation($input: VisitDutyRulesInput!) { visitDutyRulesSet(input: $input) { rules { minimumHouseholdsPerMonth } userErrors { field code } } }`, { input: {
      minimumHouseholdsPerMonth: -1, specialTags: [], specialVisitMonths: 5, dataRefreshMonths: 3, workerRoles: ['GRID_WORKER'], loggingWindowDays: 0,
    } }, tokens.admin);
    expect(refused.data.visitDutyRulesSet.userErrors.map((e: any) => e.field[1]).sort()).toEqual(['loggingWindowDays', 'minimumHouseholdsPerMonth', 'specialTags', 'specialVisitMonths']);
    const secretary = await t.gql(`mutation($input: VisitDutyRulesInput!) { visitDutyRulesSet(input: $input) { userErrors { code } } }`, { input: {
      minimumHouseholdsPerMonth: 1, specialTags: ['DISABLED'], specialVisitMonths: 1, dataRefreshMonths: 3, workerRoles: ['GRID_WORKER'], loggingWindowDays: 3,
    } }, tokens.secretary);
    expect(secretary.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rules = await t.gql(`{ visitDutyRules { minimumHouseholdsPerMonth specialTags } }`, {}, tokens.worker);
    expect(rules.data.visitDutyRules).toEqual({ minimumHouseholdsPerMonth: 5, specialTags: ['DISABLED'] });

    await t.gql(`mutation($input: VisitDutyRulesInput!) { visitDutyRulesSet(input: $input) { userErrors { code } } }`, { input: {
      minimumHouseholdsPerMonth: 10, specialTags: ['ELDERLY_LIVING_ALONE', 'DISABLED', 'LEFT_BEHIND_CHILD', 'FAMILY_IN_DIFFICULTY'],
      specialVisitMonths: 1, dataRefreshMonths: 3, workerRoles: ['MICRO_GRID_WORKER'], loggingWindowDays: 31,
    } }, tokens.admin);
  });

  test('a unit outside the viewer\'s area is refused; a malformed month is a bad argument', async () => {
    const outside = await t.gql(DUTIES, { unit: u.ids.otherLevel2, month: MONTH }, tokens.worker);
    expect(outside.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const month = await t.gql(DUTIES, { unit: u.ids.community, month: '2025-13' }, tokens.secretary);
    expect(month.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const notUnit = await t.gql(DUTIES, { unit: u.ids.household, month: MONTH }, tokens.secretary);
    expect(notUnit.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('the statement count stays the same for a grid and for a whole street', async () => {
    const cost = async (unit: string) => {
      const before = t.database.statements.count;
      const d = await duties(unit);
      return { statements: t.database.statements.count - before, workers: d.workers.length, households: d.households.nodes.length };
    };
    const small = await cost(toGlobalId('Grid', grid.id));
    const large = await cost(toGlobalId('Street', grid.streetId));
    expect(large.workers).toBeGreaterThan(small.workers);
    expect(large.households).toBeGreaterThan(small.households);
    expect(small.statements).toBeLessThanOrEqual(9);
    expect(large.statements).toBe(small.statements);
  });
});

describe('duty for the running month', () => {
  test('nothing is overdue and no worker has failed before the month ends', async () => {
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const r = await t.gql(`query($unit: ID!, $month: String!) { visitDuties(unit: $unit, month: $month) { workers { met special { overdue } } } }`,
      { unit: u.ids.community, month }, tokens.secretary);
    expect(r.errors).toBeUndefined();
    const workers = r.data.visitDuties.workers;
    expect(workers.length).toBeGreaterThan(0);
    expect(workers.every((w: any) => w.met && w.special.overdue === 0)).toBe(true);
  });
});
