import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chinaDate } from '../../../src/calendar';
import { toGlobalId } from '../../../src/graphql/ids';
import { dailyPointEntries, workerRatings } from '../../../src/modules/appraisal/appraisal.tables';
import { grids, households, staffAssignments, staffMembers } from '../../../src/modules/grid/grid.tables';
import { incidents } from '../../../src/modules/incident/incident.tables';
import { householdVisits } from '../../../src/modules/visit/visit.tables';
import { ruleSettings } from '../../../src/db/settings.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { incidentClient } from '../../helpers/incidents';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;
let worker: { id: number; gid: string; subject: string };
let tokens: Record<'secretary' | 'officer' | 'otherOfficer' | 'admin' | 'districtAdmin' | 'worker' | 'otherWorker' | 'resident' | 'outsider', string>;
let visitedHouseholds: number[];

const today = chinaDate();
const month = today.slice(0, 7);
const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
const ERRORS = 'userErrors { field code message }';
const APPRAISAL = `staffMember { id name } grids { id } period incidentsFound incidentsHandled incidentsInGrids closureRate
  dailyPoints { manual automatic total lines { rule label quantity points automatic } }
  ratings { count average }
  visits { householdsVisited householdsDue specialOverdue dataRefreshOverdue monthsMet monthsCounted }
  score { dailyPoints residentRating closureRate visitDuty overall }`;

