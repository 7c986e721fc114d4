import { sql } from 'drizzle-orm';
import {
  bigserial, date, doublePrecision, index, integer, pgEnum, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import { communityRef, districtRef, gridRef, id, streetRef, timestamps } from '../../db/columns';
import { districts, grids, households } from '../grid/grid.tables';

export const incidentCategory = pgEnum('incident_category', [
  'FAMILY_CONFLICT', 'NEIGHBOUR_DISPUTE', 'COMPOUND_GOVERNANCE', 'ENVIRONMENT', 'SAFETY_HAZARD', 'PUBLIC_ORDER', 'PETITION', 'HELP_REQUEST',
]);
export const incidentStatus = pgEnum('incident_status', [
  'REPORTED', 'ACCEPTED', 'EXPLAINED', 'DISPATCHED', 'IN_PROGRESS', 'ESCALATED', 'HANDLED', 'CLOSED',
]);
export const incidentAction = pgEnum('incident_action', [
  'REPORT', 'ACCEPT', 'EXPLAIN', 'DISPATCH', 'START', 'ESCALATE', 'FEEDBACK', 'CLOSE', 'REOPEN',
]);
export const incidentPriority = pgEnum('incident_priority', ['LOW', 'NORMAL', 'HIGH', 'URGENT']);
export const incidentTriage = pgEnum('incident_triage', ['SOLVE_AT_ONCE', 'STUDY_AND_ASSIGN', 'ANSWER_AND_EXPLAIN']);
export const responsibilityKind = pgEnum('responsibility_kind', ['LEAD', 'COOPERATING']);

// 职能部门: urban management, police, justice, health, civil affairs …
export const departments = pgTable('departments', {
  id: id(),
  districtId: integer('district_id').references(() => districts.id),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  phone: text('phone'),
  ...timestamps(),
});

// 责任清单: for each category a lead department (主体责任) and cooperating ones (配合责任)
export const responsibilities = pgTable('responsibilities', {
  category: incidentCategory('category').notNull(),
  departmentId: integer('department_id').notNull().references(() => departments.id),
  kind: responsibilityKind('kind').notNull(),
}, (t) => [
  primaryKey({ columns: [t.category, t.departmentId] }),
  uniqueIndex('responsibilities_one_lead').on(t.category).where(sql`kind = 'LEAD'`),
]);

/** Per-category rules; every category has a row (the migration inserts the defaults). */
export const categorySettings = pgTable('category_settings', {
  category: incidentCategory('category').primaryKey(),
  timeLimitHours: integer('time_limit_hours').notNull(),
});

export const incidents = pgTable('incidents', {
  id: id(),
  districtId: districtRef().references(() => districts.id),
  streetId: streetRef(),
  communityId: communityRef(),
  gridId: gridRef().references(() => grids.id),
  householdId: integer('household_id').references(() => households.id),
  category: incidentCategory('category').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  photoUrls: text('photo_urls').array().notNull().default(sql`'{}'`),
  longitude: doublePrecision('longitude'),
  latitude: doublePrecision('latitude'),
  reporterSubject: text('reporter_subject').notNull(),
  reporterRole: text('reporter_role').notNull(),
  priority: incidentPriority('priority').notNull().default('NORMAL'),
  triage: incidentTriage('triage'),
  status: incidentStatus('status').notNull().default('REPORTED'),
  version: integer('version').notNull().default(1),
  departmentId: integer('department_id').references(() => departments.id),
  cooperatingDepartmentIds: integer('cooperating_department_ids').array().notNull().default(sql`'{}'`),
  deadline: timestamp('deadline', { withTimezone: true, mode: 'date' }).notNull(),
  reportedAt: timestamp('reported_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  handledAt: timestamp('handled_at', { withTimezone: true, mode: 'date' }),
  closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
  satisfaction: smallint('satisfaction'),
  /** The street's joint meeting (联席会议, on the 25th) that an escalated incident goes to. */
  jointMeetingOn: date('joint_meeting_on', { mode: 'string' }),
  ...timestamps(),
}, (t) => [
  index('incidents_grid_idx').on(t.gridId),
  index('incidents_community_idx').on(t.communityId),
  index('incidents_street_reported_idx').on(t.streetId, t.reportedAt),
  index('incidents_department_idx').on(t.departmentId),
  index('incidents_status_deadline_idx').on(t.status, t.deadline),
  index('incidents_reporter_idx').on(t.reporterSubject),
]);

/** The timeline: append-only (a trigger refuses UPDATE and DELETE). */
export const incidentTransitions = pgTable('incident_transitions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  incidentId: integer('incident_id').notNull().references(() => incidents.id),
  action: incidentAction('action').notNull(),
  fromStatus: incidentStatus('from_status'),
  toStatus: incidentStatus('to_status').notNull(),
  actorSubject: text('actor_subject').notNull(),
  actorRole: text('actor_role').notNull(),
  note: text('note'),
  departmentId: integer('department_id').references(() => departments.id),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [index('incident_transitions_incident_idx').on(t.incidentId, t.id)]);
