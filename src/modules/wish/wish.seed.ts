/**
 * The demo city's micro-wishes (微心愿, DOMAIN.md §3, issue 5 point 9): about three a micro
 * grid over the past year, from the households that need help most, in every state of the
 * flow (wish.machine): submitted by the resident or their grid worker, published or
 * declined by the community, claimed by party members, volunteers and reporting units,
 * fulfilled, disputed now and then, and confirmed. Each has its timeline, a walk of the
 * machine whose last step the wish's columns show.
 *
 * A confirmed wish of a unit, or of an in-service member reported in to the community,
 * counts as a participation of that report-in (as recordWishParticipation has it); the
 * love bank seed credits the confirmed wishes of members and volunteers. Runs after the
 * party and volunteer seeds. Deterministic like the other seeds; ids assigned here; no
 * outbox rows.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { chinaDate } from '../../calendar';
import type { Queryable } from '../../db/client';
import { ageOn, Ids, uniform } from '../../seed/helpers';
import { advanceSequences, insertChunks, Random, SEED_TIMESTAMP, stamps } from '../grid/grid.seed';
import { grids, households, residents, staffAssignments, staffMembers } from '../grid/grid.tables';
import { commitments, participations, partyMembers, reportIns, reportingUnits } from '../party/party.tables';
import { volunteers } from '../volunteer/volunteer.tables';
import { nextStatus, type ClaimantKind, type TransitionAction, type WishStatus } from './wish.machine';
import { wishCategory, wishes, wishStatus, wishTransitions } from './wish.tables';

export interface WishSeedOptions {
  /** The grid seed's scale; wishes follow the micro grids, so it only checks it. */
  scale: number;
}

export interface WishSeedSummary {
  wishes: number;
  wishTransitions: number;
  wishParticipations: number;
}

type Category = (typeof wishCategory.enumValues)[number];
type WishRow = typeof wishes.$inferInsert & { id: number };
type TransitionRow = typeof wishTransitions.$inferInsert & { id: number };
type ParticipationRow = typeof participations.$inferInsert & { id: number };

const PRNG_SEED = 0x3157_dd01;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Nothing in the seeded history happens at or after the reference moment (2026-11-01 00:00 in China). */
const END = SEED_TIMESTAMP.getTime();
const YEAR_START = END - 365 * DAY_MS;
const CHINA_OFFSET_MS = 8 * HOUR_MS;

// ---------------------------------------------------------------------------------------
// Reference data

interface Template {
  title: string;
  /** {who}: who in the household needs it. */
  detail: string;
  /** What the claimant reports when fulfilling. */
  done: string;
  /** Half hours the claimant spends, from–to. */
  halfHours: readonly [number, number];
}

