import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context';
import type { OutboxRow } from '../../events/outbox';
import { fromGlobalId } from '../../graphql/ids';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { Actor } from '../../auth/actor';
import { compoundById, type CompoundNode } from './compound.loaders';
import { Compound, RemunerationRule } from './compound.types';
import { disclosureEventOf, openDisclosureEvents } from './disclosure.events';
import * as In from './disclosure.inputs';
import * as L from './disclosure.loaders';
import * as service from './disclosure.service';
import * as T from './disclosure.types';
import { ledgerMonthAt, type LedgerMonthNode } from './ledger.loaders';
import { basisPointsToPercent, fenToYuan } from './ledger.rules';
import { LedgerMonth } from './ledger.types';

registerNodeType('Disclosure', (ctx, key) => L.disclosureById(ctx).load(key));

@Resolver()
export class DisclosureQueryResolver {
  @Query(() => T.DisclosureConnection, { description: 'A compound\'s published disclosures (月度公示), every version, in publication order: the order of the hash chain.' })
  disclosures(@Args(() => In.DisclosuresArgs) args: In.DisclosuresArgs, @Ctx() ctx: Context) {
    return service.listDisclosures(ctx, args);
  }

  @Query(() => T.DisclosureChainVerification, {
    nullable: true,
    description: 'Recompute a compound\'s disclosure hash chain (公示哈希链校验): each version\'s SHA-256 from its stored content, and each link to the version before, in publication order. Names the first broken link. Null when the compound does not exist or the viewer may not read it.',
  })
  disclosureChainVerify(
    @Arg('compoundId', () => ID, { description: 'The compound.' }) compoundId: string,
    @Arg('heldHash', () => String, { nullable: true, description: 'A contentHash kept from an earlier notice or a printed board; the check also fails when no version has it any more (versions cut from the end).' }) heldHash: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return service.verifyDisclosureChain(ctx, compoundId, heldHash);
  }
}

@Resolver()
export class DisclosureMutationResolver {
  @Mutation(() => T.DisclosurePayload, {
    description: 'Publish a month (月度公示): the compound\'s owners\' committee confirms the ledger the company submitted and freezes it into disclosure version 1, chained to the compound\'s previous version and pushed to subscribers. Months are published in order.',
  })
  disclosurePublish(
    @Arg('compoundId', () => ID, { description: 'The compound.' }) compoundId: string,
    @Arg('month', () => String, { description: 'The month, `YYYY-MM`.' }) month: string,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'Repeating the request with the same key returns the first result and changes nothing.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'disclosure', undefined, (tx) => service.publishDisclosure(tx, ctx.viewer, compoundId, month), {
      key: idempotencyKey, operation: `disclosurePublish:${compoundId}:${month}`, reload: reloadDisclosure(ctx),
    });
  }

  @Mutation(() => T.DisclosurePayload, {
    description: 'Correct a published month (更正): the compound\'s owners\' committee publishes the corrected ledger as a new version with its reason, through the same balance rule; earlier versions stay readable.',
  })
  disclosureCorrect(
    @Arg('input', () => In.DisclosureCorrectInput, { description: 'The month, the corrected lines and balance, and the reason.' }) input: In.DisclosureCorrectInput,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'Repeating the request with the same key returns the first result and changes nothing.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'disclosure', input, (tx) => service.correctDisclosure(tx, ctx.viewer, input), {
      key: idempotencyKey, operation: `disclosureCorrect:${input.compoundId}:${input.month}`, reload: reloadDisclosure(ctx),
    });
  }
}

function reloadDisclosure(ctx: Context) {
  return (id: string) => {
    const decoded = fromGlobalId(id, 'Disclosure');
    return decoded ? L.disclosureById(ctx).load(decoded.key) : Promise.resolve(null);
  };
}

@Resolver(() => T.Disclosure)
export class DisclosureResolver {
  @FieldResolver(() => Compound, { description: 'The compound.' })
  compound(@Root() disclosure: L.DisclosureNode, @Ctx() ctx: Context) {
    return compoundById(ctx).load(disclosure.compoundId);
  }

  @FieldResolver(() => Actor, { description: 'Who published this version (the owners\' committee), as recorded in its content.' })
  publishedBy(@Root() disclosure: L.DisclosureNode) {
    const recorded = (disclosure.content as { publishedBy?: { subject?: unknown; role?: unknown } }).publishedBy;
    return { subject: disclosure.publishedBy, role: typeof recorded?.role === 'string' ? recorded.role : 'OWNERS_COMMITTEE' };
  }

