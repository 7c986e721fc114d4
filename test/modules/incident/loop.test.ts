import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { incidents, incidentTransitions } from '../../../src/modules/incident/incident.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { EVENT_QUERY, incidentClient } from '../../helpers/incidents';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import { Subscriber, whenSubscribed } from '../../helpers/subscriptions';

let t: TestServer;
let u: DemoUnits;
let api: ReturnType<typeof incidentClient>;
const tokens: Record<string, string> = {};
const departments: Record<string, { id: string; key: number }> = {};
let point: { longitude: number; latitude: number };

function centre(ring: [number, number][]) {
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  return { longitude: (Math.min(...xs) + Math.max(...xs)) / 2, latitude: (Math.min(...ys) + Math.max(...ys)) / 2 };
}

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  api = incidentClient(t);
  point = centre(u.micro.boundary);
  tokens.admin = await t.token(Role.CITY_ADMIN);
  for (const code of ['T-LEAD', 'T-COOP', 'T-OTHER']) {
    const r = await t.gql(`mutation($c: String!) { departmentCreate(input: { code: $c, name: $c }) { department { id } userErrors { code } } }`, { c: code }, tokens.admin);
    const id = r.data.departmentCreate.department.id as string;
    departments[code] = { id, key: Number(Buffer.from(id, 'base64').toString().split(':')[1]) };
  }
  const set = await t.gql(`mutation($lead: ID!, $coop: ID!) {
    responsibilitySet(input: { category: ENVIRONMENT, leadDepartmentId: $lead, cooperatingDepartmentIds: [$coop], timeLimitHours: 48 }) {
      responsibility { category timeLimitHours lead { id } cooperating { id } } userErrors { code }
    }
  }`, { lead: departments['T-LEAD'].id, coop: departments['T-COOP'].id }, tokens.admin);
  expect(set.data.responsibilitySet.responsibility).toEqual({
    category: 'ENVIRONMENT', timeLimitHours: 48, lead: { id: departments['T-LEAD'].id }, cooperating: [{ id: departments['T-COOP'].id }],
  });
  tokens.worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'worker-a');
  tokens.otherWorker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.otherLevel2.id }, 'worker-b');
  tokens.secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'secretary');
  tokens.officer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }, 'officer');
  tokens.handler = await t.token(Role.DEPARTMENT_HANDLER, { type: 'Department', key: departments['T-LEAD'].key }, 'handler-lead');
  tokens.cooperating = await t.token(Role.DEPARTMENT_HANDLER, { type: 'Department', key: departments['T-COOP'].key }, 'handler-coop');
  tokens.otherHandler = await t.token(Role.DEPARTMENT_HANDLER, { type: 'Department', key: departments['T-OTHER'].key }, 'handler-other');
  tokens.resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'resident-1');
});
afterAll(async () => t?.close());

const report = (token = tokens.worker, extra: Record<string, unknown> = {}, key?: string) =>
  api.report(token, { category: 'ENVIRONMENT', title: '楼道堆放杂物', description: '三单元楼道堆满纸箱，影响通行', ...point, ...extra }, key);

