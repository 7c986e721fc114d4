import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime } from '../../graphql/scalars';
import { ResidentTag, StaffRole } from '../grid/grid.types';
import { IncidentCategory } from '../incident/incident.types';
import type { HouseholdRule } from './duty.rules';
import { visitKind } from './visit.tables';
import { FreeText } from '../../graphql/free-text';

export const VisitKind = mirror(visitKind.enumValues);
export type VisitKind = keyof typeof VisitKind;
registerEnumType(VisitKind, {
  name: 'VisitKind',
  description: 'Why a grid worker visited a household (走访类型).',
  valuesConfig: {
    ROUTINE: { description: 'Routine visit (常规走访), counted towards the monthly minimum.' },
    SPECIAL_CARE: { description: 'Care visit to a special household (重点关爱): elderly living alone, disabled, left-behind children, families in difficulty.' },
    DATA_REFRESH: { description: 'Household and population data collected again (信息采集更新); due once per refresh period.' },
    DISPUTE_FOLLOW_UP: { description: 'Return visit after a dispute (矛盾纠纷回访).' },
  },
});

const HOUSEHOLD_RULES: Record<HouseholdRule, HouseholdRule> = { SPECIAL_VISIT: 'SPECIAL_VISIT', DATA_REFRESH: 'DATA_REFRESH' };
export const VisitDutyRule = HOUSEHOLD_RULES;
registerEnumType(VisitDutyRule, {
  name: 'VisitDutyRule',
  description: 'A visit-duty rule a household can owe.',
  valuesConfig: {
    SPECIAL_VISIT: { description: 'A special household is visited within every special-visit period (every month by default).' },
    DATA_REFRESH: { description: 'The household\'s data is refreshed by a DATA_REFRESH visit within every refresh period (every quarter by default).' },
  },
});

@ObjectType({ description: 'A visit\'s notes as the visitor typed them, ID card and mobile numbers whole. Every read is written to the access log with its reason.', simpleResolvers: true })
export class HouseholdVisitPersonalData {
  @Field(() => String, { nullable: true, description: 'Whole notes; null when none were written.' })
  notes!: string | null;
}

@ObjectType({ implements: Node, description: 'A grid worker\'s visit to a household (走访), with what it found.', simpleResolvers: true })
export class HouseholdVisit extends Node {
  @Field(() => VisitKind, { description: 'Why the household was visited.' })
  kind!: VisitKind;

  @Field(() => DateTime, { description: 'When the visit took place.' })
  visitedAt!: Date;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'What the visitor noted.' })
  notes!: string | null;

  @Field(() => String, { description: 'The token subject of the person who logged the visit.' })
  visitorSubject!: string;

  @Field(() => DateTime, { description: 'When the visit was logged.' })
  createdAt!: Date;

  householdId!: number;
  gridId!: number;
  staffMemberId!: number | null;
}

@ObjectType({ implements: Node, description: 'Something a visit found; reported, it became an incident of the closed loop.', simpleResolvers: true })
export class VisitFinding extends Node {
  @Field(() => IncidentCategory, { description: 'What it is about, as an incident would be classed.' })
  category!: IncidentCategory;

  @FreeText()
  @Field(() => String, { description: 'What the visitor found.' })
  description!: string;

  @Field(() => Boolean, { description: 'Already reported as an incident (visitFindingReport or reportAsIncident).' })
  reported!: boolean;

  @Field(() => DateTime, { description: 'When the finding was recorded.' })
  createdAt!: Date;

  visitId!: number;
  incidentId!: number | null;
}

@ObjectType({ description: 'Progress against a count (done of due).', simpleResolvers: true })
export class DutyCount {
  @Field(() => Int, { description: 'How many are done.' })
  done!: number;

  @Field(() => Int, { description: 'How many are due.' })
  due!: number;
}

@ObjectType({ description: 'Progress against a count whose shortfall becomes overdue once its period has ended.', simpleResolvers: true })
export class DutyProgress {
  @Field(() => Int, { description: 'How many are done within the period.' })
  done!: number;

