/**
 * Imports a household-and-resident ledger (台账): `npm run import -- <file.xlsx|file.csv> [--dry-run] [--street <code>|--community <code>]`.
 * DATABASE_URL selects a PostgreSQL server, else the embedded PGlite in DATA_DIR. --street or
 * --community limits the rows to that unit, as a street officer's or community secretary's upload would be.
 */
import 'reflect-metadata';
import { eq } from 'drizzle-orm';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Unit } from '../src/auth/viewer';
import { loadConfig } from '../src/config';
import { openDatabase, type Db } from '../src/db/client';
import { migrateDatabase } from '../src/db/migrate';
import { communities, streets } from '../src/modules/grid/grid.tables';
import { importLedger } from '../src/modules/import/import.service';
import { formatOfFile, isError } from '../src/modules/import/ledger.read';

const USAGE = 'usage: npm run import -- <file.xlsx|file.csv> [--dry-run] [--street <code>|--community <code>]';
const SHOWN_PROBLEMS = 200;

async function unitOf(db: Db, street: string | undefined, community: string | undefined): Promise<Unit | null | string> {
  if (street) {
    const [row] = await db.select({ id: streets.id }).from(streets).where(eq(streets.code, street));
    return row ? { type: 'Street', key: row.id } : `No street has the code ${street}.`;
  }
  if (community) {
    const [row] = await db.select({ id: communities.id }).from(communities).where(eq(communities.code, community));
    return row ? { type: 'Community', key: row.id } : `No community has the code ${community}.`;
  }
  return null;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        'dry-run': { type: 'boolean', default: false },
        street: { type: 'string' },
        community: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values: args, positionals } = parsed;
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || (args.street && args.community)) {
    console.error(USAGE);
    return 2;
  }
  const file = path.resolve(positionals[0]);
  const format = formatOfFile(file);
  if (!format) {
    console.error(`${file}: only .xlsx and .csv ledgers are read.\n${USAGE}`);
    return 2;
  }
  if (!fs.existsSync(file)) {
    console.error(`${file}: no such file.`);
    return 2;
  }

  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, listenUrl: config.databaseListenUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  try {
    await migrateDatabase(database, config.personalDataKey);
    const unit = await unitOf(database.db, args.street, args.community);
    if (typeof unit === 'string') {
      console.error(unit);
      return 2;
    }
    const started = performance.now();
    const report = await importLedger(
      database.db,
      config.personalDataKey,
      { subject: `cli:${os.userInfo().username}`, role: 'CITY_ADMIN', unit },
      { name: path.basename(file), content: fs.readFileSync(file), format },
      { dryRun: args['dry-run'] },
    );
    const seconds = (performance.now() - started) / 1000;
    const errors = report.problems.filter(isError).length;
    for (const p of report.problems.slice(0, SHOWN_PROBLEMS)) {
      console.log(`  row ${String(p.row).padStart(6)}  ${(p.column ?? '').padEnd(10)}  ${p.code.padEnd(21)}  ${p.message}`);
    }
    if (report.problems.length > SHOWN_PROBLEMS) console.log(`  … and ${report.problems.length - SHOWN_PROBLEMS} more (ledgerImports in GraphQL lists them all).`);
    console.log(`${report.outcome}: ${report.rows} rows, ${errors} errors, ${report.problems.length - errors} notices; `
      + `${report.householdsCreated} households and ${report.residentsCreated} residents created in ${seconds.toFixed(1)} s (import ${report.importId}).`);
    return report.outcome === 'REFUSED' ? 1 : 0;
  } finally {
    await database.close();
  }
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
