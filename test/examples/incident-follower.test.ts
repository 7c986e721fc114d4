import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiKeyTopic } from '../../src/auth/topics';
import { latestEventId, pruneOutbox } from '../../src/events/outbox';
import { outbox } from '../../src/events/outbox.tables';
import { eventCursor } from '../../src/events/stream';
import { INCIDENT_TOPIC } from '../../src/modules/incident/incident.service';
import { demoUnits, type DemoUnits } from '../helpers/fixtures';
import { incidentClient } from '../helpers/incidents';
import { Role, startTestServer, type TestServer } from '../helpers/server';

const SCRIPT = path.resolve(__dirname, '../../scripts/examples/incident-follower.ts');
const WAIT_MS = 90_000;

let t: TestServer;
let u: DemoUnits;
let folder: string;
let proxy: Proxy;
const children: ChildProcess[] = [];

/** A TCP hop between the follower and the API whose connections the test can cut, as a flaky network would. */
interface Proxy {
  port: number;
  cut(): void;
  close(): Promise<void>;
}

async function startProxy(target: number): Promise<Proxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const socket of [downstream, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    downstream.pipe(upstream).pipe(downstream);
    downstream.on('close', () => upstream.destroy());
    upstream.on('close', () => downstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => sockets.forEach((s) => s.destroy()),
    close: () => new Promise((resolve) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => resolve());
    }),
  };
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: () => string, ms = WAIT_MS): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whole lines of the output so far (a line being written is not counted until its newline is). */
function linesOf(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const content = fs.readFileSync(file, 'utf8');
  return content.slice(0, content.lastIndexOf('\n') + 1).split('\n').filter((line) => line !== '');
}

function startFollower(out: string, key: string, after: string): { child: ChildProcess; stderr: () => string } {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, '--url', `ws://127.0.0.1:${proxy.port}/graphql`, '--key', key, '--out', out, '--after', after], {
    cwd: path.resolve(__dirname, '../..'), env, stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  return { child, stderr: () => stderr };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function incidentEventIdsAfter(after: number): Promise<number[]> {
  const rows = await t.database.db.select({ id: outbox.id }).from(outbox)
    .where(and(eq(outbox.topic, INCIDENT_TOPIC), gt(outbox.id, after))).orderBy(asc(outbox.id));
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  proxy = await startProxy(t.server.port);
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-follower-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await proxy?.close();
  await t?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

test('the follower survives a cut connection and SIGKILL: every event exactly once, in cursor order', async () => {
  const key = await t.apiKey({ topics: [ApiKeyTopic.INCIDENTS] });
  const admin = await t.token(Role.CITY_ADMIN);
  const api = incidentClient(t);
  const out = path.join(folder, 'events.jsonl');
  // The follower starts after an event that exists (the demo city's outbox may be empty).
  expect((await api.report(admin, { category: 'ENVIRONMENT', title: '起点', description: '楼道堆物', gridId: u.ids.micro })).userErrors).toEqual([]);
  const start = await latestEventId(t.database.db);

  // Events keep coming the whole time: reports, every other one accepted at once.
  let producing = true;
  let produced = 0;
  const producer = (async () => {
    while (producing) {
      const reported = await api.report(admin, { category: 'ENVIRONMENT', title: `事件 ${produced}`, description: '楼道堆物', gridId: u.ids.micro });
      expect(reported.userErrors).toEqual([]);
      if (produced % 2 === 0) expect((await api.step('incidentAccept', { id: reported.incident.id, triage: 'SOLVE_AT_ONCE' }, admin)).userErrors).toEqual([]);
      produced += 1;
    }
  })();

  try {
    const first = startFollower(out, key, eventCursor(start));
    await until(() => (linesOf(out).length >= 5 ? true : undefined), () => `the first events in the output; the follower said:\n${first.stderr()}`);

    proxy.cut();
    const afterCut = linesOf(out).length;
    await until(() => (linesOf(out).length >= afterCut + 5 ? true : undefined), () => `events after the connection was cut; the follower said:\n${first.stderr()}`);
    expect(first.stderr()).toContain('reconnecting');

    first.child.kill('SIGKILL');
    expect(await exited(first.child)).toEqual({ code: null, signal: 'SIGKILL' });
    const atKill = linesOf(out).length;
    // A write the killed process did not finish, as a crash in the middle of one would leave.
    fs.appendFileSync(out, '{"cursor":"RXZlbnQ6OTk5OTk5","occurredAt":"2026-');
    const lastAtKill = (await incidentEventIdsAfter(start)).length;
    await until(async () => ((await incidentEventIdsAfter(start)).length >= lastAtKill + 5 ? true : undefined), () => 'events produced while the follower is down');

    // The same command line again: --after is only for the first start, the output decides now.
    const second = startFollower(out, key, eventCursor(start));
    await until(() => (linesOf(out).length >= atKill + 10 ? true : undefined), () => `the restarted follower catching up; it said:\n${second.stderr()}`);
    expect(second.stderr()).toContain('torn last line');

    producing = false;
    await producer;
    const expected = await incidentEventIdsAfter(start);
    await until(() => (linesOf(out).length >= expected.length ? true : undefined), () => `all ${expected.length} events in the output; the follower said:\n${second.stderr()}`);

    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toEqual({ code: 0, signal: null });

    const lines = linesOf(out);
    expect(fs.readFileSync(out, 'utf8').endsWith('\n')).toBe(true);
    const events = lines.map((line) => JSON.parse(line) as { cursor: string; action: string; incident: { id: string } });
    expect(events.map((e) => e.cursor)).toEqual(expected.map(eventCursor));
    expect(new Set(events.map((e) => e.action))).toEqual(new Set(['REPORT', 'ACCEPT']));
    expect(events.length).toBeGreaterThan(20);
  } finally {
    producing = false;
    await producer.catch(() => {});
  }
}, 300_000);

test('a refused key, a foreign cursor or one older than the retention stops the follower with a clear message', async () => {
  const key = await t.apiKey({ topics: [ApiKeyTopic.INCIDENTS] });
  const bad = startFollower(path.join(folder, 'bad-cursor.jsonl'), key, 'not-a-cursor');
  expect((await exited(bad.child)).code).toBe(3);
  expect(bad.stderr()).toContain('refused the subscription');

  const refused = startFollower(path.join(folder, 'bad-key.jsonl'), `ggk_00000000_${'x'.repeat(32)}`, eventCursor(1));
  expect((await exited(refused.child)).code).toBe(3);
  expect(refused.stderr()).toMatch(/closed the connection with 44\d\d/);

  await pruneOutbox(t.database.db, 0, new Date(Date.now() + 60_000));
  const expired = startFollower(path.join(folder, 'expired.jsonl'), key, eventCursor(1));
  expect((await exited(expired.child)).code).toBe(3);
  expect(expired.stderr()).toContain('older than the server keeps events');
}, 120_000);
