import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Queryable } from '../../db/client';
import { OrderDirection, paginate, type PageArgs } from '../../graphql/connection';
import { byIdLoader } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { buildings, households, residents } from '../grid/grid.tables';
import { asCommittee, type CommitteeNode } from './compound.loaders';
import { compoundKeyScope } from './property.scope';
import { ballots, ownersCommittees, ownerVotes, voteCandidates } from './property.tables';
import type { BallotSums } from './vote.tally';

export type OwnerVoteRow = typeof ownerVotes.$inferSelect;
export type BallotRow = typeof ballots.$inferSelect;

export const asOwnerVote = nodeMapper<OwnerVoteRow>('OwnerVote');
export type OwnerVoteNode = ReturnType<typeof asOwnerVote>;

/** The votes a viewer may read: those of the compounds whose governance it may read. */
export function voteScope(viewer: Viewer): SQL {
  return compoundKeyScope(viewer, ownerVotes.compoundId);
}

/** The household a viewer votes for: a resident's own; null for every other role. */
export function viewerHouseholdKey(viewer: Viewer): number | null {
  return viewer.role === Role.RESIDENT && viewer.unit?.type === 'Household' ? viewer.unit.key : null;
}

export const ownerVoteById = (ctx: Context) => byIdLoader(ctx, 'OwnerVote', ownerVotes, asOwnerVote, voteScope(ctx.viewer));

/** The committee each election recorded when it closed, if any. */
export const committeeElectedIn = (ctx: Context) =>
  ctx.loaders.get<number, CommitteeNode | null>('OwnerVote.electedCommittee', async (keys) => {
    const rows = await ctx.db.select().from(ownersCommittees).where(inArray(ownersCommittees.electedInVoteId, [...keys]));
    const byVote = new Map(rows.map((r) => [r.electedInVoteId!, asCommittee(r)]));
    return keys.map((k) => byVote.get(k) ?? null);
  });

// Candidates -----------------------------------------------------------------------------------

const candidateColumns = {
  id: voteCandidates.id,
  voteId: voteCandidates.voteId,
  residentId: voteCandidates.residentId,
  partyMember: voteCandidates.partyMember,
  statement: voteCandidates.statement,
  name: residents.name,
};
export interface CandidateRow {
  id: number;
  voteId: number;
  residentId: number;
  partyMember: boolean;
  statement: string | null;
  name: string;
}
export const asCandidate = nodeMapper<CandidateRow>('VoteCandidate');
export type CandidateNode = ReturnType<typeof asCandidate>;

/** Candidates by id, among the votes the viewer may read. */
export const candidateById = (ctx: Context) =>
  ctx.loaders.get<number, CandidateNode | null>('VoteCandidate.byId', async (keys) => {
    const rows = await ctx.db
      .select(candidateColumns)
      .from(voteCandidates)
      .innerJoin(residents, eq(residents.id, voteCandidates.residentId))
      .where(and(
        inArray(voteCandidates.id, [...keys]),
        sql`${voteCandidates.voteId} in (select ${ownerVotes.id} from ${ownerVotes} where ${voteScope(ctx.viewer)})`,
      ));
    const byId = new Map(rows.map((r) => [r.id, asCandidate(r)]));
    return keys.map((k) => byId.get(k) ?? null);
  });

export interface CandidateVotesRow extends CandidateRow {
  /** Area of the ballots that chose the candidate, exact, two decimals. */
  forArea: string;
  forOwners: number;
}

/** Each candidate of the votes with the area and owners that chose them: one aggregate statement. */
export async function candidateVotes(db: Queryable, voteKeys: readonly number[]): Promise<Map<number, CandidateVotesRow[]>> {
  const rows = await db
    .select({
      ...candidateColumns,
      forArea: sql<string>`coalesce(sum(${ballots.area}), 0)::numeric(14, 2)::text`,
      forOwners: sql<number>`count(${ballots.householdId})::int`.mapWith(Number),
    })
    .from(voteCandidates)
    .innerJoin(residents, eq(residents.id, voteCandidates.residentId))
    .leftJoin(ballots, and(eq(ballots.voteId, voteCandidates.voteId), sql`${voteCandidates.id} = any(${ballots.candidateIds})`))
    .where(inArray(voteCandidates.voteId, [...voteKeys]))
    .groupBy(voteCandidates.id, residents.name)
    .orderBy(asc(voteCandidates.id));
  const byVote = new Map<number, CandidateVotesRow[]>();
  for (const row of rows) byVote.set(row.voteId, [...(byVote.get(row.voteId) ?? []), row]);
  return byVote;
}

/** Loader over `candidateVotes`; the parent vote is already scoped. */
export const candidateVotesOf = (ctx: Context) =>
  ctx.loaders.get<number, CandidateVotesRow[]>('OwnerVote.candidateVotes', async (keys) => {
    const byVote = await candidateVotes(ctx.db, keys);
    return keys.map((k) => byVote.get(k) ?? []);
  });

// Ballot sums ----------------------------------------------------------------------------------


export const NO_BALLOTS: BallotSums = {
  participatingArea: '0.00', participatingOwners: 0, forArea: '0.00', forOwners: 0,
  againstArea: '0.00', againstOwners: 0, abstainArea: '0.00', abstainOwners: 0,
};

