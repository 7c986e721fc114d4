import { IsNotEmpty, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../graphql/connection';
import { DateTime } from '../../graphql/scalars';
import { VoteCandidateInput } from './vote.inputs';
import { MajorMatterKind, MajorMatterStatus } from './matter.types';

@InputType({ description: 'A major matter proposed for a compound.' })
export class MajorMatterProposeInput {
  @Field(() => ID, { description: 'The compound.' })
  compoundId!: string;

  @Field(() => MajorMatterKind, { description: 'What is to be decided.' })
  kind!: MajorMatterKind;

  @Field(() => String, { description: 'One-line summary.' })
  @IsNotEmpty({ message: 'A title is required.' })
  @MaxLength(100, { message: 'A title has at most 100 characters.' })
  title!: string;

  @Field(() => String, { description: 'The proposal in full: what, why, how much.' })
  @IsNotEmpty({ message: 'A description is required.' })
  @MaxLength(5000, { message: 'A description has at most 5,000 characters.' })
  description!: string;
}

@InputType({ description: 'Filter for major matters.' })
export class MajorMatterFilter {
  @Field(() => ID, { nullable: true, description: 'Only this compound\'s.' })
  compoundId?: string;

  @Field(() => [MajorMatterStatus], { nullable: true, description: 'Only these states.' })
  statuses?: MajorMatterStatus[];
}

@ArgsType()
export class MajorMattersArgs extends PageArgs {
  @Field(() => MajorMatterFilter, { nullable: true, description: 'Which matters.' })
  filter?: MajorMatterFilter;
}

@ArgsType()
export class MatterStepArgs {
  @Field(() => ID, { description: 'The major matter.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The version the client saw; refused with STALE_VERSION if it changed since.' })
  expectedVersion?: number;

  @Field(() => String, { nullable: true, description: 'What the actor writes on the timeline; required to reject.' })
  note?: string;
}

@InputType({ description: 'The owners\' vote a major matter goes to; its kind, title and description come from the matter.' })
export class MajorMatterVoteInput {
  @Field(() => DateTime, { description: 'When ballots stop being taken.' })
  closesAt!: Date;

  @Field(() => Int, { nullable: true, description: 'Seats to fill, for a committee re-election.' })
  seats?: number;

  @Field(() => [VoteCandidateInput], { nullable: true, description: 'Candidates, for a committee re-election.' })
  candidates?: VoteCandidateInput[];
}
