import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ForwardPageArgs } from '../../graphql/connection';
import { DateTime } from '../../graphql/scalars';
import { AuditOutcome } from './audit.outcome';

@InputType({ description: 'Which audit entries to list; all conditions must hold.' })
export class AuditEntryFilter {
  @Field(() => String, { nullable: true, description: 'Only mutations of this token subject.' })
  actorSubject?: string | null;

  @Field(() => String, { nullable: true, description: 'Only this mutation, as a coordinate such as `Mutation.residentUpdate`.' })
  operation?: string | null;

  @Field(() => AuditOutcome, { nullable: true, description: 'Only mutations with this outcome.' })
  outcome?: AuditOutcome | null;

  @Field(() => DateTime, { nullable: true, description: 'From this instant on (inclusive).' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Before this instant (exclusive).' })
  to?: Date | null;
}

@ArgsType()
export class AuditEntriesArgs extends ForwardPageArgs {
  @Field(() => AuditEntryFilter, { nullable: true, description: 'Which entries; all of them when omitted.' })
  filter?: AuditEntryFilter | null;
}

@InputType({ description: 'Which personal-data reads to list; all conditions must hold.' })
export class PersonalDataReadFilter {
  @Field(() => ID, { nullable: true, description: 'Only reads of this person: a Resident, PartyMember or ReportingUnit ID.' })
  subjectId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only reads by this token subject.' })
  viewerSubject?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'From this instant on (inclusive).' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Before this instant (exclusive).' })
  to?: Date | null;
}

@ArgsType()
export class PersonalDataReadsArgs extends ForwardPageArgs {
  @Field(() => PersonalDataReadFilter, { nullable: true, description: 'Which reads; all of them when omitted.' })
  filter?: PersonalDataReadFilter | null;
}