const TEMPLATES: Record<Category, Template[]> = {
  DAILY_NEEDS: [
    { title: '希望有人帮忙代买米面油', detail: '{who}腿脚不便，下楼买东西困难，希望每月有人帮忙代买米面油。', done: '已代购米面油送到家中，约定每月月初再送。', halfHours: [2, 3] },
    { title: '想要一台旧洗衣机', detail: '{who}家里的洗衣机坏了修不好，手洗衣服很吃力，希望有一台旧洗衣机。', done: '联系爱心人士捐赠二手洗衣机一台，已送货上门并安装调试。', halfHours: [2, 4] },
    { title: '冬天想要一床厚棉被', detail: '{who}家里被褥单薄，冬天夜里冷，希望有一床厚棉被。', done: '已送去新棉被一床和电热毯一条。', halfHours: [1, 2] },
  ],
  HEALTH: [
    { title: '希望有医生上门测血压', detail: '{who}患高血压多年，去医院不方便，希望有医生定期上门测血压。', done: '联系家庭医生上门测量血压，讲解了用药注意事项。', halfHours: [2, 3] },
    { title: '需要一副老花镜', detail: '{who}看不清报纸和药盒上的字，想配一副老花镜。', done: '陪同到眼镜店验光配镜，老花镜已取回送到家中。', halfHours: [2, 4] },
    { title: '想要一辆轮椅方便出门', detail: '{who}行动不便，家人白天上班，希望有一辆轮椅方便出门晒太阳。', done: '已送去轮椅一辆，并教会家人使用方法。', halfHours: [1, 3] },
  ],
  STUDY: [
    { title: '孩子数学需要辅导', detail: '孩子上初中，数学跟不上，家长辅导不了，希望有人每周辅导一次。', done: '每周六上门辅导数学，已辅导四次，孩子作业能独立完成了。', halfHours: [4, 8] },
    { title: '想要一套课外读物', detail: '孩子喜欢看书，家里条件有限，希望得到一套适合小学生的课外读物。', done: '已赠送课外读物二十本和新书包一个。', halfHours: [1, 2] },
    { title: '想学电脑打字', detail: '{who}想学电脑打字，方便和在外地的孩子联系。', done: '上门教学三次，已能用拼音打字和视频通话。', halfHours: [4, 6] },
  ],
  COMPANIONSHIP: [
    { title: '希望有人陪着聊聊天', detail: '{who}白天一个人在家，子女在外地工作，希望每周有人来陪着说说话。', done: '每周上门陪伴聊天一次，已坚持一个月。', halfHours: [3, 6] },
    { title: '想学用智能手机视频通话', detail: '{who}想和外地的孙子视频，但不会用智能手机。', done: '上门手把手教会了视频通话和微信语音。', halfHours: [2, 3] },
    { title: '希望有人陪同去医院复查', detail: '{who}需要到医院复查，子女不在身边，希望有人陪同。', done: '陪同到医院挂号、检查、取药，已安全送回家中。', halfHours: [4, 8] },
  ],
  REPAIR: [
    { title: '卫生间水龙头漏水', detail: '{who}家卫生间水龙头一直滴水，想请人帮忙维修。', done: '已上门更换水龙头和角阀，不再漏水。', halfHours: [1, 2] },
    { title: '客厅的灯坏了够不着', detail: '{who}家客厅吊灯坏了，自己够不着，想请人帮忙换灯泡。', done: '已上门更换LED灯泡两个。', halfHours: [1, 2] },
    { title: '抽油烟机不转了', detail: '{who}家抽油烟机不转了，想请懂电器的人看看。', done: '上门检修更换了电容，抽油烟机已恢复正常。', halfHours: [2, 3] },
    { title: '防盗门锁芯坏了', detail: '{who}家防盗门锁芯坏了，开门很费劲，想请人维修。', done: '已更换锁芯，配好钥匙三把。', halfHours: [1, 2] },
  ],
  OTHER: [
    { title: '希望有人上门理发', detail: '{who}出不了门，头发长了，希望有人上门理发。', done: '志愿者上门理发，并帮助清洗了头发。', halfHours: [1, 2] },
    { title: '想办理老年优待证', detail: '{who}不清楚老年优待证怎么办理，希望有人帮忙。', done: '帮助准备材料并代为办理，老年优待证已送到家中。', halfHours: [2, 4] },
  ],
};
const CATEGORY_WEIGHTS: [Category, number][] = [
  ['DAILY_NEEDS', 24], ['HEALTH', 18], ['COMPANIONSHIP', 18], ['REPAIR', 20], ['STUDY', 10], ['OTHER', 10],
];

const DECLINE_REASONS = [
  '该诉求属于物业服务范围，已转交物业服务企业处理。',
  '心愿所需金额超出微心愿标准（200元以内），已转社区救助渠道办理。',
  '已通过民政临时救助解决，不再作为微心愿发布。',
  '与本户此前提交的心愿重复，已合并处理。',
];
const DISPUTE_REASONS = ['问题没有解决，希望再来看看。', '约好的时间没有来，东西也没送到。', '东西和说的不一样，不太合用。'];
const CONFIRM_NOTES = ['非常感谢！', '谢谢党员同志！', '服务很好，感谢！', '解决了大问题，谢谢！'];
const PUBLISH_NOTE = '已核实，发布至社区微心愿墙。';

