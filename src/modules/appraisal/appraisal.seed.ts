/**
 * The demo city's appraisal records (DOMAIN.md §1 and §6): the daily points secretaries
 * recorded by hand for the micro-grid workers over the past year (meetings, training, the
 * odd complaint), the households' quarterly ratings of their workers since the start of last
 * year, and last year's peer reviews among the communities of each street. Automatic points
 * need no rows: they are counted from visits and incidents. Runs after the grid and incident
 * seeds; deterministic like the others; ids left to the sequences; no outbox rows.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { chinaTime, dateBetween, pad } from '../../seed/helpers';
import { insertChunks, Random, SEED_REFERENCE_DATE } from '../grid/grid.seed';
import { communities, grids, households, staffAssignments } from '../grid/grid.tables';
import { WORKER_APPRAISAL_RULES } from './appraisal.rules';
import { communityPeerReviews, dailyPointEntries, workerRatings } from './appraisal.tables';

export interface AppraisalSeedSummary {
  dailyPointEntries: number;
  workerRatings: number;
  communityPeerReviews: number;
}

const PRNG_SEED = 0x51a2_0b17;
/** Chance that a household rates its worker in a quarter (民主测评 reaches part of the households). */
const RATING_CHANCE = 0.25;
const COMMENTS = ['很负责，随叫随到', '经常上门走访，关心老人', '办事效率高', '有时联系不上', '希望多来小区看看', '对政策解释得很清楚'];
const RECORDER = 'seed-community-secretary';

const pointsOf = new Map(WORKER_APPRAISAL_RULES.defaults.dailyPointRules.map((r) => [r.code, r.points]));

/** The months before the reference month, oldest first: "YYYY-MM". */
function monthsBefore(reference: string, count: number): string[] {
  const [y, m] = [Number(reference.slice(0, 4)), Number(reference.slice(5, 7))];
  return Array.from({ length: count }, (_, i) => {
    const k = y * 12 + (m - 1) - (count - i);
    return `${Math.floor(k / 12)}-${pad((k % 12) + 1)}`;
  });
}

const lastDay = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);

export async function seedAppraisal(db: Queryable): Promise<AppraisalSeedSummary> {
  const rng = new Random(PRNG_SEED);
  const workers = await db.select({ staffMemberId: staffAssignments.staffMemberId, grid: grids }).from(staffAssignments)
    .innerJoin(grids, eq(grids.id, staffAssignments.gridId))
    .where(and(eq(staffAssignments.role, 'MICRO_GRID_WORKER'), isNull(staffAssignments.endedOn)))
    .orderBy(asc(staffAssignments.id));

  const entries: (typeof dailyPointEntries.$inferInsert)[] = [];
  for (const month of monthsBefore(SEED_REFERENCE_DATE, 12)) {
    for (const { staffMemberId, grid } of workers) {
      const place = { staffMemberId, districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId };
      const add = (rule: string, quantity: number, note: string) => entries.push({
        ...place, day: dateBetween(rng, `${month}-01`, lastDay(month)), rule, quantity, points: (pointsOf.get(rule)! * quantity).toFixed(2),
        note, recordedBy: RECORDER, createdAt: chinaTime(lastDay(month), 17, rng.int(0, 59)),
      });
      add('MEETING', rng.int(2, 4), '网格员周例会');
      if (rng.chance(0.4)) add('TRAINING', 1, '网格员业务培训');
      if (rng.chance(0.04)) add('COMPLAINT', 1, '居民反映入户走访不及时，经核实扣分');
    }
  }
  await insertChunks(db, dailyPointEntries, entries);

  const workerOfGrid = new Map<number, number>();
  for (const { staffMemberId, grid } of workers) if (!workerOfGrid.has(grid.id)) workerOfGrid.set(grid.id, staffMemberId);
  const homes = await db.select({ id: households.id, gridId: households.gridId, districtId: households.districtId, streetId: households.streetId, communityId: households.communityId })
    .from(households).orderBy(asc(households.id));
  const year = Number(SEED_REFERENCE_DATE.slice(0, 4));
  const quarters = [1, 2, 3, 4].map((q) => ({ label: `${year - 1}-Q${q}`, year: year - 1, q }))
    .concat([1, 2, 3].map((q) => ({ label: `${year}-Q${q}`, year, q })));
  const ratings: (typeof workerRatings.$inferInsert)[] = [];
  for (const quarter of quarters) {
    const [from, to] = [`${quarter.year}-${pad(quarter.q * 3 - 2)}-01`, lastDay(`${quarter.year}-${pad(quarter.q * 3)}`)];
    for (const home of homes) {
      const staffMemberId = workerOfGrid.get(home.gridId);
      if (staffMemberId === undefined || !rng.chance(RATING_CHANCE)) continue;
      const roll = rng.next();
      const score = roll < 0.55 ? 5 : roll < 0.85 ? 4 : roll < 0.95 ? 3 : roll < 0.98 ? 2 : 1;
      ratings.push({
        staffMemberId, householdId: home.id, districtId: home.districtId, streetId: home.streetId, communityId: home.communityId,
        period: quarter.label, score, comment: rng.chance(0.3) ? rng.pick(COMMENTS) : null, ratedBy: `resident-${home.id}`,
        createdAt: chinaTime(dateBetween(rng, from, to), rng.int(8, 21), rng.int(0, 59)),
      });
    }
  }
  await insertChunks(db, workerRatings, ratings);

  const all = await db.select().from(communities).orderBy(asc(communities.streetId), asc(communities.code));
  const reviews: (typeof communityPeerReviews.$inferInsert)[] = [];
  for (const reviewer of all) {
    for (const reviewed of all) {
      if (reviewed.streetId !== reviewer.streetId || reviewed.id === reviewer.id) continue;
      reviews.push({
        year: year - 1, communityId: reviewed.id, reviewerCommunityId: reviewer.id, score: (rng.int(7000, 9800) / 100).toFixed(2),
        reviewerSubject: `seed-secretary-${reviewer.id}`, createdAt: chinaTime(`${year}-01-${pad(rng.int(10, 20))}`, rng.int(9, 17), rng.int(0, 59)),
      });
    }
  }
  await insertChunks(db, communityPeerReviews, reviews);
  return { dailyPointEntries: entries.length, workerRatings: ratings.length, communityPeerReviews: reviews.length };
}
