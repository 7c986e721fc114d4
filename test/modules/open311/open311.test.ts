import fs from 'node:fs';
import path from 'node:path';
import { and, asc, count, desc, eq, gt, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiKeyTopic } from '../../../src/auth/topics';
import { outbox } from '../../../src/events/outbox.tables';
import { auditLog } from '../../../src/modules/audit/audit.tables';
import { toGlobalId } from '../../../src/graphql/ids';
import { gridAt } from '../../../src/modules/grid/grid.service';
import { grids } from '../../../src/modules/grid/grid.tables';
import { incidents } from '../../../src/modules/incident/incident.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { incidentClient } from '../../helpers/incidents';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;
let api: ReturnType<typeof incidentClient>;
let base: string;
let point: { lat: string; long: string };
let otherPoint: { lat: string; long: string };
const keys: Record<string, string> = {};
const tokens: Record<string, string> = {};
let department: { id: string; name: string };

function centre(ring: [number, number][]) {
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  return { long: String((Math.min(...xs) + Math.max(...xs)) / 2), lat: String((Math.min(...ys) + Math.max(...ys)) / 2) };
}

/** The POST of the GeoReport v2 spec's example (form-encoded), at a point of our demo city. */
function specForm(overrides: Record<string, string | undefined> = {}): URLSearchParams {
  const fields: Record<string, string | undefined> = {
    api_key: keys.street, service_code: 'ENVIRONMENT', ...point, address_string: '1234 5th street',
    email: 'smit333@sfgov.edu', device_id: 'tt222111', account_id: '123456', first_name: 'john', last_name: 'smith',
    phone: '13912345678', description: 'A large sinkhole is destroying the street', media_url: 'http://mycity.org/media/12345.jpg',
    'attribute[WHISPAWN]': '123456', 'attribute[WHISDORN]': 'COISL001', ...overrides,
  };
  return new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
}

/** An answer's JSON body, as a client reads it. */
const jsonOf = (response: Response): Promise<any> => response.json();

const file = (form: URLSearchParams, headers: Record<string, string> = {}) =>
  fetch(`${base}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form });

async function filed(form: URLSearchParams, headers: Record<string, string> = {}): Promise<string> {
  const response = await file(form, headers);
  const body = await jsonOf(response);
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body[0].service_request_id as string;
}

const getJson = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers });
  return { status: response.status, body: await jsonOf(response), type: response.headers.get('content-type') };
};

async function written() {
  const [i] = await t.database.db.select({ n: count() }).from(incidents);
  const [o] = await t.database.db.select({ n: count() }).from(outbox);
  return { incidents: i.n, events: o.n };
}

/** Asks again until there is an answer; no deadline of its own, which a busy machine could outrun: the test's timeout bounds it. */
async function until<T>(probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  t = await startTestServer();
  base = `http://localhost:${t.server.port}/open311/v2`;
  u = await demoUnits(t.database.db);
  api = incidentClient(t);
  point = centre(u.micro.boundary);
  const here = await gridAt(t.database.db, Number(point.long), Number(point.lat));
  expect(here?.streetId).toBe(u.street.id);
  const candidates = await t.database.db.select().from(grids).where(eq(grids.streetId, u.otherStreet.id)).orderBy(desc(grids.depth), asc(grids.id)).limit(20);
  for (const grid of candidates) {
    const c = centre(grid.boundary);
    if ((await gridAt(t.database.db, Number(c.long), Number(c.lat)))?.streetId === u.otherStreet.id) {
      otherPoint = c;
      break;
    }
  }
  expect(otherPoint).toBeDefined();

  tokens.admin = await t.token(Role.CITY_ADMIN);
  const created = await t.gql(`mutation { departmentCreate(input: { code: "O311-LEAD", name: "城市管理局（测试）" }) { department { id name } } }`, {}, tokens.admin);
  department = created.data.departmentCreate.department;
  const set = await t.gql(`mutation($lead: ID!) { responsibilitySet(input: { category: ENVIRONMENT, leadDepartmentId: $lead, timeLimitHours: 48 }) { userErrors { code } } }`,
    { lead: department.id }, tokens.admin);
  expect(set.data.responsibilitySet.userErrors).toEqual([]);
  tokens.handler = await t.token(Role.DEPARTMENT_HANDLER, { type: 'Department', key: Number(Buffer.from(department.id, 'base64').toString().split(':')[1]) }, 'o311-handler');

  keys.street = await t.apiKey({ unit: { type: 'Street', key: u.street.id }, topics: [ApiKeyTopic.INCIDENTS] });
  keys.otherStreet = await t.apiKey({ unit: { type: 'Street', key: u.otherStreet.id }, topics: [ApiKeyTopic.INCIDENTS] });
  keys.disclosuresOnly = await t.apiKey({ unit: { type: 'Street', key: u.street.id }, topics: [ApiKeyTopic.DISCLOSURES] });
});
afterAll(async () => t?.close());

