import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { latestEventId } from '../../src/events/outbox';
import { eventCursor } from '../../src/events/stream';
import { freeTextFields } from '../../src/graphql/free-text';
import { personalDataReads } from '../../src/modules/audit/audit.tables';
import { staffAssignments, staffMembers } from '../../src/modules/grid/grid.tables';
import { incidents } from '../../src/modules/incident/incident.tables';
import { DEMO_API_KEY } from '../../src/modules/integrator/integrator.keys';
import { householdVisits } from '../../src/modules/visit/visit.tables';
import { wishes } from '../../src/modules/wish/wish.tables';
import { getSchema } from '../../src/schema';
import { boardCompound } from '../helpers/board';
import { demoUnits, type DemoUnits } from '../helpers/fixtures';
import { incidentClient } from '../helpers/incidents';
import { Role, startTestServer, type TestServer } from '../helpers/server';
import { Subscriber } from '../helpers/subscriptions';
import { makeVolunteer, wishClient } from '../helpers/wishes';
import { Receiver, until } from '../modules/webhook/receiver';

/** The example: a mobile number and an ID card number typed into a description. */
const TYPED = '13800138000 371602199007040021';
/** The same as every viewer must see it (PIPL masks: 138****5678, 110***********1234). */
const MASKED = '138****8000 371***********0021';
/** A whole mobile number or 18-character ID number anywhere in an answer. */
const WHOLE_NUMBER = /(?<![0-9])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9})(?![0-9])/;

let t: TestServer;
let u: DemoUnits;
let receiver: Receiver;
let tokens: Record<'worker' | 'otherWorker' | 'secretary' | 'officer' | 'admin' | 'resident' | 'volunteer' | 'auditor', string>;

beforeAll(async () => {
  t = await startTestServer({ webhookPollMs: 200, webhookTimeoutMs: 1_000 });
  u = await demoUnits(t.database.db);
  receiver = await Receiver.start();
  const volunteer = await makeVolunteer(t.database.db, u.micro.id);
  tokens = {
    worker: await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'free-text-worker'),
    otherWorker: await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.otherLevel2.id }, 'free-text-other-worker'),
    secretary: await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'free-text-secretary'),
    officer: await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }, 'free-text-officer'),
    admin: await t.token(Role.CITY_ADMIN, undefined, 'free-text-admin'),
    resident: await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'free-text-resident'),
    volunteer: await t.token(Role.VOLUNTEER, { type: 'Volunteer', key: volunteer.id }, volunteer.subject!),
    auditor: await t.token(Role.AUDITOR, undefined, 'free-text-auditor'),
  };
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

/** A grid worker reports an incident in their grid with the numbers in its description (and the phone in its title). */
async function reportWithNumbers() {
  const reported = await incidentClient(t).report(tokens.worker, {
    category: 'ENVIRONMENT', title: '楼道堆物 联系13800138000', description: `三单元楼道堆满纸箱，住户${TYPED}`, gridId: u.ids.micro,
  });
  expect(reported.userErrors).toEqual([]);
  return reported.incident.id as string;
}

const keyOf = (id: string) => Number(Buffer.from(id, 'base64').toString().split(':')[1]);

const readsOf = (subjectType: string, subjectKey: number) => t.database.db.select().from(personalDataReads)
  .where(and(eq(personalDataReads.subjectType, subjectType), eq(personalDataReads.subjectKey, subjectKey))).orderBy(desc(personalDataReads.id));