const areaSum = (filter?: SQL) =>
  filter
    ? sql<string>`coalesce(sum(${ballots.area}) filter (where ${filter}), 0)::numeric(14, 2)::text`
    : sql<string>`coalesce(sum(${ballots.area}), 0)::numeric(14, 2)::text`;
const ownerCount = (filter?: SQL) =>
  (filter ? sql<number>`(count(*) filter (where ${filter}))::int` : sql<number>`count(*)::int`).mapWith(Number);

/** Sums of the ballots of many votes, in one aggregate statement (the database adds, not a loop). */
export async function ballotSums(db: Queryable, voteKeys: readonly number[]): Promise<Map<number, BallotSums>> {
  const isFor = sql`${ballots.choice} = 'FOR'`;
  const isAgainst = sql`${ballots.choice} = 'AGAINST'`;
  const isAbstain = sql`${ballots.choice} = 'ABSTAIN'`;
  const rows = await db
    .select({
      voteId: ballots.voteId,
      participatingArea: areaSum(),
      participatingOwners: ownerCount(),
      forArea: areaSum(isFor),
      forOwners: ownerCount(isFor),
      againstArea: areaSum(isAgainst),
      againstOwners: ownerCount(isAgainst),
      abstainArea: areaSum(isAbstain),
      abstainOwners: ownerCount(isAbstain),
    })
    .from(ballots)
    .where(inArray(ballots.voteId, [...voteKeys]))
    .groupBy(ballots.voteId);
  return new Map(rows.map(({ voteId, ...sums }) => [voteId, sums]));
}

export const ballotSumsOf = (ctx: Context) =>
  ctx.loaders.get<number, BallotSums>('OwnerVote.ballotSums', async (keys) => {
    const byVote = await ballotSums(ctx.db, keys);
    return keys.map((k) => byVote.get(k) ?? NO_BALLOTS);
  });

// The viewer's own ballot ----------------------------------------------------------------------

/** The viewer's household's ballot in each vote asked; always null for a viewer without a household. */
export const viewerBallotOf = (ctx: Context) => {
  const household = viewerHouseholdKey(ctx.viewer);
  return ctx.loaders.get<number, BallotRow | null>('OwnerVote.viewerBallot', async (keys) => {
    if (household === null) return keys.map(() => null);
    const rows = await ctx.db.select().from(ballots).where(and(eq(ballots.householdId, household), inArray(ballots.voteId, [...keys])));
    const byVote = new Map(rows.map((r) => [r.voteId, r]));
    return keys.map((k) => byVote.get(k) ?? null);
  });
};

export interface VoterHousehold {
  id: number;
  compoundId: number | null;
  floorArea: string;
  createdAt: Date;
}

/** The household a resident viewer votes for, once per request. */
export const voterHousehold = (ctx: Context) =>
  ctx.loaders.get<number, VoterHousehold | null>('OwnerVote.voterHousehold', async (keys) => {
    const rows = await ctx.db
      .select({ id: households.id, compoundId: households.compoundId, floorArea: households.floorArea, createdAt: households.createdAt })
      .from(households)
      .where(inArray(households.id, [...keys]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return keys.map((k) => byId.get(k) ?? null);
  });

// The committee's list of ballots --------------------------------------------------------------

export interface BallotListRow {
  /** The household's key: one ballot per household, so it orders and identifies the ballot. */
  id: number;
  voteId: number;
  choice: BallotRow['choice'];
  candidateIds: number[];
  area: string;
  castAt: Date;
  updatedAt: Date;
  room: string;
  buildingName: string;
}

/**
 * One page of a vote's ballots, by household, with the room and building: no names, no ID
 * numbers. A ballot has no id of its own (one per vote and household), so the page is keyed
 * on the household through a subquery.
 */
export function ballotsPage(db: Queryable, voteKey: number, args: PageArgs) {
  const list = db
    .select({
      id: sql<number>`${ballots.householdId}`.mapWith(Number).as('id'),
      voteId: sql<number>`${ballots.voteId}`.mapWith(Number).as('vote_id'),
      choice: sql<BallotRow['choice']>`${ballots.choice}`.as('choice'),
      candidateIds: sql<number[]>`${ballots.candidateIds}`.mapWith(ballots.candidateIds).as('candidate_ids'),
      area: sql<string>`${ballots.area}::text`.as('area'),
      castAt: sql<Date>`${ballots.createdAt}`.mapWith(ballots.createdAt).as('cast_at'),
      updatedAt: sql<Date>`${ballots.updatedAt}`.mapWith(ballots.updatedAt).as('updated_at'),
      room: sql<string>`${households.room}`.as('room'),
      buildingName: sql<string>`${buildings.name}`.as('building_name'),
    })
    .from(ballots)
    .innerJoin(households, eq(households.id, ballots.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(eq(ballots.voteId, voteKey))
    .as('vote_ballots');
  return paginate<BallotListRow, BallotListRow>(db, {
    table: list as unknown as PgTable,
    where: undefined,
    ordering: { column: list.id as unknown as PgColumn, key: 'id', direction: OrderDirection.ASC },
    args,
    map: (row) => row,
  });
}
