import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Actor } from '../../auth/actor';
import type { Context } from '../../context';
import { ForwardPageArgs, PageArgs } from '../../graphql/connection';
import { fromGlobalId, toGlobalId } from '../../graphql/ids';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { DateScalar } from '../../graphql/scalars';
import { communityById } from '../grid/grid.loaders';
import { Community } from '../grid/grid.types';
import * as bank from './bank.service';
import * as In from './volunteer.inputs';
import * as L from './volunteer.loaders';
import * as merchant from './merchant.service';
import { mayReadMerchantBooks } from './volunteer.rules';
import * as T from './volunteer.types';
import { FreeText } from '../../graphql/free-text';

registerNodeType('Merchant', (ctx, key) => L.merchantById(ctx).load(key));
registerNodeType('MerchantItem', (ctx, key) => L.itemById(ctx).load(key));
registerNodeType('Redemption', (ctx, key) => L.redemptionById(ctx).load(key));
registerNodeType('LedgerMovement', (ctx, key) => L.movementById(ctx).load(key));
registerNodeType('LedgerEntry', (ctx, key) => L.entryById(ctx).load(key), 'bigserial');
registerNodeType('PointRate', (ctx, key) => L.pointRateById(ctx).load(key));

/** Loads what a first request returned, for an idempotent repeat. */
export function reloader<T>(typename: string, loader: (ctx: Context) => { load(key: number): Promise<T> }, ctx: Context) {
  return (id: string) => {
    const decoded = fromGlobalId(id, typename);
    return decoded ? loader(ctx).load(decoded.key) : Promise.resolve(null);
  };
}

@Resolver()
export class BankQueryResolver {
  @Query(() => T.MerchantConnection, { description: 'Partner merchants (联盟商户) of the love bank, where points are spent. Public.' })
  merchants(@Args(() => In.MerchantsArgs) args: In.MerchantsArgs, @Ctx() ctx: Context) {
    return merchant.listMerchants(ctx, args);
  }

  @Query(() => T.PointRateConnection, { description: 'The published points-per-hour rates, latest first; each applies from its day until the next. Public.' })
  pointRates(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return bank.listPointRates(ctx, args);
  }

  @Query(() => [T.VolunteerLeaderboardEntry], { description: 'A community\'s volunteers ranked by what they earned in a period (光荣榜). Public: names, hours and points earned, nothing else.' })
  volunteerLeaderboard(
    @Arg('community', () => ID, { description: 'The community.' }) community: string,
    @Arg('from', () => DateScalar, { description: 'First day of the period (in China), inclusive.' }) from: string,
    @Arg('to', () => DateScalar, { description: 'Last day of the period (in China), inclusive.' }) to: string,
    @Arg('by', () => T.LeaderboardMeasure, { defaultValue: T.LeaderboardMeasure.HOURS, description: 'Rank by hours or by points earned.' }) by: T.LeaderboardMeasure,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many places, 1 to 100.' }) first: number,
    @Ctx() ctx: Context,
  ) {
    return bank.leaderboard(ctx, { community, from, to, by, first });
  }

  @Query(() => T.LedgerVerification, { description: 'Checks the whole love-bank ledger: every movement must balance per asset (double entry). Names any that does not.' })
  ledgerVerify(@Ctx() ctx: Context) {
    return bank.verifyLedger(ctx);
  }
}

@Resolver(() => T.Merchant)
export class MerchantResolver {
  @FieldResolver(() => Community, { description: 'The community the shop is in.' })
  community(@Root() m: L.MerchantNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(m.communityId);
  }

  @FieldResolver(() => T.MerchantItemConnection, { description: 'What the merchant offers for points, in the order added.' })
  items(@Root() m: L.MerchantNode, @Args(() => In.MerchantItemsArgs) args: In.MerchantItemsArgs, @Ctx() ctx: Context) {
    return childPage(ctx, L.itemsOfMerchant(args.includeInactive), args, m.key);
  }

  @FieldResolver(() => T.RedemptionConnection, { nullable: true, description: 'Redemptions at its counter, newest first: for the merchant itself and the staff above it; null for anyone else.' })
  redemptions(@Root() m: L.MerchantNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return mayReadMerchantBooks(ctx.viewer, m) ? childPage(ctx, L.redemptionsOfMerchant, args, m.key) : null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Points it has taken, net of reversals (the sum of its account\'s entries): for the merchant itself and the staff above it; null for anyone else.' })
  async pointsReceived(@Root() m: L.MerchantNode, @Ctx() ctx: Context) {
    return mayReadMerchantBooks(ctx.viewer, m) ? (await L.balanceOfMerchant(ctx).load(m.key)).points : null;
  }
}

@Resolver(() => T.MerchantItem)
export class MerchantItemResolver {
  @FieldResolver(() => T.Merchant, { description: 'The merchant that offers it.' })
  merchant(@Root() item: L.ItemNode, @Ctx() ctx: Context) {
    return L.merchantById(ctx).load(item.merchantId);
  }
}

