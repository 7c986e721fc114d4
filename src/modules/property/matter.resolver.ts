import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Actor } from '../../auth/actor';
import type { Context } from '../../context';
import { ForwardPageArgs } from '../../graphql/connection';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { compoundById } from './compound.loaders';
import { Compound } from './compound.types';
import * as In from './matter.inputs';
import * as L from './matter.loaders';
import { mayTakeStep, type MatterStep } from './matter.machine';
import * as service from './matter.service';
import * as T from './matter.types';
import { ownerVoteById } from './vote.loaders';
import { OwnerVote } from './vote.types';

registerNodeType('MajorMatter', (ctx, key) => L.matterById(ctx).load(key));

@Resolver()
export class MatterQueryResolver {
  @Query(() => T.MajorMatterConnection, { description: 'Major matters (重大事项) of the compounds the viewer may see, newest first.' })
  majorMatters(@Args(() => In.MajorMattersArgs) args: In.MajorMattersArgs, @Ctx() ctx: Context) {
    return service.listMatters(ctx, args);
  }
}

const can = (ctx: Context, step: MatterStep, matter: L.MatterNode) => mayTakeStep(step, matter.status, ctx.viewer.role);

@Resolver(() => T.MajorMatter)
export class MatterResolver {
  @FieldResolver(() => Compound, { description: 'The compound concerned.' })
  compound(@Root() matter: L.MatterNode, @Ctx() ctx: Context) {
    return compoundById(ctx).load(matter.compoundId);
  }

  @FieldResolver(() => OwnerVote, { nullable: true, description: 'The owners\' vote on it, once opened.' })
  vote(@Root() matter: L.MatterNode, @Ctx() ctx: Context) {
    return matter.voteId === null ? null : ownerVoteById(ctx).load(matter.voteId);
  }

  @FieldResolver(() => T.MajorMatterTransitionConnection, { description: 'The timeline of the approval chain, oldest first.' })
  timeline(@Root() matter: L.MatterNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.timelineOfMatter, args, matter.key);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may review it now (service station).' })
  viewerCanReview(@Root() matter: L.MatterNode, @Ctx() ctx: Context) {
    return can(ctx, 'REVIEW', matter);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may approve it now (community party organisation).' })
  viewerCanApprove(@Root() matter: L.MatterNode, @Ctx() ctx: Context) {
    return can(ctx, 'APPROVE', matter);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may open the owners\' vote now.' })
  viewerCanOpenVote(@Root() matter: L.MatterNode, @Ctx() ctx: Context) {
    return can(ctx, 'OPEN_VOTE', matter);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may record its execution now (once the owners passed it).' })
  viewerCanExecute(@Root() matter: L.MatterNode, @Ctx() ctx: Context) {
    return can(ctx, 'EXECUTE', matter);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may reject it now.' })
  viewerCanReject(@Root() matter: L.MatterNode, @Ctx() ctx: Context) {
    return can(ctx, 'REJECT', matter);
  }
}

@Resolver(() => T.MajorMatterTransition)
export class MatterTransitionResolver {
  @FieldResolver(() => Actor, { description: 'Who took the step.' })
  actor(@Root() transition: ReturnType<typeof L.asMatterTransition>) {
    return { subject: transition.actorSubject, role: transition.actorRole };
  }
}

@Resolver()
export class MatterMutationResolver {
  @Mutation(() => T.MajorMatterPayload, { description: 'Propose a major matter (重大事项) for a compound.' })
  majorMatterPropose(@Arg('input', () => In.MajorMatterProposeInput, { description: 'Compound, kind and proposal.' }) input: In.MajorMatterProposeInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'majorMatter', input, (tx) => service.proposeMatter(tx, ctx.viewer, input));
  }

  @Mutation(() => T.MajorMatterPayload, { description: 'The service station reviews a proposed matter (服务站审核).' })
  majorMatterReview(@Args(() => In.MatterStepArgs) args: In.MatterStepArgs, @Ctx() ctx: Context) {
    return runMutation(ctx, 'majorMatter', undefined, (tx) => service.stepMatter(tx, ctx.viewer, 'REVIEW', args));
  }

  @Mutation(() => T.MajorMatterPayload, { description: 'The community party organisation approves a reviewed matter (社区党组织审批).' })
  majorMatterApprove(@Args(() => In.MatterStepArgs) args: In.MatterStepArgs, @Ctx() ctx: Context) {
    return runMutation(ctx, 'majorMatter', undefined, (tx) => service.stepMatter(tx, ctx.viewer, 'APPROVE', args));
  }

  @Mutation(() => T.MajorMatterPayload, { description: 'Open the owners\' vote on an approved matter; the vote\'s kind follows the matter.' })
  majorMatterOpenVote(
    @Args(() => In.MatterStepArgs) args: In.MatterStepArgs,
    @Arg('input', () => In.MajorMatterVoteInput, { description: 'When the vote closes; seats and candidates for a re-election.' }) input: In.MajorMatterVoteInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'majorMatter', input, (tx) => service.stepMatter(tx, ctx.viewer, 'OPEN_VOTE', args, input));
  }

  @Mutation(() => T.MajorMatterPayload, { description: 'Record that a matter the owners passed was carried out; dismissing the company ends its contract today.' })
  majorMatterExecute(@Args(() => In.MatterStepArgs) args: In.MatterStepArgs, @Ctx() ctx: Context) {
    return runMutation(ctx, 'majorMatter', undefined, (tx) => service.stepMatter(tx, ctx.viewer, 'EXECUTE', args));
  }

  @Mutation(() => T.MajorMatterPayload, { description: 'Reject a matter at its current step, with the reason in `note`.' })
  majorMatterReject(@Args(() => In.MatterStepArgs) args: In.MatterStepArgs, @Ctx() ctx: Context) {
    return runMutation(ctx, 'majorMatter', undefined, (tx) => service.stepMatter(tx, ctx.viewer, 'REJECT', args));
  }
}

export const matterResolvers = [MatterQueryResolver, MatterResolver, MatterTransitionResolver, MatterMutationResolver] as const;
