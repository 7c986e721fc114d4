/**
 * The demo city's volunteers and love bank (DOMAIN.md §5, issue 5 point 9), in two steps
 * around the micro-wishes (whose claimants are volunteers, and whose confirmations the bank
 * credits):
 *
 * - `seedVolunteers`: about 4% of the residents registered as volunteers, a record for each
 *   party member whose service is banked, two to four teams per community with their members
 *   and leader, a year of activities with sign-ups within capacity and attendance confirmed
 *   by the organiser, and the coming year's activities open for sign-up.
 * - `seedLoveBank`: a later point rate, partner merchants (联盟商户, two or three per street)
 *   and their items, and the books: one movement per confirmed attendance and per confirmed
 *   wish of a member or volunteer (hours and points at the rate of the day served), and the
 *   redemptions, each within the balance at its moment.
 *
 * The books follow bank.ledger exactly (the entries of `creditService`, the rate of `rateOn`,
 * `pointsFor`); movements and entries are append-only, so they are written once, in the
 * order they happened. Deterministic like the other seeds (own PRNG, the reference date,
 * fixed created_at / updated_at but for the books' own moments); ids assigned here; no
 * outbox rows. Runs after the party seed, and `seedLoveBank` after the wish seed.
 */
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { Role } from '../../auth/roles';
import { chinaDate } from '../../calendar';
import type { Queryable } from '../../db/client';
import { ageOn, chinaTime, dateBetween, Ids, pad, uniform } from '../../seed/helpers';
import { advanceSequences, insertChunks, Random, SEED_TIMESTAMP, stamps } from '../grid/grid.seed';
import { buildings, communities, residents } from '../grid/grid.tables';
import { partyMembers } from '../party/party.tables';
import { wishes, wishTransitions } from '../wish/wish.tables';
import { decimalOf, hundredths, pointsFor } from './bank.amounts';
import {
  activities, activitySignups, bankAccounts, ledgerEntries, ledgerMovements, merchantItems, merchants, pointRates, redemptions,
  teamMemberships, volunteers, volunteerTeams,
} from './volunteer.tables';

export interface VolunteerSeedOptions {
  /** The grid seed's scale; volunteers follow the residents, so it only checks it. */
  scale: number;
}

export interface VolunteerSeedSummary {
  volunteers: number;
  volunteerTeams: number;
  teamMemberships: number;
  volunteerActivities: number;
  activitySignups: number;
}

export interface LoveBankSeedSummary {
  pointRates: number;
  merchants: number;
  merchantItems: number;
  bankAccounts: number;
  ledgerMovements: number;
  ledgerEntries: number;
  redemptions: number;
}

type VolunteerRow = typeof volunteers.$inferInsert & { id: number };
type TeamRow = typeof volunteerTeams.$inferInsert & { id: number };
type MembershipRow = typeof teamMemberships.$inferInsert;
type ActivityRow = typeof activities.$inferInsert & { id: number };
type SignupRow = typeof activitySignups.$inferInsert & { id: number };
type MerchantRow = typeof merchants.$inferInsert & { id: number };
type ItemRow = typeof merchantItems.$inferInsert & { id: number };
type AccountRow = typeof bankAccounts.$inferInsert & { id: number };
type MovementRow = typeof ledgerMovements.$inferInsert & { id: number };
type EntryRow = typeof ledgerEntries.$inferInsert & { id: number };
type RedemptionRow = typeof redemptions.$inferInsert & { id: number };

const VOLUNTEER_PRNG_SEED = 0x701a_7ee5;
const BANK_PRNG_SEED = 0xba4c_0de5;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Nothing in the seeded history happens at or after the reference moment (2026-11-01 00:00 in China). */
const END = SEED_TIMESTAMP.getTime();
/** The year of activities before it. */
const YEAR_START = END - 365 * DAY_MS;
/** The coming activities, open for sign-up: in 2027, so that they are still ahead when the demo runs. */
const NEXT_YEAR = ['2027-01-09', '2027-12-18'] as const;
/** The rate the city publishes during the year (the migration opened the bank at 10 points an hour). */
const LATER_RATE = { pointsPerHour: 12, effectiveFrom: '2026-05-01', publishedBy: 'city-admin', publishedAt: new Date('2026-04-20T10:00:00+08:00') };

// ---------------------------------------------------------------------------------------
// Reference data

type Place = 'CENTRE' | 'COMPOUND' | 'CROSSING';

interface ActivityKind {
  title: string;
  place: Place;
  /** Start times in China, [hour, minute]. */
  starts: readonly (readonly [number, number])[];
  /** Half hours it lasts, from–to. */
  halfHours: readonly [number, number];
  capacity: readonly [number, number];
}

interface TeamKind {
  name: string;
  description: string;
  activities: ActivityKind[];
}

const MORNING = [[8, 30], [9, 0]] as const;
const AFTERNOON = [[14, 30], [15, 0]] as const;

/** 党员先锋服务队: every community has one; it serves on the 10th of each month, the city party building day (004). */
const PARTY_TEAM: TeamKind & { partyDay: ActivityKind } = {
  name: '党员先锋服务队',
  description: '社区党员和报到的在职党员组成，每月10日“城市党建日”集中开展志愿服务。',
  partyDay: { title: '“城市党建日”集中志愿服务', place: 'CENTRE', starts: MORNING, halfHours: [5, 6], capacity: [12, 25] },
  activities: [
    { title: '楼道杂物清理', place: 'COMPOUND', starts: MORNING, halfHours: [4, 5], capacity: [8, 15] },
    { title: '惠民政策宣传进楼院', place: 'COMPOUND', starts: AFTERNOON, halfHours: [3, 4], capacity: [6, 12] },
    { title: '关爱空巢老人入户走访', place: 'COMPOUND', starts: MORNING, halfHours: [4, 6], capacity: [6, 12] },
  ],
};

