import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { fromGlobalId } from '../../graphql/ids';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { communityById, gridById, staffMemberById } from '../grid/grid.loaders';
import { Community, Grid, StaffMember } from '../grid/grid.types';
import * as In from './appraisal.inputs';
import * as service from './appraisal.service';
import * as T from './appraisal.types';
import * as star from './star.service';

registerNodeType('WorkerPointEntry', (ctx, key) => service.pointEntryById(ctx.db, ctx.viewer, key));
registerNodeType('WorkerRating', (ctx, key) => service.ratingById(ctx.db, ctx.viewer, key));
registerNodeType('CommunityPeerReview', (ctx, key) => star.peerReviewById(ctx.db, ctx.viewer, key));

@Resolver()
export class WorkerAppraisalQueryResolver {
  @Query(() => [T.WorkerAppraisal], { description: 'The appraisal of every grid worker serving in a unit during a period (网格员考核), as the viewer may see it: staff their unit\'s, a grid worker their own.' })
  workerAppraisals(
    @Arg('unit', () => ID, { description: 'District, street, community or grid.' }) unit: string,
    @Arg('period', () => In.WorkerAppraisalPeriodInput, { description: 'Exactly one of month, quarter or year.' }) period: In.WorkerAppraisalPeriodInput,
    @Ctx() ctx: Context,
  ) {
    return service.workerAppraisals(ctx.db, ctx.viewer, service.appraisalUnit(unit), service.appraisalPeriod(period));
  }

  @Query(() => T.WorkerAppraisalRules, { description: 'The rule figures of the grid-worker appraisal: daily-points rules and weights.' })
  workerAppraisalRules(@Ctx() ctx: Context) {
    return service.appraisalRules(ctx.db);
  }

  @Query(() => T.CommunityStarRules, { description: 'The rule figures of the community star rating: weights and the disclosure due day.' })
  communityStarRules(@Ctx() ctx: Context) {
    return star.starRules(ctx.db);
  }

  @Query(() => T.CommunityStarRatingRound, { description: 'The star rating (评星定级) of the communities of a street or district for a year: public once published; before that, the figures as they stand for those who publish it and its secretaries.' })
  communityStarRatings(
    @Arg('unit', () => ID, { description: 'A street or a district.' }) unit: string,
    @Arg('year', () => Int, { description: 'The year rated.' }) year: number,
    @Ctx() ctx: Context,
  ) {
    const starUnit = star.starUnit(unit, 'unit');
    star.checkYear(year);
    return star.starRound(ctx.db, ctx.viewer, starUnit, year);
  }
}

@Resolver()
export class WorkerAppraisalMutationResolver {
  @Mutation(() => T.WorkerAppraisalRulesPayload, { description: 'Replace the rule figures of the grid-worker appraisal.' })
  workerAppraisalRulesSet(@Arg('input', () => In.WorkerAppraisalRulesInput, { description: 'The whole rule set.' }) input: In.WorkerAppraisalRulesInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'workerAppraisalRules', input, (tx) => service.setAppraisalRules(tx, ctx.viewer, input));
  }

  @Mutation(() => T.CommunityStarRulesPayload, { description: 'Replace the rule figures of the community star rating.' })
  communityStarRulesSet(@Arg('input', () => In.CommunityStarRulesInput, { description: 'The whole rule set.' }) input: In.CommunityStarRulesInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'communityStarRules', input, (tx) => star.setStarRules(tx, ctx.viewer, input));
  }

  @Mutation(() => T.WorkerPointEntryPayload, { description: 'Record daily points by hand for a grid worker of the recorder\'s unit (日常积分登记): meetings, training, complaints.' })
  dailyPointRecord(
    @Arg('input', () => In.DailyPointRecordInput, { description: 'Worker, day, rule and quantity.' }) input: In.DailyPointRecordInput,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A key the client makes once per entry, so that a repeat records once.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'workerPointEntry', input, (tx) => service.recordPoints(tx, ctx.viewer, input), {
      key: idempotencyKey,
      operation: 'dailyPointRecord',
      reload: (id) => {
        const decoded = fromGlobalId(id, 'WorkerPointEntry');
        return decoded ? service.pointEntryById(ctx.db, ctx.viewer, decoded.key) : Promise.resolve(null);
      },
    });
  }

  @Mutation(() => T.WorkerRatingPayload, { description: 'A resident rates a grid worker of their household\'s grid for the current quarter (民主测评); rating again in the quarter replaces the household\'s rating.' })
  workerRate(@Arg('input', () => In.WorkerRateInput, { description: 'Worker, score and comment.' }) input: In.WorkerRateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'workerRating', input, (tx) => service.rateWorker(tx, ctx.viewer, input));
  }

  @Mutation(() => T.CommunityPeerReviewPayload, { description: 'A community secretary scores another community of the street for a year (互评), once.' })
  communityPeerReviewSubmit(@Arg('input', () => In.CommunityPeerReviewInput, { description: 'Community, year and score.' }) input: In.CommunityPeerReviewInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'communityPeerReview', input, (tx) => star.submitPeerReview(tx, ctx.viewer, input));
  }

  @Mutation(() => T.CommunityStarRatingRoundPayload, { description: 'Publish the star rating of a street\'s or district\'s communities for a year that has ended; once, and for good.' })
  communityStarRatingPublish(
    @Arg('unit', () => ID, { description: 'A street or a district.' }) unit: string,
    @Arg('year', () => Int, { description: 'The year rated.' }) year: number,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'communityStarRatingRound', undefined, (tx) => star.publishRound(tx, ctx.viewer, unit, year));
  }
}

