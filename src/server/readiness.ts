import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import type { EventHub } from '../events/hub';

/** A probe that cannot answer within this long counts as down: a load balancer's own timeout is short. */
const PROBE_TIMEOUT_MS = 2_000;

export interface Readiness {
  status: 'ready' | 'unavailable';
  ready: boolean;
  database: boolean;
  /** The event hub's LISTEN connection: without it subscriptions stall until the next poll. */
  events: boolean;
  stopping: boolean;
}

async function databaseAnswers(database: Database): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS); });
  const probe = database.db.execute(sql`select 1`).then(() => true, () => false);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What `/readyz` answers: ready only when the database answers, LISTEN is up and the process is not shutting down. */
export async function readiness(database: Database, events: EventHub, stopping: boolean): Promise<Readiness> {
  const answers = await databaseAnswers(database);
  const listening = events.listening;
  const ready = answers && listening && !stopping;
  return { status: ready ? 'ready' : 'unavailable', ready, database: answers, events: listening, stopping };
}
