import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { fromGlobalId } from '../../graphql/ids';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { communityListItemById } from './list.loaders';
import { CommunityListItem } from './list.types';
import * as In from './participation.inputs';
import { participationById, type ParticipationNode } from './participation.loaders';
import * as service from './participation.service';
import { Participation, ParticipationPayload } from './participation.types';
import { reportInById } from './reportin.loaders';
import { ReportIn } from './reportin.types';

registerNodeType('Participation', (ctx, key) => participationById(ctx).load(key));

@Resolver(() => Participation)
export class ParticipationResolver {
  @FieldResolver(() => ReportIn, { nullable: true, description: 'The report-in that served.' })
  reportIn(@Root() participation: ParticipationNode, @Ctx() ctx: Context) {
    return reportInById(ctx).load(participation.reportInId);
  }

  @FieldResolver(() => CommunityListItem, { nullable: true, description: 'The project (项目清单) it served in, if any.' })
  project(@Root() participation: ParticipationNode, @Ctx() ctx: Context) {
    return participation.projectId === null ? null : communityListItemById(ctx).load(participation.projectId);
  }
}

@Resolver()
export class ParticipationMutationResolver {
  @Mutation(() => ParticipationPayload, { description: 'Record one time a report-in served its community (参与): by the community secretary or a grid worker over it.' })
  participationRecord(
    @Arg('input', () => In.ParticipationRecordInput, { description: 'The report-in, the day, and what was done.' }) input: In.ParticipationRecordInput,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A key the client makes once per participation, so that a repeated request records it once.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'participation', input, (tx) => service.recordParticipation(tx, ctx.viewer, input), {
      key: idempotencyKey,
      operation: 'participationRecord',
      reload: (id) => {
        const decoded = fromGlobalId(id, 'Participation');
        return decoded ? participationById(ctx).load(decoded.key) : Promise.resolve(null);
      },
    });
  }
}

export const participationResolvers = [ParticipationResolver, ParticipationMutationResolver] as const;
