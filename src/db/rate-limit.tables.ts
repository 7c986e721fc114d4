import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Cost spent per viewer per hour (限流), shared by every API process. */
export const rateLimitWindows = pgTable('rate_limit_windows', {
  /** `sub:<token subject>`, `key:<api key id>` or `ip:<address>` for anonymous callers. */
  viewerKey: text('viewer_key').notNull(),
  windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull(),
  spent: integer('spent').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.viewerKey, t.windowStart] })]);
