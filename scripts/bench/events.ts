/**
 * Benchmark of incident events end to end: `npm run bench:events -- [--subscribers N]
 * [--events M] [--processes 1,2] [--concurrency C] [--timeout SECONDS] [--json FILE]`.
 *
 * A throwaway PostgreSQL server with the demo city; per mode, N API processes (as
 * `npm start` runs them), S graphql-ws subscribers to `incidentEvents` spread over them, and
 * M `incidentReport` mutations over HTTP alternating between them. Measures committed
 * events/s, deliveries/s and commit-to-receipt latency (receipt on a subscriber − arrival of
 * that mutation's HTTP response, both taken with performance.now() in this one process), and
 * checks that every subscriber got every event exactly once and in commit (outbox id) order.
 * Memory per connection: growth of the API processes' resident set from before the first
 * subscriber to after the warm-up, divided by the subscribers (no forced GC: an upper bound).
 * --json also writes the results to FILE, for `npm run bench` (scripts/bench/index.ts).
 * Everything is on localhost; the whole run is bounded by --timeout (600 s).
 */
import 'reflect-metadata';
import { sql } from 'drizzle-orm';
import { createClient, type Client } from 'graphql-ws';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { Role } from '../../src/auth/roles';
import { issueToken } from '../../src/auth/viewer';
import { DEMO_JWT_SECRET, loadConfig } from '../../src/config';
import { openDatabase, rowsOf, type Database } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { fromGlobalId } from '../../src/graphql/ids';
import { seedDemoCity } from '../../src/seed/demo-city';
import { gql, log, machineJiffies, now, percentile, perConnection, sleep, spawnApi, stopApi } from './harness';
import { startPostgres, type PostgresServer } from './postgres';

const USAGE = 'usage: npm run bench:events -- [--subscribers 1000] [--events 300] [--processes 1,2] [--concurrency 10] [--timeout 600] [--json FILE] [--api-node-args="--cpu-prof ..."]';

const SUBSCRIPTION = 'subscription { incidentEvents { cursor transition { action } incident { id title } } }';
const REPORT = 'mutation($input: IncidentReportInput!) { incidentReport(input: $input) { incident { id } userErrors { code message } } }';

