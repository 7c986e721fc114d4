import { Matches, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { Decimal } from '../../graphql/scalars';
import { AppraisalSource } from './appraisal.types';

const QUARTER = Matches(/^\d{4}-Q[1-4]$/, { message: 'A quarter is written like "2026-Q3".' });
const SCORE = Matches(/^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/, { message: 'A score is 0 to 100 with at most two decimals.' });

@InputType({ description: 'A score of the committee or the party branch for a quarter; giving it again replaces it.' })
export class AppraisalScoreInput {
  @Field(() => ID, { description: 'The compound.' })
  compoundId!: string;

  @Field(() => String, { description: 'The quarter, e.g. "2026-Q3".' })
  @QUARTER
  quarter!: string;

  @Field(() => AppraisalSource, { description: 'Whose score this is; it must match the caller\'s role.' })
  source!: AppraisalSource;

  @Field(() => Decimal, { description: 'Score, 0 to 100.' })
  @SCORE
  score!: string;
}

@InputType({ description: 'A resident\'s score of their compound\'s property service for a quarter; one per household, changeable.' })
export class ResidentAppraisalInput {
  @Field(() => String, { description: 'The quarter, e.g. "2026-Q3".' })
  @QUARTER
  quarter!: string;

  @Field(() => Int, { description: 'Score, 0 to 100.' })
  @Min(0, { message: 'A score is 0 to 100.' })
  @Max(100, { message: 'A score is 0 to 100.' })
  score!: number;
}

@InputType({ description: 'The weights of a quarter\'s appraisal, in percent, adding up to 100.' })
export class AppraisalWeightsInput {
  @Field(() => ID, { description: 'The compound.' })
  compoundId!: string;

  @Field(() => String, { description: 'The quarter, e.g. "2026-Q3".' })
  @QUARTER
  quarter!: string;

  @Field(() => Int, { description: 'Weight of the committee\'s score.' })
  @Min(0)
  @Max(100)
  committeeWeight!: number;

  @Field(() => Int, { description: 'Weight of the residents\' score.' })
  @Min(0)
  @Max(100)
  residentWeight!: number;

  @Field(() => Int, { description: 'Weight of the party branch\'s score.' })
  @Min(0)
  @Max(100)
  branchWeight!: number;
}
