import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateScalar, DateTime, Decimal } from '../../graphql/scalars';
import { FreeText } from '../../graphql/free-text';

@ObjectType({ description: 'A rule of the daily points (日常积分): what earns or loses a grid worker points.', simpleResolvers: true })
export class WorkerPointRule {
  @Field(() => String, { description: 'Upper-case code, e.g. "MEETING".' })
  code!: string;

  @Field(() => String, { description: 'What the rule rewards or penalises, e.g. "参加例会".' })
  label!: string;

  @Field(() => Float, { description: 'Points per occurrence; negative for a deduction (扣分).' })
  points!: number;

  @Field(() => Boolean, { description: 'Counted by the system from visits and incidents (VISIT_LOGGED, INCIDENT_FOUND, INCIDENT_HANDLED) rather than recorded by hand.' })
  automatic!: boolean;
}

@ObjectType({ description: 'Percent weights of the parts of a worker\'s overall score (综合评定), adding up to 100.', simpleResolvers: true })
export class WorkerAppraisalWeights {
  @Field(() => Int, { description: 'Weight of the daily points.' })
  dailyPoints!: number;

  @Field(() => Int, { description: 'Weight of the residents\' rating (民主测评).' })
  residentRating!: number;

  @Field(() => Int, { description: 'Weight of the closure rate (办结率) of the incidents of the worker\'s grids.' })
  closureRate!: number;

  @Field(() => Int, { description: 'Weight of the visit duty met (走访责任).' })
  visitDuty!: number;
}

@ObjectType({ description: 'The rule figures of the grid-worker appraisal, as the city set them.', simpleResolvers: true })
export class WorkerAppraisalRules {
  @Field(() => [WorkerPointRule], { description: 'The daily-points rules, automatic and manual.' })
  dailyPointRules!: WorkerPointRule[];

  @Field(() => Float, { description: 'Daily points in one month that score 100 (more still scores 100).' })
  monthlyPointsForFullMarks!: number;

  @Field(() => WorkerAppraisalWeights, { description: 'Weights of the overall score. A part with nothing to score (no ratings, no incidents) is left out and the other weights scaled up.' })
  weights!: WorkerAppraisalWeights;

  @Field(() => String, { nullable: true, description: 'Who last set the rules; null while the defaults apply.' })
  updatedBy!: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When the rules were last set.' })
  updatedAt!: Date | null;

  id!: string;
}

@ObjectType({ description: 'Points of one rule in an appraisal period.', simpleResolvers: true })
export class WorkerPointLine {
  @Field(() => String, { description: 'The rule\'s code.' })
  rule!: string;

  @Field(() => String, { description: 'The rule\'s label.' })
  label!: string;

  @Field(() => Int, { description: 'Occurrences in the period.' })
  quantity!: number;

  @Field(() => Float, { description: 'Points: automatic ones at today\'s rule, manual ones as recorded.' })
  points!: number;

  @Field(() => Boolean, { description: 'Counted by the system.' })
  automatic!: boolean;
}

@ObjectType({ description: 'Daily points (日常积分) of a worker in a period.', simpleResolvers: true })
export class WorkerDailyPoints {
  @Field(() => Float, { description: 'Points recorded by hand (meetings, training, complaints).' })
  manual!: number;

  @Field(() => Float, { description: 'Points the system counted (visits, incidents found and handled).' })
  automatic!: number;

  @Field(() => Float, { description: 'Manual plus automatic.' })
  total!: number;

  @Field(() => [WorkerPointLine], { description: 'Points per rule: the automatic rules first, then the manual ones recorded.' })
  lines!: WorkerPointLine[];
}

@ObjectType({ description: 'Residents\' rating (民主测评) of a worker in the quarters of a period.', simpleResolvers: true })
export class WorkerRatingSummary {
  @Field(() => Int, { description: 'Households that rated.' })
  count!: number;

  @Field(() => Float, { nullable: true, description: 'Average score, 1 to 5, two decimals; null without ratings.' })
  average!: number | null;
}

@ObjectType({ description: 'Visits done against the visit duty (走访责任) in the months of a period that have begun.', simpleResolvers: true })
export class WorkerVisitDuty {
  @Field(() => Int, { description: 'Distinct households visited, summed over the months.' })
  householdsVisited!: number;

  @Field(() => Int, { description: 'The monthly minimum, summed over the months.' })
  householdsDue!: number;

  @Field(() => Int, { description: 'Special households (重点户) of the worker\'s grids left unvisited in their period.' })
  specialOverdue!: number;

