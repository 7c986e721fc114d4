import { jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Requests a flaky phone network may repeat: the first result per caller, operation and key. */
export const idempotencyKeys = pgTable('idempotency_keys', {
  subject: text('subject').notNull(),
  operation: text('operation').notNull(),
  key: text('key').notNull(),
  result: jsonb('result').$type<{ id: string } | null>(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.subject, t.operation, t.key] })]);