@Resolver(() => T.Redemption)
export class RedemptionResolver {
  @FieldResolver(() => String, { description: 'Name of the volunteer who redeemed, for the counter.' })
  volunteerName(@Root() r: L.RedemptionNode, @Ctx() ctx: Context) {
    return L.volunteerNameById(ctx).load(r.volunteerId);
  }

  @FieldResolver(() => T.Volunteer, { nullable: true, description: 'The volunteer\'s record, for those who may read it.' })
  volunteer(@Root() r: L.RedemptionNode, @Ctx() ctx: Context) {
    return L.volunteerById(ctx).load(r.volunteerId);
  }

  @FieldResolver(() => T.Merchant, { description: 'Where the points were spent.' })
  merchant(@Root() r: L.RedemptionNode, @Ctx() ctx: Context) {
    return L.merchantById(ctx).load(r.merchantId);
  }

  @FieldResolver(() => T.MerchantItem, { description: 'What was bought.' })
  item(@Root() r: L.RedemptionNode, @Ctx() ctx: Context) {
    return L.itemById(ctx).load(r.itemId);
  }

  @FieldResolver(() => T.LedgerMovement, { nullable: true, description: 'The movement that paid it.' })
  movement(@Root() r: L.RedemptionNode, @Ctx() ctx: Context) {
    return L.movementOfRedemption(ctx).load(r.key);
  }

  @FieldResolver(() => Boolean, { description: 'Its movement was reversed: the points went back to the volunteer.' })
  async reversed(@Root() r: L.RedemptionNode, @Ctx() ctx: Context) {
    const movement = await L.movementOfRedemption(ctx).load(r.key);
    return movement !== null && (await L.reversalOf(ctx).load(movement.key)) !== null;
  }
}

@Resolver(() => T.LedgerMovement)
export class LedgerMovementResolver {
  @FieldResolver(() => [T.LedgerEntry], { description: 'Its entries, in the order written; they sum to zero per asset.' })
  entries(@Root() m: L.MovementNode, @Ctx() ctx: Context) {
    return L.entriesOfMovement(ctx).load(m.key);
  }

  @FieldResolver(() => T.LedgerMovement, { nullable: true, description: 'For a reversal: the movement it corrects.' })
  reverses(@Root() m: L.MovementNode, @Ctx() ctx: Context) {
    return m.reversesId === null ? null : L.movementById(ctx).load(m.reversesId);
  }

  @FieldResolver(() => T.LedgerMovement, { nullable: true, description: 'The reversal that corrected this movement, if any.' })
  reversedBy(@Root() m: L.MovementNode, @Ctx() ctx: Context) {
    return L.reversalOf(ctx).load(m.key);
  }

  @FieldResolver(() => Actor, { description: 'Who wrote it: the organiser who confirmed, the volunteer who redeemed, the staff who corrected.' })
  actor(@Root() m: L.MovementNode) {
    return { subject: m.actorSubject, role: m.actorRole };
  }

  @FieldResolver(() => T.VolunteerActivity, { nullable: true, description: 'The activity whose attendance it credited (or whose credit it reverses).' })
  activity(@Root() m: L.MovementNode, @Ctx() ctx: Context) {
    return m.signupId === null ? null : L.activityOfSignup(ctx).load(m.signupId);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Global ID of the micro-wish (微心愿) whose fulfilment it credited (or whose credit it reverses).' })
  wishId(@Root() m: L.MovementNode) {
    return m.wishId === null ? null : toGlobalId('Wish', m.wishId);
  }

  @FieldResolver(() => T.Redemption, { nullable: true, description: 'The redemption it paid (or whose payment it reverses).' })
  redemption(@Root() m: L.MovementNode, @Ctx() ctx: Context) {
    return m.redemptionId === null ? null : L.redemptionById(ctx).load(m.redemptionId);
  }
}

@Resolver(() => T.LedgerEntry)
export class LedgerEntryResolver {
  @FieldResolver(() => T.LedgerMovement, { description: 'The movement it belongs to.' })
  movement(@Root() e: L.EntryNode, @Ctx() ctx: Context) {
    return L.movementById(ctx).load(e.movementId);
  }

  @FieldResolver(() => T.MovementKind, { description: 'What its movement was: attendance, wish, redemption or reversal.' })
  async kind(@Root() e: L.EntryNode, @Ctx() ctx: Context) {
    return (await L.movementById(ctx).load(e.movementId))?.kind;
  }

  @FreeText()
  @FieldResolver(() => String, { nullable: true, description: 'Its movement\'s note: the activity\'s title, the item bought, the reason of a reversal.' })
  async note(@Root() e: L.EntryNode, @Ctx() ctx: Context) {
    return (await L.movementById(ctx).load(e.movementId))?.note ?? null;
  }

  @FieldResolver(() => T.BankAccountKind, { description: 'Whose account it is on.' })
  async accountKind(@Root() e: L.EntryNode, @Ctx() ctx: Context) {
    return (await L.accountById(ctx).load(e.accountId))?.kind;
  }