  @Field(() => Int, { description: 'Households whose data was not refreshed in a quarter that has ended.' })
  dataRefreshOverdue!: number;

  @Field(() => Int, { description: 'Months in which every duty rule was met (for the running month: not yet failed).' })
  monthsMet!: number;

  @Field(() => Int, { description: 'Months the worker served in the period, up to this one.' })
  monthsCounted!: number;
}

@ObjectType({ description: 'The overall score (综合评定) and its parts, each 0 to 100; a part is null when there is nothing to score.', simpleResolvers: true })
export class WorkerAppraisalScore {
  @Field(() => Float, { nullable: true, description: 'Daily points against the points for full marks.' })
  dailyPoints!: number | null;

  @Field(() => Float, { nullable: true, description: 'Average rating times 20.' })
  residentRating!: number | null;

  @Field(() => Float, { nullable: true, description: 'Closure rate in percent.' })
  closureRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of months with the duty met, in percent.' })
  visitDuty!: number | null;

  @Field(() => Float, { nullable: true, description: 'The weighted score of the parts that have one.' })
  overall!: number | null;
}

@ObjectType({ description: 'The appraisal of a grid worker (网格员考核) for a month, quarter or year.', simpleResolvers: true })
export class WorkerAppraisal {
  @Field(() => String, { description: 'The period: "2026-10", "2026-Q4" or "2026".' })
  period!: string;

  @Field(() => WorkerDailyPoints, { description: 'Daily points (日常积分).' })
  dailyPoints!: WorkerDailyPoints;

  @Field(() => WorkerRatingSummary, { description: 'Residents\' rating (民主测评); a month takes its quarter\'s ratings.' })
  ratings!: WorkerRatingSummary;

  @Field(() => Int, { description: 'Incidents the worker reported in the period (发现).' })
  incidentsFound!: number;

  @Field(() => Int, { description: 'Incidents of the worker\'s grids closed in the period (处置).' })
  incidentsHandled!: number;

  @Field(() => Int, { description: 'Incidents of the worker\'s grids reported in the period.' })
  incidentsInGrids!: number;

  @Field(() => Float, { nullable: true, description: 'Closure rate (办结率): of the incidents of the worker\'s grids reported in the period, the share closed or explained; null without incidents.' })
  closureRate!: number | null;

  @Field(() => WorkerVisitDuty, { description: 'Visits done against the duty.' })
  visits!: WorkerVisitDuty;

  @Field(() => WorkerAppraisalScore, { description: 'The overall score and its parts.' })
  score!: WorkerAppraisalScore;

  staffMemberId!: number;
  gridIds!: number[];
}

@ObjectType({ implements: Node, description: 'Daily points recorded by hand for a grid worker (日常积分登记).', simpleResolvers: true })
export class WorkerPointEntry extends Node {
  @Field(() => DateScalar, { description: 'The day the points were earned or lost.' })
  day!: string;

  @Field(() => String, { description: 'The rule\'s code.' })
  rule!: string;

  @Field(() => Int, { description: 'Occurrences.' })
  quantity!: number;

  @Field(() => Decimal, { description: 'Points at the rule\'s value when recorded.' })
  points!: string;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'What happened.' })
  note!: string | null;

  @Field(() => String, { description: 'Token subject of who recorded it.' })
  recordedBy!: string;

  @Field(() => DateTime, { description: 'When it was recorded.' })
  createdAt!: Date;

  staffMemberId!: number;
}

@ObjectType({ implements: Node, description: 'A household\'s rating of a grid worker for a quarter (民主测评).', simpleResolvers: true })
export class WorkerRating extends Node {
  @Field(() => String, { description: 'The quarter, e.g. "2026-Q4".' })
  period!: string;

  @Field(() => Int, { description: 'Score, 1 (poor) to 5 (excellent).' })
  score!: number;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'What the household said.' })
  comment!: string | null;

  @Field(() => DateTime, { description: 'When the household last rated.' })
  createdAt!: Date;

  staffMemberId!: number;
}

@ObjectType({ implements: Node, description: 'One community\'s score of another of its street for a year (互评).', simpleResolvers: true })
export class CommunityPeerReview extends Node {
  @Field(() => Int, { description: 'The year reviewed.' })
  year!: number;

  @Field(() => Decimal, { description: 'Score, 0 to 100.' })
  score!: string;

  @Field(() => DateTime, { description: 'When it was given.' })
  createdAt!: Date;

  communityId!: number;
}

