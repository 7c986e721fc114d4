import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import fs from 'node:fs';
import path from 'node:path';
import type { PersonalDataKey } from '../modules/audit/personal-data-key';
import { assertPersonalDataKeyOpens, sealPlaintextIdCards } from '../modules/grid/id-card-sealing';
import { MIGRATIONS_FOLDER, rowsOf, type Database, type Queryable } from './client';

/**
 * Work the application does right after a migration, in the same transaction, for what SQL
 * cannot do alone: keyed by the migration's name without its number (renumbering keeps it).
 */
const AFTER_MIGRATION: Record<string, (db: Queryable, personalDataKey: PersonalDataKey) => Promise<unknown>> = {
  // The sealed columns exist and the plaintext column is still there: seal every number before the next migration drops it.
  id_card_encryption: sealPlaintextIdCards,
};

/** Any number shared by every process of the application: pg_advisory_xact_lock's key for migrating. */
const MIGRATION_LOCK = 0x67726964;

/**
 * Applies the migrations this build ships that the database lacks, in drizzle's own book
 * (`drizzle.__drizzle_migrations`, so databases migrated by drizzle's migrator carry on), all in
 * one transaction with the steps of AFTER_MIGRATION: a failure anywhere leaves the database as it
 * was. Processes that start together (a rolling start) take turns on an advisory lock; the later
 * ones find nothing left to do. Last, a start with a key other than the one the stored numbers
 * were sealed with is refused.
 */
export async function migrateDatabase(database: Database, personalDataKey: PersonalDataKey): Promise<void> {
  const files = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  const { entries } = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
    const [last] = await rowsOf<{ createdAt: string | null }>(tx, sql`select max(created_at)::text as "createdAt" from drizzle.__drizzle_migrations`);
    const applied = Number(last?.createdAt ?? 0);
    for (const [i, migration] of files.entries()) {
      if (migration.folderMillis <= applied) continue;
      for (const statement of migration.sql) await tx.execute(sql.raw(statement));
      await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`);
      await AFTER_MIGRATION[entries[i].tag.replace(/^\d+_/, '')]?.(tx, personalDataKey);
    }
    await assertPersonalDataKeyOpens(tx, personalDataKey);
  });
}