/** How often each state is where a wish stands at the reference moment (every one occurs in every community). */
const STATUS_WEIGHTS: [WishStatus, number][] = [
  ['CONFIRMED', 50], ['CLAIMED', 12], ['PUBLISHED', 9], ['FULFILLED', 8], ['DECLINED', 8], ['SUBMITTED', 7], ['DISPUTED', 6],
];
/** The steps after SUBMIT that lead to each state; FULFILLED and CONFIRMED sometimes went through a dispute. */
function stepsTo(rng: Random, status: WishStatus): TransitionAction[] {
  const served: TransitionAction[] = ['PUBLISH', 'CLAIM', 'FULFIL'];
  switch (status) {
    case 'SUBMITTED':
      return [];
    case 'PUBLISHED':
      return ['PUBLISH'];
    case 'DECLINED':
      return ['DECLINE'];
    case 'CLAIMED':
      return ['PUBLISH', 'CLAIM'];
    case 'FULFILLED':
      return rng.chance(0.2) ? [...served, 'DISPUTE', 'FULFIL'] : served;
    case 'DISPUTED':
      return [...served, 'DISPUTE'];
    case 'CONFIRMED':
      return rng.chance(0.08) ? [...served, 'DISPUTE', 'FULFIL', 'CONFIRM'] : [...served, 'CONFIRM'];
  }
}

/** How long after the step before it each step comes, in hours, from–to. */
const GAP_HOURS: Record<TransitionAction, readonly [number, number]> = {
  PUBLISH: [2, 72], DECLINE: [2, 72], CLAIM: [1, 288], FULFIL: [4, 480], CONFIRM: [1, 120], DISPUTE: [1, 96],
};
/** Days before the reference moment within which a wish's last step lies when the wish is still open: nobody leaves one waiting long. */
const OPEN_WINDOW_DAYS: Partial<Record<WishStatus, number>> = { SUBMITTED: 4, PUBLISHED: 25, CLAIMED: 20, FULFILLED: 6, DISPUTED: 10 };

// ---------------------------------------------------------------------------------------
// What the earlier seeds left

interface Household {
  id: number;
  buildingId: number;
  /** How much the household needs help: elderly living alone, disabled, in difficulty, left-behind children. */
  need: number;
  who: string;
}

interface Micro {
  id: number;
  districtId: number;
  streetId: number;
  communityId: number;
  households: Household[];
  workers: string[];
}

interface Claimant {
  kind: ClaimantKind;
  id: number;
  subject: string;
  role: Role;
  name: string;
  /** The claimant's active report-in to the community, if any (units always, in-service members often). */
  reportInId: number | null;
  /** Since when the claimant serves the community. */
  since: number;
  /** A member whose service the love bank has a record for, and who hung a commitment. */
  banked: boolean;
  committed: boolean;
}

async function loadMicroGrids(db: Queryable): Promise<Micro[]> {
  const micro = await db.select({ id: grids.id, districtId: grids.districtId, streetId: grids.streetId, communityId: grids.communityId })
    .from(grids).where(eq(grids.level, 'MICRO')).orderBy(asc(grids.id));
  const houses = await db.select({ id: households.id, gridId: households.gridId, buildingId: households.buildingId }).from(households).orderBy(asc(households.id));
  const people = await db.select({ householdId: residents.householdId, birthDate: residents.birthDate, tags: residents.tags }).from(residents).orderBy(asc(residents.id));
  const workers = await db.select({ gridId: staffAssignments.gridId, subject: staffMembers.subject }).from(staffAssignments)
    .innerJoin(staffMembers, eq(staffMembers.id, staffAssignments.staffMemberId))
    .where(and(eq(staffAssignments.role, 'MICRO_GRID_WORKER'), isNull(staffAssignments.endedOn))).orderBy(asc(staffAssignments.id));
  const byId = new Map(micro.map((g) => [g.id, { ...g, households: [] as Household[], workers: [] as string[] }]));
  const houseById = new Map<number, Household>();
  for (const h of houses) {
    const house: Household = { id: h.id, buildingId: h.buildingId, need: 1, who: '我' };
    houseById.set(h.id, house);
    byId.get(h.gridId)?.households.push(house);
  }
  for (const r of people) {
    const house = houseById.get(r.householdId)!;
    const old = ageOn(r.birthDate) >= 70;
    if (r.tags.includes('ELDERLY_LIVING_ALONE')) {
      house.need += 4;
      house.who = '独居老人';
    } else if (r.tags.some((t) => t === 'DISABLED' || t === 'FAMILY_IN_DIFFICULTY' || t === 'LEFT_BEHIND_CHILD')) {
      house.need += 3;
    } else if (old) {
      house.need += 1;
      if (house.who === '我') house.who = '家中老人';
    }
  }
  for (const w of workers) if (w.subject !== null) byId.get(w.gridId)?.workers.push(w.subject);
  return [...byId.values()].filter((g) => g.households.length > 0);
}

