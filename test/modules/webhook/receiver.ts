import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Whether this request was answered 2xx. */
  accepted: boolean;
}

/**
 * A local integrator that fails on purpose, by path:
 * `/ok` (and `/ok?anything`) answers 200; `/fail` 500; `/flaky/<n>` 500 to the first n requests of each delivery
 * id, then 200; `/hang` never answers; `/slow` answers 200 after 50 ms.
 */
export class Receiver {
  readonly requests: Received[] = [];
  private readonly server: http.Server;
  private readonly seen = new Map<string, number>();
  private readonly hanging = new Set<http.ServerResponse>();

  private constructor() {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => { body += chunk; });
      req.on('end', () => this.answer(req, res, body));
    });
  }

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  on(path: string): Received[] {
    return this.requests.filter((r) => r.path === path);
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const path = req.url ?? '';
    const delivery = String(req.headers['x-gridgov-delivery']);
    const count = (this.seen.get(`${path}|${delivery}`) ?? 0) + 1;
    this.seen.set(`${path}|${delivery}`, count);
    const record = (accepted: boolean) => this.requests.push({ path, headers: req.headers, body, accepted });
    const flaky = /^\/flaky\/(\d+)$/.exec(path);
    if (path.startsWith('/hang')) {
      record(false);
      this.hanging.add(res);
      return;
    }
    if (path.startsWith('/slow')) {
      setTimeout(() => { record(true); res.end('ok'); }, 50);
      return;
    }
    const ok = path.startsWith('/ok') || (flaky !== null && count > Number(flaky[1]));
    record(ok);
    res.statusCode = ok ? 200 : 500;
    res.end(ok ? 'ok' : 'receiver failed on purpose');
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A URL on which nothing listens: a port just opened and closed again. */
export async function refusingUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/gone`;
}

/** What README tells integrators to do: HMAC-SHA256 of "<timestamp>.<body>", compared in constant time. */
export function signatureValid(secret: string, received: Received): boolean {
  const timestamp = String(received.headers['x-gridgov-timestamp']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${received.body}`).digest('hex')}`;
  const given = String(received.headers['x-gridgov-signature']);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** Waits for a condition, polling; fails after a generous timeout (the machine is shared). */
type Falsy = false | null | undefined | 0 | '';

export async function until<T>(check: () => T | Falsy | Promise<T | Falsy>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