const TEAM_KINDS: TeamKind[] = [
  {
    name: '夕阳红志愿服务队', description: '退休居民组成，开展敬老助老和文艺活动。',
    activities: [
      { title: '义务理发进楼院', place: 'COMPOUND', starts: MORNING, halfHours: [4, 6], capacity: [5, 10] },
      { title: '文艺演出进社区', place: 'CENTRE', starts: AFTERNOON, halfHours: [4, 5], capacity: [10, 25] },
      { title: '健康知识讲座', place: 'CENTRE', starts: MORNING, halfHours: [3, 4], capacity: [8, 20] },
    ],
  },
  {
    name: '巾帼志愿服务队', description: '社区妇女志愿者组成，开展家庭教育和垃圾分类宣传。',
    activities: [
      { title: '垃圾分类入户宣传', place: 'COMPOUND', starts: MORNING, halfHours: [4, 5], capacity: [8, 16] },
      { title: '家庭教育讲座', place: 'CENTRE', starts: AFTERNOON, halfHours: [3, 4], capacity: [10, 20] },
    ],
  },
  {
    name: '青年志愿服务队', description: '青年和学生志愿者组成，开展课后辅导和智能手机教学。',
    activities: [
      { title: '“四点半课堂”作业辅导', place: 'CENTRE', starts: [[16, 30]], halfHours: [3, 3], capacity: [5, 10] },
      { title: '教老人用智能手机', place: 'CENTRE', starts: AFTERNOON, halfHours: [3, 4], capacity: [6, 12] },
    ],
  },
  {
    name: '平安守望巡逻队', description: '邻里守望，夜间巡逻，开展防诈防火宣传。',
    activities: [
      { title: '夜间治安巡逻', place: 'COMPOUND', starts: [[19, 0]], halfHours: [4, 4], capacity: [6, 12] },
      { title: '防范电信诈骗宣传', place: 'COMPOUND', starts: MORNING, halfHours: [3, 4], capacity: [6, 12] },
    ],
  },
  {
    name: '文明交通劝导队', description: '在上下学和早高峰时段的路口开展文明交通劝导。',
    activities: [{ title: '路口文明交通劝导', place: 'CROSSING', starts: [[7, 0], [16, 30]], halfHours: [3, 4], capacity: [6, 12] }],
  },
  {
    name: '环境卫生志愿服务队', description: '清理卫生死角和小广告，在垃圾投放点值守引导。',
    activities: [
      { title: '小区环境卫生整治', place: 'COMPOUND', starts: MORNING, halfHours: [4, 6], capacity: [10, 25] },
      { title: '垃圾分类投放点值守', place: 'COMPOUND', starts: [[7, 0], [18, 0]], halfHours: [3, 4], capacity: [4, 8] },
    ],
  },
  {
    name: '邻里互助服务队', description: '有手艺的居民为邻居义务维修，开展便民服务。',
    activities: [
      { title: '家电义务维修', place: 'CENTRE', starts: MORNING, halfHours: [5, 6], capacity: [5, 10] },
      { title: '便民服务日', place: 'CENTRE', starts: MORNING, halfHours: [5, 6], capacity: [8, 16] },
    ],
  },
];

const ROADS = ['黄河', '渤海', '长江', '新立河', '黄河', '渤海'];
const ROAD_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

interface MerchantKind {
  names: string[];
  items: { name: string; price: number; stocked: boolean }[];
}

/** 联盟商户: the alliance supermarkets of the love bank (001) and the shops that joined them. Prices in points. */
const MERCHANT_KINDS: MerchantKind[] = [
  {
    names: ['爱心超市', '惠民爱心超市', '邻里爱心超市'],
    items: [
      { name: '牙膏（一支）', price: 12, stocked: true }, { name: '毛巾（一条）', price: 10, stocked: true },
      { name: '洗洁精（一瓶）', price: 10, stocked: true }, { name: '洗衣液（2kg）', price: 25, stocked: true },
      { name: '大米（5kg）', price: 35, stocked: true }, { name: '食用油（1.8L）', price: 30, stocked: true },
      { name: '鸡蛋（30枚）', price: 25, stocked: true }, { name: '挂面（一包）', price: 8, stocked: true },
      { name: '酱油（一瓶）', price: 8, stocked: true }, { name: '抽纸（一提）', price: 20, stocked: true },
    ],
  },
  {
    names: ['便民超市', '家家乐超市', '好邻居便利店'],
    items: [
      { name: '洗衣粉（一袋）', price: 15, stocked: true }, { name: '香皂（一块）', price: 6, stocked: true },
      { name: '面粉（5kg）', price: 30, stocked: true }, { name: '食盐（一袋）', price: 3, stocked: true },
      { name: '纯牛奶（一箱）', price: 40, stocked: true }, { name: '卷纸（一提）', price: 18, stocked: true },
    ],
  },
  {
    names: ['理发店', '美发工作室'],
    items: [{ name: '理发一次', price: 20, stocked: false }, { name: '老人上门理发一次', price: 25, stocked: false }, { name: '洗剪吹一次', price: 30, stocked: false }],
  },
  {
    names: ['大药房', '平价药店'],
    items: [
      { name: '医用口罩（一盒）', price: 15, stocked: true }, { name: '体温计（一支）', price: 20, stocked: true },
      { name: '创可贴（一盒）', price: 5, stocked: true }, { name: '免费测血糖一次', price: 5, stocked: false },
    ],
  },
  {
    names: ['洗衣店', '干洗店'],
    items: [{ name: '衣物清洗一件', price: 15, stocked: false }, { name: '羽绒服清洗一件', price: 40, stocked: false }],
  },
  {
    names: ['早餐店', '包子铺'],
    items: [{ name: '早餐套餐一份', price: 8, stocked: false }, { name: '豆浆油条一份', price: 6, stocked: false }],
  },
];
const MERCHANT_BRANDS = ['阳光', '惠民', '和美', '福润', '康宁', '众诚', '老街坊', '放心', '万家', '兴隆', '好日子', '洁净'];

