import type { Client } from 'graphql-ws';
import type { EventHub } from '../../src/events/hub';

/** Collects what a graphql-ws subscription pushes, and waits for a number of events. */
export class Subscriber<T = any> {
  readonly events: T[] = [];
  readonly errors: unknown[] = [];
  private waiters: { until: (events: T[]) => boolean; despiteErrors: boolean; resolve: () => void }[] = [];
  private unsubscribe: () => void;
  completed = false;

  constructor(client: Client, query: string, variables: Record<string, unknown> = {}) {
    this.unsubscribe = client.subscribe<T>({ query, variables }, {
      next: (value) => {
        if (value.errors) this.errors.push(value.errors);
        if (value.data) this.events.push(value.data as T);
        this.wake();
      },
      error: (error) => {
        this.errors.push(error);
        this.wake();
      },
      complete: () => {
        this.completed = true;
        this.wake();
      },
    });
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (w.until(this.events) || (this.errors.length > 0 && !w.despiteErrors) || this.completed) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  /**
   * Resolves once `count` events have arrived (or an error or completion). No deadline of its
   * own: on a busy machine an event may take long, and the test's timeout says when it is too long.
   */
  waitFor(count: number): Promise<T[]> {
    return this.waitUntil((events) => events.length >= count);
  }

  /**
   * Resolves once the events received so far satisfy `until` (or on an error or completion).
   * `despiteErrors`: errors in single results (a database outage) neither end the wait nor fail it.
   */
  async waitUntil(until: (events: T[]) => boolean, { despiteErrors = false } = {}): Promise<T[]> {
    const failed = () => this.errors.length > 0 && !despiteErrors;
    if (!until(this.events) && !failed() && !this.completed) {
      await new Promise<void>((resolve) => this.waiters.push({ until, despiteErrors, resolve }));
    }
    if (failed()) throw new Error(`subscription failed: ${JSON.stringify(this.errors)}`);
    return this.events;
  }

  /** Gives late events a moment to arrive, to show that none does. */
  async settle(ms = 300): Promise<T[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.events;
  }

  stop(): void {
    this.unsubscribe();
  }
}

/**
 * Runs `start` (which opens subscriptions) and resolves with its result once `count` of them run
 * on the server, i.e. have registered with its event hub: a subscription sees only events written
 * after that, so a test writes them after this. Refused subscriptions never register: leave them
 * out of `count`.
 */
export async function whenSubscribed<S>(hub: EventHub, count: number, start: () => S): Promise<S> {
  const subscribe = hub.subscribe;
  let registered = 0;
  let wake = () => {};
  hub.subscribe = (listener) => {
    const unsubscribe = subscribe.call(hub, listener);
    registered += 1;
    wake();
    return unsubscribe;
  };
  try {
    const started = start();
    await new Promise<void>((resolve) => {
      wake = () => { if (registered >= count) resolve(); };
      wake();
    });
    return started;
  } finally {
    hub.subscribe = subscribe;
  }
}
