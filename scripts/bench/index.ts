import 'reflect-metadata';
/**
 * The benchmark of issue 8 (`npm run bench`, not part of `npm test`), written into
 * BENCHMARKS.md: warm starts of `npm start` (start.ts), then a throwaway PostgreSQL 15 with
 * pg_stat_statements, the demo city at city scale (seed throughput), then
 * - http: four requests against our API, PostGraphile 5 over the same tables, and a raw-SQL
 *   baseline (one statement per request from a bare node:http handler); the three answers
 *   must hash the same, then wrk times them in turn, same connections and duration;
 *   SQL statements per request from pg_stat_statements;
 * - import: a generated ledger through POST /import/households;
 * - subscriptions: `npm run bench:events` at each subscriber count, one and two processes.
 *
 *   npm run bench -- [--quick] [--scale 60] [--only start,seed,http,import,subscriptions]
 *     [--seconds 10] [--rounds 3] [--connections 10] [--subscribers 1000,5000,10000]
 *     [--import-rows 100000] [--out BENCHMARKS.md]
 *
 * Only the sections run are replaced in the output file, so a part can be re-run alone.
 * BENCH_DEBUG=1 lists every statement pg_stat_statements saw from each server.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { Role } from '../../src/auth/roles';
import { issueToken } from '../../src/auth/viewer';
import { DEMO_JWT_SECRET, loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { seedDemoCity } from '../../src/seed/demo-city';
import { generateLedger } from '../generate-ledger';
import { log, machineJiffies, now, perConnection, ROOT, sleep, spawnApi, stopApi, type ApiProcess } from './harness';
import { startPostgres, type PostgresServer } from './postgres';
import { measureStarts, type StartResult } from './start';
import {
  canonicalData, firstDifference, hashOf, PG5_DASHBOARD_FUNCTION, SERVERS, workloads, type Server, type Subjects, type Workload,
} from './queries';
import { ensureWrk, runWrk, type WrkResult } from './wrk';

const SECTIONS = ['start', 'seed', 'http', 'import', 'subscriptions'] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  scale: number;
  only: Set<Section>;
  seconds: number;
  rounds: number;
  connections: number;
  subscribers: number[];
  importRows: number;
  out: string;
  quick: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      scale: { type: 'string' },
      only: { type: 'string' },
      seconds: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string', default: '10' },
      subscribers: { type: 'string' },
      'import-rows': { type: 'string' },
      out: { type: 'string', default: 'BENCHMARKS.md' },
    },
    allowPositionals: false,
  });
  const quick = values.quick!;
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
    return n;
  };
  const only = new Set((values.only ?? SECTIONS.join(',')).split(',').map((s) => s.trim()) as Section[]);
  for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`--only takes ${SECTIONS.join(', ')}; got "${s}"`);
  return {
    quick,
    scale: positive('scale', values.scale ?? (quick ? '2' : '60')),
    only,
    seconds: positive('seconds', values.seconds ?? (quick ? '3' : '10')),
    rounds: positive('rounds', values.rounds ?? (quick ? '1' : '3')),
    connections: positive('connections', values.connections!),
    subscribers: (values.subscribers ?? (quick ? '200,500' : '1000,5000,10000')).split(',').map((s) => positive('subscribers', s)),
    importRows: positive('import-rows', values['import-rows'] ?? (quick ? '5000' : '100000')),
    out: path.resolve(ROOT, values.out!),
  };
}

const int = (v: number) => Math.round(v).toLocaleString('en-US');
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
/** Requests per second: whole numbers, but a request that takes seconds keeps a decimal. */
const rate = (v: number) => (v >= 10 ? int(v) : v.toFixed(1));
const pct = (v: number | null) => (v === null ? '?' : `${Math.round(v * 100)}%`);
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Share of the machine busy over a few idle seconds: the other work on it when we start. */
async function backgroundLoad(seconds = 3): Promise<number | null> {
  const before = machineJiffies();
  await sleep(seconds * 1000);
  const after = machineJiffies();
  return before && after ? (after.busy - before.busy) / (after.total - before.total) : null;
}

