import { ArrayMaxSize, IsNotEmpty, MaxLength, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ForwardPageArgs, PageArgs } from '../../graphql/connection';
import { DateTime } from '../../graphql/scalars';
import { ResidentTag, StaffRole } from '../grid/grid.types';
import { IncidentCategory } from '../incident/incident.types';
import { VisitKind } from './visit.types';

const MAX_NOTES = 2000;
const MAX_DESCRIPTION = 2000;
export const MAX_FINDINGS = 20;

@InputType({ description: 'Something the visit found.' })
export class VisitFindingInput {
  @Field(() => IncidentCategory, { description: 'What it is about, as an incident would be classed.' })
  category!: IncidentCategory;

  @Field(() => String, { description: `What the visitor found, at most ${MAX_DESCRIPTION} characters.` })
  @IsNotEmpty({ message: 'Describe the finding.' })
  @MaxLength(MAX_DESCRIPTION, { message: `A finding has at most ${MAX_DESCRIPTION} characters.` })
  description!: string;

  @Field(() => Boolean, { nullable: true, description: 'Report it as an incident now, in the same step (事件上报); false when omitted.' })
  reportAsIncident?: boolean;
}

@InputType({ description: 'A visit to log (走访记录).' })
export class VisitLogInput {
  @Field(() => ID, { description: 'The household visited.' })
  householdId!: string;

  @Field(() => VisitKind, { description: 'Why it was visited.' })
  kind!: VisitKind;

  @Field(() => DateTime, { description: 'When the visit took place: not in the future, and within the logging window (visitDutyRules.loggingWindowDays).' })
  visitedAt!: Date;

  @Field(() => String, { nullable: true, description: `What the visitor noted, at most ${MAX_NOTES} characters.` })
  @MaxLength(MAX_NOTES, { message: `Notes have at most ${MAX_NOTES} characters.` })
  notes?: string;

  @Field(() => [VisitFindingInput], { nullable: true, description: `What the visit found, at most ${MAX_FINDINGS}.` })
  @ArrayMaxSize(MAX_FINDINGS, { message: `At most ${MAX_FINDINGS} findings per visit.` })
  @ValidateNested({ each: true })
  findings?: VisitFindingInput[];
}

@InputType({ description: 'The visit-duty rule figures, all of them (they replace the current ones).' })
export class VisitDutyRulesInput {
  @Field(() => Int, { description: 'Distinct households a worker visits each month, 0 to 1,000.' })
  minimumHouseholdsPerMonth!: number;

  @Field(() => [ResidentTag], { description: 'Resident tags that make a household special; at least one.' })
  specialTags!: ResidentTag[];

  @Field(() => Int, { description: 'Months per special-visit period: 1, 2, 3, 4, 6 or 12.' })
  specialVisitMonths!: number;

  @Field(() => Int, { description: 'Months per data-refresh period: 1, 2, 3, 4, 6 or 12.' })
  dataRefreshMonths!: number;

  @Field(() => [StaffRole], { description: 'The staff roles the duty applies to; at least one.' })
  workerRoles!: StaffRole[];

  @Field(() => Int, { description: 'How many days back a visit may be logged, 1 to 366.' })
  loggingWindowDays!: number;
}

@InputType({ description: 'Filter for household visits.' })
export class VisitFilter {
  @Field(() => ID, { nullable: true, description: 'Only visits under this district, street, community, grid (sub-grids included) or household.' })
  within?: string;

  @Field(() => ID, { nullable: true, description: 'Only visits to this household.' })
  householdId?: string;

  @Field(() => ID, { nullable: true, description: 'Only visits by this staff member.' })
  staffMemberId?: string;

  @Field(() => [VisitKind], { nullable: true, description: 'Only these kinds.' })
  kinds?: VisitKind[];

  @Field(() => DateTime, { nullable: true, description: 'Visited at or after this time.' })
  from?: Date;

  @Field(() => DateTime, { nullable: true, description: 'Visited before this time.' })
  to?: Date;
}

@ArgsType()
export class VisitsArgs extends PageArgs {
  @Field(() => VisitFilter, { nullable: true, description: 'Which visits; the viewer\'s scope applies as well. Newest first.' })
  filter?: VisitFilter;
}

@ArgsType()
export class HouseholdDutyArgs extends ForwardPageArgs {
  @Field(() => Boolean, { nullable: true, description: 'true: only households that owe a rule whose period has ended; false: only the others.' })
  overdue?: boolean;
}
