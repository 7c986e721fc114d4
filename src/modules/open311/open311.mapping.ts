import { unstorableCharacter } from '../../db/text';
import type { UserError } from '../../graphql/errors';
import { maskPersonalNumbers } from '../grid/identity';
import type { IncidentRow } from '../incident/incident.loaders';
import type { IncidentAction, IncidentStatus } from '../incident/incident.machine';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) as our incidents: the pure
 * rules of the mapping, kept apart from HTTP and SQL so that each is tested alone.
 */

export type Category = IncidentRow['category'];

/** One item of `services.json`. */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

/** One item of `requests.json` and `requests/<id>.json`. */
export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string;
  address: string | null;
  address_id: string | null;
  zipcode: null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

/** The answer of every failure: an array of `{ code, description }`, the code also the HTTP status. */
export interface Open311Error {
  code: number;
  description: string;
}

export function open311Error(code: number, description: string): Open311Error[] {
  return [{ code, description }];
}

/**
 * Service codes are our category names: already a public contract (the GraphQL enum), so a
 * civic app's stored code keeps meaning the same thing. Names and groups are what a resident
 * reads in a Chinese city's 12345 app.
 */
const SERVICES: Record<Category, { name: string; group: string; keywords: string; description: string }> = {
  ENVIRONMENT: { name: '环境卫生', group: '城市管理', keywords: '垃圾,堆物,卫生,绿化,污水', description: '垃圾、楼道堆物、绿化、污水等环境卫生问题' },
  COMPOUND_GOVERNANCE: { name: '小区治理', group: '城市管理', keywords: '物业,业委会,公共区域,停车', description: '物业服务、业委会、小区公共区域与停车' },
  SAFETY_HAZARD: { name: '安全隐患', group: '平安建设', keywords: '消防,燃气,电动车,危房', description: '消防通道、燃气、电动自行车充电、房屋结构等安全隐患' },
  PUBLIC_ORDER: { name: '社会治安', group: '平安建设', keywords: '治安,噪音,纠纷', description: '影响社会治安与公共秩序的问题' },
  NEIGHBOUR_DISPUTE: { name: '邻里纠纷', group: '矛盾纠纷', keywords: '邻里,漏水,噪音,纠纷', description: '邻里之间的纠纷，由网格员和调解员上门调解' },
  FAMILY_CONFLICT: { name: '家庭矛盾', group: '矛盾纠纷', keywords: '家庭,婚姻,赡养', description: '家庭成员之间的矛盾，由调解员调解' },
  PETITION: { name: '信访诉求', group: '矛盾纠纷', keywords: '信访,诉求,政策', description: '对政策和公共事务的诉求与建议' },
  HELP_REQUEST: { name: '困难求助', group: '民生服务', keywords: '求助,救助,独居老人,困难', description: '困难群众、独居老人等的求助' },
};

export const SERVICE_CODES = Object.keys(SERVICES) as Category[];

export function categoryOfServiceCode(code: string): Category | null {
  return (SERVICE_CODES as string[]).includes(code) ? (code as Category) : null;
}

export function serviceName(category: Category): string {
  return SERVICES[category].name;
}

/** A category as an Open311 service; its time limit (办理时限) is part of what a resident is told. */
export function serviceOf(category: Category, timeLimitHours: number): Open311Service {
  const s = SERVICES[category];
  return {
    service_code: category,
    service_name: s.name,
    description: `${s.description}。办理时限 ${timeLimitHours} 小时。`,
    metadata: false,
    type: 'realtime',
    keywords: s.keywords,
    group: s.group,
  };
}

/** Open311 knows two states: CLOSED and EXPLAINED (answered, 回应解释) end the matter; every other state still needs work. */
export function open311Status(status: IncidentStatus): 'open' | 'closed' {
  return status === 'CLOSED' || status === 'EXPLAINED' ? 'closed' : 'open';
}

export const CLOSED_STATUSES: readonly IncidentStatus[] = ['CLOSED', 'EXPLAINED'];

/** What each step means to the person who filed the request. */
const STEP_WORDS: Record<IncidentAction, string> = {
  REPORT: '已收到，等待社区核实受理',
  ACCEPT: '已核实受理',
  EXPLAIN: '已答复',
  DISPATCH: '已派遣至责任部门',
  START: '责任部门正在处理',
  ESCALATE: '已提交街道联席会议研究',
  FEEDBACK: '已处理完毕，等待回访',
  CLOSE: '已回访，结案',
  REOPEN: '回访不满意，已重新处理',
};

export interface LatestStep {
  action: IncidentAction;
  note: string | null;
}

/** The latest step in plain words, with its note; numbers that look like phones or ID cards are masked. */
export function statusNotes(step: LatestStep | null): string {
  if (!step) return STEP_WORDS.REPORT;
  const words = STEP_WORDS[step.action];
  return step.note ? `${words}：${maskPersonalNumbers(step.note)}` : words;
}

