import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { scopeCondition } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import { chinaDate } from '../../calendar';
import { rowsOf, type Queryable, type Tx } from '../../db/client';
import { badUserInput, keyOf, refuse, UserErrorCode } from '../../graphql/errors';
import { fromGlobalId, toGlobalId } from '../../graphql/ids';
import { nodeMapper } from '../../graphql/node';
import { readRules, writeRules } from '../../settings';
import { assertMayChange } from '../grid/grid.service';
import { communities, districts, grids, streets } from '../grid/grid.tables';
import { incidents } from '../incident/incident.tables';
import { compounds, disclosures, propertyContracts } from '../property/property.tables';
import { VISIT_DUTY_RULES } from '../visit/duty.rules';
import { workerDutiesUnder } from '../visit/duty.service';
import {
  checkCommunityStarRules, COMMUNITY_STAR_RULES, parsePeriod, round2, starBands, weightedScore, type CommunityStarRules,
} from './appraisal.rules';
import { communityPeerReviews, communityStarRatings, workerRatings } from './appraisal.tables';

export type StarUnit = { type: 'District' | 'Street'; key: number };

export function starUnit(id: string, field: string): StarUnit {
  const unit = fromGlobalId(id, ['District', 'Street']);
  if (!unit) throw badUserInput(`${field} must be the ID of a street or a district.`, field);
  return { type: unit.type as StarUnit['type'], key: unit.key };
}

export function checkYear(year: number, today = chinaDate()): void {
  if (!Number.isInteger(year) || year < 2000 || year > Number(today.slice(0, 4))) throw badUserInput('year is a year from 2000 to this one.', 'year');
}

export interface CommunityStar {
  id: string;
  communityId: number;
  year: number;
  closureRate: number | null;
  dutyMetShare: number | null;
  disclosureOnTimeShare: number | null;
  performance: number | null;
  residentRating: number | null;
  peerReview: number | null;
  score: number;
  rank: number;
  stars: 0 | 3 | 4 | 5;
  published: boolean;
  publishedAt: Date | null;
}

export interface StarRound {
  id: string;
  unitId: string;
  year: number;
  published: boolean;
  publishedAt: Date | null;
  ratings: CommunityStar[];
}

interface FigureRow {
  id: number; code: string;
  incidents: number; concluded: number;
  responses: number; response_average: string | null;
  peer_average: string | null;
  disclosures_due: number; disclosures_on_time: number;
}

const chinaMidnight = (day: string) => sql`${`${day}T00:00:00+08:00`}::timestamptz`;

/** The months of a year whose disclosure was due by `today`: the due day of the next month has passed. */
export function monthsDisclosureDue(year: number, dueDay: number, today: string): string[] {
  return Array.from({ length: 12 }, (_, i) => i + 1).filter((m) => {
    const next = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
    return `${next}-${String(dueDay).padStart(2, '0')}` < today;
  }).map((m) => `${year}-${String(m).padStart(2, '0')}-01`);
}

/**
 * The star rating of the communities of a street or district for a year, computed now from
 * the figures (工作实绩, 群众评议, 互评). Statements: two rule sets, the communities and their
 * grids, one for the figures, and one visit-duty statement per month begun — bounded by the
 * calendar, whatever the number of communities.
 */
