import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateScalar, DateTime, Decimal } from '../../graphql/scalars';
import { FreeText } from '../../graphql/free-text';

@ObjectType({ implements: Node, description: 'One time a report-in served its community (参与): a project, a micro-wish, an activity. For staff over it and the member.', simpleResolvers: true })
export class Participation extends Node {
  @Field(() => DateScalar, { description: 'The day it happened (China date).' })
  occurredOn!: string;

  @Field(() => Decimal, { nullable: true, description: 'Hours served, where recorded.' })
  hours!: string | null;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'What was done.' })
  note!: string | null;

  @Field(() => DateTime, { description: 'When it was recorded.' })
  createdAt!: Date;

  reportInId!: number;
  projectId!: number | null;
}

export const ParticipationConnection = Connection(Participation, 'Participation', 'A page of participations.');
export const ParticipationPayload = Payload(Participation, 'participation', 'Participation');
