import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rowsOf } from '../../src/db/client';
import { logger, requestScope } from '../../src/logger';
import { activeSubscriptions } from '../../src/server/metrics';
import { Role, startTestServer, type TestServer } from '../helpers/server';
import { Subscriber } from '../helpers/subscriptions';
import { overSocket } from '../helpers/over-socket';

/** This process's log file: the test runs the server in-process and LOG_DIR is set (vitest.config.ts). */
function rawLines(): string[] {
  const dir = process.env.LOG_DIR;
  if (!dir) throw new Error('LOG_DIR is not set: run through vitest.config.ts');
  const file = path.join(dir, `gridgov-${process.pid}-${threadId}.log`);
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
}

/** Lines of earlier test files that ran in this worker process. */
let linesBefore = 0;

/** This file's lines. */
function logLines(): any[] {
  return rawLines().slice(linesBefore).map((line) => JSON.parse(line));
}

/** The first of this file's lines that matches, once the logger has written it; the test's timeout bounds the wait. */
async function lineWhere(match: (entry: any) => boolean): Promise<any> {
  for (;;) {
    const found = logLines().find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let t: TestServer;
let token: string;

beforeAll(async () => {
  linesBefore = rawLines().length;
  t = await startTestServer();
  token = await t.token(Role.CITY_ADMIN, undefined, 'request-log-admin');
});
afterAll(async () => t?.close());

const post = (headers: Record<string, string>) => fetch(t.server.url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
  body: JSON.stringify({ query: 'query RequestLogProbe($x: String!) { viewer { role } __type(name: $x) { name } }', variables: { x: '110101199003074578' } }),
});

describe('request ids', () => {
  test('an acceptable incoming X-Request-Id is kept, answered in the header and logged with the operation, viewer and duration', async () => {
    const response = await post({ 'x-request-id': 'lb-7f3a.92:abc_1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('lb-7f3a.92:abc_1');
    const entry = await lineWhere((e) => e.reqId === 'lb-7f3a.92:abc_1');
    expect(entry).toMatchObject({
      msg: 'graphql request', operation: 'RequestLogProbe', viewerSubject: 'request-log-admin', viewerRole: 'CITY_ADMIN', status: 200, errorCodes: [],
    });
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    // Variables are never bound to the line, and the id is there once.
    expect(JSON.stringify(entry)).not.toMatch(/110101|variables/);
    expect(rawLines().find((line) => line.includes('lb-7f3a.92:abc_1'))!.match(/"reqId"/g)).toHaveLength(1);
  });

  test('any line logged while serving a request carries its id', async () => {
    requestScope.run({ reqId: 'scope-probe-1' }, () => logger.warn({ probe: true }, 'request scope probe'));
    logger.warn({ probe: true }, 'outside any request');
    expect(await lineWhere((e) => e.msg === 'request scope probe')).toMatchObject({ reqId: 'scope-probe-1', probe: true });
    expect(await lineWhere((e) => e.msg === 'outside any request')).not.toHaveProperty('reqId');
  });

  test('without one, or with one that is not a plain token, the server makes a new id', async () => {
    const fresh = await post({});
    const id = fresh.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await lineWhere((e) => e.reqId === id && e.operation === 'RequestLogProbe');

    const rejected = await post({ 'x-request-id': 'Zhang San 13800138000' });
    const replaced = rejected.headers.get('x-request-id');
    expect(replaced).not.toBe('Zhang San 13800138000');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    const tooLong = await post({ 'x-request-id': 'a'.repeat(129) });
    expect(tooLong.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('WebSocket operations', () => {
  test('each operation over a WebSocket has its own line: operation, viewer, duration, error codes', async () => {
    const client = t.wsClient(token);
    expect((await overSocket(client, { query: 'query SocketLogProbe { viewer { role } }' })).data).toEqual({ viewer: { role: 'CITY_ADMIN' } });
    const entry = await lineWhere((e) => e.msg === 'graphql operation over websocket' && e.operation === 'SocketLogProbe');
    expect(Object.keys(entry).sort()).toEqual(['durationMs', 'errorCodes', 'level', 'msg', 'operation', 'operationType', 'service', 'time', 'viewerRole', 'viewerSubject']);
    expect(entry).toMatchObject({ operationType: 'query', viewerSubject: 'request-log-admin', viewerRole: 'CITY_ADMIN', errorCodes: [] });

    await overSocket(client, { query: 'query SocketLogRefused { viewer { nothing } }' });
    const refused = await lineWhere((e) => e.msg === 'graphql operation over websocket' && e.errorCodes?.includes('GRAPHQL_VALIDATION_FAILED'));
    expect(refused).toMatchObject({ operation: null, operationType: null, viewerSubject: 'request-log-admin' });

    // A subscription's line comes when it ends.
    const activeNow = async () => (await activeSubscriptions.get()).values[0]?.value ?? 0;
    // The gauge is the process's: earlier test files in this worker may have left it above 0.
    const already = await activeNow();
    const events = new Subscriber(client, 'subscription SubscriptionLogProbe { incidentEvents { cursor } }');
    for (let running = already; running < already + 1;) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      running = await activeNow();
    }
    expect(logLines().some((e) => e.operation === 'SubscriptionLogProbe')).toBe(false);
    events.stop();
    const ended = await lineWhere((e) => e.operation === 'SubscriptionLogProbe');
    expect(ended).toMatchObject({ operationType: 'subscription', viewerSubject: 'request-log-admin', errorCodes: [] });
    await client.dispose();
  });

  test('an operation whose admission fails on the database answers INTERNAL_SERVER_ERROR and has its line; the socket stays open', async () => {
    const limited = await startTestServer({ rateLimitPointsPerHour: 1_000 });
    try {
      const client = limited.wsClient(await limited.token(Role.CITY_ADMIN, undefined, 'request-log-fault'));
      const rename = (from: string, to: string) => rowsOf(limited.database.housekeeping, sql.raw(`alter table ${from} rename to ${to}`));
      // The budget's table is away: charging the operation fails inside the gate.
      await rename('rate_limit_windows', 'rate_limit_windows_away');
      const failed = await overSocket(client, { query: 'query AdmissionFault { viewer { role } }' });
      expect(failed.errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
      const line = await lineWhere((e) => e.msg === 'graphql operation over websocket' && e.viewerSubject === 'request-log-fault');
      expect(line).toMatchObject({ operation: null, operationType: null, errorCodes: ['INTERNAL_SERVER_ERROR'] });
      expect(logLines().some((e) => e.msg === 'internal error' && /rate_limit_windows/.test(JSON.stringify(e.err)))).toBe(true);
      await rename('rate_limit_windows_away', 'rate_limit_windows');
      expect((await overSocket(client, { query: '{ viewer { role } }' })).data).toEqual({ viewer: { role: 'CITY_ADMIN' } });
    } finally {
      await limited.close();
    }
  });
});
