import type { Client } from 'graphql-ws';

/** Collects what a graphql-ws subscription pushes, and waits for a number of events. */
export class Subscriber<T = any> {
  readonly events: T[] = [];
  readonly errors: unknown[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
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
      if (this.events.length >= w.count || this.errors.length > 0 || this.completed) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  /** Resolves once `count` events have arrived (or an error or completion), or rejects after `ms`. */
  async waitFor(count: number, ms = 10_000): Promise<T[]> {
    if (this.events.length < count && this.errors.length === 0 && !this.completed) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${count} events, got ${this.events.length}`)), ms);
        this.waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(); } });
      });
    }
    if (this.errors.length) throw new Error(`subscription failed: ${JSON.stringify(this.errors)}`);
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
