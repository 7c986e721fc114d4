import { describe, expect, test } from 'vitest';
import {
  addDays, addYears, atLeast, committeeRoles, committeeTerm, electionResult, formatArea, moreThan, parseArea, share, sumAreas,
  tallyVote, type MatterKind, type TallyInput,
} from '../../src/modules/property/vote.tally';

/** A vote where only FOR and AGAINST were cast (no abstentions unless given). */
function box(kind: MatterKind, eligible: [string, number], forVotes: [string, number], against: [string, number], abstain: [string, number] = ['0.00', 0]): TallyInput {
  return {
    kind,
    eligibleArea: eligible[0], eligibleOwners: eligible[1],
    participatingArea: sumAreas([forVotes[0], against[0], abstain[0]]),
    participatingOwners: forVotes[1] + against[1] + abstain[1],
    forArea: forVotes[0], forOwners: forVotes[1],
    againstArea: against[0], againstOwners: against[1],
    abstainArea: abstain[0], abstainOwners: abstain[1],
  };
}

describe('exact decimals', () => {
  test('areas are integer hundredths, both ways', () => {
    expect(parseArea('89.50')).toBe(8950n);
    expect(parseArea('89.5')).toBe(8950n);
    expect(parseArea('89')).toBe(8900n);
    expect(parseArea('0.01')).toBe(1n);
    expect(formatArea(8950n)).toBe('89.50');
    expect(formatArea(1n)).toBe('0.01');
    expect(formatArea(0n)).toBe('0.00');
    expect(parseArea('123456789012345.67')).toBe(12345678901234567n);
    expect(formatArea(12345678901234567n)).toBe('123456789012345.67');
  });

  test('anything but a non-negative decimal with at most two places is refused', () => {
    for (const bad of ['-1.00', '1.005', '1e3', '', ' 1.00', '1,00', 'NaN']) expect(() => parseArea(bad)).toThrow(RangeError);
  });

  test('shares round half up to four places, exactly', () => {
    expect(share(2n, 3n)).toBe('0.6667');
    expect(share(1n, 3n)).toBe('0.3333');
    expect(share(1n, 2n)).toBe('0.5000');
    expect(share(6n, 7n)).toBe('0.8571');
    expect(share(1n, 1n)).toBe('1.0000');
    expect(share(0n, 5n)).toBe('0.0000');
    // 0.00005 is exactly half a unit of the fourth place: it rounds up.
    expect(share(1n, 20000n)).toBe('0.0001');
    expect(share(1n, 20001n)).toBe('0.0000');
    expect(share(1n, 0n)).toBeNull();
  });

  test('threshold comparisons by cross-multiplication', () => {
    expect(atLeast(2n, 3n, 2n, 3n)).toBe(true);
    expect(atLeast(1999n, 3000n, 2n, 3n)).toBe(false);
    expect(moreThan(1n, 2n, 1n, 2n)).toBe(false);
    expect(moreThan(501n, 1000n, 1n, 2n)).toBe(true);
    expect(atLeast(0n, 0n, 2n, 3n)).toBe(false);
  });
});