/** Who may take wishes in each community: its party members and volunteers, and the units reported in to it. */
async function loadClaimants(db: Queryable): Promise<Map<number, Claimant[]>> {
  const members = await db.select({
    id: partyMembers.id, communityId: partyMembers.communityId, subject: partyMembers.subject, name: partyMembers.name,
    reportInId: reportIns.id, reportedAt: reportIns.reportedAt, volunteerId: volunteers.id,
    committed: sql<boolean>`exists (select 1 from ${commitments} c where c.member_id = ${partyMembers.id} and c.withdrawn_at is null)`,
  }).from(partyMembers)
    .leftJoin(reportIns, and(eq(reportIns.memberId, partyMembers.id), eq(reportIns.communityId, partyMembers.communityId), isNull(reportIns.withdrawnAt)))
    .leftJoin(volunteers, eq(volunteers.partyMemberId, partyMembers.id))
    .orderBy(asc(partyMembers.id));
  const plain = await db.select({ id: volunteers.id, communityId: volunteers.communityId, subject: volunteers.subject, name: volunteers.name })
    .from(volunteers).where(isNull(volunteers.partyMemberId)).orderBy(asc(volunteers.id));
  const units = await db.select({ id: reportingUnits.id, name: reportingUnits.name, communityId: reportIns.communityId, reportInId: reportIns.id, reportedAt: reportIns.reportedAt })
    .from(reportIns).innerJoin(reportingUnits, eq(reportingUnits.id, reportIns.unitId)).where(isNull(reportIns.withdrawnAt)).orderBy(asc(reportIns.id));
  const byCommunity = new Map<number, Claimant[]>();
  const add = (communityId: number, c: Claimant) => byCommunity.set(communityId, [...(byCommunity.get(communityId) ?? []), c]);
  for (const m of members) {
    add(m.communityId, {
      kind: 'PARTY_MEMBER', id: m.id, subject: m.subject!, role: Role.PARTY_MEMBER, name: m.name, reportInId: m.reportInId,
      since: m.reportedAt?.getTime() ?? 0, banked: m.volunteerId !== null, committed: m.committed,
    });
  }
  for (const v of plain) {
    add(v.communityId, { kind: 'VOLUNTEER', id: v.id, subject: v.subject!, role: Role.VOLUNTEER, name: v.name, reportInId: null, since: 0, banked: true, committed: false });
  }
  for (const u of units) {
    add(u.communityId, {
      kind: 'UNIT', id: u.id, subject: `secretary-${u.communityId}`, role: Role.COMMUNITY_SECRETARY, name: u.name, reportInId: u.reportInId,
      since: u.reportedAt.getTime(), banked: false, committed: false,
    });
  }
  return byCommunity;
}

// ---------------------------------------------------------------------------------------
// Timelines

interface Step {
  action: TransitionAction | 'SUBMIT';
  at: number;
  subject: string;
  role: Role;
  note: string | null;
  hours: string | null;
}

/** The hour of day in China of an instant. */
function chinaHour(ms: number): number {
  return Math.floor(((ms + CHINA_OFFSET_MS) % DAY_MS) / HOUR_MS);
}

