import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { Logger } from 'drizzle-orm/logger';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { SQL } from 'drizzle-orm';
import { listenWithRetry } from './listener';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: services take this so they compose. */
export type Queryable = Db | Tx;

/**
 * postgres.js waits longer and longer between reconnects (up to 20 s), and a request that meets
 * a connection in that wait waits too: capped, a request during an outage fails within a second
 * (SERVICE_UNAVAILABLE) and the pool is back within a second of the server.
 */
const RECONNECT_BACKOFF_SECONDS = (retries: number) => Math.min(0.05 * 2 ** retries, 0.5);

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

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
  listen(channel: string, onNotify: (payload: string) => void, onConnected: () => void, onDisconnected?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url?: string;
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
    const url = options.url;
    const statements = new StatementCounter();
    const poolSize = options.poolSize ?? 10;
    const client = postgres(options.url, {
      max: poolSize,
      onnotice: () => {},
      connect_timeout: options.connectTimeoutSeconds ?? 10,
      backoff: RECONNECT_BACKOFF_SECONDS,
      connection: { application_name: 'gridgov', ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}) },
    });
    const db = drizzlePostgres(client, { schema, logger: statements }) as unknown as Db;
    const housekeeping = drizzlePostgres(client, { schema }) as unknown as Db;
    return {
      db,
      driver: 'postgres',
      url: options.url,
      statements,
      poolSize,
      housekeeping,
      listen: (channel, onNotify, onConnected, onDisconnected = () => {}) =>
        listenWithRetry(url, channel, { onNotify, onConnected, onDisconnected }, options.listenRetryMs ?? 1_000),
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
  return wrapPglite(await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadDataDir }));
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
      return unlisten;
    },
    close: () => pglite.close(),
  };
}

/** Rows of a raw statement, whichever driver runs it (postgres.js answers an array, PGlite `{ rows }`). */
export async function rowsOf<T>(db: Queryable, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
