import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { Logger } from 'drizzle-orm/logger';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { SQL } from 'drizzle-orm';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: services take this so they compose. */
export type Queryable = Db | Tx;

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
  /** The embedded engine, when there is one (tests clone and dump it). */
  pglite?: PGlite;
  /**
   * LISTEN on a channel. `onConnected` runs every time the listening connection is
   * (re)established, because LISTEN replays nothing that was sent while it was down.
   */
  listen(channel: string, onNotify: (payload: string) => void, onConnected: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url?: string;
  /** Folder of the embedded database; omitted: in memory. */
  dataDir?: string;
  /** A dump (`PGlite.dumpDataDir`) to start the embedded database from. */
  loadDataDir?: Blob;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const statements = new StatementCounter();
    const client = postgres(options.url, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
      connection: { application_name: 'gridgov' },
    });
    const db = drizzlePostgres(client, { schema, logger: statements }) as unknown as Db;
    return {
      db,
      driver: 'postgres',
      url: options.url,
      statements,
      async listen(channel, onNotify, onConnected) {
        const subscription = await client.listen(channel, onNotify, onConnected);
        return () => subscription.unlisten();
      },
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
  return {
    db,
    driver: 'pglite',
    statements,
    pglite,
    async listen(channel, onNotify, onConnected) {
      const unlisten = await pglite.listen(channel, onNotify);
      onConnected();
      return unlisten;
    },
    close: () => pglite.close(),
  };
}

export async function migrateDatabase(database: Database): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (database.driver === 'pglite') {
    await migratePglite(database.db as never, config);
  } else {
    await migratePostgres(database.db as never, config);
  }
}

/** Rows of a raw statement, whichever driver runs it (postgres.js answers an array, PGlite `{ rows }`). */
export async function rowsOf<T>(db: Queryable, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
