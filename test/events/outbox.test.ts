import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Database } from '../../src/db/client';
import { EventHub } from '../../src/events/hub';
import { appendEvent, pruneOutbox } from '../../src/events/outbox';
import { outbox } from '../../src/events/outbox.tables';
import { EventStream } from '../../src/events/stream';
import { openTestDatabase, onServer } from '../helpers/database';

let database: Database;
let hub: EventHub;

beforeAll(async () => {
  database = await openTestDatabase();
  hub = new EventHub(database, 60_000);
  await hub.start();
});
afterAll(async () => {
  await hub?.stop();
  await database?.close();
});

const scope = { districtId: 1, streetId: 1, communityId: 1, gridId: 1, gridCode: 'x' };

/** The ids of the next `n` events; no deadline of its own, which a busy machine could outrun: the test's timeout bounds it. */
async function take(stream: EventStream, n: number): Promise<number[]> {
  const ids: number[] = [];
  while (ids.length < n) {
    const next = await stream.next();
    if (next.done) break;
    ids.push(next.value.id);
  }
  return ids;
}

test('many concurrent writers, one reader: every event arrives once, in id order, none skipped', async () => {
  const stream = await EventStream.open(database.db, hub, { topic: 'load', after: null, match: () => true });
  const writers = 20;
  const perWriter = onServer() ? 15 : 5;
  const written: number[] = [];
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; i < perWriter; i += 1) {
      await database.db.transaction(async (tx) => {
        const row = await appendEvent(tx, { topic: 'load', scope, payload: { w, i } });
        written.push(row.id);
        // Hold the transaction open a little after the append: without the commit-order lock,
        // a later id could commit first and a reader that moved past it would skip this one.
        await tx.execute(sql`select pg_sleep(${(w % 5) * 0.002})`);
      });
    }
  }));
  const received = await take(stream, writers * perWriter);
  await stream.return();
  expect(received).toEqual([...written].sort((a, b) => a - b));
  expect(new Set(received).size).toBe(writers * perWriter);
});

test('resuming after a cursor replays the missed events of the topic, then goes live without a seam', async () => {
  const append = (topic: string, n: number) => database.db.transaction((tx) => appendEvent(tx, { topic, scope, payload: { n } }));
  const first = await append('seam', 1);
  const missed = [await append('seam', 2), await append('other', 3), await append('seam', 4)];
  const stream = await EventStream.open(database.db, hub, { topic: 'seam', after: first.id, match: () => true });
  const live = append('seam', 5);
  const ids = await take(stream, 3);
  expect(ids).toEqual([missed[0].id, missed[2].id, (await live).id]);
  await stream.return();
});

test('a cursor older than the retention is refused with CURSOR_EXPIRED', async () => {
  const old = await database.db.transaction((tx) => appendEvent(tx, { topic: 'old', scope, payload: {} }));
  await database.db.execute(sql`update ${outbox} set created_at = now() - interval '8 days' where id <= ${old.id}`);
  expect(await pruneOutbox(database.db, 7 * 24 * 3600 * 1000)).toBeGreaterThan(0);
  await expect(EventStream.open(database.db, hub, { topic: 'old', after: old.id - 1, match: () => true })).rejects.toMatchObject({
    extensions: { code: 'CURSOR_EXPIRED' },
  });
  const fresh = await EventStream.open(database.db, hub, { topic: 'old', after: old.id, match: () => true });
  await fresh.return();
});
