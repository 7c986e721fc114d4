import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { communityRef, districtRef, gridRef, id, streetRef, timestamps } from '../../db/columns';
import { grids, households, staffMembers } from '../grid/grid.tables';
import { incidentCategory, incidents } from '../incident/incident.tables';

/** ROUTINE 常规走访; SPECIAL_CARE 重点关爱 (special households); DATA_REFRESH 信息采集更新; DISPUTE_FOLLOW_UP 矛盾纠纷回访. */
export const visitKind = pgEnum('visit_kind', ['ROUTINE', 'SPECIAL_CARE', 'DATA_REFRESH', 'DISPUTE_FOLLOW_UP']);

// 走访: a grid worker's visit to a household
export const householdVisits = pgTable('household_visits', {
  id: id(),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  gridId: gridRef().references(() => grids.id),
  householdId: integer('household_id').notNull().references(() => households.id),
  /** The worker who visited; null when the visitor's token names no staff member. */
  staffMemberId: integer('staff_member_id').references(() => staffMembers.id),
  visitorSubject: text('visitor_subject').notNull(),
  kind: visitKind('kind').notNull(),
  visitedAt: timestamp('visited_at', { withTimezone: true, mode: 'date' }).notNull(),
  notes: text('notes'),
  ...timestamps(),
}, (t) => [
  index('household_visits_household_idx').on(t.householdId, t.visitedAt),
  index('household_visits_staff_idx').on(t.staffMemberId, t.visitedAt),
  index('household_visits_grid_idx').on(t.gridId, t.visitedAt),
  index('household_visits_community_idx').on(t.communityId, t.visitedAt),
]);

/** What a visit found; a finding reported as an incident links to it (and the incident back, through this row). */
export const visitFindings = pgTable('visit_findings', {
  id: id(),
  visitId: integer('visit_id').notNull().references(() => householdVisits.id),
  category: incidentCategory('category').notNull(),
  description: text('description').notNull(),
  incidentId: integer('incident_id').references(() => incidents.id),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  index('visit_findings_visit_idx').on(t.visitId),
  uniqueIndex('visit_findings_incident_key').on(t.incidentId).where(sql`${t.incidentId} is not null`),
]);
