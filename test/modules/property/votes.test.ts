import { and, asc, count, eq, inArray, ne, notInArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chinaDate } from '../../../src/calendar';
import { toGlobalId } from '../../../src/graphql/ids';
import { communities, households, residents } from '../../../src/modules/grid/grid.tables';
import { ballots, committeeMembers, ownersCommittees, ownerVotes, voteCandidates } from '../../../src/modules/property/property.tables';
import { closeDueVotes } from '../../../src/modules/property/vote.service';
import { addDays } from '../../../src/modules/property/vote.tally';
import { makeCompound } from '../../helpers/property';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

type Made = Awaited<ReturnType<typeof makeCompound>>;
interface Compound extends Made {
  /** Exactly twelve households, in id order, with a token for a resident of each. */
  owners: { id: number; gid: string; token: string; householderId: number }[];
  committeeToken: string;
  companyToken: string;
}

let t: TestServer;
let a: Compound;
let b: Compound;
let secretary: string;
let otherSecretary: string;

const SIZE = 12;
const inAWeek = () => new Date(Date.now() + 7 * 86400_000).toISOString();
const keyOfId = (id: string) => Number(Buffer.from(id, 'base64').toString().split(':')[1]);

/** A compound of exactly twelve households: extra households of its grid are left out of it. */
async function compoundOfTwelve(): Promise<Compound> {
  const db = t.database.db;
  let made = await makeCompound(db);
  while (made.households.length < SIZE) made = await makeCompound(db);
  const kept = [...made.households].sort((x, y) => x.id - y.id).slice(0, SIZE);
  await db.update(households).set({ compoundId: null })
    .where(and(eq(households.compoundId, made.compound.id), notInArray(households.id, kept.map((h) => h.id))));
  const heads = await db.select().from(residents).where(and(inArray(residents.householdId, kept.map((h) => h.id)), eq(residents.householder, true))).orderBy(asc(residents.id));
  const owners = await Promise.all(kept.map(async (h) => ({
    id: h.id,
    gid: toGlobalId('Household', h.id),
    token: await t.token(Role.RESIDENT, { type: 'Household', key: h.id }, `owner-${h.id}`),
    householderId: heads.find((r) => r.householdId === h.id)!.id,
  })));
  return {
    ...made, owners,
    committeeToken: await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: made.compound.id }, `committee-${made.compound.id}`),
    companyToken: await t.token(Role.PROPERTY_COMPANY, { type: 'PropertyCompany', key: made.company.id }, `company-${made.company.id}`),
  };
}

/** Sets the floor areas of the compound's households, in order; the rest get 100.00 m². */
async function setAreas(c: Compound, areas: Record<number, string> = {}) {
  await t.database.db.update(households).set({ floorArea: '100.00' }).where(eq(households.compoundId, c.compound.id));
  for (const [i, area] of Object.entries(areas)) await t.database.db.update(households).set({ floorArea: area }).where(eq(households.id, c.owners[Number(i)].id));
}

const TALLY = `tally { final rule eligibleArea eligibleOwners participatingArea participatingOwners forArea forOwners againstArea againstOwners
  abstainArea abstainOwners areaTurnout ownerTurnout forAreaShare forOwnerShare quorumAreaMet quorumOwnersMet quorumMet passingAreaMet passingOwnersMet outcome }`;
const VOTE = `id kind status outcome closedAt closesAt eligibleArea eligibleOwners seats viewerCanCast viewerCanClose compound { id } ${TALLY}`;
const ERRORS = 'userErrors { field code message }';

