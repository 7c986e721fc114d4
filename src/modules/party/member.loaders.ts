import type { Context } from '../../context';
import { OrderDirection } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { memberScope } from './party.scope';
import { partyMembers } from './party.tables';

export type PartyMemberRow = typeof partyMembers.$inferSelect;

const memberNode = nodeMapper<PartyMemberRow>('PartyMember');
/** A member as served: the phone leaves the database only while the member shows the identity. */
export const asPartyMember = (row: PartyMemberRow) => ({ ...memberNode(row), phone: row.showsIdentity ? row.phone : null });
export type PartyMemberNode = ReturnType<typeof asPartyMember>;

export const partyMemberById = (ctx: Context) => byIdLoader(ctx, 'PartyMember', partyMembers, asPartyMember, memberScope(ctx.viewer));

export function membersOfOrganisation(ctx: Context): ChildList<PartyMemberRow, PartyMemberNode> {
  return {
    name: 'PartyOrganisation.members',
    table: partyMembers,
    parentColumn: partyMembers.organisationId,
    parentKey: 'organisationId',
    ordering: { column: partyMembers.id, key: 'id', direction: OrderDirection.ASC },
    map: asPartyMember,
    where: memberScope(ctx.viewer),
  };
}
