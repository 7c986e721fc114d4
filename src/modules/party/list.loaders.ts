import type { Context } from '../../context';
import { byIdLoader } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { communityListItems } from './party.tables';

export type CommunityListItemRow = typeof communityListItems.$inferSelect;

const listItemNode = nodeMapper<CommunityListItemRow>('CommunityListItem');
export const asCommunityListItem = (row: CommunityListItemRow) => ({ ...listItemNode(row), open: row.closedAt === null });
export type CommunityListItemNode = ReturnType<typeof asCommunityListItem>;

export const communityListItemById = (ctx: Context) => byIdLoader(ctx, 'CommunityListItem', communityListItems, asCommunityListItem);
