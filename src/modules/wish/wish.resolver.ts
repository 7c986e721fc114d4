import {
  Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription,
} from 'type-graphql';
import { Actor } from '../../auth/actor';
import type { Context } from '../../context';
import type { OutboxRow } from '../../events/outbox';
import { ForwardPageArgs } from '../../graphql/connection';
import { fromGlobalId } from '../../graphql/ids';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { Decimal } from '../../graphql/scalars';
import { communityById, gridById, householdById, streetById } from '../grid/grid.loaders';
import { Community, Grid, Household, Street } from '../grid/grid.types';
import { openWishEvents, wishEventOf } from './wish.events';
import * as In from './wish.inputs';
import * as L from './wish.loaders';
import { isParty, mayAct, type TransitionAction } from './wish.machine';
import * as service from './wish.service';
import * as T from './wish.types';

registerNodeType('Wish', (ctx, key) => L.wishById(ctx).load(key));
registerNodeType('WishTransition', (ctx, key) => L.transitionById(ctx).load(key), 'bigserial');

@ArgsType()
class StepArgs {
  @Field(() => ID, { description: 'The wish.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The version the client saw; the step is refused with STALE_VERSION if the wish changed since.' })
  expectedVersion?: number;

  @Field(() => String, { nullable: true, description: 'Repeating the request with the same key returns the first result and changes nothing.' })
  idempotencyKey?: string;
}

@ArgsType()
class NoteArgs extends StepArgs {
  @Field(() => String, { nullable: true, description: 'What the actor writes on the timeline, at most 500 characters.' })
  note?: string;
}

@ArgsType()
class ReasonArgs extends StepArgs {
  @Field(() => String, { description: 'Why, at most 500 characters; the other side reads it on the timeline.' })
  reason!: string;
}

@ArgsType()
class ClaimArgs extends NoteArgs {
  @Field(() => ID, { nullable: true, description: 'The reporting unit (报到单位) community staff claim for; it must have reported in to the wish\'s community. Members and volunteers claim as themselves and leave it out.' })
  unitId?: string;
}

@ArgsType()
class FulfilArgs extends NoteArgs {
  @Field(() => Decimal, { description: 'Hours spent: more than 0, at most 24, two decimals at most; credited to the love bank when the resident confirms.' })
  hours!: string;
}

function step(ctx: Context, action: TransitionAction, args: StepArgs & Partial<NoteArgs & ReasonArgs & ClaimArgs & FulfilArgs>) {
  return runMutation(
    ctx,
    'wish',
    undefined,
    async (tx) => (await service.transitionWish(tx, ctx.viewer, action, args)).wish,
    { key: args.idempotencyKey, operation: `wish${action}:${args.id}`, reload: reloadWish(ctx) },
  );
}

/** Loads the wish a first request returned, for an idempotent repeat. */
function reloadWish(ctx: Context) {
  return (id: string) => {
    const decoded = fromGlobalId(id, 'Wish');
    return decoded ? L.wishById(ctx).load(decoded.key) : Promise.resolve(null);
  };
}

@Resolver()
export class WishQueryResolver {
  @Query(() => T.WishConnection, { description: 'Micro-wishes (微心愿) the viewer may see, newest first: staff those of their area, a resident their household\'s, a party member or volunteer the open orders and those they claimed.' })
  wishes(@Args(() => In.WishesArgs) args: In.WishesArgs, @Ctx() ctx: Context) {
    return service.listWishes(ctx, args);
  }

  @Query(() => T.WishConnection, { description: 'Open wishes (PUBLISHED) the viewer may see, nearest first: those of the grid itself, then by the distance between grid centres.' })
  openWishesNear(
    @Arg('grid', () => ID, { description: 'The grid to look around, e.g. where the member lives or works.' }) grid: string,
    @Args(() => ForwardPageArgs) args: ForwardPageArgs,
    @Ctx() ctx: Context,
  ) {
    return service.openWishesNear(ctx, grid, args);
  }
}

function can(ctx: Context, action: TransitionAction, wish: L.WishNode): boolean {
  return mayAct(action, wish, ctx.viewer);
}

@Resolver(() => T.Wish)
export class WishResolver {
  @FieldResolver(() => T.WishPersonalData, {
    nullable: true,
    description: 'The whole title and detail, ID card and mobile numbers included, for staff of its area: free text comes masked everywhere else. Each read is logged with the reason (PIPL); null outside the viewer\'s area.',
  })
  personalData(
    @Root() wish: L.WishNode,
    @Arg('reason', () => String, { description: 'Why you need the whole text, kept in the access log, e.g. "联系心愿人确认时间".' }) reason: string,
    @Ctx() ctx: Context,
  ) {
    return L.wishTextOf(ctx, wish.key, reason);
  }

  @FieldResolver(() => Grid, { description: 'The grid of the household.' })
  grid(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return gridById(ctx).load(wish.gridId);
  }

  @FieldResolver(() => Community, { description: 'The community that publishes it (社区下单).' })
  community(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(wish.communityId);
  }

  @FieldResolver(() => Street, { description: 'The street of the community.' })
  street(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return streetById(ctx).load(wish.streetId);
  }

  @FieldResolver(() => Household, { nullable: true, description: 'The household that wishes it; for staff over it and its residents only.' })
  household(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return householdById(ctx).load(wish.householdId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Where to go: the building\'s address. Null for a member or volunteer who has not claimed the wish.' })
  place(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return isParty(wish, ctx.viewer) ? L.placeOf(ctx, wish) : null;
  }

