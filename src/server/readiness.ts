import { sql } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_FOLDER, rowsOf, type Database } from '../db/client';
import type { EventHub } from '../events/hub';

/** A probe that cannot answer within this long counts as down: a load balancer's own timeout is short. */
const PROBE_TIMEOUT_MS = 2_000;

export interface Readiness {
  status: 'ready' | 'unavailable';
  ready: boolean;
  database: boolean;
  /** Every migration this build ships has been applied to the database. */
  migrations: boolean;
  /** Tags of the migrations this build ships that the database lacks (empty when the database cannot be asked). */
  missingMigrations: string[];
  /** The event hub's LISTEN connection: without it subscriptions stall until the next poll. */
  events: boolean;
  stopping: boolean;
}

interface JournalEntry {
  tag: string;
  /** drizzle records it as the applied migration's `created_at`. */
  when: number;
}

/** The migrations this build ships, as drizzle-kit's journal lists them; read once, the build does not change. */
let journal: JournalEntry[] | null = null;

function shippedMigrations(): JournalEntry[] {
  if (!journal) {
    const { entries } = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
    journal = entries.map(({ tag, when }) => ({ tag, when }));
  }
  return journal;
}

const UNDEFINED_TABLE = '42P01';

function sqlStateOf(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e && typeof e === 'object'; e = e.cause as typeof e) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/**
 * The `created_at` of the newest migration drizzle applied (0: none, not even its table). drizzle
 * applies a journal entry when its `when` is newer than that, so older entries count as applied.
 */
async function lastAppliedMigration(database: Database): Promise<number> {
  try {
    const [row] = await rowsOf<{ last: string | null }>(database.housekeeping, sql`select max(created_at)::text as "last" from drizzle.__drizzle_migrations`);
    return Number(row?.last ?? 0);
  } catch (error) {
    if (sqlStateOf(error) === UNDEFINED_TABLE) return 0;
    throw error;
  }
}

/** The database's answer within the probe's time, or null when it gave none. */
async function probe(database: Database): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), PROBE_TIMEOUT_MS); });
  const answer = lastAppliedMigration(database).catch(() => null);
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What `/readyz` answers: ready only when the database answers, has every migration of this
 * build, LISTEN is up and the process is not shutting down.
 */
export async function readiness(database: Database, events: EventHub, stopping: boolean): Promise<Readiness> {
  const lastApplied = await probe(database);
  const answers = lastApplied !== null;
  const missingMigrations = answers ? shippedMigrations().filter((entry) => entry.when > lastApplied).map((entry) => entry.tag) : [];
  const migrations = answers && missingMigrations.length === 0;
  // The database answers again: LISTEN need not wait for its next retry to be back.
  const listening = answers ? await events.relisten() : events.listening;
  const ready = migrations && listening && !stopping;
  return { status: ready ? 'ready' : 'unavailable', ready, database: answers, migrations, missingMigrations, events: listening, stopping };
}