interface Options {
  subscribers: number;
  events: number;
  processes: number[];
  concurrency: number;
  timeoutMs: number;
  /** Extra node flags for the API processes (e.g. profiling), split on spaces. */
  apiNodeArgs: string[];
  json: string | null;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      subscribers: { type: 'string', default: '1000' },
      events: { type: 'string', default: '300' },
      processes: { type: 'string', default: '1,2' },
      concurrency: { type: 'string', default: '10' },
      timeout: { type: 'string', default: '600' },
      'api-node-args': { type: 'string', default: '' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"\n${USAGE}`);
    return n;
  };
  return {
    subscribers: positive('subscribers', values.subscribers!),
    events: positive('events', values.events!),
    processes: values.processes!.split(',').map((p) => positive('processes', p.trim())),
    concurrency: positive('concurrency', values.concurrency!),
    timeoutMs: positive('timeout', values.timeout!) * 1000,
    apiNodeArgs: values['api-node-args']!.split(' ').filter(Boolean),
    json: values.json ?? null,
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** Resident set size of a process in bytes, from /proc (Linux); null elsewhere. */
function rssBytes(pid: number | undefined): number | null {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

const totalRss = (apis: { child: { pid?: number } }[]) => {
  const sizes = apis.map((a) => rssBytes(a.child.pid));
  return sizes.some((s) => s === null) ? null : sizes.reduce((sum: number, s) => sum + (s ?? 0), 0);
};

/** CPU seconds of every PostgreSQL process of the cluster (postmaster and backends). */
function postgresCpuSeconds(pg: PostgresServer): number | null {
  try {
    const postmaster = Number(fs.readFileSync(path.join(pg.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    let total = cpuSeconds(postmaster) ?? 0;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === postmaster) total += cpuSeconds(Number(entry)) ?? 0;
      } catch {
        // gone meanwhile
      }
    }
    return total;
  } catch {
    return null;
  }
}

interface LockSamples {
  samples: number;
  /** Mean number of API transactions waiting for the outbox's advisory lock. */
  waiting: number;
  maxWaiting: number;
  /** Share of samples in which the lock's holder sat idle in transaction, waiting for its API process. */
  holderIdle: number;
}

/** Samples pg_stat_activity every 50 ms until `stop` resolves: who waits on the outbox lock, and why. */
async function sampleOutboxLock(database: Database, stop: Promise<unknown>): Promise<LockSamples> {
  let stopped = false;
  void stop.then(() => { stopped = true; });
  const result = { samples: 0, waiting: 0, maxWaiting: 0, holderIdle: 0 };
  while (!stopped) {
    try {
      const [row] = await rowsOf<{ waiting: number; holder_idle: number }>(database.db, sql`
        select
          count(*) filter (where a.wait_event_type = 'Lock' and a.wait_event = 'advisory')::int as waiting,
          (select count(*) from pg_locks l join pg_stat_activity h on h.pid = l.pid
            where l.locktype = 'advisory' and l.granted and h.state = 'idle in transaction')::int as holder_idle
        from pg_stat_activity a where a.datname = current_database() and a.pid <> pg_backend_pid()`);
      result.samples += 1;
      result.waiting += row.waiting;
      result.maxWaiting = Math.max(result.maxWaiting, row.waiting);
      result.holderIdle += row.holder_idle > 0 ? 1 : 0;
    } catch {
      // a sample lost is no matter
    }
    await sleep(50);
  }
  if (result.samples) {
    result.waiting /= result.samples;
    result.holderIdle /= result.samples;
  }
  return result;
}

// Subscribers --------------------------------------------------------------------------------

interface EventMessage {
  incidentEvents: { cursor: string; transition: { action: string }; incident: { id: string; title: string } };
}

/** What every subscriber of one mode records; counters are shared, arrays are per subscriber. */
class Tally {
  /** First receipt time of each measured event, per subscriber: receipts[s * M + seq]. */
  readonly receipts: Float64Array;
  readonly copies: Uint16Array;
  outOfOrder = 0;
  duplicated = 0;
  foreign = 0;
  firstTimeDeliveries = 0;
  lastReceipt = 0;
  readonly warm: Uint8Array;
  warmCount = 0;
  readonly errors: string[] = [];
  onProgress: (() => void) | null = null;

  constructor(readonly subscribers: number, readonly events: number, readonly tag: string) {
    this.receipts = new Float64Array(subscribers * events);
    this.copies = new Uint16Array(subscribers * events);
    this.warm = new Uint8Array(subscribers);
  }
}

class Subscriber {
  readonly client: Client;
  private lastEventId = 0;
  connected = false;
  private disposed = false;
  private dispose: (() => void) | null = null;

  constructor(private readonly index: number, wsUrl: string, token: string, private readonly tally: Tally) {
    this.client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
      connectionAckWaitTimeout: 30_000,
      on: {
        connected: () => {
          this.connected = true;
        },
        closed: (event) => {
          if (!this.disposed) {
            const e = event as { code?: number; reason?: string };
            this.fail(`connection closed: ${e.code ?? '?'} ${e.reason ?? ''}`);
          }
        },
      },
    });
  }

  /** Subscribes; resolves when the connection is acknowledged (the subscribe goes right after). */
  start(timeoutMs: number): Promise<void> {
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`subscriber ${this.index}: no connection_ack in ${timeoutMs} ms`)), timeoutMs);
      const off = this.client.on('connected', () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    this.dispose = this.client.subscribe<EventMessage>(
      { query: SUBSCRIPTION },
      {
        next: (message) => this.onEvent(message.data as EventMessage | undefined, message.errors),
        error: (error) => this.fail(`subscription error: ${describe(error)}`),
        complete: () => {
          if (!this.disposed) this.fail('subscription completed by the server');
        },
      },
    );
    return connected;
  }

  private onEvent(data: EventMessage | undefined, errors: readonly { message: string }[] | undefined): void {
    const at = now();
    const t = this.tally;
    if (errors?.length || !data) {
      this.fail(`event with errors: ${errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
      return;
    }
    const { cursor, incident } = data.incidentEvents;
    const eventId = fromGlobalId(cursor, 'Event')?.key ?? -1;
    const title = incident.title;
    if (title.startsWith(`${t.tag} warm-up`)) {
      if (!t.warm[this.index]) {
        t.warm[this.index] = 1;
        t.warmCount += 1;
        t.onProgress?.();
      }
      this.lastEventId = Math.max(this.lastEventId, eventId);
      return;
    }
    const match = title.startsWith(`${t.tag} #`) ? /#(\d+)$/.exec(title) : null;
    const seq = match ? Number(match[1]) : -1;
    if (seq < 0 || seq >= t.events) {
      t.foreign += 1;
      return;
    }
    const slot = this.index * t.events + seq;
    t.copies[slot] += 1;
    if (t.copies[slot] > 1) {
      t.duplicated += 1;
      return;
    }
    if (eventId <= this.lastEventId) t.outOfOrder += 1;
    this.lastEventId = Math.max(this.lastEventId, eventId);
    t.receipts[slot] = at;
    t.firstTimeDeliveries += 1;
    t.lastReceipt = Math.max(t.lastReceipt, at);
    t.onProgress?.();
  }

  private fail(message: string): void {
    if (this.tally.errors.length < 1000) this.tally.errors.push(`subscriber ${this.index}: ${message}`);
  }

  async close(): Promise<void> {
    this.disposed = true;
    this.dispose?.();
    await this.client.dispose();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e) => (e as { message?: string }).message ?? String(e)).join('; ');
  const e = error as { code?: number; reason?: string; type?: string };
  if (e && (e.code !== undefined || e.type)) return `${e.type ?? 'close'} ${e.code ?? ''} ${e.reason ?? ''}`.trim();
  return String(error);
}