describe('quorum: 2/3 of the area and 2/3 of the owners take part (三分之二以上, the bound included)', () => {
  test('exactly 2/3 of both: quorum met', () => {
    const t = tallyVote(box('ORDINARY', ['1200.00', 12], ['500.00', 5], ['300.00', 3]));
    expect(t).toMatchObject({ participatingArea: '800.00', participatingOwners: 8, quorumAreaMet: true, quorumOwnersMet: true, quorumMet: true });
    expect(t.areaTurnout).toBe('0.6667');
    expect(t.ownerTurnout).toBe('0.6667');
    expect(t.outcome).toBe('PASSED');
  });

  test('a hundredth of a square metre below 2/3 of the area: no quorum', () => {
    const t = tallyVote(box('ORDINARY', ['1200.00', 12], ['499.99', 5], ['300.00', 3]));
    expect(t).toMatchObject({ participatingArea: '799.99', quorumAreaMet: false, quorumOwnersMet: true, quorumMet: false, outcome: 'NO_QUORUM' });
    // The rounded share reads the same as at the bound; the decision is on the exact numbers.
    expect(t.areaTurnout).toBe('0.6667');
  });

  test('one owner below 2/3: no quorum', () => {
    const t = tallyVote(box('ORDINARY', ['1200.00', 12], ['600.00', 4], ['200.00', 3]));
    expect(t).toMatchObject({ participatingOwners: 7, quorumAreaMet: true, quorumOwnersMet: false, outcome: 'NO_QUORUM' });
  });

  test('area met but owners not, and owners met but area not', () => {
    const areaOnly = tallyVote(box('ORDINARY', ['1500.00', 12], ['1000.00', 7], ['0.00', 0]));
    expect(areaOnly).toMatchObject({ quorumAreaMet: true, quorumOwnersMet: false, outcome: 'NO_QUORUM' });
    const ownersOnly = tallyVote(box('ORDINARY', ['1500.00', 12], ['700.00', 8], ['0.00', 0]));
    expect(ownersOnly).toMatchObject({ quorumAreaMet: false, quorumOwnersMet: true, outcome: 'NO_QUORUM' });
  });

  test('abstentions take part: they make the quorum', () => {
    const t = tallyVote(box('ORDINARY', ['1200.00', 12], ['500.00', 5], ['0.00', 0], ['300.00', 3]));
    expect(t).toMatchObject({ quorumMet: true, abstainArea: '300.00', abstainOwners: 3, outcome: 'PASSED' });
  });

  test('nothing cast, nothing eligible', () => {
    expect(tallyVote(box('ORDINARY', ['1200.00', 12], ['0.00', 0], ['0.00', 0]))).toMatchObject({
      quorumMet: false, forAreaShare: null, forOwnerShare: null, areaTurnout: '0.0000', passingAreaMet: false, outcome: 'NO_QUORUM',
    });
    expect(tallyVote(box('ORDINARY', ['0.00', 0], ['0.00', 0], ['0.00', 0]))).toMatchObject({ quorumMet: false, areaTurnout: null, outcome: 'NO_QUORUM' });
  });
});

describe('majority: more than half of the participating area and owners (过半数)', () => {
  const kinds: MatterKind[] = ['ORDINARY', 'MAINTENANCE_FUND_USE', 'COMPANY_HIRE_OR_DISMISS'];

  test.each(kinds)('%s: exactly half FOR fails', (kind) => {
    const t = tallyVote(box(kind, ['1200.00', 12], ['400.00', 4], ['400.00', 4]));
    expect(t).toMatchObject({ rule: 'MORE_THAN_HALF', quorumMet: true, forAreaShare: '0.5000', forOwnerShare: '0.5000', passingAreaMet: false, passingOwnersMet: false, outcome: 'FAILED' });
  });

  test.each(kinds)('%s: a hundredth above half of the area and one owner above half passes', (kind) => {
    const t = tallyVote(box(kind, ['1200.00', 12], ['400.01', 5], ['399.99', 3]));
    expect(t).toMatchObject({ passingAreaMet: true, passingOwnersMet: true, outcome: 'PASSED', forAreaShare: '0.5000' });
  });

  test('half the area is not enough even with most owners, and the other way round', () => {
    expect(tallyVote(box('ORDINARY', ['1200.00', 12], ['400.00', 5], ['400.00', 3]))).toMatchObject({ passingAreaMet: false, passingOwnersMet: true, outcome: 'FAILED' });
    expect(tallyVote(box('ORDINARY', ['1200.00', 12], ['500.00', 4], ['300.00', 4]))).toMatchObject({ passingAreaMet: true, passingOwnersMet: false, outcome: 'FAILED' });
  });

  test('abstaining is not FOR: half FOR plus abstentions fails', () => {
    const t = tallyVote(box('ORDINARY', ['1200.00', 12], ['400.00', 4], ['200.00', 2], ['200.00', 2]));
    expect(t).toMatchObject({ forAreaShare: '0.5000', againstArea: '200.00', abstainArea: '200.00', outcome: 'FAILED' });
  });
});