  @FieldResolver(() => T.VolunteerActivity, { nullable: true, description: 'What it was for: the activity attended.' })
  async activity(@Root() e: L.EntryNode, @Ctx() ctx: Context) {
    const movement = await L.movementById(ctx).load(e.movementId);
    return movement?.signupId ? L.activityOfSignup(ctx).load(movement.signupId) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'What it was for: the global ID of the micro-wish fulfilled.' })
  async wishId(@Root() e: L.EntryNode, @Ctx() ctx: Context) {
    const movement = await L.movementById(ctx).load(e.movementId);
    return movement?.wishId ? toGlobalId('Wish', movement.wishId) : null;
  }

  @FieldResolver(() => T.Redemption, { nullable: true, description: 'What it was for: the redemption paid.' })
  async redemption(@Root() e: L.EntryNode, @Ctx() ctx: Context) {
    const movement = await L.movementById(ctx).load(e.movementId);
    return movement?.redemptionId ? L.redemptionById(ctx).load(movement.redemptionId) : null;
  }

  @FieldResolver(() => Boolean, { description: 'Its movement was reversed (冲正) later: the entry stands, and a mirror entry cancels it.' })
  async reversed(@Root() e: L.EntryNode, @Ctx() ctx: Context) {
    return (await L.reversalOf(ctx).load(e.movementId)) !== null;
  }
}

@Resolver(() => T.LedgerImbalance)
export class LedgerImbalanceResolver {
  @FieldResolver(() => T.LedgerMovement, { nullable: true, description: 'The movement, if the viewer may read it.' })
  movement(@Root() u: T.LedgerImbalance, @Ctx() ctx: Context) {
    return L.movementById(ctx).load(u.movementKey);
  }
}

@Resolver()
export class BankMutationResolver {
  @Mutation(() => T.PointRatePayload, { description: 'Publish a points-per-hour rate (积分兑换比例) from a day on, today or later: city administrators. Service already done keeps the rate of its day.' })
  pointRatePublish(@Arg('input', () => In.PointRatePublishInput, { description: 'The rate and its first day.' }) input: In.PointRatePublishInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'pointRate', input, (tx) => bank.publishPointRate(tx, ctx.viewer, input));
  }

  @Mutation(() => T.MerchantPayload, { description: 'Sign up a partner merchant (联盟商户) in a community: the street office above it, or the city.' })
  merchantCreate(@Arg('input', () => In.MerchantCreateInput, { description: 'The shop.' }) input: In.MerchantCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'merchant', input, (tx) => merchant.createMerchant(tx, ctx.viewer, input));
  }

  @Mutation(() => T.MerchantItemPayload, { description: 'Offer a new item for points: the merchant of the token, for itself.' })
  merchantItemCreate(@Arg('input', () => In.MerchantItemCreateInput, { description: 'The item.' }) input: In.MerchantItemCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'item', input, (tx) => merchant.createItem(tx, ctx.viewer, input));
  }

  @Mutation(() => T.MerchantItemPayload, { description: 'Change one of the merchant\'s own items: name, price, stock, or withdraw it.' })
  merchantItemUpdate(
    @Arg('id', () => ID, { description: 'The item.' }) id: string,
    @Arg('input', () => In.MerchantItemUpdateInput, { description: 'What changes.' }) input: In.MerchantItemUpdateInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'item', input, (tx) => merchant.updateItem(tx, ctx.viewer, id, input));
  }

  @Mutation(() => T.RedemptionPayload, { description: 'Spend points on an item (积分兑换): a volunteer, or a party member with banked service, for themself. Refused with INSUFFICIENT_BALANCE when the points do not cover it, CAPACITY_REACHED when out of stock. A repeat with the same idempotency key returns the first redemption and spends nothing again.' })
  redemptionCreate(
    @Arg('input', () => In.RedemptionCreateInput, { description: 'The item and how many.' }) input: In.RedemptionCreateInput,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A key the phone makes once per purchase, so that a repeat over a flaky network spends once.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'redemption', input, (tx) => merchant.redeem(tx, ctx.viewer, input), {
      key: idempotencyKey, operation: 'redemptionCreate', reload: reloader('Redemption', L.redemptionById, ctx),
    });
  }

  @Mutation(() => T.LedgerMovementPayload, { description: 'Correct a movement with its mirror image (冲正): the staff above the volunteer. The original stays; a reversed attendance can be confirmed again, a reversed redemption returns the points and the stock. Refused when it was reversed already or the points were spent. Answers the reversal.' })
  ledgerReverse(@Args(() => In.LedgerReverseArgs) args: In.LedgerReverseArgs, @Ctx() ctx: Context) {
    return runMutation(ctx, 'movement', undefined, (tx) => bank.reverse(tx, ctx.viewer, args), {
      key: args.idempotencyKey, operation: `ledgerReverse:${args.movementId}`, reload: reloader('LedgerMovement', L.movementById, ctx),
    });
  }
}

export const bankResolvers = [
  BankQueryResolver, MerchantResolver, MerchantItemResolver, RedemptionResolver, LedgerMovementResolver, LedgerEntryResolver,
  LedgerImbalanceResolver, BankMutationResolver,
] as const;
