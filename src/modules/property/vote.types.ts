import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime, Decimal } from '../../graphql/scalars';
import { ballotChoice, matterKind, voteOutcome, voteStatus } from './property.tables';
import { FreeText } from '../../graphql/free-text';

export const OwnerVoteKind = mirror(matterKind.enumValues);
export type OwnerVoteKind = keyof typeof OwnerVoteKind;
registerEnumType(OwnerVoteKind, {
  name: 'OwnerVoteKind',
  description: 'What an owners\' vote (业主表决) decides; the kind sets the majority it needs (民法典 art. 278).',
  valuesConfig: {
    ORDINARY: { description: 'An ordinary matter of the owners (一般事项): more than half of the participating area and owners.' },
    MAINTENANCE_FUND_USE: { description: 'Using the special maintenance fund (使用专项维修资金): more than half of the participating area and owners.' },
    MAINTENANCE_FUND_RAISE_OR_REPURPOSE: { description: 'Raising or re-purposing the maintenance fund (筹集和改变专项维修资金用途): at least 3/4 of the participating area and owners.' },
    REBUILDING: { description: 'Rebuilding or renovating the buildings (改建、重建建筑物): at least 3/4 of the participating area and owners.' },
    COMMITTEE_ELECTION: { description: 'Electing the owners\' committee (选举业主委员会): a candidate is elected with more than half of the participating area and owners.' },
    COMPANY_HIRE_OR_DISMISS: { description: 'Hiring or dismissing the property service company (选聘和解聘物业服务企业): more than half of the participating area and owners.' },
  },
});

export const OwnerVoteStatus = mirror(voteStatus.enumValues);
export type OwnerVoteStatus = keyof typeof OwnerVoteStatus;
registerEnumType(OwnerVoteStatus, {
  name: 'OwnerVoteStatus',
  description: 'Whether ballots are still taken.',
  valuesConfig: {
    OPEN: { description: 'Open (表决中): owners may cast and change their ballots until `closesAt`.' },
    CLOSED: { description: 'Closed (已结束): closed by the committee or the secretary, or past `closesAt`; the tally is final.' },
  },
});

export const OwnerVoteOutcome = mirror(voteOutcome.enumValues);
export type OwnerVoteOutcome = keyof typeof OwnerVoteOutcome;
registerEnumType(OwnerVoteOutcome, {
  name: 'OwnerVoteOutcome',
  description: 'The result of an owners\' vote under 民法典 art. 278.',
  valuesConfig: {
    PASSED: { description: 'Passed (通过): quorum met and the required majority voted FOR; for an election, at least one candidate elected.' },
    FAILED: { description: 'Not passed (未通过): quorum met, but the required majority was not reached; for an election, nobody elected.' },
    NO_QUORUM: { description: 'No quorum (参与表决不足): less than 2/3 of the floor area or less than 2/3 of the owners took part.' },
  },
});

export const BallotChoice = mirror(ballotChoice.enumValues);
export type BallotChoice = keyof typeof BallotChoice;
registerEnumType(BallotChoice, {
  name: 'BallotChoice',
  description: 'An owner\'s answer on a matter.',
  valuesConfig: {
    FOR: { description: 'For (同意).' },
    AGAINST: { description: 'Against (反对).' },
    ABSTAIN: { description: 'Abstain (弃权): takes part, counts for the quorum, but is not FOR.' },
  },
});

export enum OwnerVotePassingRule {
  MORE_THAN_HALF = 'MORE_THAN_HALF',
  AT_LEAST_THREE_QUARTERS = 'AT_LEAST_THREE_QUARTERS',
}
registerEnumType(OwnerVotePassingRule, {
  name: 'OwnerVotePassingRule',
  description: 'The majority a kind of matter needs, of the participating area and of the participating owners alike.',
  valuesConfig: {
    MORE_THAN_HALF: { description: 'Strictly more than half (过半数): exactly one half does not pass.' },
    AT_LEAST_THREE_QUARTERS: { description: 'At least three quarters (四分之三以上): exactly three quarters passes.' },
  },
});

const SHARE = 'an exact decimal fraction from 0 to 1 with four places, rounded half up (四舍五入), e.g. "0.6667"';

@ObjectType({ implements: Node, description: 'A candidate (候选人) in an owners\' committee election: an owner of the compound.', simpleResolvers: true })
export class VoteCandidate extends Node {
  @Field(() => String, { description: 'Full name (姓名) of the candidate, as shown on the ballot.' })
  name!: string;