describe('three quarters: raising or re-purposing the fund, rebuilding (四分之三以上)', () => {
  const kinds: MatterKind[] = ['MAINTENANCE_FUND_RAISE_OR_REPURPOSE', 'REBUILDING'];

  test.each(kinds)('%s: exactly 3/4 of both passes', (kind) => {
    const t = tallyVote(box(kind, ['1200.00', 12], ['600.00', 6], ['200.00', 2]));
    expect(t).toMatchObject({ rule: 'AT_LEAST_THREE_QUARTERS', forAreaShare: '0.7500', forOwnerShare: '0.7500', passingAreaMet: true, passingOwnersMet: true, outcome: 'PASSED' });
  });

  test.each(kinds)('%s: a hundredth below 3/4 of the area fails', (kind) => {
    const t = tallyVote(box(kind, ['1200.00', 12], ['599.99', 6], ['200.01', 2]));
    expect(t).toMatchObject({ passingAreaMet: false, passingOwnersMet: true, outcome: 'FAILED', forAreaShare: '0.7500' });
  });

  test.each(kinds)('%s: one owner below 3/4 fails, though the area is there', (kind) => {
    const t = tallyVote(box(kind, ['1200.00', 12], ['700.00', 5], ['100.00', 3]));
    expect(t).toMatchObject({ passingAreaMet: true, passingOwnersMet: false, outcome: 'FAILED' });
  });

  test('a share that passes an ordinary matter fails here', () => {
    expect(tallyVote(box('ORDINARY', ['1200.00', 12], ['550.00', 5], ['250.00', 3])).outcome).toBe('PASSED');
    expect(tallyVote(box('REBUILDING', ['1200.00', 12], ['550.00', 5], ['250.00', 3])).outcome).toBe('FAILED');
  });
});

describe('decimals that floats get wrong', () => {
  test('0.70 m² of 1.05 m² is exactly 2/3: quorum met (floats say no)', () => {
    expect(0.7 >= (1.05 * 2) / 3).toBe(false); // what a float computation answers
    const t = tallyVote(box('ORDINARY', ['1.05', 3], ['0.70', 2], ['0.00', 0]));
    expect(t).toMatchObject({ quorumAreaMet: true, quorumOwnersMet: true, quorumMet: true, outcome: 'PASSED' });
  });

  test('0.84 m² FOR of 1.12 m² is exactly 3/4: passes (floats say no)', () => {
    expect(0.84 / 1.12 >= 0.75).toBe(false);
    expect(0.84 >= 1.12 * 0.75).toBe(false);
    const t = tallyVote(box('REBUILDING', ['1.12', 4], ['0.84', 3], ['0.28', 1]));
    expect(t).toMatchObject({ passingAreaMet: true, passingOwnersMet: true, outcome: 'PASSED' });
  });

  test('0.10 + 0.20 FOR of 0.60 is exactly half: fails (a float sum makes it more than half)', () => {
    expect(0.1 + 0.2 > 0.6 / 2).toBe(true);
    const forArea = sumAreas(['0.10', '0.20']);
    expect(forArea).toBe('0.30');
    const t = tallyVote(box('ORDINARY', ['0.90', 4], [forArea, 2], ['0.30', 1]));
    expect(t).toMatchObject({ participatingArea: '0.60', forAreaShare: '0.5000', passingAreaMet: false, outcome: 'FAILED' });
  });

  test('large compounds stay exact', () => {
    const t = tallyVote(box('ORDINARY', ['3000000000000.03', 300], ['1000000000000.01', 101], ['1000000000000.01', 99]));
    expect(t).toMatchObject({ participatingArea: '2000000000000.02', quorumAreaMet: true, passingAreaMet: false, outcome: 'FAILED' });
  });
});

