import { MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/connection';
import { PartyMemberKind } from './member.types';

export const MAX_DUTY_LENGTH = 60;

@InputType({ description: 'Filter for party members.' })
export class PartyMemberFilter {
  @Field(() => ID, { nullable: true, description: 'Only members placed under this district, street, community or grid (sub-grids included).' })
  within?: string;

  @Field(() => ID, { nullable: true, description: 'Only members of this party organisation and of the organisations below it.' })
  organisationId?: string;

  @Field(() => [PartyMemberKind], { nullable: true, description: 'Only these kinds.' })
  kinds?: PartyMemberKind[];

  @Field(() => Boolean, { nullable: true, description: 'Only members who show (true) or do not show (false) the identity.' })
  showsIdentity?: boolean;
}

@ArgsType()
export class PartyMembersArgs extends PageArgs {
  @Field(() => PartyMemberFilter, { nullable: true, description: 'Which members; members who do not show the identity are listed only to staff over them and to themselves.' })
  filter?: PartyMemberFilter;
}

@InputType({ description: 'A party member to register: a resident member (give residentId), or an in-service member of a reporting unit (give workUnitId, and residentId if they live in the city, else name and gridId).' })
export class PartyMemberRegisterInput {
  @Field(() => ID, { nullable: true, description: 'The resident who is the member; name, grid and community are taken from the resident. A resident is registered once.' })
  residentId?: string;

  @Field(() => ID, { nullable: true, description: 'The reporting unit an in-service member (在职党员) works for.' })
  workUnitId?: string;

  @Field(() => String, { nullable: true, description: 'Name of an in-service member who is not a recorded resident; not given with residentId.' })
  @MaxLength(50, { message: 'A name has at most 50 characters.' })
  name?: string;

  @Field(() => ID, { nullable: true, description: 'The grid an in-service member who is not a recorded resident is placed in; not given with residentId.' })
  gridId?: string;

  @Field(() => ID, { nullable: true, description: 'The branch or building group of the member\'s community the member belongs to.' })
  organisationId?: string;

  @Field(() => String, { nullable: true, description: 'Contact phone, a mainland mobile number; public only while the member shows the identity.' })
  @MaxLength(20, { message: 'A phone number has at most 20 characters.' })
  phone?: string;

  @Field(() => String, { nullable: true, description: `The duty shown with the identity, at most ${MAX_DUTY_LENGTH} characters.` })
  @MaxLength(MAX_DUTY_LENGTH, { message: `A duty has at most ${MAX_DUTY_LENGTH} characters.` })
  duty?: string;

  @Field(() => Boolean, { nullable: true, description: 'Whether the member shows the identity (亮身份) from the start; false when omitted.' })
  showsIdentity?: boolean;
}

@InputType({ description: 'Changes to a party member. Staff over the member change any of these; the member changes only duty and showsIdentity. Omitted fields stay as they are.' })
export class PartyMemberUpdateInput {
  @Field(() => ID, { nullable: true, description: 'The branch or building group of the member\'s community; null leaves every organisation of the community.' })
  organisationId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The grid the member is placed in; the community follows the grid, and the organisation is left when the community changes and no new one is given.' })
  gridId?: string | null;

  @Field(() => String, { nullable: true, description: `The duty shown with the identity, at most ${MAX_DUTY_LENGTH} characters; null or blank clears it.` })
  @MaxLength(MAX_DUTY_LENGTH, { message: `A duty has at most ${MAX_DUTY_LENGTH} characters.` })
  duty?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the member shows the identity publicly (亮身份): the member\'s own choice.' })
  showsIdentity?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Contact phone, a mainland mobile number; null clears it.' })
  @MaxLength(20, { message: 'A phone number has at most 20 characters.' })
  phone?: string | null;
}
