import postgres from 'postgres';
import { logger } from '../logger';

export interface ListenHandlers {
  onNotify: (payload: string) => void;
  /** Every time LISTEN is (re)established: LISTEN replays nothing sent while it was down. */
  onConnected: () => void;
  /** When the listening connection is lost; a retry follows every `retryMs`. */
  onDisconnected: () => void;
}

/** A LISTEN that keeps itself up. */
export interface Listening {
  /**
   * While LISTEN is down, tries again at once instead of at the next retry (readiness asks when
   * the database answers again); resolves when that try has ended. Does nothing while it is up.
   */
  retryNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * LISTEN on a dedicated connection of its own that survives a restart of the server.
 * postgres.js's own `listen` re-listens too, but gives up silently when its one retry fails
 * and never says when it is down; readiness needs to know, so this one keeps trying.
 * `url` must reach the server directly: a transaction pooler (PgBouncer) does not keep LISTEN.
 */
export async function listenWithRetry(url: string, channel: string, handlers: ListenHandlers, retryMs: number): Promise<Listening> {
  let stopped = false;
  let listening = false;
  let retry: NodeJS.Timeout | null = null;
  let attempting: Promise<void> | null = null;
  const sql = postgres(url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    connect_timeout: Math.max(1, Math.ceil(retryMs / 1000)),
    // This connection's retries are paced here, every `retryMs`: postgres.js's own backoff grows
    // with each failure (3^n / 100 s, up to 20 s), so after an outage of a few seconds LISTEN came
    // back 7–10 s after the database did.
    backoff: () => 0,
    connection: { application_name: 'gridgov-listen' },
    onnotice: () => {},
    onclose: () => lost(),
    // postgres.js passes this on to its connection (its own `listen` relies on it) but leaves it out of the types.
    ...({ onnotify: (from: string, payload: string) => { if (from === channel) handlers.onNotify(payload); } } as object),
  });

  function lost(): void {
    if (stopped) return;
    if (listening) {
      listening = false;
      logger.warn({ channel }, 'the LISTEN connection was lost; retrying');
      handlers.onDisconnected();
    }
    if (!retry && !attempting) retry = setTimeout(() => { retry = null; void attempt(); }, retryMs);
  }

  function attempt(): Promise<void> {
    attempting ??= (async () => {
      try {
        await sql`listen ${sql(channel)}`;
      } catch {
        attempting = null;
        lost();
        return;
      }
      attempting = null;
      if (stopped) return;
      listening = true;
      handlers.onConnected();
    })();
    return attempting;
  }

  await sql`listen ${sql(channel)}`;
  listening = true;
  handlers.onConnected();
  return {
    retryNow() {
      if (stopped || listening) return Promise.resolve();
      if (retry) {
        clearTimeout(retry);
        retry = null;
      }
      return attempt();
    },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await sql.end({ timeout: 1 });
    },
  };
}
