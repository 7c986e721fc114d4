import { IsNotEmpty, Matches, Max, MaxLength, Min } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { DateScalar, Decimal } from '../../graphql/scalars';

@InputType({ description: 'An appraisal period: exactly one of month, quarter or year.' })
export class WorkerAppraisalPeriodInput {
  @Field(() => String, { nullable: true, description: 'A month, e.g. "2026-10".' })
  month?: string | null;

  @Field(() => String, { nullable: true, description: 'A quarter, e.g. "2026-Q4".' })
  quarter?: string | null;

  @Field(() => Int, { nullable: true, description: 'A year, e.g. 2026.' })
  year?: number | null;
}

@InputType({ description: 'Daily points recorded by hand for a grid worker.' })
export class DailyPointRecordInput {
  @Field(() => ID, { description: 'The grid worker (a staff member).' })
  staffMemberId!: string;

  @Field(() => DateScalar, { description: 'The day the points were earned or lost; not in the future.' })
  day!: string;

  @Field(() => String, { description: 'Code of a manual rule of the daily points, e.g. "MEETING".' })
  @IsNotEmpty({ message: 'Name the rule.' })
  rule!: string;

  @Field(() => Int, { nullable: true, description: 'Occurrences, 1 to 100; 1 when omitted.' })
  @Min(1, { message: 'The quantity is 1 to 100.' })
  @Max(100, { message: 'The quantity is 1 to 100.' })
  quantity?: number | null;

  @Field(() => String, { nullable: true, description: 'What happened, up to 500 characters.' })
  @MaxLength(500, { message: 'A note has at most 500 characters.' })
  note?: string | null;
}

@InputType({ description: 'A resident\'s rating of a grid worker serving their household\'s grid, for the current quarter.' })
export class WorkerRateInput {
  @Field(() => ID, { description: 'The grid worker (a staff member).' })
  staffMemberId!: string;

  @Field(() => Int, { description: 'Score, 1 (poor) to 5 (excellent).' })
  @Min(1, { message: 'A score is 1 to 5.' })
  @Max(5, { message: 'A score is 1 to 5.' })
  score!: number;

  @Field(() => String, { nullable: true, description: 'What the household wants to say, up to 500 characters.' })
  @MaxLength(500, { message: 'A comment has at most 500 characters.' })
  comment?: string | null;
}

@InputType({ description: 'A rule of the daily points.' })
export class WorkerPointRuleInput {
  @Field(() => String, { description: 'Upper-case code, e.g. "MEETING".' })
  code!: string;

  @Field(() => String, { description: 'What the rule rewards or penalises.' })
  label!: string;

  @Field(() => Float, { description: 'Points per occurrence; negative for a deduction.' })
  points!: number;

  @Field(() => Boolean, { description: 'True exactly for VISIT_LOGGED, INCIDENT_FOUND and INCIDENT_HANDLED, which the system counts.' })
  automatic!: boolean;
}

@InputType({ description: 'Percent weights of a worker\'s overall score, adding up to 100.' })
export class WorkerAppraisalWeightsInput {
  @Field(() => Int, { description: 'Weight of the daily points.' })
  dailyPoints!: number;

  @Field(() => Int, { description: 'Weight of the residents\' rating.' })
  residentRating!: number;

  @Field(() => Int, { description: 'Weight of the closure rate.' })
  closureRate!: number;

  @Field(() => Int, { description: 'Weight of the visit duty.' })
  visitDuty!: number;
}

@InputType({ description: 'The whole rule set of the grid-worker appraisal; it replaces the one in force.' })
export class WorkerAppraisalRulesInput {
  @Field(() => [WorkerPointRuleInput], { description: 'Every daily-points rule, automatic and manual.' })
  dailyPointRules!: WorkerPointRuleInput[];

  @Field(() => Float, { description: 'Daily points in one month that score 100.' })
  monthlyPointsForFullMarks!: number;

  @Field(() => WorkerAppraisalWeightsInput, { description: 'Weights of the overall score.' })
  weights!: WorkerAppraisalWeightsInput;
}

@InputType({ description: 'Percent weights of the community star rating, adding up to 100.' })
export class CommunityStarWeightsInput {
  @Field(() => Int, { description: 'Weight of performance.' })
  performance!: number;

  @Field(() => Int, { description: 'Weight of the residents\' rating.' })
  residentRating!: number;

  @Field(() => Int, { description: 'Weight of the peer review.' })
  peerReview!: number;
}

@InputType({ description: 'The whole rule set of the community star rating; it replaces the one in force.' })
export class CommunityStarRulesInput {
  @Field(() => CommunityStarWeightsInput, { description: 'Weights of the score.' })
  weights!: CommunityStarWeightsInput;

  @Field(() => Int, { description: 'Day of the next month by which a month\'s disclosure is on time, 1 to 28.' })
  disclosureDueDay!: number;
}

@InputType({ description: 'A community\'s score of another community of its street for a year (互评).' })
export class CommunityPeerReviewInput {
  @Field(() => ID, { description: 'The community reviewed; not the secretary\'s own.' })
  communityId!: string;

  @Field(() => Int, { description: 'The year reviewed.' })
  year!: number;

  @Field(() => Decimal, { description: 'Score, 0 to 100, at most two decimals.' })
  @Matches(/^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/, { message: 'A score is 0 to 100 with at most two decimals.' })
  score!: string;
}
