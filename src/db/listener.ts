import postgres from 'postgres';
import { logger } from '../logger';

export interface ListenHandlers {
  onNotify: (payload: string) => void;
  /** Every time LISTEN is (re)established: LISTEN replays nothing sent while it was down. */
  onConnected: () => void;
  /** When the listening connection is lost; a retry follows every `retryMs`. */
  onDisconnected: () => void;
}

/**
 * LISTEN on a dedicated connection of its own that survives a restart of the server.
 * postgres.js's own `listen` re-listens too, but gives up silently when its one retry fails
 * and never says when it is down; readiness needs to know, so this one keeps trying.
 */
export async function listenWithRetry(url: string, channel: string, handlers: ListenHandlers, retryMs: number): Promise<() => Promise<void>> {
  let stopped = false;
  let listening = false;
  let retry: NodeJS.Timeout | null = null;
  const sql = postgres(url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    connect_timeout: Math.max(1, Math.ceil(retryMs / 1000)),
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
    if (!retry) retry = setTimeout(() => { retry = null; void attempt(); }, retryMs);
  }

  async function attempt(): Promise<void> {
    try {
      await sql`listen ${sql(channel)}`;
    } catch {
      lost();
      return;
    }
    if (stopped) return;
    listening = true;
    handlers.onConnected();
  }

  await sql`listen ${sql(channel)}`;
  listening = true;
  handlers.onConnected();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await sql.end({ timeout: 1 });
  };
}
