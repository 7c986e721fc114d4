import { describe, expect, test } from 'vitest';
import { incidentCategory, incidentStatus } from '../../src/modules/incident/incident.tables';
import {
  categoryOfServiceCode, errorsOfUserErrors, open311Status, readFiledRequest, readRequestQuery, requestIdOfPath, serviceOf,
  serviceRequestOf, statusNotes, SERVICE_CODES, type RequestFacts,
} from '../../src/modules/open311/open311.mapping';
import { UserErrorCode } from '../../src/graphql/errors';

/** The POST of the GeoReport v2 spec's example, moved to a point of our city. */
const SPEC_FORM = {
  api_key: 'xyz', service_code: 'ENVIRONMENT', lat: '37.35', long: '117.95', address_string: '1234 5th street',
  email: 'smit333@sfgov.edu', device_id: 'tt222111', account_id: '123456', first_name: 'john', last_name: 'smith',
  phone: '111111111', description: 'A large sinkhole is destroying the street', media_url: 'http://mycity.org/media/12345.jpg',
  'attribute[WHISPAWN]': '123456', 'attribute[WHISDORN]': 'COISL001',
};

describe('services', () => {
  test('every category is a service whose code is the category, with a Chinese name, a group and its time limit', () => {
    expect([...SERVICE_CODES].sort()).toEqual([...incidentCategory.enumValues].sort());
    for (const code of SERVICE_CODES) {
      const service = serviceOf(code, 48);
      expect(service).toEqual({
        service_code: code, service_name: expect.stringMatching(/[\u4e00-\u9fff]/), description: expect.stringContaining('办理时限 48 小时'),
        metadata: false, type: 'realtime', keywords: expect.any(String), group: expect.stringMatching(/[\u4e00-\u9fff]/),
      });
      expect(categoryOfServiceCode(code)).toBe(code);
    }
    expect(categoryOfServiceCode('environment')).toBeNull();
    expect(categoryOfServiceCode('001')).toBeNull();
  });
});

describe('statuses', () => {
  test('CLOSED and EXPLAINED are closed; every other status is open', () => {
    const closed = incidentStatus.enumValues.filter((s) => open311Status(s) === 'closed');
    expect(closed.sort()).toEqual(['CLOSED', 'EXPLAINED']);
    expect(open311Status('HANDLED')).toBe('open');
  });

  test('status notes say the latest step in plain words, with its note, phone numbers masked', () => {
    expect(statusNotes(null)).toBe('已收到，等待社区核实受理');
    expect(statusNotes({ action: 'DISPATCH', note: null })).toBe('已派遣至责任部门');
    expect(statusNotes({ action: 'EXPLAIN', note: '属于物业合同纠纷，请联系 13812345678' })).toBe('已答复：属于物业合同纠纷，请联系 138****5678');
  });
});

describe('a service request as Open311 shows it', () => {
  const facts: RequestFacts = {
    incident: {
      id: 42, category: 'ENVIRONMENT', status: 'DISPATCHED', description: '楼道堆满纸箱，电话 13900001111',
      longitude: 117.95, latitude: 37.35, photoUrls: ['https://example.org/a.jpg'],
      deadline: new Date('2026-10-03T00:00:00Z'), reportedAt: new Date('2026-10-01T00:00:00Z'), updatedAt: new Date('2026-10-01T02:00:00Z'),
    },
    latestStep: { action: 'DISPATCH', note: null },
    departmentName: '综合行政执法局',
    streetName: '东城街道',
    grid: { code: '3716020010010101', name: '第一网格' },
  };

  test('carries the spec fields: the deadline as expected_datetime, the lead department as agency', () => {
    expect(serviceRequestOf(facts)).toEqual({
      service_request_id: '42', status: 'open', status_notes: '已派遣至责任部门', service_name: '环境卫生', service_code: 'ENVIRONMENT',
      description: '楼道堆满纸箱，电话 139****1111', agency_responsible: '综合行政执法局', service_notice: null,
      requested_datetime: '2026-10-01T00:00:00.000Z', updated_datetime: '2026-10-01T02:00:00.000Z', expected_datetime: '2026-10-03T00:00:00.000Z',
      address: '第一网格', address_id: '3716020010010101', zipcode: null, lat: 37.35, long: 117.95, media_url: 'https://example.org/a.jpg',
    });
  });

  test('before dispatch the street office is responsible', () => {
    expect(serviceRequestOf({ ...facts, departmentName: null }).agency_responsible).toBe('东城街道');
  });
});