async function open(token: string, input: Record<string, unknown>, key?: string) {
  const r = await t.gql(`mutation($input: OwnerVoteOpenInput!, $key: String) { ownerVoteOpen(input: $input, idempotencyKey: $key) { ownerVote { ${VOTE} } ${ERRORS} } }`, { input, key }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.ownerVoteOpen;
}

const openMatter = (c: Compound, kind = 'ORDINARY', extra: Record<string, unknown> = {}) =>
  open(c.committeeToken, { compoundId: c.ids.compound, kind, title: '更换小区门禁系统', description: '使用公共收益更换东门、西门门禁系统', closesAt: inAWeek(), ...extra });

async function cast(token: string, voteId: string, ballot: { choice?: string; candidateIds?: string[] }, key?: string) {
  const r = await t.gql(`mutation($voteId: ID!, $choice: BallotChoice, $candidateIds: [ID!], $key: String) {
    ballotCast(voteId: $voteId, choice: $choice, candidateIds: $candidateIds, idempotencyKey: $key) {
      ownerVote { id viewerCanCast viewerBallot { choice area castAt updatedAt candidates { id name } } } ${ERRORS}
    }
  }`, { voteId, ...ballot, key }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.ballotCast;
}

/** The first households of the compound vote, in order, with these choices. */
async function castMany(c: Compound, voteId: string, choices: string[]) {
  for (const [i, choice] of choices.entries()) {
    const r = await cast(c.owners[i].token, voteId, { choice });
    expect(r.userErrors).toEqual([]);
  }
}

async function read(token: string, id: string, fields = VOTE) {
  const r = await t.gql(`query($id: ID!) { node(id: $id) { ... on OwnerVote { ${fields} } } }`, { id }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.node;
}

async function close(token: string, id: string) {
  const r = await t.gql(`mutation($id: ID!) { ownerVoteClose(id: $id) { ownerVote { ${VOTE} } ${ERRORS} } }`, { id }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.ownerVoteClose;
}

const voteCount = async () => (await t.database.db.select({ n: count() }).from(ownerVotes))[0].n;
const F = 'FOR';
const X = 'AGAINST';
const O = 'ABSTAIN';

beforeAll(async () => {
  t = await startTestServer();
  a = await compoundOfTwelve();
  b = await compoundOfTwelve();
  secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: a.compound.communityId }, 'secretary-a');
  const [elsewhere] = await t.database.db.select().from(communities).where(ne(communities.id, a.compound.communityId)).limit(1);
  otherSecretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: elsewhere.id }, 'secretary-elsewhere');
});
afterAll(async () => t?.close());

