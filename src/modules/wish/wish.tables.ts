import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, numeric, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { communityRef, districtRef, gridRef, id, streetRef, timestamps } from '../../db/columns';
import { buildings, grids, households } from '../grid/grid.tables';
import { partyMembers, reportingUnits } from '../party/party.tables';
import { volunteers } from '../volunteer/volunteer.tables';

export const wishCategory = pgEnum('wish_category', ['DAILY_NEEDS', 'HEALTH', 'STUDY', 'COMPANIONSHIP', 'REPAIR', 'OTHER']);
export const wishStatus = pgEnum('wish_status', ['SUBMITTED', 'PUBLISHED', 'DECLINED', 'CLAIMED', 'FULFILLED', 'CONFIRMED', 'DISPUTED']);
export const wishAction = pgEnum('wish_action', ['SUBMIT', 'PUBLISH', 'DECLINE', 'CLAIM', 'FULFIL', 'CONFIRM', 'DISPUTE']);
export const wishClaimantKind = pgEnum('wish_claimant_kind', ['PARTY_MEMBER', 'VOLUNTEER', 'UNIT']);

// 微心愿: residents order, the community places the order, members and units take it (居民点单、社区下单、党员接单)
export const wishes = pgTable('wishes', {
  id: id(),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  gridId: gridRef().references(() => grids.id),
  buildingId: integer('building_id').notNull().references(() => buildings.id),
  householdId: integer('household_id').notNull().references(() => households.id),
  category: wishCategory('category').notNull(),
  title: text('title').notNull(),
  detail: text('detail').notNull(),
  submitterSubject: text('submitter_subject').notNull(),
  submitterRole: text('submitter_role').notNull(),
  status: wishStatus('status').notNull().default('SUBMITTED'),
  version: integer('version').notNull().default(1),
  declineReason: text('decline_reason'),
  claimantKind: wishClaimantKind('claimant_kind'),
  claimantMemberId: integer('claimant_member_id').references(() => partyMembers.id),
  claimantVolunteerId: integer('claimant_volunteer_id').references(() => volunteers.id),
  claimantUnitId: integer('claimant_unit_id').references(() => reportingUnits.id),
  /** Hours the claimant spent, given when fulfilling; credited when the resident confirms. */
  hoursSpent: numeric('hours_spent', { precision: 6, scale: 2 }),
  submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
  claimedAt: timestamp('claimed_at', { withTimezone: true, mode: 'date' }),
  fulfilledAt: timestamp('fulfilled_at', { withTimezone: true, mode: 'date' }),
  closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
  ...timestamps(),
}, (t) => [
  index('wishes_community_status_idx').on(t.communityId, t.status),
  index('wishes_grid_status_idx').on(t.gridId, t.status),
  index('wishes_household_idx').on(t.householdId),
  index('wishes_claimant_member_idx').on(t.claimantMemberId),
  index('wishes_claimant_volunteer_idx').on(t.claimantVolunteerId),
  check('wishes_one_claimant', sql`num_nonnulls(${t.claimantMemberId}, ${t.claimantVolunteerId}, ${t.claimantUnitId}) = case when ${t.claimantKind} is null then 0 else 1 end`),
  check('wishes_claimed_states', sql`(${t.claimantKind} is null) = (${t.status} in ('SUBMITTED', 'PUBLISHED', 'DECLINED'))`),
]);

/** The timeline: append-only (a trigger refuses UPDATE and DELETE). */
export const wishTransitions = pgTable('wish_transitions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  wishId: integer('wish_id').notNull().references(() => wishes.id),
  action: wishAction('action').notNull(),
  fromStatus: wishStatus('from_status'),
  toStatus: wishStatus('to_status').notNull(),
  actorSubject: text('actor_subject').notNull(),
  actorRole: text('actor_role').notNull(),
  note: text('note'),
  hours: numeric('hours', { precision: 6, scale: 2 }),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [index('wish_transitions_wish_idx').on(t.wishId, t.id)]);
