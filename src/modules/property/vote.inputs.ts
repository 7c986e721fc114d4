import { ArrayMaxSize, IsNotEmpty, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../graphql/connection';
import { DateTime } from '../../graphql/scalars';
import { BallotChoice, OwnerVoteKind, OwnerVoteStatus } from './vote.types';

export const MAX_CANDIDATES = 30;
export const MAX_SEATS = 15;

@InputType({ description: 'A candidate nominated for a committee election.' })
export class VoteCandidateInput {
  @Field(() => ID, { description: 'The resident: the householder (户主) of a household of the compound, who stands for its owners.' })
  residentId!: string;

  @Field(() => String, { nullable: true, description: 'What the candidate tells the owners (竞选陈述), at most 500 characters.' })
  @MaxLength(500, { message: 'A statement has at most 500 characters.' })
  statement?: string;
}

@InputType({ description: 'A new owners\' vote (业主表决). Eligible area and owners are fixed from the compound\'s households when it opens.' })
export class OwnerVoteOpenInput {
  @Field(() => ID, { description: 'The compound (小区) whose owners vote.' })
  compoundId!: string;

  @Field(() => OwnerVoteKind, { description: 'What it decides; sets the majority needed.' })
  kind!: OwnerVoteKind;

  @Field(() => String, { description: 'The matter in one line, at most 100 characters.' })
  @IsNotEmpty({ message: 'A title is required.' })
  @MaxLength(100, { message: 'A title has at most 100 characters.' })
  title!: string;

  @Field(() => String, { description: 'The matter in full, at most 5,000 characters.' })
  @IsNotEmpty({ message: 'A description is required.' })
  @MaxLength(5000, { message: 'A description has at most 5,000 characters.' })
  description!: string;

  @Field(() => DateTime, { description: 'When ballots stop being taken: in the future, at most a year ahead.' })
  closesAt!: Date;

  @Field(() => Int, { nullable: true, description: `Seats to fill, 1 to ${MAX_SEATS}: required for a committee election, not given otherwise.` })
  @Min(1, { message: 'An election fills at least one seat.' })
  @Max(MAX_SEATS, { message: `An election fills at most ${MAX_SEATS} seats.` })
  seats?: number;

  @Field(() => [VoteCandidateInput], { nullable: true, description: `Candidates, at least as many as the seats and at most ${MAX_CANDIDATES}: required for a committee election, not given otherwise.` })
  @ArrayMaxSize(MAX_CANDIDATES, { message: `At most ${MAX_CANDIDATES} candidates.` })
  @ValidateNested({ each: true })
  candidates?: VoteCandidateInput[];
}

@InputType({ description: 'Filter for owners\' votes.' })
export class OwnerVoteFilter {
  @Field(() => ID, { nullable: true, description: 'Only the votes of this compound.' })
  compoundId?: string;

  @Field(() => OwnerVoteStatus, { nullable: true, description: 'Only open or only closed votes; a vote past `closesAt` counts as closed.' })
  status?: OwnerVoteStatus;

  @Field(() => OwnerVoteKind, { nullable: true, description: 'Only votes of this kind.' })
  kind?: OwnerVoteKind;
}

@ArgsType()
export class OwnerVotesArgs extends PageArgs {
  @Field(() => OwnerVoteFilter, { nullable: true, description: 'Which votes; the viewer\'s compounds apply as well.' })
  filter?: OwnerVoteFilter;
}

@ArgsType()
export class BallotCastArgs {
  @Field(() => ID, { description: 'The owners\' vote.' })
  voteId!: string;

  @Field(() => BallotChoice, { nullable: true, description: 'For, against or abstain: required on a matter, not given in an election.' })
  choice?: BallotChoice;

  @Field(() => [ID], { nullable: true, description: 'In an election: the chosen candidates, at most the seats; an empty list takes part without choosing anyone. Not given on a matter.' })
  candidateIds?: string[];

  @Field(() => String, { nullable: true, description: 'Repeating the request with the same key returns the first result and changes nothing.' })
  idempotencyKey?: string;
}

@ArgsType()
export class OwnerVoteCloseArgs {
  @Field(() => ID, { description: 'The owners\' vote.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'Repeating the request with the same key returns the first result and changes nothing.' })
  idempotencyKey?: string;
}
