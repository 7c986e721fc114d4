import { and, inArray, sql } from 'drizzle-orm';
import { scopeCondition } from '../../auth/scope';
import type { Context } from '../../context';
import { OrderDirection } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { revealPersonalData, type PersonalDataSource } from '../audit/personal-data';
import { maskPhone } from '../grid/identity';
import { MEMBER_UNITS, memberScope } from './party.scope';
import { partyMembers } from './party.tables';

export type PartyMemberRow = typeof partyMembers.$inferSelect;

const memberNode = nodeMapper<PartyMemberRow>('PartyMember');
/** A member as served: the phone is shown, masked, only while the member shows the identity; `personalData` reveals it. */
export const asPartyMember = (row: PartyMemberRow) => ({
  ...memberNode(row),
  phone: row.showsIdentity && row.phone !== null ? maskPhone(row.phone) : null,
});
export type PartyMemberNode = ReturnType<typeof asPartyMember>;

export const partyMemberById = (ctx: Context) => byIdLoader(ctx, 'PartyMember', partyMembers, asPartyMember, memberScope(ctx.viewer));

/** Whole phones of members placed in the viewer's area: showing the identity publicly does not open them to everyone. */
export const PARTY_MEMBER_PERSONAL_DATA: PersonalDataSource<{ phone: string | null }> = {
  subjectType: 'PartyMember',
  readable: (ctx, keys) => sql`select ${partyMembers.id} as id, ${partyMembers.phone} as phone
    from ${partyMembers} where ${and(inArray(partyMembers.id, [...keys]), scopeCondition(ctx.viewer, MEMBER_UNITS))}`,
  map: (row) => ({ phone: row.phone as string | null }),
};

export function personalDataOfMember(ctx: Context, memberKey: number, reason: string) {
  return revealPersonalData(ctx, PARTY_MEMBER_PERSONAL_DATA, memberKey, reason);
}

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