  @FieldResolver(() => RemunerationRule, { nullable: true, description: 'The contract\'s remuneration rule (酬金规则) as published with this version.' })
  remunerationRule(@Root() disclosure: L.DisclosureNode) {
    const rule = ((disclosure.content as { contract?: { remuneration?: Record<string, unknown> } }).contract?.remuneration) ?? null;
    if (!rule) return null;
    const monthly = rule.monthly as { fen?: unknown } | null;
    return {
      kind: rule.kind,
      percent: typeof rule.basisPoints === 'number' ? basisPointsToPercent(rule.basisPoints) : null,
      monthlyAmount: monthly && typeof monthly.fen === 'number' ? fenToYuan(monthly.fen) : null,
    };
  }

  @FieldResolver(() => Boolean, { description: 'This is the newest version of its month: the figures in force.' })
  async isLatest(@Root() disclosure: L.DisclosureNode, @Ctx() ctx: Context) {
    const versions = await L.versionsOfMonth(ctx, disclosure.compoundId, disclosure.monthStart);
    return versions.every((v) => v.version <= disclosure.version);
  }

  @FieldResolver(() => [T.Disclosure], { description: 'Every version of the same month, oldest first (this one included).' })
  versions(@Root() disclosure: L.DisclosureNode, @Ctx() ctx: Context) {
    return L.versionsOfMonth(ctx, disclosure.compoundId, disclosure.monthStart);
  }

  @FieldResolver(() => LedgerMonth, { nullable: true, description: 'The ledger month as it stands now (the newest version\'s figures).' })
  ledgerMonth(@Root() disclosure: L.DisclosureNode, @Ctx() ctx: Context) {
    return ledgerMonthAt(ctx, disclosure.compoundId, disclosure.monthStart);
  }
}

@Resolver(() => LedgerMonth)
export class LedgerMonthDisclosureResolver {
  @FieldResolver(() => [T.Disclosure], { description: 'The published versions of this month, oldest first; empty while it is a draft.' })
  disclosures(@Root() month: LedgerMonthNode, @Ctx() ctx: Context) {
    return L.versionsOfMonth(ctx, month.compoundId, month.monthStart);
  }
}

@Resolver(() => Compound)
export class CompoundDisclosureResolver {
  @FieldResolver(() => T.DisclosureConnection, { description: 'The compound\'s disclosures (月度公示), every version, in publication order.' })
  disclosures(@Root() compound: CompoundNode, @Args(() => In.CompoundDisclosuresArgs) args: In.CompoundDisclosuresArgs, @Ctx() ctx: Context) {
    const filter = args.filter;
    const list = { ...L.disclosuresOfCompound(ctx.viewer, service.disclosureFilter(filter)), name: `Compound.disclosures:${filter?.month ?? ''}:${filter?.latestOnly ?? ''}` };
    return childPage(ctx, list, args, compound.key);
  }
}

@Resolver(() => T.DisclosureEvent)
export class DisclosureEventResolver {
  @FieldResolver(() => Compound, { description: 'The compound whose month was published.' })
  compound(@Root() event: T.DisclosureEvent, @Ctx() ctx: Context) {
    return compoundById(ctx).load(event.compoundId);
  }

  @FieldResolver(() => Actor, { description: 'Who published it.' })
  actor(@Root() event: T.DisclosureEvent) {
    return { subject: event.actorSubject, role: event.actorRole };
  }
}

@Resolver()
export class DisclosureSubscriptionResolver {
  @Subscription(() => T.DisclosureEvent, {
    description: 'Each publication and correction of the disclosures the viewer may read, in order: residents, committee and company of the compound, community and street staff, city-wide integrators. Pass the last `cursor` received as `after` to get what was missed, then live events, with no gap and no duplicate.',
    subscribe: ({ args, context }) => openDisclosureEvents(context as Context, args.filter, args.after),
  })
  disclosurePublished(
    @Root() row: OutboxRow,
    @Arg('filter', () => In.DisclosureEventFilter, { nullable: true, description: 'Which compounds: one compound, or the compounds of a community or street. The viewer\'s scope applies as well.' }) _filter: In.DisclosureEventFilter | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this event cursor.' }) _after: string | undefined,
    @Ctx() ctx: Context,
  ) {
    ctx.loaders.clear();
    return disclosureEventOf(row);
  }
}

export const disclosureResolvers = [
  DisclosureQueryResolver, DisclosureMutationResolver, DisclosureResolver, LedgerMonthDisclosureResolver, CompoundDisclosureResolver,
  DisclosureEventResolver, DisclosureSubscriptionResolver,
] as const;
