import { index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * An integrator's API key (接入方密钥): a machine client that reads and subscribes within
 * one unit subtree and to some event topics. Only a hash of the secret is kept; the secret
 * is shown once, when the key is created.
 */
export const apiKeys = pgTable('api_keys', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  /** The first characters of the key, shown in lists so people can tell keys apart. */
  prefix: text('prefix').notNull().unique(),
  /** SHA-256 of the whole key, hex. */
  secretHash: text('secret_hash').notNull().unique(),
  /** The subtree the key may see: District, Street, Community or Grid; null for the whole city. */
  unitType: text('unit_type'),
  unitKey: integer('unit_key'),
  /** Event topics the key may read and subscribe to, e.g. {INCIDENTS, DISCLOSURES}. */
  topics: text('topics').array().notNull(),
  createdBySubject: text('created_by_subject').notNull(),
  createdByRole: text('created_by_role').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  revokedBySubject: text('revoked_by_subject'),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
}, (t) => [index('api_keys_unit_idx').on(t.unitType, t.unitKey)]);
