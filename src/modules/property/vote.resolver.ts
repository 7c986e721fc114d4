import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { PageArgs } from '../../graphql/connection';
import { fromGlobalId } from '../../graphql/ids';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { DateTime } from '../../graphql/scalars';
import { residentById } from '../grid/grid.loaders';
import { Resident } from '../grid/grid.types';
import { compoundById } from './compound.loaders';
import { Compound, OwnersCommittee } from './compound.types';
import * as In from './vote.inputs';
import * as L from './vote.loaders';
import * as service from './vote.service';
import * as T from './vote.types';

registerNodeType('OwnerVote', (ctx, key) => L.ownerVoteById(ctx).load(key));
registerNodeType('VoteCandidate', (ctx, key) => L.candidateById(ctx).load(key));

async function candidatesByIds(ctx: Context, ids: readonly number[]) {
  return (await L.candidateById(ctx).loadMany(ids)).filter((c): c is L.CandidateNode => c !== null && !(c instanceof Error));
}

@Resolver()
export class OwnerVoteQueryResolver {
  @Query(() => T.OwnerVoteConnection, { description: 'Owners\' votes (业主表决) of the compounds the viewer may see, newest first.' })
  ownerVotes(@Args(() => In.OwnerVotesArgs) args: In.OwnerVotesArgs, @Ctx() ctx: Context) {
    return service.listOwnerVotes(ctx, args);
  }
}

@Resolver(() => T.OwnerVote)
export class OwnerVoteResolver {
  @FieldResolver(() => Compound, { description: 'The compound (小区) whose owners vote.' })
  compound(@Root() vote: L.OwnerVoteNode, @Ctx() ctx: Context) {
    return compoundById(ctx).load(vote.compoundId);
  }

  @FieldResolver(() => T.OwnerVoteStatus, { description: 'Open, or closed: closed by the committee or the secretary, or past `closesAt`.' })
  status(@Root() vote: L.OwnerVoteNode) {
    return service.effectiveStatus(vote);
  }

  @FieldResolver(() => DateTime, { nullable: true, description: 'When ballots stopped being taken: when it was closed, or `closesAt` once past; null while open.' })
  closedAt(@Root() vote: L.OwnerVoteNode) {
    return vote.closedAt ?? (service.effectiveStatus(vote) === 'CLOSED' ? vote.closesAt : null);
  }

  @FieldResolver(() => T.OwnerVoteOutcome, { nullable: true, description: 'Passed, failed or no quorum, once closed; null while open (see `tally` for the standing so far).' })
  outcome(@Root() vote: L.OwnerVoteNode, @Ctx() ctx: Context) {
    return service.outcomeOf(ctx, vote);
  }

  @FieldResolver(() => T.OwnerVoteTally, { description: 'The count (计票): participation, FOR/AGAINST/ABSTAIN by area and owners, shares, and which thresholds are met.' })
  async tally(@Root() vote: L.OwnerVoteNode, @Ctx() ctx: Context) {
    const { tally, final } = await service.voteResult(ctx, vote);
    return { ...tally, final };
  }

  @FieldResolver(() => T.CommitteeElectionResult, { nullable: true, description: 'For a committee election: each candidate\'s votes, the elected and their party-member share; null for other kinds.' })
  async election(@Root() vote: L.OwnerVoteNode, @Ctx() ctx: Context) {
    const { tally, final, candidates } = await service.voteResult(ctx, vote);
    const result = tally.election;
    if (!result) return null;
    return {
      seats: result.seats,
      candidates: result.candidates.map((c) => ({ ...c, candidate: candidates.get(c.id) })),
      elected: result.elected.map((id) => candidates.get(id)),
      partyMembersElected: result.partyMembersElected,
      partyMemberShare: result.partyMemberShare,
      final,
    };
  }

  @FieldResolver(() => OwnersCommittee, { nullable: true, description: 'For a closed committee election that elected anyone: the owners\' committee it recorded (first elected CHAIR, second VICE_CHAIR, the rest MEMBER).' })
  electedCommittee(@Root() vote: L.OwnerVoteNode, @Ctx() ctx: Context) {
    return vote.kind === 'COMMITTEE_ELECTION' && vote.status === 'CLOSED' ? L.committeeElectedIn(ctx).load(vote.key) : null;
  }

  @FieldResolver(() => [T.VoteCandidate], { description: 'Candidates of a committee election, in the order nominated; empty for other kinds.' })
  candidates(@Root() vote: L.OwnerVoteNode, @Ctx() ctx: Context) {
    return vote.kind === 'COMMITTEE_ELECTION' ? service.candidatesOf(ctx, vote) : [];
  }

