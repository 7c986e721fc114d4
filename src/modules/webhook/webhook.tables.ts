import { bigint, boolean, index, integer, pgTable, serial, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { apiKeys } from '../integrator/integrator.tables';

/**
 * An integrator's webhook endpoint (推送地址): a URL that receives, by POST, the events of
 * some topics within a unit subtree, on behalf of one API key. The secret signs every
 * request; it is kept in clear because HMAC needs it, and shown to people only when created
 * or rotated.
 */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: serial('id').primaryKey(),
  apiKeyId: integer('api_key_id').notNull().references(() => apiKeys.id),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  /** ApiKeyTopic values, a subset of the key's topics. */
  topics: text('topics').array().notNull(),
  /** District, Street, Community or Grid within the key's subtree; null for the key's whole subtree. */
  unitType: text('unit_type'),
  unitKey: integer('unit_key'),
  secret: text('secret').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  /** The last outbox id fanned out into deliveries: a restarted process goes on from here. */
  cursor: bigint('cursor', { mode: 'number' }).notNull(),
  createdBySubject: text('created_by_subject').notNull(),
  createdByRole: text('created_by_role').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [index('webhook_endpoints_api_key_idx').on(t.apiKeyId)]);

/**
 * One event for one endpoint, with the body frozen when it was fanned out: every attempt,
 * retry and replay sends the same bytes under the same delivery id.
 */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: serial('id').primaryKey(),
  /** Sent as X-Gridgov-Delivery; receivers deduplicate on it. */
  deliveryId: uuid('delivery_id').notNull().unique(),
  endpointId: integer('endpoint_id').notNull().references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
  /** The outbox id (no foreign key: the outbox is pruned after its retention). */
  eventId: bigint('event_id', { mode: 'number' }).notNull(),
  topic: text('topic').notNull(),
  body: text('body').notNull(),
  /** PENDING, DELIVERED, FAILED (retrying) or GAVE_UP. */
  status: text('status').notNull().default('PENDING'),
  attemptCount: integer('attempt_count').notNull().default(0),
  /** When the current round of the retry ladder began: its first attempt, or the replay. */
  roundStartedAt: timestamp('round_started_at', { withTimezone: true, mode: 'date' }),
  roundAttempts: integer('round_attempts').notNull().default(0),
  /** Due time; while a process sends, the end of its lease (another process takes over after it). */
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
  deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  unique('webhook_deliveries_endpoint_event_key').on(t.endpointId, t.eventId),
  index('webhook_deliveries_due_idx').on(t.nextAttemptAt),
]);

/** One POST of a delivery and what came of it. */
export const webhookAttempts = pgTable('webhook_attempts', {
  id: serial('id').primaryKey(),
  deliveryId: integer('delivery_id').notNull().references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
  durationMs: integer('duration_ms').notNull(),
  /** The receiver's HTTP status; null when none came (timeout, refused connection). */
  httpStatus: integer('http_status'),
  error: text('error'),
  /** Whether a replay asked for it. */
  replay: boolean('replay').notNull().default(false),
}, (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId)]);