describe('numbers typed into free text come masked, for every viewer (issue 14 reproductions)', () => {
  test('the demo API key reading node(id:) gets the incident\'s title and description masked; so does the worker who typed them', async () => {
    const id = await reportWithNumbers();
    const query = `query($id: ID!) { node(id: $id) { ... on Incident { title description } } }`;
    for (const token of [DEMO_API_KEY, tokens.worker, tokens.admin]) {
      const r = await t.gql(query, { id }, token);
      expect(r.errors).toBeUndefined();
      expect(r.data.node).toEqual({ title: '楼道堆物 联系138****8000', description: `三单元楼道堆满纸箱，住户${MASKED}` });
    }
    const [stored] = await t.database.db.select().from(incidents).where(eq(incidents.id, keyOf(id)));
    expect(stored.description).toBe(`三单元楼道堆满纸箱，住户${TYPED}`);
  });

  test('the demo API key following incidentEvents gets the description and the transition note masked', async () => {
    const after = eventCursor(await latestEventId(t.database.db));
    const events = new Subscriber(t.wsClient(DEMO_API_KEY), `subscription($after: String) { incidentEvents(after: $after) {
      transition { action note } incident { id title description } } }`, { after });
    const id = await reportWithNumbers();
    const accepted = await incidentClient(t).step('incidentAccept', { id, triage: 'SOLVE_AT_ONCE', note: `已电话联系${TYPED}` }, tokens.secretary);
    expect(accepted.userErrors).toEqual([]);
    const received = (await events.waitFor(2)).filter((e) => e.incidentEvents.incident.id === id);
    events.stop();
    expect(received.map((e) => e.incidentEvents.transition)).toEqual([{ action: 'REPORT', note: null }, { action: 'ACCEPT', note: `已电话联系${MASKED}` }]);
    expect(received[0].incidentEvents.incident.description).toBe(`三单元楼道堆满纸箱，住户${MASKED}`);
    expect(JSON.stringify(received)).not.toMatch(WHOLE_NUMBER);
  });

  test('a volunteer reading wishes { detail } gets the resident\'s phone masked', async () => {
    const api = wishClient(t);
    const { wish } = await api.submit(tokens.resident, { category: 'OTHER', title: '想要一台收音机', detail: '白天在家，请打13800138000' });
    await api.step('wishPublish', { id: wish.id }, tokens.secretary);
    const r = await t.gql(`{ wishes(first: 100) { nodes { id title detail } } }`, {}, tokens.volunteer);
    expect(r.errors).toBeUndefined();
    expect(r.data.wishes.nodes.find((w: { id: string }) => w.id === wish.id)).toEqual({ id: wish.id, title: '想要一台收音机', detail: '白天在家，请打138****8000' });
    const [stored] = await t.database.db.select({ detail: wishes.detail }).from(wishes).where(eq(wishes.id, keyOf(wish.id)));
    expect(stored.detail).toBe('白天在家，请打13800138000');
  });
});