// ---------------------------------------------------------------------------------------
// Time

function atMinute(ms: number): number {
  return Math.round(ms / MINUTE_MS) * MINUTE_MS;
}

/** The day `index` days after the year's first day, `YYYY-MM-DD`. */
function dayOfYear(index: number): string {
  return chinaDate(new Date(YEAR_START + index * DAY_MS));
}

/** The 10th of `count` months from the month of `from` (`YYYY-MM-DD`) on. */
function tenths(from: string, count: number): string[] {
  const [y, m] = from.split('-').map(Number);
  return Array.from({ length: count }, (_, k) => {
    const month = y * 12 + (m - 1) + k;
    return `${Math.floor(month / 12)}-${pad((month % 12) + 1)}-10`;
  });
}

// ---------------------------------------------------------------------------------------
// Volunteers, teams and activities

interface Community {
  id: number;
  districtId: number;
  streetId: number;
  name: string;
  /** Micro grids with their compound's name (as the buildings' addresses carry it). */
  compounds: { gridId: number; name: string }[];
}

interface Person {
  residentId: number | null;
  partyMemberId: number | null;
  /** The member's own token subject, when the volunteer is a party member. */
  memberSubject: string | null;
  name: string;
  phone: string | null;
  age: number;
}

async function loadCommunities(db: Queryable): Promise<Community[]> {
  const rows = await db.select({ id: communities.id, districtId: communities.districtId, streetId: communities.streetId, name: communities.name })
    .from(communities).orderBy(asc(communities.id));
  const blocks = await db.select({ gridId: buildings.gridId, communityId: buildings.communityId, address: buildings.address })
    .from(buildings).orderBy(asc(buildings.id));
  const byId = new Map(rows.map((c) => [c.id, { ...c, compounds: [] as Community['compounds'] }]));
  for (const b of blocks) {
    const c = byId.get(b.communityId)!;
    if (c.compounds.some((p) => p.gridId === b.gridId)) continue;
    // "…社区幸福家园小区3号楼": the compound is what lies between the community and the building.
    c.compounds.push({ gridId: b.gridId, name: /社区(.+?小区)/.exec(b.address)?.[1] ?? '小区' });
  }
  return [...byId.values()];
}

/** Who may volunteer in each community: its party members, and its residents who are not. */
async function loadPeople(db: Queryable): Promise<Map<number, { members: Person[]; inService: Person[]; residents: Person[] }>> {
  const residentRows = await db.select({
    id: residents.id, communityId: residents.communityId, name: residents.name, phone: residents.phone, birthDate: residents.birthDate, tags: residents.tags,
  }).from(residents).orderBy(asc(residents.id));
  const memberRows = await db.select({
    id: partyMembers.id, communityId: partyMembers.communityId, residentId: partyMembers.residentId, name: partyMembers.name,
    phone: partyMembers.phone, subject: partyMembers.subject,
  }).from(partyMembers).orderBy(asc(partyMembers.id));
  const people = new Map<number, { members: Person[]; inService: Person[]; residents: Person[] }>();
  const of = (communityId: number) => {
    if (!people.has(communityId)) people.set(communityId, { members: [], inService: [], residents: [] });
    return people.get(communityId)!;
  };
  const ages = new Map<number, number>();
  for (const r of residentRows) {
    ages.set(r.id, ageOn(r.birthDate));
    if (!r.tags.includes('PARTY_MEMBER')) {
      of(r.communityId).residents.push({ residentId: r.id, partyMemberId: null, memberSubject: null, name: r.name, phone: r.phone, age: ages.get(r.id)! });
    }
  }
  for (const m of memberRows) {
    // An in-service member's age is not on the register; they are of working age.
    const person: Person = { residentId: m.residentId, partyMemberId: m.id, memberSubject: m.subject, name: m.name, phone: m.phone, age: m.residentId === null ? 40 : ages.get(m.residentId)! };
    (m.residentId === null ? of(m.communityId).inService : of(m.communityId).members).push(person);
  }
  return people;
}

/** How likely a resident who is not a member volunteers: students and the newly retired most (about 4% overall). */
function volunteerShare(age: number): number {
  if (age < 16 || age > 80) return 0;
  if (age <= 22) return 0.07;
  if (age >= 55 && age <= 75) return 0.085;
  return 0.035;
}

interface Volunteer {
  row: VolunteerRow;
  /** The subject and role they sign in with: a volunteer's own, or their party member's. */
  login: { subject: string; role: Role };
  age: number;
}

interface SignupDraft {
  volunteer: Volunteer;
  signedUpAt: number;
  cancelledAt: number | null;
  hours: number | null;
  confirmedAt: number | null;
}

interface ActivityDraft {
  row: Omit<ActivityRow, 'id'>;
  /** Held by the community's party members' team. */
  byParty: boolean;
  halfHours: number;
  /** When the organiser confirms attendance: null for what lies ahead, was cancelled, or is not confirmed by the reference moment. */
  confirmAt: number | null;
  signups: SignupDraft[];
}

