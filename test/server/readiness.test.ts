import { sql } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MIGRATIONS_FOLDER, rowsOf } from '../../src/db/client';
import { Role, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
let root: string;
const journal = (JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] }).entries;

async function probe(route: '/readyz' | '/healthz'): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(route, root));
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  t = await startTestServer();
  root = new URL('/', t.server.url).toString();
});
afterAll(async () => t?.close());

describe('/readyz', () => {
  test('ready on a migrated database with LISTEN up', async () => {
    expect(await probe('/readyz')).toEqual({
      status: 200,
      body: { status: 'ready', ready: true, database: true, migrations: true, missingMigrations: [], events: true, stopping: false },
    });
  });

  test('503 naming the migration the database lacks, while /healthz stays 200; ready again once it is applied', async () => {
    const last = journal.at(-1)!.tag;
    const [removed] = await rowsOf<{ id: number; hash: string; created_at: string }>(t.database.housekeeping, sql`
      delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)
      returning id, hash, created_at::text`);
    try {
      const missing = await probe('/readyz');
      expect(missing.status).toBe(503);
      expect(missing.body).toMatchObject({ status: 'unavailable', ready: false, database: true, migrations: false, missingMigrations: [last], events: true });
      expect(await probe('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    } finally {
      await t.database.housekeeping.execute(sql`
        insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${removed.id}, ${removed.hash}, ${removed.created_at}::bigint)`);
    }
    expect((await probe('/readyz')).status).toBe(200);
  });

  test('a database without drizzle\'s table lacks every migration', async () => {
    await t.database.housekeeping.execute(sql`alter table drizzle.__drizzle_migrations rename to __drizzle_migrations_hidden`);
    try {
      const missing = await probe('/readyz');
      expect(missing.status).toBe(503);
      expect(missing.body).toMatchObject({ database: true, migrations: false, missingMigrations: journal.map((entry) => entry.tag) });
    } finally {
      await t.database.housekeeping.execute(sql`alter table drizzle.__drizzle_migrations_hidden rename to __drizzle_migrations`);
    }
    expect((await probe('/readyz')).status).toBe(200);
  });
});

describe('shutdown', () => {
  test('beginShutdown: /readyz answers 503 while GraphQL still serves, until close() drains', async () => {
    const token = await t.token(Role.CITY_ADMIN);
    t.server.beginShutdown();
    const stopping = await probe('/readyz');
    expect(stopping.status).toBe(503);
    expect(stopping.body).toMatchObject({ ready: false, stopping: true, database: true, migrations: true, events: true });
    expect(await t.gql('{ viewer { role } }', {}, token)).toEqual({ data: { viewer: { role: 'CITY_ADMIN' } } });
    expect((await probe('/healthz')).status).toBe(200);
  });
});

describe('keep-alive', () => {
  // A balancer closes its idle upstream sockets after its own timeout (60 s for most): the server
  // must keep them longer, or it closes one the balancer is just reusing (ECONNRESET).
  test('idle connections are kept for HTTP_KEEP_ALIVE_TIMEOUT_MS (65 s), and the server says so', async () => {
    expect(t.config.httpKeepAliveTimeoutMs).toBe(65_000);
    const response = await fetch(new URL('/healthz', root));
    await response.arrayBuffer();
    expect(response.headers.get('keep-alive')).toBe('timeout=65');
  });
});
