import { jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Requests a flaky phone network may repeat: the first result per caller and key. A key
 * belongs to one request — its operation and the digest of its arguments — so that reusing
 * it for another request is refused rather than answered with the first one's result.
 */
export const idempotencyKeys = pgTable('idempotency_keys', {
  subject: text('subject').notNull(),
  key: text('key').notNull(),
  operation: text('operation').notNull(),
  /** SHA-256 of the operation and the digest of its arguments (the audit log's); null on keys claimed before it was kept, which match any arguments of their operation. */
  requestDigest: text('request_digest'),
  result: jsonb('result').$type<{ id: string } | null>(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.subject, t.key] })]);
