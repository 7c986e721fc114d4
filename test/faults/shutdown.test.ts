import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, describe, expect, test } from 'vitest';
import { Role } from '../../src/auth/roles';
import { issueToken } from '../../src/auth/viewer';
import { DEMO_JWT_SECRET } from '../../src/config';
import { EVENT_QUERY } from '../helpers/incidents';
import { startTestServer, type TestServer } from '../helpers/server';
import { whenSubscribed } from '../helpers/subscriptions';

/** A graphql-ws client with a subscription, resolving with the code its socket closes with; `started` is up to the caller to see on the server. */
function liveSubscription(wsUrl: string, token: string): { client: Client; closed: Promise<number> } {
  let onClosed!: (code: number) => void;
  const closed = new Promise<number>((resolve) => { onClosed = resolve; });
  const client = createClient({
    url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true,
    on: { closed: (event) => onClosed((event as { code: number }).code) },
  });
  client.subscribe({ query: EVENT_QUERY, variables: {} }, { next: () => {}, error: () => {}, complete: () => {} });
  return { client, closed };
}

/** Asks again until yes: the server's state has no event of its own to wait on; the test's timeout bounds the wait. */
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The `gridgov_graphql_subscriptions_active` of a server process (the child has no other server). */
async function subscriptionsActive(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^gridgov_graphql_subscriptions_active (\d+)$/m.exec(text)?.[1] ?? 0);
}

/**
 * A POST whose body is still on its way: the server has the request (it counts as in flight)
 * and cannot answer before `finish()` sends the rest. `started` resolves on the server's
 * `100 Continue`, which it sends once it has read the headers and begun the request.
 */
function requestInFlight(url: string, token: string): { started: Promise<void>; finish: () => void; answer: Promise<{ status: number; body: any }> } {
  const body = JSON.stringify({ query: '{ viewer { role subject } }' });
  const half = Math.floor(body.length / 2);
  const request = http.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}`, expect: '100-continue' },
  });
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on('error', reject);
  });
  const started = new Promise<void>((resolve) => request.once('continue', () => {
    request.write(body.slice(0, half));
    resolve();
  }));
  request.flushHeaders();
  return { started, finish: () => request.end(body.slice(half)), answer };
}

/** Whether a new TCP connection to the port is refused (the server stopped listening). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(true));
  });
}

describe('close()', () => {
  let t: TestServer;
  afterAll(async () => t?.database.close());

  test('drains HTTP: an in-flight request completes, new connections are refused, WebSockets close with 1001', async () => {
    t = await startTestServer();
    const token = await t.token(Role.CITY_ADMIN);
    const ws = await whenSubscribed(t.server.events, 1, () => liveSubscription(t.server.wsUrl, token));
    const inFlight = requestInFlight(t.server.url, token);
    await inFlight.started;

    const closing = t.server.close();
    expect(await ws.closed).toBe(1001);
    await until(() => refused(t.server.port));

    inFlight.finish();
    const answer = await inFlight.answer;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ data: { viewer: { role: 'CITY_ADMIN', subject: 'test-city_admin' } } });
    await closing;
    await ws.client.dispose();
  }, 120_000);
});

describe('SIGTERM to the process', () => {
  let child: ChildProcess | undefined;
  let dataDir: string | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('answers /readyz with 503 for SHUTDOWN_DELAY_MS, then drains as close() does and exits with 0', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-shutdown-'));
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    // As `npm start` runs it (the compiled bundle), on an empty embedded database: seeding would take long.
    child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, NODE_ENV: 'test', SEED: 'false', DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '', JWT_SECRET: '', JWKS_URL: '',
        // Long enough for this test to see the 503 even on a loaded machine.
        SHUTDOWN_DELAY_MS: '15000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    // Ready when it says so, failed when it exits first; starting takes long on a busy machine, the test's timeout bounds it.
    const ready = new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (chunk) => {
        output += chunk;
        if (output.includes('gridgov ready')) resolve();
      });
      void exited.then((code) => reject(new Error(`the process exited with ${code} before it was ready: ${output}`)));
    });
    child.stderr!.on('data', (chunk) => { output += chunk; });
    await ready;

    const token = await issueToken({ sub: 'test-city_admin', role: Role.CITY_ADMIN }, DEMO_JWT_SECRET);
    const ws = liveSubscription(`ws://127.0.0.1:${port}/graphql`, token);
    await until(async () => (await subscriptionsActive(port)) === 1);
    const inFlight = requestInFlight(`http://127.0.0.1:${port}/graphql`, token);
    await inFlight.started;

    const readyz = async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        return { status: response.status, body: await response.json() };
      } catch {
        return { status: 0, body: null };
      }
    };
    expect((await readyz()).status).toBe(200);
    child.kill('SIGTERM');
    let stopping: unknown;
    await until(async () => {
      const answer = await readyz();
      stopping = answer.body;
      return answer.status === 503;
    });
    expect(stopping).toMatchObject({ ready: false, stopping: true, database: true, migrations: true });
    expect(await ws.closed).toBe(1001);
    await until(() => refused(port));
    inFlight.finish();
    expect((await inFlight.answer).body).toMatchObject({ data: { viewer: { role: 'CITY_ADMIN', subject: 'test-city_admin' } } });
    expect(await exited, output).toBe(0);
    await ws.client.dispose();
  }, 300_000);
});