describe('opening a vote', () => {
  test('the committee opens it; the eligible area and owners are fixed from the households at that moment', async () => {
    await setAreas(a, { 0: '89.50', 1: '120.25' });
    const r = await openMatter(a);
    expect(r.userErrors).toEqual([]);
    expect(r.ownerVote).toMatchObject({
      kind: 'ORDINARY', status: 'OPEN', outcome: null, closedAt: null, eligibleArea: '1209.75', eligibleOwners: 12, seats: null,
      viewerCanClose: true, viewerCanCast: false, compound: { id: a.ids.compound },
      tally: { final: false, rule: 'MORE_THAN_HALF', participatingArea: '0.00', participatingOwners: 0, areaTurnout: '0.0000', quorumMet: false, outcome: 'NO_QUORUM' },
    });
    await setAreas(a);
    expect((await read(a.committeeToken, r.ownerVote.id)).tally.eligibleArea).toBe('1209.75');
    const byResident = await read(a.owners[0].token, r.ownerVote.id, 'viewerCanCast viewerCanClose viewerBallot { choice }');
    expect(byResident).toEqual({ viewerCanCast: true, viewerCanClose: false, viewerBallot: null });
  });

  test('the community secretary opens one too; a repeat with the same idempotency key opens it once', async () => {
    const before = await voteCount();
    const input = { compoundId: a.ids.compound, kind: 'COMPANY_HIRE_OR_DISMISS', title: '续聘物业服务企业', description: '续聘现物业服务企业三年', closesAt: inAWeek() };
    const first = await open(secretary, input, 'open-1');
    const again = await open(secretary, input, 'open-1');
    expect(first.userErrors).toEqual([]);
    expect(again.ownerVote.id).toBe(first.ownerVote.id);
    expect(await voteCount()).toBe(before + 1);
  });

  test('bad input names the field and writes nothing', async () => {
    const before = await voteCount();
    const candidatesBefore = (await t.database.db.select({ n: count() }).from(voteCandidates))[0].n;
    const past = await open(a.committeeToken, { compoundId: a.ids.compound, kind: 'ORDINARY', title: '  ', description: 'x', closesAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['input', 'title'], 'REQUIRED'], [['input', 'closesAt'], 'INVALID']]);
    expect(past.ownerVote).toBeNull();
    const seats = await openMatter(a, 'ORDINARY', { seats: 3 });
    expect(seats.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['input', 'seats'], 'INVALID']]);
    const noCandidates = await openMatter(a, 'COMMITTEE_ELECTION', { seats: 3 });
    expect(noCandidates.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['input', 'candidates'], 'REQUIRED']]);
    const tooFew = await openMatter(a, 'COMMITTEE_ELECTION', { seats: 3, candidates: [{ residentId: toGlobalId('Resident', a.owners[0].householderId) }] });
    expect(tooFew.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['input', 'candidates'], 'INVALID']]);
    const [notHead] = await t.database.db.select().from(residents)
      .where(and(inArray(residents.householdId, a.owners.map((o) => o.id)), eq(residents.householder, false))).orderBy(asc(residents.id)).limit(1);
    const candidates = [
      { residentId: toGlobalId('Resident', b.owners[0].householderId) },
      { residentId: toGlobalId('Resident', a.owners[0].householderId), statement: '长'.repeat(501) },
      { residentId: toGlobalId('Household', a.owners[0].id) },
      { residentId: toGlobalId('Resident', notHead.id) },
    ];
    const wrong = await openMatter(a, 'COMMITTEE_ELECTION', { seats: 1, candidates });
    expect(wrong.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['input', 'candidates', '1', 'statement'], 'INVALID']]);
    const wrongPeople = await openMatter(a, 'COMMITTEE_ELECTION', { seats: 1, candidates: candidates.map((c) => ({ residentId: c.residentId })) });
    expect(wrongPeople.userErrors.map((e: any) => [e.field, e.code])).toEqual([
      [['input', 'candidates', '2', 'residentId'], 'NOT_FOUND'],
      [['input', 'candidates', '0', 'residentId'], 'OUT_OF_SCOPE'],
      [['input', 'candidates', '3', 'residentId'], 'INVALID'],
    ]);
    expect(await voteCount()).toBe(before);
    expect((await t.database.db.select({ n: count() }).from(voteCandidates))[0].n).toBe(candidatesBefore);
  });

  test('a committee of another compound, a secretary of another community: OUT_OF_SCOPE; a company or a resident: FORBIDDEN', async () => {
    const before = await voteCount();
    for (const token of [b.committeeToken, otherSecretary]) {
      const refused = await open(token, { compoundId: a.ids.compound, kind: 'ORDINARY', title: 'x', description: 'y', closesAt: inAWeek() });
      expect(refused.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['input', 'compoundId'], 'OUT_OF_SCOPE']]);
    }
    for (const token of [a.companyToken, a.owners[0].token]) {
      const r = await t.gql(`mutation($input: OwnerVoteOpenInput!) { ownerVoteOpen(input: $input) { ownerVote { id } } }`,
        { input: { compoundId: a.ids.compound, kind: 'ORDINARY', title: 'x', description: 'y', closesAt: inAWeek() } }, token);
      expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(r.data ?? null).toBeNull();
    }
    expect(await voteCount()).toBe(before);
  });
});