// Servers ------------------------------------------------------------------------------------

interface Peer {
  child: ChildProcess;
  url: string;
}

const peers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of peers) child.kill('SIGKILL');
});

/** A tsx script that prints `listening on <url>` when it serves. */
function spawnPeer(script: string, args: string[]): Promise<Peer> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  peers.add(child);
  child.on('exit', () => peers.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 120 s:\n${out}`)), 120_000);
    const onData = (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${out}`));
    });
  });
}

async function stopPeer(peer: Peer): Promise<void> {
  if (peer.child.exitCode !== null || peer.child.signalCode !== null) return;
  const exited = new Promise((resolve) => peer.child.once('exit', resolve));
  peer.child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => peer.child.kill('SIGKILL'))]);
}

// Seed ---------------------------------------------------------------------------------------

interface SeedResult {
  scale: number;
  seconds: number;
  rows: number;
  counts: Record<string, number>;
  load: number | null;
}

async function seed(url: string, scale: number): Promise<SeedResult> {
  const database = await openDatabase({ url, poolSize: 4 });
  try {
    await migrateDatabase(database, loadConfig().personalDataKey);
    log(`seeding the demo city at scale ${scale}`);
    const before = machineJiffies();
    const started = now();
    const counts = await seedDemoCity(database.db, { scale, personalDataKey: loadConfig().personalDataKey });
    const seconds = (now() - started) / 1000;
    const after = machineJiffies();
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    log(`  ${int(rows)} rows in ${seconds.toFixed(1)} s`);
    return { scale, seconds, rows, counts, load: before && after ? (after.busy - before.busy) / (after.total - before.total) : null };
  } finally {
    await database.close();
  }
}

// HTTP ---------------------------------------------------------------------------------------

/** Database roles per server, so pg_stat_statements tells their statements apart. */
const ROLES: Record<Server, string> = { ours: 'bench_ours', postgraphile: 'bench_postgraphile', raw: 'bench_raw' };

interface Endpoints {
  urls: Record<Server, string>;
  headers: Record<Server, Record<string, string>>;
}

