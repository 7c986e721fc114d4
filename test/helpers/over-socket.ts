import type { Client } from 'graphql-ws';

export interface SocketAnswer {
  data?: any;
  /** Errors of a result, or the errors an Error message refused the operation with. */
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
  extensions?: { rateLimit?: { cost: number; remaining: number; limit: number; resetAt: string } };
}

/**
 * Unsubscribes once the socket's current read is handled. graphql-ws's client (6.4) counts an
 * operation's lock down twice when `next` unsubscribes and the server's `complete` comes in the
 * same read (as for a query); the count then reaches zero while other operations of the client
 * run, and its lazy socket closes under them with 1000, which ends them silently.
 */
export function unsubscribeSoon(unsubscribe: () => void): void {
  setImmediate(unsubscribe);
}

/**
 * Runs one operation (a query or mutation, or a subscription's first answer) over graphql-ws
 * and resolves with its first result or its refusal.
 */
export function overSocket(client: Client, request: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> }): Promise<SocketAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const unsubscribe = client.subscribe(request, {
      next: (result) => {
        settled = true;
        unsubscribeSoon(unsubscribe);
        resolve(result as SocketAnswer);
      },
      error: (error) => {
        settled = true;
        if (Array.isArray(error)) resolve({ errors: error });
        else reject(error instanceof Error ? error : new Error(`socket closed: ${JSON.stringify(error)}`));
      },
      complete: () => {
        if (!settled) reject(new Error('completed without a result'));
      },
    });
  });
}