describe('services.json', () => {
  test('lists every category as a service, without a key', async () => {
    const { status, body, type } = await getJson(`${base}/services.json`);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    expect(body).toHaveLength(8);
    for (const service of body) {
      expect(Object.keys(service).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
      expect(service).toMatchObject({ metadata: false, type: 'realtime' });
    }
    expect(body.find((s: { service_code: string }) => s.service_code === 'ENVIRONMENT')).toMatchObject({
      service_name: '环境卫生', group: '城市管理', description: expect.stringContaining('办理时限 48 小时'),
    });
  });
});

describe('filing and following a request', () => {
  test('the spec example, form-encoded, files an incident that GraphQL shows with the same category, place and description', async () => {
    const response = await file(specForm());
    const body = await jsonOf(response);
    expect(response.status).toBe(200);
    expect(body).toEqual([{ service_request_id: expect.stringMatching(/^\d+$/), service_notice: expect.stringContaining('48 小时'), account_id: '123456' }]);
    const id = body[0].service_request_id as string;

    const seen = await t.gql(`query($id: ID!) { node(id: $id) { ... on Incident {
      category description status location title photoUrls reporter { role } grid { id }
    } } }`, { id: toGlobalId('Incident', Number(id)) }, tokens.admin);
    expect(seen.errors).toBeUndefined();
    expect(seen.data.node).toEqual({
      category: 'ENVIRONMENT', description: 'A large sinkhole is destroying the street', status: 'REPORTED',
      location: { type: 'Point', coordinates: [Number(point.long), Number(point.lat)] },
      title: '环境卫生：1234 5th street', photoUrls: ['http://mycity.org/media/12345.jpg'], reporter: { role: 'INTEGRATOR' }, grid: { id: u.ids.micro },
    });

    const one = await getJson(`${base}/requests/${id}.json?api_key=${keys.street}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual([{
      service_request_id: id, status: 'open', status_notes: '已收到，等待社区核实受理', service_name: '环境卫生', service_code: 'ENVIRONMENT',
      description: 'A large sinkhole is destroying the street', agency_responsible: u.street.name, service_notice: null,
      requested_datetime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), updated_datetime: expect.any(String), expected_datetime: expect.any(String),
      address: u.micro.name, address_id: u.micro.code, zipcode: null, lat: Number(point.lat), long: Number(point.long), media_url: 'http://mycity.org/media/12345.jpg',
    }]);
    expect(new Date(one.body[0].expected_datetime).getTime() - new Date(one.body[0].requested_datetime).getTime()).toBe(48 * 3600 * 1000);
    const answered = JSON.stringify(one.body);
    for (const personal of ['smit333', '13912345678', '139****5678', 'john', 'smith', 'tt222111']) expect(answered).not.toContain(personal);
  });

  test('a JSON body with a Bearer key files too; a repeat with the same Idempotency-Key files once', async () => {
    const body = JSON.stringify({ service_code: 'SAFETY_HAZARD', lat: Number(point.lat), long: Number(point.long), description: '消防通道被电动车堵住' });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${keys.street}`, 'idempotency-key': 'o311-retry-1' };
    const before = await written();
    const first = await fetch(`${base}/requests.json`, { method: 'POST', headers, body });
    const second = await fetch(`${base}/requests.json`, { method: 'POST', headers, body });
    const [a, b] = [await jsonOf(first), await jsonOf(second)];
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(b[0].service_request_id).toBe(a[0].service_request_id);
    expect(await written()).toEqual({ incidents: before.incidents + 1, events: before.events + 1 });
  });

  test('the same Idempotency-Key with another request is refused with 422, naming the header, and files nothing', async () => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${keys.street}`, 'idempotency-key': 'o311-bound-1' };
    const body = (description: string) => JSON.stringify({ service_code: 'ENVIRONMENT', lat: Number(point.lat), long: Number(point.long), description });
    expect((await fetch(`${base}/requests.json`, { method: 'POST', headers, body: body('垃圾桶满溢') })).status).toBe(200);
    const before = await written();
    const other = await fetch(`${base}/requests.json`, { method: 'POST', headers, body: body('路灯不亮') });
    expect(other.status).toBe(422);
    expect(await jsonOf(other)).toEqual([{ code: 422, description: expect.stringMatching(/^Idempotency-Key: This idempotency key was already used for another request/) }]);
    expect(await written()).toEqual(before);
  });

  test('every filing is in the audit log: OK, REPEATED for a retried key, REFUSED for a point outside every grid', async () => {
    const [{ since }] = await t.database.db.select({ since: max(auditLog.id) }).from(auditLog);
    const body = JSON.stringify({ service_code: 'ENVIRONMENT', lat: Number(point.lat), long: Number(point.long), description: '楼道堆放杂物' });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${keys.street}`, 'idempotency-key': 'o311-audit-1' };
    for (let i = 0; i < 2; i++) expect((await fetch(`${base}/requests.json`, { method: 'POST', headers, body })).status).toBe(200);
    expect((await file(specForm({ lat: '20', long: '100' }))).status).toBe(400);
    const rows = await t.database.db.select().from(auditLog)
      .where(and(eq(auditLog.operation, 'Open311.requestCreate'), gt(auditLog.id, since ?? 0))).orderBy(asc(auditLog.id));
    expect(rows.map((r) => [r.outcome, r.codes, r.actorRole])).toEqual([['OK', [], 'INTEGRATOR'], ['REPEATED', [], 'INTEGRATOR'], ['REFUSED', [expect.any(String)], 'INTEGRATOR']]);
  });

  test('closing the incident through GraphQL closes the request, with the step\'s note and the lead department', async () => {
    const id = await filed(specForm({ description: '垃圾桶满溢三天无人清运' }));
    const gid = toGlobalId('Incident', Number(id));
    const read = async () => (await getJson(`${base}/requests/${id}.json`, { authorization: `Bearer ${keys.street}` })).body[0];

    expect((await api.step('incidentAccept', { id: gid, triage: 'SOLVE_AT_ONCE' }, tokens.admin)).userErrors).toEqual([]);
    expect(await read()).toMatchObject({ status: 'open', status_notes: '已核实受理', agency_responsible: u.street.name });
    expect((await api.step('incidentDispatch', { id: gid }, tokens.admin)).userErrors).toEqual([]);
    expect(await read()).toMatchObject({ status: 'open', status_notes: '已派遣至责任部门', agency_responsible: department.name });
    expect((await api.step('incidentStart', { id: gid }, tokens.handler)).userErrors).toEqual([]);
    expect((await api.step('incidentFeedback', { id: gid, note: '已清运，联系人 13700001234' }, tokens.handler)).userErrors).toEqual([]);
    expect(await read()).toMatchObject({ status: 'open', status_notes: '已处理完毕，等待回访：已清运，联系人 137****1234' });
    expect((await api.step('incidentClose', { id: gid, satisfaction: 5, note: '居民满意' }, tokens.admin)).userErrors).toEqual([]);
    expect(await read()).toMatchObject({ status: 'closed', status_notes: '已回访，结案：居民满意', agency_responsible: department.name });
  });

  test('an explained incident is closed, with the answer as its notes', async () => {
    const id = await filed(specForm({ service_code: 'PETITION', description: '希望小区增加停车位' }));
    expect((await api.step('incidentExplain', { id: toGlobalId('Incident', Number(id)), note: '已纳入明年规划' }, tokens.admin)).userErrors).toEqual([]);
    const { body } = await getJson(`${base}/requests/${id}.json?api_key=${keys.street}`);
    expect(body[0]).toMatchObject({ status: 'closed', status_notes: '已答复：已纳入明年规划' });
  });
});

