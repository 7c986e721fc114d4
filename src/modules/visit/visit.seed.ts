/**
 * The demo city's household visits (走访, DOMAIN.md §1): four months (July to October 2026,
 * before the reference date) of the micro-grid workers' rounds. Most workers meet their duty:
 * the monthly minimum of households, every special household every month, the quarter's data
 * refresh; a few fall short, so the duty views have something to show. The incidents the
 * incident seed has grid workers report from a household in those months were found on a
 * visit: each gets its visit and a finding linked to it.
 *
 * Runs after the grid and incident seeds. Deterministic (own PRNG, the grid seed's reference
 * date and stamps), ids assigned here, sequences moved past them, no outbox rows.
 */
import { and, asc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { advanceSequences, insertChunks, Random, SEED_TIMESTAMP, stamps } from '../grid/grid.seed';
import { households, residents, staffAssignments, staffMembers } from '../grid/grid.tables';
import { incidents } from '../incident/incident.tables';
import { periodOf, VISIT_DUTY_RULES } from './duty.rules';
import { householdVisits, visitFindings } from './visit.tables';

export interface VisitSeedSummary {
  householdVisits: number;
  visitFindings: number;
}

const PRNG_SEED = 0x5eed_0715;
const MONTHS = ['2026-07', '2026-08', '2026-09', '2026-10'] as const;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Share of workers who fall short in a month, and how far. */
const SHORT_WORKERS = 0.12;
const SPECIAL_VISITED = 0.95;
const THOROUGH_KEEPERS = 0.85;
const REFRESHED_IN_QUARTER = 0.8;
const REFRESHED_SO_FAR = 0.35;

const ROUTINE_NOTES = ['家中一切正常', '了解近期生活情况', '宣传反诈知识', '宣传垃圾分类', '核实常住人口', '询问对社区服务的意见'];
const CARE_NOTES = ['老人身体状况良好，已提醒按时服药', '送去米面油，家属在家', '协助预约家庭医生上门', '孩子学习情况正常，已联系监护人', '申请临时救助材料已收齐'];
const REFRESH_NOTES = ['核对户内人员信息，无变化', '更新联系电话', '新增一名流动人口登记', '户主变更，已更新'];

interface Draft {
  householdId: number;
  staffMemberId: number;
  subject: string;
  kind: 'ROUTINE' | 'SPECIAL_CARE' | 'DATA_REFRESH' | 'DISPUTE_FOLLOW_UP';
  at: number;
  notes: string | null;
}

/** A working-hours moment on a random day of the month, strictly before the reference moment. */
function momentIn(rng: Random, month: string): number {
  const { start, end } = periodOf(month, 1);
  const days = Math.round((Math.min(end.getTime(), SEED_TIMESTAMP.getTime()) - start.getTime()) / DAY_MS);
  return start.getTime() + rng.int(0, days - 1) * DAY_MS + rng.int(8 * 60 + 30, 17 * 60 + 30) * MINUTE_MS;
}

export async function seedVisits(db: Queryable): Promise<VisitSeedSummary> {
  const rng = new Random(PRNG_SEED);
  const rules = VISIT_DUTY_RULES.defaults;
  const workers = await db.select({
    gridId: staffAssignments.gridId, staffMemberId: staffAssignments.staffMemberId, startedOn: staffAssignments.startedOn, subject: staffMembers.subject,
  }).from(staffAssignments)
    .innerJoin(staffMembers, eq(staffMembers.id, staffAssignments.staffMemberId))
    .where(and(inArray(staffAssignments.role, rules.workerRoles), isNotNull(staffMembers.subject)))
    .orderBy(asc(staffAssignments.id));
  const homes = await db.select({
    id: households.id, gridId: households.gridId, districtId: households.districtId, streetId: households.streetId, communityId: households.communityId,
    special: sql<boolean>`exists (select 1 from ${residents} r where r.household_id = ${households}.id and r.tags && array[${sql.join(rules.specialTags.map((t) => sql`${t}`), sql`, `)}]::resident_tag[])`,
  }).from(households).orderBy(asc(households.id));
  const byGrid = new Map<number, typeof homes>();
  for (const h of homes) {
    const list = byGrid.get(h.gridId);
    if (list) list.push(h);
    else byGrid.set(h.gridId, [h]);
  }
  const place = new Map(homes.map((h) => [h.id, h]));

  const drafts: Draft[] = [];
  const seenGrid = new Set<number>();
  for (const w of workers) {
    const grid = byGrid.get(w.gridId) ?? [];
    const months = MONTHS.filter((m) => w.startedOn.slice(0, 7) <= m);
    if (grid.length === 0 || months.length === 0) continue;
    // The first worker of a grid keeps its special households and its data; others help with rounds.
    const keeper = !seenGrid.has(w.gridId);
    seenGrid.add(w.gridId);
    const visit = (h: { id: number }, kind: Draft['kind'], month: string, notes: readonly string[]) =>
      drafts.push({ householdId: h.id, staffMemberId: w.staffMemberId, subject: w.subject!, kind, at: momentIn(rng, month), notes: rng.chance(0.8) ? rng.pick(notes) : null });
    for (const month of months) {
      const short = rng.chance(SHORT_WORKERS);
      const minimum = Math.min(rules.minimumHouseholdsPerMonth, grid.length);
      const rounds = short ? rng.int(Math.floor(minimum / 3), Math.max(0, minimum - 1)) : Math.min(grid.length, minimum + rng.int(0, 4));
      for (const h of rng.sample(grid, rounds)) visit(h, rng.chance(0.1) ? 'DISPUTE_FOLLOW_UP' : 'ROUTINE', month, ROUTINE_NOTES);
      if (!keeper) continue;
      for (const h of grid.filter((g) => g.special)) {
        if (!short || rng.chance(SPECIAL_VISITED)) visit(h, 'SPECIAL_CARE', month, CARE_NOTES);
      }
    }
    if (!keeper) continue;
    // The third quarter is over: most keepers refreshed every household in one of its months,
    // the others missed some. The fourth runs past the reference date: about a third so far.
    const third = months.filter((m) => m < '2026-10');
    const thorough = rng.chance(THOROUGH_KEEPERS);
    for (const h of grid) {
      if (third.length > 0 && (thorough || rng.chance(REFRESHED_IN_QUARTER))) visit(h, 'DATA_REFRESH', rng.pick(third), REFRESH_NOTES);
      if (rng.chance(REFRESHED_SO_FAR)) visit(h, 'DATA_REFRESH', '2026-10', REFRESH_NOTES);
    }
  }

  // Incidents a grid worker reported from a household in these months were found on a visit.
  const staffBySubject = new Map(workers.map((w) => [w.subject!, w.staffMemberId]));
  const found = await db.select({
    id: incidents.id, householdId: incidents.householdId, category: incidents.category, description: incidents.description,
    reportedAt: incidents.reportedAt, reporterSubject: incidents.reporterSubject,
  }).from(incidents)
    .where(and(
      isNotNull(incidents.householdId),
      gte(incidents.reportedAt, periodOf(MONTHS[0], 1).start),
      lt(incidents.reportedAt, SEED_TIMESTAMP),
      inArray(incidents.reporterSubject, [...staffBySubject.keys()]),
    ))
    .orderBy(asc(incidents.id));
  const findingOf = new Map<number, (typeof found)[number]>();
  for (const incident of found) {
    const visitedAt = incident.reportedAt.getTime() - rng.int(5, 40) * MINUTE_MS;
    findingOf.set(drafts.length, incident);
    drafts.push({
      householdId: incident.householdId!, staffMemberId: staffBySubject.get(incident.reporterSubject)!, subject: incident.reporterSubject,
      kind: incident.category === 'NEIGHBOUR_DISPUTE' || incident.category === 'FAMILY_CONFLICT' ? 'DISPUTE_FOLLOW_UP' : 'ROUTINE',
      at: visitedAt, notes: '走访中发现问题，已现场上报',
    });
  }

  // Ids in the order of time, as if logged live.
  const order = drafts.map((d, i) => ({ d, i })).sort((a, b) => a.d.at - b.d.at || a.i - b.i);
  const visitRows = order.map(({ d }, n) => {
    const h = place.get(d.householdId)!;
    const at = new Date(d.at);
    return {
      id: n + 1, districtId: h.districtId, streetId: h.streetId, communityId: h.communityId, gridId: h.gridId, householdId: h.id,
      staffMemberId: d.staffMemberId, visitorSubject: d.subject, kind: d.kind, visitedAt: at, notes: d.notes,
      createdAt: new Date(d.at + rng.int(1, 120) * MINUTE_MS), updatedAt: stamps.updatedAt,
    };
  });
  const findingRows = order.flatMap(({ i }, n) => {
    const incident = findingOf.get(i);
    return incident ? [{ visitId: n + 1, category: incident.category, description: incident.description, incidentId: incident.id, createdAt: incident.reportedAt }] : [];
  }).map((row, k) => ({ id: k + 1, ...row }));

  await insertChunks(db, householdVisits, visitRows);
  await insertChunks(db, visitFindings, findingRows);
  await advanceSequences(db, [householdVisits, visitFindings]);
  return { householdVisits: visitRows.length, visitFindings: findingRows.length };
}