/** People act between 7:00 and 21:59: a moment at night moves to the next morning. */
function daytime(rng: Random, ms: number): number {
  const hour = chinaHour(ms);
  if (hour >= 7 && hour < 22) return ms;
  const localDay = Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS) + (hour >= 22 ? 1 : 0);
  return localDay * DAY_MS - CHINA_OFFSET_MS + 7 * HOUR_MS + rng.int(30, 180) * MINUTE_MS;
}

/** The moments of a timeline of `actions` after SUBMIT, ending within the window its last state allows before the reference moment. */
function momentsOf(rng: Random, actions: readonly TransitionAction[], status: WishStatus): number[] {
  const gaps = actions.map((a) => uniform(rng, ...GAP_HOURS[a]) * HOUR_MS);
  const total = gaps.reduce((s, g) => s + g, 0);
  const window = OPEN_WINDOW_DAYS[status];
  const submitted = window === undefined
    ? YEAR_START + uniform(rng, 0, Math.max(0, END - YEAR_START - total - 2 * DAY_MS))
    : END - uniform(rng, 0.1, window) * DAY_MS - total;
  const moments = [daytime(rng, Math.round(submitted / MINUTE_MS) * MINUTE_MS)];
  for (const gap of gaps) {
    const previous = moments[moments.length - 1];
    moments.push(Math.max(previous + MINUTE_MS, daytime(rng, Math.round((previous + gap) / MINUTE_MS) * MINUTE_MS)));
  }
  // Mornings pushed it past the reference moment: the whole story happened some days earlier.
  const over = moments[moments.length - 1] - (END - 30 * MINUTE_MS);
  return over > 0 ? moments.map((m) => m - Math.ceil(over / DAY_MS) * DAY_MS) : moments;
}

// ---------------------------------------------------------------------------------------
// The seed

interface Draft {
  micro: Micro;
  household: Household;
  category: Category;
  template: Template;
  status: WishStatus;
  steps: Step[];
  claimant: Claimant | null;
}