describe('requests.json', () => {
  let open: string;
  let closed: string;
  let hazard: string;

  beforeAll(async () => {
    open = await filed(specForm({ description: '路灯不亮' }));
    closed = await filed(specForm({ description: '井盖缺失' }));
    expect((await api.step('incidentExplain', { id: toGlobalId('Incident', Number(closed)), note: '已由市政当日处理' }, tokens.admin)).userErrors).toEqual([]);
    hazard = await filed(specForm({ service_code: 'SAFETY_HAZARD', description: '楼道电动车充电' }));
  });

  const list = async (query: string) => {
    const { status, body } = await getJson(`${base}/requests.json?api_key=${keys.street}&${query}`);
    expect(status, JSON.stringify(body)).toBe(200);
    return (body as { service_request_id: string; status: string; service_code: string }[]);
  };
  const ids = (rows: { service_request_id: string }[]) => rows.map((r) => r.service_request_id);

  test('by status', async () => {
    const openRows = await list('status=open');
    const closedRows = await list('status=closed');
    expect(ids(openRows)).toEqual(expect.arrayContaining([open, hazard]));
    expect(ids(openRows)).not.toContain(closed);
    expect(ids(closedRows)).toContain(closed);
    expect(ids(closedRows)).not.toContain(open);
    expect(new Set(openRows.map((r) => r.status))).toEqual(new Set(['open']));
    expect(new Set(closedRows.map((r) => r.status))).toEqual(new Set(['closed']));
  });

  test('by service code', async () => {
    const rows = await list('service_code=SAFETY_HAZARD');
    expect(ids(rows)).toContain(hazard);
    expect(ids(rows)).not.toContain(open);
    expect(new Set(rows.map((r) => r.service_code))).toEqual(new Set(['SAFETY_HAZARD']));
  });

  test('by date', async () => {
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    const inAnHour = new Date(Date.now() + 3600_000).toISOString();
    expect(ids(await list(`start_date=${encodeURIComponent(hourAgo)}&end_date=${encodeURIComponent(inAnHour)}`))).toEqual(expect.arrayContaining([open, closed, hazard]));
    expect(ids(await list(`start_date=${encodeURIComponent(inAnHour)}`))).toEqual([]);
    expect(ids(await list(`end_date=${encodeURIComponent(hourAgo)}`))).not.toContain(open);
  });

  test('by a list of ids, which overrides the other arguments', async () => {
    expect(ids(await list(`service_request_id=${hazard},${open}&status=closed`))).toEqual([hazard, open]);
  });

  test('bad arguments: 400 naming the argument', async () => {
    for (const [query, field] of [['status=pending', 'status'], ['service_code=POTHOLE', 'service_code'], ['start_date=yesterday', 'start_date'], ['service_request_id=1,x', 'service_request_id']]) {
      const { status, body } = await getJson(`${base}/requests.json?api_key=${keys.street}&${query}`);
      expect(status).toBe(400);
      expect(body).toEqual([{ code: 400, description: expect.stringMatching(new RegExp(`^${field}:`)) }]);
    }
  });
});

