/**
 * How long a warm `npm start` takes to its first answer: the wait per process of a rolling deploy.
 * The data is already there (a first start loaded the demo city, untimed); each timed start is
 * `npm start` itself, from spawning it to the first answered `{ __typename }`, and is stopped with
 * SIGTERM (a clean shutdown, as a deploy does) before the next. On the embedded PGlite of
 * `npm install && npm start`, and on a PostgreSQL 15 server.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { ROOT, now, sleep } from './harness';
import { freePort, type PostgresServer } from './postgres';

export interface StartRun {
  /** Spawning `npm start` to the first answered query, in ms. */
  firstAnswerMs: number;
  /** The steps the server reports in its ready line (load, database, migrations, server), in ms. */
  steps: Record<string, number>;
}

export interface StartResult {
  database: 'PGlite' | 'PostgreSQL 15';
  runs: StartRun[];
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    await response.text();
    return response.ok;
  } catch {
    return false;
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/** One `npm start` with these settings: to its first answer, then SIGTERM and its exit. */
async function timedStart(env: Record<string, string>): Promise<StartRun> {
  const port = await freePort();
  const started = now();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  let done = false;
  child.once('exit', () => (done = true));
  const url = `http://127.0.0.1:${port}/graphql`;
  // Asking often is what a balancer's health check would not do; it only makes the figure exact.
  while (!(await answers(url))) {
    if (done) throw new Error(`npm start exited before answering:\n${out}`);
    await sleep(10);
  }
  const firstAnswerMs = now() - started;
  // The ready line (with its steps) follows the demo tokens, which may come after the first answer.
  while (!/ready in/.test(out) && !done) await sleep(10);
  // To the whole group: npm does not pass SIGTERM on through its shell, the server takes it itself.
  process.kill(-child.pid!, 'SIGTERM');
  while (groupAlive(child.pid!)) await sleep(20);
  const reported = /ready in \d+ ms \(([^)]*)\)/.exec(out)?.[1] ?? '';
  const steps = Object.fromEntries(reported.split(', ').filter(Boolean).map((part) => {
    const [name, value] = part.split(' ');
    return [name, Number(value)];
  }));
  return { firstAnswerMs, steps };
}

/** A first, untimed start loads the data; then `runs` timed warm starts. */
async function warmStarts(database: StartResult['database'], env: Record<string, string>, runs: number): Promise<StartResult> {
  await timedStart({ ...env, SEED: 'true' });
  const result: StartResult = { database, runs: [] };
  for (let i = 0; i < runs; i += 1) result.runs.push(await timedStart({ ...env, SEED: 'false' }));
  return result;
}

export async function measureStarts(pg: PostgresServer, runs = 5): Promise<StartResult[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-bench-start-'));
  try {
    const embedded = await warmStarts('PGlite', { DATA_DIR: dataDir, DATABASE_URL: '' }, runs);
    const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
    await admin`create database bench_start`;
    await admin.end();
    const server = await warmStarts('PostgreSQL 15', { DATABASE_URL: pg.urlOf('bench_start') }, runs);
    return [embedded, server];
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
