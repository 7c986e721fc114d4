import { ArrayMaxSize, IsNotEmpty, Matches, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { OrderDirection, PageArgs } from '../../graphql/connection';
import { DateTime } from '../../graphql/scalars';
import type { IncidentAction } from './incident.machine';
import { IncidentAction as IncidentActionEnum, IncidentCategory, IncidentPriority, IncidentStatus } from './incident.types';

export type IncidentActionName = IncidentAction;

@InputType({ description: 'A new incident. Give the location (the grid is found from it) or the grid.' })
export class IncidentReportInput {
  @Field(() => IncidentCategory, { description: 'What it is about; decides the deadline and who it is dispatched to.' })
  category!: IncidentCategory;

  @Field(() => String, { description: 'One-line summary, at most 100 characters.' })
  @IsNotEmpty({ message: 'A title is required.' })
  @MaxLength(100, { message: 'A title has at most 100 characters.' })
  title!: string;

  @Field(() => String, { description: 'What the reporter saw, at most 2,000 characters.' })
  @IsNotEmpty({ message: 'A description is required.' })
  @MaxLength(2000, { message: 'A description has at most 2,000 characters.' })
  description!: string;

  @Field(() => [String], { nullable: true, description: 'Photo URLs (http or https), at most 9.' })
  @ArrayMaxSize(9, { message: 'At most 9 photos.' })
  photoUrls?: string[];

  @Field(() => Float, { nullable: true, description: 'WGS-84 longitude of the place.' })
  @Min(-180, { message: 'Longitude lies in [-180, 180].' })
  @Max(180, { message: 'Longitude lies in [-180, 180].' })
  longitude?: number;

  @Field(() => Float, { nullable: true, description: 'WGS-84 latitude of the place.' })
  @Min(-90, { message: 'Latitude lies in [-90, 90].' })
  @Max(90, { message: 'Latitude lies in [-90, 90].' })
  latitude?: number;

  @Field(() => ID, { nullable: true, description: 'The grid, when there is no location.' })
  gridId?: string;

  @Field(() => ID, { nullable: true, description: 'The household concerned, if any (staff only; a resident\'s own household is taken from the token).' })
  householdId?: string;

  @Field(() => IncidentPriority, { nullable: true, description: 'How urgent; NORMAL when omitted.' })
  priority?: IncidentPriority;
}

@InputType({ description: 'Filter for incidents.' })
export class IncidentFilter {
  @Field(() => ID, { nullable: true, description: 'Only incidents under this district, street, community, grid (sub-grids included) or household.' })
  within?: string;

  @Field(() => [IncidentStatus], { nullable: true, description: 'Only these statuses.' })
  statuses?: IncidentStatus[];

  @Field(() => [IncidentCategory], { nullable: true, description: 'Only these categories.' })
  categories?: IncidentCategory[];

  @Field(() => ID, { nullable: true, description: 'Only incidents whose lead department is this one.' })
  departmentId?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: only open incidents past their deadline; false: only the others.' })
  overdue?: boolean;

  @Field(() => DateTime, { nullable: true, description: 'Reported at or after this time.' })
  reportedFrom?: Date;

  @Field(() => DateTime, { nullable: true, description: 'Reported at or before this time.' })
  reportedTo?: Date;
}

export enum IncidentOrderField {
  REPORTED_AT = 'REPORTED_AT',
  DEADLINE = 'DEADLINE',
}
registerEnumType(IncidentOrderField, {
  name: 'IncidentOrderField',
  description: 'Sort key of incidents.',
  valuesConfig: { REPORTED_AT: { description: 'Report order.' }, DEADLINE: { description: 'Deadline, soonest first with ASC.' } },
});

@InputType({ description: 'Order of incidents; newest first when omitted.' })
export class IncidentOrder {
  @Field(() => IncidentOrderField, { description: 'Sort key.' })
  field!: IncidentOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Direction.' })
  direction!: OrderDirection;
}

@ArgsType()
export class IncidentsArgs extends PageArgs {
  @Field(() => IncidentFilter, { nullable: true, description: 'Which incidents.' })
  filter?: IncidentFilter;

  @Field(() => IncidentOrder, { nullable: true, description: 'In which order.' })
  orderBy?: IncidentOrder;
}

@InputType({ description: 'Which incident events a subscriber receives; the viewer\'s scope applies as well.' })
export class IncidentEventFilter {
  @Field(() => ID, { nullable: true, description: 'Only incidents under this district, street, community, grid (sub-grids included), household or department.' })
  within?: string;

  @Field(() => ID, { nullable: true, description: 'Only this incident.' })
  incidentId?: string;

  @Field(() => [IncidentCategory], { nullable: true, description: 'Only these categories.' })
  categories?: IncidentCategory[];

  @Field(() => [IncidentActionEnum], { nullable: true, description: 'Only these steps.' })
  actions?: IncidentAction[];
}

@InputType({ description: 'Set the responsibility list (责任清单) and time limit of a category.' })
export class ResponsibilitySetInput {
  @Field(() => IncidentCategory, { description: 'The category.' })
  category!: IncidentCategory;

  @Field(() => ID, { nullable: true, description: 'Lead department (主体责任); none when omitted.' })
  leadDepartmentId?: string;

  @Field(() => [ID], { nullable: true, description: 'Cooperating departments (配合责任).' })
  @ArrayMaxSize(20)
  cooperatingDepartmentIds?: string[];

  @Field(() => Int, { nullable: true, description: 'Hours from report to close; unchanged when omitted.' })
  @Min(1, { message: 'A time limit is at least 1 hour.' })
  @Max(8760, { message: 'A time limit is at most a year (8,760 hours).' })
  timeLimitHours?: number;
}

@InputType({ description: 'A new department.' })
export class DepartmentCreateInput {
  @Field(() => String, { description: 'Short unique code: capital letters, digits and "-".' })
  @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'A department code has 2 to 20 capital letters, digits or "-".' })
  code!: string;

  @Field(() => String, { description: 'Name, e.g. "综合行政执法局".' })
  @IsNotEmpty({ message: 'A name is required.' })
  @MaxLength(100, { message: 'A name has at most 100 characters.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Public duty phone.' })
  @MaxLength(30)
  phone?: string;
}
