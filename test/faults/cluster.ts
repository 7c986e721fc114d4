import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The folder of the newest PostgreSQL 15+ server binaries Debian installed, or null. */
export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).filter((v) => /^\d+$/.test(v) && Number(v) >= 15).sort((a, b) => Number(b) - Number(a));
  const found = versions.map((v) => path.join(root, v, 'bin')).find((bin) => fs.existsSync(path.join(bin, 'pg_ctl')) && fs.existsSync(path.join(bin, 'initdb')));
  return found ?? null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway PostgreSQL cluster of one test file, which it may stop and start at will (the
 * shared test server serves other files in parallel and must not be touched). Started as .ci/run
 * does: `postgres` runs the server when the tests run as root.
 */
export class ThrowawayCluster {
  private constructor(private readonly bin: string, private readonly dir: string, readonly port: number, private readonly asPostgres: boolean) {}

  static async start(bin: string): Promise<ThrowawayCluster> {
    const asPostgres = process.getuid?.() === 0;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-restart-'));
    if (asPostgres) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: group } = await run('id', ['-g', 'postgres']);
      fs.chownSync(dir, Number(stdout.trim()), Number(group.trim()));
    }
    const cluster = new ThrowawayCluster(bin, dir, await freePort(), asPostgres);
    try {
      await cluster.pg('initdb', ['-D', cluster.data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
      await cluster.startServer();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get data(): string {
    return path.join(this.dir, 'data');
  }

  private pg(tool: string, args: string[]) {
    const command = path.join(this.bin, tool);
    return this.asPostgres ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
  }

  async startServer(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
    await this.pg('pg_ctl', ['-D', this.data, '-l', path.join(this.dir, 'server.log'), '-w', '-o', options, 'start']);
  }

  /** `fast` ends sessions cleanly (57P01 to each); `immediate` drops them as a crash would. */
  async stopServer(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.data, '-m', mode, '-w', 'stop']);
  }

  /** Stops the server if it runs and deletes every file of the cluster. */
  async destroy(): Promise<void> {
    if (fs.existsSync(path.join(this.data, 'postmaster.pid'))) await this.stopServer('immediate').catch(() => {});
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
