import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateScalar, Decimal } from '../../graphql/scalars';
import { committeeRole, remunerationKind } from './property.tables';

export const CommitteeRole = mirror(committeeRole.enumValues);
export type CommitteeRole = keyof typeof CommitteeRole;
registerEnumType(CommitteeRole, {
  name: 'CommitteeRole',
  description: 'Office on an owners\' committee (业委会).',
  valuesConfig: {
    CHAIR: { description: 'Chair (主任).' },
    VICE_CHAIR: { description: 'Vice-chair (副主任).' },
    MEMBER: { description: 'Member (委员).' },
  },
});

export const RemunerationKind = mirror(remunerationKind.enumValues);
export type RemunerationKind = keyof typeof RemunerationKind;
registerEnumType(RemunerationKind, {
  name: 'RemunerationKind',
  description: 'How the property company is paid out of the owners\' fees (阳光透明酬金制).',
  valuesConfig: {
    PERCENTAGE_OF_INCOME: { description: 'A percentage of each month\'s fee income.' },
    FIXED_MONTHLY: { description: 'A fixed amount each month.' },
  },
});

@ObjectType({ implements: Node, description: 'A residential compound (小区), governed by its owners\' committee, property company and grid party branch.', simpleResolvers: true })
export class Compound extends Node {
  @Field(() => String, { description: 'Name, e.g. "幸福家园".' })
  name!: string;

  @Field(() => String, { description: 'Postal address.' })
  address!: string;

  gridId!: number;
  communityId!: number;
  partyOrganisationId!: number | null;
}

@ObjectType({ description: 'A member of an owners\' committee; names of committee members are public (公示).', simpleResolvers: true })
export class CommitteeMember {
  @Field(() => String, { description: 'Name.' })
  name!: string;

  @Field(() => CommitteeRole, { description: 'Office.' })
  role!: CommitteeRole;

  @Field(() => Boolean, { description: 'A party member (党员).' })
  partyMember!: boolean;
}

@ObjectType({ implements: Node, description: 'An owners\' committee (业委会) for one term.', simpleResolvers: true })
export class OwnersCommittee extends Node {
  @Field(() => DateScalar, { description: 'First day of the term.' })
  termStartsOn!: string;

  @Field(() => DateScalar, { description: 'Last day of the term; a re-election (换届) is due by then.' })
  termEndsOn!: string;

  @Field(() => Boolean, { description: 'The term covers today.' })
  current!: boolean;

  compoundId!: number;
  electedInVoteId!: number | null;
}

@ObjectType({ implements: Node, description: 'A property service company (物业服务企业).', simpleResolvers: true })
export class PropertyCompany extends Node {
  @Field(() => String, { description: 'Registered name.' })
  name!: string;

  @Field(() => String, { description: 'Unified social credit code (统一社会信用代码), 18 characters.' })
  creditCode!: string;

  @Field(() => String, { nullable: true, description: 'Service phone: the company\'s published service number, not personal data, so shown whole.' })
  phone!: string | null;
}

@ObjectType({ description: 'The rule that pays the company out of the owners\' fees.', simpleResolvers: true })
export class RemunerationRule {
  @Field(() => RemunerationKind, { description: 'Percentage or fixed.' })
  kind!: RemunerationKind;

  @Field(() => Decimal, { nullable: true, description: 'Percent of the month\'s fee income, e.g. "10.00", for PERCENTAGE_OF_INCOME.' })
  percent!: string | null;

  @Field(() => Decimal, { nullable: true, description: 'Yuan each month, for FIXED_MONTHLY.' })
  monthlyAmount!: string | null;
}

@ObjectType({ implements: Node, description: 'A property service contract (物业服务合同) between a compound and a company.', simpleResolvers: true })
export class PropertyContract extends Node {
  @Field(() => DateScalar, { description: 'First day of service.' })
  startsOn!: string;

  @Field(() => DateScalar, { description: 'Last day of service.' })
  endsOn!: string;

  @Field(() => RemunerationRule, { description: 'The remuneration (酬金) rule.' })
  remuneration!: RemunerationRule;

  @Field(() => Boolean, { description: 'The contract covers today.' })
  current!: boolean;

  compoundId!: number;
  companyId!: number;
}

@ObjectType({ description: 'The governance triad (三方治理) of a compound at a glance.', simpleResolvers: true })
export class CompoundTriadCounts {
  @Field(() => Int, { description: 'Households (owners) in the compound.' })
  households!: number;

  @Field(() => Decimal, { description: 'Their total floor area in m²: the base of every owners\' vote.' })
  floorArea!: string;
}

export const CompoundConnection = Connection(Compound, 'Compound', 'A page of compounds.');
export const PropertyCompanyConnection = Connection(PropertyCompany, 'PropertyCompany', 'A page of property companies.');
export const CompoundPayload = Payload(Compound, 'compound', 'Compound');
export const PropertyCompanyPayload = Payload(PropertyCompany, 'propertyCompany', 'PropertyCompany');
export const PropertyContractPayload = Payload(PropertyContract, 'propertyContract', 'PropertyContract');
export const OwnersCommitteePayload = Payload(OwnersCommittee, 'ownersCommittee', 'OwnersCommittee');