export interface RequestFacts {
  incident: Pick<IncidentRow, 'id' | 'category' | 'status' | 'description' | 'longitude' | 'latitude' | 'photoUrls' | 'deadline' | 'reportedAt' | 'updatedAt'>;
  latestStep: LatestStep | null;
  /** The lead department once dispatched; before that the street office, whose command centre triages. */
  departmentName: string | null;
  streetName: string;
  grid: { code: string; name: string };
}

/**
 * An incident as an Open311 service request. Nothing about the reporter is in it: who
 * reported, their phone, name or e-mail never leave the API this way.
 */
export function serviceRequestOf(facts: RequestFacts): Open311Request {
  const { incident } = facts;
  return {
    service_request_id: String(incident.id),
    status: open311Status(incident.status),
    status_notes: statusNotes(facts.latestStep),
    service_name: serviceName(incident.category),
    service_code: incident.category,
    description: maskPersonalNumbers(incident.description),
    agency_responsible: facts.departmentName ?? facts.streetName,
    service_notice: null,
    requested_datetime: incident.reportedAt.toISOString(),
    updated_datetime: incident.updatedAt.toISOString(),
    expected_datetime: incident.deadline.toISOString(),
    address: facts.grid.name,
    address_id: facts.grid.code,
    zipcode: null,
    lat: incident.latitude,
    long: incident.longitude,
    media_url: incident.photoUrls[0] ?? null,
  };
}

export function serviceNotice(timeLimitHours: number): string {
  return `已转所在网格和街道指挥中心，办理时限 ${timeLimitHours} 小时。`;
}

// Reading the requests ------------------------------------------------------------------------

/** Form fields arrive as strings (or arrays of them when repeated); JSON bodies may carry numbers. */
type Fields = Record<string, unknown>;

function text(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export const MAX_TITLE = 100;

/** Each field (form or JSON, at any depth) holding text no database keeps, as Open311 errors naming it. */
export function unstorableFields(fields: Fields): Open311Error[] {
  const errors: Open311Error[] = [];
  const visit = (value: unknown, name: string) => {
    if (typeof value === 'string') {
      const unstorable = unstorableCharacter(value);
      if (unstorable) errors.push({ code: 400, description: `${name}: contains ${unstorable}, which no text here may hold.` });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${name}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) visit(inner, `${name}.${key}`);
    }
  };
  for (const [name, value] of Object.entries(fields)) visit(value, name);
  return errors;
}

/** What a POST of a service request asks for, ready for `incidentReport`. */
export interface FiledRequest {
  category: Category;
  title: string;
  description: string;
  longitude: number;
  latitude: number;
  photoUrls: string[];
  accountId: string | null;
}

