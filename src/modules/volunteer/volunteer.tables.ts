import { sql } from 'drizzle-orm';
import {
  bigserial, boolean, check, date, index, integer, numeric, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import { communityRef, districtRef, id, streetRef, timestamps } from '../../db/columns';
import { grids, residents } from '../grid/grid.tables';
import { partyMembers } from '../party/party.tables';

// 志愿者: a resident, a party member, or someone from outside who registered with a community
export const volunteers = pgTable('volunteers', {
  id: id(),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  residentId: integer('resident_id').references(() => residents.id),
  /** Set when a party member's service is banked (在职党员进社区 is recorded the same way). */
  partyMemberId: integer('party_member_id').references(() => partyMembers.id),
  name: text('name').notNull(),
  phone: text('phone'),
  /** The `sub` of this volunteer's token, when they log in. */
  subject: text('subject'),
  ...timestamps(),
}, (t) => [
  uniqueIndex('volunteers_resident_key').on(t.residentId),
  uniqueIndex('volunteers_party_member_key').on(t.partyMemberId),
  uniqueIndex('volunteers_subject_key').on(t.subject),
  index('volunteers_community_idx').on(t.communityId),
]);

// 志愿服务队
export const volunteerTeams = pgTable('volunteer_teams', {
  id: id(),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  name: text('name').notNull(),
  description: text('description'),
  leaderId: integer('leader_id').references(() => volunteers.id),
  ...timestamps(),
}, (t) => [index('volunteer_teams_community_idx').on(t.communityId)]);

export const teamMemberships = pgTable('team_memberships', {
  teamId: integer('team_id').notNull().references(() => volunteerTeams.id),
  volunteerId: integer('volunteer_id').notNull().references(() => volunteers.id),
  joinedAt: timestamp('joined_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.teamId, t.volunteerId] }), index('team_memberships_volunteer_idx').on(t.volunteerId)]);

export const activityStatus = pgEnum('activity_status', ['OPEN', 'CANCELLED']);

export const activities = pgTable('volunteer_activities', {
  id: id(),
  teamId: integer('team_id').notNull().references(() => volunteerTeams.id),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  gridId: integer('grid_id').references(() => grids.id),
  title: text('title').notNull(),
  place: text('place').notNull(),
  startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }).notNull(),
  capacity: integer('capacity').notNull(),
  status: activityStatus('status').notNull().default('OPEN'),
  /** Who created it; they (and the team leader, and the community) confirm attendance. */
  organiserSubject: text('organiser_subject').notNull(),
  ...timestamps(),
}, (t) => [
  index('volunteer_activities_team_idx').on(t.teamId, t.startsAt),
  index('volunteer_activities_community_idx').on(t.communityId, t.startsAt),
  check('volunteer_activities_capacity', sql`${t.capacity} > 0`),
  check('volunteer_activities_time', sql`${t.endsAt} > ${t.startsAt}`),
]);

export const activitySignups = pgTable('activity_signups', {
  id: id(),
  activityId: integer('activity_id').notNull().references(() => activities.id),
  volunteerId: integer('volunteer_id').notNull().references(() => volunteers.id),
  signedUpAt: timestamp('signed_up_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true, mode: 'date' }),
  /** Hours the organiser confirmed; null until attendance is confirmed. */
  attendedHours: numeric('attended_hours', { precision: 8, scale: 2 }),
  attendanceConfirmedAt: timestamp('attendance_confirmed_at', { withTimezone: true, mode: 'date' }),
  /** The ledger movement that credited the attendance (its latest, after a correction). */
  movementId: integer('movement_id'),
  ...timestamps(),
}, (t) => [
  uniqueIndex('activity_signups_once').on(t.activityId, t.volunteerId),
  index('activity_signups_volunteer_idx').on(t.volunteerId),
]);

// 积分兑换比例: points per confirmed hour, from a date on (city-wide)
export const pointRates = pgTable('point_rates', {
  id: id(),
  pointsPerHour: integer('points_per_hour').notNull(),
  effectiveFrom: date('effective_from', { mode: 'string' }).notNull().unique(),
  publishedBy: text('published_by').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [check('point_rates_positive', sql`${t.pointsPerHour} > 0`)]);

// 联盟商户: partner merchants where points buy goods
export const merchants = pgTable('merchants', {
  id: id(),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  name: text('name').notNull(),
  address: text('address').notNull(),
  phone: text('phone'),
  subject: text('subject'),
  ...timestamps(),
}, (t) => [uniqueIndex('merchants_subject_key').on(t.subject), index('merchants_street_idx').on(t.streetId)]);

export const merchantItems = pgTable('merchant_items', {
  id: id(),
  merchantId: integer('merchant_id').notNull().references(() => merchants.id),
  name: text('name').notNull(),
  pricePoints: integer('price_points').notNull(),
  /** Units left; null when unlimited. */
  stock: integer('stock'),
  active: boolean('active').notNull().default(true),
  ...timestamps(),
}, (t) => [
  index('merchant_items_merchant_idx').on(t.merchantId),
  check('merchant_items_price', sql`${t.pricePoints} > 0`),
  check('merchant_items_stock', sql`${t.stock} is null or ${t.stock} >= 0`),
]);

export const bankAccountKind = pgEnum('bank_account_kind', ['VOLUNTEER', 'MERCHANT', 'SERVICE_SOURCE', 'POINTS_ISSUED']);

/**
 * 爱心银行 accounts. A volunteer's and a merchant's balances may never go negative; the two
 * system accounts are the other side of every credit (hours served, points issued), so
 * each movement balances.
 */
export const bankAccounts = pgTable('bank_accounts', {
  id: id(),
  kind: bankAccountKind('kind').notNull(),
  volunteerId: integer('volunteer_id').references(() => volunteers.id),
  merchantId: integer('merchant_id').references(() => merchants.id),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('bank_accounts_volunteer_key').on(t.volunteerId),
  uniqueIndex('bank_accounts_merchant_key').on(t.merchantId),
  uniqueIndex('bank_accounts_system_key').on(t.kind).where(sql`${t.kind} in ('SERVICE_SOURCE', 'POINTS_ISSUED')`),
  check('bank_accounts_owner', sql`(${t.kind} = 'VOLUNTEER') = (${t.volunteerId} is not null) and (${t.kind} = 'MERCHANT') = (${t.merchantId} is not null)`),
]);

export const ledgerAsset = pgEnum('ledger_asset', ['HOURS', 'POINTS']);
export const movementKind = pgEnum('movement_kind', ['ATTENDANCE', 'WISH', 'REDEMPTION', 'REVERSAL']);

/** One business event in the bank; its entries sum to zero per asset. Append-only. */
export const ledgerMovements = pgTable('ledger_movements', {
  id: id(),
  kind: movementKind('kind').notNull(),
  signupId: integer('signup_id').references(() => activitySignups.id),
  /** The confirmed micro-wish (foreign key in a later migration: the wish module imports this one). */
  wishId: integer('wish_id'),
  redemptionId: integer('redemption_id'),
  reversesId: integer('reverses_id'),
  /** The points-per-hour rate applied, when hours earned points. */
  pointsPerHour: integer('points_per_hour'),
  note: text('note'),
  actorSubject: text('actor_subject').notNull(),
  actorRole: text('actor_role').notNull(),
  /** The day the service or purchase happened (by the calendar in China); leaderboards count by it. */
  occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('ledger_movements_reverses_once').on(t.reversesId),
  uniqueIndex('ledger_movements_wish_once').on(t.wishId).where(sql`${t.kind} = 'WISH'`),
  index('ledger_movements_signup_idx').on(t.signupId),
]);

/** Append-only; a balance is the sum of an account's entries, never a stored counter. */
export const ledgerEntries = pgTable('ledger_entries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  movementId: integer('movement_id').notNull().references(() => ledgerMovements.id),
  accountId: integer('account_id').notNull().references(() => bankAccounts.id),
  asset: ledgerAsset('asset').notNull(),
  /** Positive credits the account, negative debits it. Points are whole. */
  amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
  occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
}, (t) => [
  index('ledger_entries_account_idx').on(t.accountId, t.asset, t.id),
  index('ledger_entries_movement_idx').on(t.movementId),
  index('ledger_entries_occurred_idx').on(t.occurredOn, t.asset),
  check('ledger_entries_nonzero', sql`${t.amount} <> 0`),
  check('ledger_entries_whole_points', sql`${t.asset} <> 'POINTS' or ${t.amount} = trunc(${t.amount})`),
]);

export const redemptions = pgTable('redemptions', {
  id: id(),
  volunteerId: integer('volunteer_id').notNull().references(() => volunteers.id),
  merchantId: integer('merchant_id').notNull().references(() => merchants.id),
  itemId: integer('item_id').notNull().references(() => merchantItems.id),
  quantity: integer('quantity').notNull(),
  points: integer('points').notNull(),
  actorSubject: text('actor_subject').notNull(),
  redeemedAt: timestamp('redeemed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  index('redemptions_volunteer_idx').on(t.volunteerId),
  index('redemptions_merchant_idx').on(t.merchantId, t.redeemedAt),
  check('redemptions_quantity', sql`${t.quantity} > 0`),
]);