export async function seedWishes(db: Queryable, options: WishSeedOptions): Promise<WishSeedSummary> {
  const scale = options.scale;
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`The seed scale must be a positive number, got ${scale}`);
  const rng = new Random(PRNG_SEED);
  const ids = new Ids();
  const micros = await loadMicroGrids(db);
  const claimantsOf = await loadClaimants(db);
  if (micros.length === 0 || claimantsOf.size === 0) throw new Error('The wish seed needs the grid, party and volunteer seeds first.');

  // Where and what: about three wishes a micro grid, from the households that need help most.
  const drafts: Draft[] = [];
  const categoryTotal = CATEGORY_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const statusTotal = STATUS_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const seen = new Map<number, WishStatus[]>();
  for (const micro of micros) {
    const count = rng.weighted([[1, 15], [2, 25], [3, 30], [4, 20], [5, 10]] as const);
    const needTotal = micro.households.reduce((s, h) => s + h.need, 0);
    for (let i = 0; i < count; i += 1) {
      const household = rng.weighted(micro.households.map((h) => [h, h.need] as const), needTotal);
      const category = rng.weighted(CATEGORY_WEIGHTS, categoryTotal);
      // Every state in every community: its first wishes take the states it has not shown yet.
      const shown = seen.get(micro.communityId) ?? [];
      const missing = wishStatus.enumValues.filter((s) => !shown.includes(s));
      const status = missing.length > 0 ? rng.pick(missing) : rng.weighted(STATUS_WEIGHTS, statusTotal);
      seen.set(micro.communityId, [...shown, status]);
      drafts.push({ micro, household, category, template: rng.pick(TEMPLATES[category]), status, steps: [], claimant: null });
    }
  }

  // The first community's first claimed wish is the demo member's: one who hung a commitment and banks service.
  const firstCommunity = Math.min(...micros.map((m) => m.communityId));
  const demo = (claimantsOf.get(firstCommunity) ?? []).find((c) => c.kind === 'PARTY_MEMBER' && c.committed && c.banked);
  let demoTaken = demo === undefined;

  for (const d of drafts) {
    const c = d.micro.communityId;
    const secretary = { subject: `secretary-${c}`, role: Role.COMMUNITY_SECRETARY };
    const resident = { subject: `resident-${d.household.id}`, role: Role.RESIDENT };
    const submitter = d.micro.workers.length > 0 && rng.chance(0.35) ? { subject: rng.pick(d.micro.workers), role: Role.GRID_WORKER } : resident;
    const actions = stepsTo(rng, d.status);
    const moments = momentsOf(rng, actions, d.status);
    d.steps.push({ action: 'SUBMIT', at: moments[0], ...submitter, note: null, hours: null });
    if (actions.includes('CLAIM')) {
      if (!demoTaken && c === firstCommunity && d.status === 'CLAIMED') {
        d.claimant = demo!;
        demoTaken = true;
      } else {
        d.claimant = pickClaimant(rng, claimantsOf.get(c) ?? [], moments[actions.indexOf('CLAIM') + 1], d.status === 'CONFIRMED');
      }
    }
    let hours = 0;
    actions.forEach((action, k) => {
      const at = moments[k + 1];
      switch (action) {
        case 'PUBLISH':
          d.steps.push({ action, at, ...secretary, note: rng.chance(0.5) ? PUBLISH_NOTE : null, hours: null });
          break;
        case 'DECLINE':
          d.steps.push({ action, at, ...secretary, note: rng.pick(DECLINE_REASONS), hours: null });
          break;
        case 'CLAIM': {
          const { subject, role, kind, name } = d.claimant!;
          d.steps.push({ action, at, subject, role, note: kind === 'UNIT' ? `代${name}认领。` : null, hours: null });
          break;
        }
        case 'FULFIL': {
          const again = hours > 0;
          hours = rng.int(...d.template.halfHours) / 2;
          d.steps.push({
            action, at, subject: d.claimant!.subject, role: d.claimant!.role, note: again ? `已再次上门处理：${d.template.done}` : d.template.done,
            hours: hours.toFixed(2),
          });
          break;
        }
        case 'DISPUTE':
          d.steps.push({ action, at, ...resident, note: rng.pick(DISPUTE_REASONS), hours: null });
          break;
        case 'CONFIRM':
          d.steps.push({ action, at, ...resident, note: rng.chance(0.4) ? rng.pick(CONFIRM_NOTES) : null, hours: null });
          break;
      }
    });
  }

  // Ids in the order of submission; the timelines' in the order of time, as if entered live.
  drafts.sort((a, b) => a.steps[0].at - b.steps[0].at || a.household.id - b.household.id);
  const wishRows: WishRow[] = drafts.map((d) => rowOf(d, ids.next('wishes')));
  const pending = drafts.flatMap((d, i) => d.steps.map((step, k) => ({
    wishId: wishRows[i].id, step, k, from: k === 0 ? null : statusAfter(d.steps.slice(0, k)), to: statusAfter(d.steps.slice(0, k + 1)),
  })));
  pending.sort((a, b) => a.step.at - b.step.at || a.wishId - b.wishId || a.k - b.k);
  const transitionRows: TransitionRow[] = pending.map(({ wishId, step, from, to }) => ({
    id: ids.next('wishTransitions'), wishId, action: step.action, fromStatus: from, toStatus: to,
    actorSubject: step.subject, actorRole: step.role, note: step.note, hours: step.hours, at: new Date(step.at),
  }));

  // A confirmed wish of a unit, or of a member reported in to the community, counts for that report-in.
  const [last] = await db.select({ id: sql<number>`coalesce(max(${participations.id}), 0)::int` }).from(participations);
  ids.after('participations', last.id);
  const participationRows: ParticipationRow[] = wishRows
    .map((w, i) => ({ w, d: drafts[i] }))
    .filter(({ w, d }) => w.status === 'CONFIRMED' && d.claimant?.reportInId != null && d.claimant.kind !== 'VOLUNTEER')
    .sort((a, b) => a.w.fulfilledAt!.getTime() - b.w.fulfilledAt!.getTime())
    .map(({ w, d }) => ({
      id: ids.next('participations'), reportInId: d.claimant!.reportInId!, districtId: w.districtId, streetId: w.streetId, communityId: w.communityId,
      projectId: null, wishId: w.id, occurredOn: chinaDate(w.fulfilledAt!), hours: w.hoursSpent, note: null,
      recordedBy: d.steps[d.steps.length - 1].subject, createdAt: SEED_TIMESTAMP,
    }));

  await insertChunks(db, wishes, wishRows);
  await insertChunks(db, wishTransitions, transitionRows);
  await insertChunks(db, participations, participationRows);
  await advanceSequences(db, [wishes, wishTransitions, participations]);
  return { wishes: wishRows.length, wishTransitions: transitionRows.length, wishParticipations: participationRows.length };
}