  @FieldResolver(() => Actor, { nullable: true, description: 'Who submitted it: the resident, or a grid worker for them. Null for a member or volunteer who has not claimed the wish.' })
  submitter(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return isParty(wish, ctx.viewer) ? { subject: wish.submitterSubject, role: wish.submitterRole } : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Global ID of the claimant: a PartyMember, a Volunteer or a ReportingUnit (see claimantKind); null until claimed, and for a party member who does not show the identity (亮身份) unless the viewer is that member or staff over them.' })
  claimantId(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return L.claimantIdOf(ctx, wish);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Name of the party member, volunteer or unit that claimed it; null until claimed, and for a party member who does not show the identity (亮身份) unless the viewer is that member or staff over them.' })
  claimantName(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return L.claimantNameOf(ctx, wish);
  }

  @FieldResolver(() => T.WishTransitionConnection, { nullable: true, description: 'The timeline: every step, oldest first. Null for a member or volunteer who has not claimed the wish.' })
  timeline(@Root() wish: L.WishNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return isParty(wish, ctx.viewer) ? childPage(ctx, L.timelineOfWish, args, wish.key) : null;
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may publish it now (wishPublish).' })
  viewerCanPublish(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return can(ctx, 'PUBLISH', wish);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may decline it now (wishDecline).' })
  viewerCanDecline(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return can(ctx, 'DECLINE', wish);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may claim it now (wishClaim), as themself or, for staff, for a reporting unit.' })
  viewerCanClaim(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return can(ctx, 'CLAIM', wish);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may report it fulfilled now (wishFulfil).' })
  viewerCanFulfil(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return can(ctx, 'FULFIL', wish);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may confirm it now (wishConfirm).' })
  viewerCanConfirm(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return can(ctx, 'CONFIRM', wish);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may dispute it now (wishDispute).' })
  viewerCanDispute(@Root() wish: L.WishNode, @Ctx() ctx: Context) {
    return can(ctx, 'DISPUTE', wish);
  }
}

@Resolver(() => T.WishTransition)
export class WishTransitionResolver {
  @FieldResolver(() => Actor, { description: 'Who took the step.' })
  actor(@Root() transition: L.TransitionNode) {
    return { subject: transition.actorSubject, role: transition.actorRole };
  }
}

@Resolver()
export class WishSubscriptionResolver {
  @Subscription(() => T.WishEvent, {
    description: 'Every step of the micro-wishes the viewer may follow, in order: the household, the staff above it and the claimant get each step; party members and volunteers also get each new open order. Pass the last `cursor` received as `after` to get what was missed, then live events, with no gap and no duplicate.',
    subscribe: ({ args, context }) => openWishEvents(context as Context, args.filter, args.after),
  })
  wishEvents(
    @Root() row: OutboxRow,
    @Arg('filter', () => In.WishEventFilter, { nullable: true, description: 'Which events; the viewer\'s scope applies as well.' }) _filter: In.WishEventFilter | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this event cursor.' }) _after: string | undefined,
    @Ctx() ctx: Context,
  ) {
    ctx.loaders.clear();
    return wishEventOf(row);
  }
}

@Resolver()
export class WishMutationResolver {
  @Mutation(() => T.WishPayload, { description: 'Submit a micro-wish (居民点单): a resident for their household, a grid worker for a household of their grids. Repeating it with the same idempotency key returns the first wish.' })
  wishSubmit(
    @Arg('input', () => In.WishSubmitInput, { description: 'What is wished, and for which household.' }) input: In.WishSubmitInput,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A key the client makes once per wish, so that a repeat over a flaky network submits once.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'wish', input, (tx) => service.submitWish(tx, ctx.viewer, input), {
      key: idempotencyKey,
      operation: 'wishSubmit',
      reload: reloadWish(ctx),
    });
  }

  @Mutation(() => T.WishPayload, { description: 'Publish a submitted wish as an open order (社区下单); community staff over it.' })
  wishPublish(@Args(() => NoteArgs) args: NoteArgs, @Ctx() ctx: Context) {
    return step(ctx, 'PUBLISH', args);
  }

  @Mutation(() => T.WishPayload, { description: 'Decline a submitted wish; the reason is required and the resident reads it.' })
  wishDecline(@Args(() => ReasonArgs) args: ReasonArgs, @Ctx() ctx: Context) {
    return step(ctx, 'DECLINE', args);
  }

  @Mutation(() => T.WishPayload, { description: 'Claim an open wish (接单): a party member or volunteer as themself, community staff for a reporting unit. Only one claim wins; a later one is refused with INVALID_TRANSITION.' })
  wishClaim(@Args(() => ClaimArgs) args: ClaimArgs, @Ctx() ctx: Context) {
    return step(ctx, 'CLAIM', args);
  }

  @Mutation(() => T.WishPayload, { description: 'The claimant reports the wish fulfilled, with the hours spent; again after a dispute.' })
  wishFulfil(@Args(() => FulfilArgs) args: FulfilArgs, @Ctx() ctx: Context) {
    return step(ctx, 'FULFIL', args);
  }

  @Mutation(() => T.WishPayload, { description: 'The resident confirms the wish fulfilled: the claimant\'s hours and points are credited to the love bank, and a unit\'s or member\'s service counts as a participation, once.' })
  wishConfirm(@Args(() => NoteArgs) args: NoteArgs, @Ctx() ctx: Context) {
    return step(ctx, 'CONFIRM', args);
  }

  @Mutation(() => T.WishPayload, { description: 'The resident disputes the fulfilment; the reason is required and the claimant fulfils again.' })
  wishDispute(@Args(() => ReasonArgs) args: ReasonArgs, @Ctx() ctx: Context) {
    return step(ctx, 'DISPUTE', args);
  }
}

export const wishResolvers = [
  WishQueryResolver, WishResolver, WishTransitionResolver, WishSubscriptionResolver, WishMutationResolver,
] as const;
