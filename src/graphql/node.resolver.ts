import { GraphQLError } from 'graphql';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { mayReadType } from '../auth/access';
import type { Context } from '../context';
import { badUserInput } from './errors';
import { fromGlobalId, isWellFormedId } from './ids';
import { Node, nodeLoader } from './node';
import { MAX_PAGE_SIZE } from './connection';

async function load(ctx: Context, id: string): Promise<object | null> {
  const decoded = fromGlobalId(id);
  const loader = decoded && nodeLoader(decoded.type);
  if (!decoded || !loader || !mayReadType(ctx.viewer, decoded.type)) return null;
  return loader(ctx, decoded.key);
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID; null when it does not exist or the viewer may not see it.' })
  async node(@Arg('id', () => ID, { description: 'Global ID of the object, as returned in any `id` field.' }) id: string, @Ctx() ctx: Context) {
    if (!isWellFormedId(id)) throw new GraphQLError(`"${id.slice(0, 60)}" is not an ID of this API.`, { extensions: { code: 'NOT_FOUND' } });
    return load(ctx, id);
  }

  @Query(() => [Node], { nullable: 'items', description: `Several objects by global ID, in the order asked (at most ${MAX_PAGE_SIZE}); null for each that does not exist or may not be seen.` })
  nodes(@Arg('ids', () => [ID], { description: 'Global IDs of the objects to fetch.' }) ids: string[], @Ctx() ctx: Context) {
    if (ids.length > MAX_PAGE_SIZE) throw badUserInput(`ids holds at most ${MAX_PAGE_SIZE} IDs.`, 'ids');
    return Promise.all(ids.map((id) => load(ctx, id)));
  }
}
