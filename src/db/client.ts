import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { Logger } from 'drizzle-orm/logger';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import postgres from 'postgres';
import type { SQL } from 'drizzle-orm';
import { listenWithRetry, type Listening } from './listener';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: services take this so they compose. */
export type Queryable = Db | Tx;

/**
 * postgres.js waits longer and longer between reconnects (up to 20 s), and a request that meets
 * a connection in that wait waits too: capped, a request during an outage fails within a second
 * (SERVICE_UNAVAILABLE) and the pool is back within a quarter of a second of the server.
 */
const RECONNECT_BACKOFF_SECONDS = (retries: number) => Math.min(0.05 * 2 ** retries, 0.25);

/** How often a lost LISTEN connection is re-tried: events and readiness come back within this of the server. */
const DEFAULT_LISTEN_RETRY_MS = 250;

export const MIGRATIONS_FOLDER = path.join(PROJECT_ROOT, 'migrations');

/** Counts the SQL statements sent, so tests can assert how many a query costs. */
export class StatementCounter implements Logger {
  count = 0;
  logQuery(): void {
    this.count += 1;
  }
}

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** The server's URL (postgres driver only), for tools that connect on their own. */
  url?: string;
  /** The server itself, when `url` is a transaction pooler (see DatabaseOptions.listenUrl). */
  listenUrl?: string;
  statements: StatementCounter;
  /** Most connections the process opens for requests (1: the embedded engine is one connection). */
  poolSize: number;
  /**
   * The same connection without the statement counter, for upkeep beside the request's own
   * work (rate-limit accounting, pruning, the event hub reading the outbox), so that tests
   * count only what an operation costs.
   */
  housekeeping: Db;
  /** The embedded engine, when there is one (tests clone and dump it). */
  pglite?: PGlite;
  /**
   * LISTEN on a channel. `onConnected` runs every time the listening connection is
   * (re)established, because LISTEN replays nothing that was sent while it was down;
   * `onDisconnected` when it is lost (a server restart), until it is back.
   */
  listen(channel: string, onNotify: (payload: string) => void, onConnected: () => void, onDisconnected?: () => void): Promise<Listening>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url?: string;
  /**
   * The server itself, for LISTEN, when `url` is a transaction pooler (PgBouncer), which keeps
   * no session: then statements are not prepared and no session setting is sent with `url`.
   */
  listenUrl?: string;
  /** Folder of the embedded database; omitted: in memory. */
  dataDir?: string;
  /** A dump (`PGlite.dumpDataDir`) to start the embedded database from. */
  loadDataDir?: Blob;
  poolSize?: number;
  /** How long a new server connection may take before the statement fails as unavailable. */
  connectTimeoutSeconds?: number;
  /** How often a lost LISTEN connection is re-tried. */
  listenRetryMs?: number;
  /** PostgreSQL cancels any statement of this process that runs longer (0 or omitted: no limit). */
  statementTimeoutMs?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const listenUrl = options.listenUrl ?? options.url;
    const pooled = options.listenUrl !== undefined;
    const statements = new StatementCounter();
    const poolSize = options.poolSize ?? 10;
    const client = postgres(options.url, {
      max: poolSize,
      onnotice: () => {},
      connect_timeout: options.connectTimeoutSeconds ?? 10,
      backoff: RECONNECT_BACKOFF_SECONDS,
      // A transaction pooler hands each transaction to any server connection: a statement
      // prepared on one is unknown on the next (PgBouncer before 1.21 keeps none).
      prepare: !pooled,
      // PgBouncer passes `application_name` on to the server connection it lends, and refuses
      // any other startup setting; behind it the role's own `statement_timeout` applies.
      connection: { application_name: 'gridgov', ...(options.statementTimeoutMs && !pooled ? { statement_timeout: options.statementTimeoutMs } : {}) },
    });
    const db = drizzlePostgres(client, { schema, logger: statements }) as unknown as Db;
    const housekeeping = drizzlePostgres(client, { schema }) as unknown as Db;
    return {
      db,
      driver: 'postgres',
      url: options.url,
      listenUrl: options.listenUrl,
      statements,
      poolSize,
      housekeeping,
      listen: (channel, onNotify, onConnected, onDisconnected = () => {}) =>
        listenWithRetry(listenUrl, channel, { onNotify, onConnected, onDisconnected }, options.listenRetryMs ?? DEFAULT_LISTEN_RETRY_MS),
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
  // pg_trgm serves substring searches (migration 0012); the embedded engine loads it as the server has it installed.
  return wrapPglite(await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadDataDir, extensions: { pg_trgm } }));
}

/** A database over an open embedded engine (opened here, or a test's clone). */
export function wrapPglite(pglite: PGlite): Database {
  const statements = new StatementCounter();
  const db = drizzlePglite(pglite, { schema, logger: statements }) as unknown as Db;
  const housekeeping = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    statements,
    poolSize: 1,
    housekeeping,
    pglite,
    async listen(channel, onNotify, onConnected) {
      const unlisten = await pglite.listen(channel, onNotify);
      onConnected();
      // The embedded engine is this process: its LISTEN is never lost.
      return { retryNow: async () => {}, stop: unlisten };
    },
    close: () => pglite.close(),
  };
}

/** Rows of a raw statement, whichever driver runs it (postgres.js answers an array, PGlite `{ rows }`). */
export async function rowsOf<T>(db: Queryable, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
