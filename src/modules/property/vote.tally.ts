import { Role } from '../../auth/roles';
import type { matterKind, voteOutcome } from './property.tables';

/**
 * Owners' votes (业主表决) under the Civil Code, art. 278 (民法典第二百七十八条), as pure
 * functions: no I/O, no floats. Areas travel as decimal strings with at most two decimals
 * ("89.50" m²) and are counted here as integer hundredths in BigInt; a ratio is compared
 * with a threshold by cross-multiplication (a/b ≥ p/q ⇔ a·q ≥ p·b), never by division.
 *
 * - Quorum: owners holding at least 2/3 of the floor area AND at least 2/3 of the owners take
 *   part ("三分之二以上", which includes the bound).
 * - Passing, ordinary matters: more than half of the participating area AND of the
 *   participating owners vote FOR ("过半数", strictly more than half).
 * - Passing, raising or re-purposing the maintenance fund and rebuilding: at least 3/4 of the
 *   participating area AND of the participating owners ("四分之三以上", the bound included).
 * - ABSTAIN takes part (counts for the quorum and in the denominator) but is not FOR.
 * - A committee election (选举业主委员会) elects the candidates chosen by more than half of
 *   the participating area and owners, best first, up to the seats.
 */

export type MatterKind = (typeof matterKind.enumValues)[number];
export type VoteOutcome = (typeof voteOutcome.enumValues)[number];
export type PassingRule = 'MORE_THAN_HALF' | 'AT_LEAST_THREE_QUARTERS';

/** Which majority each kind of matter needs (art. 278, second paragraph). */
export const PASSING_RULE: Record<MatterKind, PassingRule> = {
  ORDINARY: 'MORE_THAN_HALF',
  MAINTENANCE_FUND_USE: 'MORE_THAN_HALF',
  COMMITTEE_ELECTION: 'MORE_THAN_HALF',
  COMPANY_HIRE_OR_DISMISS: 'MORE_THAN_HALF',
  MAINTENANCE_FUND_RAISE_OR_REPURPOSE: 'AT_LEAST_THREE_QUARTERS',
  REBUILDING: 'AT_LEAST_THREE_QUARTERS',
};

/** Decimal places of the shares (turnout, FOR share, party-member share). */
export const SHARE_PLACES = 4;

// Exact decimals -------------------------------------------------------------------------------

const AREA = /^(\d{1,15})(?:\.(\d{1,2}))?$/;