/**
 * Who takes a wish: a party member half the time, else a volunteer or a unit reported in to
 * the community by then. A wish that will be confirmed goes to a member whose service the
 * love bank records (the bank credits it), so that every banked member has a record.
 */
function pickClaimant(rng: Random, pool: readonly Claimant[], at: number, confirmed: boolean): Claimant {
  const serving = pool.filter((c) => c.since < at && (c.kind !== 'PARTY_MEMBER' || !confirmed || c.banked));
  const preferred = rng.weighted([['PARTY_MEMBER', 50], ['VOLUNTEER', 25], ['UNIT', 25]] as const);
  const order: ClaimantKind[] = [preferred, 'PARTY_MEMBER', 'VOLUNTEER', 'UNIT'];
  for (const kind of order) {
    const candidates = serving.filter((c) => c.kind === kind);
    if (candidates.length > 0) return rng.pick(candidates);
  }
  throw new Error('Wish seed: a community has no party member, volunteer or unit to take its wishes.');
}

/** Where the steps so far leave a wish. */
function statusAfter(steps: readonly Step[]): WishStatus {
  let status: WishStatus = 'SUBMITTED';
  for (const step of steps.slice(1)) {
    const next = nextStatus(status, step.action as TransitionAction);
    if (next === null) throw new Error(`Wish seed: ${step.action} is not allowed from ${status}`);
    status = next;
  }
  return status;
}

/** The wish's columns as its last step left them. */
function rowOf(d: Draft, id: number): WishRow {
  const last = (action: Step['action']) => d.steps.filter((s) => s.action === action).at(-1) ?? null;
  const status = statusAfter(d.steps);
  const claimed = d.claimant !== null;
  const fulfil = last('FULFIL');
  const closing = last('CONFIRM') ?? last('DECLINE');
  const g = d.micro;
  return {
    id, districtId: g.districtId, streetId: g.streetId, communityId: g.communityId, gridId: g.id, buildingId: d.household.buildingId,
    householdId: d.household.id, category: d.category, title: d.template.title, detail: d.template.detail.replaceAll('{who}', d.household.who),
    submitterSubject: d.steps[0].subject, submitterRole: d.steps[0].role, status, version: d.steps.length,
    declineReason: last('DECLINE')?.note ?? null,
    claimantKind: claimed ? d.claimant!.kind : null,
    claimantMemberId: d.claimant?.kind === 'PARTY_MEMBER' ? d.claimant.id : null,
    claimantVolunteerId: d.claimant?.kind === 'VOLUNTEER' ? d.claimant.id : null,
    claimantUnitId: d.claimant?.kind === 'UNIT' ? d.claimant.id : null,
    hoursSpent: fulfil?.hours ?? null,
    submittedAt: new Date(d.steps[0].at),
    publishedAt: last('PUBLISH') ? new Date(last('PUBLISH')!.at) : null,
    claimedAt: last('CLAIM') ? new Date(last('CLAIM')!.at) : null,
    fulfilledAt: fulfil ? new Date(fulfil.at) : null,
    closedAt: closing ? new Date(closing.at) : null,
    ...stamps,
  };
}