  @Field(() => Int, { description: 'How many are due within the period.' })
  due!: number;

  @Field(() => Int, { description: 'How many were not done in a period that has ended; 0 while the period runs.' })
  overdue!: number;
}

@ObjectType({ description: 'One worker\'s visit duty in one grid for a month (走访责任).', simpleResolvers: true })
export class WorkerDuty {
  @Field(() => String, { description: 'The month, `YYYY-MM`.' })
  month!: string;

  @Field(() => DutyCount, { description: 'Distinct households the worker visited this month, against the monthly minimum (capped at the households there are).' })
  households!: DutyCount;

  @Field(() => DutyProgress, { description: 'Special households of the grid visited (by anyone) within the special-visit period.' })
  special!: DutyProgress;

  @Field(() => DutyProgress, { description: 'Households of the grid whose data was refreshed within the refresh period.' })
  dataRefresh!: DutyProgress;

  @Field(() => Boolean, { description: 'Every rule met; for a period still running, not yet failed.' })
  met!: boolean;

  staffMemberId!: number;
  gridId!: number;
}

@ObjectType({ description: 'One household\'s visit duty for a month.', simpleResolvers: true })
export class HouseholdVisitDuty {
  @Field(() => Boolean, { description: 'A resident carries a special tag (重点户), so the household is visited every special-visit period.' })
  special!: boolean;

  @Field(() => DateTime, { nullable: true, description: 'The last visit up to the end of the month; null if never visited.' })
  lastVisitedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'The last DATA_REFRESH visit up to the end of the month; null if never.' })
  lastDataRefreshAt!: Date | null;

  @Field(() => [VisitDutyRule], { description: 'The rules the household still owes in the periods holding the month.' })
  due!: HouseholdRule[];

  @Field(() => Boolean, { description: 'It owes a rule whose period has ended.' })
  overdue!: boolean;

  householdId!: number;
}

@ObjectType({ description: 'Visit duty under a unit for a month: per worker and per household.', simpleResolvers: true })
export class VisitDuties {
  @Field(() => String, { description: 'The month, `YYYY-MM`.' })
  month!: string;

  @Field(() => [WorkerDuty], { description: 'Every worker under the unit the duty applies to, one entry per grid they serve.' })
  workers!: WorkerDuty[];

  unit!: { type: 'District' | 'Street' | 'Community' | 'Grid'; key: number };
}

@ObjectType({ description: 'The visit-duty rule figures the city set (走访责任标准).', simpleResolvers: true })
export class VisitDutyRules {
  @Field(() => Int, { description: 'Distinct households a worker visits each month (10 in the 002 rules).' })
  minimumHouseholdsPerMonth!: number;

  @Field(() => [ResidentTag], { description: 'Resident tags that make a household special.' })
  specialTags!: ResidentTag[];

  @Field(() => Int, { description: 'A special household is visited once in every period of this many months (1: monthly).' })
  specialVisitMonths!: number;

  @Field(() => Int, { description: 'Household data is refreshed once in every period of this many months (3: quarterly).' })
  dataRefreshMonths!: number;

  @Field(() => [StaffRole], { description: 'The staff roles the duty applies to.' })
  workerRoles!: StaffRole[];

  @Field(() => Int, { description: 'How many days back a visit may be logged.' })
  loggingWindowDays!: number;

  @Field(() => String, { nullable: true, description: 'Who last set the rules; null while the defaults apply.' })
  updatedBy!: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When the rules were last set; null while the defaults apply.' })
  updatedAt!: Date | null;
}

export const HouseholdVisitConnection = Connection(HouseholdVisit, 'HouseholdVisit', 'A page of household visits.');
export const HouseholdVisitDutyConnection = Connection(HouseholdVisitDuty, 'HouseholdVisitDuty', 'A page of households with their visit duty.');
export const HouseholdVisitPayload = Payload(HouseholdVisit, 'visit', 'HouseholdVisit');
export const VisitFindingPayload = Payload(VisitFinding, 'finding', 'VisitFinding');
export const VisitDutyRulesPayload = Payload(VisitDutyRules, 'rules', 'VisitDutyRules');
