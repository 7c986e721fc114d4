import type { Context } from '../../context';
import { OrderDirection } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { compoundKeyScope } from './property.scope';
import { majorMatters, majorMatterTransitions } from './property.tables';

export type MatterRow = typeof majorMatters.$inferSelect;
export type MatterTransitionRow = typeof majorMatterTransitions.$inferSelect;
export const asMatter = nodeMapper<MatterRow>('MajorMatter');
export type MatterNode = ReturnType<typeof asMatter>;
export const asMatterTransition = nodeMapper<MatterTransitionRow>('MajorMatterTransition');

export const matterById = (ctx: Context) => byIdLoader(ctx, 'MajorMatter', majorMatters, asMatter, compoundKeyScope(ctx.viewer, majorMatters.compoundId));

export const timelineOfMatter: ChildList<MatterTransitionRow, ReturnType<typeof asMatterTransition>> = {
  name: 'MajorMatter.timeline',
  table: majorMatterTransitions,
  parentColumn: majorMatterTransitions.matterId,
  parentKey: 'matterId',
  ordering: { column: majorMatterTransitions.id, key: 'id', direction: OrderDirection.ASC },
  map: asMatterTransition,
};
