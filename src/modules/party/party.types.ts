import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { partyOrganisationKind } from './party.tables';

export const PartyOrganisationKind = mirror(partyOrganisationKind.enumValues);
export type PartyOrganisationKind = keyof typeof PartyOrganisationKind;
registerEnumType(PartyOrganisationKind, {
  name: 'PartyOrganisationKind',
  description: 'Level of a party organisation (党组织).',
  valuesConfig: {
    COMMUNITY_COMMITTEE: { description: 'Community party committee (社区党委).' },
    GENERAL_BRANCH: { description: 'Community general branch (社区党总支).' },
    GRID_BRANCH: { description: 'Grid party branch (网格党支部); supervises the compounds of its grid.' },
    BUILDING_GROUP: { description: 'Building party group (楼宇党小组).' },
  },
});

@ObjectType({ implements: Node, description: 'A party organisation (党组织) in the community, grid or building tree.', simpleResolvers: true })
export class PartyOrganisation extends Node {
  @Field(() => PartyOrganisationKind, { description: 'Its level.' })
  kind!: PartyOrganisationKind;

  @Field(() => String, { description: 'Name, e.g. "幸福家园网格党支部".' })
  name!: string;

  parentId!: number | null;
  communityId!: number;
  gridId!: number | null;
  buildingId!: number | null;
}

export const PartyOrganisationConnection = Connection(PartyOrganisation, 'PartyOrganisation', 'A page of party organisations.');