  @Field(() => Boolean, { description: 'A party member (党员) when the election opened, from the resident\'s PARTY_MEMBER tag.' })
  partyMember!: boolean;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'What the candidate tells the owners (竞选陈述).' })
  statement!: string | null;

  voteId!: number;
  residentId!: number;
}

@ObjectType({ description: 'How one candidate fared in a committee election.', simpleResolvers: true })
export class CandidateResult {
  @Field(() => Int, { description: '1 for the best: most FOR area, then most FOR owners; ties by the order of nomination.' })
  rank!: number;

  @Field(() => VoteCandidate, { description: 'The candidate.' })
  candidate!: VoteCandidate;

  @Field(() => Decimal, { description: 'Floor area (m²) of the ballots that chose this candidate.' })
  forArea!: string;

  @Field(() => Int, { description: 'Owners (households) whose ballots chose this candidate.' })
  forOwners!: number;

  @Field(() => String, { nullable: true, description: `FOR area over the participating area, ${SHARE}; null when nobody took part.` })
  forAreaShare!: string | null;

  @Field(() => String, { nullable: true, description: `FOR owners over the participating owners, ${SHARE}; null when nobody took part.` })
  forOwnerShare!: string | null;

  @Field(() => Boolean, { description: 'More than half of the participating area chose this candidate.' })
  majorityAreaMet!: boolean;

  @Field(() => Boolean, { description: 'More than half of the participating owners chose this candidate.' })
  majorityOwnersMet!: boolean;

  @Field(() => Boolean, { description: 'Elected (当选): quorum met, a majority of area and owners, and within the seats.' })
  elected!: boolean;
}

@ObjectType({ description: 'The result of an owners\' committee election (业委会选举结果).', simpleResolvers: true })
export class CommitteeElectionResult {
  @Field(() => Int, { description: 'Seats to fill.' })
  seats!: number;

  @Field(() => [CandidateResult], { description: 'Every candidate, best first.' })
  candidates!: CandidateResult[];

  @Field(() => [VoteCandidate], { description: 'The elected (当选者), best first: the first chairs the new committee, the second is vice-chair.' })
  elected!: VoteCandidate[];

  @Field(() => Int, { description: 'Party members (党员) among the elected.' })
  partyMembersElected!: number;

  @Field(() => String, { nullable: true, description: `Party members over the elected (党员比例), ${SHARE}; null when nobody is elected.` })
  partyMemberShare!: string | null;

  @Field(() => Boolean, { description: 'The vote is closed, so this result is final.' })
  final!: boolean;
}

@ObjectType({ description: 'The count of an owners\' vote (计票) under 民法典 art. 278, summed by the database and decided on exact decimals. Areas in m²; owners are households.', simpleResolvers: true })
export class OwnerVoteTally {
  @Field(() => Boolean, { description: 'The vote is closed (or past `closesAt`): no ballot can change this tally.' })
  final!: boolean;

  @Field(() => OwnerVotePassingRule, { description: 'The majority this kind of matter needs.' })
  rule!: OwnerVotePassingRule;

  @Field(() => Decimal, { description: 'Floor area of the whole compound when the vote opened (专有部分总面积).' })
  eligibleArea!: string;

  @Field(() => Int, { description: 'Owners (households) of the compound when the vote opened (业主总人数).' })
  eligibleOwners!: number;

  @Field(() => Decimal, { description: 'Floor area of the households that cast a ballot (参与表决面积).' })
  participatingArea!: string;

  @Field(() => Int, { description: 'Households that cast a ballot (参与表决人数).' })
  participatingOwners!: number;

  @Field(() => Decimal, { description: 'Floor area voting FOR (同意面积); 0 for an election.' })
  forArea!: string;

  @Field(() => Int, { description: 'Owners voting FOR (同意人数); 0 for an election.' })
  forOwners!: number;

  @Field(() => Decimal, { description: 'Floor area voting AGAINST (反对面积).' })
  againstArea!: string;

  @Field(() => Int, { description: 'Owners voting AGAINST (反对人数).' })
  againstOwners!: number;

  @Field(() => Decimal, { description: 'Floor area abstaining (弃权面积).' })
  abstainArea!: string;

  @Field(() => Int, { description: 'Owners abstaining (弃权人数).' })
  abstainOwners!: number;

