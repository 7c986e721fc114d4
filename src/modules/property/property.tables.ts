import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, char, date, index, integer, jsonb, numeric, pgEnum, pgTable, primaryKey, smallint, text,
  timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import { communityRef, districtRef, gridRef, id, streetRef, timestamps } from '../../db/columns';
import { grids, households, residents } from '../grid/grid.tables';
import { partyOrganisations } from '../party/party.tables';

/** Money is integer fen (分) in bigint columns, never a float (API.md). */
const fen = (name: string) => bigint(name, { mode: 'number' });

// 小区: a residential compound, governed by the triad 业委会 / 物业 / 党支部
export const compounds = pgTable('compounds', {
  id: id(),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  gridId: gridRef().references(() => grids.id),
  name: text('name').notNull(),
  address: text('address').notNull(),
  /** The grid party branch (网格党支部) that supervises the compound's governance. */
  partyOrganisationId: integer('party_organisation_id').references(() => partyOrganisations.id),
  ...timestamps(),
}, (t) => [index('compounds_community_idx').on(t.communityId), index('compounds_grid_idx').on(t.gridId)]);

export const committeeRole = pgEnum('committee_role', ['CHAIR', 'VICE_CHAIR', 'MEMBER']);

// 业委会: one committee per term; the current one is the term that covers today
export const ownersCommittees = pgTable('owners_committees', {
  id: id(),
  compoundId: integer('compound_id').notNull().references(() => compounds.id),
  termStartsOn: date('term_starts_on', { mode: 'string' }).notNull(),
  termEndsOn: date('term_ends_on', { mode: 'string' }).notNull(),
  /** The election (an owners' vote of kind COMMITTEE_ELECTION) that chose it, if recorded. */
  electedInVoteId: integer('elected_in_vote_id'),
  ...timestamps(),
}, (t) => [index('owners_committees_compound_idx').on(t.compoundId, t.termStartsOn)]);

export const committeeMembers = pgTable('committee_members', {
  id: id(),
  committeeId: integer('committee_id').notNull().references(() => ownersCommittees.id),
  residentId: integer('resident_id').notNull().references(() => residents.id),
  role: committeeRole('role').notNull(),
  partyMember: boolean('party_member').notNull(),
  ...timestamps(),
}, (t) => [uniqueIndex('committee_members_once').on(t.committeeId, t.residentId)]);

// 物业服务企业
export const propertyCompanies = pgTable('property_companies', {
  id: id(),
  name: text('name').notNull(),
  /** 统一社会信用代码 (GB 32100), 18 characters. */
  creditCode: char('credit_code', { length: 18 }).notNull().unique(),
  phone: text('phone'),
  ...timestamps(),
});

export const remunerationKind = pgEnum('remuneration_kind', ['PERCENTAGE_OF_INCOME', 'FIXED_MONTHLY']);

// 物业服务合同, with the remuneration rule of the sunshine remuneration system (阳光透明酬金制)
export const propertyContracts = pgTable('property_contracts', {
  id: id(),
  compoundId: integer('compound_id').notNull().references(() => compounds.id),
  companyId: integer('company_id').notNull().references(() => propertyCompanies.id),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  endsOn: date('ends_on', { mode: 'string' }).notNull(),
  remunerationKind: remunerationKind('remuneration_kind').notNull(),
  /** Percentage of fee income in basis points (1000 = 10.00%), for PERCENTAGE_OF_INCOME. */
  remunerationBasisPoints: integer('remuneration_basis_points'),
  /** Fixed monthly remuneration in fen, for FIXED_MONTHLY. */
  remunerationMonthlyFen: fen('remuneration_monthly_fen'),
  ...timestamps(),
}, (t) => [index('property_contracts_compound_idx').on(t.compoundId), index('property_contracts_company_idx').on(t.companyId)]);

export const expenseCategory = pgEnum('expense_category', [
  'CLEANING', 'SECURITY', 'GREENING', 'REPAIRS', 'UTILITIES', 'ELEVATORS', 'FIRE_SAFETY', 'STAFF', 'OFFICE', 'OTHER',
]);

// 年度重点计划: the yearly plan passed by the owners' meeting; expenses are tied to its items
export const annualPlans = pgTable('annual_plans', {
  id: id(),
  compoundId: integer('compound_id').notNull().references(() => compounds.id),
  year: smallint('year').notNull(),
  passedInVoteId: integer('passed_in_vote_id'),
  ...timestamps(),
}, (t) => [uniqueIndex('annual_plans_once').on(t.compoundId, t.year)]);

