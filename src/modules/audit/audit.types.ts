import { Role } from '../../auth/roles';
import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { DateTime } from '../../graphql/scalars';
import { AuditOutcome } from './audit.outcome';
import { FreeText } from '../../graphql/free-text';

@ObjectType({ description: 'One mutation that reached the API (审计日志): who, what, when, a digest of the input and the outcome. Append-only.', simpleResolvers: true })
export class AuditEntry {
  @Field(() => DateTime, { description: 'When the mutation ended (or was refused).' })
  occurredAt!: Date;

  @Field(() => String, { nullable: true, description: 'The token\'s subject (`sub`, or `apikey:<id>` for an integrator); null for a caller without a token.' })
  actorSubject!: string | null;

  @Field(() => Role, { nullable: true, description: 'The caller\'s role when it acted; null without a token.' })
  actorRole!: Role | null;

  @Field(() => ID, { nullable: true, description: 'The unit the caller\'s token named, as a global ID; null for city-wide and anonymous callers.' })
  actorUnit!: string | null;

  @Field(() => String, { description: 'The mutation, as a schema coordinate such as `Mutation.residentCreate`.' })
  operation!: string;

  @Field(() => String, { description: 'SHA-256 (hex) of the mutation\'s arguments as canonical JSON (keys sorted, variables resolved). The input itself is never kept: hash the arguments you hold to prove what was sent.' })
  inputDigest!: string;

  @Field(() => AuditOutcome, { description: 'What became of the mutation.' })
  outcome!: AuditOutcome;

  @Field(() => [String], { description: 'The user-error or request-error codes behind the outcome; empty when it is OK or REPEATED.' })
  codes!: string[];
}

@ObjectType({ description: 'One reveal of a person\'s whole ID number or phone (个人信息查阅记录): who, whose, when and why. Append-only.', simpleResolvers: true })
export class PersonalDataRead {
  @Field(() => String, { description: 'Subject (`sub`) of the token that read the data.' })
  viewerSubject!: string;

  @Field(() => Role, { description: 'Role of that token when it read.' })
  viewerRole!: Role;

  @Field(() => String, { description: 'What was revealed: the numbers of a Resident, PartyMember or ReportingUnit (its contact person), or the whole free text of an Incident, Wish or HouseholdVisit.' })
  subjectType!: string;

  @Field(() => ID, { description: 'Global ID of that person, reporting unit or record, to pass to `node` or to filter by.' })
  subjectId!: string;

  @FreeText()
  @Field(() => String, { description: 'The reason the reader gave.' })
  reason!: string;

  @Field(() => DateTime, { description: 'When the data was read.' })
  readAt!: Date;
}

export const AuditEntryConnection = Connection(AuditEntry, 'AuditEntry', 'A page of the audit log, newest first.');
export const PersonalDataReadConnection = Connection(PersonalDataRead, 'PersonalDataRead', 'A page of the personal-data access log, newest first.');
