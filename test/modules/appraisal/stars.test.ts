import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chinaDate } from '../../../src/calendar';
import { toGlobalId } from '../../../src/graphql/ids';
import { communityPeerReviews, communityStarRatings, workerRatings } from '../../../src/modules/appraisal/appraisal.tables';
import { communities, grids } from '../../../src/modules/grid/grid.tables';
import { incidents } from '../../../src/modules/incident/incident.tables';
import { compounds, disclosures, propertyContracts } from '../../../src/modules/property/property.tables';
import { workerDuties } from '../../../src/modules/visit/duty.service';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;
let members: (typeof communities.$inferSelect)[];
let foreign: typeof communities.$inferSelect;
let tokens: Record<'officer' | 'otherOfficer' | 'admin' | 'secretaryA' | 'secretaryB' | 'foreignSecretary' | 'resident', string>;

const YEAR = Number(chinaDate().slice(0, 4)) - 1;
const ERRORS = 'userErrors { field code message }';
const RATING = 'community { id } year closureRate dutyMetShare disclosureOnTimeShare performance residentRating peerReview score rank stars published publishedAt';
const ROUND = `unitId year published publishedAt ratings { ${RATING} }`;

async function round(token: string | undefined, unit = u.ids.street, year = YEAR) {
  const r = await t.gql(`query($unit: ID!, $year: Int!) { communityStarRatings(unit: $unit, year: $year) { ${ROUND} } }`, { unit, year }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.communityStarRatings;
}

async function review(token: string, input: Record<string, unknown>) {
  const r = await t.gql(`mutation($input: CommunityPeerReviewInput!) { communityPeerReviewSubmit(input: $input) { communityPeerReview { id year score community { id } } ${ERRORS} } }`, { input }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.communityPeerReviewSubmit;
}

async function publish(token: string, unit: string, year: number) {
  const r = await t.gql(`mutation($unit: ID!, $year: Int!) { communityStarRatingPublish(unit: $unit, year: $year) { communityStarRatingRound { ${ROUND} } ${ERRORS} } }`, { unit, year }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.communityStarRatingPublish;
}

const reviewCount = async () => (await t.database.db.select({ n: count() }).from(communityPeerReviews))[0].n;
const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/** A community's parts for the year, from the raw rows, independently of the service. */
async function expectedParts(communityId: number, dueDay = 10) {
  const db = t.database.db;
  const start = new Date(`${YEAR}-01-01T00:00:00+08:00`);
  const end = new Date(`${YEAR + 1}-01-01T00:00:00+08:00`);
  const all = await db.select().from(incidents).where(eq(incidents.communityId, communityId));
  const reported = all.filter((i) => i.reportedAt >= start && i.reportedAt < end);
  const closureRate = reported.length === 0 ? null : (reported.filter((i) => i.status === 'CLOSED' || i.status === 'EXPLAINED').length / reported.length) * 100;
  const ratings = await db.select().from(workerRatings).where(and(eq(workerRatings.communityId, communityId), sql`${workerRatings.period} like ${`${YEAR}-Q%`}`));
  const satisfaction = all.filter((i) => i.satisfaction !== null && i.closedAt && i.closedAt >= start && i.closedAt < end).map((i) => i.satisfaction!);
  const residentRating = mean([...ratings.map((r) => r.score * 20), ...satisfaction.map((s) => s * 20)]);
  const peers = await db.select().from(communityPeerReviews).where(and(eq(communityPeerReviews.communityId, communityId), eq(communityPeerReviews.year, YEAR)));
  const peerReview = mean(peers.map((p) => Number(p.score)));
  // Disclosures: every month of the year (it has ended, so every due day has passed) with a contract in force.
  const sites = await db.select().from(compounds).where(eq(compounds.communityId, communityId));
  let due = 0;
  let onTime = 0;
  for (const site of sites) {
    const contracts = await db.select().from(propertyContracts).where(eq(propertyContracts.compoundId, site.id));
    const published = await db.select().from(disclosures).where(eq(disclosures.compoundId, site.id));
    for (let m = 1; m <= 12; m += 1) {
      const first = `${YEAR}-${String(m).padStart(2, '0')}-01`;
      const next = m === 12 ? `${YEAR + 1}-01-01` : `${YEAR}-${String(m + 1).padStart(2, '0')}-01`;
      if (!contracts.some((c) => c.startsOn < next && c.endsOn >= first)) continue;
      due += 1;
      const times = published.filter((d) => String(d.month).slice(0, 10) === first).map((d) => d.publishedAt.getTime());
      const deadline = new Date(`${next.slice(0, 8)}${String(dueDay + 1).padStart(2, '0')}T00:00:00+08:00`).getTime();
      if (times.length > 0 && Math.min(...times) < deadline) onTime += 1;
    }
  }
  const disclosureOnTimeShare = due === 0 ? null : (onTime / due) * 100;
  // Duty: every worker-month of the community's grids, through the contract function of the visit module.
  const gridIds = new Set((await db.select({ id: grids.id }).from(grids).where(eq(grids.communityId, communityId))).map((g) => g.id));
  let months = 0;
  let met = 0;
  for (let m = 1; m <= 12; m += 1) {
    for (const d of await workerDuties(db, { communityId }, `${YEAR}-${String(m).padStart(2, '0')}`)) {
      if (!gridIds.has(d.gridId)) continue;
      months += 1;
      if (d.met) met += 1;
    }
  }
  const dutyMetShare = months === 0 ? null : (met / months) * 100;
  const performance = mean([closureRate, dutyMetShare, disclosureOnTimeShare].filter((x): x is number => x !== null));
  return { closureRate, dutyMetShare, disclosureOnTimeShare, performance, residentRating, peerReview };
}

function weighted(parts: { performance: number | null; residentRating: number | null; peerReview: number | null }, w = [50, 30, 20]) {
  const used = [parts.performance, parts.residentRating, parts.peerReview].map((p, i) => [p, w[i]] as const).filter(([p, wt]) => p !== null && wt > 0);
  const weight = used.reduce((s, [, wt]) => s + wt, 0);
  return weight === 0 ? 0 : used.reduce((s, [p, wt]) => s + p! * wt, 0) / weight;
}

beforeAll(async () => {
  t = await startTestServer();
  const db = t.database.db;
  u = await demoUnits(db);
  members = await db.select().from(communities).where(eq(communities.streetId, u.street.id)).orderBy(asc(communities.code));
  [foreign] = await db.select().from(communities).where(ne(communities.streetId, u.street.id)).limit(1);
  expect(members.length).toBeGreaterThanOrEqual(2);
  tokens = {
    officer: await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }),
    otherOfficer: await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.otherStreet.id }, 'other-officer'),
    admin: await t.token(Role.CITY_ADMIN),
    secretaryA: await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: members[0].id }, 'secretary-a'),
    secretaryB: await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: members[1].id }, 'secretary-b'),
    foreignSecretary: await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: foreign.id }, 'secretary-f'),
    resident: await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }),
  };
  // This test computes its own peer reviews: the seeded ones of the year are set aside.
  await db.delete(communityPeerReviews).where(eq(communityPeerReviews.year, YEAR));
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('peer review (互评)', () => {
  test('a secretary scores another community of the street, once', async () => {
    const [a, b] = members;
    const first = await review(tokens.secretaryA, { communityId: toGlobalId('Community', b.id), year: YEAR, score: '88.50' });
    expect(first.userErrors).toEqual([]);
    expect(first.communityPeerReview).toMatchObject({ year: YEAR, score: '88.50', community: { id: toGlobalId('Community', b.id) } });
    expect((await review(tokens.secretaryB, { communityId: toGlobalId('Community', a.id), year: YEAR, score: '92' })).userErrors).toEqual([]);
  });

  test('itself, another street, twice, a bad score or year are refused and nothing is written', async () => {
    const before = await reviewCount();
    const [a, b] = members;
    const cases: [Record<string, unknown>, string[], string][] = [
      [{ communityId: toGlobalId('Community', a.id) }, ['input', 'communityId'], 'INVALID'],
      [{ communityId: toGlobalId('Community', foreign.id) }, ['input', 'communityId'], 'OUT_OF_SCOPE'],
      [{ communityId: toGlobalId('Community', b.id) }, ['input', 'communityId'], 'DUPLICATE'],
      [{ communityId: toGlobalId('Community', b.id), score: '100.5' }, ['input', 'score'], 'INVALID'],
      [{ communityId: toGlobalId('Community', b.id), year: 2999 }, ['input', 'year'], 'INVALID'],
      [{ communityId: u.ids.street }, ['input', 'communityId'], 'NOT_FOUND'],
    ];
    for (const [change, field, code] of cases) {
      const r = await review(tokens.secretaryA, { year: YEAR, score: '70', ...change });
      expect(r.communityPeerReview).toBeNull();
      expect(r.userErrors[0]).toMatchObject({ field, code });
    }
    const officer = await t.gql('mutation($input: CommunityPeerReviewInput!) { communityPeerReviewSubmit(input: $input) { userErrors { code } } }',
      { input: { communityId: toGlobalId('Community', b.id), year: YEAR, score: '70' } }, tokens.officer);
    expect(officer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await reviewCount()).toBe(before);
  });
});