export const planItems = pgTable('plan_items', {
  id: id(),
  planId: integer('plan_id').notNull().references(() => annualPlans.id),
  category: expenseCategory('category').notNull(),
  title: text('title').notNull(),
  budgetFen: fen('budget_fen').notNull(),
});

export const ledgerMonthStatus = pgEnum('ledger_month_status', ['DRAFT', 'PUBLISHED']);

/**
 * One month of a compound's fee money. Closing = opening + income − remuneration −
 * expenses, to the fen; the opening balance is the previous month's closing balance.
 */
export const ledgerMonths = pgTable('ledger_months', {
  id: id(),
  compoundId: integer('compound_id').notNull().references(() => compounds.id),
  /** First day of the month. */
  month: date('month', { mode: 'string' }).notNull(),
  contractId: integer('contract_id').notNull().references(() => propertyContracts.id),
  openingBalanceFen: fen('opening_balance_fen').notNull(),
  incomeFen: fen('income_fen').notNull(),
  remunerationFen: fen('remuneration_fen').notNull(),
  expensesFen: fen('expenses_fen').notNull(),
  closingBalanceFen: fen('closing_balance_fen').notNull(),
  status: ledgerMonthStatus('status').notNull().default('DRAFT'),
  ...timestamps(),
}, (t) => [uniqueIndex('ledger_months_once').on(t.compoundId, t.month)]);

export const ledgerLineKind = pgEnum('ledger_line_kind', ['INCOME', 'EXPENSE']);
export const incomeCategory = pgEnum('income_category', ['PROPERTY_FEE', 'PARKING', 'ADVERTISING', 'VENUE_RENTAL', 'OTHER_INCOME']);

export const ledgerLines = pgTable('ledger_lines', {
  id: id(),
  ledgerMonthId: integer('ledger_month_id').notNull().references(() => ledgerMonths.id),
  kind: ledgerLineKind('kind').notNull(),
  incomeCategory: incomeCategory('income_category'),
  expenseCategory: expenseCategory('expense_category'),
  planItemId: integer('plan_item_id').references(() => planItems.id),
  description: text('description').notNull(),
  amountFen: fen('amount_fen').notNull(),
}, (t) => [index('ledger_lines_month_idx').on(t.ledgerMonthId)]);

/**
 * 公示: a published month, frozen. Never updated or deleted (a trigger refuses it); a
 * correction is a new version. Each version carries the SHA-256 of its canonical content and
 * of the compound's previous version: a hash chain per compound.
 */
export const disclosures = pgTable('disclosures', {
  id: id(),
  compoundId: integer('compound_id').notNull().references(() => compounds.id),
  month: date('month', { mode: 'string' }).notNull(),
  version: smallint('version').notNull(),
  /** Why this version corrects the previous one; null for the first. */
  correctionReason: text('correction_reason'),
  content: jsonb('content').$type<Record<string, unknown>>().notNull(),
  contentHash: char('content_hash', { length: 64 }).notNull(),
  previousHash: char('previous_hash', { length: 64 }),
  publishedBy: text('published_by').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('disclosures_version_once').on(t.compoundId, t.month, t.version),
  index('disclosures_chain_idx').on(t.compoundId, t.id),
]);

export const matterKind = pgEnum('matter_kind', [
  'ORDINARY', 'MAINTENANCE_FUND_USE', 'MAINTENANCE_FUND_RAISE_OR_REPURPOSE', 'REBUILDING', 'COMMITTEE_ELECTION', 'COMPANY_HIRE_OR_DISMISS',
]);
export const voteStatus = pgEnum('vote_status', ['OPEN', 'CLOSED']);
export const voteOutcome = pgEnum('vote_outcome', ['PASSED', 'FAILED', 'NO_QUORUM']);
export const ballotChoice = pgEnum('ballot_choice', ['FOR', 'AGAINST', 'ABSTAIN']);

/**
 * 业主表决: one ballot per household, weighted by floor area. The eligible area and owners
 * are fixed when the vote opens, so the thresholds cannot move under it.
 */
export const ownerVotes = pgTable('owner_votes', {
  id: id(),
  compoundId: integer('compound_id').notNull().references(() => compounds.id),
  kind: matterKind('kind').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  opensAt: timestamp('opens_at', { withTimezone: true, mode: 'date' }).notNull(),
  closesAt: timestamp('closes_at', { withTimezone: true, mode: 'date' }).notNull(),
  status: voteStatus('status').notNull().default('OPEN'),
  eligibleArea: numeric('eligible_area', { precision: 14, scale: 2 }).notNull(),
  eligibleOwners: integer('eligible_owners').notNull(),
  /** Seats to fill, for a committee election. */
  seats: smallint('seats'),
  outcome: voteOutcome('outcome'),
  closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
  ...timestamps(),
}, (t) => [index('owner_votes_compound_idx').on(t.compoundId)]);

