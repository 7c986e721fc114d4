import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ForwardPageArgs } from '../../graphql/connection';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { buildingById, communityById, gridById } from '../grid/grid.loaders';
import { Building, Community, Grid } from '../grid/grid.types';
import * as In from './commitment.inputs';
import * as L from './commitment.loaders';
import * as service from './commitment.service';
import { Commitment, CommitmentConnection, CommitmentPayload, CommitmentRating } from './commitment.types';
import { partyMemberById, type PartyMemberNode } from './member.loaders';
import { PartyMember } from './member.types';
import type { PartyOrganisationNode } from './party.loaders';
import { PartyOrganisation } from './party.types';

registerNodeType('Commitment', (ctx, key) => L.commitmentById(ctx).load(key));

@Resolver()
export class CommitmentQueryResolver {
  @Query(() => CommitmentConnection, { description: 'Public commitments (挂牌承诺) hung at building doors, newest first.' })
  commitments(@Args(() => In.CommitmentsArgs) args: In.CommitmentsArgs, @Ctx() ctx: Context) {
    return service.listCommitments(ctx, args);
  }
}

@Resolver(() => Commitment)
export class CommitmentResolver {
  @FieldResolver(() => PartyMember, { nullable: true, description: 'The member whose pledge it is; null when the member does not show the identity and the viewer is neither staff over them nor the member.' })
  member(@Root() commitment: L.CommitmentNode, @Ctx() ctx: Context) {
    return partyMemberById(ctx).load(commitment.memberId);
  }

  @FieldResolver(() => Building, { nullable: true, description: 'The building at whose door it hangs, for the roles that may read the building.' })
  building(@Root() commitment: L.CommitmentNode, @Ctx() ctx: Context) {
    return buildingById(ctx).load(commitment.buildingId);
  }

  @FieldResolver(() => Grid, { description: 'The grid of that building.' })
  grid(@Root() commitment: L.CommitmentNode, @Ctx() ctx: Context) {
    return gridById(ctx).load(commitment.gridId);
  }

  @FieldResolver(() => Community, { description: 'The community of that building.' })
  community(@Root() commitment: L.CommitmentNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(commitment.communityId);
  }

  @FieldResolver(() => CommitmentRating, { description: 'How the households of the building judge it.' })
  rating(@Root() commitment: L.CommitmentNode, @Ctx() ctx: Context) {
    return L.ratingOf(ctx, 'Commitment', commitment.key);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may rate it now (commitmentRate): a resident of the building while it hangs.' })
  async viewerCanRate(@Root() commitment: L.CommitmentNode, @Ctx() ctx: Context) {
    return commitment.active && (await L.viewerBuildingKey(ctx)) === commitment.buildingId;
  }
}

@Resolver(() => PartyMember)
export class PartyMemberCommitmentResolver {
  @FieldResolver(() => CommitmentConnection, { description: 'The member\'s commitments, newest first, withdrawn ones included.' })
  commitments(@Root() member: PartyMemberNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.commitmentsOfMember, args, member.key);
  }

  @FieldResolver(() => CommitmentRating, { description: 'Residents\' judgement over all the member\'s commitments.' })
  commitmentRating(@Root() member: PartyMemberNode, @Ctx() ctx: Context) {
    return L.ratingOf(ctx, 'PartyMember', member.key);
  }
}

@Resolver(() => PartyOrganisation)
export class PartyOrganisationCommitmentResolver {
  @FieldResolver(() => CommitmentRating, { description: 'Residents\' judgement over the commitments of the members of this organisation and of the organisations below it.' })
  commitmentRating(@Root() organisation: PartyOrganisationNode, @Ctx() ctx: Context) {
    return L.ratingOf(ctx, 'PartyOrganisation', organisation.key);
  }
}

@Resolver()
export class CommitmentMutationResolver {
  @Mutation(() => CommitmentPayload, { description: 'Hang a pledge (挂牌承诺) at a building of the member\'s community: a party member for themself, or staff for a member.' })
  commitmentHang(
    @Arg('input', () => In.CommitmentHangInput, { description: 'Whose pledge, where, and what it says.' }) input: In.CommitmentHangInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'commitment', input, (tx) => service.hangCommitment(tx, ctx.viewer, input));
  }

  @Mutation(() => CommitmentPayload, { description: 'Take a commitment down: the member whose it is, or staff over its building. Its ratings stay counted.' })
  commitmentWithdraw(@Arg('id', () => ID, { description: 'The commitment.' }) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, 'commitment', undefined, (tx) => service.withdrawCommitment(tx, ctx.viewer, id));
  }

  @Mutation(() => CommitmentPayload, { description: 'Judge whether a commitment is kept (群众评议): a resident, for their household, of the building where it hangs. Rating again replaces the household\'s rating.' })
  commitmentRate(
    @Arg('input', () => In.CommitmentRateInput, { description: 'The commitment and the judgement.' }) input: In.CommitmentRateInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'commitment', input, (tx) => service.rateCommitment(tx, ctx.viewer, input));
  }
}

export const commitmentResolvers = [
  CommitmentQueryResolver, CommitmentResolver, PartyMemberCommitmentResolver, PartyOrganisationCommitmentResolver, CommitmentMutationResolver,
] as const;