function coordinate(fields: Fields, name: 'lat' | 'long', errors: Open311Error[]): number | undefined {
  const raw = text(fields, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const limit = name === 'lat' ? 90 : 180;
  if (!Number.isFinite(value) || Math.abs(value) > limit) {
    errors.push({ code: 400, description: `${name}: a WGS-84 ${name === 'lat' ? 'latitude' : 'longitude'} in decimal degrees, between -${limit} and ${limit}.` });
    return undefined;
  }
  return value;
}

/**
 * The fields of a POST `requests.json` (form-encoded or JSON) checked for what Open311 and
 * incidents both need. The reporter's contact fields (email, first_name, last_name, phone,
 * device_id) are not read at all: the civic app keeps its users; we keep the matter.
 */
export function readFiledRequest(fields: Fields): { request: FiledRequest } | { errors: Open311Error[] } {
  const unstorable = unstorableFields(fields);
  if (unstorable.length > 0) return { errors: unstorable };
  const errors: Open311Error[] = [];
  const code = text(fields, 'service_code');
  const category = code === undefined ? null : categoryOfServiceCode(code);
  if (code === undefined) errors.push({ code: 400, description: 'service_code: required; the codes are listed by services.json.' });
  else if (category === null) errors.push({ code: 400, description: `service_code: "${code.slice(0, 40)}" is not a service of services.json.` });
  const latitude = coordinate(fields, 'lat', errors);
  const longitude = coordinate(fields, 'long', errors);
  if ((latitude === undefined || longitude === undefined) && !errors.some((e) => /^(lat|long):/.test(e.description))) {
    const addressOnly = text(fields, 'address_string') !== undefined || text(fields, 'address_id') !== undefined;
    errors.push({
      code: 400,
      description: addressOnly
        ? 'lat: this server places a request by its point (lat and long); an address alone is not geocoded.'
        : 'lat: the location is required: lat and long (WGS-84).',
    });
  }
  const description = text(fields, 'description');
  if (description === undefined) errors.push({ code: 400, description: 'description: required; say what is wrong and where.' });
  const mediaUrl = text(fields, 'media_url');
  if (errors.length > 0 || category === null || latitude === undefined || longitude === undefined || description === undefined) return { errors };
  const address = text(fields, 'address_string');
  const title = address ? `${serviceName(category)}：${address}` : serviceName(category);
  return {
    request: {
      category,
      title: title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title,
      description,
      longitude,
      latitude,
      photoUrls: mediaUrl ? [mediaUrl] : [],
      accountId: text(fields, 'account_id') ?? null,
    },
  };
}

/** Which Open311 field an incident's user error concerns, for the error's description. */
const FIELD_NAMES: Record<string, string> = {
  longitude: 'long',
  latitude: 'lat',
  gridId: 'lat',
  description: 'description',
  title: 'address_string',
  photoUrls: 'media_url',
  category: 'service_code',
  idempotencyKey: 'Idempotency-Key',
};

/** The status of a refusal: each code that is not a plain bad request, by precedence. */
const STATUS_OF_CODE: [string, number][] = [
  ['OUT_OF_SCOPE', 403],
  // As the IETF Idempotency-Key header draft asks of a key reused with another request.
  ['IDEMPOTENCY_KEY_REUSED', 422],
];

/**
 * The incident service's refusal in Open311's words: 403 when outside the caller's part of
 * the city, 422 when the Idempotency-Key belongs to another request, else 400.
 */
export function errorsOfUserErrors(userErrors: readonly UserError[]): { status: number; errors: Open311Error[] } {
  const status = STATUS_OF_CODE.find(([code]) => userErrors.some((e) => e.code === code))?.[1] ?? 400;
  return {
    status,
    errors: userErrors.map((e) => {
      const inner = e.field?.find((f) => f in FIELD_NAMES);
      return { code: status, description: inner ? `${FIELD_NAMES[inner]}: ${e.message}` : e.message };
    }),
  };
}

/** What GET `requests.json` asks for: either some requests by id, or a filter. */
export type RequestQuery =
  | { ids: number[] }
  | { categories: Category[] | null; statuses: ('open' | 'closed')[] | null; from: Date; to: Date | null };

const MAX_IDS = 100;
const DEFAULT_WINDOW_DAYS = 90;

function list(fields: Fields, name: string): string[] | undefined {
  const value = fields[name];
  const parts = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string').flatMap((v) => v.split(','));
  const items = parts.map((p) => p.trim()).filter((p) => p !== '');
  return items.length === 0 ? undefined : items;
}

function date(fields: Fields, name: string, errors: Open311Error[]): Date | undefined {
  const raw = text(fields, name);
  if (raw === undefined) return undefined;
  const value = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? new Date(raw) : new Date(NaN);
  if (Number.isNaN(value.getTime())) {
    errors.push({ code: 400, description: `${name}: an ISO 8601 date-time such as 2026-10-01T00:00:00+08:00.` });
    return undefined;
  }
  return value;
}

/**
 * The query of GET `requests.json`. As the spec says, `service_request_id` (a comma list)
 * overrides every other argument; without dates, the last 90 days.
 */
export function readRequestQuery(fields: Fields, now = new Date()): { query: RequestQuery } | { errors: Open311Error[] } {
  const unstorable = unstorableFields(fields);
  if (unstorable.length > 0) return { errors: unstorable };
  const errors: Open311Error[] = [];
  const ids = list(fields, 'service_request_id');
  if (ids) {
    if (ids.length > MAX_IDS) return { errors: open311Error(400, `service_request_id: at most ${MAX_IDS} ids at once.`) };
    const bad = ids.find((id) => !/^[1-9]\d{0,14}$/.test(id));
    if (bad !== undefined) return { errors: open311Error(400, `service_request_id: "${bad.slice(0, 40)}" is not a service request id.`) };
    return { query: { ids: ids.map(Number) } };
  }
  const codes = list(fields, 'service_code');
  const unknown = codes?.find((c) => categoryOfServiceCode(c) === null);
  if (unknown !== undefined) errors.push({ code: 400, description: `service_code: "${unknown.slice(0, 40)}" is not a service of services.json.` });
  const statuses = list(fields, 'status');
  const badStatus = statuses?.find((s) => s !== 'open' && s !== 'closed');
  if (badStatus !== undefined) errors.push({ code: 400, description: 'status: open or closed (or both, comma-separated).' });
  const start = date(fields, 'start_date', errors);
  const end = date(fields, 'end_date', errors);
  if (start && end && start > end) errors.push({ code: 400, description: 'start_date: must not lie after end_date.' });
  if (errors.length > 0) return { errors };
  const from = start ?? new Date((end ?? now).getTime() - DEFAULT_WINDOW_DAYS * 24 * 3600 * 1000);
  return {
    query: {
      categories: codes ? [...new Set(codes)] as Category[] : null,
      statuses: statuses ? [...new Set(statuses)] as ('open' | 'closed')[] : null,
      from,
      to: end ?? null,
    },
  };
}

/** The service request id of the `/requests/<id>.json` path, or null when it cannot be one. */
export function requestIdOfPath(id: string): number | null {
  return /^[1-9]\d{0,14}$/.test(id) ? Number(id) : null;
}