export const ballots = pgTable('ballots', {
  voteId: integer('vote_id').notNull().references(() => ownerVotes.id),
  householdId: integer('household_id').notNull().references(() => households.id),
  choice: ballotChoice('choice'),
  /** Candidates chosen, for a committee election. */
  candidateIds: integer('candidate_ids').array().notNull().default(sql`'{}'`),
  /** The household's floor area when it voted: the ballot's weight. */
  area: numeric('area', { precision: 10, scale: 2 }).notNull(),
  castBy: text('cast_by').notNull(),
  ...timestamps(),
}, (t) => [primaryKey({ columns: [t.voteId, t.householdId] })]);

export const voteCandidates = pgTable('vote_candidates', {
  id: id(),
  voteId: integer('vote_id').notNull().references(() => ownerVotes.id),
  residentId: integer('resident_id').notNull().references(() => residents.id),
  partyMember: boolean('party_member').notNull(),
  statement: text('statement'),
}, (t) => [uniqueIndex('vote_candidates_once').on(t.voteId, t.residentId)]);

export const majorMatterKind = pgEnum('major_matter_kind', [
  'COMMITTEE_REELECTION', 'COMPANY_HIRE', 'COMPANY_DISMISS', 'MAINTENANCE_FUND_USE',
]);
export const majorMatterStatus = pgEnum('major_matter_status', [
  'PROPOSED', 'REVIEWED', 'APPROVED', 'VOTING', 'EXECUTED', 'REJECTED',
]);
export const majorMatterAction = pgEnum('major_matter_action', [
  'PROPOSE', 'REVIEW', 'APPROVE', 'OPEN_VOTE', 'EXECUTE', 'REJECT',
]);

/**
 * 重大事项: proposal → service-station review → community party organisation approval →
 * owners' vote → executed; or rejected at any step with a reason (003).
 */
export const majorMatters = pgTable('major_matters', {
  id: id(),
  compoundId: integer('compound_id').notNull().references(() => compounds.id),
  kind: majorMatterKind('kind').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  status: majorMatterStatus('status').notNull().default('PROPOSED'),
  version: integer('version').notNull().default(1),
  voteId: integer('vote_id').references(() => ownerVotes.id),
  proposedBy: text('proposed_by').notNull(),
  rejectionReason: text('rejection_reason'),
  ...timestamps(),
}, (t) => [index('major_matters_compound_idx').on(t.compoundId)]);

export const majorMatterTransitions = pgTable('major_matter_transitions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  matterId: integer('matter_id').notNull().references(() => majorMatters.id),
  action: majorMatterAction('action').notNull(),
  fromStatus: majorMatterStatus('from_status'),
  toStatus: majorMatterStatus('to_status').notNull(),
  actorSubject: text('actor_subject').notNull(),
  actorRole: text('actor_role').notNull(),
  note: text('note'),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [index('major_matter_transitions_matter_idx').on(t.matterId, t.id)]);

// 服务质量考核: each quarter, scores from the committee, the residents and the party branch
export const serviceAppraisals = pgTable('service_appraisals', {
  id: id(),
  compoundId: integer('compound_id').notNull().references(() => compounds.id),
  contractId: integer('contract_id').notNull().references(() => propertyContracts.id),
  /** First day of the quarter. */
  quarter: date('quarter', { mode: 'string' }).notNull(),
  committeeScore: numeric('committee_score', { precision: 5, scale: 2 }),
  branchScore: numeric('branch_score', { precision: 5, scale: 2 }),
  /** Weights in percent; they add up to 100. */
  committeeWeight: smallint('committee_weight').notNull().default(40),
  residentWeight: smallint('resident_weight').notNull().default(40),
  branchWeight: smallint('branch_weight').notNull().default(20),
  ...timestamps(),
}, (t) => [uniqueIndex('service_appraisals_once').on(t.compoundId, t.quarter)]);

export const residentScores = pgTable('resident_scores', {
  appraisalId: integer('appraisal_id').notNull().references(() => serviceAppraisals.id),
  householdId: integer('household_id').notNull().references(() => households.id),
  score: smallint('score').notNull(),
  givenBy: text('given_by').notNull(),
  ...timestamps(),
}, (t) => [primaryKey({ columns: [t.appraisalId, t.householdId] })]);