/** Waits until `done()` holds, re-checked on progress and every 100 ms; false when `ms` pass. */
function waitUntil(tally: Tally, done: () => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (done()) return resolve(true);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      clearInterval(poll);
      tally.onProgress = null;
      resolve(ok);
    };
    const timer = setTimeout(() => finish(done()), ms);
    const poll = setInterval(() => done() && finish(true), 100);
    tally.onProgress = () => done() && finish(true);
  });
}

// One mode -----------------------------------------------------------------------------------

interface ModeResult {
  processes: number;
  subscribers: number;
  events: number;
  committed: number;
  failedMutations: number;
  committedPerSec: number;
  deliveriesPerSec: number;
  latency: { min: number; p50: number; p90: number; p99: number; max: number } | null;
  /** Receipt − PostgreSQL's commit timestamp of the event's transaction (track_commit_timestamp). */
  commitLatency: { p50: number; p90: number; p99: number; max: number } | null;
  /** HTTP response arrival − commit timestamp: how long a committed report's answer took to come back. */
  responseLag: { p50: number; p99: number; max: number } | null;
  mutationMs: { p50: number; p99: number; max: number } | null;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  foreign: number;
  subscribeSeconds: number;
  warmUps: number;
  notReady: number;
  /** Resident set of the API processes together, idle before subscribing and with every subscriber warmed up. */
  rssIdle: number | null;
  rssSubscribed: number | null;
  cpu: string;
  locks: LockSamples | null;
  errors: string[];
  serverLog: string[];
}

