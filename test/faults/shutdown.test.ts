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

/** A graphql-ws client with a live subscription, resolving with the code its socket closes with. */
function liveSubscription(wsUrl: string, token: string): { client: Client; subscribed: Promise<void>; closed: Promise<number> } {
  let onClosed!: (code: number) => void;
  let onSubscribed!: () => void;
  const closed = new Promise<number>((resolve) => { onClosed = resolve; });
  const subscribed = new Promise<void>((resolve) => { onSubscribed = resolve; });
  const client = createClient({
    url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true,
    on: {
      // The subscribe message has gone out once the socket is acknowledged (plus a moment for the server to start the stream).
      connected: () => setTimeout(onSubscribed, 200),
      closed: (event) => onClosed((event as { code: number }).code),
    },
  });
  client.subscribe({ query: EVENT_QUERY, variables: {} }, { next: () => {}, error: () => {}, complete: () => {} });
  return { client, subscribed, closed };
}

/**
 * A POST whose body is still on its way: the server has the request (it counts as in flight)
 * and cannot answer before `finish()` sends the rest.
 */
function requestInFlight(url: string, token: string): { started: Promise<void>; finish: () => void; answer: Promise<{ status: number; body: any }> } {
  const body = JSON.stringify({ query: '{ viewer { role subject } }' });
  const half = Math.floor(body.length / 2);
  const request = http.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
  });
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on('error', reject);
  });
  request.flushHeaders();
  request.write(body.slice(0, half));
  // Headers and half the body have reached the server once a moment has passed on this machine's loopback.
  const started = new Promise<void>((resolve) => setTimeout(resolve, 200));
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

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('close()', () => {
  let t: TestServer;
  afterAll(async () => t?.database.close());

  test('drains HTTP: an in-flight request completes, new connections are refused, WebSockets close with 1001', async () => {
    t = await startTestServer();
    const token = await t.token(Role.CITY_ADMIN);
    const ws = liveSubscription(t.server.wsUrl, token);
    await ws.subscribed;
    const inFlight = requestInFlight(t.server.url, token);
    await inFlight.started;

    const closing = t.server.close();
    expect(await ws.closed).toBe(1001);
    await until('new connections to be refused', () => refused(t.server.port));

    inFlight.finish();
    const answer = await inFlight.answer;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ data: { viewer: { role: 'CITY_ADMIN', subject: 'test-city_admin' } } });
    await closing;
    await ws.client.dispose();
  });
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
        SHUTDOWN_DELAY_MS: '5000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => { output += chunk; });
    child.stderr!.on('data', (chunk) => { output += chunk; });
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    await until('the process to be ready', () => output.includes('gridgov ready'), 60_000);

    const token = await issueToken({ sub: 'test-city_admin', role: Role.CITY_ADMIN }, DEMO_JWT_SECRET);
    const ws = liveSubscription(`ws://127.0.0.1:${port}/graphql`, token);
    await ws.subscribed;
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
    await until('/readyz to answer 503 while the process still serves', async () => {
      const answer = await readyz();
      stopping = answer.body;
      return answer.status === 503;
    });
    expect(stopping).toMatchObject({ ready: false, stopping: true, database: true, migrations: true });
    expect(await ws.closed).toBe(1001);
    await until('new connections to be refused', () => refused(port));
    inFlight.finish();
    expect((await inFlight.answer).body).toMatchObject({ data: { viewer: { role: 'CITY_ADMIN', subject: 'test-city_admin' } } });
    expect(await exited, output).toBe(0);
    await ws.client.dispose();
  }, 90_000);
});
