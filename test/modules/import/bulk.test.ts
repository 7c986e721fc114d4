import { count, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateLedger } from '../../../scripts/generate-ledger';
import { households, residents } from '../../../src/modules/grid/grid.tables';
import { onServer } from '../../helpers/database';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

const ROWS = 100_000;

describe.runIf(onServer())('a 100,000-row ledger on a PostgreSQL server', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.close();
  });

  test('imports in bulk: a few dozen statements, all rows written', async () => {
    const ledger = await generateLedger(t.database.db, ROWS);
    const before = await t.database.db.select({ n: count() }).from(residents);
    const statements = t.database.statements.count;
    const started = performance.now();
    const response = await fetch(new URL('/import/households?dryRun=false', t.server.url), {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'x-file-name': 'ledger-100k.csv', authorization: `Bearer ${await t.token(Role.CITY_ADMIN)}` },
      body: ledger,
    });
    const report = await response.json() as { outcome: string; rows: number; householdsCreated: number; residentsCreated: number; problems: unknown[] };
    const seconds = (performance.now() - started) / 1000;
    const used = t.database.statements.count - statements;
    console.log(`100,000-row ledger imported on PostgreSQL in ${seconds.toFixed(1)} s with ${used} SQL statements`);

    expect(response.status).toBe(200);
    expect(report).toMatchObject({ outcome: 'IMPORTED', rows: ROWS, residentsCreated: ROWS, problems: [] });
    // 5,000 rows per INSERT: 20 for residents, 8 for 40,000 households, a handful of lookups.
    expect(used).toBeLessThanOrEqual(40);
    const [after] = await t.database.db.select({ n: count() }).from(residents);
    expect(after.n).toBe(before[0].n + ROWS);
    const [created] = await t.database.db.select({ n: count() }).from(households).where(like(households.room, '9单元%'));
    expect(created.n).toBe(report.householdsCreated);
  }, 600_000);
});