async function runMode(pg: PostgresServer, database: Database, databaseUrl: string, n: number, options: Options, gridId: string, deadline: number): Promise<ModeResult> {
  const S = options.subscribers;
  const M = options.events;
  const tag = `bench p${n} ${Date.now().toString(36)}`;
  const errors: string[] = [];
  const remaining = () => deadline - Date.now();

  log(`mode ${n} process(es): starting the API processes`);
  // Rate limit off: the reporter sends more mutations in a minute than an hour's budget covers.
  const apis = await Promise.all(Array.from({ length: n }, (_, i) => spawnApi(databaseUrl, { index: i, nodeArgs: options.apiNodeArgs, logEveryExit: true, env: { RATE_LIMIT_POINTS_PER_HOUR: '0' } })));
  const tally = new Tally(S, M, tag);
  const subscribers: Subscriber[] = [];
  try {
    const adminToken = await issueToken({ sub: 'bench-reporter', role: Role.CITY_ADMIN }, DEMO_JWT_SECRET);
    // One request first, so the idle footprint includes what serving (not subscribing) loads.
    await gql(apis[0].url, adminToken, '{ __typename }');
    const rssIdle = totalRss(apis);

    // Subscribe, in waves so that the servers' listen backlogs are never the limit.
    const subscribeStarted = now();
    for (let i = 0; i < S; i += 1) {
      const token = await issueToken({ sub: `bench-subscriber-${i}`, role: Role.CITY_ADMIN }, DEMO_JWT_SECRET);
      subscribers.push(new Subscriber(i, apis[i % n].wsUrl, token, tally));
    }
    const WAVE = 100;
    for (let i = 0; i < S; i += WAVE) {
      const wave = subscribers.slice(i, i + WAVE);
      const results = await Promise.allSettled(wave.map((s) => s.start(Math.min(60_000, remaining()))));
      for (const r of results) if (r.status === 'rejected') errors.push(describe(r.reason));
    }
    const connected = subscribers.filter((s) => s.connected).length;
    log(`  ${connected}/${S} subscribers connected in ${((now() - subscribeStarted) / 1000).toFixed(1)} s`);

    // Warm-up: a report every subscriber must receive before the measurement starts.
    let warmUps = 0;
    while (tally.warmCount < S && warmUps < 5 && remaining() > 30_000) {
      warmUps += 1;
      await gql(apis[0].url, adminToken, REPORT, {
        input: { category: 'SAFETY_HAZARD', title: `${tag} warm-up ${warmUps}`, description: 'benchmark warm-up', gridId },
      });
      await waitUntil(tally, () => tally.warmCount === S, 15_000);
      log(`  warm-up ${warmUps}: ${tally.warmCount}/${S} subscribers received it`);
    }
    const subscribeSeconds = (now() - subscribeStarted) / 1000;
    const notReady = S - tally.warmCount;
    await sleep(200); // let the last warm-up deliveries settle before timing starts
    const rssSubscribed = totalRss(apis);

    // Measure.
    const sendAt = new Float64Array(M);
    const responseAt = new Float64Array(M).fill(NaN);
    const cpuBefore = { apis: apis.map((a) => cpuSeconds(a.child.pid)), pg: postgresCpuSeconds(pg), bench: process.cpuUsage(), machine: machineJiffies() };
    let next = 0;
    let failedMutations = 0;
    let mutationsDone!: () => void;
    const sampling = sampleOutboxLock(database, new Promise<void>((resolve) => { mutationsDone = resolve; }));
    const started = now();
    const worker = async () => {
      for (;;) {
        const seq = next;
        if (seq >= M || remaining() < 10_000) return;
        next += 1;
        const api = apis[seq % n];
        sendAt[seq] = now();
        try {
          const data = await gql<{ incidentReport: { incident: { id: string } | null; userErrors: { code: string; message: string }[] } }>(
            api.url, adminToken, REPORT,
            { input: { category: 'SAFETY_HAZARD', title: `${tag} #${seq}`, description: 'benchmark report', gridId } },
          );
          const at = now();
          if (data.incidentReport.userErrors.length || !data.incidentReport.incident) {
            throw new Error(`user errors: ${data.incidentReport.userErrors.map((e) => `${e.code} ${e.message}`).join('; ')}`);
          }
          responseAt[seq] = at;
        } catch (error) {
          failedMutations += 1;
          if (errors.length < 50) errors.push(`mutation #${seq}: ${describe(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    mutationsDone();
    const locks = await sampling;
    const committedSeqs = Array.from({ length: M }, (_, i) => i).filter((i) => !Number.isNaN(responseAt[i]));
    if (committedSeqs.length === 0) throw new Error(`no report was committed: ${errors.slice(0, 3).join('; ')}`);
    const lastResponse = Math.max(...committedSeqs.map((i) => responseAt[i]));
    const expected = committedSeqs.length * S;
    log(`  ${committedSeqs.length}/${M} reports committed in ${((lastResponse - started) / 1000).toFixed(2)} s; waiting for ${expected.toLocaleString('en-US')} deliveries`);

    // Wait for the deliveries: until all are in, or nothing arrives for 30 s, or the deadline.
    for (;;) {
      const before = tally.firstTimeDeliveries;
      const all = await waitUntil(tally, () => tally.firstTimeDeliveries >= expected, Math.min(30_000, Math.max(0, remaining() - 5_000)));
      if (all || tally.firstTimeDeliveries === before || remaining() < 6_000) break;
    }
    await sleep(500); // a late duplicate would show up here
    const cpuAfter = { apis: apis.map((a) => cpuSeconds(a.child.pid)), pg: postgresCpuSeconds(pg), bench: process.cpuUsage(cpuBefore.bench), machine: machineJiffies() };
    const window = (Math.max(tally.lastReceipt, lastResponse) - started) / 1000;
    const diff = (a: number | null, b: number | null) => (a === null || b === null ? '?' : (b - a).toFixed(1));
    const cpu = [
      ...apis.map((_, i) => `api${i + 1} ${diff(cpuBefore.apis[i], cpuAfter.apis[i])} s`),
      `postgres ${diff(cpuBefore.pg, cpuAfter.pg)} s`,
      `bench ${((cpuAfter.bench.user + cpuAfter.bench.system) / 1e6).toFixed(1)} s`,
      `over ${window.toFixed(1)} s wall`,
    ].join(', ');
    const ours = apis.reduce((sum, _, i) => sum + ((cpuAfter.apis[i] ?? 0) - (cpuBefore.apis[i] ?? 0)), 0)
      + ((cpuAfter.pg ?? 0) - (cpuBefore.pg ?? 0)) + (cpuAfter.bench.user + cpuAfter.bench.system) / 1e6;
    const machine = cpuBefore.machine && cpuAfter.machine
      ? (cpuAfter.machine.busy - cpuBefore.machine.busy) / (cpuAfter.machine.total - cpuBefore.machine.total) : null;
    const machineCpu = machine === null ? '' : `; machine ${(machine * 100).toFixed(0)}% busy (${os.cpus().length} cores), of which other work than this benchmark ≈ ${Math.max(0, machine * os.cpus().length * (now() - started) / 1000 - ours).toFixed(1)} CPU-s`;

    // The commit time of every measured event, by PostgreSQL's own clock (the machine's).
    const committedAt = new Float64Array(M).fill(NaN);
    try {
      const rows = await rowsOf<{ title: string; committed_ms: string | number | null }>(database.db, sql`
        select payload->'incident'->>'title' as title, extract(epoch from pg_xact_commit_timestamp(xmin)) * 1000 as committed_ms
        from outbox where payload->'incident'->>'title' like ${`${tag} #%`}`);
      for (const row of rows) {
        const seq = Number(/#(\d+)$/.exec(row.title)?.[1] ?? -1);
        // performance.now() counts from timeOrigin (epoch ms); both clocks are this machine's.
        if (seq >= 0 && seq < M && row.committed_ms !== null) committedAt[seq] = Number(row.committed_ms) - performance.timeOrigin;
      }
    } catch (error) {
      errors.push(`commit timestamps unavailable: ${describe(error)}`);
    }

    // Latency over every first delivery of a committed event; losses per subscriber and event.
    const latencies = new Float64Array(tally.firstTimeDeliveries);
    const fromCommit = new Float64Array(tally.firstTimeDeliveries);
    let k = 0;
    let c = 0;
    let lost = 0;
    const lostBySubscriber = new Map<number, number>();
    for (let s = 0; s < S; s += 1) {
      for (const seq of committedSeqs) {
        const slot = s * M + seq;
        if (tally.copies[slot] === 0) {
          lost += 1;
          lostBySubscriber.set(s, (lostBySubscriber.get(s) ?? 0) + 1);
        } else if (k < latencies.length) {
          latencies[k++] = tally.receipts[slot] - responseAt[seq];
          if (!Number.isNaN(committedAt[seq])) fromCommit[c++] = tally.receipts[slot] - committedAt[seq];
        }
      }
    }
    if (lost > 0) {
      const worst = [...lostBySubscriber.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
      errors.push(`lost: ${lost} deliveries over ${lostBySubscriber.size} subscribers; most: ${worst.map(([s, c]) => `#${s} (process ${(s % n) + 1}) ${c}`).join(', ')}`);
    }
    const sorted = latencies.subarray(0, k).sort();
    const mutationMs = Float64Array.from(committedSeqs.map((i) => responseAt[i] - sendAt[i])).sort();
    const commitSorted = fromCommit.subarray(0, c).sort();
    const lag = Float64Array.from(committedSeqs.filter((i) => !Number.isNaN(committedAt[i])).map((i) => responseAt[i] - committedAt[i])).sort();
    return {
      processes: n,
      subscribers: S,
      events: M,
      committed: committedSeqs.length,
      failedMutations,
      committedPerSec: committedSeqs.length / ((lastResponse - started) / 1000),
      deliveriesPerSec: tally.firstTimeDeliveries / ((tally.lastReceipt - started) / 1000),
      latency: k ? { min: sorted[0], p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] } : null,
      commitLatency: c ? { p50: percentile(commitSorted, 50), p90: percentile(commitSorted, 90), p99: percentile(commitSorted, 99), max: commitSorted[c - 1] } : null,
      responseLag: lag.length ? { p50: percentile(lag, 50), p99: percentile(lag, 99), max: lag[lag.length - 1] } : null,
      mutationMs: mutationMs.length ? { p50: percentile(mutationMs, 50), p99: percentile(mutationMs, 99), max: mutationMs[mutationMs.length - 1] } : null,
      lost,
      duplicated: tally.duplicated,
      outOfOrder: tally.outOfOrder,
      foreign: tally.foreign,
      subscribeSeconds,
      warmUps,
      notReady,
      rssIdle,
      rssSubscribed,
      cpu: cpu + machineCpu,
      locks,
      errors: [...errors, ...tally.errors],
      serverLog: [],
    };
  } finally {
    await Promise.race([Promise.allSettled(subscribers.map((s) => s.close())), sleep(10_000)]);
    await Promise.all(apis.map(stopApi));
    // Whatever the processes logged (warnings and errors) is part of the result.
    lastServerLog = apis.flatMap((a, i) => a.log.map((line) => `api${i + 1}: ${line}`));
  }
}

let lastServerLog: string[] = [];

// Main ---------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const options = parseOptions();
  const deadline = Date.now() + options.timeoutMs;
  const watchdog = setTimeout(() => {
    console.error(`bench: over the ${options.timeoutMs / 1000} s limit; stopping`);
    process.exit(2); // the exit handlers kill the API processes and stop PostgreSQL
  }, options.timeoutMs);

  log('starting PostgreSQL');
  const pg = await startPostgres({ settings: { track_commit_timestamp: 'on' } });
  try {
    const admin = await openDatabase({ url: pg.url, poolSize: 1 });
    await admin.db.execute(sql`create database bench`);
    await admin.close();
    const databaseUrl = pg.urlOf('bench');
    const database = await openDatabase({ url: databaseUrl, poolSize: 2 });
    try {
      await migrateDatabase(database, loadConfig().personalDataKey);
      log('seeding the demo city (scale 1)');
      await seedDemoCity(database.db, { scale: 1, personalDataKey: loadConfig().personalDataKey });
      const [{ version: pgVersion }] = await rowsOf<{ version: string }>(database.db, sql`select version()`);
      return await runModes(pg, database, databaseUrl, options, deadline, pgVersion, watchdog);
    } finally {
      await database.close();
    }
  } finally {
    await pg.stop();
  }
}

async function runModes(pg: PostgresServer, database: Database, databaseUrl: string, options: Options, deadline: number, pgVersion: string, watchdog: NodeJS.Timeout): Promise<number> {
  const results: ModeResult[] = [];
  let gridId: string | null = null;
  for (const n of options.processes) {
    if (deadline - Date.now() < 60_000) {
      log(`skipping ${n} process(es): less than 60 s left`);
      continue;
    }
    if (gridId === null) {
      // The MICRO grid is asked of the API itself, as a client would.
      const api = await spawnApi(databaseUrl, { index: 0 });
      try {
        const token = await issueToken({ sub: 'bench-reporter', role: Role.CITY_ADMIN }, DEMO_JWT_SECRET);
        const data = await gql<{ grids: { nodes: { id: string }[] } }>(api.url, token, '{ grids(first: 1, filter: { levels: [MICRO] }) { nodes { id } } }');
        gridId = data.grids.nodes[0]?.id ?? null;
        if (!gridId) throw new Error('the demo city has no MICRO grid');
      } finally {
        await stopApi(api);
      }
    }
    const result = await runMode(pg, database, databaseUrl, n, options, gridId, deadline);
    result.serverLog = lastServerLog;
    results.push(result);
  }

  report(results, options, pgVersion);
  if (options.json) fs.writeFileSync(options.json, JSON.stringify({ options, pgVersion, results }, null, 2));
  clearTimeout(watchdog);
  const clean = results.every((r) => r.lost === 0 && r.duplicated === 0 && r.outOfOrder === 0 && r.failedMutations === 0 && r.notReady === 0);
  return clean ? 0 : 1;
}

const mib = (bytes: number | null) => (bytes === null ? '?' : `${(bytes / 2 ** 20).toFixed(0)} MiB`);

function report(results: ModeResult[], options: Options, pgVersion: string): void {
  const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1));
  const int = (v: number) => Math.round(v).toLocaleString('en-US');
  const cpus = os.cpus();
  const lines = [
    '',
    `## incidentEvents: ${options.subscribers.toLocaleString('en-US')} subscribers, ${options.events} reports (HTTP concurrency ${options.concurrency})`,
    '',
    '| mode | subscribers | events | events/s committed | deliveries/s | p50 ms | p90 ms | p99 ms | max ms | lost | duplicated |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.processes} process${r.processes > 1 ? 'es' : ''} | ${int(r.subscribers)} | ${r.committed}${r.committed < r.events ? ` of ${r.events}` : ''} | ${int(r.committedPerSec)} | ${int(r.deliveriesPerSec)} | ${ms(r.latency?.p50)} | ${ms(r.latency?.p90)} | ${ms(r.latency?.p99)} | ${ms(r.latency?.max)} | ${r.lost} | ${r.duplicated} |`),
    '',
    'Latency: receipt on a subscriber − arrival of that report\'s HTTP response (the commit precedes it), over every delivery; all clocks are this process\'s performance.now().',
    '',
    ...results.flatMap((r) => [
      `- ${r.processes} process${r.processes > 1 ? 'es' : ''}: receipt − PostgreSQL commit timestamp p50 ${ms(r.commitLatency?.p50)} / p90 ${ms(r.commitLatency?.p90)} / p99 ${ms(r.commitLatency?.p99)} / max ${ms(r.commitLatency?.max)} ms; ` +
        `HTTP response − commit p50 ${ms(r.responseLag?.p50)} / p99 ${ms(r.responseLag?.p99)} / max ${ms(r.responseLag?.max)} ms; out of order ${r.outOfOrder}, unexpected events ${r.foreign}, failed mutations ${r.failedMutations}, min latency ${ms(r.latency?.min)} ms; ` +
        `mutation round trip p50 ${ms(r.mutationMs?.p50)} / p99 ${ms(r.mutationMs?.p99)} / max ${ms(r.mutationMs?.max)} ms; ` +
        `outbox lock while reporting: ${r.locks ? `${r.locks.waiting.toFixed(1)} transactions waiting on average (max ${r.locks.maxWaiting}), holder idle in transaction in ${(r.locks.holderIdle * 100).toFixed(0)}% of ${r.locks.samples} samples` : '–'}; ` +
        `API resident set ${mib(r.rssIdle)} idle, ${mib(r.rssSubscribed)} subscribed (${perConnection(r)} per connection); ` +
        `subscribed and warmed up in ${r.subscribeSeconds.toFixed(1)} s (${r.warmUps} warm-up report${r.warmUps === 1 ? '' : 's'}, ${r.notReady} not ready); CPU: ${r.cpu}`,
      ...r.errors.slice(0, 10).map((e) => `  - error: ${e}`),
      ...(r.errors.length > 10 ? [`  - … ${r.errors.length - 10} more errors`] : []),
      ...(r.serverLog.length ? [`  - server output and exit status (${r.serverLog.length} lines), first ones:`, ...r.serverLog.slice(0, 5).map((l) => `    ${l.slice(0, 400)}`)] : []),
    ]),
    '',
    `Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${pgVersion}; ` +
      'PostgreSQL, the API processes and the subscribers all on this one machine.',
    '',
  ];
  console.log(lines.join('\n'));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