describe('bad input writes nothing', () => {
  test.each([
    ['an unknown service code', { service_code: 'POTHOLE' }, 'service_code'],
    ['no location', { lat: undefined, long: undefined }, 'lat'],
    ['only an address', { lat: undefined, long: undefined, address_string: '黄河路 12 号' }, 'lat'],
    ['a latitude off the globe', { lat: '123' }, 'lat'],
    ['a point outside every grid', { lat: '20', long: '100' }, 'long'],
    ['no description', { description: undefined }, 'description'],
    ['a description too long', { description: '长'.repeat(2001) }, 'description'],
    ['a media_url that is no URL', { media_url: 'not a url' }, 'media_url'],
  ])('%s: 400 naming %s', async (_what, overrides, field) => {
    const before = await written();
    const response = await file(specForm(overrides));
    const body = await jsonOf(response);
    expect(response.status).toBe(400);
    expect(body).toEqual([{ code: 400, description: expect.stringMatching(new RegExp(`^${field}:`)) }]);
    expect(await written()).toEqual(before);
  });

  test.each([
    ['a NUL byte in the description', 'description', 'a\u0000b'],
    ['a NUL byte in the address', 'address_string', '黄河路\u0000'],
    ['an unpaired surrogate in the description', 'description', 'a\ud800b'],
  ])('%s, as JSON: 400 naming %s', async (_what, field, value) => {
    const before = await written();
    const body = JSON.stringify({ service_code: 'ENVIRONMENT', ...point, description: '楼道堆放杂物', [field]: value });
    const response = await fetch(`${base}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.street}` }, body });
    expect(response.status).toBe(400);
    expect(await jsonOf(response)).toEqual([{ code: 400, description: expect.stringMatching(new RegExp(`^${field}: contains`)) }]);
    expect(await written()).toEqual(before);
  });

  test('a NUL byte in a form field: 400 naming it', async () => {
    const before = await written();
    const response = await file(specForm({ description: 'a\u0000b' }));
    expect(response.status).toBe(400);
    expect(await jsonOf(response)).toEqual([{ code: 400, description: expect.stringMatching(/^description: contains a NUL character/) }]);
    expect(await written()).toEqual(before);
  });

  test('a NUL byte in a query argument: 400 naming it', async () => {
    const { status, body } = await getJson(`${base}/requests.json?api_key=${keys.street}&service_code=ENVIRONMENT%00`);
    expect(status).toBe(400);
    expect(body).toEqual([{ code: 400, description: expect.stringMatching(/^service_code: contains a NUL character/) }]);
  });

  test('a body that is not JSON: 400 in Open311 form', async () => {
    const response = await fetch(`${base}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.street}` }, body: '{"service_code":' });
    expect(response.status).toBe(400);
    expect(await jsonOf(response)).toEqual([{ code: 400, description: expect.any(String) }]);
  });
});