async function ask(endpoints: Endpoints, server: Server, workload: Workload): Promise<unknown> {
  const target = workload.targets[server];
  const response = await fetch(endpoints.urls[server] + target.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...endpoints.headers[server] },
    body: JSON.stringify(target.body),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: unknown; errors?: { message: string }[] };
  if (!response.ok || body.errors?.length || body.data === undefined) throw new Error(`${server} ${workload.name}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return canonicalData(server, body.data);
}

/** The three answers of each request, hashed; throws (naming the first difference) when they differ. */
async function checkEquality(endpoints: Endpoints, list: Workload[]): Promise<Record<string, { hash: string; bytes: number }>> {
  const hashes: Record<string, { hash: string; bytes: number }> = {};
  for (const workload of list) {
    const answers = Object.fromEntries(await Promise.all(SERVERS.map(async (s) => [s, await ask(endpoints, s, workload)] as const))) as Record<Server, unknown>;
    const ours = hashOf(answers.ours);
    for (const s of SERVERS) {
      if (hashOf(answers[s]) !== ours) {
        throw new Error(`${workload.name}: ${s} answers differently from ours; refusing to time it.\n  first difference (ours vs ${s}): ${firstDifference(answers.ours, answers[s])}`);
      }
    }
    hashes[workload.name] = { hash: ours, bytes: JSON.stringify(answers.ours).length };
    log(`  ${workload.name}: same answer from all three (sha256 ${ours.slice(0, 16)}…)`);
  }
  return hashes;
}

interface StatementCount {
  /** Statements per request, transaction control (BEGIN, COMMIT, SET) not included. */
  statements: number;
  transactionControl: number;
  /** PostgreSQL's execution time of the request's statements, ms per request. */
  databaseMs: number;
  /** Round trip of one request alone (no concurrency), ms, mean over the requests. */
  requestMs: number;
}

const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|start transaction|set\s|reset\s|savepoint|release|select set_config)/i;
/** Work a server does on its own or once per connection: event polling, webhook deliveries, postgres.js's type lookup. */
const HOUSEKEEPING = /\boutbox\b|webhook_|^\s*(listen|unlisten)\b|pg_notify|pg_catalog\./i;

/** Sends `n` requests one after another and reads what pg_stat_statements saw from the server's role. */
async function countStatements(sql: postgres.Sql, endpoints: Endpoints, server: Server, workload: Workload, n: number): Promise<StatementCount> {
  await sql`select pg_stat_statements_reset()`;
  const started = now();
  for (let i = 0; i < n; i += 1) await ask(endpoints, server, workload);
  const requestMs = (now() - started) / n;
  const rows = await sql<{ query: string; calls: string; total_exec_time: number }[]>`
    select s.query, s.calls, s.total_exec_time from pg_stat_statements s join pg_roles r on r.oid = s.userid
    where r.rolname = ${ROLES[server]} and s.dbid = (select oid from pg_database where datname = current_database())`;
  const count = { statements: 0, transactionControl: 0, databaseMs: 0 };
  if (process.env.BENCH_DEBUG) for (const row of rows) log(`    ${server} ${row.calls}× ${row.query.replace(/\s+/g, ' ').slice(0, 160)}`);
  for (const row of rows) {
    const calls = Number(row.calls);
    if (HOUSEKEEPING.test(row.query)) continue;
    if (TRANSACTION_CONTROL.test(row.query)) count.transactionControl += calls;
    else count.statements += calls;
    count.databaseMs += Number(row.total_exec_time);
  }
  return {
    statements: count.statements / n, transactionControl: count.transactionControl / n, databaseMs: count.databaseMs / n, requestMs,
  };
}

interface HttpResult {
  workload: Workload;
  bytes: number;
  hash: string;
  statements: Record<Server, StatementCount>;
  rounds: Record<Server, WrkResult[]>;
}

async function http(pg: PostgresServer, database: string, subjects: Subjects, options: Options): Promise<{ results: HttpResult[]; pg5Version: string; load: number | null }> {
  const wrk = ensureWrk();
  const url = (server: Server) => pg.urlOf(database).replace('//postgres@', `//${ROLES[server]}@`);
  log('starting our API, PostGraphile 5 and the raw baseline');
  // Rate limit off (its upsert is a cost of its own, measured by bench:gate). The nested request
  // nests 13 fields deep and costs 62,758 points by our estimate (pages multiplied), over the
  // production limits of 10 and 10,000: both are raised just enough for it.
  const api: ApiProcess = await spawnApi(url('ours'), { env: { RATE_LIMIT_POINTS_PER_HOUR: '0', QUERY_MAX_DEPTH: '13', QUERY_MAX_COST: '63000' } });
  const pg5 = await spawnPeer('scripts/bench/postgraphile-server.ts', [url('postgraphile'), 'public,bench']);
  const raw = await spawnPeer('scripts/bench/raw-server.ts', [url('raw')]);
  const sql = postgres(pg.urlOf(database), { max: 1, onnotice: () => {} });
  try {
    const token = await issueToken({ sub: 'bench', role: Role.CITY_ADMIN }, DEMO_JWT_SECRET);
    const endpoints: Endpoints = {
      urls: { ours: api.url.replace(/\/graphql$/, ''), postgraphile: pg5.url.replace(/\/graphql$/, ''), raw: raw.url },
      headers: { ours: { authorization: `Bearer ${token}` }, postgraphile: {}, raw: {} },
    };
    const list = workloads(subjects);
    log('checking that the three servers give the same answers');
    const hashes = await checkEquality(endpoints, list);

    log('counting SQL statements per request (pg_stat_statements)');
    const statements: Record<string, Record<Server, StatementCount>> = {};
    for (const workload of list) {
      statements[workload.name] = {} as Record<Server, StatementCount>;
      for (const server of SERVERS) statements[workload.name][server] = await countStatements(sql, endpoints, server, workload, 20);
      log(`  ${workload.name}: ${SERVERS.map((s) => `${s} ${statements[workload.name][s].statements}`).join(', ')}`);
    }

    const load = await backgroundLoad();
    log(`machine ${pct(load)} busy before timing (other work)`);
    const results: HttpResult[] = [];
    for (const workload of list) {
      const rounds = { ours: [], postgraphile: [], raw: [] } as Record<Server, WrkResult[]>;
      const run = (server: Server, seconds: number) =>
        runWrk(wrk, endpoints.urls[server] + workload.targets[server].path, workload.targets[server].body, endpoints.headers[server], seconds, workload.connections ?? options.connections);
      for (const server of SERVERS) await run(server, Math.min(3, options.seconds)); // warm-up: JIT, plans, pools
      for (let r = 0; r < options.rounds; r += 1) {
        // Alternating order: each server goes first in some round, so drift in the machine's load spreads over all three.
        const order = SERVERS.map((_, i) => SERVERS[(i + r) % SERVERS.length]);
        for (const server of order) {
          const result = await run(server, options.seconds);
          rounds[server].push(result);
          log(`  ${workload.name} round ${r + 1} ${server}: ${rate(result.perSecond)} req/s, p50 ${ms(result.p50)} ms, p99 ${ms(result.p99)} ms, ${result.errors} errors, machine ${pct(result.machineBusy)}`);
        }
      }
      // What was timed was still the right answer.
      for (const server of SERVERS) {
        if (hashOf(await ask(endpoints, server, workload)) !== hashes[workload.name].hash) throw new Error(`${workload.name}: ${server}'s answer changed while timing`);
      }
      results.push({ workload, bytes: hashes[workload.name].bytes, hash: hashes[workload.name].hash, statements: statements[workload.name], rounds });
    }
    const pg5Version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/postgraphile/package.json'), 'utf8')) as { version: string }).version;
    return { results, pg5Version, load };
  } finally {
    await sql.end();
    await Promise.all([stopApi(api), stopPeer(pg5), stopPeer(raw)]);
  }
}