describe('the closed loop over HTTP, watched over graphql-ws', () => {
  test('report → accept → dispatch → start → feedback → close; the subscriber receives each step in order', async () => {
    const subscriber = await whenSubscribed(t.server.events, 1, () => new Subscriber(t.wsClient(tokens.secretary), EVENT_QUERY, { filter: { within: u.ids.community } }));

    const reported = await report();
    expect(reported.userErrors).toEqual([]);
    const incident = reported.incident;
    expect(incident).toMatchObject({ status: 'REPORTED', version: 1 });
    expect(reported.incident.grid.id).toBe(u.ids.micro);
    expect(new Date(reported.incident.deadline).getTime() - Date.now()).toBeGreaterThan(47 * 3600 * 1000);

    const accepted = await api.step('incidentAccept', { id: incident.id, expectedVersion: 1, triage: 'SOLVE_AT_ONCE' }, tokens.secretary);
    expect(accepted.incident).toMatchObject({ status: 'ACCEPTED', version: 2, viewerCanDispatch: true, viewerCanAccept: false });
    const dispatched = await api.step('incidentDispatch', { id: incident.id, expectedVersion: 2 }, tokens.officer);
    expect(dispatched.incident).toMatchObject({ status: 'DISPATCHED', department: { id: departments['T-LEAD'].id } });
    const started = await api.step('incidentStart', { id: incident.id, expectedVersion: 3 }, tokens.handler);
    expect(started.incident).toMatchObject({ status: 'IN_PROGRESS', viewerCanFeedback: true });
    const handled = await api.step('incidentFeedback', { id: incident.id, expectedVersion: 4, note: '已清理完毕' }, tokens.handler);
    expect(handled.incident.status).toBe('HANDLED');
    const closed = await api.step('incidentClose', { id: incident.id, expectedVersion: 5, satisfaction: 5, note: '回访满意' }, tokens.secretary);
    expect(closed.incident).toMatchObject({ status: 'CLOSED', version: 6, viewerCanReopen: false });

    const events = await subscriber.waitFor(6);
    expect(events.map((e) => e.incidentEvents.transition.action)).toEqual(['REPORT', 'ACCEPT', 'DISPATCH', 'START', 'FEEDBACK', 'CLOSE']);
    expect(events.map((e) => e.incidentEvents.incident.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.every((e) => e.incidentEvents.incident.id === incident.id)).toBe(true);
    expect(events[4].incidentEvents.transition).toMatchObject({ fromStatus: 'IN_PROGRESS', toStatus: 'HANDLED', note: '已清理完毕', actor: { subject: 'handler-lead', role: 'DEPARTMENT_HANDLER' } });
    expect(events[0].incidentEvents.incident.grid.code).toBe(u.micro.code);
    expect((await subscriber.settle()).length).toBe(6);
    subscriber.stop();

    const timeline = await t.gql(`query($id: ID!) { node(id: $id) { ... on Incident { satisfaction closedAt timeline(first: 3) { totalCount nodes { action toStatus actor { role } } pageInfo { hasNextPage } } } } }`, { id: incident.id }, tokens.secretary);
    expect(timeline.data.node).toMatchObject({
      satisfaction: 5,
      timeline: { totalCount: 6, nodes: [{ action: 'REPORT', toStatus: 'REPORTED' }, { action: 'ACCEPT' }, { action: 'DISPATCH' }], pageInfo: { hasNextPage: true } },
    });
  });

  test('a dropped subscriber resumes with `after`: exactly the missed steps, then live ones', async () => {
    const { incident } = await report();
    const first = await whenSubscribed(t.server.events, 1, () => new Subscriber(t.wsClient(tokens.secretary), EVENT_QUERY, { filter: { incidentId: incident.id } }));
    await api.step('incidentAccept', { id: incident.id, triage: 'STUDY_AND_ASSIGN' }, tokens.secretary);
    const [seen] = await first.waitFor(1);
    first.stop();

    await api.step('incidentDispatch', { id: incident.id }, tokens.officer);
    await api.step('incidentStart', { id: incident.id }, tokens.handler);
    await api.step('incidentEscalate', { id: incident.id, note: '需多部门协调' }, tokens.handler);

    const resumed = new Subscriber(t.wsClient(tokens.secretary), EVENT_QUERY, { filter: { incidentId: incident.id }, after: seen.incidentEvents.cursor });
    const missed = await resumed.waitFor(3);
    expect(missed.map((e) => e.incidentEvents.transition.action)).toEqual(['DISPATCH', 'START', 'ESCALATE']);
    await api.step('incidentDispatch', { id: incident.id, departmentId: departments['T-OTHER'].id }, tokens.officer);
    const all = await resumed.waitFor(4);
    expect(all.map((e) => e.incidentEvents.transition.action)).toEqual(['DISPATCH', 'START', 'ESCALATE', 'DISPATCH']);
    expect(new Set(all.map((e) => e.incidentEvents.cursor)).size).toBe(4);
    expect((await resumed.settle()).length).toBe(4);
    resumed.stop();
  });

  test('a subscriber sees only what the viewer may read', async () => {
    const [own, other, handler] = await whenSubscribed(t.server.events, 3, () => [
      new Subscriber(t.wsClient(tokens.worker), EVENT_QUERY),
      new Subscriber(t.wsClient(tokens.otherWorker), EVENT_QUERY),
      new Subscriber(t.wsClient(tokens.otherHandler), EVENT_QUERY),
    ]);
    const { incident } = await report();
    await own.waitFor(1);
    expect(own.events[0].incidentEvents.incident.id).toBe(incident.id);
    expect(await other.settle()).toEqual([]);
    expect(await handler.settle(50)).toEqual([]);
    [own, other, handler].forEach((s) => s.stop());
  });

  test('an unknown or expired cursor is a clear error', async () => {
    const bad = new Subscriber(t.wsClient(tokens.secretary), EVENT_QUERY, { after: 'nonsense' });
    await expect(bad.waitFor(1)).rejects.toThrow(/BAD_USER_INPUT/);
  });
});

describe('refusals leave the incident as it was', () => {
  const snapshot = async (id: string) => {
    const key = Number(Buffer.from(id, 'base64').toString().split(':')[1]);
    const [row] = await t.database.db.select().from(incidents).where(eq(incidents.id, key));
    const [{ n }] = await t.database.db.select({ n: count() }).from(incidentTransitions).where(eq(incidentTransitions.incidentId, key));
    return { row, timeline: n };
  };

  test('an invalid transition answers INVALID_TRANSITION; a stale version STALE_VERSION', async () => {
    const { incident } = await report();
    const before = await snapshot(incident.id);
    const invalid = await api.step('incidentClose', { id: incident.id, satisfaction: 5 }, tokens.secretary);
    expect(invalid).toEqual({ incident: null, userErrors: [expect.objectContaining({ field: ['id'], code: 'INVALID_TRANSITION' })] });
    const stale = await api.step('incidentAccept', { id: incident.id, expectedVersion: 7, triage: 'SOLVE_AT_ONCE' }, tokens.secretary);
    expect(stale.userErrors).toEqual([expect.objectContaining({ field: ['expectedVersion'], code: 'STALE_VERSION' })]);
    const noNote = await api.step('incidentExplain', { id: incident.id }, tokens.secretary);
    expect(noNote.userErrors).toEqual([expect.objectContaining({ field: ['note'], code: 'REQUIRED' })]);
    expect(await snapshot(incident.id)).toEqual(before);
  });

  test('two concurrent dispatches of the same version: exactly one succeeds', async () => {
    const { incident } = await report();
    await api.step('incidentAccept', { id: incident.id, expectedVersion: 1, triage: 'SOLVE_AT_ONCE' }, tokens.secretary);
    const results = await Promise.all([
      api.step('incidentDispatch', { id: incident.id, expectedVersion: 2 }, tokens.officer),
      api.step('incidentDispatch', { id: incident.id, expectedVersion: 2, departmentId: departments['T-OTHER'].id }, tokens.secretary),
    ]);
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(results.flatMap((r) => r.userErrors.map((e) => e.code))).toEqual(['STALE_VERSION']);
    const after = await snapshot(incident.id);
    expect(after.row.version).toBe(3);
    expect(after.timeline).toBe(3);
  });

  test('a handler acts only on incidents of its department; others do not even see them', async () => {
    const { incident } = await report();
    await api.step('incidentAccept', { id: incident.id, triage: 'SOLVE_AT_ONCE' }, tokens.secretary);
    await api.step('incidentDispatch', { id: incident.id }, tokens.officer);
    const other = await api.step('incidentStart', { id: incident.id }, tokens.otherHandler);
    expect(other.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'NOT_FOUND' })]);
    const cooperating = await api.step('incidentStart', { id: incident.id }, tokens.cooperating);
    expect(cooperating.userErrors).toEqual([expect.objectContaining({ code: 'OUT_OF_SCOPE' })]);
    const seen = await t.gql(`query($id: ID!) { node(id: $id) { id } incidents { totalCount } }`, { id: incident.id }, tokens.otherHandler);
    expect(seen.data.node).toBeNull();
    const refused = await t.gql(`mutation($id: ID!) { incidentAccept(id: $id, triage: SOLVE_AT_ONCE) { userErrors { code } } }`, { id: incident.id }, tokens.handler);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const households = await t.gql(`{ households { totalCount } }`, {}, tokens.handler);
    expect(households.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('a grid worker cannot report outside their grids; bad input names the field', async () => {
    const outside = await report(tokens.otherWorker);
    expect(outside.userErrors).toEqual([expect.objectContaining({ field: ['input', 'longitude'], code: 'OUT_OF_SCOPE' })]);
    const nowhere = await report(tokens.worker, { longitude: 100, latitude: 20 });
    expect(nowhere.userErrors).toEqual([expect.objectContaining({ field: ['input', 'longitude'], code: 'INVALID' })]);
    const badPhoto = await report(tokens.worker, { photoUrls: ['ftp://x/y.jpg'] });
    expect(badPhoto.userErrors).toEqual([expect.objectContaining({ field: ['input', 'photoUrls', '0'], code: 'INVALID' })]);
    const blank = await report(tokens.worker, { title: '' });
    expect(blank.userErrors).toEqual([expect.objectContaining({ field: ['input', 'title'], code: 'REQUIRED' })]);
  });
});

describe('repeats and residents', () => {
  test('a repeated report with the same idempotency key reports once', async () => {
    const [{ n: before }] = await t.database.db.select({ n: count() }).from(incidents);
    const first = await report(tokens.worker, {}, 'phone-42-report-1');
    const again = await report(tokens.worker, {}, 'phone-42-report-1');
    expect(again.incident.id).toBe(first.incident.id);
    const [{ n: after }] = await t.database.db.select({ n: count() }).from(incidents);
    expect(after).toBe(before + 1);
    const concurrent = await Promise.all([1, 2, 3].map(() => report(tokens.worker, {}, 'phone-42-report-2')));
    expect(new Set(concurrent.map((r) => r.incident.id)).size).toBe(1);
    const [{ n: final }] = await t.database.db.select({ n: count() }).from(incidents);
    expect(final).toBe(before + 2);
  });

  test('a handler\'s phone that reuses the key of "start" for "feedback" with the same arguments is IDEMPOTENCY_KEY_REUSED; the incident stays in progress', async () => {
    const { incident } = await report();
    await api.step('incidentAccept', { id: incident.id, triage: 'SOLVE_AT_ONCE' }, tokens.secretary);
    await api.step('incidentDispatch', { id: incident.id }, tokens.officer);
    const args = { id: incident.id, note: '已到现场，正在清理', idempotencyKey: 'handler-phone-7' };
    const started = await api.step('incidentStart', args, tokens.handler);
    expect(started.incident).toMatchObject({ status: 'IN_PROGRESS' });
    expect(await api.step('incidentStart', args, tokens.handler)).toEqual(started);
    const [{ n: before }] = await t.database.db.select({ n: count() }).from(incidentTransitions);
    const reused = await api.step('incidentFeedback', args, tokens.handler);
    expect(reused.incident).toBeNull();
    expect(reused.userErrors.map((e) => [e.field, e.code])).toEqual([[['idempotencyKey'], 'IDEMPOTENCY_KEY_REUSED']]);
    const [{ n: after }] = await t.database.db.select({ n: count() }).from(incidentTransitions);
    expect(after).toBe(before);
    const handled = await api.step('incidentFeedback', { ...args, idempotencyKey: 'handler-phone-8' }, tokens.handler);
    expect(handled.incident).toMatchObject({ status: 'HANDLED' });
  });

  test('a resident reports, follows and reopens their own incident', async () => {
    const { incident } = await report(tokens.resident);
    await api.step('incidentAccept', { id: incident.id, triage: 'SOLVE_AT_ONCE' }, tokens.secretary);
    await api.step('incidentDispatch', { id: incident.id }, tokens.officer);
    await api.step('incidentStart', { id: incident.id }, tokens.handler);
    const handled = await api.step('incidentFeedback', { id: incident.id, note: '已处理' }, tokens.handler);
    expect(handled.incident.status).toBe('HANDLED');
    const mine = await t.gql(`{ incidents { totalCount nodes { id viewerCanReopen viewerCanClose household { id } } } }`, {}, tokens.resident);
    expect(mine.data.incidents.nodes).toEqual([{ id: incident.id, viewerCanReopen: true, viewerCanClose: false, household: { id: u.ids.household } }]);
    const reopened = await api.step('incidentReopen', { id: incident.id, note: '问题没有解决' }, tokens.resident);
    expect(reopened.incident.status).toBe('IN_PROGRESS');
  });
});