  @FieldResolver(() => T.ViewerBallot, { nullable: true, description: 'The ballot of the viewer\'s own household (a resident); null when it has not voted or the viewer has no household.' })
  async viewerBallot(@Root() vote: L.OwnerVoteNode, @Ctx() ctx: Context) {
    const ballot = await L.viewerBallotOf(ctx).load(vote.key);
    return ballot && { choice: ballot.choice, area: ballot.area, castAt: ballot.createdAt, updatedAt: ballot.updatedAt, candidateIds: ballot.candidateIds };
  }

  @FieldResolver(() => T.BallotConnection, { description: 'Every household\'s ballot, by household: room, choice and area, no personal data. For the owners\' committee and the community secretary.' })
  ballots(@Root() vote: L.OwnerVoteNode, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return service.listBallots(ctx, vote, args);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may cast or change its household\'s ballot now (ballotCast).' })
  viewerCanCast(@Root() vote: L.OwnerVoteNode, @Ctx() ctx: Context) {
    return service.mayCast(ctx, vote);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may close the vote now (ownerVoteClose).' })
  viewerCanClose(@Root() vote: L.OwnerVoteNode, @Ctx() ctx: Context) {
    return service.mayClose(ctx.viewer, vote);
  }
}

@Resolver(() => T.VoteCandidate)
export class VoteCandidateResolver {
  @FieldResolver(() => Resident, { nullable: true, description: 'The resident standing, for the roles that may read residents of this household.' })
  resident(@Root() candidate: L.CandidateNode, @Ctx() ctx: Context) {
    return residentById(ctx).load(candidate.residentId);
  }
}

@Resolver(() => T.Ballot)
export class BallotResolver {
  @FieldResolver(() => [T.VoteCandidate], { description: 'On an election ballot, the candidates chosen; empty otherwise.' })
  candidates(@Root() ballot: T.Ballot, @Ctx() ctx: Context) {
    return candidatesByIds(ctx, ballot.candidateIds);
  }
}

@Resolver(() => T.ViewerBallot)
export class ViewerBallotResolver {
  @FieldResolver(() => [T.VoteCandidate], { description: 'On an election ballot, the candidates chosen; empty otherwise.' })
  candidates(@Root() ballot: T.ViewerBallot, @Ctx() ctx: Context) {
    return candidatesByIds(ctx, ballot.candidateIds);
  }
}

@Resolver()
export class OwnerVoteMutationResolver {
  @Mutation(() => T.OwnerVotePayload, { description: 'Open an owners\' vote (发起业主表决) on a compound: by its owners\' committee or the secretary of its community. The eligible area and owners are fixed now.' })
  ownerVoteOpen(
    @Arg('input', () => In.OwnerVoteOpenInput, { description: 'The compound, the matter, the closing time; seats and candidates for an election.' }) input: In.OwnerVoteOpenInput,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A key the client makes once per vote, so that a repeat opens it once.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'ownerVote', input, (tx) => service.openOwnerVote(tx, ctx.viewer, input), {
      key: idempotencyKey, operation: 'ownerVoteOpen', reload: reloadVote(ctx),
    });
  }

  @Mutation(() => T.OwnerVotePayload, { description: 'Cast or change the ballot of the viewer\'s household (投票): one per household, weighted by its floor area, until the vote closes. Answers the vote; see `viewerBallot`.' })
  ballotCast(@Args(() => In.BallotCastArgs) args: In.BallotCastArgs, @Ctx() ctx: Context) {
    return runMutation(ctx, 'ownerVote', undefined, (tx) => service.castBallot(tx, ctx.viewer, args), {
      key: args.idempotencyKey, operation: `ballotCast:${args.voteId}`, reload: reloadVote(ctx),
    });
  }

  @Mutation(() => T.OwnerVotePayload, { description: 'Close an owners\' vote (结束表决) and store its outcome; an election that elected anyone records the new owners\' committee.' })
  ownerVoteClose(@Args(() => In.OwnerVoteCloseArgs) args: In.OwnerVoteCloseArgs, @Ctx() ctx: Context) {
    return runMutation(ctx, 'ownerVote', undefined, (tx) => service.closeOwnerVote(tx, ctx.viewer, args.id), {
      key: args.idempotencyKey, operation: `ownerVoteClose:${args.id}`, reload: reloadVote(ctx),
    });
  }
}

/** Loads the vote a first request returned, for an idempotent repeat. */
function reloadVote(ctx: Context) {
  return (id: string) => {
    const decoded = fromGlobalId(id, 'OwnerVote');
    return decoded ? L.ownerVoteById(ctx).load(decoded.key) : Promise.resolve(null);
  };
}

export const voteResolvers = [
  OwnerVoteQueryResolver, OwnerVoteResolver, VoteCandidateResolver, BallotResolver, ViewerBallotResolver, OwnerVoteMutationResolver,
] as const;