@Resolver(() => T.WorkerAppraisal)
export class WorkerAppraisalResolver {
  @FieldResolver(() => StaffMember, { description: 'The worker appraised.' })
  staffMember(@Root() a: T.WorkerAppraisal, @Ctx() ctx: Context) {
    return staffMemberById(ctx).load(a.staffMemberId);
  }

  @FieldResolver(() => [Grid], { description: 'The grids the worker served in the unit during the period.' })
  async grids(@Root() a: T.WorkerAppraisal, @Ctx() ctx: Context) {
    return (await gridById(ctx).loadMany(a.gridIds)).filter((g) => g && !(g instanceof Error));
  }
}

@Resolver(() => T.WorkerPointEntry)
export class WorkerPointEntryResolver {
  @FieldResolver(() => StaffMember, { description: 'The worker the points are for.' })
  staffMember(@Root() e: T.WorkerPointEntry, @Ctx() ctx: Context) {
    return staffMemberById(ctx).load(e.staffMemberId);
  }
}

@Resolver(() => T.WorkerRating)
export class WorkerRatingResolver {
  @FieldResolver(() => StaffMember, { description: 'The worker rated.' })
  staffMember(@Root() r: T.WorkerRating, @Ctx() ctx: Context) {
    return staffMemberById(ctx).load(r.staffMemberId);
  }
}

@Resolver(() => T.CommunityPeerReview)
export class CommunityPeerReviewResolver {
  @FieldResolver(() => Community, { description: 'The community reviewed.' })
  community(@Root() r: T.CommunityPeerReview, @Ctx() ctx: Context) {
    return communityById(ctx).load(r.communityId);
  }
}

@Resolver(() => T.CommunityStarRating)
export class CommunityStarRatingResolver {
  @FieldResolver(() => Community, { description: 'The community rated.' })
  community(@Root() r: T.CommunityStarRating, @Ctx() ctx: Context) {
    return communityById(ctx).load(r.communityId);
  }
}

@Resolver(() => Community)
export class CommunityStarResolver {
  @FieldResolver(() => T.CommunityStarRating, { nullable: true, description: 'The published star rating (评星定级) of the community for a year; null until published.' })
  starRating(
    @Root() community: { key: number },
    @Arg('year', () => Int, { description: 'The year rated.' }) year: number,
    @Ctx() ctx: Context,
  ) {
    return star.starRatingOf(ctx, community.key, year);
  }
}

export const workerAppraisalResolvers = [
  WorkerAppraisalQueryResolver, WorkerAppraisalMutationResolver, WorkerAppraisalResolver, WorkerPointEntryResolver, WorkerRatingResolver,
  CommunityPeerReviewResolver, CommunityStarRatingResolver, CommunityStarResolver,
] as const;