describe('who may file and read', () => {
  let filedHere: string;
  beforeAll(async () => {
    filedHere = await filed(specForm({ description: '草坪被占用' }));
  });

  test('without a key, with a wrong key, or a key without the INCIDENTS topic: 403', async () => {
    const cases: [string, RequestInit | undefined][] = [
      [`${base}/requests.json`, undefined],
      [`${base}/requests.json?api_key=ggk_00000000_${'x'.repeat(32)}`, undefined],
      [`${base}/requests.json?api_key=not-a-key`, undefined],
      [`${base}/requests.json?api_key=${keys.disclosuresOnly}`, undefined],
      [`${base}/requests/${filedHere}.json`, { headers: { authorization: 'Bearer nonsense' } }],
    ];
    for (const [url, init] of cases) {
      const response = await fetch(url, init);
      expect(response.status, url).toBe(403);
      expect(await jsonOf(response)).toEqual([{ code: 403, description: expect.stringMatching(/^api_key:/) }]);
    }
    const before = await written();
    for (const key of [undefined, keys.disclosuresOnly]) {
      const response = await file(specForm({ api_key: key }));
      expect(response.status).toBe(403);
    }
    expect(await written()).toEqual(before);
  });

  test('a key for one street can neither file in nor read another street', async () => {
    const before = await written();
    const response = await file(specForm({ api_key: keys.street, ...otherPoint }));
    expect(response.status).toBe(403);
    expect(await jsonOf(response)).toEqual([{ code: 403, description: expect.stringMatching(/^long:/) }]);
    expect(await written()).toEqual(before);

    const other = await getJson(`${base}/requests/${filedHere}.json?api_key=${keys.otherStreet}`);
    expect(other).toMatchObject({ status: 404, body: [{ code: 404, description: expect.stringMatching(/^service_request_id:/) }] });
    const listed = await getJson(`${base}/requests.json?api_key=${keys.otherStreet}&service_request_id=${filedHere}`);
    expect(listed.body).toEqual([]);
    const inItsOwn = await filed(specForm({ api_key: keys.otherStreet, ...otherPoint }));
    expect((await getJson(`${base}/requests/${inItsOwn}.json?api_key=${keys.otherStreet}`)).status).toBe(200);
    expect((await getJson(`${base}/requests/${inItsOwn}.json?api_key=${keys.street}`)).status).toBe(404);
  });

  test('an unknown id and an id that cannot be one: 404 in Open311 form', async () => {
    for (const id of ['999999999', 'SW5jaWRlbnQ6MQ']) {
      const { status, body } = await getJson(`${base}/requests/${id}.json?api_key=${keys.street}`);
      expect(status).toBe(404);
      expect(body).toEqual([{ code: 404, description: expect.any(String) }]);
    }
    expect((await getJson(`${base}/requests.xml`)).status).toBe(404);
  });
});