  @Field(() => String, { nullable: true, description: `Turnout by area (面积参与率): participating over eligible area, ${SHARE}.` })
  areaTurnout!: string | null;

  @Field(() => String, { nullable: true, description: `Turnout by owners (人数参与率): participating over eligible owners, ${SHARE}.` })
  ownerTurnout!: string | null;

  @Field(() => String, { nullable: true, description: `FOR area over participating area, ${SHARE}; null when nobody took part.` })
  forAreaShare!: string | null;

  @Field(() => String, { nullable: true, description: `FOR owners over participating owners, ${SHARE}; null when nobody took part.` })
  forOwnerShare!: string | null;

  @Field(() => Boolean, { description: 'At least 2/3 of the floor area took part.' })
  quorumAreaMet!: boolean;

  @Field(() => Boolean, { description: 'At least 2/3 of the owners took part.' })
  quorumOwnersMet!: boolean;

  @Field(() => Boolean, { description: 'Both quorum conditions are met.' })
  quorumMet!: boolean;

  @Field(() => Boolean, { nullable: true, description: 'The FOR area meets the passing rule; null for an election (see `election`).' })
  passingAreaMet!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'The FOR owners meet the passing rule; null for an election (see `election`).' })
  passingOwnersMet!: boolean | null;

  @Field(() => OwnerVoteOutcome, { description: 'What the count gives: final when `final`, otherwise the standing so far.' })
  outcome!: OwnerVoteOutcome;
}

@ObjectType({ description: 'The viewer\'s own household\'s ballot (我的选票); it can be changed until the vote closes.', simpleResolvers: true })
export class ViewerBallot {
  @Field(() => BallotChoice, { nullable: true, description: 'For, against or abstain; null on an election ballot (see `candidates`).' })
  choice!: BallotChoice | null;

  @Field(() => Decimal, { description: 'The household\'s floor area when it voted: the ballot\'s weight (m²).' })
  area!: string;

  @Field(() => DateTime, { description: 'When the household first voted.' })
  castAt!: Date;

  @Field(() => DateTime, { description: 'When the household last changed its ballot.' })
  updatedAt!: Date;

  candidateIds!: number[];
}

@ObjectType({ description: 'One household\'s ballot, as the committee counts it: where, what, how much area. No personal data.', simpleResolvers: true })
export class Ballot extends ViewerBallot {
  @Field(() => String, { description: 'Name of the household\'s building, e.g. "3号楼".' })
  buildingName!: string;

  @Field(() => String, { description: 'Unit and room of the household, e.g. "2单元501".' })
  room!: string;

  /** Household key: the ballot's position in the list. */
  id!: number;
}

@ObjectType({ implements: Node, description: 'An owners\' vote (业主表决) of one compound: one ballot per household, weighted by floor area, decided under 民法典 art. 278.', simpleResolvers: true })
export class OwnerVote extends Node {
  @Field(() => OwnerVoteKind, { description: 'What it decides; sets the majority needed.' })
  kind!: OwnerVoteKind;

  @FreeText()
  @Field(() => String, { description: 'The matter, in one line (表决事项).' })
  title!: string;

  @FreeText()
  @Field(() => String, { description: 'The matter in full, as put to the owners.' })
  description!: string;

  @Field(() => DateTime, { description: 'When ballots were first taken.' })
  opensAt!: Date;

  @Field(() => DateTime, { description: 'When ballots stop being taken; past it the tally is final.' })
  closesAt!: Date;

  @Field(() => Decimal, { description: 'Floor area of the compound\'s households when the vote opened (m²): the base of the area quorum.' })
  eligibleArea!: string;

  @Field(() => Int, { description: 'Households of the compound when the vote opened: the base of the owners quorum.' })
  eligibleOwners!: number;

  @Field(() => Int, { nullable: true, description: 'Seats to fill, for a committee election; null otherwise.' })
  seats!: number | null;

  compoundId!: number;
  /** As stored; the served `status` also counts a vote past `closesAt` as closed. */
  status!: OwnerVoteStatus;
  outcome!: OwnerVoteOutcome | null;
  closedAt!: Date | null;
}

export const OwnerVoteConnection = Connection(OwnerVote, 'OwnerVote', 'A page of owners\' votes.');
export const BallotConnection = Connection(Ballot, 'Ballot', 'A page of the ballots of an owners\' vote, by household.');
export const OwnerVotePayload = Payload(OwnerVote, 'ownerVote', 'OwnerVote');