describe('reading a POST', () => {
  test('the spec example becomes an incident report; the reporter\'s contact fields are not kept', () => {
    const read = readFiledRequest(SPEC_FORM);
    expect(read).toEqual({
      request: {
        category: 'ENVIRONMENT', title: '环境卫生：1234 5th street', description: 'A large sinkhole is destroying the street',
        longitude: 117.95, latitude: 37.35, photoUrls: ['http://mycity.org/media/12345.jpg'], accountId: '123456',
      },
    });
    const kept = JSON.stringify(read);
    for (const personal of ['smit333@sfgov.edu', 'john', 'smith', '111111111', 'tt222111']) expect(kept).not.toContain(personal);
  });

  test('JSON numbers are read as well', () => {
    expect(readFiledRequest({ service_code: 'SAFETY_HAZARD', lat: 37.35, long: 117.95, description: '消防通道被堵' })).toMatchObject({
      request: { category: 'SAFETY_HAZARD', latitude: 37.35, longitude: 117.95, title: '安全隐患', photoUrls: [] },
    });
  });

  test('bad input names each field', () => {
    const descriptions = (fields: Record<string, unknown>) => {
      const read = readFiledRequest(fields);
      return 'errors' in read ? read.errors.map((e) => `${e.code} ${e.description.split(':')[0]}`) : [];
    };
    expect(descriptions({})).toEqual(['400 service_code', '400 lat', '400 description']);
    expect(descriptions({ ...SPEC_FORM, service_code: '001' })).toEqual(['400 service_code']);
    expect(descriptions({ ...SPEC_FORM, lat: '91' })).toEqual(['400 lat']);
    expect(descriptions({ ...SPEC_FORM, long: 'east' })).toEqual(['400 long']);
    expect(descriptions({ ...SPEC_FORM, lat: undefined, long: undefined })).toEqual(['400 lat']);
    expect(descriptions({ ...SPEC_FORM, description: '   ' })).toEqual(['400 description']);
  });

  test('a field holding a NUL character or an unpaired surrogate, at any depth, is a 400 naming it', () => {
    const descriptions = (fields: Record<string, unknown>) => {
      const read = readFiledRequest(fields);
      return 'errors' in read ? read.errors.map((e) => `${e.code} ${e.description.split(':')[0]}`) : [];
    };
    expect(descriptions({ ...SPEC_FORM, description: 'a\u0000b' })).toEqual(['400 description']);
    expect(descriptions({ ...SPEC_FORM, address_string: '\udc00路' })).toEqual(['400 address_string']);
    expect(descriptions({ ...SPEC_FORM, media_url: ['http://x.org/1.jpg', 'b\u0000'] })).toEqual(['400 media_url[1]']);
    expect(descriptions({ ...SPEC_FORM, attribute: { WHISPAWN: '\ud800' } })).toEqual(['400 attribute.WHISPAWN']);
    expect(descriptions({ ...SPEC_FORM, description: '路面塌陷 😀' })).toEqual([]);
  });

  test('a long address is cut to the 100 characters of a title', () => {
    const read = readFiledRequest({ ...SPEC_FORM, address_string: '路'.repeat(300) });
    expect('request' in read && read.request.title.length).toBe(100);
  });

  test('the incident service\'s refusals become Open311 errors naming the Open311 field; out of scope is 403', () => {
    expect(errorsOfUserErrors([{ field: ['input', 'description'], code: UserErrorCode.INVALID, message: 'A description has at most 2,000 characters.' }]))
      .toEqual({ status: 400, errors: [{ code: 400, description: 'description: A description has at most 2,000 characters.' }] });
    expect(errorsOfUserErrors([{ field: ['input', 'longitude'], code: UserErrorCode.OUT_OF_SCOPE, message: 'Outside.' }]))
      .toEqual({ status: 403, errors: [{ code: 403, description: 'long: Outside.' }] });
    expect(errorsOfUserErrors([{ field: ['input', 'photoUrls', '0'], code: UserErrorCode.INVALID, message: 'A photo is an http(s) URL.' }]).errors[0].description)
      .toBe('media_url: A photo is an http(s) URL.');
  });
});

describe('reading a GET', () => {
  const now = new Date('2026-12-01T00:00:00Z');

  test('service_request_id overrides every other argument', () => {
    expect(readRequestQuery({ service_request_id: '3,4, 5', status: 'nonsense' }, now)).toEqual({ query: { ids: [3, 4, 5] } });
    expect(readRequestQuery({ service_request_id: '3,abc' }, now)).toEqual({ errors: [{ code: 400, description: 'service_request_id: "abc" is not a service request id.' }] });
  });

  test('filters, and the last 90 days by default', () => {
    expect(readRequestQuery({}, now)).toEqual({ query: { categories: null, statuses: null, from: new Date('2026-09-02T00:00:00Z'), to: null } });
    expect(readRequestQuery({ service_code: 'ENVIRONMENT', status: 'open,closed', start_date: '2026-10-01T00:00:00+08:00', end_date: '2026-10-31T00:00:00Z' }, now)).toEqual({
      query: { categories: ['ENVIRONMENT'], statuses: ['open', 'closed'], from: new Date('2026-09-30T16:00:00Z'), to: new Date('2026-10-31T00:00:00Z') },
    });
  });

  test('bad arguments name the argument', () => {
    const named = (fields: Record<string, unknown>) => {
      const read = readRequestQuery(fields, now);
      return 'errors' in read ? read.errors.map((e) => e.description.split(':')[0]) : [];
    };
    expect(named({ service_code: 'POTHOLE' })).toEqual(['service_code']);
    expect(named({ status: 'pending' })).toEqual(['status']);
    expect(named({ start_date: 'yesterday' })).toEqual(['start_date']);
    expect(named({ start_date: '2026-11-01', end_date: '2026-10-01' })).toEqual(['start_date']);
  });

  test('a path id is a positive integer', () => {
    expect(requestIdOfPath('17')).toBe(17);
    expect(requestIdOfPath('0')).toBeNull();
    expect(requestIdOfPath('SW5jaWRlbnQ6MQ==')).toBeNull();
  });
});