// Import -------------------------------------------------------------------------------------

interface ImportResult {
  rows: number;
  households: number;
  seconds: number;
  bytes: number;
}

async function importLedger(url: string, rows: number): Promise<ImportResult> {
  const database = await openDatabase({ url, poolSize: 1 });
  let ledger: string;
  try {
    ledger = await generateLedger(database.db, rows);
  } finally {
    await database.close();
  }
  const api = await spawnApi(url, { env: { RATE_LIMIT_POINTS_PER_HOUR: '0' } });
  try {
    const token = await issueToken({ sub: 'bench-importer', role: Role.CITY_ADMIN }, DEMO_JWT_SECRET);
    log(`importing a ${int(rows)}-row ledger over HTTP`);
    const started = now();
    const response = await fetch(new URL('/import/households?dryRun=false', api.url), {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'x-file-name': 'bench-ledger.csv', authorization: `Bearer ${token}` },
      body: ledger,
    });
    const report = (await response.json()) as { outcome: string; residentsCreated: number; householdsCreated: number; problems: unknown[] };
    const seconds = (now() - started) / 1000;
    if (response.status !== 200 || report.outcome !== 'IMPORTED' || report.residentsCreated !== rows) {
      throw new Error(`import refused or incomplete: HTTP ${response.status} ${JSON.stringify(report).slice(0, 500)}`);
    }
    log(`  ${int(rows)} rows in ${seconds.toFixed(1)} s`);
    return { rows, households: report.householdsCreated, seconds, bytes: Buffer.byteLength(ledger) };
  } finally {
    await stopApi(api);
  }
}

// Subscriptions ------------------------------------------------------------------------------

