import type { Context } from '../../context';
import { OrderDirection } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { partyOrganisations } from './party.tables';

export type PartyOrganisationRow = typeof partyOrganisations.$inferSelect;
export const asPartyOrganisation = nodeMapper<PartyOrganisationRow>('PartyOrganisation');
export type PartyOrganisationNode = ReturnType<typeof asPartyOrganisation>;

export const partyOrganisationById = (ctx: Context) => byIdLoader(ctx, 'PartyOrganisation', partyOrganisations, asPartyOrganisation);

export const childrenOfPartyOrganisation: ChildList<PartyOrganisationRow, PartyOrganisationNode> = {
  name: 'PartyOrganisation.children',
  table: partyOrganisations,
  parentColumn: partyOrganisations.parentId,
  parentKey: 'parentId',
  ordering: { column: partyOrganisations.id, key: 'id', direction: OrderDirection.ASC },
  map: asPartyOrganisation,
};
