import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { communityById } from '../grid/grid.loaders';
import { Community } from '../grid/grid.types';
import * as In from './list.inputs';
import { communityListItemById, type CommunityListItemNode } from './list.loaders';
import * as service from './list.service';
import { CommunityListItem, CommunityListItemConnection, CommunityListItemPayload } from './list.types';
import { reportInById, reportingUnitById, unitOfReportIn } from './reportin.loaders';
import { ReportIn, ReportingUnit } from './reportin.types';

registerNodeType('CommunityListItem', (ctx, key) => communityListItemById(ctx).load(key));

@Resolver()
export class CommunityListQueryResolver {
  @Query(() => CommunityListItemConnection, { description: 'A community\'s needs, resources and projects lists (需求/资源/项目清单), newest first. Public.' })
  communityListItems(@Args(() => In.CommunityListItemsArgs) args: In.CommunityListItemsArgs, @Ctx() ctx: Context) {
    return service.listCommunityListItems(ctx, args);
  }
}

@Resolver(() => CommunityListItem)
export class CommunityListItemResolver {
  @FieldResolver(() => Community, { description: 'The community whose list it is on.' })
  community(@Root() item: CommunityListItemNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(item.communityId);
  }

  @FieldResolver(() => ReportIn, { nullable: true, description: 'The report-in that offers a resource or undertakes a project, for staff over it and the member; null for a need.' })
  reportIn(@Root() item: CommunityListItemNode, @Ctx() ctx: Context) {
    return item.reportInId === null ? null : reportInById(ctx).load(item.reportInId);
  }

  @FieldResolver(() => ReportingUnit, { nullable: true, description: 'The unit behind that report-in, public; null for a need and for a member\'s offer.' })
  async unit(@Root() item: CommunityListItemNode, @Ctx() ctx: Context) {
    if (item.reportInId === null) return null;
    const unitId = await unitOfReportIn(ctx, item.reportInId);
    return unitId === null ? null : reportingUnitById(ctx).load(unitId);
  }

  @FieldResolver(() => CommunityListItem, { nullable: true, description: 'For a project: the need it meets.' })
  need(@Root() item: CommunityListItemNode, @Ctx() ctx: Context) {
    return item.needId === null ? null : communityListItemById(ctx).load(item.needId);
  }

  @FieldResolver(() => CommunityListItem, { nullable: true, description: 'For a project: the resource it uses.' })
  resource(@Root() item: CommunityListItemNode, @Ctx() ctx: Context) {
    return item.resourceId === null ? null : communityListItemById(ctx).load(item.resourceId);
  }
}

@Resolver()
export class CommunityListMutationResolver {
  @Mutation(() => CommunityListItemPayload, { description: 'Put a need, a resource or a project on a community\'s lists (三张清单).' })
  communityListItemAdd(
    @Arg('input', () => In.CommunityListItemAddInput, { description: 'The list, the entry, and what it is offered by or matches.' }) input: In.CommunityListItemAddInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'communityListItem', input, (tx) => service.addCommunityListItem(tx, ctx.viewer, input));
  }

  @Mutation(() => CommunityListItemPayload, { description: 'Close an entry: a need met, a resource used up, a project finished.' })
  communityListItemClose(@Arg('id', () => ID, { description: 'The entry.' }) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, 'communityListItem', undefined, (tx) => service.closeCommunityListItem(tx, ctx.viewer, id));
  }
}

export const communityListResolvers = [CommunityListQueryResolver, CommunityListItemResolver, CommunityListMutationResolver] as const;
