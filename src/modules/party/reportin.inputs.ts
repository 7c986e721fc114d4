import { IsNotEmpty, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/connection';
import { ReportingUnitKind } from './reportin.types';

@InputType({ description: 'Filter for reporting units.' })
export class ReportingUnitFilter {
  @Field(() => [ReportingUnitKind], { nullable: true, description: 'Only these kinds.' })
  kinds?: ReportingUnitKind[];

  @Field(() => String, { nullable: true, description: 'Name contains this text.' })
  nameContains?: string;
}

@ArgsType()
export class ReportingUnitsArgs extends PageArgs {
  @Field(() => ReportingUnitFilter, { nullable: true, description: 'Which units.' })
  filter?: ReportingUnitFilter;
}

@InputType({ description: 'A new reporting unit (报到单位).' })
export class ReportingUnitCreateInput {
  @Field(() => String, { description: 'Registered name, unique, at most 100 characters.' })
  @IsNotEmpty({ message: 'A name is required.' })
  @MaxLength(100, { message: 'A name has at most 100 characters.' })
  name!: string;

  @Field(() => ReportingUnitKind, { description: 'Kind of organisation.' })
  kind!: ReportingUnitKind;

  @Field(() => String, { nullable: true, description: 'The person who keeps contact with the communities.' })
  @MaxLength(50, { message: 'A contact name has at most 50 characters.' })
  contactName?: string;

  @Field(() => String, { nullable: true, description: 'That person\'s phone: a mobile number, or a landline such as "0543-3161234".' })
  @MaxLength(20, { message: 'A phone number has at most 20 characters.' })
  contactPhone?: string;
}

@InputType({ description: 'Filter for report-ins.' })
export class ReportInFilter {
  @Field(() => ID, { nullable: true, description: 'Only report-ins under this district, street, community, grid (sub-grids included) or building.' })
  within?: string;

  @Field(() => ID, { nullable: true, description: 'Only the report-ins of this reporting unit.' })
  unitId?: string;

  @Field(() => ID, { nullable: true, description: 'Only the report-ins of this party member.' })
  memberId?: string;

  @Field(() => Boolean, { nullable: true, description: 'Only active (true) or only withdrawn (false) report-ins.' })
  active?: boolean;
}

@ArgsType()
export class ReportInsArgs extends PageArgs {
  @Field(() => ReportInFilter, { nullable: true, description: 'Which report-ins; the viewer\'s scope applies as well.' })
  filter?: ReportInFilter;
}

@InputType({ description: 'A report-in (双报到): exactly one of unitId and memberId, and exactly one place — a community, a grid or a building; the community and grid follow from the place.' })
export class ReportInRegisterInput {
  @Field(() => ID, { nullable: true, description: 'The reporting unit that reports in.' })
  unitId?: string;

  @Field(() => ID, { nullable: true, description: 'The in-service member (在职党员) who reports in, where they live.' })
  memberId?: string;

  @Field(() => ID, { nullable: true, description: 'Report in to this community.' })
  communityId?: string;

  @Field(() => ID, { nullable: true, description: 'Report in to this grid of a community.' })
  gridId?: string;

  @Field(() => ID, { nullable: true, description: 'Report in to this building of a community.' })
  buildingId?: string;
}
