import type { Database } from '../db/client';
import type { Listening } from '../db/listener';
import { FoldedPasses } from './folded-passes';
import { latestEventId, OUTBOX_CHANNEL, readEventsAfter, type OutboxRow } from './outbox';

type Listener = (row: OutboxRow) => void;

const BATCH = 500;

/**
 * One per process: LISTENs for outbox ids, reads the new rows in id order and hands each
 * to every live subscription of this process. Any process may have written them.
 */
export class EventHub {
  private lastId = 0;
  private readonly listeners = new Set<Listener>();
  private readonly drains = new FoldedPasses(() => this.readNew(), 'reading the outbox failed; the next notification or poll retries');
  private listen: Listening | null = null;
  private poll: NodeJS.Timeout | null = null;
  private stopped = false;
  private connected = false;

  constructor(private readonly database: Database, private readonly pollMs = 5_000) {}

  /** The id of the newest event this hub has handed on. */
  get position(): number {
    return this.lastId;
  }

  /** Whether the LISTEN connection is up; while it is down, events wait for it (or the poll). */
  get listening(): boolean {
    return this.connected && !this.stopped;
  }

  /** Whether LISTEN is up, trying it again at once when it is down rather than waiting for its next retry. */
  async relisten(): Promise<boolean> {
    if (!this.listening) await this.listen?.retryNow();
    return this.listening;
  }

  async start(): Promise<void> {
    this.lastId = await latestEventId(this.database.housekeeping);
    // On every (re)connect of the listening connection, re-read from the last id seen.
    this.listen = await this.database.listen(
      OUTBOX_CHANNEL,
      () => void this.drain(),
      () => {
        this.connected = true;
        void this.drain();
      },
      () => {
        this.connected = false;
      },
    );
    // A safety net for a notification lost in transit; reads nothing when nothing is new.
    this.poll = setInterval(() => void this.drain(), this.pollMs);
    this.poll.unref();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriptions(): number {
    return this.listeners.size;
  }

  /** Reads and hands on everything after the last id; concurrent calls fold into one more pass. */
  drain(): Promise<void> {
    return this.drains.run();
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const rows = await readEventsAfter(this.database.housekeeping, this.lastId, BATCH);
      for (const row of rows) {
        this.lastId = row.id;
        for (const listener of this.listeners) listener(row);
      }
      if (rows.length < BATCH) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    await this.drains.stop();
    await this.listen?.stop().catch(() => {});
    this.listeners.clear();
  }
}
