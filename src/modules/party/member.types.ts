import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime } from '../../graphql/scalars';
import { partyMemberKind } from './party.tables';
import { FreeText } from '../../graphql/free-text';

export const PartyMemberKind = mirror(partyMemberKind.enumValues);
export type PartyMemberKind = keyof typeof PartyMemberKind;
registerEnumType(PartyMemberKind, {
  name: 'PartyMemberKind',
  description: 'Where a party member (党员) is organised.',
  valuesConfig: {
    RESIDENT: { description: 'A resident member, placed in the grid they live in (党员入网格).' },
    IN_SERVICE: { description: 'An in-service member (在职党员) of a reporting unit, who reports in where they live (双报到).' },
  },
});

@ObjectType({ implements: Node, description: 'A party member (党员) placed in a grid. Public when the member shows the identity (亮身份); otherwise only staff over their grid and the member see them.', simpleResolvers: true })
export class PartyMember extends Node {
  @Field(() => String, { description: 'Name.' })
  name!: string;

  @Field(() => PartyMemberKind, { description: 'Resident member, or in-service member of a reporting unit.' })
  kind!: PartyMemberKind;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'The duty shown with the identity, e.g. "党员先锋岗 · 环境整治".' })
  duty!: string | null;

  @Field(() => Boolean, { description: 'The member shows the identity publicly (亮身份): name, duty, grid and phone are public.' })
  showsIdentity!: boolean;

  @Field(() => String, { nullable: true, description: 'Contact phone, masked (`138****5678`), shown only while the member shows the identity; null otherwise. `personalData` reveals it whole to the staff over the member.' })
  phone!: string | null;

  @Field(() => DateTime, { description: 'When the member was registered here.' })
  createdAt!: Date;

  districtId!: number;
  streetId!: number;
  communityId!: number;
  gridId!: number;
  organisationId!: number | null;
  residentId!: number | null;
  workUnitId!: number | null;
}

@ObjectType({ description: 'A party member\'s whole contact data. Every read is written to the access log with its reason.', simpleResolvers: true })
export class PartyMemberPersonalData {
  @Field(() => String, { nullable: true, description: 'Whole mobile number; null when none is recorded.' })
  phone!: string | null;
}

export const PartyMemberConnection = Connection(PartyMember, 'PartyMember', 'A page of party members.');
export const PartyMemberPayload = Payload(PartyMember, 'partyMember', 'PartyMember');
