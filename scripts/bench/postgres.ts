/**
 * A throwaway PostgreSQL server for benchmarks: a fresh cluster in a temp folder, trust
 * auth, listening on 127.0.0.1 only, deleted on stop() (and on SIGINT, SIGTERM or exit).
 * Done as .ci/run does it: the binaries of /usr/lib/postgresql/<15..>/bin (or $PGBIN), run
 * as the `postgres` user through runuser when this process is root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PostgresOptions {
  /** Extra server settings (`-c name=value`), on top of fsync=off and max_connections=300. */
  settings?: Record<string, string | number>;
}

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** The folder of the cluster, its socket and its log (server.log). */
  dir: string;
  /** The URL of another database on this server. */
  urlOf(database: string): string;
  stop(): Promise<void>;
}

function findBin(): string {
  const candidates = process.env.PGBIN ? [process.env.PGBIN] : [];
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs.readdirSync(root).filter((v) => /^\d+$/.test(v) && Number(v) >= 15).sort((a, b) => Number(a) - Number(b));
    candidates.push(...versions.map((v) => path.join(root, v, 'bin')));
  }
  const found = candidates.find((bin) => fs.existsSync(path.join(bin, 'initdb')));
  if (!found) throw new Error('No PostgreSQL 15+ binaries: install them (apt-get install postgresql) or set PGBIN.');
  return found;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the `postgres` user (through runuser when root). */
function runPg(bin: string, tool: string, args: string[], timeoutMs = 60_000): { status: number | null; output: string } {
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: timeoutMs });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const bin = findBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
  }

  let running = false;
  let removed = false;
  const stopNow = () => {
    if (removed) return;
    removed = true;
    if (running) runPg(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], 30_000);
    running = false;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stopNow();
    // Whoever else listens for the signal decides when to exit; alone, exit as the signal would.
    if (process.listenerCount(signal) === 0) process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const onExit = () => stopNow();
  const detach = () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const init = runPg(bin, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8'], 120_000);
    if (init.status !== 0) throw new Error(`initdb failed:\n${init.output}`);
    const settings: Record<string, string | number> = { listen_addresses: '127.0.0.1', fsync: 'off', max_connections: 300, ...options.settings };
    let port = 0;
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      const serverArgs = [`-p ${port}`, `-k ${dir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
      const start = runPg(bin, 'pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', serverArgs, 'start'], 90_000);
      if (start.status === 0) break;
      const serverLog = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
      // Someone may have taken the port between the probe and the start: try another.
      if (attempt >= 3 || !/could not bind|Address already in use/i.test(serverLog)) {
        throw new Error(`PostgreSQL did not start:\n${start.output}\n${serverLog}`);
      }
    }
    running = true;
    const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    return {
      url: urlOf('postgres'),
      port,
      dir,
      urlOf,
      async stop() {
        detach();
        stopNow();
      },
    };
  } catch (error) {
    detach();
    stopNow();
    throw error;
  }
}
