import { ArrayMaxSize, IsNotEmpty, Length, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/connection';
import { DateScalar, Decimal } from '../../graphql/scalars';
import { CommitteeRole, RemunerationKind } from './compound.types';

@InputType({ description: 'Filter for compounds.' })
export class CompoundFilter {
  @Field(() => ID, { nullable: true, description: 'Only compounds under this district, street, community or grid (sub-grids included).' })
  within?: string;

  @Field(() => String, { nullable: true, description: 'Name contains this text.' })
  nameContains?: string;
}

@ArgsType()
export class CompoundsArgs extends PageArgs {
  @Field(() => CompoundFilter, { nullable: true, description: 'Which compounds.' })
  filter?: CompoundFilter;
}

@InputType({ description: 'A new residential compound (小区) over buildings of one grid.' })
export class CompoundCreateInput {
  @Field(() => ID, { description: 'The grid the compound lies in ("one compound, one grid" 一小区一网格).' })
  gridId!: string;

  @Field(() => String, { description: 'Name, e.g. "幸福家园".' })
  @IsNotEmpty({ message: 'A name is required.' })
  @MaxLength(100, { message: 'A name has at most 100 characters.' })
  name!: string;

  @Field(() => String, { description: 'Postal address.' })
  @IsNotEmpty({ message: 'An address is required.' })
  @MaxLength(200, { message: 'An address has at most 200 characters.' })
  address!: string;

  @Field(() => [ID], { description: 'Buildings of the grid (or its sub-grids) that belong to the compound; their households become its owners.' })
  @ArrayMaxSize(500)
  buildingIds!: string[];

  @Field(() => ID, { nullable: true, description: 'The grid party branch (网格党支部) that supervises it.' })
  partyOrganisationId?: string;
}

@InputType({ description: 'A property service company (物业服务企业).' })
export class PropertyCompanyCreateInput {
  @Field(() => String, { description: 'Registered name.' })
  @IsNotEmpty({ message: 'A name is required.' })
  @MaxLength(100, { message: 'A name has at most 100 characters.' })
  name!: string;

  @Field(() => String, { description: 'Unified social credit code (统一社会信用代码, GB 32100), 18 characters.' })
  @Length(18, 18, { message: 'A unified social credit code has 18 characters.' })
  creditCode!: string;

  @Field(() => String, { nullable: true, description: 'Service phone.' })
  @MaxLength(30)
  phone?: string;
}

@InputType({ description: 'A property service contract and its remuneration rule (酬金).' })
export class PropertyContractCreateInput {
  @Field(() => ID, { description: 'The compound served.' })
  compoundId!: string;

  @Field(() => ID, { description: 'The company.' })
  companyId!: string;

  @Field(() => DateScalar, { description: 'First day of service.' })
  startsOn!: string;

  @Field(() => DateScalar, { description: 'Last day of service.' })
  endsOn!: string;

  @Field(() => RemunerationKind, { description: 'Percentage of income, or a fixed monthly amount.' })
  remunerationKind!: RemunerationKind;

  @Field(() => Decimal, { nullable: true, description: 'Percent of the monthly fee income, 0 to 100, for PERCENTAGE_OF_INCOME.' })
  percent?: string;

  @Field(() => Decimal, { nullable: true, description: 'Yuan per month, for FIXED_MONTHLY.' })
  monthlyAmount?: string;
}

@InputType({ description: 'A member of a committee being recorded.' })
export class CommitteeMemberInput {
  @Field(() => ID, { description: 'The resident, an owner in the compound.' })
  residentId!: string;

  @Field(() => CommitteeRole, { description: 'Office.' })
  role!: CommitteeRole;
}

@InputType({ description: 'Record a committee that was elected outside this system (an existing term).' })
export class OwnersCommitteeRecordInput {
  @Field(() => ID, { description: 'The compound.' })
  compoundId!: string;

  @Field(() => DateScalar, { description: 'First day of the term.' })
  termStartsOn!: string;

  @Field(() => DateScalar, { description: 'Last day of the term.' })
  termEndsOn!: string;

  @Field(() => [CommitteeMemberInput], { description: 'Its members: one chair, any vice-chairs and members.' })
  @ArrayMaxSize(25)
  members!: CommitteeMemberInput[];
}