interface EventsMode {
  processes: number;
  subscribers: number;
  committed: number;
  events: number;
  committedPerSec: number;
  deliveriesPerSec: number;
  commitLatency: { p50: number; p99: number } | null;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  notReady: number;
  rssIdle: number | null;
  rssSubscribed: number | null;
  errors: string[];
}

/** Reports per subscriber count, so every count delivers about the same number of events in all. */
const reportsFor = (subscribers: number, quick: boolean) => Math.max(20, Math.round((quick ? 60_000 : 200_000) / subscribers));

function subscriptions(options: Options): { modes: EventsMode[]; failures: string[]; pgVersion: string } {
  const modes: EventsMode[] = [];
  const failures: string[] = [];
  let pgVersion = '';
  for (const subscribers of options.subscribers) {
    const events = reportsFor(subscribers, options.quick);
    const file = path.join(os.tmpdir(), `gridgov-events-${process.pid}-${subscribers}.json`);
    log(`subscriptions: ${int(subscribers)} subscribers, ${events} reports, 1 and 2 processes (npm run bench:events)`);
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bench/events.ts', '--subscribers', String(subscribers), '--events', String(events), '--processes', '1,2', '--timeout', '1500', '--json', file], {
        cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'],
      });
    } catch (error) {
      // A run with losses exits 1 but still writes its results, which then say what went wrong.
      if (!fs.existsSync(file)) {
        failures.push(`${subscribers} subscribers: ${(error as Error).message.split('\n')[0]}`);
        continue;
      }
    }
    const run = JSON.parse(fs.readFileSync(file, 'utf8')) as { results: EventsMode[]; pgVersion: string };
    fs.rmSync(file, { force: true });
    modes.push(...run.results);
    pgVersion = run.pgVersion;
  }
  return { modes, failures, pgVersion };
}

// Report -------------------------------------------------------------------------------------

let runAt = '';

/** One part of the report, with the time of the run that measured it. */
function section(name: Section | 'machine', [heading, ...body]: string[]): [string, string] {
  return [name, [`<!-- bench:${name} -->`, heading, '', `_From the run started ${runAt}._`, ...body, `<!-- /bench:${name} -->`].join('\n')];
}

function writeReport(out: string, parts: [string, string][]): void {
  let text = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (!text.trim()) {
    text = [
      '# Benchmarks',
      '',
      'Written by `npm run bench` (scripts/bench/index.ts); each section is replaced when its part is',
      're-run (`npm run bench -- --only http`). Everything runs on one machine: PostgreSQL, the servers',
      'and the load generators share its cores, so the figures compare the servers with each other',
      'under the same conditions rather than promise a throughput.',
      '',
      ...['machine', ...SECTIONS].map((s) => `<!-- bench:${s} -->\n<!-- /bench:${s} -->`),
      '',
    ].join('\n');
  }
  for (const [name, body] of parts) {
    const pattern = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
    text = pattern.test(text) ? text.replace(pattern, () => body) : `${text.trimEnd()}\n\n${body}\n`;
  }
  fs.writeFileSync(out, text);
}