export async function seedVolunteers(db: Queryable, options: VolunteerSeedOptions): Promise<VolunteerSeedSummary> {
  const scale = options.scale;
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`The seed scale must be a positive number, got ${scale}`);
  const rng = new Random(VOLUNTEER_PRNG_SEED);
  const ids = new Ids();
  const city = await loadCommunities(db);
  const people = await loadPeople(db);
  if (!city.some((c) => (people.get(c.id)?.members.length ?? 0) > 0)) {
    throw new Error('The volunteer seed needs the party seed first: no community with party members.');
  }

  const volunteerRows: VolunteerRow[] = [];
  const teamRows: TeamRow[] = [];
  const membershipRows: MembershipRow[] = [];
  const drafts: ActivityDraft[] = [];
  for (const c of city) {
    const here = people.get(c.id) ?? { members: [], inService: [], residents: [] };
    // Members whose service is banked (在职党员进社区 too), and residents who registered.
    const chosen = [
      ...here.members.filter((p) => rng.chance(p.age >= 18 && p.age <= 78 ? 0.35 : 0.08)),
      ...here.inService.filter(() => rng.chance(0.15)),
      ...here.residents.filter((p) => rng.chance(volunteerShare(p.age))),
    ];
    const roll: Volunteer[] = rng.sample(chosen, chosen.length).map((p) => {
      const id = ids.next('volunteers');
      const row: VolunteerRow = {
        id, districtId: c.districtId, streetId: c.streetId, communityId: c.id, residentId: p.residentId, partyMemberId: p.partyMemberId,
        name: p.name, phone: p.phone, subject: p.partyMemberId === null ? `volunteer-${id}` : null, ...stamps,
      };
      volunteerRows.push(row);
      const login = p.memberSubject !== null ? { subject: p.memberSubject, role: Role.PARTY_MEMBER } : { subject: row.subject!, role: Role.VOLUNTEER };
      return { row, login, age: p.age };
    });
    const members = roll.filter((v) => v.row.partyMemberId !== null);
    const others = roll.filter((v) => v.row.partyMemberId === null);

    // Teams: the party members' team, and one to three others that residents join.
    const kinds = [PARTY_TEAM, ...rng.sample(TEAM_KINDS, rng.int(1, 3))];
    const teamMembers: Volunteer[][] = kinds.map(() => []);
    teamMembers[0].push(...members);
    for (const v of others) for (const k of rng.sample(kinds.slice(1), rng.chance(0.25) ? 2 : 1)) teamMembers[kinds.indexOf(k)].push(v);
    for (const v of members) if (rng.chance(0.25)) teamMembers[rng.int(1, kinds.length - 1)].push(v);
    const teams: { row: TeamRow; kind: TeamKind; members: Volunteer[]; leader: Volunteer }[] = [];
    kinds.forEach((kind, k) => {
      const team = teamMembers[k].sort((a, b) => a.row.id - b.row.id);
      if (team.length === 0) return;
      const fit = team.filter((v) => v.age >= 28 && v.age <= 70 && v.row.phone !== null && (k > 0 || v.row.residentId !== null));
      const leader = rng.pick(fit.length > 0 ? fit : team);
      const row: TeamRow = {
        id: ids.next('volunteerTeams'), districtId: c.districtId, streetId: c.streetId, communityId: c.id, name: `${c.name}${kind.name}`,
        description: kind.description, leaderId: leader.row.id, ...stamps,
      };
      teamRows.push(row);
      // The leader founded the team; the others joined since.
      const founded = chinaTime(dateBetween(rng, '2023-03-01', '2024-06-30'), rng.int(9, 17), rng.int(0, 59)).getTime();
      for (const v of team) {
        const joinedAt = v === leader ? founded : chinaTime(dateBetween(rng, chinaDate(new Date(founded + DAY_MS)), '2026-09-30'), rng.int(9, 20), rng.int(0, 59)).getTime();
        membershipRows.push({ teamId: row.id, volunteerId: v.row.id, joinedAt: new Date(joinedAt) });
      }
      teams.push({ row, kind, members: team, leader });
    });

    // A year of activities, and what is planned for the next.
    const held: ActivityDraft[] = [];
    for (const team of teams) {
      const kind = team.kind;
      const planned: { activity: ActivityKind; day: string; ahead: boolean }[] = [];
      if (kind === PARTY_TEAM) {
        for (const day of tenths(dayOfYear(0), 12)) planned.push({ activity: PARTY_TEAM.partyDay, day, ahead: false });
        for (const day of tenths(NEXT_YEAR[0], rng.int(1, 3))) planned.push({ activity: PARTY_TEAM.partyDay, day, ahead: true });
      }
      const extra = kind === PARTY_TEAM ? rng.int(0, 2) : rng.int(4, 8);
      for (let i = 0; i < extra; i += 1) planned.push({ activity: rng.pick(kind.activities), day: dayOfYear(rng.int(0, 363)), ahead: false });
      for (let i = rng.int(kind === PARTY_TEAM ? 0 : 1, 3); i > 0; i -= 1) {
        planned.push({ activity: rng.pick(kind.activities), day: dateBetween(rng, ...NEXT_YEAR), ahead: true });
      }
      for (const { activity, day, ahead } of planned) {
        const [hour, minute] = rng.pick(activity.starts);
        const startsAt = chinaTime(day, hour, minute).getTime();
        const halfHours = rng.int(...activity.halfHours);
        const endsAt = startsAt + halfHours * 30 * MINUTE_MS;
        const compound = rng.pick(c.compounds);
        const place = activity.place === 'CENTRE' ? `${c.name}党群服务中心`
          : activity.place === 'COMPOUND' ? `${compound.name}${rng.pick(['广场', '活动室', '各楼栋'])}`
            : `${rng.pick(ROADS)}${rng.pick(ROAD_NUMBERS)}路与${rng.pick(ROADS)}${rng.pick(ROAD_NUMBERS)}路路口`;
        const cancelled = !ahead && rng.chance(0.03);
        const confirmAt = atMinute(endsAt + rng.int(10, 48 * 60) * MINUTE_MS);
        const draft: ActivityDraft = {
          row: {
            teamId: team.row.id, districtId: c.districtId, streetId: c.streetId, communityId: c.id,
            gridId: activity.place === 'COMPOUND' ? compound.gridId : null, title: activity.title, place, startsAt: new Date(startsAt),
            endsAt: new Date(endsAt), capacity: rng.int(...activity.capacity), status: cancelled ? 'CANCELLED' : 'OPEN',
            organiserSubject: rng.chance(0.8) ? team.leader.login.subject : `secretary-${c.id}`, ...stamps,
          },
          // Confirmed a while after it ended (one batch, a sign-up every 20 seconds); the last days' activities still wait for it.
          byParty: kind === PARTY_TEAM, halfHours, confirmAt: ahead || cancelled || confirmAt >= END - HOUR_MS ? null : confirmAt, signups: [],
        };
        held.push(draft);
        signUp(rng, draft, team.members, roll, ahead);
      }
    }

    // Every member's record banks some service: one who has none yet attends a party day (or another activity) with room.
    for (const v of members) {
      if (held.some((d) => d.signups.some((s) => s.volunteer === v && s.hours !== null))) continue;
      const open = held.filter((d) => d.confirmAt !== null && !d.signups.some((s) => s.volunteer === v));
      const roomy = open.filter((d) => live(d) < d.row.capacity);
      const draft = [...roomy.filter((d) => d.byParty), ...roomy, ...open][0];
      if (!draft) throw new Error(`Volunteer seed: no activity in community ${c.id} for party member ${v.row.partyMemberId} to serve in.`);
      // The organiser makes room for one more rather than turn a member away.
      if (draft.row.capacity <= live(draft)) draft.row.capacity += 1;
      draft.signups.push(attend(rng, draft, v, draft.signups.length));
    }
    drafts.push(...held);
  }

  // Ids in the order things happened: activities by their start, sign-ups as they came.
  drafts.sort((a, b) => a.row.startsAt!.getTime() - b.row.startsAt!.getTime() || a.row.teamId - b.row.teamId);
  const activityRows: ActivityRow[] = drafts.map((d) => ({ id: ids.next('volunteerActivities'), ...d.row }));
  const signupDrafts = drafts.flatMap((d, i) => d.signups.map((s) => ({ s, activityId: activityRows[i].id })))
    .sort((a, b) => a.s.signedUpAt - b.s.signedUpAt || a.activityId - b.activityId || a.s.volunteer.row.id - b.s.volunteer.row.id);
  const signupRows: SignupRow[] = signupDrafts.map(({ s, activityId }) => ({
    id: ids.next('activitySignups'), activityId, volunteerId: s.volunteer.row.id, signedUpAt: new Date(s.signedUpAt),
    cancelledAt: s.cancelledAt === null ? null : new Date(s.cancelledAt), attendedHours: s.hours === null ? null : s.hours.toFixed(2),
    attendanceConfirmedAt: s.confirmedAt === null ? null : new Date(s.confirmedAt), movementId: null, ...stamps,
  }));

  await insertChunks(db, volunteers, volunteerRows);
  await insertChunks(db, volunteerTeams, teamRows);
  await insertChunks(db, teamMemberships, membershipRows);
  await insertChunks(db, activities, activityRows);
  await insertChunks(db, activitySignups, signupRows);
  await advanceSequences(db, [volunteers, volunteerTeams, activities, activitySignups]);
  return {
    volunteers: volunteerRows.length,
    volunteerTeams: teamRows.length,
    teamMemberships: membershipRows.length,
    volunteerActivities: activityRows.length,
    activitySignups: signupRows.length,
  };
}