/** "89.5" or "89.50" m² → 8950n hundredths, exactly. Throws on anything else (negative, 3 decimals, floats' exponents). */
export function parseArea(text: string): bigint {
  const match = AREA.exec(text);
  if (!match) throw new RangeError(`Not an area with at most two decimals: ${JSON.stringify(text)}`);
  return BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

/** Whether a text is an area `parseArea` takes. */
export function isArea(text: string): boolean {
  return AREA.test(text);
}

/** 8950n hundredths → "89.50". */
export function formatArea(hundredths: bigint): string {
  const sign = hundredths < 0n ? '-' : '';
  const abs = hundredths < 0n ? -hundredths : hundredths;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** The sum of areas given as decimal strings, exactly. */
export function sumAreas(areas: readonly string[]): string {
  return formatArea(areas.reduce((sum, a) => sum + parseArea(a), 0n));
}

/**
 * num/den as a decimal string with `places` decimals, rounded half up (四舍五入: a remainder of
 * exactly one half rounds away from zero); null when den is 0. Both are non-negative here.
 * A share is for reading only: the thresholds are decided on the exact numbers, so "0.5000"
 * may belong to a FOR area a hair above one half, which passes.
 */
export function share(num: bigint, den: bigint, places = SHARE_PLACES): string | null {
  if (den === 0n) return null;
  if (num < 0n || den < 0n) throw new RangeError('Shares are of non-negative quantities.');
  const scale = 10n ** BigInt(places);
  const rounded = (2n * num * scale + den) / (2n * den);
  const whole = rounded / scale;
  const fraction = String(rounded % scale).padStart(places, '0');
  return places === 0 ? String(whole) : `${whole}.${fraction}`;
}

/** a/b ≥ p/q, for b > 0; false when b is 0 (nothing to take a share of). */
export function atLeast(a: bigint, b: bigint, p: bigint, q: bigint): boolean {
  return b > 0n && a * q >= p * b;
}

/** a/b > p/q, for b > 0; false when b is 0. */
export function moreThan(a: bigint, b: bigint, p: bigint, q: bigint): boolean {
  return b > 0n && a * q > p * b;
}

/** Whether `part` of `whole` meets a passing rule. */
function meets(rule: PassingRule, part: bigint, whole: bigint): boolean {
  return rule === 'MORE_THAN_HALF' ? moreThan(part, whole, 1n, 2n) : atLeast(part, whole, 3n, 4n);
}

// The tally ------------------------------------------------------------------------------------

/** What the ballot box holds: sums of areas (decimal strings) and counts of owners (households). */
/** The sums of a vote's ballots: areas as exact decimal strings, owners as counts. */
export interface BallotSums {
  /** Every ballot cast (FOR, AGAINST, ABSTAIN; for an election, every election ballot). */
  participatingArea: string;
  participatingOwners: number;
  forArea: string;
  forOwners: number;
  againstArea: string;
  againstOwners: number;
  abstainArea: string;
  abstainOwners: number;
}

export interface TallyInput extends BallotSums {
  kind: MatterKind;
  /** Fixed when the vote opened: the compound's whole floor area and number of owners. */
  eligibleArea: string;
  eligibleOwners: number;
  /** For a committee election: the seats and each candidate's votes. */
  election?: ElectionInput;
}

export interface CandidateVotes {
  id: number;
  partyMember: boolean;
  /** Area and owners of the ballots that chose this candidate. */
  forArea: string;
  forOwners: number;
}

export interface ElectionInput {
  seats: number;
  candidates: readonly CandidateVotes[];
}

export interface CandidateResult extends CandidateVotes {
  /** 1 for the best; candidates with the same votes are ordered by id. */
  rank: number;
  forAreaShare: string | null;
  forOwnerShare: string | null;
  /** More than half of the participating area chose this candidate. */
  majorityAreaMet: boolean;
  /** More than half of the participating owners chose this candidate. */
  majorityOwnersMet: boolean;
  elected: boolean;
}

export interface ElectionResult {
  seats: number;
  /** Every candidate, best first: FOR area, then FOR owners, both descending; then id. */
  candidates: CandidateResult[];
  /** Ids of the elected, best first: quorum met, majority of area and owners, within the seats. */
  elected: number[];
  partyMembersElected: number;
  /** Party members among the elected, rounded half up to 4 places; null when nobody is elected. */
  partyMemberShare: string | null;
}

export interface Tally extends BallotSums {
  kind: MatterKind;
  rule: PassingRule;
  eligibleArea: string;
  eligibleOwners: number;
  /** participating / eligible, rounded half up to 4 places; null when nothing is eligible. */
  areaTurnout: string | null;
  ownerTurnout: string | null;
  /** FOR / participating, rounded half up to 4 places; null when nobody took part. */
  forAreaShare: string | null;
  forOwnerShare: string | null;
  quorumAreaMet: boolean;
  quorumOwnersMet: boolean;
  quorumMet: boolean;
  /** Whether the FOR area / FOR owners meet the passing rule; null for an election (see `election`). */
  passingAreaMet: boolean | null;
  passingOwnersMet: boolean | null;
  outcome: VoteOutcome;
  election: ElectionResult | null;
}

function compareCandidates(a: { area: bigint; owners: bigint; id: number }, b: { area: bigint; owners: bigint; id: number }): number {
  if (a.area !== b.area) return a.area > b.area ? -1 : 1;
  if (a.owners !== b.owners) return a.owners > b.owners ? -1 : 1;
  return a.id - b.id;
}

/** A committee election: who is elected, given the participation and whether the quorum is met. */
export function electionResult(input: ElectionInput, participatingArea: bigint, participatingOwners: bigint, quorumMet: boolean): ElectionResult {
  if (!Number.isInteger(input.seats) || input.seats < 1) throw new RangeError('An election fills at least one seat.');
  const ranked = input.candidates
    .map((c) => ({ c, area: parseArea(c.forArea), owners: BigInt(c.forOwners), id: c.id }))
    .sort(compareCandidates);
  let seatsLeft = input.seats;
  const candidates = ranked.map(({ c, area, owners }, i): CandidateResult => {
    const majorityAreaMet = moreThan(area, participatingArea, 1n, 2n);
    const majorityOwnersMet = moreThan(owners, participatingOwners, 1n, 2n);
    const elected = quorumMet && majorityAreaMet && majorityOwnersMet && seatsLeft > 0;
    if (elected) seatsLeft -= 1;
    return {
      id: c.id, partyMember: c.partyMember, forArea: formatArea(area), forOwners: c.forOwners, rank: i + 1,
      forAreaShare: share(area, participatingArea), forOwnerShare: share(owners, participatingOwners),
      majorityAreaMet, majorityOwnersMet, elected,
    };
  });
  const elected = candidates.filter((c) => c.elected);
  const partyMembersElected = elected.filter((c) => c.partyMember).length;
  return {
    seats: input.seats,
    candidates,
    elected: elected.map((c) => c.id),
    partyMembersElected,
    partyMemberShare: share(BigInt(partyMembersElected), BigInt(elected.length)),
  };
}

/** The result of an owners' vote under art. 278, from the sums of its ballots. */
export function tallyVote(input: TallyInput): Tally {
  const eligibleArea = parseArea(input.eligibleArea);
  const eligibleOwners = BigInt(input.eligibleOwners);
  const participatingArea = parseArea(input.participatingArea);
  const participatingOwners = BigInt(input.participatingOwners);
  const forArea = parseArea(input.forArea);
  const forOwners = BigInt(input.forOwners);
  const rule = PASSING_RULE[input.kind];

  const quorumAreaMet = atLeast(participatingArea, eligibleArea, 2n, 3n);
  const quorumOwnersMet = atLeast(participatingOwners, eligibleOwners, 2n, 3n);
  const quorumMet = quorumAreaMet && quorumOwnersMet;

  let passingAreaMet: boolean | null = null;
  let passingOwnersMet: boolean | null = null;
  let election: ElectionResult | null = null;
  let passed: boolean;
  if (input.kind === 'COMMITTEE_ELECTION') {
    if (!input.election) throw new RangeError('A committee election is tallied with its candidates and seats.');
    election = electionResult(input.election, participatingArea, participatingOwners, quorumMet);
    passed = election.elected.length > 0;
  } else {
    passingAreaMet = meets(rule, forArea, participatingArea);
    passingOwnersMet = meets(rule, forOwners, participatingOwners);
    passed = passingAreaMet && passingOwnersMet;
  }

  return {
    kind: input.kind,
    rule,
    eligibleArea: formatArea(eligibleArea),
    eligibleOwners: input.eligibleOwners,
    participatingArea: formatArea(participatingArea),
    participatingOwners: input.participatingOwners,
    forArea: formatArea(forArea),
    forOwners: input.forOwners,
    againstArea: formatArea(parseArea(input.againstArea)),
    againstOwners: input.againstOwners,
    abstainArea: formatArea(parseArea(input.abstainArea)),
    abstainOwners: input.abstainOwners,
    areaTurnout: share(participatingArea, eligibleArea),
    ownerTurnout: share(participatingOwners, eligibleOwners),
    forAreaShare: share(forArea, participatingArea),
    forOwnerShare: share(forOwners, participatingOwners),
    quorumAreaMet,
    quorumOwnersMet,
    quorumMet,
    passingAreaMet,
    passingOwnersMet,
    outcome: !quorumMet ? 'NO_QUORUM' : passed ? 'PASSED' : 'FAILED',
    election,
  };
}

// Dates ----------------------------------------------------------------------------------------

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` plus whole years; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const year = y + years;
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return isoDate(year, m, Math.min(d, lastDay));
}

/** `YYYY-MM-DD` plus (or minus) whole days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** An owners' committee serves five years (业主委员会每届任期五年) from the day it is elected. */
export const COMMITTEE_TERM_YEARS = 5;

/** The first and last day of the term of a committee elected on `electedOn`: five years, the last day included. */
export function committeeTerm(electedOn: string): { termStartsOn: string; termEndsOn: string } {
  return { termStartsOn: electedOn, termEndsOn: addDays(addYears(electedOn, COMMITTEE_TERM_YEARS), -1) };
}

export type CommitteeRole = 'CHAIR' | 'VICE_CHAIR' | 'MEMBER';

/** Roles of the elected, best first: the first chairs, the second is vice-chair, the rest are members. */
export function committeeRoles(count: number): CommitteeRole[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'CHAIR' : i === 1 ? 'VICE_CHAIR' : 'MEMBER'));
}

// Who acts -------------------------------------------------------------------------------------

/**
 * Which roles take each action on owners' votes; which of them may act on a given vote is
 * decided by the compound scope (the committee of that compound, the secretary over it, a
 * resident of one of its households).
 */
export const VOTE_ACTORS = {
  OPEN: [Role.OWNERS_COMMITTEE, Role.COMMUNITY_SECRETARY],
  CLOSE: [Role.OWNERS_COMMITTEE, Role.COMMUNITY_SECRETARY],
  CAST: [Role.RESIDENT],
} as const satisfies Record<string, readonly Role[]>;

/** Roles that read votes and their tallies, each within the compounds it may see. */
export const VOTE_READERS: readonly Role[] = [
  Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER,
  Role.RESIDENT, Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY,
];

/** Roles that read the list of ballots (room, choice, area): the committee that counts them and the secretary who supervises. */
export const BALLOT_READERS: readonly Role[] = [Role.OWNERS_COMMITTEE, Role.COMMUNITY_SECRETARY];
