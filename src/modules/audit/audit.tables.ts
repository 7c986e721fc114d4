import { bigserial, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every mutation that reached the API (审计日志): who, what, when, a digest of the input and
 * the outcome. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE.
 */
export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  /** Token `sub` (or `apikey:<id>`); null for an anonymous caller. */
  actorSubject: text('actor_subject'),
  actorRole: text('actor_role'),
  /** The actor's unit as a global ID; null for city-wide and anonymous callers. */
  actorUnit: text('actor_unit'),
  /** Schema coordinate of the mutation, e.g. `Mutation.incidentReport`. */
  operation: text('operation').notNull(),
  /** SHA-256 (hex) of the mutation's arguments as canonical JSON: proves what was sent without keeping personal data. */
  inputDigest: text('input_digest').notNull(),
  /** OK, REPEATED, REFUSED (user errors), FORBIDDEN, UNAUTHENTICATED, REJECTED (limits) or ERROR. */
  outcome: text('outcome').notNull(),
  /** The user-error or request-error codes behind the outcome; empty when OK. */
  codes: text('codes').array().notNull().default([]),
}, (t) => [
  index('audit_log_actor_idx').on(t.actorSubject, t.id),
  index('audit_log_operation_idx').on(t.operation, t.id),
]);

/**
 * Every reveal of whole personal data (PIPL 个人信息访问日志): who, whose, when, why. Written
 * in the same statement as the read; append-only.
 */
export const personalDataReads = pgTable('personal_data_reads', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  viewerSubject: text('viewer_subject').notNull(),
  viewerRole: text('viewer_role').notNull(),
  /** What was revealed: a person's numbers (Resident, PartyMember, ReportingUnit) or a record's free text (Incident, Wish, HouseholdVisit). */
  subjectType: text('subject_type').notNull(),
  subjectKey: integer('subject_key').notNull(),
  reason: text('reason').notNull(),
  readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  index('personal_data_reads_subject_idx').on(t.subjectType, t.subjectKey),
  index('personal_data_reads_viewer_idx').on(t.viewerSubject, t.id),
]);
