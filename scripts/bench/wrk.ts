/**
 * wrk (Debian's package) as the load generator: a C client costs the shared cores far less
 * than a Node one. Each run POSTs one JSON body over `connections` keep-alive connections and
 * prints, from a Lua `done()`, its counts and latency percentiles as one JSON line.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log, machineJiffies } from './harness';

export interface WrkResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Connect, read, write and timeout errors, and answers with a status other than 2xx/3xx. */
  errors: number;
  /** Share of the machine's CPU busy during the run (everything: servers, PostgreSQL, wrk, others). */
  machineBusy: number | null;
}

/** The wrk binary; installed from Debian's packages when missing and this process may. */
export function ensureWrk(): string {
  const found = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => fs.existsSync(p));
  if (found) return found;
  if (process.getuid?.() === 0) {
    log('wrk is missing: apt-get install -y wrk');
    execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit' });
    if (fs.existsSync('/usr/bin/wrk')) return '/usr/bin/wrk';
  }
  throw new Error('The HTTP benchmark needs wrk: install it with `apt-get install -y wrk` (Debian and Ubuntu).');
}

const luaString = (text: string) => `[==[${text}]==]`;

function script(body: string, headers: Record<string, string>): string {
  return [
    'wrk.method = "POST"',
    `wrk.body = ${luaString(body)}`,
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`),
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'WRKJSON {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p99_us":%d}\\n\',',
    '    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,',
    '    latency:percentile(50), latency:percentile(99)))',
    'end',
  ].join('\n');
}

export async function runWrk(wrk: string, url: string, body: unknown, headers: Record<string, string>, seconds: number, connections: number): Promise<WrkResult> {
  const file = path.join(os.tmpdir(), `gridgov-wrk-${process.pid}-${Date.now()}.lua`);
  fs.writeFileSync(file, script(JSON.stringify(body), { 'Content-Type': 'application/json', ...headers }));
  const before = machineJiffies();
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(wrk, ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', file, url], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c) => { out += c; });
      child.stderr.on('data', (c) => { out += c; });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}:\n${out}`))));
    });
    const after = machineJiffies();
    const line = /WRKJSON (\{.*\})/.exec(output);
    if (!line) throw new Error(`wrk printed no result:\n${output}`);
    const r = JSON.parse(line[1]) as { requests: number; duration_us: number; errors: number; p50_us: number; p99_us: number };
    const elapsed = r.duration_us / 1e6;
    return {
      requests: r.requests,
      seconds: elapsed,
      perSecond: r.requests / elapsed,
      p50: r.p50_us / 1000,
      p99: r.p99_us / 1000,
      errors: r.errors,
      machineBusy: before && after ? (after.busy - before.busy) / (after.total - before.total) : null,
    };
  } finally {
    fs.rmSync(file, { force: true });
  }
}
