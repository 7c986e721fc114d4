import { sql } from 'drizzle-orm';
import {
  check, date, index, integer, numeric, pgTable, smallint, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import { communityRef, districtRef, id, streetRef } from '../../db/columns';
import { communities, households, staffMembers } from '../grid/grid.tables';

// 日常积分: points a worker earns or loses for a day's work, by a rule of the daily-points settings
export const dailyPointEntries = pgTable('daily_point_entries', {
  id: id(),
  staffMemberId: integer('staff_member_id').notNull().references(() => staffMembers.id),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  day: date('day', { mode: 'string' }).notNull(),
  /** The rule's code in the daily-points settings, e.g. "MEETING", "TRAINING", "COMPLAINT". */
  rule: text('rule').notNull(),
  quantity: integer('quantity').notNull().default(1),
  /** Points at the rule's value when recorded (settings may change later). */
  points: numeric('points', { precision: 8, scale: 2 }).notNull(),
  note: text('note'),
  recordedBy: text('recorded_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  index('daily_point_entries_staff_idx').on(t.staffMemberId, t.day),
  index('daily_point_entries_community_idx').on(t.communityId, t.day),
  check('daily_point_entries_quantity', sql`${t.quantity} > 0`),
]);

// 民主测评: a household rates its grid worker, once per rating period ('2026-Q4')
export const workerRatings = pgTable('worker_ratings', {
  id: id(),
  staffMemberId: integer('staff_member_id').notNull().references(() => staffMembers.id),
  householdId: integer('household_id').notNull().references(() => households.id),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  period: text('period').notNull(),
  score: smallint('score').notNull(),
  comment: text('comment'),
  ratedBy: text('rated_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('worker_ratings_once').on(t.staffMemberId, t.householdId, t.period),
  index('worker_ratings_community_idx').on(t.communityId, t.period),
  check('worker_ratings_score', sql`${t.score} between 1 and 5`),
  check('worker_ratings_period', sql`${t.period} ~ '^[0-9]{4}-Q[1-4]$'`),
]);

// 互评: one community scores another of its street for a year (peer review of 评星定级)
export const communityPeerReviews = pgTable('community_peer_reviews', {
  id: id(),
  year: smallint('year').notNull(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  reviewerCommunityId: integer('reviewer_community_id').notNull().references(() => communities.id),
  score: numeric('score', { precision: 5, scale: 2 }).notNull(),
  reviewerSubject: text('reviewer_subject').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('community_peer_reviews_once').on(t.year, t.communityId, t.reviewerCommunityId),
  check('community_peer_reviews_not_self', sql`${t.communityId} <> ${t.reviewerCommunityId}`),
  check('community_peer_reviews_score', sql`${t.score} between 0 and 100`),
]);

// 评星定级: a published rating of the communities of a street or district for a year; append-only
export const communityStarRatings = pgTable('community_star_ratings', {
  id: id(),
  year: smallint('year').notNull(),
  /** The street or district whose communities were rated together (the shares apply within it). */
  districtId: districtRef(),
  streetId: integer('street_id'),
  communityId: integer('community_id').notNull().references(() => communities.id),
  performance: numeric('performance', { precision: 6, scale: 2 }).notNull(),
  residentRating: numeric('resident_rating', { precision: 6, scale: 2 }).notNull(),
  peerReview: numeric('peer_review', { precision: 6, scale: 2 }).notNull(),
  score: numeric('score', { precision: 6, scale: 2 }).notNull(),
  rank: integer('rank').notNull(),
  stars: smallint('stars').notNull(),
  publishedBy: text('published_by').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('community_star_ratings_once').on(t.year, t.communityId),
  index('community_star_ratings_street_idx').on(t.streetId, t.year),
  check('community_star_ratings_stars', sql`${t.stars} in (0, 3, 4, 5)`),
]);
