import { and, eq, gte, gt, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import { chinaDate } from '../../calendar';
import type { Context } from '../../context';
import type { Queryable, Tx } from '../../db/client';
import { inTransaction } from '../../db/transaction';
import { OrderDirection, paginate, type PageArgs } from '../../graphql/connection';
import { argumentKey, keyOf, refuse, userError, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/ids';
import { households, residents } from '../grid/grid.tables';
import { compoundScope } from './property.scope';
import { ballots, committeeMembers, compounds, ownersCommittees, ownerVotes, voteCandidates } from './property.tables';
import type * as In from './vote.inputs';
import { MAX_CANDIDATES } from './vote.inputs';
import * as L from './vote.loaders';
import { addDays, committeeRoles, committeeTerm, tallyVote, VOTE_ACTORS, type BallotSums, type ElectionResult, type Tally } from './vote.tally';
import type { OwnerVoteStatus } from './vote.types';

type VoteRow = L.OwnerVoteRow;

const DAY_MS = 24 * 3600 * 1000;
/** A vote runs at most this long. */
const MAX_OPEN_DAYS = 366;

/** Closed when closed, and also once `closesAt` has passed: no ballot is taken after it. */
export function effectiveStatus(vote: Pick<VoteRow, 'status' | 'closesAt'>, now = new Date()): OwnerVoteStatus {
  return vote.status === 'CLOSED' || vote.closesAt.getTime() <= now.getTime() ? 'CLOSED' : 'OPEN';
}

function takes(actors: readonly Role[], viewer: Viewer): boolean {
  return viewer.role !== null && actors.includes(viewer.role);
}

// Open -----------------------------------------------------------------------------------------

interface Nominee {
  residentId: number;
  partyMember: boolean;
  statement: string | null;
}

/** Candidates must be householders (户主, standing for the owners) of households of the compound. */
async function nominees(tx: Tx, compoundKey: number, candidates: readonly In.VoteCandidateInput[]): Promise<Nominee[]> {
  const errors: UserError[] = [];
  const field = (i: number) => ['input', 'candidates', String(i), 'residentId'];
  const keys = candidates.map((c, i) => {
    const decoded = fromGlobalId(c.residentId, 'Resident');
    if (!decoded) errors.push(userError(field(i), UserErrorCode.NOT_FOUND, 'No resident has this ID.'));
    return decoded?.key ?? null;
  });
  keys.forEach((key, i) => {
    if (key !== null && keys.indexOf(key) !== i) errors.push(userError(field(i), UserErrorCode.DUPLICATE, 'This resident is already a candidate.'));
  });
  const found = await tx
    .select({ id: residents.id, tags: residents.tags, householder: residents.householder, compoundId: households.compoundId })
    .from(residents)
    .innerJoin(households, eq(households.id, residents.householdId))
    .where(inArray(residents.id, keys.filter((k): k is number => k !== null)));
  const byId = new Map(found.map((r) => [r.id, r]));
  keys.forEach((key, i) => {
    if (key === null) return;
    const resident = byId.get(key);
    if (!resident) errors.push(userError(field(i), UserErrorCode.NOT_FOUND, 'No resident has this ID.'));
    else if (resident.compoundId !== compoundKey) errors.push(userError(field(i), UserErrorCode.OUT_OF_SCOPE, 'A candidate is an owner of this compound: this resident lives elsewhere.'));
    else if (!resident.householder) errors.push(userError(field(i), UserErrorCode.INVALID, 'A candidate stands for the owners of a household: nominate its householder (户主).'));
  });
  if (errors.length) throw new UserErrors(errors);
  return candidates.map((c, i) => ({
    residentId: keys[i]!,
    partyMember: byId.get(keys[i]!)!.tags.includes('PARTY_MEMBER'),
    statement: c.statement?.trim() || null,
  }));
}

/**
 * Opens an owners' vote on a compound the viewer governs (its committee, or the secretary
 * of its community). The eligible area and owners are the compound's households now: they
 * cannot move under the vote.
 */
export async function openOwnerVote(tx: Tx, viewer: Viewer, input: In.OwnerVoteOpenInput) {
  const now = new Date();
  const errors: UserError[] = [];
  const title = input.title.trim();
  const description = input.description.trim();
  if (!title) errors.push(userError(['input', 'title'], UserErrorCode.REQUIRED, 'A title is required.'));
  if (!description) errors.push(userError(['input', 'description'], UserErrorCode.REQUIRED, 'A description is required.'));
  if (!(input.closesAt.getTime() > now.getTime())) {
    errors.push(userError(['input', 'closesAt'], UserErrorCode.INVALID, 'A vote closes in the future.'));
  } else if (input.closesAt.getTime() > now.getTime() + MAX_OPEN_DAYS * DAY_MS) {
    errors.push(userError(['input', 'closesAt'], UserErrorCode.INVALID, `A vote runs at most ${MAX_OPEN_DAYS} days.`));
  }
  const election = input.kind === 'COMMITTEE_ELECTION';
  const hasSeats = input.seats !== undefined && input.seats !== null;
  const candidates = input.candidates ?? null;
  if (election) {
    if (!hasSeats) errors.push(userError(['input', 'seats'], UserErrorCode.REQUIRED, 'Say how many seats the election fills.'));
    if (!candidates?.length) errors.push(userError(['input', 'candidates'], UserErrorCode.REQUIRED, 'An election needs candidates.'));
    else if (hasSeats && candidates.length < input.seats!) {
      errors.push(userError(['input', 'candidates'], UserErrorCode.INVALID, `Nominate at least as many candidates as seats (${input.seats}).`));
    } else if (candidates.length > MAX_CANDIDATES) {
      errors.push(userError(['input', 'candidates'], UserErrorCode.INVALID, `At most ${MAX_CANDIDATES} candidates.`));
    }
  } else {
    if (hasSeats) errors.push(userError(['input', 'seats'], UserErrorCode.INVALID, 'Only a committee election has seats.'));
    if (candidates !== null) errors.push(userError(['input', 'candidates'], UserErrorCode.INVALID, 'Only a committee election has candidates.'));
  }
  if (errors.length) throw new UserErrors(errors);

  const compoundKey = keyOf(input.compoundId, 'Compound', ['input', 'compoundId']);
  const [compound] = await tx.select({ id: compounds.id }).from(compounds).where(eq(compounds.id, compoundKey));
  if (!compound) refuse(['input', 'compoundId'], UserErrorCode.NOT_FOUND, 'No compound has this ID.');
  const [governed] = await tx.select({ id: compounds.id }).from(compounds).where(and(eq(compounds.id, compoundKey), compoundScope(viewer)));
  if (!governed || !takes(VOTE_ACTORS.OPEN, viewer)) {
    refuse(['input', 'compoundId'], UserErrorCode.OUT_OF_SCOPE, 'Only the owners\' committee of this compound or the secretary of its community may open a vote on it.');
  }

  const [eligible] = await tx
    .select({
      area: sql<string>`coalesce(sum(${households.floorArea}), 0)::numeric(14, 2)::text`,
      owners: sql<number>`count(*)::int`.mapWith(Number),
    })
    .from(households)
    .where(eq(households.compoundId, compoundKey));
  if (eligible.owners === 0) refuse(['input', 'compoundId'], UserErrorCode.INVALID, 'This compound has no households: there is nobody to vote.');

  const nominated = election ? await nominees(tx, compoundKey, candidates!) : [];
  const [row] = await tx.insert(ownerVotes).values({
    compoundId: compoundKey, kind: input.kind, title, description, opensAt: now, closesAt: input.closesAt,
    eligibleArea: eligible.area, eligibleOwners: eligible.owners, seats: election ? input.seats! : null,
  }).returning();
  if (nominated.length) await tx.insert(voteCandidates).values(nominated.map((n) => ({ voteId: row.id, ...n })));
  return L.asOwnerVote(row);
}

// Cast -----------------------------------------------------------------------------------------

export interface CastRequest {
  voteId: string;
  choice?: L.BallotRow['choice'] | null;
  candidateIds?: string[] | null;
}

/** The candidates an election ballot names, checked against the vote and its seats. */
async function chosenCandidates(tx: Tx, vote: VoteRow, ids: readonly string[]): Promise<number[]> {
  const errors: UserError[] = [];
  const keys = ids.map((id, i) => {
    const decoded = fromGlobalId(id, 'VoteCandidate');
    if (!decoded) errors.push(userError(['candidateIds', String(i)], UserErrorCode.NOT_FOUND, 'No candidate has this ID.'));
    return decoded?.key ?? null;
  });
  keys.forEach((key, i) => {
    if (key !== null && keys.indexOf(key) !== i) errors.push(userError(['candidateIds', String(i)], UserErrorCode.DUPLICATE, 'This candidate is already chosen.'));
  });
  if (ids.length > vote.seats!) errors.push(userError(['candidateIds'], UserErrorCode.INVALID, `Choose at most ${vote.seats} candidates: the seats to fill.`));
  const known = keys.some((k) => k !== null)
    ? await tx.select({ id: voteCandidates.id }).from(voteCandidates)
      .where(and(eq(voteCandidates.voteId, vote.id), inArray(voteCandidates.id, keys.filter((k): k is number => k !== null))))
    : [];
  const ofVote = new Set(known.map((c) => c.id));
  keys.forEach((key, i) => {
    if (key !== null && !ofVote.has(key)) errors.push(userError(['candidateIds', String(i)], UserErrorCode.NOT_FOUND, 'This candidate does not stand in this election.'));
  });
  if (errors.length) throw new UserErrors(errors);
  return keys as number[];
}

/**
 * Casts or changes the ballot of the viewer's household: one per household, weighted by
 * its floor area, changeable until the vote closes (an upsert on vote and household).
 */
export async function castBallot(tx: Tx, viewer: Viewer, request: CastRequest) {
  const voteKey = keyOf(request.voteId, 'OwnerVote', ['voteId']);
  const householdKey = L.viewerHouseholdKey(viewer);
  if (householdKey === null || !takes(VOTE_ACTORS.CAST, viewer)) {
    refuse(['voteId'], UserErrorCode.OUT_OF_SCOPE, 'Ballots are cast by the owners, each for their own household.');
  }
  // A shared lock: ballots go in side by side, but not while the vote is being closed.
  const [vote] = await tx.select().from(ownerVotes).where(and(eq(ownerVotes.id, voteKey), L.voteScope(viewer))).for('share');
  if (!vote) refuse(['voteId'], UserErrorCode.NOT_FOUND, 'No owners\' vote you may see has this ID.');
  const now = new Date();
  if (effectiveStatus(vote, now) === 'CLOSED') {
    refuse(['voteId'], UserErrorCode.INVALID_TRANSITION, `This vote closed at ${(vote.closedAt ?? vote.closesAt).toISOString()}: ballots can no longer be cast or changed.`);
  }
  const [household] = await tx
    .select({ id: households.id, compoundId: households.compoundId, floorArea: households.floorArea, createdAt: households.createdAt })
    .from(households)
    .where(eq(households.id, householdKey));
  if (!household || household.compoundId !== vote.compoundId) {
    refuse(['voteId'], UserErrorCode.OUT_OF_SCOPE, 'Your household is not in this vote\'s compound.');
  }
  if (household.createdAt.getTime() > vote.opensAt.getTime()) {
    refuse(['voteId'], UserErrorCode.OUT_OF_SCOPE, 'Your household was registered after the vote opened: it is not counted among the eligible owners.');
  }

  let choice: L.BallotRow['choice'] = null;
  let candidateIds: number[] = [];
  if (vote.kind === 'COMMITTEE_ELECTION') {
    const errors: UserError[] = [];
    if (request.choice) errors.push(userError(['choice'], UserErrorCode.INVALID, 'An election ballot chooses candidates, not for or against.'));
    if (!request.candidateIds) errors.push(userError(['candidateIds'], UserErrorCode.REQUIRED, 'Choose candidates (an empty list takes part without choosing anyone).'));
    if (errors.length) throw new UserErrors(errors);
    candidateIds = await chosenCandidates(tx, vote, request.candidateIds!);
  } else {
    const errors: UserError[] = [];
    if (request.candidateIds) errors.push(userError(['candidateIds'], UserErrorCode.INVALID, 'Only an election ballot chooses candidates.'));
    if (!request.choice) errors.push(userError(['choice'], UserErrorCode.REQUIRED, 'Vote FOR, AGAINST or ABSTAIN.'));
    if (errors.length) throw new UserErrors(errors);
    choice = request.choice!;
  }

  await tx.insert(ballots)
    .values({ voteId: vote.id, householdId: household.id, choice, candidateIds, area: household.floorArea, castBy: viewer.subject! })
    .onConflictDoUpdate({
      target: [ballots.voteId, ballots.householdId],
      set: { choice, candidateIds, area: household.floorArea, castBy: viewer.subject!, updatedAt: now },
    });
  return L.asOwnerVote(vote);
}

// Close ----------------------------------------------------------------------------------------

/** The tally of a vote from the sums of its ballots (and its candidates' votes), by the pure rule. */
export function tallyOf(vote: VoteRow | L.OwnerVoteNode, sums: BallotSums, candidates: readonly L.CandidateVotesRow[]): Tally {
  return tallyVote({
    kind: vote.kind,
    eligibleArea: vote.eligibleArea,
    eligibleOwners: vote.eligibleOwners,
    ...sums,
    election: vote.kind === 'COMMITTEE_ELECTION' ? { seats: vote.seats ?? 1, candidates } : undefined,
  });
}

/**
 * The committee an election chose (换届): its term runs five years from the close date, and
 * the term of the committee before it, if it still runs, ends the day before.
 */
async function recordCommittee(tx: Tx, vote: VoteRow, election: ElectionResult, candidates: readonly L.CandidateVotesRow[], closedAt: Date) {
  const term = committeeTerm(chinaDate(closedAt));
  await tx.update(ownersCommittees)
    .set({ termEndsOn: addDays(term.termStartsOn, -1), updatedAt: new Date() })
    .where(and(
      eq(ownersCommittees.compoundId, vote.compoundId),
      lt(ownersCommittees.termStartsOn, term.termStartsOn),
      gte(ownersCommittees.termEndsOn, term.termStartsOn),
    ));
  const [committee] = await tx.insert(ownersCommittees).values({ compoundId: vote.compoundId, ...term, electedInVoteId: vote.id }).returning();
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const roles = committeeRoles(election.elected.length);
  await tx.insert(committeeMembers).values(election.elected.map((id, i) => ({
    committeeId: committee.id, residentId: byId.get(id)!.residentId, role: roles[i], partyMember: byId.get(id)!.partyMember,
  })));
  return committee;
}

/**
 * Closes a locked, open vote: the outcome is stored, and an election that elected anyone
 * records the new owners' committee (term five years from the close date; the first elected
 * chairs, the second is vice-chair, the rest are members).
 */
async function finalise(tx: Tx, vote: VoteRow, closedAt: Date) {
  const [sums, candidates] = await Promise.all([L.ballotSums(tx, [vote.id]), L.candidateVotes(tx, [vote.id])]);
  const ofVote = candidates.get(vote.id) ?? [];
  const tally = tallyOf(vote, sums.get(vote.id) ?? L.NO_BALLOTS, ofVote);
  const [row] = await tx.update(ownerVotes)
    .set({ status: 'CLOSED', outcome: tally.outcome, closedAt, updatedAt: new Date() })
    .where(and(eq(ownerVotes.id, vote.id), eq(ownerVotes.status, 'OPEN')))
    .returning();
  if (tally.election && tally.election.elected.length > 0) await recordCommittee(tx, row, tally.election, ofVote, closedAt);
  return L.asOwnerVote(row);
}

/** Closes a vote now, or at its closing time if that has passed already. */
export async function closeOwnerVote(tx: Tx, viewer: Viewer, id: string) {
  const key = keyOf(id, 'OwnerVote', ['id']);
  const [vote] = await tx.select().from(ownerVotes).where(and(eq(ownerVotes.id, key), L.voteScope(viewer))).for('update');
  if (!vote) refuse(['id'], UserErrorCode.NOT_FOUND, 'No owners\' vote you may see has this ID.');
  if (vote.status === 'CLOSED') refuse(['id'], UserErrorCode.INVALID_TRANSITION, 'This vote is already closed.');
  if (!takes(VOTE_ACTORS.CLOSE, viewer)) refuse(['id'], UserErrorCode.OUT_OF_SCOPE, 'Only the owners\' committee of this compound or the secretary of its community may close its votes.');
  const now = new Date();
  return finalise(tx, vote, vote.closesAt.getTime() < now.getTime() ? vote.closesAt : now);
}

/**
 * Stores the outcome of every open vote whose closing time has passed (and the committee an
 * election chose), each in its own transaction; a vote being closed by someone else is
 * skipped. Reads already show such votes as closed with their final tally; this makes it
 * permanent. Returns how many were closed. Meant for a periodic job.
 */
export async function closeDueVotes(db: Queryable, now = new Date()): Promise<number> {
  const due = await db.select({ id: ownerVotes.id }).from(ownerVotes)
    .where(and(eq(ownerVotes.status, 'OPEN'), lte(ownerVotes.closesAt, now)));
  let closed = 0;
  for (const { id } of due) {
    const done = await inTransaction(db, async (tx) => {
      const [vote] = await tx.select().from(ownerVotes)
        .where(and(eq(ownerVotes.id, id), eq(ownerVotes.status, 'OPEN'))).for('update', { skipLocked: true });
      if (!vote) return false;
      await finalise(tx, vote, vote.closesAt);
      return true;
    });
    if (done) closed += 1;
  }
  return closed;
}

// Reads ----------------------------------------------------------------------------------------

export function listOwnerVotes(ctx: Context, args: In.OwnerVotesArgs) {
  const f = args.filter;
  const compoundKey = f?.compoundId ? argumentKey(f.compoundId, 'Compound', 'filter.compoundId') : undefined;
  const open = and(eq(ownerVotes.status, 'OPEN'), gt(ownerVotes.closesAt, sql`now()`));
  const closed = or(eq(ownerVotes.status, 'CLOSED'), lte(ownerVotes.closesAt, sql`now()`));
  return paginate(ctx.db, {
    table: ownerVotes,
    where: and(
      L.voteScope(ctx.viewer),
      compoundKey !== undefined ? eq(ownerVotes.compoundId, compoundKey) : undefined,
      f?.status === 'OPEN' ? open : f?.status === 'CLOSED' ? closed : undefined,
      f?.kind ? eq(ownerVotes.kind, f.kind) : undefined,
    ),
    ordering: { column: ownerVotes.id, key: 'id', direction: OrderDirection.DESC },
    args,
    map: L.asOwnerVote,
  });
}

export interface VoteResult {
  tally: Tally;
  final: boolean;
  candidates: Map<number, L.CandidateNode>;
}

/** The tally of a vote as read: sums from the database (batched over the votes asked), decided by the pure rule. */
export async function voteResult(ctx: Context, vote: L.OwnerVoteNode): Promise<VoteResult> {
  const election = vote.kind === 'COMMITTEE_ELECTION';
  const [sums, candidates] = await Promise.all([
    L.ballotSumsOf(ctx).load(vote.key),
    election ? L.candidateVotesOf(ctx).load(vote.key) : Promise.resolve([]),
  ]);
  return {
    tally: tallyOf(vote, sums, candidates),
    final: effectiveStatus(vote) === 'CLOSED',
    candidates: new Map(candidates.map((c) => [c.id, L.asCandidate(c)])),
  };
}

/** The outcome: as stored once closed; for a vote past its closing time not yet stored, its final tally's. */
export async function outcomeOf(ctx: Context, vote: L.OwnerVoteNode) {
  if (vote.outcome) return vote.outcome;
  if (effectiveStatus(vote) === 'OPEN') return null;
  return (await voteResult(ctx, vote)).tally.outcome;
}

export async function candidatesOf(ctx: Context, vote: L.OwnerVoteNode) {
  return (await L.candidateVotesOf(ctx).load(vote.key)).map(L.asCandidate);
}

/** Whether the viewer may cast (or change) a ballot on this vote now. */
export async function mayCast(ctx: Context, vote: L.OwnerVoteNode): Promise<boolean> {
  const householdKey = L.viewerHouseholdKey(ctx.viewer);
  if (householdKey === null || effectiveStatus(vote) === 'CLOSED') return false;
  const household = await L.voterHousehold(ctx).load(householdKey);
  return household !== null && household.compoundId === vote.compoundId && household.createdAt.getTime() <= vote.opensAt.getTime();
}

/** Whether the viewer may close this vote now (it sees the vote, so it governs its compound). */
export function mayClose(viewer: Viewer, vote: L.OwnerVoteNode): boolean {
  return takes(VOTE_ACTORS.CLOSE, viewer) && vote.status === 'OPEN';
}

export function listBallots(ctx: Context, vote: L.OwnerVoteNode, args: PageArgs) {
  return L.ballotsPage(ctx.db, vote.key, args);
}
