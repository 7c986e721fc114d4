/**
 * What the benchmarks share: timing, the machine's CPU, API processes started as `npm start`
 * runs them (killed when this process exits), and GraphQL over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_JWT_SECRET } from '../../src/config';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const now = () => performance.now();

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

// Measuring ----------------------------------------------------------------------------------

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Busy and total jiffies of the whole machine, from /proc/stat (Linux); null elsewhere. */
export function machineJiffies(): { busy: number; total: number } | null {
  try {
    const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
    const busy = user + nice + system + irq + softirq + (steal || 0);
    return { busy, total: busy + idle + iowait };
  } catch {
    return null;
  }
}

/** Growth of the API processes' resident set per subscriber, in KiB. */
export function perConnection(r: { rssIdle: number | null; rssSubscribed: number | null; subscribers: number }): string {
  return r.rssIdle === null || r.rssSubscribed === null ? '?' : `${((r.rssSubscribed - r.rssIdle) / r.subscribers / 1024).toFixed(1)} KiB`;
}

// API processes ------------------------------------------------------------------------------

export interface ApiProcess {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  /** Output after the ready banner (warnings and errors at LOG_LEVEL=warn). */
  log: string[];
}

export interface SpawnOptions {
  /** Tells apart, in errors, processes started side by side. */
  index?: number;
  /** Extra node flags (e.g. profiling). */
  nodeArgs?: string[];
  /** For a report that shows every process's exit status, a clean exit is logged too. */
  logEveryExit?: boolean;
  /** Settings on top of the environment (e.g. RATE_LIMIT_POINTS_PER_HOUR). */
  env?: Record<string, string>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function spawnApi(databaseUrl: string, { index, nodeArgs = [], logEveryExit = false, env = {} }: SpawnOptions = {}): Promise<ApiProcess> {
  const name = index === undefined ? 'the API process' : `API process ${index}`;
  const child = spawn(process.execPath, [...nodeArgs, 'scripts/start.mjs'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', SEED: 'false', LOG_LEVEL: 'warn', JWT_SECRET: DEMO_JWT_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  return new Promise<ApiProcess>((resolve, reject) => {
    let out = '';
    let ready: ApiProcess | null = null;
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      if (ready) {
        for (const line of String(chunk).split('\n')) if (line.trim()) ready.log.push(line);
        return;
      }
      out += chunk;
      const match = /GraphQL \(HTTP and WebSocket\): (http:\/\/localhost:\d+\/graphql)/.exec(out);
      if (match) {
        clearTimeout(timer);
        ready = { child, url: match[1], wsUrl: match[1].replace(/^http/, 'ws'), log: [] };
        resolve(ready);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${name} exited with ${code ?? signal}:\n${out}`));
      else if (logEveryExit || code !== 0) ready.log.push(`(process exited with ${code ?? signal})`);
    });
  });
}

export async function stopApi(api: ApiProcess): Promise<void> {
  if (api.child.exitCode !== null || api.child.signalCode !== null) return;
  const exited = new Promise((resolve) => api.child.once('exit', resolve));
  api.child.kill('SIGTERM');
  if ((await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])) === false) {
    api.log.push('(did not exit within 10 s of SIGTERM; killed)');
    api.child.kill('SIGKILL');
    await exited;
  }
}

// HTTP ---------------------------------------------------------------------------------------

/** One GraphQL request over HTTP; throws on a transport or GraphQL error, answers the data. */
export async function gql<T>(url: string, token: string | null, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  }
  if (!response.ok || body.errors?.length || !body.data) {
    throw new Error(`HTTP ${response.status}: ${body.errors?.map((e) => `${e.extensions?.code ?? ''} ${e.message}`).join('; ') ?? text.slice(0, 300)}`);
  }
  return body.data;
}