export async function computeRound(db: Queryable, unit: StarUnit, year: number, today = chinaDate()): Promise<CommunityStar[]> {
  const [rules, dutyRules] = [await readRules(db, COMMUNITY_STAR_RULES), await readRules(db, VISIT_DUTY_RULES)];
  const gridColumn = unit.type === 'Street' ? grids.streetId : grids.districtId;
  const gridRows = await db.select({ id: grids.id, communityId: grids.communityId }).from(grids).where(eq(gridColumn, unit.key));
  const communityOfGrid = new Map(gridRows.map((g) => [g.id, g.communityId]));
  const unitColumn = unit.type === 'Street' ? sql`c.street_id` : sql`c.district_id`;
  const [start, end] = [chinaMidnight(`${year}-01-01`), chinaMidnight(`${year + 1}-01-01`)];
  const due = monthsDisclosureDue(year, rules.disclosureDueDay, today);
  const dueMonths = due.length === 0 ? sql`select null::date as month where false` : sql.join(due.map((m) => sql`select ${m}::date as month`), sql` union all `);
  const rows = await rowsOf<FigureRow>(db, sql`
    with members as (select c.id, c.code from ${communities} c where ${unitColumn} = ${unit.key}),
    due_months as (${dueMonths}),
    responses as (
      select r.community_id, r.score * 20.0 as score from ${workerRatings} r
      where r.community_id in (select id from members) and r.period like ${`${year}-Q%`}
      union all
      select i.community_id, i.satisfaction * 20.0 from ${incidents} i
      where i.community_id in (select id from members) and i.satisfaction is not null and i.closed_at >= ${start} and i.closed_at < ${end}
    ),
    owed as (
      select cp.community_id, m.month,
        (select min(d.published_at) from ${disclosures} d where d.compound_id = cp.id and d.month = m.month) as first_published_at
      from ${compounds} cp cross join due_months m
      where cp.community_id in (select id from members) and exists (
        select 1 from ${propertyContracts} pc
        where pc.compound_id = cp.id and pc.starts_on < (m.month + interval '1 month')::date and pc.ends_on >= m.month)
    )
    select c.id, c.code,
      (select count(*)::int from ${incidents} i where i.community_id = c.id and i.reported_at >= ${start} and i.reported_at < ${end}) as incidents,
      (select count(*)::int from ${incidents} i where i.community_id = c.id and i.reported_at >= ${start} and i.reported_at < ${end}
        and i.status in ('CLOSED', 'EXPLAINED')) as concluded,
      (select count(*)::int from responses r where r.community_id = c.id) as responses,
      (select avg(r.score)::text from responses r where r.community_id = c.id) as response_average,
      (select avg(p.score)::text from ${communityPeerReviews} p where p.community_id = c.id and p.year = ${year}) as peer_average,
      (select count(*)::int from owed o where o.community_id = c.id) as disclosures_due,
      (select count(*)::int from owed o where o.community_id = c.id
        and o.first_published_at < ((o.month + interval '1 month' + ${rules.disclosureDueDay} * interval '1 day')::timestamp - interval '8 hours') at time zone 'UTC') as disclosures_on_time
    from members c
    order by c.code`);
  if (rows.length === 0) return [];

  const met = new Map<number, { months: number; met: number }>();
  const months = parsePeriod(String(year))!.months.filter((m) => m <= today.slice(0, 7));
  for (const month of months) {
    const where = unit.type === 'Street' ? { streetId: unit.key } : { districtId: unit.key };
    for (const duty of await workerDutiesUnder(db, dutyRules, where, month)) {
      const community = communityOfGrid.get(duty.gridId);
      if (community === undefined) continue;
      const tally = met.get(community) ?? { months: 0, met: 0 };
      tally.months += 1;
      if (duty.met) tally.met += 1;
      met.set(community, tally);
    }
  }

  const w = rules.weights;
  const figures = rows.map((row) => {
    const duty = met.get(row.id);
    const closureRate = row.incidents === 0 ? null : round2((row.concluded / row.incidents) * 100);
    const dutyMetShare = !duty || duty.months === 0 ? null : round2((duty.met / duty.months) * 100);
    const disclosureOnTimeShare = row.disclosures_due === 0 ? null : round2((row.disclosures_on_time / row.disclosures_due) * 100);
    // Performance is the plain mean of the parts that have something to measure.
    const performance = weightedScore([closureRate, dutyMetShare, disclosureOnTimeShare].map((score) => ({ score, weight: 1 })));
    const residentRating = row.response_average === null ? null : round2(Number(row.response_average));
    const peerReview = row.peer_average === null ? null : round2(Number(row.peer_average));
    const score = weightedScore([
      { score: performance, weight: w.performance },
      { score: residentRating, weight: w.residentRating },
      { score: peerReview, weight: w.peerReview },
    ]) ?? 0;
    return { communityId: row.id, code: row.code, closureRate, dutyMetShare, disclosureOnTimeShare, performance, residentRating, peerReview, score };
  });
  const banded = new Map(starBands(figures).map((s) => [s.communityId, s]));
  return figures.map((f) => {
    const { rank, stars } = banded.get(f.communityId)!;
    return { ...f, id: toGlobalId('Community', f.communityId), year, rank, stars, published: false, publishedAt: null };
  }).sort((a, b) => a.rank - b.rank || (a.code < b.code ? -1 : 1));
}

type StarRow = typeof communityStarRatings.$inferSelect;
const asStarNode = nodeMapper<StarRow>('CommunityStarRating');

export function asPublishedStar(row: StarRow): CommunityStar {
  const node = asStarNode(row);
  return {
    id: node.id, communityId: row.communityId, year: row.year,
    closureRate: null, dutyMetShare: null, disclosureOnTimeShare: null,
    performance: Number(row.performance), residentRating: Number(row.residentRating), peerReview: Number(row.peerReview),
    score: Number(row.score), rank: row.rank, stars: row.stars as CommunityStar['stars'], published: true, publishedAt: row.publishedAt,
  };
}

function roundCondition(unit: StarUnit, year: number) {
  return and(eq(communityStarRatings.year, year), unit.type === 'Street'
    ? eq(communityStarRatings.streetId, unit.key)
    : and(eq(communityStarRatings.districtId, unit.key), isNull(communityStarRatings.streetId)));
}

