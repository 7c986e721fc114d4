import { sql } from 'drizzle-orm';
import {
  boolean, check, date, index, integer, numeric, pgEnum, pgTable, text, timestamp, uniqueIndex, type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { communityRef, districtRef, id, streetRef, timestamps } from '../../db/columns';
import { buildings, grids, households, residents } from '../grid/grid.tables';

export const partyOrganisationKind = pgEnum('party_organisation_kind', [
  'COMMUNITY_COMMITTEE', 'GENERAL_BRANCH', 'GRID_BRANCH', 'BUILDING_GROUP',
]);

/**
 * 党组织: community party committee or general branch → grid branch → building group.
 * The property triad points at the grid branch that supervises a compound.
 */
export const partyOrganisations = pgTable('party_organisations', {
  id: id(),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  gridId: integer('grid_id').references(() => grids.id),
  buildingId: integer('building_id').references(() => buildings.id),
  parentId: integer('parent_id').references((): AnyPgColumn => partyOrganisations.id),
  kind: partyOrganisationKind('kind').notNull(),
  name: text('name').notNull(),
  ...timestamps(),
});

// 报到单位: organs, institutions and enterprises that report in to a community (双报到)
export const reportingUnitKind = pgEnum('reporting_unit_kind', [
  'PARTY_GOVERNMENT_ORGAN', 'PUBLIC_INSTITUTION', 'STATE_ENTERPRISE', 'PRIVATE_ENTERPRISE', 'SOCIAL_ORGANISATION',
]);

export const reportingUnits = pgTable('reporting_units', {
  id: id(),
  name: text('name').notNull(),
  kind: reportingUnitKind('kind').notNull(),
  contactName: text('contact_name'),
  contactPhone: text('contact_phone'),
  ...timestamps(),
});

/** RESIDENT: lives in the grid; IN_SERVICE (在职党员): works for a reporting unit and reports in where they live or serve. */
export const partyMemberKind = pgEnum('party_member_kind', ['RESIDENT', 'IN_SERVICE']);

// 党员: placed in a grid (党员入网格); may show the identity publicly (亮身份)
export const partyMembers = pgTable('party_members', {
  id: id(),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  gridId: integer('grid_id').notNull().references(() => grids.id),
  /** The branch or building group the member belongs to in the community; null for an in-service member organised at work. */
  organisationId: integer('organisation_id').references(() => partyOrganisations.id),
  kind: partyMemberKind('kind').notNull(),
  residentId: integer('resident_id').references(() => residents.id),
  workUnitId: integer('work_unit_id').references(() => reportingUnits.id),
  name: text('name').notNull(),
  phone: text('phone'),
  /** Shown publicly with the identity, e.g. "党员先锋岗 · 环境整治". */
  duty: text('duty'),
  showsIdentity: boolean('shows_identity').notNull().default(false),
  /** The `sub` of this member's token, when they log in. */
  subject: text('subject'),
  ...timestamps(),
}, (t) => [
  uniqueIndex('party_members_resident_key').on(t.residentId),
  uniqueIndex('party_members_subject_key').on(t.subject),
  index('party_members_grid_idx').on(t.gridId),
  index('party_members_community_idx').on(t.communityId),
  index('party_members_organisation_idx').on(t.organisationId),
  check('party_members_kind_rule', sql`(${t.kind} = 'RESIDENT' and ${t.residentId} is not null) or (${t.kind} = 'IN_SERVICE' and ${t.workUnitId} is not null)`),
]);

// 双报到: a unit or an in-service member registers with a community, and optionally one of its grids or buildings
export const reportIns = pgTable('report_ins', {
  id: id(),
  unitId: integer('unit_id').references(() => reportingUnits.id),
  memberId: integer('member_id').references(() => partyMembers.id),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  gridId: integer('grid_id').references(() => grids.id),
  buildingId: integer('building_id').references(() => buildings.id),
  reportedAt: timestamp('reported_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  withdrawnAt: timestamp('withdrawn_at', { withTimezone: true, mode: 'date' }),
  ...timestamps(),
}, (t) => [
  uniqueIndex('report_ins_unit_once').on(t.unitId, t.communityId).where(sql`${t.withdrawnAt} is null`),
  uniqueIndex('report_ins_member_once').on(t.memberId).where(sql`${t.withdrawnAt} is null`),
  index('report_ins_community_idx').on(t.communityId),
  index('report_ins_street_idx').on(t.streetId),
  check('report_ins_one_subject', sql`(${t.unitId} is null) <> (${t.memberId} is null)`),
]);

// 需求清单 / 资源清单 / 项目清单: the community's supply-demand ledger
export const communityListKind = pgEnum('community_list_kind', ['NEED', 'RESOURCE', 'PROJECT']);

export const communityListItems = pgTable('community_list_items', {
  id: id(),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  kind: communityListKind('kind').notNull(),
  title: text('title').notNull(),
  detail: text('detail'),
  /** The report-in that offers a resource or undertakes a project. */
  reportInId: integer('report_in_id').references(() => reportIns.id),
  /** A project's need and resource: the match the community made. */
  needId: integer('need_id').references((): AnyPgColumn => communityListItems.id),
  resourceId: integer('resource_id').references((): AnyPgColumn => communityListItems.id),
  closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
  ...timestamps(),
}, (t) => [index('community_list_items_community_idx').on(t.communityId, t.kind)]);

// 参与次数: each time a report-in serves the community (a project, a wish, an activity)
export const participations = pgTable('participations', {
  id: id(),
  reportInId: integer('report_in_id').notNull().references(() => reportIns.id),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  projectId: integer('project_id').references(() => communityListItems.id),
  /** The micro-wish it fulfilled (the foreign key is in a later migration: the wish module imports this one). */
  wishId: integer('wish_id'),
  occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
  hours: numeric('hours', { precision: 8, scale: 2 }),
  note: text('note'),
  recordedBy: text('recorded_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  index('participations_report_in_idx').on(t.reportInId),
  index('participations_community_idx').on(t.communityId, t.occurredOn),
  uniqueIndex('participations_wish_once').on(t.wishId),
]);

// 挂牌承诺: a member's one-sentence pledge, hung at a building door
export const commitments = pgTable('commitments', {
  id: id(),
  memberId: integer('member_id').notNull().references(() => partyMembers.id),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  gridId: integer('grid_id').notNull().references(() => grids.id),
  buildingId: integer('building_id').notNull().references(() => buildings.id),
  pledge: text('pledge').notNull(),
  hungAt: timestamp('hung_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  withdrawnAt: timestamp('withdrawn_at', { withTimezone: true, mode: 'date' }),
  ...timestamps(),
}, (t) => [
  index('commitments_member_idx').on(t.memberId),
  index('commitments_building_idx').on(t.buildingId),
  index('commitments_community_idx').on(t.communityId),
]);

/** One judgement per household of the building; rating again replaces it. */
export const commitmentRatings = pgTable('commitment_ratings', {
  id: id(),
  commitmentId: integer('commitment_id').notNull().references(() => commitments.id),
  householdId: integer('household_id').notNull().references(() => households.id),
  kept: boolean('kept').notNull(),
  comment: text('comment'),
  ratedBy: text('rated_by').notNull(),
  ...timestamps(),
}, (t) => [uniqueIndex('commitment_ratings_once').on(t.commitmentId, t.householdId)]);
