import fs from 'node:fs';
import postgres from 'postgres';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config';
import { openDatabase, type Database } from '../../src/db/client';
import { templateOf, withDatabase } from './database-url';

export const onServer = () => inject('serverUrl') !== '';

/** The key test servers run with (a test config's, the demo key): the seeded template is sealed with it. */
export const TEST_PERSONAL_DATA_KEY = loadConfig({ NODE_ENV: 'test' } as NodeJS.ProcessEnv).personalDataKey;

/**
 * A private copy of the seeded demo city for one test file: PGlite from the dump, or a server
 * database from the template, created and dropped on the server itself when queries go through a pooler.
 */
export async function openTestDatabase(): Promise<Database> {
  const serverUrl = inject('serverUrl');
  if (serverUrl) {
    const prefix = inject('databasePrefix');
    const listenUrl = inject('serverListenUrl');
    const direct = listenUrl || serverUrl;
    const name = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    const admin = postgres(direct, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${templateOf(prefix)}`);
    await admin.end();
    const database = await openDatabase({ url: withDatabase(serverUrl, name), listenUrl: listenUrl ? withDatabase(listenUrl, name) : undefined, poolSize: 10 });
    const close = database.close;
    return {
      ...database,
      close: async () => {
        await close();
        const cleanup = postgres(direct, { max: 1, onnotice: () => {} });
        await cleanup.unsafe(`drop database if exists ${name} with (force)`);
        await cleanup.end();
      },
    };
  }
  const dump = new Blob([fs.readFileSync(inject('pgliteDump'))]);
  return openDatabase({ loadDataDir: dump });
}