describe('thresholds end to end (民法典 art. 278)', () => {
  test('exactly 2/3 take part and exactly half vote FOR: quorum met, not passed; one changed ballot passes it', async () => {
    await setAreas(a);
    const { ownerVote: vote } = await openMatter(a);
    await castMany(a, vote.id, [F, F, F, F, X, X, X, X]);
    const half = await read(a.committeeToken, vote.id);
    expect(half.tally).toMatchObject({
      participatingArea: '800.00', participatingOwners: 8, areaTurnout: '0.6667', ownerTurnout: '0.6667', quorumAreaMet: true, quorumOwnersMet: true,
      forArea: '400.00', forOwners: 4, forAreaShare: '0.5000', forOwnerShare: '0.5000', passingAreaMet: false, passingOwnersMet: false, outcome: 'FAILED',
    });
    expect(half.outcome).toBeNull();

    // The fifth household changes its mind before the vote closes.
    const changed = await cast(a.owners[4].token, vote.id, { choice: F });
    expect(changed.userErrors).toEqual([]);
    expect(changed.ownerVote.viewerBallot).toMatchObject({ choice: F, area: '100.00' });
    expect(new Date(changed.ownerVote.viewerBallot.updatedAt).getTime()).toBeGreaterThan(new Date(changed.ownerVote.viewerBallot.castAt).getTime());
    expect((await read(a.committeeToken, vote.id)).tally).toMatchObject({ participatingOwners: 8, forOwners: 5, againstOwners: 3, forArea: '500.00', outcome: 'PASSED' });

    const closed = await close(a.committeeToken, vote.id);
    expect(closed.userErrors).toEqual([]);
    expect(closed.ownerVote).toMatchObject({ status: 'CLOSED', outcome: 'PASSED', viewerCanClose: false, tally: { final: true, outcome: 'PASSED' } });
    const [row] = await t.database.db.select().from(ownerVotes).where(eq(ownerVotes.id, keyOfId(vote.id)));
    expect(row).toMatchObject({ status: 'CLOSED', outcome: 'PASSED' });

    // After the close: no ballot is cast or changed.
    const late = await cast(a.owners[5].token, vote.id, { choice: F });
    expect(late.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['voteId'], 'INVALID_TRANSITION']]);
    const newcomer = await cast(a.owners[10].token, vote.id, { choice: F });
    expect(newcomer.userErrors[0].code).toBe('INVALID_TRANSITION');
    expect((await read(a.owners[5].token, vote.id, 'viewerCanCast viewerBallot { choice }'))).toEqual({ viewerCanCast: false, viewerBallot: { choice: X } });
    expect((await read(a.committeeToken, vote.id)).tally).toMatchObject({ forOwners: 5, againstOwners: 3, participatingOwners: 8 });
    const twice = await close(secretary, vote.id);
    expect(twice.userErrors.map((e: any) => e.code)).toEqual(['INVALID_TRANSITION']);
  });

  test('a hundredth of a square metre below 2/3 of the area: no quorum, though 2/3 of the owners took part', async () => {
    await setAreas(a, { 7: '99.99', 8: '100.01' });
    const { ownerVote: vote } = await openMatter(a);
    expect(vote.eligibleArea).toBe('1200.00');
    await castMany(a, vote.id, [F, F, F, F, F, F, F, F]);
    const r = await read(a.committeeToken, vote.id);
    expect(r.tally).toMatchObject({ participatingArea: '799.99', participatingOwners: 8, quorumAreaMet: false, quorumOwnersMet: true, quorumMet: false, outcome: 'NO_QUORUM' });
    expect((await close(a.committeeToken, vote.id)).ownerVote.outcome).toBe('NO_QUORUM');
  });

  test('2/3 of the area but one owner short of 2/3 of the owners: no quorum', async () => {
    await setAreas(a, { 0: '400.00' });
    const { ownerVote: vote } = await openMatter(a);
    expect(vote.eligibleArea).toBe('1500.00');
    await castMany(a, vote.id, [F, F, F, F, F, F, O]);
    const r = await read(a.committeeToken, vote.id);
    expect(r.tally).toMatchObject({ participatingArea: '1000.00', participatingOwners: 7, abstainOwners: 1, quorumAreaMet: true, quorumOwnersMet: false, outcome: 'NO_QUORUM' });
  });

  test('raising the maintenance fund: exactly 3/4 of both passes', async () => {
    await setAreas(a);
    const { ownerVote: vote } = await openMatter(a, 'MAINTENANCE_FUND_RAISE_OR_REPURPOSE');
    await castMany(a, vote.id, [F, F, F, F, F, F, X, X]);
    const closed = await close(secretary, vote.id);
    expect(closed.ownerVote).toMatchObject({ outcome: 'PASSED', tally: { rule: 'AT_LEAST_THREE_QUARTERS', forAreaShare: '0.7500', forOwnerShare: '0.7500', passingAreaMet: true, passingOwnersMet: true } });
  });

  test('rebuilding: a hundredth of a square metre below 3/4 of the area fails', async () => {
    await setAreas(a, { 0: '99.99', 7: '100.01' });
    const { ownerVote: vote } = await openMatter(a, 'REBUILDING');
    await castMany(a, vote.id, [F, F, F, F, F, F, X, X]);
    const closed = await close(a.committeeToken, vote.id);
    expect(closed.ownerVote).toMatchObject({
      outcome: 'FAILED',
      tally: { participatingArea: '800.00', forArea: '599.99', forAreaShare: '0.7500', quorumMet: true, passingAreaMet: false, passingOwnersMet: true },
    });
  });

  test('past its closing time a vote reads as closed with its final tally, takes no ballot, and closeDueVotes stores the outcome', async () => {
    await setAreas(a);
    const { ownerVote: vote } = await openMatter(a, 'MAINTENANCE_FUND_USE');
    await castMany(a, vote.id, [F, F, F, F, F, F, F, X, O]);
    const closesAt = new Date(Date.now() - 60_000);
    await t.database.db.update(ownerVotes).set({ closesAt }).where(eq(ownerVotes.id, keyOfId(vote.id)));
    const r = await read(a.owners[0].token, vote.id);
    expect(r).toMatchObject({ status: 'CLOSED', outcome: 'PASSED', closedAt: closesAt.toISOString(), viewerCanCast: false, tally: { final: true, outcome: 'PASSED' } });
    const late = await cast(a.owners[11].token, vote.id, { choice: X });
    expect(late.userErrors.map((e: any) => e.code)).toEqual(['INVALID_TRANSITION']);
    const listed = await t.gql(`query($c: ID!) { ownerVotes(filter: { compoundId: $c, status: CLOSED, kind: MAINTENANCE_FUND_USE }) { nodes { id } } }`, { c: a.ids.compound }, a.committeeToken);
    expect(listed.data.ownerVotes.nodes.map((n: any) => n.id)).toContain(vote.id);

    expect(await closeDueVotes(t.database.db)).toBeGreaterThanOrEqual(1);
    const [row] = await t.database.db.select().from(ownerVotes).where(eq(ownerVotes.id, keyOfId(vote.id)));
    expect(row).toMatchObject({ status: 'CLOSED', outcome: 'PASSED', closedAt: closesAt });
    expect(await closeDueVotes(t.database.db)).toBe(0);
  });
});