function machineSection(pgVersion: string, options: Options, pg5Version: string | null): [string, string] {
  const cpus = os.cpus();
  const commit = (() => {
    try {
      const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
      return `${head}${dirty ? ' with uncommitted changes' : ''}`;
    } catch {
      return 'unknown';
    }
  })();
  const version = (pkg: string) => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  return section('machine', [
    '## Machine and versions',
    '',
    `- Run: \`npm run bench${options.quick ? ' -- --quick' : ''}\`${options.only.size < SECTIONS.length ? ` (parts: ${[...options.only].join(', ')})` : ''}; commit ${commit}.`,
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.type()} ${os.release()}; load average at the start ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}.`,
    `- Node ${process.version}; ${pgVersion.split(' on ')[0]} (fsync off, throwaway cluster); graphql ${version('graphql')}, type-graphql ${version('type-graphql')}, Apollo Server ${version('@apollo/server')}, postgres.js ${version('postgres')}; PostGraphile ${pg5Version ?? version('postgraphile')} (Amber preset, default inflection); wrk ${execFileSync('sh', ['-c', 'wrk -v 2>&1 | head -1'], { encoding: 'utf8' }).trim().split(' ')[1] ?? '?'}.`,
  ]);
}

function seedSection(result: SeedResult): [string, string] {
  const c = result.counts;
  return section('seed', [
    '## Seed throughput',
    '',
    `\`seedDemoCity\` at scale ${result.scale} into PostgreSQL 15 (what \`npm run seed -- --scale ${result.scale}\` runs), machine ${pct(result.load)} busy meanwhile.`,
    '',
    '| rows | residents | households | grids | seconds | rows/s | residents/s |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${int(result.rows)} | ${int(c.residents ?? 0)} | ${int(c.households ?? 0)} | ${int(c.grids ?? 0)} | ${result.seconds.toFixed(1)} | ${int(result.rows / result.seconds)} | ${int((c.residents ?? 0) / result.seconds)} |`,
  ]);
}

function httpSection(results: HttpResult[], options: Options, scale: number, load: number | null): [string, string] {
  const med = (rs: WrkResult[], key: 'perSecond' | 'p50' | 'p99') => median(rs.map((r) => r[key]));
  const rows = results.map(({ workload, rounds }) => {
    const ours = med(rounds.ours, 'perSecond');
    const pg5 = med(rounds.postgraphile, 'perSecond');
    const raw = med(rounds.raw, 'perSecond');
    const cell = (s: Server) => `${rate(med(rounds[s], 'perSecond'))} (${ms(med(rounds[s], 'p50'))} / ${ms(med(rounds[s], 'p99'))})`;
    const ratio = (other: number) => (ours > 0 && other > 0 ? (ours / other).toFixed(2) : '–');
    return `| ${workload.name} | ${cell('ours')} | ${cell('postgraphile')} | ${cell('raw')} | ${ratio(pg5)} | ${ratio(raw)} |`;
  });
  const errors = results.flatMap(({ workload, rounds }) => SERVERS.flatMap((s) => rounds[s].filter((r) => r.errors > 0).map((r) => `${workload.name} ${s}: ${r.errors} errors`)));
  const busy = results.flatMap(({ rounds }) => SERVERS.flatMap((s) => rounds[s].map((r) => r.machineBusy ?? 0)));
  return section('http', [
    '## HTTP: our API, PostGraphile 5 and raw SQL',
    '',
    `City at scale ${scale}; wrk, ${options.connections} connections, one thread, ${options.seconds} s per run, ${options.rounds} round${options.rounds > 1 ? 's' : ''} in alternating order after a warm-up; medians of the rounds.`,
    `Each server is one Node process with a pool of 10 connections. Ours as \`npm start\` runs it with the rate limit off (bench:gate measures it) and the depth and cost limits raised to 13 and 63,000 for the nested request (production: 10 and 10,000); PostGraphile without authentication; the raw baseline is one SQL statement per request from a bare node:http handler (postgres.js), PostgreSQL's JSON text passed through.`,
    `Before timing, the three answers to each request were brought to one canonical shape (business fields, connections as arrays) and their SHA-256 compared: all equal; after timing, each server's answer was checked again.`,
    `Machine ${pct(load)} busy just before the timing (other work than this benchmark); ${pct(Math.min(...busy))}–${pct(Math.max(...busy))} busy during the runs (everything included).`,
    '',
    '| request | ours req/s (p50 / p99 ms) | PostGraphile 5 | raw SQL | ours / PostGraphile | ours / raw |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...results.map(({ workload, bytes, hash }) => `- ${workload.name}: ${workload.title}; canonical answer ${int(bytes)} bytes, SHA-256 ${hash.slice(0, 12)}…${workload.connections ? `; ${workload.connections} connections (requests take seconds)` : ''}.`),
    ...(errors.length ? ['', `wrk errors: ${errors.join('; ')}.`] : []),
    '',
    '### SQL statements per request (pg_stat_statements)',
    '',
    '20 requests of each, one after another, each server connected as its own role; transaction control (BEGIN, COMMIT, SET) counted apart; statements a server runs on its own meanwhile (our event polling and webhook deliveries) or once per new connection (the type lookup of postgres.js) not counted.',
    'With them: the time PostgreSQL spent executing the request\'s statements (pg_stat_statements `total_exec_time` / 20) and the round trip of one request alone, both in ms; the difference is mostly the server\'s own (Node) work.',
    '',
    '| request | ours: statements, database ms / request ms | PostGraphile 5 | raw SQL |',
    '| --- | ---: | ---: | ---: |',
    ...results.map(({ workload, statements }) => `| ${workload.name} | ${SERVERS.map((s) => {
      const c = statements[s];
      return `${+c.statements.toFixed(2)}${c.transactionControl ? ` (+${+c.transactionControl.toFixed(2)} transaction control)` : ''}, ${ms(c.databaseMs)} / ${ms(c.requestMs)}`;
    }).join(' | ')} |`),
  ]);
}