/** Sign-ups that hold a place: not cancelled. */
function live(draft: ActivityDraft): number {
  return draft.signups.filter((s) => s.cancelledAt === null).length;
}

/** A sign-up a few days before the start whose attendance the organiser confirmed, the `index`-th of the batch. */
function attend(rng: Random, draft: ActivityDraft, volunteer: Volunteer, index: number): SignupDraft {
  const startsAt = draft.row.startsAt!.getTime();
  // Most stay to the end; a few leave early, and are credited the half hours they stayed.
  const halfHours = rng.chance(0.85) ? draft.halfHours : Math.max(1, draft.halfHours - rng.int(1, 2));
  return {
    volunteer, signedUpAt: atMinute(startsAt - uniform(rng, 0.2, 10) * DAY_MS), cancelledAt: null,
    hours: halfHours / 2, confirmedAt: draft.confirmAt! + index * 20_000,
  };
}

/**
 * The sign-ups of one activity: team members first, other volunteers of the community now
 * and then; never more live ones than the capacity. Past activities had most places taken,
 * and a few sign-ups cancelled; the coming ones are filling up.
 */
function signUp(rng: Random, draft: ActivityDraft, team: Volunteer[], roll: Volunteer[], ahead: boolean): void {
  const inTeam = new Set(team);
  const ranked = roll.map((v) => ({ v, key: rng.next() ** (1 / (inTeam.has(v) ? 4 : 1)) })).sort((a, b) => b.key - a.key).map((r) => r.v);
  const capacity = draft.row.capacity;
  const wanted = Math.min(ranked.length, Math.round(capacity * (ahead ? uniform(rng, 0, 0.6) : uniform(rng, 0.4, 0.85))));
  const startsAt = draft.row.startsAt!.getTime();
  ranked.slice(0, wanted).forEach((volunteer, i) => {
    if (ahead) {
      draft.signups.push({ volunteer, signedUpAt: atMinute(END - uniform(rng, 0.2, 30) * DAY_MS), cancelledAt: null, hours: null, confirmedAt: null });
    } else if (draft.confirmAt !== null && rng.chance(0.92)) {
      draft.signups.push(attend(rng, draft, volunteer, i));
    } else {
      draft.signups.push({ volunteer, signedUpAt: atMinute(startsAt - uniform(rng, 0.2, 10) * DAY_MS), cancelledAt: null, hours: null, confirmedAt: null });
    }
  });
  // Someone who signed up and then could not come gave the place back.
  if (!ahead && ranked.length > wanted && rng.chance(0.15)) {
    const signedUpAt = atMinute(startsAt - uniform(rng, 2, 10) * DAY_MS);
    draft.signups.push({
      volunteer: ranked[wanted], signedUpAt, cancelledAt: atMinute(signedUpAt + uniform(rng, 0.1, 0.9) * (startsAt - signedUpAt)), hours: null, confirmedAt: null,
    });
  }
}