describe('committee elections', () => {
  const candidates = [
    { id: 1, partyMember: true, forArea: '500.00', forOwners: 5 },
    { id: 2, partyMember: false, forArea: '900.00', forOwners: 9 },
    { id: 3, partyMember: true, forArea: '700.00', forOwners: 7 },
    { id: 4, partyMember: false, forArea: '450.00', forOwners: 4 },
    { id: 5, partyMember: true, forArea: '450.00', forOwners: 5 },
  ];
  const election = (seats: number, cands = candidates, participating: [string, number] = ['900.00', 9]): TallyInput => ({
    kind: 'COMMITTEE_ELECTION', eligibleArea: '1200.00', eligibleOwners: 12,
    participatingArea: participating[0], participatingOwners: participating[1],
    forArea: '0.00', forOwners: 0, againstArea: '0.00', againstOwners: 0, abstainArea: '0.00', abstainOwners: 0,
    election: { seats, candidates: cands },
  });

  test('elected: more than half of the participating area and owners, best first, within the seats', () => {
    const t = tallyVote(election(3));
    expect(t.quorumMet).toBe(true);
    expect(t.passingAreaMet).toBeNull();
    expect(t.outcome).toBe('PASSED');
    expect(t.election!.candidates.map((c) => [c.id, c.rank, c.elected])).toEqual([[2, 1, true], [3, 2, true], [1, 3, true], [5, 4, false], [4, 5, false]]);
    expect(t.election!.elected).toEqual([2, 3, 1]);
    expect(t.election!.partyMembersElected).toBe(2);
    expect(t.election!.partyMemberShare).toBe('0.6667');
    expect(t.election!.candidates[0]).toMatchObject({ forAreaShare: '1.0000', forOwnerShare: '1.0000', majorityAreaMet: true });
  });

  test('exactly half is not elected; seats beyond the majority stay empty', () => {
    const t = tallyVote(election(5));
    // candidate 5: 450.00 of 900.00 is exactly half of the area, 5 of 9 owners is more than half.
    expect(t.election!.candidates.find((c) => c.id === 5)).toMatchObject({ majorityAreaMet: false, majorityOwnersMet: true, elected: false });
    expect(t.election!.elected).toEqual([2, 3, 1]);
  });

  test('fewer seats than majorities: the best fill them', () => {
    const t = tallyVote(election(2));
    expect(t.election!.elected).toEqual([2, 3]);
    expect(t.election!.partyMemberShare).toBe('0.5000');
    expect(t.election!.candidates.find((c) => c.id === 1)).toMatchObject({ majorityAreaMet: true, majorityOwnersMet: true, elected: false });
  });

  test('ties in area are broken by owners, then by nomination order', () => {
    const r = electionResult({ seats: 2, candidates: [
      { id: 7, partyMember: false, forArea: '600.00', forOwners: 6 },
      { id: 3, partyMember: false, forArea: '600.00', forOwners: 6 },
      { id: 9, partyMember: false, forArea: '600.00', forOwners: 7 },
    ] }, 90000n, 9n, true);
    expect(r.candidates.map((c) => c.id)).toEqual([9, 3, 7]);
    expect(r.elected).toEqual([9, 3]);
  });

  test('without a quorum nobody is elected', () => {
    const t = tallyVote(election(3, candidates, ['700.00', 7]));
    expect(t.outcome).toBe('NO_QUORUM');
    expect(t.election!.elected).toEqual([]);
    expect(t.election!.partyMemberShare).toBeNull();
  });

  test('nobody with a majority: failed', () => {
    const t = tallyVote(election(3, [{ id: 1, partyMember: true, forArea: '450.00', forOwners: 4 }]));
    expect(t.outcome).toBe('FAILED');
    expect(t.election!.elected).toEqual([]);
  });

  test('85.7% party members: six of seven elected (seed 004)', () => {
    const seven = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, partyMember: i < 6, forArea: '800.00', forOwners: 8 }));
    const t = tallyVote(election(7, seven));
    expect(t.election!.partyMemberShare).toBe('0.8571');
  });

  test('offices of the new committee and its five-year term', () => {
    expect(committeeRoles(4)).toEqual(['CHAIR', 'VICE_CHAIR', 'MEMBER', 'MEMBER']);
    expect(committeeRoles(1)).toEqual(['CHAIR']);
    expect(committeeTerm('2026-11-23')).toEqual({ termStartsOn: '2026-11-23', termEndsOn: '2031-11-22' });
    expect(committeeTerm('2028-02-29')).toEqual({ termStartsOn: '2028-02-29', termEndsOn: '2033-02-27' });
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