describe('every other output', () => {
  test('a webhook body carries the masked text', async () => {
    const created = await t.gql(`mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { webhookEndpoint { id } userErrors { code } } }`,
      { input: { url: receiver.url('/ok?free-text'), topics: ['INCIDENTS'], description: '脱敏测试' } }, DEMO_API_KEY);
    expect(created.data.webhookEndpointCreate.userErrors).toEqual([]);
    const id = await reportWithNumbers();
    const [request] = await until(() => receiver.on('/ok?free-text').length >= 1 && receiver.on('/ok?free-text'), 'the webhook delivery');
    const body = JSON.parse(request.body);
    expect(body.event.incident).toMatchObject({ id, description: `三单元楼道堆满纸箱，住户${MASKED}` });
    expect(request.body).not.toMatch(WHOLE_NUMBER);
  });

  test('the notice board and the disclosure show the committee\'s correction reason and the line descriptions masked', async () => {
    const board = await boardCompound(t);
    await board.publish('2026-09', '10000.00', '2000.00', '7000.00');
    const corrected = await board.correct('2026-09', `保洁费多记，经手人${TYPED}核实`, '10000.00', '1500.00', '7500.00');
    const page = await (await fetch(`http://localhost:${t.server.port}/board/${encodeURIComponent(board.ids.compound)}`)).text();
    expect(page).toContain(`保洁费多记，经手人${MASKED}核实`);
    expect(page).not.toContain(TYPED);
    const r = await t.gql(`query($id: ID!) { node(id: $id) { ... on Disclosure { correctionReason canonicalContent contentHashValid } } }`, { id: corrected.id }, board.tokens.committee);
    expect(r.data.node.correctionReason).toBe(`保洁费多记，经手人${MASKED}核实`);
    expect(r.data.node.canonicalContent).toContain(`保洁费多记，经手人${MASKED}核实`);
    expect(r.data.node.canonicalContent).not.toMatch(WHOLE_NUMBER);
    expect(r.data.node.contentHashValid).toBe(true);
  });

  test('the CSV export of worker appraisals masks a number typed into a name', async () => {
    const [serving] = await t.database.db.select({ id: staffAssignments.staffMemberId }).from(staffAssignments)
      .where(and(eq(staffAssignments.gridId, u.micro.id), isNull(staffAssignments.endedOn)))
      .orderBy(asc(staffAssignments.id)).limit(1);
    const [member] = await t.database.db.select().from(staffMembers).where(eq(staffMembers.id, serving.id));
    await t.database.db.update(staffMembers).set({ name: `${member.name}13800138000` }).where(eq(staffMembers.id, member.id));
    const response = await fetch(`http://localhost:${t.server.port}/export/worker-appraisals.csv?unit=${encodeURIComponent(u.ids.street)}&year=2026`, {
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    const csv = await response.text();
    await t.database.db.update(staffMembers).set({ name: member.name }).where(eq(staffMembers.id, member.id));
    expect(response.status).toBe(200);
    expect(csv).toContain(`${member.name}138****8000`);
    expect(csv).not.toMatch(WHOLE_NUMBER);
  });
});

describe('whole text only through personalData(reason:), logged', () => {
  const INCIDENT_TEXT = `query($id: ID!, $reason: String!) { node(id: $id) { ... on Incident { description personalData(reason: $reason) { title description } } } }`;

  test('a grid worker of the area reads the incident whole, and the read is in the access log in the same statement', async () => {
    const id = await reportWithNumbers();
    const r = await t.gql(INCIDENT_TEXT, { id, reason: '回拨上报人留下的电话' }, tokens.worker);
    expect(r.errors).toBeUndefined();
    expect(r.data.node).toEqual({
      description: `三单元楼道堆满纸箱，住户${MASKED}`,
      personalData: { title: '楼道堆物 联系13800138000', description: `三单元楼道堆满纸箱，住户${TYPED}` },
    });
    const [read] = await readsOf('Incident', keyOf(id));
    expect(read).toMatchObject({ viewerSubject: 'free-text-worker', viewerRole: 'GRID_WORKER', reason: '回拨上报人留下的电话' });
    const logged = await t.gql(`query($id: ID!) { personalDataReads(first: 5, filter: { subjectId: $id }) { nodes { subjectType subjectId reason } } }`, { id }, tokens.auditor);
    expect(logged.data.personalDataReads.nodes).toEqual([{ subjectType: 'Incident', subjectId: id, reason: '回拨上报人留下的电话' }]);
    // The demo city has one district: its auditor sees the read, another district's auditor does not.
    const READ = `query($id: ID!) { personalDataReads(first: 5, filter: { subjectId: $id }) { totalCount } }`;
    const own = await t.token(Role.AUDITOR, { type: 'District', key: u.micro.districtId }, 'free-text-district-auditor');
    const other = await t.token(Role.AUDITOR, { type: 'District', key: u.micro.districtId + 1 }, 'free-text-other-auditor');
    expect((await t.gql(READ, { id }, own)).data.personalDataReads.totalCount).toBe(1);
    expect((await t.gql(READ, { id }, other)).data.personalDataReads.totalCount).toBe(0);
  });

  test('others are refused: a worker of another grid does not reach it and nothing is logged; administrators, integrators and residents are forbidden', async () => {
    const id = await reportWithNumbers();
    const outside = await t.gql(INCIDENT_TEXT, { id, reason: '核对' }, tokens.otherWorker);
    expect(outside.errors).toBeUndefined();
    expect(outside.data.node).toBeNull();
    const inside = await t.gql(`query($id: ID!) { node(id: $id) { ... on Incident { personalData(reason: "核对") { description } } } }`, { id }, tokens.officer);
    expect(inside.data.node.personalData.description).toContain(TYPED);
    for (const token of [tokens.admin, DEMO_API_KEY, tokens.resident]) {
      const refused = await t.gql(INCIDENT_TEXT, { id, reason: '核对' }, token);
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(refused)).not.toMatch(WHOLE_NUMBER);
    }
    const reads = await readsOf('Incident', keyOf(id));
    expect(reads.map((r) => r.viewerSubject)).toEqual(['free-text-officer']);
  });

  test('a page of incidents is revealed in one statement that reads and logs them all', async () => {
    await reportWithNumbers();
    await reportWithNumbers();
    const filter = { within: u.ids.micro };
    const plain = `query($filter: IncidentFilter) { incidents(first: 20, filter: $filter) { nodes { id description } } }`;
    const page = `query($filter: IncidentFilter, $reason: String!) { incidents(first: 20, filter: $filter) { nodes { id description personalData(reason: $reason) { description } } } }`;
    const countBefore = t.database.statements.count;
    await t.gql(plain, { filter }, tokens.worker);
    const withoutReveal = t.database.statements.count - countBefore;
    const before = t.database.statements.count;
    const r = await t.gql(page, { filter, reason: '逐条回拨核实' }, tokens.worker);
    expect(t.database.statements.count - before).toBe(withoutReveal + 1);
    const nodes = r.data.incidents.nodes as { id: string; personalData: { description: string } }[];
    expect(nodes.filter((n) => n.personalData.description.includes(TYPED)).length).toBeGreaterThanOrEqual(2);
    const logged = await t.database.db.select().from(personalDataReads).where(eq(personalDataReads.reason, '逐条回拨核实'));
    expect(logged.map((row) => row.subjectKey).sort()).toEqual(nodes.map((n) => keyOf(n.id)).sort());
  });

  test('a missing reason is refused naming the argument, and nothing is revealed', async () => {
    const id = await reportWithNumbers();
    const r = await t.gql(INCIDENT_TEXT, { id, reason: ' ' }, tokens.worker);
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(r)).not.toMatch(WHOLE_NUMBER);
    expect(await readsOf('Incident', keyOf(id))).toEqual([]);
  });

  test('a wish and a visit: the community secretary reads them whole, logged; the volunteer may not', async () => {
    const api = wishClient(t);
    const { wish } = await api.submit(tokens.resident, { category: 'OTHER', title: '修收音机', detail: `电话${TYPED}` });
    const wishText = await t.gql(`query($id: ID!) { node(id: $id) { ... on Wish { detail personalData(reason: "联系心愿人确认时间") { title detail } } } }`, { id: wish.id }, tokens.secretary);
    expect(wishText.data.node).toEqual({ detail: `电话${MASKED}`, personalData: { title: '修收音机', detail: `电话${TYPED}` } });
    expect(await readsOf('Wish', keyOf(wish.id))).toHaveLength(1);
    const volunteer = await t.gql(`query($id: ID!) { node(id: $id) { ... on Wish { personalData(reason: "想看") { detail } } } }`, { id: wish.id }, tokens.volunteer);
    expect(volunteer.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const logged = await t.gql(`mutation($input: VisitLogInput!) { visitLog(input: $input) { visit { id notes } userErrors { field code message } } }`, {
      input: { householdId: u.ids.household, kind: 'ROUTINE', visitedAt: new Date(Date.now() - 60_000).toISOString(), notes: `儿子电话${TYPED}` },
    }, tokens.secretary);
    expect(logged.data.visitLog.userErrors).toEqual([]);
    const visit = logged.data.visitLog.visit;
    expect(visit.notes).toBe(`儿子电话${MASKED}`);
    const visitText = await t.gql(`query($id: ID!) { node(id: $id) { ... on HouseholdVisit { personalData(reason: "核对走访记录") { notes } } } }`, { id: visit.id }, tokens.worker);
    expect(visitText.data.node.personalData).toEqual({ notes: `儿子电话${TYPED}` });
    expect(await readsOf('HouseholdVisit', keyOf(visit.id))).toHaveLength(1);
    const [stored] = await t.database.db.select({ notes: householdVisits.notes }).from(householdVisits).where(eq(householdVisits.id, keyOf(visit.id)));
    expect(stored.notes).toBe(`儿子电话${TYPED}`);
  });
});

describe('the marker', () => {
  test('is on every field where a person types prose, and on nothing that must stay as recorded', async () => {
    expect(freeTextFields(await getSchema()).sort()).toEqual([
      'ApiKey.name', 'Commitment.pledge', 'CommunityListItem.detail', 'CommunityListItem.title', 'Disclosure.correctionReason',
      'ExpenseLine.description', 'HouseholdVisit.notes', 'Incident.description', 'Incident.title', 'IncidentTransition.note',
      'IncomeLine.description', 'LedgerEntry.note', 'LedgerImport.fileName', 'LedgerImportProblem.message', 'LedgerMovement.note',
      'MajorMatter.description', 'MajorMatter.rejectionReason', 'MajorMatter.title', 'MajorMatterTransition.note',
      'OwnerVote.description', 'OwnerVote.title', 'Participation.note', 'PartyMember.duty', 'PersonalDataRead.reason', 'PlanItem.title',
      'UserError.message', 'VisitFinding.description', 'VolunteerActivity.place', 'VolunteerActivity.title', 'VolunteerTeam.description',
      'VoteCandidate.statement', 'WebhookAttempt.error', 'WebhookEndpoint.description', 'Wish.declineReason', 'Wish.detail', 'Wish.title',
      'WishTransition.note', 'WorkerPointEntry.note', 'WorkerRating.comment',
    ]);
  });

});
