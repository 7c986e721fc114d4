/**
 * Loads the demo city: `npm run seed -- [--scale N] [--reset]`.
 * DATABASE_URL selects a PostgreSQL server, else the embedded PGlite in DATA_DIR.
 */
import { sql } from 'drizzle-orm';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { migrateDatabase } from '../src/db/migrate';
import { seedDemoCity } from '../src/seed/demo-city';
import { isSeeded } from '../src/seed/seeded';

const USAGE = 'usage: npm run seed -- [--scale N] [--reset]';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: { scale: { type: 'string' }, reset: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  const scale = args.scale === undefined ? config.seedScale : Number(args.scale);
  if (!Number.isFinite(scale) || scale <= 0) {
    console.error(`--scale must be a positive number, got "${args.scale}"\n${USAGE}`);
    return 2;
  }

  const target = config.databaseUrl ? redact(config.databaseUrl) : `embedded PGlite in ${config.dataDir}`;
  const database = await openDatabase({ url: config.databaseUrl, listenUrl: config.databaseListenUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  try {
    await migrateDatabase(database, config.personalDataKey);
    const { db } = database;
    if (await isSeeded(db)) {
      if (!args.reset) {
        console.error(`The database (${target}) already holds data. Run with --reset to empty it and seed again.`);
        return 1;
      }
      // Start over from the migrations, so tables they fill (category time limits) are whole again.
      await db.execute(sql`drop schema public cascade`);
      await db.execute(sql`drop schema if exists drizzle cascade`);
      await db.execute(sql`create schema public`);
      await migrateDatabase(database, config.personalDataKey);
      console.log('Emptied the database and migrated it again.');
    }
    console.log(`Seeding the demo city at scale ${scale} into ${target} …`);
    const started = performance.now();
    const counts = await seedDemoCity(db, { scale, personalDataKey: config.personalDataKey });
    const seconds = (performance.now() - started) / 1000;
    const width = Math.max(...Object.keys(counts).map((k) => k.length));
    for (const [table, count] of Object.entries(counts)) {
      console.log(`  ${table.padEnd(width)}  ${count.toLocaleString('en-US').padStart(9)}`);
    }
    console.log(`Done in ${seconds.toFixed(1)} s.`);
    return 0;
  } finally {
    await database.close();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
