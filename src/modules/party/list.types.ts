import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime } from '../../graphql/scalars';
import { communityListKind } from './party.tables';
import { FreeText } from '../../graphql/free-text';

export const CommunityListKind = mirror(communityListKind.enumValues);
export type CommunityListKind = keyof typeof CommunityListKind;
registerEnumType(CommunityListKind, {
  name: 'CommunityListKind',
  description: 'The three lists of a community\'s supply-demand ledger (三张清单).',
  valuesConfig: {
    NEED: { description: 'Needs list (需求清单): what residents need.' },
    RESOURCE: { description: 'Resources list (资源清单): what a reported-in unit or member offers.' },
    PROJECT: { description: 'Projects list (项目清单): a need matched to a resource, undertaken by the report-in that offers it.' },
  },
});

@ObjectType({ implements: Node, description: 'An entry of a community\'s needs, resources or projects list. Public.', simpleResolvers: true })
export class CommunityListItem extends Node {
  @Field(() => CommunityListKind, { description: 'Which list it is on.' })
  kind!: CommunityListKind;

  @FreeText()
  @Field(() => String, { description: 'One line, e.g. "老年人助餐" or "义诊进社区".' })
  title!: string;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'Details.' })
  detail!: string | null;

  @Field(() => Boolean, { description: 'Not closed yet.' })
  open!: boolean;

  @Field(() => DateTime, { nullable: true, description: 'When the community closed it (met, used up or finished); null while open.' })
  closedAt!: Date | null;

  @Field(() => DateTime, { description: 'When it was put on the list.' })
  createdAt!: Date;

  communityId!: number;
  reportInId!: number | null;
  needId!: number | null;
  resourceId!: number | null;
}

export const CommunityListItemConnection = Connection(CommunityListItem, 'CommunityListItem', 'A page of community list entries.');
export const CommunityListItemPayload = Payload(CommunityListItem, 'communityListItem', 'CommunityListItem');