async function publishedRound(db: Queryable, unit: StarUnit, year: number): Promise<StarRow[]> {
  return db.select().from(communityStarRatings).where(roundCondition(unit, year)).orderBy(asc(communityStarRatings.rank), asc(communityStarRatings.id));
}

/** Whether the viewer may see a round before it is published: those who publish it, and the secretaries rated in it. */
async function maySeeDraft(db: Queryable, viewer: Viewer, unit: StarUnit): Promise<boolean> {
  const own = viewer.unit;
  if (viewer.role === Role.CITY_ADMIN) {
    if (own === null) return true;
    if (unit.type === 'District') return own.key === unit.key;
    const [street] = await db.select({ districtId: streets.districtId }).from(streets).where(eq(streets.id, unit.key));
    return street?.districtId === own.key;
  }
  if (viewer.role === Role.STREET_OFFICER) return unit.type === 'Street' && own?.key === unit.key;
  if (viewer.role === Role.COMMUNITY_SECRETARY && own) {
    const [community] = await db.select().from(communities).where(eq(communities.id, own.key));
    return community !== undefined && (unit.type === 'Street' ? community.streetId : community.districtId) === unit.key;
  }
  return false;
}

/** The round as published, for anyone; before that, the figures as they stand, for those who may see a draft. */
export async function starRound(db: Queryable, viewer: Viewer, unit: StarUnit, year: number): Promise<StarRound> {
  const unitId = toGlobalId(unit.type, unit.key);
  const round = { id: `${unitId}:${year}`, unitId, year };
  const stored = await publishedRound(db, unit, year);
  if (stored.length > 0) return { ...round, published: true, publishedAt: stored[0].publishedAt, ratings: stored.map(asPublishedStar) };
  const ratings = (await maySeeDraft(db, viewer, unit)) ? await computeRound(db, unit, year) : [];
  return { ...round, published: false, publishedAt: null, ratings };
}

function unitOfInput(id: string, field: string[]): StarUnit {
  const unit = fromGlobalId(id, ['District', 'Street']);
  if (!unit) refuse(field, UserErrorCode.NOT_FOUND, 'No street or district has this ID.');
  return { type: unit.type as StarUnit['type'], key: unit.key };
}

const isUniqueViolation = (error: unknown) => {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
};

/** Publishes a finished year's rating (评星定级结果): stored as computed now, once and for good. */
export async function publishRound(tx: Tx, viewer: Viewer, unitId: string, year: number, today = chinaDate()): Promise<StarRound> {
  const unit = unitOfInput(unitId, ['unit']);
  const [place] = unit.type === 'Street'
    ? await tx.select({ districtId: streets.districtId, streetId: streets.id }).from(streets).where(eq(streets.id, unit.key))
    : await tx.select({ districtId: districts.id }).from(districts).where(eq(districts.id, unit.key));
  if (!place) refuse(['unit'], UserErrorCode.NOT_FOUND, 'No street or district has this ID.');
  await assertMayChange(tx, viewer, place, ['unit']);
  if (!Number.isInteger(year) || year < 2000 || year >= Number(today.slice(0, 4))) {
    refuse(['year'], UserErrorCode.INVALID, 'Only a year that has ended can be rated.');
  }
  if ((await publishedRound(tx, unit, year)).length > 0) refuse(['year'], UserErrorCode.DUPLICATE, 'This year\'s rating is already published.');
  const ratings = await computeRound(tx, unit, year, today);
  if (ratings.length === 0) refuse(['unit'], UserErrorCode.NOT_FOUND, 'There is no community to rate here.');
  const taken = await tx.select({ id: communityStarRatings.id }).from(communityStarRatings)
    .where(and(eq(communityStarRatings.year, year), inArray(communityStarRatings.communityId, ratings.map((r) => r.communityId))));
  if (taken.length > 0) refuse(['unit'], UserErrorCode.DUPLICATE, 'Some of these communities were already rated for this year in another round.');
  const districtId = place.districtId;
  try {
    await tx.insert(communityStarRatings).values(ratings.map((r) => ({
      year, districtId, streetId: unit.type === 'Street' ? unit.key : null, communityId: r.communityId,
      performance: (r.performance ?? 0).toFixed(2), residentRating: (r.residentRating ?? 0).toFixed(2), peerReview: (r.peerReview ?? 0).toFixed(2),
      score: r.score.toFixed(2), rank: r.rank, stars: r.stars, publishedBy: viewer.subject!,
    })));
  } catch (error) {
    if (isUniqueViolation(error)) refuse(['year'], UserErrorCode.DUPLICATE, 'This year\'s rating is already published.');
    throw error;
  }
  return starRound(tx, viewer, unit, year);
}