describe('ballots', () => {
  test('a repeat of ballotCast with the same idempotency key returns the first result; the key with another choice is IDEMPOTENCY_KEY_REUSED; neither changes the ballot', async () => {
    await setAreas(a, { 3: '88.88' });
    const { ownerVote: vote } = await openMatter(a);
    const first = await cast(a.owners[3].token, vote.id, { choice: F }, 'phone-retry-1');
    expect(first.ownerVote.viewerBallot).toMatchObject({ choice: F, area: '88.88' });
    const repeat = await cast(a.owners[3].token, vote.id, { choice: F }, 'phone-retry-1');
    expect(repeat.userErrors).toEqual([]);
    expect(repeat.ownerVote.viewerBallot).toEqual(first.ownerVote.viewerBallot);
    const otherChoice = await cast(a.owners[3].token, vote.id, { choice: X }, 'phone-retry-1');
    expect(otherChoice.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['idempotencyKey'], 'IDEMPOTENCY_KEY_REUSED']]);
    const rows = await t.database.db.select().from(ballots).where(eq(ballots.voteId, keyOfId(vote.id)));
    expect(rows.map((r) => [r.householdId, r.choice, r.area])).toEqual([[a.owners[3].id, F, '88.88']]);
    // A new key is a new request: the ballot changes.
    const changed = await cast(a.owners[3].token, vote.id, { choice: X }, 'phone-retry-2');
    expect(changed.ownerVote.viewerBallot.choice).toBe(X);
  });

  test('a matter ballot needs a choice and no candidates', async () => {
    const { ownerVote: vote } = await openMatter(a);
    const none = await cast(a.owners[0].token, vote.id, {});
    expect(none.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['choice'], 'REQUIRED']]);
    const both = await cast(a.owners[0].token, vote.id, { choice: F, candidateIds: [] });
    expect(both.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['candidateIds'], 'INVALID']]);
    expect((await t.database.db.select({ n: count() }).from(ballots).where(eq(ballots.voteId, keyOfId(vote.id))))[0].n).toBe(0);
  });

  test('a resident of another compound cannot cast or see the vote; a company cannot cast; nobody but the committee and secretary lists ballots', async () => {
    const { ownerVote: vote } = await openMatter(a);
    const outsider = await cast(b.owners[0].token, vote.id, { choice: F });
    expect(outsider.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['voteId'], 'NOT_FOUND']]);
    expect(await read(b.owners[0].token, vote.id, 'id')).toBeNull();
    const company = await t.gql(`mutation($id: ID!) { ballotCast(voteId: $id, choice: FOR) { ownerVote { id } } }`, { id: vote.id }, a.companyToken);
    expect(company.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // The company reads the votes of its compound, not the ballots.
    expect((await read(a.companyToken, vote.id, 'id status')).status).toBe('OPEN');
    for (const token of [a.companyToken, a.owners[0].token]) {
      const r = await t.gql(`query($id: ID!) { node(id: $id) { ... on OwnerVote { ballots { totalCount } } } }`, { id: vote.id }, token);
      expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const anonymous = await t.gql('{ ownerVotes { totalCount } }');
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // Another compound's committee neither sees nor closes it.
    const mine = await t.gql(`query($c: ID!) { ownerVotes(filter: { compoundId: $c }) { totalCount } }`, { c: a.ids.compound }, b.committeeToken);
    expect(mine.data.ownerVotes.totalCount).toBe(0);
    const closeOther = await close(b.committeeToken, vote.id);
    expect(closeOther.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['id'], 'NOT_FOUND']]);
    const residentClose = await t.gql(`mutation($id: ID!) { ownerVoteClose(id: $id) { ownerVote { id } } }`, { id: vote.id }, a.owners[0].token);
    expect(residentClose.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await read(a.committeeToken, vote.id, 'status')).status).toBe('OPEN');
  });

  test('the committee lists the ballots by household: room, building, choice and area, a page at a time', async () => {
    await setAreas(a, { 1: '77.77' });
    const { ownerVote: vote } = await openMatter(a);
    await castMany(a, vote.id, [F, X, O, F, F, F, X]);
    const q = `query($id: ID!, $after: String) { node(id: $id) { ... on OwnerVote { ballots(first: 5, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { room buildingName choice area castAt candidates { id } } } } } }`;
    const page1 = await t.gql(q, { id: vote.id }, a.committeeToken);
    expect(page1.errors).toBeUndefined();
    const list = page1.data.node.ballots;
    expect(list.totalCount).toBe(7);
    expect(list.pageInfo.hasNextPage).toBe(true);
    expect(list.nodes.map((n: any) => [n.choice, n.area])).toEqual([[F, '100.00'], [X, '77.77'], [O, '100.00'], [F, '100.00'], [F, '100.00']]);
    const [h1] = await t.database.db.select().from(households).where(eq(households.id, a.owners[1].id));
    expect(list.nodes[1].room).toBe(h1.room);
    expect(list.nodes[1].buildingName).toMatch(/号楼$/);
    const page2 = await t.gql(q, { id: vote.id, after: list.pageInfo.endCursor }, secretary);
    expect(page2.data.node.ballots.nodes.map((n: any) => n.choice)).toEqual([F, X]);
    expect(page2.data.node.ballots.pageInfo.hasNextPage).toBe(false);
  });
});

