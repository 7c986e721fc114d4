import { GraphQLError } from 'graphql';
import type { Queryable } from '../db/client';
import { fromGlobalId, toGlobalId } from '../graphql/ids';
import type { EventHub } from './hub';
import { prunedThrough, readEventsAfter, type OutboxRow } from './outbox';

/** A subscriber that falls this far behind is cut off and told to resume with its cursor. */
const MAX_BUFFERED = 10_000;
const REPLAY_PAGE = 200;

export function eventCursor(id: number): string {
  return toGlobalId('Event', id);
}

/** The cursor and time every event a subscriber receives carries. */
export interface EventEnvelope {
  cursor: string;
  occurredAt: Date;
}

/**
 * Turns `build` into the function a subscription maps its outbox rows with. The hub hands the
 * same row object to every subscription of the process, so each event is built once per
 * row, not once per subscriber.
 */
export function eventOfRow<E extends object>(build: (row: OutboxRow) => E): (row: OutboxRow) => E & EventEnvelope {
  const built = new WeakMap<OutboxRow, E & EventEnvelope>();
  return (row) => {
    let event = built.get(row);
    if (!event) {
      event = {
        cursor: eventCursor(row.id),
        occurredAt: row.createdAt instanceof Date ? row.createdAt : new Date(row.createdAt),
        ...build(row),
      };
      built.set(row, event);
    }
    return event;
  };
}

export function eventIdOfCursor(cursor: string): number {
  const decoded = fromGlobalId(cursor, 'Event');
  if (!decoded) throw new GraphQLError('`after` is not an event cursor of this API.', { extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' } });
  return decoded.key;
}

export interface StreamOptions {
  topic: string;
  /** Resume after this event id (exclusive): replay what was missed, then go live. */
  after: number | null;
  /** Filter and viewer scope: only matching events are delivered. */
  match: (row: OutboxRow) => boolean;
}

/**
 * Ordered events of one subscription: the replay from the outbox after `after`, then the
 * live ones, with no gap and no duplicate at the seam. The live listener is registered
 * before the replay reads, and every event goes through one gate that passes only ids
 * above the last one delivered.
 */
export class EventStream implements AsyncIterableIterator<OutboxRow> {
  private readonly buffer: OutboxRow[] = [];
  private readonly heldWhileReplaying: OutboxRow[] = [];
  private waiting: ((result: IteratorResult<OutboxRow>) => void) | null = null;
  private failure: Error | null = null;
  private last: number;
  private replaying: boolean;
  private finished = false;
  private readonly unsubscribe: () => void;

  private constructor(private readonly db: Queryable, hub: EventHub, private readonly options: StreamOptions) {
    this.last = options.after ?? hub.position;
    this.replaying = options.after !== null;
    this.unsubscribe = hub.subscribe((row) => this.onLive(row));
  }

  static async open(db: Queryable, hub: EventHub, options: StreamOptions): Promise<EventStream> {
    if (options.after !== null && options.after < (await prunedThrough(db))) {
      throw new GraphQLError('This cursor is older than the event retention; refetch the current state by query, then subscribe without `after`.', {
        extensions: { code: 'CURSOR_EXPIRED' },
      });
    }
    return new EventStream(db, hub, options);
  }

  private onLive(row: OutboxRow): void {
    if (row.topic !== this.options.topic || !this.options.match(row)) return;
    if (this.replaying) this.heldWhileReplaying.push(row);
    else this.deliver(row);
  }

  private deliver(row: OutboxRow): void {
    if (this.finished || row.id <= this.last) return;
    this.last = row.id;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: row, done: false });
      return;
    }
    this.buffer.push(row);
    if (this.buffer.length > MAX_BUFFERED) {
      this.failure = new GraphQLError('This subscriber fell too far behind; resubscribe with `after` set to the last cursor received.', {
        extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
      });
      this.close();
    }
  }

  /** Reads the next page of missed events; at the end, releases what arrived live meanwhile. */
  private async replayPage(): Promise<void> {
    const rows = await readEventsAfter(this.db, this.last, REPLAY_PAGE, this.options.topic);
    for (const row of rows) {
      if (this.options.match(row)) this.deliver(row);
      else this.last = Math.max(this.last, row.id);
    }
    if (rows.length < REPLAY_PAGE) {
      this.replaying = false;
      for (const row of this.heldWhileReplaying.splice(0)) this.deliver(row);
    }
  }

  async next(): Promise<IteratorResult<OutboxRow>> {
    for (;;) {
      if (this.buffer.length > 0) return { value: this.buffer.shift()!, done: false };
      if (this.failure) {
        const failure = this.failure;
        this.failure = null;
        throw failure;
      }
      if (this.finished) return { value: undefined, done: true };
      if (!this.replaying) return new Promise((resolve) => { this.waiting = resolve; });
      await this.replayPage();
    }
  }

  private close(): void {
    if (this.finished) return;
    this.finished = true;
    this.unsubscribe();
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
  }

  async return(): Promise<IteratorResult<OutboxRow>> {
    this.close();
    this.buffer.length = 0;
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<OutboxRow>> {
    this.close();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
