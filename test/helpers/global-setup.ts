import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { seedDemoCity } from '../../src/seed/demo-city';
import { runPrefix, templateOf, withDatabase } from './database-url';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Embedded mode: a dump of the migrated, seeded database that each test file starts from. */
    pgliteDump: string;
    /** Server mode: the URL of the server, whose template database each test file copies. */
    serverUrl: string;
    /**
     * Server mode behind a transaction pooler (TEST_DATABASE_LISTEN_URL): the server itself, for
     * LISTEN and for creating and dropping databases; empty when `serverUrl` is the server.
     */
    serverListenUrl: string;
    /** Server mode: the prefix of this run's databases (its template is `<prefix>_template`). */
    databasePrefix: string;
  }
}

/**
 * Migrate and seed once per run; every test file then starts from a copy: a PGlite dump in
 * embedded mode, `CREATE DATABASE … TEMPLATE` on a PostgreSQL server (TEST_DATABASE_URL).
 * With TEST_DATABASE_LISTEN_URL, TEST_DATABASE_URL is a transaction pooler (PgBouncer) in front
 * of that server: the template is made on the server itself, since a pooler would keep
 * connections to it open and a database with connections cannot be copied.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A test config's key (test/helpers/database.ts cannot be imported here: it needs vitest's inject).
  const { personalDataKey } = loadConfig({ NODE_ENV: 'test' } as NodeJS.ProcessEnv);
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const serverListenUrl = process.env.TEST_DATABASE_LISTEN_URL ?? '';
    const direct = serverListenUrl || serverUrl;
    const prefix = runPrefix(process.pid);
    const template = templateOf(prefix);
    const admin = postgres(direct, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.unsafe(`create database ${template}`);
    const database = await openDatabase({ url: withDatabase(direct, template), poolSize: 2 });
    await migrateDatabase(database, personalDataKey);
    await seedDemoCity(database.db, { scale: 1, personalDataKey });
    await database.close();
    project.provide('serverUrl', serverUrl);
    project.provide('serverListenUrl', serverListenUrl);
    project.provide('databasePrefix', prefix);
    project.provide('pgliteDump', '');
    return async () => {
      const leftovers = await admin<{ datname: string }[]>`select datname from pg_database where starts_with(datname, ${`${prefix}_`})`;
      for (const { datname } of leftovers) await admin.unsafe(`drop database if exists ${datname} with (force)`);
      await admin.end();
    };
  }
  const database = await openDatabase({});
  await migrateDatabase(database, personalDataKey);
  await seedDemoCity(database.db, { scale: 1, personalDataKey });
  const dump = await database.pglite!.dumpDataDir('none');
  await database.close();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-test-'));
  const file = path.join(dir, 'seeded.tar');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteDump', file);
  project.provide('serverUrl', '');
  project.provide('serverListenUrl', '');
  project.provide('databasePrefix', '');
  return async () => fs.rmSync(dir, { recursive: true, force: true });
}