function startSection(results: StartResult[], load: number | null): [string, string] {
  const steps = (runs: StartResult['runs']) => {
    const names = [...new Set(runs.flatMap((r) => Object.keys(r.steps)))];
    return names.map((name) => `${name} ${ms(median(runs.map((r) => r.steps[name] ?? 0)))}`).join(', ');
  };
  return section('start', [
    '## Warm start',
    '',
    `\`npm start\` with the data already there (a first start loaded the demo city, untimed), ${results[0]?.runs.length ?? 0} times in a row: from spawning it to its first answered query, each start stopped with SIGTERM before the next; machine ${pct(load)} busy just before. The steps are what the server reports in its ready line (medians): loading the compiled code, opening the database, checking migrations, starting the server.`,
    '',
    '| database | median ms | min ms | max ms | steps (median ms) |',
    '| --- | ---: | ---: | ---: | --- |',
    ...results.map(({ database, runs }) => {
      const times = runs.map((r) => r.firstAnswerMs);
      return `| ${database} | ${ms(median(times))} | ${ms(Math.min(...times))} | ${ms(Math.max(...times))} | ${steps(runs)} |`;
    }),
  ]);
}

function importSection(result: ImportResult): [string, string] {
  return section('import', [
    '## Ledger import throughput',
    '',
    `A generated ledger (scripts/generate-ledger.ts: ${int(result.rows)} residents in ${int(result.households)} new households, ${(result.bytes / 2 ** 20).toFixed(1)} MiB of CSV) sent to POST /import/households of one API process, into the seeded city; check, then write in batches of 5,000 rows.`,
    '',
    '| rows | seconds | rows/s |',
    '| ---: | ---: | ---: |',
    `| ${int(result.rows)} | ${result.seconds.toFixed(1)} | ${int(result.rows / result.seconds)} |`,
  ]);
}

