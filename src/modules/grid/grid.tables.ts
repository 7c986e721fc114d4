import { sql } from 'drizzle-orm';
import {
  boolean, date, foreignKey, index, integer, numeric, pgEnum, pgTable, smallint, text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { communityRef, districtRef, gridRef, id, polygon, streetRef, timestamps } from '../../db/columns';

export const gridLevel = pgEnum('grid_level', ['LEVEL_1', 'LEVEL_2', 'MICRO']);
export const gender = pgEnum('gender', ['MALE', 'FEMALE']);
export const registration = pgEnum('registration', ['REGISTERED', 'FLOATING']);
export const residentTag = pgEnum('resident_tag', [
  'PARTY_MEMBER', 'VETERAN', 'ELDERLY_LIVING_ALONE', 'DISABLED', 'LEFT_BEHIND_CHILD', 'FAMILY_IN_DIFFICULTY',
]);
export const staffRole = pgEnum('staff_role', [
  'GRID_LEADER', 'GRID_WORKER', 'MICRO_GRID_WORKER', 'BUILDING_HEAD', 'LANE_HEAD', 'GRID_INSTRUCTOR',
  'GRID_POLICE_OFFICER', 'GRID_FAMILY_DOCTOR', 'GRID_SUPERVISOR', 'GRID_ASSISTANT',
]);

// 区/县
export const districts = pgTable('districts', {
  id: id(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  ...timestamps(),
});

// 街道/乡镇
export const streets = pgTable('streets', {
  id: id(),
  districtId: districtRef().references(() => districts.id),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  ...timestamps(),
}, (t) => [index('streets_district_idx').on(t.districtId)]);

// 社区/村
export const communities = pgTable('communities', {
  id: id(),
  districtId: districtRef().references(() => districts.id),
  streetId: streetRef().references(() => streets.id),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  ...timestamps(),
}, (t) => [index('communities_street_idx').on(t.streetId)]);

/**
 * 网格. The code is the community code followed by one `-NN` per level, so a grid's
 * subtree is `code = X or code like X || '-%'`.
 */
export const grids = pgTable('grids', {
  id: id(),
  districtId: districtRef().references(() => districts.id),
  streetId: streetRef().references(() => streets.id),
  communityId: communityRef().references(() => communities.id),
  parentGridId: integer('parent_grid_id'),
  level: gridLevel('level').notNull(),
  depth: smallint('depth').notNull(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  boundary: polygon('boundary').notNull(),
  ...timestamps(),
}, (t) => [
  uniqueIndex('grids_code_key').using('btree', t.code.op('text_pattern_ops')),
  foreignKey({ name: 'grids_parent_grid_id_fk', columns: [t.parentGridId], foreignColumns: [t.id] }),
  index('grids_community_idx').on(t.communityId),
  index('grids_parent_idx').on(t.parentGridId),
]);

// 楼栋
export const buildings = pgTable('buildings', {
  id: id(),
  districtId: districtRef().references(() => districts.id),
  streetId: streetRef().references(() => streets.id),
  communityId: communityRef().references(() => communities.id),
  gridId: gridRef().references(() => grids.id),
  /** The residential compound (小区) the building belongs to, if any. */
  compoundId: integer('compound_id'),
  name: text('name').notNull(),
  address: text('address').notNull(),
  floors: smallint('floors'),
  ...timestamps(),
}, (t) => [
  index('buildings_grid_idx').on(t.gridId),
  index('buildings_community_idx').on(t.communityId),
  index('buildings_compound_idx').on(t.compoundId),
]);

// 户: "manage people through houses" (以房管人)
export const households = pgTable('households', {
  id: id(),
  districtId: districtRef().references(() => districts.id),
  streetId: streetRef().references(() => streets.id),
  communityId: communityRef().references(() => communities.id),
  gridId: gridRef().references(() => grids.id),
  buildingId: integer('building_id').notNull().references(() => buildings.id),
  /** Copied from the building, so the owners of a compound are one indexed lookup. */
  compoundId: integer('compound_id'),
  room: text('room').notNull(),
  address: text('address').notNull(),
  floorArea: numeric('floor_area', { precision: 10, scale: 2 }).notNull(),
  ...timestamps(),
}, (t) => [
  index('households_building_idx').on(t.buildingId),
  index('households_grid_idx').on(t.gridId),
  index('households_community_idx').on(t.communityId),
  index('households_street_idx').on(t.streetId),
  index('households_compound_idx').on(t.compoundId),
  uniqueIndex('households_building_room_key').on(t.buildingId, t.room),
]);

// 居民
export const residents = pgTable('residents', {
  id: id(),
  districtId: districtRef().references(() => districts.id),
  streetId: streetRef().references(() => streets.id),
  communityId: communityRef().references(() => communities.id),
  gridId: gridRef().references(() => grids.id),
  householdId: integer('household_id').notNull().references(() => households.id),
  name: text('name').notNull(),
  /** The ID card number (公民身份号码), AES-256-GCM under PERSONAL_DATA_KEY: the database never holds it in the clear (PIPL art. 51). */
  idCardEncrypted: text('id_card_encrypted').notNull(),
  /** Keyed hash of the number: uniqueness and exact search, so a duplicate's error names only this hash. */
  idCardHash: text('id_card_hash').notNull(),
  /** `371***********0037`, what lists show without decrypting. */
  idCardMasked: text('id_card_masked').notNull(),
  phone: text('phone'),
  gender: gender('gender').notNull(),
  birthDate: date('birth_date', { mode: 'string' }).notNull(),
  registration: registration('registration').notNull(),
  tags: residentTag('tags').array().notNull().default(sql`'{}'`),
  householder: boolean('householder').notNull().default(false),
  ...timestamps(),
}, (t) => [
  uniqueIndex('residents_id_card_hash_key').on(t.idCardHash),
  index('residents_household_idx').on(t.householdId),
  index('residents_grid_idx').on(t.gridId),
  index('residents_community_idx').on(t.communityId),
  index('residents_street_idx').on(t.streetId),
  index('residents_tags_idx').using('gin', t.tags),
]);

/** A person who serves in grids; their name and phone are public (公开亮身份). */
export const staffMembers = pgTable('staff_members', {
  id: id(),
  name: text('name').notNull(),
  phone: text('phone').notNull(),
  /** The `sub` claim of this person's token, when they log in. */
  subject: text('subject').unique(),
  ...timestamps(),
});

// 网格力量: one person may hold several roles in several grids
export const staffAssignments = pgTable('staff_assignments', {
  id: id(),
  districtId: districtRef().references(() => districts.id),
  streetId: streetRef().references(() => streets.id),
  communityId: communityRef().references(() => communities.id),
  gridId: gridRef().references(() => grids.id),
  buildingId: integer('building_id').references(() => buildings.id),
  staffMemberId: integer('staff_member_id').notNull().references(() => staffMembers.id),
  role: staffRole('role').notNull(),
  startedOn: date('started_on', { mode: 'string' }).notNull(),
  endedOn: date('ended_on', { mode: 'string' }),
  ...timestamps(),
}, (t) => [
  index('staff_assignments_grid_idx').on(t.gridId),
  index('staff_assignments_member_idx').on(t.staffMemberId),
]);