describe('committee election (业委会换届选举)', () => {
  test('candidates, ballots, winners, turnout and the party-member share; closing records the new committee', async () => {
    await setAreas(a);
    const db = t.database.db;
    const heads = a.owners.slice(0, 4).map((o) => o.householderId);
    await db.update(residents).set({ tags: sql`array_remove(${residents.tags}, 'PARTY_MEMBER')` }).where(inArray(residents.id, heads));
    await db.update(residents).set({ tags: sql`array_append(${residents.tags}, 'PARTY_MEMBER')` }).where(inArray(residents.id, [heads[0], heads[2]]));

    const r = await openMatter(a, 'COMMITTEE_ELECTION', {
      title: '第三届业主委员会选举', seats: 3,
      candidates: heads.map((id, i) => ({ residentId: toGlobalId('Resident', id), statement: i === 0 ? '愿为业主服务' : null })),
    });
    expect(r.userErrors).toEqual([]);
    const vote = r.ownerVote;
    expect(vote).toMatchObject({ kind: 'COMMITTEE_ELECTION', seats: 3 });
    const listed = await read(a.owners[0].token, vote.id, 'candidates { id name partyMember statement }');
    const cands = listed.candidates as { id: string; name: string; partyMember: boolean }[];
    expect(cands.map((c) => c.partyMember)).toEqual([true, false, true, false]);
    expect(cands[0].name.length).toBeGreaterThan(1);
    const [c0, c1, c2, c3] = cands.map((c) => c.id);

    // Wrong ballots change nothing.
    const tooMany = await cast(a.owners[0].token, vote.id, { candidateIds: [c0, c1, c2, c3] });
    expect(tooMany.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['candidateIds'], 'INVALID']]);
    const withChoice = await cast(a.owners[0].token, vote.id, { choice: F, candidateIds: [c0] });
    expect(withChoice.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['choice'], 'INVALID']]);
    const dup = await cast(a.owners[0].token, vote.id, { candidateIds: [c0, c0] });
    expect(dup.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['candidateIds', '1'], 'DUPLICATE']]);
    const foreign = await cast(a.owners[0].token, vote.id, { candidateIds: [toGlobalId('VoteCandidate', 999999)] });
    expect(foreign.userErrors.map((e: any) => [e.field, e.code])).toEqual([[['candidateIds', '0'], 'NOT_FOUND']]);

    // Nine of twelve households vote: c0 on all nine, c1 on seven, c2 on five, c3 on four.
    const picks = [
      [c0, c1, c2], [c0, c1, c2], [c0, c1, c2], [c0, c1, c2], [c0, c1, c2],
      [c0, c1, c3], [c0, c1, c3], [c0, c3], [c0, c3],
    ];
    for (const [i, candidateIds] of picks.entries()) {
      const cast1 = await cast(a.owners[i].token, vote.id, { candidateIds });
      expect(cast1.userErrors).toEqual([]);
    }
    expect((await cast(a.owners[8].token, vote.id, { candidateIds: [c0, c3] })).ownerVote.viewerBallot.candidates.map((c: any) => c.id)).toEqual([c0, c3]);

    const firstBallot = await read(a.committeeToken, vote.id, 'ballots(first: 1) { nodes { choice area candidates { id } } }');
    expect(firstBallot.ballots.nodes).toEqual([{ choice: null, area: '100.00', candidates: [{ id: c0 }, { id: c1 }, { id: c2 }] }]);

    const RESULT = `status outcome tally { participatingArea participatingOwners areaTurnout ownerTurnout quorumMet passingAreaMet outcome }
      election { seats final partyMembersElected partyMemberShare elected { id }
        candidates { rank candidate { id partyMember } forArea forOwners forAreaShare forOwnerShare majorityAreaMet majorityOwnersMet elected } }`;
    const standing = await read(secretary, vote.id, RESULT);
    expect(standing.tally).toEqual({ participatingArea: '900.00', participatingOwners: 9, areaTurnout: '0.7500', ownerTurnout: '0.7500', quorumMet: true, passingAreaMet: null, outcome: 'PASSED' });
    expect(standing.election).toMatchObject({ seats: 3, final: false, partyMembersElected: 2, partyMemberShare: '0.6667', elected: [{ id: c0 }, { id: c1 }, { id: c2 }] });
    expect(standing.election.candidates.map((c: any) => [c.candidate.id, c.rank, c.forArea, c.forOwners, c.forAreaShare, c.elected])).toEqual([
      [c0, 1, '900.00', 9, '1.0000', true],
      [c1, 2, '700.00', 7, '0.7778', true],
      [c2, 3, '500.00', 5, '0.5556', true],
      [c3, 4, '400.00', 4, '0.4444', false],
    ]);

    // The committee in office (elected in 2021) hands over: its term ends the day before the new one starts.
    const [previous] = await db.insert(ownersCommittees).values({ compoundId: a.compound.id, termStartsOn: '2021-06-01', termEndsOn: addDays(chinaDate(), 30) }).returning();

    const closed = await t.gql(`mutation($id: ID!) { ownerVoteClose(id: $id) {
      ownerVote { status outcome election { final } electedCommittee { id termStartsOn termEndsOn current } } ${ERRORS} } }`, { id: vote.id }, secretary);
    expect(closed.data.ownerVoteClose.userErrors).toEqual([]);
    const result = closed.data.ownerVoteClose.ownerVote;
    expect(result).toMatchObject({ status: 'CLOSED', outcome: 'PASSED', election: { final: true }, electedCommittee: { current: true } });
    expect(result.electedCommittee.termStartsOn).toBe(chinaDate());
    const [committee] = await db.select().from(ownersCommittees).where(eq(ownersCommittees.electedInVoteId, keyOfId(vote.id)));
    expect(committee.compoundId).toBe(a.compound.id);
    const ends = new Date(`${committee.termStartsOn}T00:00:00Z`);
    ends.setUTCFullYear(ends.getUTCFullYear() + 5);
    ends.setUTCDate(ends.getUTCDate() - 1);
    expect(committee.termEndsOn).toBe(ends.toISOString().slice(0, 10));
    expect(result.electedCommittee).toMatchObject({ id: toGlobalId('OwnersCommittee', committee.id), termEndsOn: committee.termEndsOn });
    const [handedOver] = await db.select().from(ownersCommittees).where(eq(ownersCommittees.id, previous.id));
    expect(handedOver.termEndsOn).toBe(addDays(chinaDate(), -1));
    const members = await db.select().from(committeeMembers).where(eq(committeeMembers.committeeId, committee.id)).orderBy(asc(committeeMembers.id));
    expect(members.map((m) => [m.residentId, m.role, m.partyMember])).toEqual([
      [heads[0], 'CHAIR', true], [heads[1], 'VICE_CHAIR', false], [heads[2], 'MEMBER', true],
    ]);
  });
});

describe('reads', () => {
  test('a page of votes with their tallies, candidates and the viewer\'s ballots costs the same few statements however many votes it holds', async () => {
    expect((await t.database.db.select({ n: count() }).from(ownerVotes).where(and(eq(ownerVotes.compoundId, a.compound.id), eq(ownerVotes.kind, 'COMMITTEE_ELECTION'))))[0].n).toBe(1);
    const q = `query($c: ID!, $n: Int) { ownerVotes(first: $n, filter: { compoundId: $c }) { nodes {
      id status outcome viewerCanCast viewerCanClose viewerBallot { choice } candidates { name } election { partyMemberShare }
      tally { participatingArea forAreaShare outcome } } } }`;
    const cost = async (n: number) => {
      const before = t.database.statements.count;
      const r = await t.gql(q, { c: a.ids.compound, n }, a.owners[0].token);
      expect(r.errors).toBeUndefined();
      expect(r.data.ownerVotes.nodes).toHaveLength(n);
      return t.database.statements.count - before;
    };
    expect(await cost(8)).toBe(await cost(2));
    expect(await cost(8)).toBeLessThanOrEqual(6);
  });
});