function subscriptionsSection(modes: EventsMode[], failures: string[]): [string, string] {
  return section('subscriptions', [
    '## Subscriptions: graphql-ws subscribers of incidentEvents',
    '',
    '`npm run bench:events` at each count (its own throwaway PostgreSQL 15 and demo city at scale 1): the subscribers connect to the API process(es) in turn, then incident reports are committed over HTTP (10 at a time) and every subscriber must receive every event once and in order. Reports per count are chosen so that each delivers about 200,000 events in all (at least 20 reports). The API processes run with the rate limit off. Latency: receipt on the subscriber − PostgreSQL\'s commit timestamp of the event. Memory: growth of the API processes\' resident set from idle to every subscriber connected and warmed up, per subscriber (no forced GC).',
    '',
    '| subscribers | processes | reports committed | reports/s | deliveries/s | commit → receipt p50 ms | p99 ms | memory per connection | lost / duplicated / out of order |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...modes.map((m) => `| ${int(m.subscribers)} | ${m.processes} | ${m.committed}${m.committed < m.events ? ` of ${m.events}` : ''} | ${rate(m.committedPerSec)} | ${int(m.deliveriesPerSec)} | ${m.commitLatency ? ms(m.commitLatency.p50) : '–'} | ${m.commitLatency ? ms(m.commitLatency.p99) : '–'} | ${perConnection(m)} | ${m.lost} / ${m.duplicated} / ${m.outOfOrder}${m.notReady ? ` (${m.notReady} not ready)` : ''} |`),
    ...modes.flatMap((m) => m.errors.slice(0, 3).map((e) => `- ${int(m.subscribers)} subscribers, ${m.processes} process(es): ${e}`)),
    ...failures.map((f) => `- failed: ${f}`),
    '',
    `Open files: \`ulimit -n\` ${(() => {
      try {
        return execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
      } catch {
        return '?';
      }
    })()} for this process and the API processes (each subscriber is one socket on each side).`,
  ]);
}

// Main ---------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const options = parseOptions();
  runAt = new Date().toISOString().replace(/:\d+\.\d+Z$/, ' UTC').replace('T', ' ');
  const parts: [string, string][] = [];
  // Each part is written as soon as it is measured: a later part's failure loses nothing.
  const done = (part: [string, string]) => {
    parts.push(part);
    writeReport(options.out, [part]);
  };
  let pgVersion = '';
  let pg5Version: string | null = null;
  const needCity = options.only.has('seed') || options.only.has('http') || options.only.has('import');

  if (options.only.has('start')) {
    log('warm starts: npm start on PGlite and on PostgreSQL 15, five times each');
    const pg = await startPostgres();
    try {
      const load = await backgroundLoad();
      done(startSection(await measureStarts(pg), load));
    } finally {
      await pg.stop();
    }
  }

  if (needCity) {
    log('starting PostgreSQL 15 with pg_stat_statements');
    const pg = await startPostgres({ settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top', max_connections: 300 } });
    try {
      const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
      await admin`create database bench`;
      for (const role of Object.values(ROLES)) await admin.unsafe(`create role ${role} login superuser`);
      await admin.end();
      const url = pg.urlOf('bench');
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await sql`create extension pg_stat_statements`;
        [{ version: pgVersion }] = await sql<{ version: string }[]>`select version()`;
        const seeded = await seed(url, options.scale);
        if (options.only.has('seed')) done(seedSection(seeded));

        if (options.only.has('http')) {
          await sql.unsafe(PG5_DASHBOARD_FUNCTION);
          await sql`analyze`;
          // The street with the most incidents, and a household with several residents.
          const [{ street }] = await sql<{ street: number }[]>`select street_id as street from incidents group by street_id order by count(*) desc, street_id limit 1`;
          const [{ household }] = await sql<{ household: number }[]>`select household_id as household from residents group by household_id having count(*) >= 3 order by household_id limit 1`;
          const subjects: Subjects = { streetKey: street, householdKey: household, at: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString() };
          const result = await http(pg, 'bench', subjects, options);
          pg5Version = result.pg5Version;
          done(httpSection(result.results, options, options.scale, result.load));
        }
        if (options.only.has('import')) done(importSection(await importLedger(url, options.importRows)));
      } finally {
        await sql.end();
      }
    } finally {
      await pg.stop();
    }
  }

  let failed = false;
  if (options.only.has('subscriptions')) {
    const { modes, failures, pgVersion: eventsPg } = subscriptions(options);
    pgVersion ||= eventsPg;
    done(subscriptionsSection(modes, failures));
    failed = failures.length > 0 || modes.some((m) => m.lost || m.duplicated || m.outOfOrder);
  }
  parts.unshift(machineSection(pgVersion, options, pg5Version));
  writeReport(options.out, parts.slice(0, 1));
  log(`wrote ${path.relative(ROOT, options.out)}`);
  for (const [, body] of parts) console.log(`${body}\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
