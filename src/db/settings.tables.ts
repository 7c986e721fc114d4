import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Rule figures a city sets rather than code fixes: visit duty, daily points, appraisal and
 * star-rating weights. One row per rule set; src/settings.ts gives each its type and default.
 */
export const ruleSettings = pgTable('rule_settings', {
  name: text('name').primaryKey(),
  value: jsonb('value').$type<Record<string, unknown>>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
