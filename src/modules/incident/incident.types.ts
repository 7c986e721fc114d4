import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateScalar, DateTime, GeoJSON } from '../../graphql/scalars';
import { mirror } from '../../graphql/enums';
import { incidentAction, incidentCategory, incidentPriority, incidentStatus, incidentTriage } from './incident.tables';
import { FreeText } from '../../graphql/free-text';

export const IncidentCategory = mirror(incidentCategory.enumValues);
export type IncidentCategory = keyof typeof IncidentCategory;
registerEnumType(IncidentCategory, {
  name: 'IncidentCategory',
  description: 'What an incident is about; each category has its responsibility list and time limit.',
  valuesConfig: {
    FAMILY_CONFLICT: { description: 'Family conflict (家庭矛盾), mediated by family-mediation path.' },
    NEIGHBOUR_DISPUTE: { description: 'Neighbour dispute (邻里纠纷), a "step forward" session with committee members and grid workers.' },
    COMPOUND_GOVERNANCE: { description: 'Compound governance (小区治理): property service, owners\' committee, public areas.' },
    ENVIRONMENT: { description: 'Environment and sanitation (环境卫生).' },
    SAFETY_HAZARD: { description: 'Safety hazard (安全隐患): fire, gas, structures, electric bikes.' },
    PUBLIC_ORDER: { description: 'Public order (治安).' },
    PETITION: { description: 'Petition (信访).' },
    HELP_REQUEST: { description: 'Request for help (救助) from a person in need.' },
  },
});

export const IncidentStatus = mirror(incidentStatus.enumValues);
export type IncidentStatus = keyof typeof IncidentStatus;
registerEnumType(IncidentStatus, {
  name: 'IncidentStatus',
  description: 'Where an incident stands in the closed loop (事件上报—核实受理—任务派遣—处理反馈—结案销号).',
  valuesConfig: {
    REPORTED: { description: 'Reported (上报), waiting to be verified.' },
    ACCEPTED: { description: 'Verified and accepted (核实受理), triaged, waiting for dispatch.' },
    EXPLAINED: { description: 'Answered and explained (回应解释): unfounded or outside policy; final.' },
    DISPATCHED: { description: 'Dispatched (派遣) to the responsible department.' },
    IN_PROGRESS: { description: 'Being handled by the department (处理中).' },
    ESCALATED: { description: 'Escalated to the street\'s monthly joint meeting (联席会议, on the 25th); dispatched again from there.' },
    HANDLED: { description: 'The department reported back (处理反馈); waiting for the return visit.' },
    CLOSED: { description: 'Closed after the return visit (结案销号), with the reporter\'s satisfaction.' },
  },
});

export const IncidentAction = mirror(incidentAction.enumValues);
export type IncidentAction = keyof typeof IncidentAction;
registerEnumType(IncidentAction, {
  name: 'IncidentAction',
  description: 'A step of the closed loop, as recorded on the timeline.',
  valuesConfig: {
    REPORT: { description: 'Reported (incidentReport).' },
    ACCEPT: { description: 'Verified and accepted with a triage batch (incidentAccept).' },
    EXPLAIN: { description: 'Answered and explained (incidentExplain).' },
    DISPATCH: { description: 'Dispatched to a department (incidentDispatch).' },
    START: { description: 'The department started work (incidentStart).' },
    ESCALATE: { description: 'Escalated to the joint meeting (incidentEscalate).' },
    FEEDBACK: { description: 'The department reported what it did (incidentFeedback).' },
    CLOSE: { description: 'Closed after the return visit (incidentClose).' },
    REOPEN: { description: 'Reopened: the reporter was not satisfied (incidentReopen).' },
  },
});

export const IncidentPriority = mirror(incidentPriority.enumValues);
export type IncidentPriority = keyof typeof IncidentPriority;
registerEnumType(IncidentPriority, {
  name: 'IncidentPriority',
  description: 'How urgent an incident is.',
  valuesConfig: {
    LOW: { description: 'Low.' }, NORMAL: { description: 'Normal.' }, HIGH: { description: 'High.' }, URGENT: { description: 'Urgent: danger to people.' },
  },
});

export const IncidentTriage = mirror(incidentTriage.enumValues);
export type IncidentTriage = keyof typeof IncidentTriage;
registerEnumType(IncidentTriage, {
  name: 'IncidentTriage',
  description: 'The "three batches" triage (三个一批) decided at acceptance.',
  valuesConfig: {
    SOLVE_AT_ONCE: { description: 'Solve at once (立即处理一批).' },
    STUDY_AND_ASSIGN: { description: 'Study and assign (研究交办一批).' },
    ANSWER_AND_EXPLAIN: { description: 'Answer and explain (回应解释一批).' },
  },
});

@ObjectType({ implements: Node, description: 'A functional department (职能部门) that incidents are dispatched to.', simpleResolvers: true })
export class Department extends Node {
  @Field(() => String, { description: 'Short unique code, e.g. "CGJ".' })
  code!: string;

  @Field(() => String, { description: 'Name, e.g. "综合行政执法局".' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Public duty phone: the department\'s published work number, not personal data, so shown whole.' })
  phone!: string | null;
}

@ObjectType({ description: 'An incident\'s texts as typed, ID card and mobile numbers whole. Every read is written to the access log with its reason.', simpleResolvers: true })
export class IncidentPersonalData {
  @Field(() => String, { description: 'Whole one-line summary.' })
  title!: string;

  @Field(() => String, { description: 'Whole description.' })
  description!: string;
}

@ObjectType({ implements: Node, description: 'An incident (事件) in the closed loop: reported in a grid, dispatched to the department that must fix it, closed after a return visit.', simpleResolvers: true })
export class Incident extends Node {
  @Field(() => IncidentCategory, { description: 'What the incident is about.' })
  category!: IncidentCategory;