/** The published star rating of communities for a year, one statement per batch. */
export function starRatingOf(ctx: Context, communityId: number, year: number) {
  return ctx.loaders.get<number, CommunityStar | null>(`Community.starRating:${year}`, async (keys) => {
    const rows = await ctx.db.select().from(communityStarRatings)
      .where(and(eq(communityStarRatings.year, year), inArray(communityStarRatings.communityId, [...keys])));
    const byCommunity = new Map(rows.map((r) => [r.communityId, asPublishedStar(r)]));
    return keys.map((k) => byCommunity.get(k) ?? null);
  }).load(communityId);
}

// Peer review ---------------------------------------------------------------------------

type PeerRow = typeof communityPeerReviews.$inferSelect;
export const asPeerReview = nodeMapper<PeerRow>('CommunityPeerReview');

export interface PeerReviewInput { communityId: string; year: number; score: string }

/** 互评: a community secretary scores another community of the same street for a year, once. */
export async function submitPeerReview(tx: Tx, viewer: Viewer, input: PeerReviewInput, today = chinaDate()) {
  const targetKey = keyOf(input.communityId, 'Community', ['input', 'communityId']);
  const reviewerKey = viewer.unit?.type === 'Community' ? viewer.unit.key : null;
  if (reviewerKey === null) refuse(null, UserErrorCode.OUT_OF_SCOPE, 'A peer review is given for a community, by its secretary.');
  const [target] = await tx.select().from(communities).where(eq(communities.id, targetKey));
  if (!target) refuse(['input', 'communityId'], UserErrorCode.NOT_FOUND, 'No community has this ID.');
  const [reviewer] = await tx.select().from(communities).where(eq(communities.id, reviewerKey));
  if (target.id === reviewerKey) refuse(['input', 'communityId'], UserErrorCode.INVALID, 'A community does not review itself.');
  if (!reviewer || reviewer.streetId !== target.streetId) refuse(['input', 'communityId'], UserErrorCode.OUT_OF_SCOPE, 'Peer review is among the communities of one street.');
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > Number(today.slice(0, 4))) {
    refuse(['input', 'year'], UserErrorCode.INVALID, 'The year is one from 2000 to this one.');
  }
  const [rated] = await tx.select({ id: communityStarRatings.id }).from(communityStarRatings)
    .where(and(eq(communityStarRatings.year, input.year), eq(communityStarRatings.communityId, target.id)));
  if (rated) refuse(['input', 'year'], UserErrorCode.INVALID_TRANSITION, 'This community\'s rating for the year is already published.');
  const [existing] = await tx.select({ id: communityPeerReviews.id }).from(communityPeerReviews).where(and(
    eq(communityPeerReviews.year, input.year), eq(communityPeerReviews.communityId, target.id), eq(communityPeerReviews.reviewerCommunityId, reviewerKey),
  ));
  if (existing) refuse(['input', 'communityId'], UserErrorCode.DUPLICATE, 'Your community has already reviewed this one for the year.');
  try {
    const [row] = await tx.insert(communityPeerReviews).values({
      year: input.year, communityId: target.id, reviewerCommunityId: reviewerKey, score: input.score, reviewerSubject: viewer.subject!,
    }).returning();
    return asPeerReview(row);
  } catch (error) {
    if (isUniqueViolation(error)) refuse(['input', 'communityId'], UserErrorCode.DUPLICATE, 'Your community has already reviewed this one for the year.');
    throw error;
  }
}

export async function starRules(db: Queryable) {
  return { id: COMMUNITY_STAR_RULES.name, ...(await readRules(db, COMMUNITY_STAR_RULES)) };
}

export async function setStarRules(tx: Tx, viewer: Viewer, value: CommunityStarRules) {
  const rules: CommunityStarRules = {
    weights: { performance: value.weights.performance, residentRating: value.weights.residentRating, peerReview: value.weights.peerReview },
    disclosureDueDay: value.disclosureDueDay,
  };
  const problems = checkCommunityStarRules(rules);
  if (problems.length > 0) refuse(problems[0].field, UserErrorCode.INVALID, problems[0].message);
  await writeRules(tx, COMMUNITY_STAR_RULES, rules, viewer.subject!);
  return starRules(tx);
}


/** Staff read the peer reviews of their unit's communities; a secretary those their community gave. */
export async function peerReviewById(db: Queryable, viewer: Viewer, key: number) {
  const scope = viewer.role === Role.COMMUNITY_SECRETARY
    ? eq(communityPeerReviews.reviewerCommunityId, viewer.unit?.key ?? 0)
    : scopeCondition(viewer, {
      District: (k) => sql`${communityPeerReviews.communityId} in (select id from ${communities} where district_id = ${k})`,
      Street: (k) => sql`${communityPeerReviews.communityId} in (select id from ${communities} where street_id = ${k})`,
    });
  const [row] = await db.select().from(communityPeerReviews).where(and(eq(communityPeerReviews.id, key), scope));
  return row ? asPeerReview(row) : null;
}