// ---------------------------------------------------------------------------------------
// The love bank

interface Credit {
  at: number;
  kind: 'ATTENDANCE' | 'WISH';
  volunteerId: number;
  hours: string;
  occurredOn: string;
  signupId: number | null;
  wishId: number | null;
  note: string;
  actor: { subject: string; role: string };
}

interface Spend {
  at: number;
  redemption: RedemptionRow;
  item: ItemRow;
}

/** The rate in force on a day (China date): the published rate with the latest start on or before it, as `rateOn` reads it. */
function rateOn(rates: readonly { effectiveFrom: string; pointsPerHour: number }[], day: string): number {
  const rate = rates.filter((r) => r.effectiveFrom <= day).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
  if (!rate) throw new Error(`No point rate is in force on ${day}.`);
  return rate.pointsPerHour;
}

export async function seedLoveBank(db: Queryable, options: VolunteerSeedOptions): Promise<LoveBankSeedSummary> {
  const scale = options.scale;
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`The seed scale must be a positive number, got ${scale}`);
  const rng = new Random(BANK_PRNG_SEED);
  const ids = new Ids();

  const system = await db.select({ id: bankAccounts.id, kind: bankAccounts.kind }).from(bankAccounts).orderBy(asc(bankAccounts.id));
  const served = system.find((a) => a.kind === 'SERVICE_SOURCE')?.id;
  const issued = system.find((a) => a.kind === 'POINTS_ISSUED')?.id;
  if (served === undefined || issued === undefined || system.length !== 2) {
    throw new Error('The love bank seed expects exactly the two system accounts the migration 0006_bank_rules inserts.');
  }
  ids.after('bankAccounts', Math.max(...system.map((a) => a.id)));
  const published = await db.select().from(pointRates).orderBy(asc(pointRates.id));
  ids.after('pointRates', Math.max(0, ...published.map((r) => r.id)));
  const rateRow = { id: ids.next('pointRates'), ...LATER_RATE };
  const rates = [...published, rateRow];

  const volunteerRows = await db.select({
    id: volunteers.id, streetId: volunteers.streetId, communityId: volunteers.communityId, subject: volunteers.subject,
    partyMemberId: volunteers.partyMemberId, memberSubject: partyMembers.subject,
  }).from(volunteers).leftJoin(partyMembers, eq(partyMembers.id, volunteers.partyMemberId)).orderBy(asc(volunteers.id));
  const loginOf = new Map(volunteerRows.map((v) => [v.id, v.memberSubject !== null
    ? { subject: v.memberSubject, role: Role.PARTY_MEMBER } : { subject: v.subject!, role: Role.VOLUNTEER }]));
  // Organisers are volunteers, party members (by their own subject) or the community's secretary.
  const roleOfSubject = new Map<string, Role>([...loginOf.values()].map((l) => [l.subject, l.role]));
  const volunteerOfMember = new Map(volunteerRows.filter((v) => v.partyMemberId !== null).map((v) => [v.partyMemberId!, v.id]));

  const attended = await db.select({
    signupId: activitySignups.id, volunteerId: activitySignups.volunteerId, hours: activitySignups.attendedHours,
    confirmedAt: activitySignups.attendanceConfirmedAt, startsAt: activities.startsAt, title: activities.title, organiser: activities.organiserSubject,
  }).from(activitySignups).innerJoin(activities, eq(activities.id, activitySignups.activityId))
    .where(isNotNull(activitySignups.attendanceConfirmedAt)).orderBy(asc(activitySignups.id));
  const confirmed = await db.select({
    id: wishes.id, kind: wishes.claimantKind, memberId: wishes.claimantMemberId, volunteerId: wishes.claimantVolunteerId, hours: wishes.hoursSpent,
    fulfilledAt: wishes.fulfilledAt, closedAt: wishes.closedAt, title: wishes.title, actorSubject: wishTransitions.actorSubject, actorRole: wishTransitions.actorRole,
  }).from(wishes).innerJoin(wishTransitions, and(eq(wishTransitions.wishId, wishes.id), eq(wishTransitions.action, 'CONFIRM')))
    .where(and(eq(wishes.status, 'CONFIRMED'), inArray(wishes.claimantKind, ['PARTY_MEMBER', 'VOLUNTEER']))).orderBy(asc(wishes.id));

  const credits: Credit[] = [
    ...attended.map((s): Credit => ({
      at: s.confirmedAt!.getTime(), kind: 'ATTENDANCE', volunteerId: s.volunteerId, hours: s.hours!, occurredOn: chinaDate(s.startsAt),
      signupId: s.signupId, wishId: null, note: s.title, actor: { subject: s.organiser, role: roleOfSubject.get(s.organiser) ?? Role.COMMUNITY_SECRETARY },
    })),
    ...confirmed.map((w): Credit => {
      const volunteerId = w.kind === 'VOLUNTEER' ? w.volunteerId! : volunteerOfMember.get(w.memberId!);
      if (volunteerId === undefined) throw new Error(`Wish ${w.id} was confirmed for party member ${w.memberId}, who has no volunteer record to bank it.`);
      return {
        at: w.closedAt!.getTime(), kind: 'WISH', volunteerId, hours: w.hours!, occurredOn: chinaDate(w.fulfilledAt!), signupId: null, wishId: w.id,
        note: w.title, actor: { subject: w.actorSubject, role: w.actorRole },
      };
    }),
  ].sort((a, b) => a.at - b.at || (a.signupId ?? 0) - (b.signupId ?? 0) || (a.wishId ?? 0) - (b.wishId ?? 0));

  // Merchants: two or three per street, the first an alliance supermarket in the street's first community.
  const city = await loadCommunities(db);
  const addressOf = new Map((await db.select({ gridId: buildings.gridId, address: buildings.address, name: buildings.name }).from(buildings).orderBy(asc(buildings.id)))
    .map((b) => [b.gridId, b.address.slice(0, b.address.length - b.name.length)]));
  const streetsOf = new Map<number, Community[]>();
  for (const c of city) streetsOf.set(c.streetId, [...(streetsOf.get(c.streetId) ?? []), c]);
  const merchantRows: MerchantRow[] = [];
  const itemRows: ItemRow[] = [];
  const stockLeft = new Map<ItemRow, number>();
  const joinedAt = new Map<number, number>();
  const merchantsOf = new Map<number, { row: MerchantRow; items: ItemRow[] }[]>();
  for (const [streetId, inStreet] of streetsOf) {
    const list: { row: MerchantRow; items: ItemRow[] }[] = [];
    for (let i = rng.int(2, 3); i > 0; i -= 1) {
      const c = list.length === 0 ? inStreet[0] : rng.pick(inStreet);
      const kind = list.length === 0 ? MERCHANT_KINDS[0] : rng.pick(MERCHANT_KINDS);
      const id = ids.next('merchants');
      const grid = rng.pick(c.compounds).gridId;
      const row: MerchantRow = {
        id, districtId: c.districtId, streetId, communityId: c.id, name: `${rng.pick(MERCHANT_BRANDS)}${rng.pick(kind.names)}`,
        address: `${addressOf.get(grid) ?? c.name}临街商铺${rng.int(1, 30)}号`, phone: `0543-${rng.int(2, 8)}${String(rng.int(0, 999_999)).padStart(6, '0')}`,
        subject: `merchant-${id}`, ...stamps,
      };
      merchantRows.push(row);
      joinedAt.set(id, chinaTime(dateBetween(rng, '2025-06-01', '2025-10-31'), rng.int(9, 17), rng.int(0, 59)).getTime());
      const items = rng.sample(kind.items, Math.max(2, Math.round(kind.items.length * uniform(rng, 0.6, 1)))).map((it): ItemRow => {
        const row: ItemRow = {
          id: ids.next('merchantItems'), merchantId: id, name: it.name, pricePoints: it.price, stock: it.stocked ? rng.int(20, 80) : null,
          active: rng.chance(0.92), ...stamps,
        };
        itemRows.push(row);
        if (row.stock !== null) stockLeft.set(row, row.stock!);
        return row;
      });
      list.push({ row, items });
    }
    merchantsOf.set(streetId, list);
  }

  // Redemptions: now and then, some days after service was credited, within what the balance holds at that moment.
  const streetOf = new Map(volunteerRows.map((v) => [v.id, v.streetId]));
  const creditsOf = new Map<number, Credit[]>();
  for (const c of credits) creditsOf.set(c.volunteerId, [...(creditsOf.get(c.volunteerId) ?? []), c]);
  const spends: Spend[] = [];
  for (const [volunteerId, own] of creditsOf) {
    const moments = own.filter(() => rng.chance(0.2))
      .map((c) => atMinute(c.at + rng.int(1, 40) * DAY_MS + rng.int(-300, 300) * MINUTE_MS))
      .filter((at) => at < END).sort((a, b) => a - b);
    let spent = 0;
    for (const at of moments) {
      const balance = own.filter((c) => c.at < at).reduce((s, c) => s + pointsFor(c.hours, rateOn(rates, c.occurredOn)), 0) - spent;
      const shops = merchantsOf.get(streetOf.get(volunteerId)!) ?? [];
      const shop = shops.length > 0 ? rng.pick(shops) : null;
      const affordable = (shop?.items ?? []).filter((it) => it.active && it.pricePoints <= balance && (it.stock === null || stockLeft.get(it)! > 0));
      if (affordable.length === 0) continue;
      const item = rng.pick(affordable);
      const quantity = item.pricePoints * 2 <= balance && (item.stock === null || stockLeft.get(item)! >= 2) && rng.chance(0.2) ? 2 : 1;
      if (item.stock !== null) stockLeft.set(item, stockLeft.get(item)! - quantity);
      spent += item.pricePoints * quantity;
      const login = loginOf.get(volunteerId)!;
      spends.push({
        at, item,
        redemption: {
          id: 0, volunteerId, merchantId: shop!.row.id, itemId: item.id, quantity, points: item.pricePoints * quantity, actorSubject: login.subject,
          redeemedAt: new Date(at),
        },
      });
    }
  }
  for (const [item, left] of stockLeft) item.stock = left;
  spends.sort((a, b) => a.at - b.at || a.redemption.volunteerId - b.redemption.volunteerId);
  for (const s of spends) s.redemption.id = ids.next('redemptions');

  // The books, in the order things happened; accounts open on their first movement (a merchant's when it joins).
  type Event = { at: number; credit: Credit; spend?: never } | { at: number; spend: Spend; credit?: never };
  const events: Event[] = [...credits.map((credit): Event => ({ at: credit.at, credit })), ...spends.map((spend): Event => ({ at: spend.at, spend }))]
    .sort((a, b) => a.at - b.at || (a.credit ? 0 : 1) - (b.credit ? 0 : 1));
  const opening: { at: number; volunteerId?: number; merchantId?: number }[] = merchantRows.map((m) => ({ at: joinedAt.get(m.id)!, merchantId: m.id }));
  const firstMovement = new Map<number, number>();
  for (const e of events) {
    const volunteerId = e.credit?.volunteerId ?? e.spend!.redemption.volunteerId;
    if (!firstMovement.has(volunteerId)) firstMovement.set(volunteerId, e.at);
  }
  for (const [volunteerId, at] of firstMovement) opening.push({ at, volunteerId });
  opening.sort((a, b) => a.at - b.at || (a.merchantId ?? 0) - (b.merchantId ?? 0) || (a.volunteerId ?? 0) - (b.volunteerId ?? 0));
  const accountRows: AccountRow[] = opening.map((o) => ({
    id: ids.next('bankAccounts'), kind: o.merchantId !== undefined ? 'MERCHANT' : 'VOLUNTEER', volunteerId: o.volunteerId ?? null,
    merchantId: o.merchantId ?? null, createdAt: new Date(o.at),
  }));
  const accountOfVolunteer = new Map(accountRows.filter((a) => a.volunteerId !== null).map((a) => [a.volunteerId!, a.id]));
  const accountOfMerchant = new Map(accountRows.filter((a) => a.merchantId !== null).map((a) => [a.merchantId!, a.id]));

  const movementRows: MovementRow[] = [];
  const entryRows: EntryRow[] = [];
  const entry = (movement: MovementRow, accountId: number, asset: 'HOURS' | 'POINTS', amount: string) => {
    entryRows.push({ id: ids.next('ledgerEntries'), movementId: movement.id, accountId, asset, amount, occurredOn: movement.occurredOn });
  };
  for (const e of events) {
    if (e.credit) {
      const c = e.credit;
      const pointsPerHour = rateOn(rates, c.occurredOn);
      const movement: MovementRow = {
        id: ids.next('ledgerMovements'), kind: c.kind, signupId: c.signupId, wishId: c.wishId, redemptionId: null, reversesId: null, pointsPerHour,
        note: c.note, actorSubject: c.actor.subject, actorRole: c.actor.role, occurredOn: c.occurredOn, createdAt: new Date(c.at),
      };
      movementRows.push(movement);
      // As creditService posts it: hours from the service source, points issued at the day's rate.
      const account = accountOfVolunteer.get(c.volunteerId)!;
      const hours = decimalOf(hundredths(c.hours));
      const points = pointsFor(c.hours, pointsPerHour);
      entry(movement, account, 'HOURS', hours);
      entry(movement, served, 'HOURS', decimalOf(-hundredths(hours)));
      entry(movement, account, 'POINTS', `${points}.00`);
      entry(movement, issued, 'POINTS', `-${points}.00`);
    } else {
      const { redemption, item } = e.spend!;
      const movement: MovementRow = {
        id: ids.next('ledgerMovements'), kind: 'REDEMPTION', signupId: null, wishId: null, redemptionId: redemption.id, reversesId: null,
        pointsPerHour: null, note: `${item.name} × ${redemption.quantity}`, actorSubject: redemption.actorSubject,
        actorRole: loginOf.get(redemption.volunteerId)!.role, occurredOn: chinaDate(redemption.redeemedAt!), createdAt: redemption.redeemedAt,
      };
      movementRows.push(movement);
      entry(movement, accountOfVolunteer.get(redemption.volunteerId)!, 'POINTS', `-${redemption.points}.00`);
      entry(movement, accountOfMerchant.get(redemption.merchantId)!, 'POINTS', `${redemption.points}.00`);
    }
  }

  await db.insert(pointRates).values(rateRow);
  await insertChunks(db, merchants, merchantRows);
  await insertChunks(db, merchantItems, itemRows);
  await insertChunks(db, bankAccounts, accountRows);
  await insertChunks(db, redemptions, spends.map((s) => s.redemption));
  await insertChunks(db, ledgerMovements, movementRows);
  await insertChunks(db, ledgerEntries, entryRows);
  // Each confirmed attendance points at the movement that credited it.
  await db.execute(sql`update ${activitySignups} s set movement_id = m.id from ${ledgerMovements} m where m.signup_id = s.id and m.kind = 'ATTENDANCE'`);
  const tables: PgTable[] = [pointRates, merchants, merchantItems, bankAccounts, redemptions, ledgerMovements, ledgerEntries];
  await advanceSequences(db, tables);
  return {
    pointRates: 1,
    merchants: merchantRows.length,
    merchantItems: itemRows.length,
    bankAccounts: accountRows.length,
    ledgerMovements: movementRows.length,
    ledgerEntries: entryRows.length,
    redemptions: spends.length,
  };
}
