import { bigint, bigserial, index, jsonb, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Where an event happened in the city, and who else it concerns: what a subscriber's scope
 * and filter are matched against. Grid codes make a grid subtree a prefix test.
 */
export interface EventScope {
  districtId: number;
  streetId: number;
  communityId: number;
  gridId: number;
  gridCode: string;
  householdId?: number | null;
  departmentIds?: number[];
  reporterSubject?: string | null;
  compoundId?: number | null;
  /** Property companies under contract in the compound. */
  companyIds?: number[];
  /** The party member or volunteer who claimed a micro-wish. */
  partyMemberId?: number | null;
  volunteerId?: number | null;
}

/** Every event, written in the transaction of the change it records (transactional outbox). */
export const outbox = pgTable('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  topic: text('topic').notNull(),
  scope: jsonb('scope').$type<EventScope>().notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [index('outbox_topic_id_idx').on(t.topic, t.id), index('outbox_created_at_idx').on(t.createdAt)]);

/** The highest outbox id that retention has deleted: a cursor at or below it cannot be resumed. */
export const outboxHorizon = pgTable('outbox_horizon', {
  id: smallint('id').primaryKey().default(1),
  prunedThrough: bigint('pruned_through', { mode: 'number' }).notNull().default(0),
});