describe('communityStarRatings before publication', () => {
  test('every part and score matches an independent computation; stars follow the shares', async () => {
    const r = await round(tokens.officer);
    expect(r).toMatchObject({ unitId: u.ids.street, year: YEAR, published: false, publishedAt: null });
    expect(r.ratings.map((x: any) => x.community.id).sort()).toEqual(members.map((c) => toGlobalId('Community', c.id)).sort());
    for (const rating of r.ratings) {
      const community = members.find((c) => toGlobalId('Community', c.id) === rating.community.id)!;
      const want = await expectedParts(community.id);
      for (const key of ['closureRate', 'dutyMetShare', 'disclosureOnTimeShare', 'residentRating', 'peerReview'] as const) {
        if (want[key] === null) expect(rating[key], key).toBeNull();
        else expect(rating[key], key).toBeCloseTo(want[key]!, 1);
      }
      expect(rating.performance).toBeCloseTo(want.performance!, 1);
      expect(rating.score).toBeCloseTo(weighted(want), 1);
      expect(rating.published).toBe(false);
    }
    const scores = r.ratings.map((x: any) => x.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const n = r.ratings.length;
    const distinctTop = r.ratings.filter((x: any) => x.stars === 5).length;
    if (new Set(scores).size === n) expect(distinctTop).toBe(Math.floor(0.1 * n + 0.5));
    expect(r.ratings.every((x: any, i: number) => i === 0 || x.stars <= r.ratings[i - 1].stars)).toBe(true);
  });

  test('the draft is for those who publish it and the street\'s secretaries; others see an empty round', async () => {
    expect((await round(tokens.secretaryA)).ratings.length).toBe(members.length);
    expect((await round(tokens.admin)).ratings.length).toBe(members.length);
    for (const token of [undefined, tokens.resident, tokens.otherOfficer, tokens.foreignSecretary]) {
      expect(await round(token)).toMatchObject({ published: false, ratings: [] });
    }
  });

  test('a bounded number of statements, however many communities', async () => {
    const measure = async (unit: string) => {
      const before = t.database.statements.count;
      const r = await round(tokens.admin, unit);
      return { statements: t.database.statements.count - before, communities: r.ratings.length };
    };
    const street = await measure(u.ids.street);
    const district = await measure(toGlobalId('District', u.street.districtId));
    expect(district.communities).toBeGreaterThan(street.communities);
    // Published rows, two rule sets, the grids, the figures, at most three per month for the duty, one loader.
    const bound = 1 + 2 + 1 + 1 + 3 * 12 + 1;
    expect(street.statements).toBeLessThanOrEqual(bound);
    expect(district.statements).toBeLessThanOrEqual(bound);
  });

  test('malformed unit or year is a request error', async () => {
    for (const [unit, year] of [[u.ids.community, YEAR], [u.ids.street, 2999]] as const) {
      const r = await t.gql('query($unit: ID!, $year: Int!) { communityStarRatings(unit: $unit, year: $year) { year } }', { unit, year });
      expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('star rules are settings', () => {
  const RULES = 'weights { performance residentRating peerReview } disclosureDueDay updatedBy';
  const setRules = async (token: string, input: Record<string, unknown>) => {
    const r = await t.gql(`mutation($input: CommunityStarRulesInput!) { communityStarRulesSet(input: $input) { communityStarRules { ${RULES} } ${ERRORS} } }`, { input }, token);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data.communityStarRulesSet;
  };

  test('weights change the score; bad rules are refused; only a city admin sets them', async () => {
    expect((await setRules(tokens.admin, { weights: { performance: 50, residentRating: 30, peerReview: 30 }, disclosureDueDay: 10 })).userErrors[0])
      .toMatchObject({ field: ['input', 'weights'], code: 'INVALID' });
    expect((await setRules(tokens.admin, { weights: { performance: 50, residentRating: 30, peerReview: 20 }, disclosureDueDay: 31 })).userErrors[0])
      .toMatchObject({ field: ['input', 'disclosureDueDay'], code: 'INVALID' });
    const forbidden = await t.gql('mutation($input: CommunityStarRulesInput!) { communityStarRulesSet(input: $input) { userErrors { code } } }',
      { input: { weights: { performance: 100, residentRating: 0, peerReview: 0 }, disclosureDueDay: 10 } }, tokens.officer);
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const set = await setRules(tokens.admin, { weights: { performance: 20, residentRating: 20, peerReview: 60 }, disclosureDueDay: 5 });
    expect(set.communityStarRules).toMatchObject({ weights: { performance: 20, residentRating: 20, peerReview: 60 }, disclosureDueDay: 5, updatedBy: 'test-city_admin' });
    const r = await round(tokens.officer);
    for (const rating of r.ratings) {
      const community = members.find((c) => toGlobalId('Community', c.id) === rating.community.id)!;
      const want = await expectedParts(community.id, 5);
      expect(rating.disclosureOnTimeShare ?? null).toEqual(want.disclosureOnTimeShare === null ? null : expect.closeTo(want.disclosureOnTimeShare, 1));
      expect(rating.score).toBeCloseTo(weighted(rating, [20, 20, 60]), 1);
    }
    await setRules(tokens.admin, { weights: { performance: 50, residentRating: 30, peerReview: 20 }, disclosureDueDay: 10 });
  });
});

describe('publishing (评星定级结果)', () => {
  test('another street\'s officer, the running year or a grid worker are refused; nothing is stored', async () => {
    expect((await publish(tokens.otherOfficer, u.ids.street, YEAR)).userErrors[0]).toMatchObject({ field: ['unit'], code: 'OUT_OF_SCOPE' });
    expect((await publish(tokens.officer, u.ids.street, YEAR + 1)).userErrors[0]).toMatchObject({ field: ['year'], code: 'INVALID' });
    expect((await publish(tokens.officer, u.ids.community, YEAR)).userErrors[0]).toMatchObject({ field: ['unit'], code: 'NOT_FOUND' });
    const secretary = await t.gql('mutation($unit: ID!, $year: Int!) { communityStarRatingPublish(unit: $unit, year: $year) { userErrors { code } } }', { unit: u.ids.street, year: YEAR }, tokens.secretaryA);
    expect(secretary.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.database.db.select({ n: count() }).from(communityStarRatings).where(eq(communityStarRatings.year, YEAR)))[0].n).toBe(0);
  });

  test('the street officer publishes once; the stored rating is what the draft showed, public from then on', async () => {
    const draft = await round(tokens.officer);
    const done = await publish(tokens.officer, u.ids.street, YEAR);
    expect(done.userErrors).toEqual([]);
    const published = done.communityStarRatingRound;
    expect(published.published).toBe(true);
    expect(published.ratings.map((x: any) => [x.community.id, x.score, x.rank, x.stars])).toEqual(draft.ratings.map((x: any) => [x.community.id, x.score, x.rank, x.stars]));
    const stored = await t.database.db.select().from(communityStarRatings).where(and(eq(communityStarRatings.year, YEAR), inArray(communityStarRatings.communityId, members.map((c) => c.id))));
    expect(stored).toHaveLength(members.length);
    expect(stored.every((s) => s.streetId === u.street.id && s.publishedBy === 'test-street_officer')).toBe(true);

    const anonymous = await round(undefined);
    expect(anonymous.published).toBe(true);
    expect(anonymous.ratings.map((x: any) => x.stars)).toEqual(published.ratings.map((x: any) => x.stars));

    const again = await publish(tokens.officer, u.ids.street, YEAR);
    expect(again.userErrors[0]).toMatchObject({ field: ['year'], code: 'DUPLICATE' });
    expect(await t.database.db.select({ n: count() }).from(communityStarRatings).where(eq(communityStarRatings.year, YEAR))).toEqual([{ n: members.length }]);

    const late = await review(tokens.secretaryA, { communityId: toGlobalId('Community', members[members.length - 1].id), year: YEAR, score: '60' });
    expect(late.userErrors[0]).toMatchObject({ code: members.length > 2 ? 'INVALID_TRANSITION' : 'DUPLICATE' });
  });

  test('Community.starRating gives the published rating to anyone, batched', async () => {
    const ids = members.map((c) => toGlobalId('Community', c.id));
    const before = t.database.statements.count;
    const r = await t.gql(`query($ids: [ID!]!, $year: Int!) { nodes(ids: $ids) { ... on Community { id starRating(year: $year) { stars rank score published } before: starRating(year: ${YEAR - 1}) { stars } } } }`, { ids, year: YEAR });
    expect(r.errors).toBeUndefined();
    expect(t.database.statements.count - before).toBeLessThanOrEqual(3);
    const published = (await round(undefined)).ratings;
    for (const node of r.data.nodes) {
      const mine = published.find((x: any) => x.community.id === node.id);
      expect(node.starRating).toEqual({ stars: mine.stars, rank: mine.rank, score: mine.score, published: true });
      expect(node.before).toBeNull();
    }
  });
});
