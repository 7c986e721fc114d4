import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client';
import { openTestDatabase, onServer } from '../helpers/database';

/**
 * The connection settings the API opens its server database with (src/index.ts), with a short
 * limit. Behind a transaction pooler no session setting reaches the server: the limit is then the
 * database's own (README, Production), set here as an operator would.
 */
describe.runIf(onServer())('a statement that runs past STATEMENT_TIMEOUT_MS', () => {
  let base: Database;
  let timed: Database;

  beforeAll(async () => {
    base = await openTestDatabase();
    if (base.listenUrl) {
      const server = postgres(base.listenUrl, { max: 1, onnotice: () => {} });
      await server.unsafe(`alter database ${new URL(base.listenUrl).pathname.slice(1)} set statement_timeout = 200`);
      await server.end();
      timed = await openDatabase({ url: base.url, listenUrl: base.listenUrl, poolSize: 1 });
    } else {
      timed = await openDatabase({ url: base.url, poolSize: 1, statementTimeoutMs: 200 });
    }
  });
  afterAll(async () => {
    await timed?.close();
    await base?.close();
  });

  test('is cancelled by PostgreSQL with 57014, and the connection serves the next statement', async () => {
    const cancelled = await timed.db.execute(sql`select pg_sleep(2)`).then(() => null, (error: unknown) => error);
    expect((cancelled as { cause?: { code?: string } }).cause?.code).toBe('57014');
    const [{ ok }] = (await timed.db.execute(sql`select 1 as ok`)) as unknown as { ok: number }[];
    expect(ok).toBe(1);
  });
});
