import { and, eq, gt, lt, max, sql } from 'drizzle-orm';
import { rowsOf, type Queryable, type Tx } from '../db/client';
import { inTransaction } from '../db/transaction';
import { outbox, outboxHorizon, type EventScope } from './outbox.tables';

/** Advisory lock key that serialises outbox appends (see ARCHITECTURE.md, events, rule 5). */
const OUTBOX_LOCK = 7_310_001;
export const OUTBOX_CHANNEL = 'outbox';

export interface NewEvent {
  topic: string;
  scope: EventScope;
  payload: Record<string, unknown>;
}

export type OutboxRow = typeof outbox.$inferSelect;

/**
 * The one place events are written: in the caller's transaction, as its last write. The
 * transaction-scoped lock makes ids follow commit order, so a reader that has seen id N
 * never later meets a smaller id; NOTIFY is delivered at commit and carries only the id.
 * Lock, insert and notify are one statement: the lock is taken before the id is drawn, and
 * held for just one more round trip, the commit.
 */
export async function appendEvent(tx: Tx, event: NewEvent): Promise<OutboxRow> {
  const [row] = await rowsOf<{ id: string | number; created_at: Date | string }>(tx, sql`
    with appended as (
      insert into ${outbox} (topic, scope, payload)
      select ${event.topic}, ${JSON.stringify(event.scope)}::jsonb, ${JSON.stringify(event.payload)}::jsonb
      from (select pg_advisory_xact_lock(${OUTBOX_LOCK})) as serialised
      returning id, created_at
    )
    select id, created_at, pg_notify(${OUTBOX_CHANNEL}, id::text) from appended`);
  return { id: Number(row.id), topic: event.topic, scope: event.scope, payload: event.payload, createdAt: new Date(row.created_at) };
}

export async function latestEventId(db: Queryable): Promise<number> {
  const [{ last }] = await db.select({ last: max(outbox.id) }).from(outbox);
  return last ?? 0;
}

export async function readEventsAfter(db: Queryable, after: number, limit: number, topic?: string): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(and(gt(outbox.id, after), topic ? eq(outbox.topic, topic) : undefined))
    .orderBy(outbox.id)
    .limit(limit);
}

export async function prunedThrough(db: Queryable): Promise<number> {
  const [row] = await db.select().from(outboxHorizon).where(eq(outboxHorizon.id, 1));
  return row?.prunedThrough ?? 0;
}

/** Deletes events older than the retention and records how far it went. */
export async function pruneOutbox(db: Queryable, retentionMs: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionMs);
  return inTransaction(db, async (tx) => {
    const deleted = await tx.delete(outbox).where(lt(outbox.createdAt, cutoff)).returning({ id: outbox.id });
    if (deleted.length === 0) return 0;
    const through = deleted.reduce((highest, d) => Math.max(highest, d.id), 0);
    await tx
      .insert(outboxHorizon)
      .values({ id: 1, prunedThrough: through })
      .onConflictDoUpdate({ target: outboxHorizon.id, set: { prunedThrough: sql`greatest(${outboxHorizon.prunedThrough}, ${through})` } });
    return deleted.length;
  });
}
