import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime, Decimal } from '../../graphql/scalars';
import { reportingUnitKind } from './party.tables';

export const ReportingUnitKind = mirror(reportingUnitKind.enumValues);
export type ReportingUnitKind = keyof typeof ReportingUnitKind;
registerEnumType(ReportingUnitKind, {
  name: 'ReportingUnitKind',
  description: 'What kind of organisation reports in to communities (双报到单位).',
  valuesConfig: {
    PARTY_GOVERNMENT_ORGAN: { description: 'Party or government organ (党政机关).' },
    PUBLIC_INSTITUTION: { description: 'Public institution (事业单位): school, hospital, research institute.' },
    STATE_ENTERPRISE: { description: 'State-owned enterprise (国有企业).' },
    PRIVATE_ENTERPRISE: { description: 'Non-public enterprise (非公企业).' },
    SOCIAL_ORGANISATION: { description: 'Social organisation (社会组织).' },
  },
});

@ObjectType({ implements: Node, description: 'An organ, institution or enterprise that reports in to communities (报到单位, 双报到). Public.', simpleResolvers: true })
export class ReportingUnit extends Node {
  @Field(() => String, { description: 'Registered name, e.g. "市人民医院".' })
  name!: string;

  @Field(() => ReportingUnitKind, { description: 'Kind of organisation.' })
  kind!: ReportingUnitKind;

  @Field(() => String, { nullable: true, description: 'The person who keeps contact with the communities; for staff.' })
  contactName!: string | null;

  @Field(() => String, { nullable: true, description: 'That person\'s phone, masked (`138****5678`): it is a person\'s number; for staff. `personalData` reveals it whole.' })
  contactPhone!: string | null;

  @Field(() => DateTime, { description: 'When the unit was registered.' })
  createdAt!: Date;
}

@ObjectType({ description: 'The whole phone of a reporting unit\'s contact person. Every read is written to the access log with its reason.', simpleResolvers: true })
export class ReportingUnitPersonalData {
  @Field(() => String, { nullable: true, description: 'Whole phone of the contact person; null when none is recorded.' })
  contactPhone!: string | null;
}

@ObjectType({ description: 'What a reporting unit does in the communities, counted by the database. Public.', simpleResolvers: true })
export class ReportingUnitCounts {
  @Field(() => Int, { description: 'Communities the unit is reported in to now.' })
  communities!: number;

  @Field(() => Int, { description: 'In-service members (在职党员) registered as working for the unit.' })
  members!: number;

  @Field(() => Int, { description: 'Of those, members with an active report-in where they live.' })
  membersReportedIn!: number;

  @Field(() => Int, { description: 'Times the unit itself served a community (参与次数), withdrawn report-ins included.' })
  participations!: number;

  @Field(() => Decimal, { description: 'Hours of those participations, where recorded.' })
  hours!: string;
}

@ObjectType({ implements: Node, description: 'A report-in (双报到): a unit or an in-service member registered with a community, one of its grids or one of its buildings. For staff over it and the member.', simpleResolvers: true })
export class ReportIn extends Node {
  @Field(() => DateTime, { description: 'When it was registered.' })
  reportedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it was withdrawn; null while active.' })
  withdrawnAt!: Date | null;

  @Field(() => Boolean, { description: 'Not withdrawn.' })
  active!: boolean;

  unitId!: number | null;
  memberId!: number | null;
  districtId!: number;
  streetId!: number;
  communityId!: number;
  gridId!: number | null;
  buildingId!: number | null;
}

@ObjectType({ description: 'Double report-in (双报到) in a street or community, counted by the database. Public.', simpleResolvers: true })
export class ReportInStats {
  @Field(() => Int, { description: 'Reporting units with an active report-in here.' })
  units!: number;

  @Field(() => Int, { description: 'In-service members (在职党员) with an active report-in here.' })
  members!: number;

  @Field(() => Int, { description: 'Times units and members served here (参与次数), withdrawn report-ins included.' })
  participations!: number;

  @Field(() => Decimal, { description: 'Hours of those participations, where recorded.' })
  hours!: string;
}

export const ReportingUnitConnection = Connection(ReportingUnit, 'ReportingUnit', 'A page of reporting units.');
export const ReportInConnection = Connection(ReportIn, 'ReportIn', 'A page of report-ins.');
export const ReportingUnitPayload = Payload(ReportingUnit, 'reportingUnit', 'ReportingUnit');
export const ReportInPayload = Payload(ReportIn, 'reportIn', 'ReportIn');