async function appraisals(token: string, unit: string, period: Record<string, unknown> = { month }) {
  const r = await t.gql(`query($unit: ID!, $period: WorkerAppraisalPeriodInput!) { workerAppraisals(unit: $unit, period: $period) { ${APPRAISAL} } }`, { unit, period }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.workerAppraisals as any[];
}

const ours = async (token: string, unit = u.ids.micro, period?: Record<string, unknown>) => (await appraisals(token, unit, period)).find((a) => a.staffMember.id === worker.gid);

async function record(token: string, input: Record<string, unknown>, key?: string) {
  const r = await t.gql(`mutation($input: DailyPointRecordInput!, $key: String) { dailyPointRecord(input: $input, idempotencyKey: $key) {
    workerPointEntry { id day rule quantity points note staffMember { id } } ${ERRORS} } }`, { input, key }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.dailyPointRecord;
}

async function rate(token: string, input: Record<string, unknown>) {
  const r = await t.gql(`mutation($input: WorkerRateInput!) { workerRate(input: $input) { workerRating { id period score comment staffMember { id } } ${ERRORS} } }`, { input }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.workerRate;
}

const entryCount = async () => (await t.database.db.select({ n: count() }).from(dailyPointEntries).where(eq(dailyPointEntries.staffMemberId, worker.id)))[0].n;

/** The appraisal of our worker for this month, computed from the raw rows and the default rules, independently of the service. */
async function expected(rules = { visit: 1, found: 2, handled: 3, fullMarks: 60, weights: [30, 30, 20, 20] }) {
  const db = t.database.db;
  const start = new Date(`${month}-01T00:00:00+08:00`);
  const next = new Date(start.getTime());
  next.setUTCMonth(next.getUTCMonth() + 1);
  const inMonth = (column: any) => sql`${column} >= ${start.toISOString()}::timestamptz and ${column} < ${next.toISOString()}::timestamptz`;
  const entries = await db.select().from(dailyPointEntries).where(and(eq(dailyPointEntries.staffMemberId, worker.id), sql`to_char(${dailyPointEntries.day}, 'YYYY-MM') = ${month}`));
  const visits = await db.select().from(householdVisits).where(and(eq(householdVisits.staffMemberId, worker.id), inMonth(householdVisits.visitedAt)));
  const found = await db.select().from(incidents).where(and(eq(incidents.reporterSubject, worker.subject), inMonth(incidents.reportedAt)));
  const microGrids = (await db.select({ id: grids.id }).from(grids).where(sql`${grids.code} = ${u.micro.code} or ${grids.code} like ${`${u.micro.code}-%`}`)).map((g) => g.id);
  const handled = await db.select().from(incidents).where(and(inArray(incidents.gridId, microGrids), eq(incidents.status, 'CLOSED'), inMonth(incidents.closedAt)));
  const inGrids = await db.select().from(incidents).where(and(inArray(incidents.gridId, microGrids), inMonth(incidents.reportedAt)));
  const ratings = await db.select().from(workerRatings).where(and(eq(workerRatings.staffMemberId, worker.id), eq(workerRatings.period, quarter)));
  const manual = entries.reduce((s, e) => s + Number(e.points), 0);
  const automatic = visits.length * rules.visit + found.length * rules.found + handled.length * rules.handled;
  const average = ratings.length === 0 ? null : ratings.reduce((s, r) => s + r.score, 0) / ratings.length;
  const concluded = inGrids.filter((i) => i.status === 'CLOSED' || i.status === 'EXPLAINED').length;
  const closureRate = inGrids.length === 0 ? null : concluded / inGrids.length;
  const distinctVisited = new Set(visits.map((v) => v.householdId)).size;
  const [{ n: householdsInGrids }] = await db.select({ n: count() }).from(households).where(inArray(households.gridId, microGrids));
  const parts = [
    Math.min(100, Math.max(0, ((manual + automatic) / rules.fullMarks) * 100)),
    average === null ? null : average * 20,
    closureRate === null ? null : closureRate * 100,
    null as number | null,
  ];
  return { manual, automatic, total: manual + automatic, found: found.length, handled: handled.length, inGrids: inGrids.length, average, count: ratings.length, closureRate, distinctVisited, householdsInGrids, parts, weights: rules.weights };
}

/** The overall score recomputed from the parts the API gave and the weights, leaving out parts without a score. */
function overallOf(score: any, weights: number[]) {
  const parts = [score.dailyPoints, score.residentRating, score.closureRate, score.visitDuty];
  const used = parts.map((p, i) => [p, weights[i]]).filter(([p, w]) => p !== null && w > 0);
  const weight = used.reduce((s, [, w]) => s + w, 0);
  return Math.round((used.reduce((s, [p, w]) => s + p * w, 0) / weight) * 100) / 100;
}

beforeAll(async () => {
  t = await startTestServer();
  const db = t.database.db;
  u = await demoUnits(db);
  const subject = 'appraisal-test-worker';
  const [member] = await db.insert(staffMembers).values({ name: '考核测试网格员', phone: '13800000001', subject }).returning();
  await db.insert(staffAssignments).values({
    districtId: u.micro.districtId, streetId: u.micro.streetId, communityId: u.micro.communityId, gridId: u.micro.id,
    staffMemberId: member.id, role: 'MICRO_GRID_WORKER', startedOn: '2020-01-01',
  });
  worker = { id: member.id, gid: toGlobalId('StaffMember', member.id), subject };
  const homes = await db.select().from(households).where(eq(households.gridId, u.micro.id)).limit(3);
  visitedHouseholds = homes.map((h) => h.id);
  const at = new Date(`${today}T01:00:00+08:00`);
  await db.insert(householdVisits).values([...homes, homes[0]].map((h, i) => ({
    districtId: h.districtId, streetId: h.streetId, communityId: h.communityId, gridId: h.gridId, householdId: h.id,
    staffMemberId: member.id, visitorSubject: subject, kind: i === 0 ? 'DATA_REFRESH' as const : 'ROUTINE' as const, visitedAt: new Date(at.getTime() + i * 60_000),
  })));
  const [otherCommunityStreet] = [u.otherStreet.id];
  tokens = {
    secretary: await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }),
    officer: await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }),
    otherOfficer: await t.token(Role.STREET_OFFICER, { type: 'Street', key: otherCommunityStreet }, 'other-officer'),
    admin: await t.token(Role.CITY_ADMIN),
    districtAdmin: await t.token(Role.CITY_ADMIN, { type: 'District', key: u.street.districtId }, 'district-admin'),
    worker: await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.micro.id }, subject),
    otherWorker: await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.micro.id }, 'someone-else'),
    resident: await t.token(Role.RESIDENT, { type: 'Household', key: homes[0].id }, `resident-${homes[0].id}`),
    outsider: await t.token(Role.RESIDENT, { type: 'Household', key: u.otherHousehold.id }, 'outsider'),
  };
  const report = await incidentClient(t).report(tokens.worker, { category: 'ENVIRONMENT', title: '楼道堆放杂物', description: '3单元楼道堆放纸箱，存在消防隐患。', gridId: u.ids.micro });
  expect(report.userErrors).toEqual([]);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('daily points recorded by hand', () => {
  test('a secretary records a manual rule; the points are the rule\'s at the time; a repeated key records once', async () => {
    const before = await entryCount();
    const input = { staffMemberId: worker.gid, day: today, rule: 'MEETING', quantity: 2, note: '参加社区周例会' };
    const first = await record(tokens.secretary, input, 'meeting-1');
    expect(first.userErrors).toEqual([]);
    expect(first.workerPointEntry).toMatchObject({ rule: 'MEETING', quantity: 2, points: '4.00', staffMember: { id: worker.gid } });
    const again = await record(tokens.secretary, input, 'meeting-1');
    expect(again.workerPointEntry.id).toBe(first.workerPointEntry.id);
    expect(await entryCount()).toBe(before + 1);
    const complaint = await record(tokens.officer, { staffMemberId: worker.gid, day: today, rule: 'COMPLAINT' });
    expect(complaint.workerPointEntry.points).toBe('-5.00');
  });

  test('refusals name the field and write nothing', async () => {
    const before = await entryCount();
    const cases: [string, Record<string, unknown>, string[], string][] = [
      [tokens.secretary, { rule: 'VISIT_LOGGED' }, ['input', 'rule'], 'INVALID'],
      [tokens.secretary, { rule: 'NO_SUCH_RULE' }, ['input', 'rule'], 'NOT_FOUND'],
      [tokens.secretary, { day: '2099-01-01' }, ['input', 'day'], 'INVALID'],
      [tokens.secretary, { quantity: 0 }, ['input', 'quantity'], 'INVALID'],
      [tokens.otherOfficer, {}, ['input', 'staffMemberId'], 'OUT_OF_SCOPE'],
      [tokens.secretary, { staffMemberId: u.ids.community }, ['input', 'staffMemberId'], 'NOT_FOUND'],
    ];
    for (const [token, change, field, code] of cases) {
      const r = await record(token, { staffMemberId: worker.gid, day: today, rule: 'TRAINING', ...change });
      expect(r.workerPointEntry).toBeNull();
      expect(r.userErrors[0]).toMatchObject({ field, code });
    }
    expect(await entryCount()).toBe(before);
  });

  test('a grid worker may not record points', async () => {
    const r = await t.gql('mutation($input: DailyPointRecordInput!) { dailyPointRecord(input: $input) { userErrors { code } } }',
      { input: { staffMemberId: worker.gid, day: today, rule: 'MEETING' } }, tokens.worker);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('residents rate their grid worker (民主测评)', () => {
  test('one rating per household and quarter: rating again replaces it', async () => {
    const first = await rate(tokens.resident, { staffMemberId: worker.gid, score: 4, comment: '很负责' });
    expect(first.userErrors).toEqual([]);
    expect(first.workerRating).toMatchObject({ period: quarter, score: 4, comment: '很负责', staffMember: { id: worker.gid } });
    const second = await rate(tokens.resident, { staffMemberId: worker.gid, score: 5 });
    expect(second.workerRating).toMatchObject({ id: first.workerRating.id, score: 5, comment: null });
    const rows = await t.database.db.select().from(workerRatings).where(eq(workerRatings.staffMemberId, worker.id));
    expect(rows.map((r) => [r.householdId, r.period, r.score])).toEqual([[visitedHouseholds[0], quarter, 5]]);
  });

  test('a household outside the worker\'s grids, a bad score or a staff token are refused, and nothing changes', async () => {
    const outsider = await rate(tokens.outsider, { staffMemberId: worker.gid, score: 1 });
    expect(outsider.userErrors[0]).toMatchObject({ field: ['input', 'staffMemberId'], code: 'OUT_OF_SCOPE' });
    const bad = await rate(tokens.resident, { staffMemberId: worker.gid, score: 6 });
    expect(bad.userErrors[0]).toMatchObject({ field: ['input', 'score'], code: 'INVALID' });
    const staff = await t.gql('mutation($input: WorkerRateInput!) { workerRate(input: $input) { userErrors { code } } }', { input: { staffMemberId: worker.gid, score: 3 } }, tokens.secretary);
    expect(staff.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rows = await t.database.db.select().from(workerRatings).where(eq(workerRatings.staffMemberId, worker.id));
    expect(rows.map((r) => r.score)).toEqual([5]);
  });
});

describe('workerAppraisals', () => {
  test('every figure matches an independent computation from the raw rows', async () => {
    const mine = await ours(tokens.secretary);
    const want = await expected();
    expect(mine.period).toBe(month);
    expect(mine.grids).toEqual([{ id: u.ids.micro }]);
    expect(mine.dailyPoints.manual).toBeCloseTo(want.manual, 2);
    expect(mine.dailyPoints.automatic).toBeCloseTo(want.automatic, 2);
    expect(mine.dailyPoints.total).toBeCloseTo(want.total, 2);
    expect(mine.dailyPoints.lines.find((l: any) => l.rule === 'VISIT_LOGGED')).toMatchObject({ quantity: 4, points: 4, automatic: true });
    expect(mine.dailyPoints.lines.find((l: any) => l.rule === 'MEETING')).toMatchObject({ quantity: 2, points: 4, automatic: false });
    expect(want.found).toBe(1);
    expect(mine.incidentsFound).toBe(want.found);
    expect(mine.incidentsHandled).toBe(want.handled);
    expect(mine.incidentsInGrids).toBe(want.inGrids);
    expect(mine.closureRate).toBeCloseTo(want.closureRate!, 6);
    expect(mine.ratings).toEqual({ count: want.count, average: want.average });
    // The monthly minimum of 10, or every household when the grid has fewer.
    expect(mine.visits).toMatchObject({ householdsVisited: want.distinctVisited, householdsDue: Math.min(10, want.householdsInGrids), monthsCounted: 1 });
    expect(mine.score.dailyPoints).toBeCloseTo(want.parts[0]!, 2);
    expect(mine.score.residentRating).toBeCloseTo(want.parts[1]!, 2);
    expect(mine.score.closureRate).toBeCloseTo(want.parts[2]!, 2);
    // The month is running and 3 of 10 households are visited: not yet failed, unless a special household is already overdue.
    expect(mine.score.visitDuty).toBe(mine.visits.monthsMet * 100);
    expect(mine.score.overall).toBeCloseTo(overallOf(mine.score, want.weights), 2);
  });

  test('a quarter and a year take the same rows over their span', async () => {
    const q = await ours(tokens.secretary, u.ids.micro, { quarter });
    const y = await ours(tokens.secretary, u.ids.micro, { year: Number(today.slice(0, 4)) });
    expect(q.period).toBe(quarter);
    expect(q.ratings.count).toBe(1);
    expect(y.ratings.count).toBe(1);
    expect(y.incidentsFound).toBe(1);
    expect(y.visits.monthsCounted).toBeGreaterThanOrEqual(q.visits.monthsCounted);
  });

  test('a grid worker sees their own appraisal only; units outside a viewer\'s scope give nothing', async () => {
    const own = await appraisals(tokens.worker, u.ids.micro);
    expect(own.map((a) => a.staffMember.id)).toEqual([worker.gid]);
    expect(await appraisals(tokens.otherWorker, u.ids.micro)).toEqual([]);
    expect(await appraisals(tokens.otherOfficer, u.ids.micro)).toEqual([]);
    expect((await ours(tokens.districtAdmin, u.ids.street))?.staffMember.id).toBe(worker.gid);
    const resident = await t.gql('query($unit: ID!) { workerAppraisals(unit: $unit, period: { month: "2026-01" }) { period } }', { unit: u.ids.micro }, tokens.resident);
    expect(resident.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('malformed unit or period is a request error', async () => {
    for (const [unit, period] of [[u.ids.household, { month }], [u.ids.micro, { month, year: 2026 }], [u.ids.micro, { month: '2026-13' }]] as const) {
      const r = await t.gql('query($unit: ID!, $period: WorkerAppraisalPeriodInput!) { workerAppraisals(unit: $unit, period: $period) { period } }', { unit, period }, tokens.secretary);
      expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  test('a bounded number of statements, however many workers', async () => {
    const measure = async (unit: string) => {
      const before = t.database.statements.count;
      const list = await appraisals(tokens.admin, unit, { quarter });
      return { statements: t.database.statements.count - before, workers: list.length };
    };
    const small = await measure(u.ids.micro);
    const large = await measure(u.ids.street);
    // Two rule sets, one for the figures, at most three per month begun for the duty, one per loader (staff, grids).
    const months = Number(today.slice(5, 7)) - (Math.ceil(Number(today.slice(5, 7)) / 3) - 1) * 3;
    const bound = 2 + 1 + 3 * months + 2;
    expect(large.workers).toBeGreaterThan(10 * small.workers);
    expect(small.statements).toBeLessThanOrEqual(bound);
    expect(large.statements).toBeLessThanOrEqual(bound);
  });
});

describe('appraisal rules are settings', () => {
  const RULES = 'dailyPointRules { code label points automatic } monthlyPointsForFullMarks weights { dailyPoints residentRating closureRate visitDuty } updatedBy';

  async function setRules(token: string, input: Record<string, unknown>) {
    const r = await t.gql(`mutation($input: WorkerAppraisalRulesInput!) { workerAppraisalRulesSet(input: $input) { workerAppraisalRules { ${RULES} } ${ERRORS} } }`, { input }, token);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data.workerAppraisalRulesSet;
  }

  test('a city admin changes points and weights; automatic points follow, recorded ones keep their value', async () => {
    const current = (await t.gql(`{ workerAppraisalRules { ${RULES} } }`, {}, tokens.secretary)).data.workerAppraisalRules;
    expect(current.updatedBy).toBeNull();
    const before = await ours(tokens.secretary);
    const input = {
      dailyPointRules: current.dailyPointRules.map((r: any) => (r.code === 'VISIT_LOGGED' || r.code === 'MEETING' ? { ...r, points: r.points * 10 } : r)),
      monthlyPointsForFullMarks: 200,
      weights: { dailyPoints: 0, residentRating: 50, closureRate: 50, visitDuty: 0 },
    };
    const set = await setRules(tokens.admin, input);
    expect(set.userErrors).toEqual([]);
    expect(set.workerAppraisalRules.updatedBy).toBe('test-city_admin');
    const after = await ours(tokens.secretary);
    expect(after.dailyPoints.automatic).toBeCloseTo(before.dailyPoints.automatic + 4 * 9, 2);
    expect(after.dailyPoints.manual).toBeCloseTo(before.dailyPoints.manual, 2);
    const want = await expected({ visit: 10, found: 2, handled: 3, fullMarks: 200, weights: [0, 50, 50, 0] });
    expect(after.score.dailyPoints).toBeCloseTo(want.parts[0]!, 2);
    expect(after.score.overall).toBeCloseTo(overallOf(after.score, [0, 50, 50, 0]), 2);
    expect(after.score.overall).toBeCloseTo(((want.parts[1] ?? 0) + (want.parts[2] ?? 0)) / (want.parts[2] === null ? 1 : 2), 2);
  });

  test('bad rule sets are refused and the rules in force stay', async () => {
    const [stored] = await t.database.db.select().from(ruleSettings).where(eq(ruleSettings.name, 'appraisal.worker'));
    const base = { dailyPointRules: [{ code: 'VISIT_LOGGED', label: '走访', points: 1, automatic: true }], monthlyPointsForFullMarks: 60, weights: { dailyPoints: 25, residentRating: 25, closureRate: 25, visitDuty: 25 } };
    const weights = await setRules(tokens.admin, { ...base, weights: { ...base.weights, visitDuty: 30 } });
    expect(weights.userErrors[0]).toMatchObject({ field: ['input', 'weights'], code: 'INVALID' });
    const manualAsAutomatic = await setRules(tokens.admin, { ...base, dailyPointRules: [{ code: 'MEETING', label: '例会', points: 1, automatic: true }] });
    expect(manualAsAutomatic.userErrors[0]).toMatchObject({ field: ['input', 'dailyPointRules', '0', 'automatic'], code: 'INVALID' });
    const [still] = await t.database.db.select().from(ruleSettings).where(eq(ruleSettings.name, 'appraisal.worker'));
    expect(still).toEqual(stored);
    const officer = await t.gql('mutation($input: WorkerAppraisalRulesInput!) { workerAppraisalRulesSet(input: $input) { userErrors { code } } }', { input: base }, tokens.officer);
    expect(officer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('CSV export', () => {
  const url = (query: string) => `${t.server.url.replace(/\/graphql$/, '')}/export/worker-appraisals.csv?${query}`;

  test('downloads the same rows as the query, UTF-8 with BOM and Chinese headers', async () => {
    const response = await fetch(url(`unit=${encodeURIComponent(u.ids.micro)}&month=${month}`), { headers: { authorization: `Bearer ${tokens.secretary}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toContain('attachment');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n');
    const header = lines[0].split(',');
    expect(header.slice(0, 3)).toEqual(['姓名', '所在网格', '考核期']);
    const list = await appraisals(tokens.secretary, u.ids.micro);
    expect(lines).toHaveLength(list.length + 1);
    const row = lines.find((l) => l.startsWith('考核测试网格员,'))!.split(',');
    const mine = list.find((a) => a.staffMember.id === worker.gid);
    expect(row[2]).toBe(month);
    expect(Number(row[header.indexOf('日常积分合计')])).toBeCloseTo(mine.dailyPoints.total, 2);
    expect(Number(row[header.indexOf('综合得分')])).toBeCloseTo(mine.score.overall, 2);
    expect(row[1]).toBe(u.micro.name);
  });

  test('the same token rules as GraphQL, and malformed arguments are 400', async () => {
    const q = `unit=${encodeURIComponent(u.ids.micro)}&quarter=${quarter}`;
    expect((await fetch(url(q))).status).toBe(401);
    expect((await fetch(url(q), { headers: { authorization: 'Bearer nonsense' } })).status).toBe(401);
    expect((await fetch(url(q), { headers: { authorization: `Bearer ${tokens.resident}` } })).status).toBe(403);
    expect((await fetch(url(`unit=${encodeURIComponent(u.ids.micro)}`), { headers: { authorization: `Bearer ${tokens.secretary}` } })).status).toBe(400);
    const own = await fetch(url(q), { headers: { authorization: `Bearer ${tokens.worker}` } });
    expect((await own.text()).trimEnd().split('\r\n')).toHaveLength(2);
  });
});
