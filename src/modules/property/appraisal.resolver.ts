import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../graphql/errors';
import { runMutation } from '../../graphql/payload';
import * as In from './appraisal.inputs';
import * as service from './appraisal.service';
import * as T from './appraisal.types';
import type { CompoundNode } from './compound.loaders';
import { Compound } from './compound.types';

@Resolver(() => Compound)
export class CompoundAppraisalResolver {
  @FieldResolver(() => T.ServiceAppraisal, { nullable: true, description: 'The appraisal of the property service in a quarter; null before anyone scored, or when the viewer may not see it.' })
  serviceAppraisal(
    @Root() compound: CompoundNode,
    @Arg('quarter', () => String, { description: 'The quarter, e.g. "2026-Q3".' }) quarter: string,
    @Ctx() ctx: Context,
  ) {
    if (!/^\d{4}-Q[1-4]$/.test(quarter)) throw badUserInput('quarter is written like "2026-Q3".', 'quarter');
    return service.appraisalOf(ctx.db, ctx.viewer, compound.key, quarter);
  }
}

@Resolver()
export class AppraisalMutationResolver {
  @Mutation(() => T.ServiceAppraisalPayload, { description: 'The committee\'s or the party branch\'s score of a quarter\'s property service; giving it again replaces it.' })
  serviceAppraisalScore(@Arg('input', () => In.AppraisalScoreInput, { description: 'Compound, quarter, source and score.' }) input: In.AppraisalScoreInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'serviceAppraisal', input, (tx) => service.scoreService(tx, ctx.viewer, input));
  }

  @Mutation(() => T.ServiceAppraisalPayload, { description: 'A resident\'s score of their compound\'s property service for a quarter: one per household, changeable.' })
  serviceAppraisalResidentScore(@Arg('input', () => In.ResidentAppraisalInput, { description: 'Quarter and score.' }) input: In.ResidentAppraisalInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'serviceAppraisal', input, (tx) => service.scoreByResident(tx, ctx.viewer, input));
  }

  @Mutation(() => T.ServiceAppraisalPayload, { description: 'Set the weights of a quarter\'s appraisal (default 40 / 40 / 20).' })
  serviceAppraisalWeightsSet(@Arg('input', () => In.AppraisalWeightsInput, { description: 'Compound, quarter and weights.' }) input: In.AppraisalWeightsInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'serviceAppraisal', input, (tx) => service.setWeights(tx, ctx.viewer, input));
  }
}

export const appraisalResolvers = [CompoundAppraisalResolver, AppraisalMutationResolver] as const;