  @FreeText()
  @Field(() => String, { description: 'One-line summary.' })
  title!: string;

  @FreeText()
  @Field(() => String, { description: 'What the reporter saw.' })
  description!: string;

  @Field(() => [String], { description: 'Photo URLs, from the report and the department\'s feedback.' })
  photoUrls!: string[];

  @Field(() => GeoJSON, { nullable: true, description: 'Where it happened: a GeoJSON Point, WGS-84; null when reported by grid only.' })
  location!: unknown;

  @Field(() => IncidentPriority, { description: 'How urgent it is.' })
  priority!: IncidentPriority;

  @Field(() => IncidentTriage, { nullable: true, description: 'Triage batch (三个一批), set at acceptance.' })
  triage!: IncidentTriage | null;

  @Field(() => IncidentStatus, { description: 'Where it stands in the closed loop.' })
  status!: IncidentStatus;

  @Field(() => Int, { description: 'Grows by one with every transition; pass it as `expectedVersion` to act on what you saw.' })
  version!: number;

  @Field(() => DateTime, { description: 'When it must be closed: the report time plus the category\'s time limit.' })
  deadline!: Date;

  @Field(() => DateTime, { description: 'When it was reported.' })
  reportedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the department last reported back.' })
  handledAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When it was closed.' })
  closedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Satisfaction of the return visit (回访满意度), 1 to 5.' })
  satisfaction!: number | null;

  @Field(() => DateScalar, { nullable: true, description: 'The joint meeting (联席会议) an escalated incident goes to.' })
  jointMeetingOn!: string | null;

  gridId!: number;
  communityId!: number;
  streetId!: number;
  householdId!: number | null;
  departmentId!: number | null;
  cooperatingDepartmentIds!: number[];
  reporterSubject!: string;
  reporterRole!: string;
}

@ObjectType({ implements: Node, description: 'One step on an incident\'s timeline; the timeline is append-only.', simpleResolvers: true })
export class IncidentTransition extends Node {
  @Field(() => IncidentAction, { description: 'What was done.' })
  action!: IncidentAction;

  @Field(() => IncidentStatus, { nullable: true, description: 'The state before; null for the report.' })
  fromStatus!: IncidentStatus | null;

  @Field(() => IncidentStatus, { description: 'The state after.' })
  toStatus!: IncidentStatus;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'What the actor wrote.' })
  note!: string | null;

  @Field(() => DateTime, { description: 'When.' })
  at!: Date;

  actorSubject!: string;
  actorRole!: string;
  departmentId!: number | null;
}

@ObjectType({ description: 'One step of an incident, pushed to subscribers as it happens.', simpleResolvers: true })
export class IncidentEvent {
  @Field(() => String, { description: 'Pass as `after` to resume from here without loss.' })
  cursor!: string;

  @Field(() => DateTime, { description: 'When the step was committed.' })
  occurredAt!: Date;

  @Field(() => IncidentTransition, { description: 'The step itself, as on the timeline.' })
  transition!: IncidentTransition;

  @Field(() => Incident, { description: 'The incident as it was right after this step: update a cache without refetching.' })
  incident!: Incident;
}

@ObjectType({ description: 'Incidents with one status.', simpleResolvers: true })
export class StatusCount {
  @Field(() => IncidentStatus, { description: 'The status.' })
  status!: IncidentStatus;

  @Field(() => Int, { description: 'Incidents in it.' })
  count!: number;
}

@ObjectType({ description: 'Incidents of one category.', simpleResolvers: true })
export class CategoryCount {
  @Field(() => IncidentCategory, { description: 'The category.' })
  category!: IncidentCategory;

  @Field(() => Int, { description: 'Incidents of it.' })
  count!: number;
}

@ObjectType({ description: 'How a unit handled the incidents reported in a period, computed by the database.', simpleResolvers: true })
export class IncidentStats {
  @Field(() => Int, { description: 'Incidents reported in the period.' })
  total!: number;

  @Field(() => [StatusCount], { description: 'How many stand in each status now.' })
  byStatus!: StatusCount[];

  @Field(() => [CategoryCount], { description: 'How many of each category.' })
  byCategory!: CategoryCount[];

  @Field(() => Int, { description: 'Open incidents past their deadline now.' })
  overdue!: number;

  @Field(() => Float, { nullable: true, description: 'Closure rate (办结率): closed or explained, over all; null without incidents.' })
  closureRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Closed by the deadline, over all closed; null when none closed.' })
  onTimeRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean hours from report to close; null when none closed.' })
  meanHoursToClose!: number | null;
}

@ObjectType({ description: 'The responsibility list (责任清单) of one category.', simpleResolvers: true })
export class CategoryResponsibility {
  @Field(() => IncidentCategory, { description: 'The category.' })
  category!: IncidentCategory;

  @Field(() => Int, { description: 'Time limit in hours from report to close.' })
  timeLimitHours!: number;

  leadDepartmentId!: number | null;
  cooperatingDepartmentIds!: number[];
}

export const IncidentConnection = Connection(Incident, 'Incident', 'A page of incidents.');
export const IncidentTransitionConnection = Connection(IncidentTransition, 'IncidentTransition', 'A page of an incident\'s timeline.');
export const DepartmentConnection = Connection(Department, 'Department', 'A page of departments.');
export const IncidentPayload = Payload(Incident, 'incident', 'Incident');
export const DepartmentPayload = Payload(Department, 'department', 'Department');
export const ResponsibilityPayload = Payload(CategoryResponsibility, 'responsibility', 'Responsibility');
