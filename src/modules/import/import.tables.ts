import { integer, jsonb, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { id } from '../../db/columns';

export const importOutcome = pgEnum('import_outcome', ['DRY_RUN', 'IMPORTED', 'REFUSED']);

// 台账导入: every household-and-resident ledger import, dry run or real, with its report
export const ledgerImports = pgTable('ledger_imports', {
  id: id(),
  fileName: text('file_name').notNull(),
  /** SHA-256 of the file, so the same ledger imported twice is recognised. */
  sha256: text('sha256').notNull(),
  outcome: importOutcome('outcome').notNull(),
  rows: integer('rows').notNull(),
  householdsCreated: integer('households_created').notNull().default(0),
  residentsCreated: integer('residents_created').notNull().default(0),
  /** The per-row problems: [{ row, column, code, message }]; empty for a clean file. */
  problems: jsonb('problems').$type<{ row: number; column: string | null; code: string; message: string }[]>().notNull(),
  importerSubject: text('importer_subject').notNull(),
  importerRole: text('importer_role').notNull(),
  /** The street or community the importer may change (their token's unit), as a global ID; null for the whole city. */
  unitId: text('unit_id'),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
});
