import { MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { DateScalar, Decimal } from '../../graphql/scalars';
import { MAX_PARTICIPATION_HOURS } from './participation.rules';

@InputType({ description: 'One time a report-in served its community.' })
export class ParticipationRecordInput {
  @Field(() => ID, { description: 'The report-in that served.' })
  reportInId!: string;

  @Field(() => ID, { nullable: true, description: 'The project (项目清单) of the same community it served in, if any.' })
  projectId?: string;

  @Field(() => DateScalar, { description: 'The day it happened: not in the future, and while the report-in was active.' })
  occurredOn!: string;

  @Field(() => Decimal, { nullable: true, description: `Hours served, more than 0 and at most ${MAX_PARTICIPATION_HOURS}.` })
  hours?: string;

  @Field(() => String, { nullable: true, description: 'What was done, at most 500 characters.' })
  @MaxLength(500, { message: 'A note has at most 500 characters.' })
  note?: string;
}