describe('logs', () => {
  test('a request is logged without its key, the reporter\'s phone or e-mail', async () => {
    const dir = process.env.LOG_DIR;
    expect(dir).toBeTruthy();
    const marker = `o311-log-${Date.now()}@example.org`;
    const id = await filed(specForm({ email: marker, phone: '13698765432' }), { 'x-request-id': 'o311-log-request' });
    const lines = await until(() => {
      // This process's files: the server of this test file logs from here.
      const all = fs.readdirSync(dir!).filter((name) => name.startsWith(`gridgov-${process.pid}-`))
        .flatMap((name) => fs.readFileSync(path.join(dir!, name), 'utf8').split('\n'));
      const mine = all.filter((line) => line.includes('"open311 request"') && line.includes('"o311-log-request"'));
      return mine.length > 0 ? all : undefined;
    });
    const text = lines.join('\n');
    expect(text).not.toContain(marker);
    expect(text).not.toContain('13698765432');
    expect(text).not.toContain(keys.street);
    const line = JSON.parse(lines.find((l) => l.includes('"open311 request"') && l.includes('"o311-log-request"'))!);
    expect(line).toMatchObject({ reqId: 'o311-log-request', method: 'POST', path: '/open311/v2/requests.json', status: 200, viewerRole: 'INTEGRATOR' });
    const answered = await fetch(`${base}/services.json`, { headers: { 'x-request-id': 'o311-services' } });
    expect(answered.headers.get('x-request-id')).toBe('o311-services');
    expect(id).toMatch(/^\d+$/);
  });
});

test('the incident filed by a key is reported by it, in its grid', async () => {
  const [row] = await t.database.db.select().from(incidents).where(and(eq(incidents.reporterRole, 'INTEGRATOR'), eq(incidents.gridId, u.micro.id))).limit(1);
  expect(row.reporterSubject).toMatch(/^apikey:/);
});