@ObjectType({ description: 'Percent weights of the community star rating, adding up to 100.', simpleResolvers: true })
export class CommunityStarWeights {
  @Field(() => Int, { description: 'Weight of performance (工作实绩).' })
  performance!: number;

  @Field(() => Int, { description: 'Weight of the residents\' rating (群众评议).' })
  residentRating!: number;

  @Field(() => Int, { description: 'Weight of the peer review (互评).' })
  peerReview!: number;
}

@ObjectType({ description: 'The rule figures of the community star rating (评星定级), as the city set them.', simpleResolvers: true })
export class CommunityStarRules {
  @Field(() => CommunityStarWeights, { description: 'Weights of the score. A part with nothing to score is left out and the other weights scaled up.' })
  weights!: CommunityStarWeights;

  @Field(() => Int, { description: 'A month\'s disclosure is on time when first published by this day of the next month.' })
  disclosureDueDay!: number;

  @Field(() => String, { nullable: true, description: 'Who last set the rules; null while the defaults apply.' })
  updatedBy!: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When the rules were last set.' })
  updatedAt!: Date | null;

  id!: string;
}

@ObjectType({ description: 'A community\'s star rating (评星定级) for a year: its parts, score, rank and stars.', simpleResolvers: true })
export class CommunityStarRating {
  @Field(() => Int, { description: 'The year rated.' })
  year!: number;

  @Field(() => Float, { nullable: true, description: 'Closure rate of the incidents reported in the year, percent; shown while not published.' })
  closureRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of worker-months with the visit duty met, percent; shown while not published.' })
  dutyMetShare!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of the compounds\' monthly disclosures published on time, percent; shown while not published.' })
  disclosureOnTimeShare!: number | null;

  @Field(() => Float, { nullable: true, description: 'Performance (工作实绩), 0 to 100: the mean of the three shares that have something to measure.' })
  performance!: number | null;

  @Field(() => Float, { nullable: true, description: 'Residents\' rating (群众评议), 0 to 100: worker ratings and incident satisfaction of the year, each 1–5 times 20, averaged together.' })
  residentRating!: number | null;

  @Field(() => Float, { nullable: true, description: 'Peer review (互评), 0 to 100: the average of the other communities\' scores.' })
  peerReview!: number | null;

  @Field(() => Float, { description: 'The weighted score, two decimals.' })
  score!: number;

  @Field(() => Int, { description: 'Rank in the round; equal scores share a rank (1, 2, 2, 4).' })
  rank!: number;

  @Field(() => Int, { description: 'Stars: 5, 4, 3 or 0, by the fixed shares 10% / 40% / 40% / 10%; equal scores take the higher band.' })
  stars!: number;

  @Field(() => Boolean, { description: 'Whether this is the published rating; otherwise the figures as they stand now.' })
  published!: boolean;

  @Field(() => DateTime, { nullable: true, description: 'When it was published.' })
  publishedAt!: Date | null;

  communityId!: number;
}

@ObjectType({ description: 'The star rating of the communities of a street or district for a year: one round, whose shares apply within it.', simpleResolvers: true })
export class CommunityStarRatingRound {
  @Field(() => ID, { description: 'The street or district rated.' })
  unitId!: string;

  @Field(() => Int, { description: 'The year.' })
  year!: number;

  @Field(() => Boolean, { description: 'Whether the round is published; before that only those who publish it and its secretaries see the figures.' })
  published!: boolean;

  @Field(() => DateTime, { nullable: true, description: 'When it was published.' })
  publishedAt!: Date | null;

  @Field(() => [CommunityStarRating], { description: 'The communities, best first.' })
  ratings!: CommunityStarRating[];

  id!: string;
}

export const WorkerAppraisalRulesPayload = Payload(WorkerAppraisalRules, 'workerAppraisalRules', 'WorkerAppraisalRules');
export const CommunityStarRulesPayload = Payload(CommunityStarRules, 'communityStarRules', 'CommunityStarRules');
export const WorkerPointEntryPayload = Payload(WorkerPointEntry, 'workerPointEntry', 'WorkerPointEntry');
export const WorkerRatingPayload = Payload(WorkerRating, 'workerRating', 'WorkerRating');
export const CommunityPeerReviewPayload = Payload(CommunityPeerReview, 'communityPeerReview', 'CommunityPeerReview');
export const CommunityStarRatingRoundPayload = Payload(CommunityStarRatingRound, 'communityStarRatingRound', 'CommunityStarRatingRound');
