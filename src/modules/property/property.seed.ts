/**
 * The demo city's property triad (DOMAIN.md §4, issue 4 point 10): the party organisations
 * (community committee → grid branch → building group), a compound over the buildings of
 * each micro grid ("one compound, one grid"), property companies and their contracts, the
 * owners' committees, the yearly plans, twelve published months of the sunshine remuneration
 * ledger (2025-11 … 2026-10) with their disclosures and hash chain, one open owners' vote per
 * compound with its ballots, and two quarters of service appraisals.
 *
 * Runs after the grid and incident seeds and reads what the grid seed left. Like them it is
 * deterministic (an own seeded PRNG, the same reference date, fixed created_at / updated_at),
 * assigns the ids itself, inserts in chunks and moves the id sequences past them. Seeded
 * history writes no outbox rows. Expects empty property and party tables.
 *
 * The money follows the service's own rules: the remuneration is `remunerationFen` of the
 * contract's rule (`ruleOf`), a compound's first month opens at 0 as `prepareLedger` has it,
 * every later month opens at the closing balance before it, and the closing balance is
 * `expectedClosingFen`. The disclosures are built by the service's own `contentOf` and
 * hashed by `contentHashOf`, in publication order, so `disclosureChainVerify` accepts them.
 *
 * Not every micro grid gets a compound: in each street the micro grids of one level-2 grid
 * are old open courtyards (开放式老旧楼院) with no owners' committee and no property service
 * yet — property-service coverage in the source material is 87%, not 100%.
 */
// disclosure.service (whose content builder the chain must use) loads classes with
// type-graphql decorators, which need the metadata polyfill before they are evaluated.
import 'reflect-metadata';
import { asc, eq, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { Queryable, Tx } from '../../db/client';
import { inTransaction } from '../../db/transaction';
import { ageOn, chinaTime, dateBetween, Ids, pad, uniform } from '../../seed/helpers';
import { advanceSequences, insertChunks, Random, SEED_TIMESTAMP, stamps } from '../grid/grid.seed';
import { buildings, communities, districts, grids, households, residents } from '../grid/grid.tables';
import { partyOrganisations } from '../party/party.tables';
import { creditCodeCheckChar, fenToYuan } from './compound.rules';
import { contentHashOf } from './disclosure.chain';
import { buildContent } from './disclosure.service';
import { expectedClosingFen, monthOfStart, remunerationFen, type Month } from './ledger.rules';
import { ruleOf } from './ledger.service';
import {
  annualPlans, ballots, committeeMembers, compounds, disclosures, expenseCategory, incomeCategory, ledgerLines, ledgerMonths,
  matterKind, ownersCommittees, ownerVotes, planItems, propertyCompanies, propertyContracts, residentScores, serviceAppraisals,
  voteCandidates,
} from './property.tables';
import { addDays, committeeTerm, sumAreas } from './vote.tally';

export interface PropertySeedOptions {
  /** The grid seed's scale; the triad follows the grid (one compound per micro grid), so it only checks it. */
  scale: number;
}

export interface PropertySeedSummary {
  partyOrganisations: number;
  compounds: number;
  propertyCompanies: number;
  propertyContracts: number;
  ownersCommittees: number;
  committeeMembers: number;
  annualPlans: number;
  planItems: number;
  ledgerMonths: number;
  ledgerLines: number;
  disclosures: number;
  ownerVotes: number;
  voteCandidates: number;
  ballots: number;
  serviceAppraisals: number;
  residentScores: number;
}

type ExpenseCategory = (typeof expenseCategory.enumValues)[number];
type IncomeCategory = (typeof incomeCategory.enumValues)[number];
type MatterKind = (typeof matterKind.enumValues)[number];
type PartyOrganisationRow = typeof partyOrganisations.$inferSelect;
type CompoundRow = typeof compounds.$inferSelect;
type CompanyRow = typeof propertyCompanies.$inferSelect;
type ContractRow = typeof propertyContracts.$inferSelect;
type CommitteeRow = typeof ownersCommittees.$inferSelect;
type MemberRow = typeof committeeMembers.$inferSelect;
type PlanRow = typeof annualPlans.$inferSelect;
type PlanItemRow = typeof planItems.$inferSelect;
type LedgerMonthRow = typeof ledgerMonths.$inferSelect;
type LedgerLineRow = typeof ledgerLines.$inferSelect;
type DisclosureRow = typeof disclosures.$inferSelect;
type VoteRow = typeof ownerVotes.$inferSelect;
type CandidateRow = typeof voteCandidates.$inferSelect;
type BallotRow = typeof ballots.$inferSelect;
type AppraisalRow = typeof serviceAppraisals.$inferSelect;
type ResidentScoreRow = typeof residentScores.$inferSelect;

const PRNG_SEED = 0x7e57_a11d;
/** The twelve published months. */
const FIRST_MONTH = '2025-11-01';
const MONTHS = 12;
const PLAN_YEARS = [2025, 2026];
/** Every current contract runs over these years; the older ones ended before them. */
const CONTRACT = { startsOn: '2024-01-01', endsOn: '2027-12-31' };
const OLD_CONTRACT = { startsOn: '2019-01-01', endsOn: '2023-12-31' };
/** The open votes opened at the reference moment (so every seeded household may still cast or change its ballot) and close here. */
const VOTE_CLOSES_AT = new Date('2027-01-31T18:00:00+08:00');
/** A committee elected on this day has its term end the day the open election closes (换届 on time). */
const EXPIRING_TERM_FROM = ['2022-02-01', '2022-02-28'] as const;
const CURRENT_TERM_FROM = ['2023-01-01', '2023-12-31'] as const;
const APPRAISAL_QUARTERS = ['2026-04-01', '2026-07-01'];

// ---------------------------------------------------------------------------------------
// Reference data

const CITY_OF_REGION: Record<string, string> = { '3716': '滨州', '3705': '东营', '3714': '德州', '3703': '淄博', '3701': '济南', '3707': '潍坊' };
const COMPANY_BRANDS = [
  '渤海红', '惠众', '鲁北', '安泰', '宏达', '润园', '滨华', '金阳光', '黄河', '万家和', '居安', '泰和', '新城', '颐和', '锦秋',
  '中通', '嘉和', '天成', '瑞祥', '城投', '民安', '恒信', '康居', '佳园', '和美', '福润', '盛世', '齐鲁', '信达', '众诚',
  '华府', '乐居', '安康', '惠民', '海川', '德润', '家家乐', '宜居', '百福', '红帆',
];
const COMPANY_SUFFIXES = ['物业服务有限公司', '物业服务有限公司', '物业管理有限公司'];

interface ItemKind {
  titles: string[];
  /** Share of the yearly budget, relative. */
  weight: number;
  /** What a month's expense line says, by calendar month. */
  lines: string[] | ((month: number) => string[]);
  /** Probability that the item is spent on in a calendar month (1–12). */
  activeIn: (month: number) => number;
}

const ITEM_KINDS: Record<ExpenseCategory, ItemKind> = {
  CLEANING: { titles: ['小区日常保洁及生活垃圾清运'], weight: 24, lines: ['保洁员工资', '清洁用品及垃圾袋采购', '生活垃圾清运费'], activeIn: () => 1 },
  SECURITY: { titles: ['门岗值守及夜间巡逻'], weight: 22, lines: ['门岗秩序维护员工资', '夜间巡逻人员工资', '门禁及监控系统维护'], activeIn: () => 1 },
  STAFF: { titles: ['项目管理及客服人员薪酬'], weight: 14, lines: ['项目经理及客服人员工资', '工作人员社会保险费'], activeIn: () => 1 },
  UTILITIES: { titles: ['公共区域水电费'], weight: 10, lines: ['公共照明电费', '二次供水泵房电费', '公共区域用水水费'], activeIn: () => 1 },
  ELEVATORS: {
    titles: ['电梯维保及年度检验'], weight: 12, lines: (m) => (m === 6 ? ['电梯年度检验费'] : ['电梯月度维保费', '电梯月度维保费', '电梯五方对讲维修']),
    activeIn: () => 1,
  },
  GREENING: {
    titles: ['绿化养护及补植'], weight: 7,
    lines: (m) => (m >= 3 && m <= 5 ? ['草坪及灌木补植', '绿化修剪及浇灌'] : m >= 6 && m <= 9 ? ['绿化修剪及浇灌', '病虫害防治'] : ['树木修剪及防寒', '落叶清扫及绿地整理']),
    activeIn: (m) => (m >= 3 && m <= 11 ? 0.9 : 0.3),
  },
  REPAIRS: {
    titles: ['公共设施日常维修', '楼道墙面粉刷及声控灯更换', '雨污管网疏通维修', '单元门禁及楼宇对讲维修', '小区道路及停车位破损修补'],
    weight: 9,
    lines: ['更换楼道声控灯', '单元门闭门器维修', '小区道路破损修补', '雨水井疏通', '健身器材维修', '车棚顶棚修补', '供水管道阀门更换', '楼道窗户玻璃更换'],
    activeIn: () => 0.6,
  },
  FIRE_SAFETY: {
    titles: ['消防设施检测维护'], weight: 4, lines: ['灭火器充装更换', '消火栓及水带检测', '消防通道标识更新'],
    activeIn: (m) => (m % 3 === 0 ? 1 : 0.15),
  },
  OFFICE: { titles: ['物业办公及公示耗材'], weight: 2, lines: ['公示栏打印及办公耗材', '收费票据印制'], activeIn: () => 0.4 },
  OTHER: {
    titles: ['邻里活动及便民服务'], weight: 2,
    lines: (m) => (m <= 2 ? ['春节小区环境布置'] : m === 10 ? ['重阳节敬老活动物资'] : ['邻里节活动', '便民服务日物资']),
    activeIn: () => 0.25,
  },
};

/** Always in a plan (ELEVATORS when a building has a lift); the rest are drawn. */
const BASE_ITEMS: ExpenseCategory[] = ['CLEANING', 'SECURITY', 'UTILITIES', 'REPAIRS', 'GREENING'];
const OPTIONAL_ITEMS: ExpenseCategory[] = ['STAFF', 'FIRE_SAFETY', 'OFFICE', 'OTHER', 'REPAIRS'];

const VOTE_KIND_WEIGHTS: [MatterKind, number][] = [
  ['ORDINARY', 38], ['MAINTENANCE_FUND_USE', 24], ['COMMITTEE_ELECTION', 12], ['COMPANY_HIRE_OR_DISMISS', 10],
  ['MAINTENANCE_FUND_RAISE_OR_REPURPOSE', 9], ['REBUILDING', 7],
];

interface VoteText {
  title: string;
  description: string;
}

/** {compound}, {building}, {company}, {seats}, {termEnd}, {amount} are filled in. */
const VOTE_TEXTS: Record<Exclude<MatterKind, 'REBUILDING'>, VoteText[]> & { REBUILDING: VoteText[]; REBUILDING_LIFT: VoteText[] } = {
  ORDINARY: [
    {
      title: '关于{compound}增设电动自行车集中充电设施的表决',
      description: '为消除电动自行车进楼入户充电的消防隐患，业委会提议在小区空地增设集中充电棚一处，建设费用约{amount}元由公共收益列支，充电服务费按每小时0.5元收取，收益纳入公共收益账户并按月公示。',
    },
    {
      title: '关于{compound}2027年度重点计划的表决',
      description: '业委会根据业主意见和物业服务企业建议，拟定2027年度重点计划，包括日常保洁、秩序维护、绿化养护、公共设施维修等事项，年度预算约{amount}元，现提请业主共同决定。',
    },
    {
      title: '关于修订《{compound}停车管理办法》的表决',
      description: '小区车辆增多，乱停乱放影响消防通道畅通。业委会拟修订停车管理办法：施划地面停车位，业主车辆登记后免费停放，外来车辆限时停放，停车管理费纳入公共收益按月公示。',
    },
    {
      title: '关于{compound}生活垃圾分类投放点改造的表决',
      description: '拟将小区现有垃圾桶站改造为带洗手池和雨棚的分类投放点，改造费用约{amount}元由公共收益列支，定时定点投放，物业安排专人值守引导。',
    },
  ],
  MAINTENANCE_FUND_USE: [
    {
      title: '关于使用专项维修资金维修{building}屋面防水的表决',
      description: '{building}顶层住户反映雨季屋面渗漏，经专业机构查勘需整体翻修屋面防水层，预算约{amount}元，拟使用该楼住宅专项维修资金，按建筑面积分摊，工程结束后公示决算。',
    },
    {
      title: '关于使用专项维修资金修复{building}外墙保温层的表决',
      description: '{building}外墙保温层局部空鼓脱落，存在坠落伤人隐患，拟使用住宅专项维修资金约{amount}元进行修复，施工单位通过公开比选确定。',
    },
    {
      title: '关于使用专项维修资金更换{compound}二次供水设备的表决',
      description: '小区二次供水水泵运行超过十五年，故障频发，高层住户用水高峰经常停水。拟使用住宅专项维修资金约{amount}元更换变频供水设备。',
    },
  ],
  MAINTENANCE_FUND_RAISE_OR_REPURPOSE: [
    {
      title: '关于{compound}续筹住宅专项维修资金的表决',
      description: '小区住宅专项维修资金余额已不足首期交存额的30%，依照《住宅专项维修资金管理办法》，拟按每平方米{amount}元续筹。续筹属于筹集建筑物及其附属设施的维修资金，须经参与表决专有部分面积四分之三以上且参与表决人数四分之三以上的业主同意。',
    },
  ],
  REBUILDING: [
    {
      title: '关于{compound}老旧小区综合改造方案的表决',
      description: '{compound}列入老旧小区改造计划，改造方案包括管网更新、屋面及外墙改造、增设停车位和无障碍设施。改造涉及改建建筑物及其附属设施，须经参与表决专有部分面积四分之三以上且参与表决人数四分之三以上的业主同意。',
    },
  ],
  REBUILDING_LIFT: [
    {
      title: '关于{building}加装电梯的表决',
      description: '{building}多位高龄业主提出加装电梯申请。加装电梯属于改建建筑物，方案经规划部门预审，总投资约{amount}元，政府补助后余额按楼层系数分摊，须经参与表决专有部分面积四分之三以上且参与表决人数四分之三以上的业主同意。',
    },
  ],
  COMPANY_HIRE_OR_DISMISS: [
    {
      title: '关于续聘{company}提供物业服务的表决',
      description: '现物业服务合同将于2027年12月31日到期。业委会在征求业主意见、参考季度服务质量考核结果后，提议续聘{company}，合同期限三年，继续实行阳光透明酬金制。',
    },
  ],
  COMMITTEE_ELECTION: [
    {
      title: '{compound}第二届业主委员会换届选举',
      description: '第一届业主委员会任期将于{termEnd}届满。经街道物业管理联席会议审核、社区党委同意，选举第二届业主委员会委员{seats}名。候选人由业主推荐、经资格审查产生，每户一票，所选人数不得多于应选名额。',
    },
  ],
};

const STATEMENTS = {
  party: [
    '退休党员，愿带头参与小区治理，做好业主和物业之间的桥梁。',
    '作为党员，愿意亮身份、作表率，推动小区账目按月公示、接受监督。',
    '在楼栋党小组工作多年，熟悉邻里情况，愿为大家多跑腿、多办事。',
  ],
  other: [
    '在小区居住十余年，愿意为邻居们服务。',
    '从事财务工作多年，将认真审核每月收支，确保账目公开透明。',
    '熟悉建筑工程，可协助监督维修工程的质量和费用。',
    '希望推动停车位和充电设施改造，改善小区居住环境。',
  ],
};

// ---------------------------------------------------------------------------------------
// What the grid seed left

interface Resident {
  id: number;
  householder: boolean;
  party: boolean;
  age: number;
}

interface House {
  id: number;
  floorArea: string;
  /** Floor area in hundredths of a square metre. */
  area: number;
  residents: Resident[];
}

interface Block {
  id: number;
  gridId: number;
  name: string;
  address: string;
  lift: boolean;
  houses: House[];
}

interface Micro {
  id: number;
  districtId: number;
  streetId: number;
  communityId: number;
  parentGridId: number;
  blocks: Block[];
}

interface Level2 {
  id: number;
  communityId: number;
  name: string;
  micros: Micro[];
}

interface Community {
  id: number;
  districtId: number;
  streetId: number;
  name: string;
  region: string;
  level2: Level2[];
}

/** "89.50" m² → 8950 hundredths. */
function hundredths(area: string): number {
  const [whole, fraction = ''] = area.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

async function loadCity(db: Queryable): Promise<Community[]> {
  const regionOf = new Map((await db.select({ id: districts.id, code: districts.code }).from(districts)).map((d) => [d.id, d.code]));
  const communityRows = await db.select({ id: communities.id, districtId: communities.districtId, streetId: communities.streetId, name: communities.name })
    .from(communities).orderBy(asc(communities.id));
  const gridRows = await db.select({
    id: grids.id, districtId: grids.districtId, streetId: grids.streetId, communityId: grids.communityId, parentGridId: grids.parentGridId,
    level: grids.level, name: grids.name,
  }).from(grids).orderBy(asc(grids.id));
  const blockRows = await db.select({ id: buildings.id, gridId: buildings.gridId, name: buildings.name, address: buildings.address, floors: buildings.floors })
    .from(buildings).orderBy(asc(buildings.id));
  const houseRows = await db.select({ id: households.id, buildingId: households.buildingId, floorArea: households.floorArea })
    .from(households).orderBy(asc(households.id));
  const residentRows = await db.select({
    id: residents.id, householdId: residents.householdId, householder: residents.householder, tags: residents.tags, birthDate: residents.birthDate,
  }).from(residents).orderBy(asc(residents.id));

  const byCommunity = new Map<number, Community>();
  const result = communityRows.map((c) => {
    const community: Community = { ...c, region: regionOf.get(c.districtId) ?? '371602', level2: [] };
    byCommunity.set(c.id, community);
    return community;
  });
  const level2ById = new Map<number, Level2>();
  const microById = new Map<number, Micro>();
  for (const g of gridRows) {
    if (g.level === 'LEVEL_2') {
      const level2: Level2 = { id: g.id, communityId: g.communityId, name: g.name, micros: [] };
      level2ById.set(g.id, level2);
      byCommunity.get(g.communityId)?.level2.push(level2);
    }
  }
  for (const g of gridRows) {
    if (g.level === 'MICRO' && g.parentGridId !== null && level2ById.has(g.parentGridId)) {
      const micro: Micro = { ...g, parentGridId: g.parentGridId, blocks: [] };
      microById.set(g.id, micro);
      level2ById.get(g.parentGridId)!.micros.push(micro);
    }
  }
  const blockById = new Map<number, Block>();
  for (const b of blockRows) {
    // Lifts: buildings of eight floors and more (the grid seed gives them one or two units).
    const block: Block = { id: b.id, gridId: b.gridId, name: b.name, address: b.address, lift: (b.floors ?? 0) >= 8, houses: [] };
    blockById.set(b.id, block);
    microById.get(b.gridId)?.blocks.push(block);
  }
  const houseById = new Map<number, House>();
  for (const h of houseRows) {
    const house: House = { id: h.id, floorArea: h.floorArea, area: hundredths(h.floorArea), residents: [] };
    houseById.set(h.id, house);
    blockById.get(h.buildingId)?.houses.push(house);
  }
  for (const r of residentRows) {
    houseById.get(r.householdId)?.residents.push({
      id: r.id, householder: r.householder, party: r.tags.includes('PARTY_MEMBER'), age: ageOn(r.birthDate),
    });
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// Helpers

/** The calendar day in China of an instant. */
function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}

/** A whole number of yuan, as wording: 126000 → "12.6万", 8400 → "8400". */
function yuanWords(yuan: number): string {
  return yuan >= 10_000 ? `${(Math.round(yuan / 1000) / 10).toString()}万` : String(yuan);
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The check character of a 9-character organisation code (GB 11714), from its first 8. */
function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) {
    const c = first8[i];
    sum += (c >= '0' && c <= '9' ? Number(c) : c.charCodeAt(0) - 55) * ORG_WEIGHTS[i];
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** A unified social credit code (GB 32100) of an enterprise (91) registered in `region`. */
function creditCode(rng: Random, region: string): string {
  let org = 'MA';
  for (let i = 0; i < 6; i += 1) org += CREDIT_CHARS[rng.int(0, CREDIT_CHARS.length - 1)];
  const first17 = `91${region}${org}${orgCodeCheckChar(org)}`;
  return first17 + creditCodeCheckChar(first17);
}

// ---------------------------------------------------------------------------------------
// The compounds and their money

interface Site {
  row: CompoundRow;
  community: Community;
  blocks: Block[];
  houses: House[];
  /** Hundredths of a square metre. */
  area: number;
  lift: boolean;
  /** Property fee, fen per m² and month. */
  price: number;
  parkingSpaces: number;
  parkingFee: number;
  advertising: number;
  venue: { description: string; amount: number } | null;
  contract: ContractRow;
  committee: CommitteeRow;
  voteKind: MatterKind;
  plans: Map<number, { plan: PlanRow; items: PlanItemRow[] }>;
}

interface LineDraft {
  kind: 'INCOME' | 'EXPENSE';
  incomeCategory: IncomeCategory | null;
  expenseCategory: ExpenseCategory | null;
  planItemId: number | null;
  description: string;
  amountFen: number;
}

interface MonthDraft {
  month: Month;
  opening: number;
  income: number;
  remuneration: number;
  expenses: number;
  closing: number;
  lines: LineDraft[];
  row?: LedgerMonthRow;
  lineRows?: LedgerLineRow[];
}

function linesOf(category: ExpenseCategory, month: number): string[] {
  const lines = ITEM_KINDS[category].lines;
  return typeof lines === 'function' ? lines(month) : lines;
}

/** The expected property-fee income of a month at full collection, fen. */
function fullFee(site: Pick<Site, 'area' | 'price'>): number {
  return Math.round((site.area * site.price) / 100);
}

function drawPlan(rng: Random, ids: Ids, site: Site, year: number, monthlyBudget: number): { plan: PlanRow; items: PlanItemRow[] } {
  const plan: PlanRow = { id: ids.next('annualPlans'), compoundId: site.row.id, year, passedInVoteId: null, ...stamps };
  const chosen: ExpenseCategory[] = [...BASE_ITEMS, ...(site.lift ? ['ELEVATORS' as const] : [])];
  const count = rng.int(6, 9);
  for (const extra of rng.sample(OPTIONAL_ITEMS, OPTIONAL_ITEMS.length)) {
    if (chosen.length >= count) break;
    chosen.push(extra);
  }
  const yearly = monthlyBudget * 12 * uniform(rng, 0.95, 1.08);
  const total = chosen.reduce((s, c) => s + ITEM_KINDS[c].weight, 0);
  const titles = new Set<string>();
  const items = chosen.map((category) => {
    const kind = ITEM_KINDS[category];
    let title = titles.has(kind.titles[0]) ? rng.pick(kind.titles.slice(1)) : kind.titles[0];
    if (titles.has(title)) title = kind.titles.find((t) => !titles.has(t))!;
    titles.add(title);
    // Budgets in hundreds of yuan.
    const budgetFen = Math.max(10_000, Math.round((yearly * kind.weight) / total / 10_000) * 10_000);
    return { id: ids.next('planItems'), planId: plan.id, category, title, budgetFen };
  });
  return { plan, items };
}

/** One month: income lines, the remuneration by the contract's rule, expenses on the year's plan, the balance. */
function drawMonth(rng: Random, site: Site, month: Month, opening: number): MonthDraft {
  const m = Number(month.label.slice(5, 7));
  const lines: LineDraft[] = [];
  const income = (category: IncomeCategory, description: string, amountFen: number) => {
    if (amountFen > 0) lines.push({ kind: 'INCOME', incomeCategory: category, expenseCategory: null, planItemId: null, description, amountFen });
  };
  // Arrears are chased at the year's end: collection is best in December and January.
  const permille = m === 12 || m === 1 ? rng.int(930, 995) : rng.int(820, 975);
  income('PROPERTY_FEE', `${m}月物业服务费（${fenToYuan(site.price)}元/㎡·月，收缴率${Math.floor(permille / 10)}.${permille % 10}%）`,
    Math.round((fullFee(site) * permille) / 1000));
  if (site.parkingSpaces > 0) {
    const rented = Math.max(1, Math.round(site.parkingSpaces * uniform(rng, 0.8, 1)));
    income('PARKING', `${m}月地面停车位管理费（${rented}个车位）`, rented * site.parkingFee);
  }
  if (site.advertising > 0) income('ADVERTISING', `${m}月电梯广告位收入`, site.advertising);
  if (site.venue) income('VENUE_RENTAL', `${m}月${site.venue.description}`, site.venue.amount);
  if (rng.chance(0.15)) income('OTHER_INCOME', `${m}月废品回收收入`, rng.int(50, 300) * 100 + rng.int(0, 9) * 10);
  if (m === 12) income('OTHER_INCOME', '公共收益账户年度存款利息', rng.int(2_000, 20_000));

  const incomeFen = lines.reduce((s, l) => s + l.amountFen, 0);
  const feeIncomeFen = lines.filter((l) => l.incomeCategory === 'PROPERTY_FEE').reduce((s, l) => s + l.amountFen, 0);
  const remuneration = remunerationFen(ruleOf(site.contract), feeIncomeFen);
  const net = incomeFen - remuneration;

  // Spend most of the month's money on the plan; now and then a larger repair from the balance.
  const { items } = site.plans.get(month.year)!;
  let target = Math.round(net * uniform(rng, 0.78, 0.97));
  const bigRepair = opening > net && rng.chance(0.15) ? Math.round(opening * uniform(rng, 0.2, 0.5)) : 0;
  target = Math.max(0, Math.min(target + bigRepair, opening + net));
  const active = items.filter((it) => it.category === 'CLEANING' || rng.chance(ITEM_KINDS[it.category].activeIn(m)));
  const weights = active.map((it) => it.budgetFen * uniform(rng, 0.7, 1.3));
  const weightTotal = weights.reduce((s, w) => s + w, 0);
  const expenses: LineDraft[] = [];
  let left = target - bigRepair;
  active.forEach((item, i) => {
    const amount = i === active.length - 1 ? left : Math.floor(((target - bigRepair) * weights[i]) / weightTotal);
    left -= amount;
    if (amount < 100) {
      // Too small for a line of its own: the next line takes it (the last one keeps the rest).
      left += amount;
      return;
    }
    expenses.push({
      kind: 'EXPENSE', incomeCategory: null, expenseCategory: item.category, planItemId: item.id,
      description: `${rng.pick(linesOf(item.category, m))}（${m}月）`, amountFen: amount,
    });
  });
  if (left > 0 && expenses.length > 0) expenses[expenses.length - 1].amountFen += left;
  if (bigRepair > 0) {
    const repairs = items.filter((it) => it.category === 'REPAIRS');
    const item = repairs[repairs.length - 1];
    expenses.push({
      kind: 'EXPENSE', incomeCategory: null, expenseCategory: 'REPAIRS', planItemId: item.id,
      description: `${item.title}工程款（${m}月）`, amountFen: bigRepair,
    });
  }
  lines.push(...expenses);
  const expensesFen = expenses.reduce((s, l) => s + l.amountFen, 0);
  const closing = expectedClosingFen({ openingFen: opening, incomeFen, remunerationFen: remuneration, expensesFen });
  return { month, opening, income: incomeFen, remuneration, expenses: expensesFen, closing, lines };
}

// ---------------------------------------------------------------------------------------
// Disclosures

interface Version {
  site: Site;
  draft: MonthDraft;
  version: number;
  reason: string | null;
  publishedAt: Date;
}

/** A correction: one expense line first published under the wrong plan item, then moved to the right one. */
interface Correction {
  site: Site;
  draft: MonthDraft;
  /** Index in draft.lines. */
  line: number;
  wrong: PlanItemRow;
  right: PlanItemRow;
}

function committeeViewer(site: Site): Viewer {
  return { subject: `committee-${site.row.id}`, role: Role.OWNERS_COMMITTEE, unit: { type: 'Compound', key: site.row.id } };
}

interface Chain {
  versions: Version[];
  previousHash: string | null;
  rows: Omit<DisclosureRow, 'id'>[];
}

/**
 * Builds each compound's chain in publication order, with the service's own content builder
 * and hash over the rows in memory. A correction's version sees its line moved to the right
 * plan item; the versions before it see the line as first published.
 */
function buildChains(chains: Chain[], correctionOf: Map<MonthDraft, Correction>, companyById: Map<number, CompanyRow>): void {
  for (const chain of chains) {
    for (const v of chain.versions) {
      const correction = v.version > 1 ? correctionOf.get(v.draft) : undefined;
      const corrected = correction ? v.draft.lineRows![correction.line].id : null;
      const lines = v.draft.lineRows!.map((l) => (l.id === corrected ? { ...l, expenseCategory: correction!.right.category, planItemId: correction!.right.id } : l));
      const items = [...v.site.plans.values()].flatMap(({ plan, items: planned }) => planned.map((it) => ({ ...it, year: plan.year })));
      const viewer = committeeViewer(v.site);
      const content = buildContent({
        compound: v.site.row, month: v.draft.month, row: v.draft.row!, contract: v.site.contract,
        company: companyById.get(v.site.contract.companyId)!, lines, items, version: v.version, reason: v.reason,
        previousHash: chain.previousHash, publishedAt: v.publishedAt, publishedBy: { subject: viewer.subject!, role: viewer.role! },
      });
      const contentHash = contentHashOf(content);
      chain.rows.push({
        compoundId: v.site.row.id, month: v.draft.month.start, version: v.version, correctionReason: v.reason, content,
        contentHash, previousHash: chain.previousHash, publishedBy: viewer.subject!, publishedAt: v.publishedAt,
      });
      chain.previousHash = contentHash;
    }
  }
}

// ---------------------------------------------------------------------------------------
// The seed

export async function seedProperty(db: Queryable, options: PropertySeedOptions): Promise<PropertySeedSummary> {
  const scale = options.scale;
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`The seed scale must be a positive number, got ${scale}`);
  return inTransaction(db, (tx) => seed(tx));
}

async function seed(tx: Tx): Promise<PropertySeedSummary> {
  const rng = new Random(PRNG_SEED);
  const ids = new Ids();
  const city = await loadCity(tx);
  if (!city.some((c) => c.level2.some((l) => l.micros.some((m) => m.blocks.length > 0)))) {
    throw new Error('The property seed needs the grid seed first: no micro grid with buildings.');
  }

  // Party organisations, and the open courtyards: in each street, the last level-2 grid of its last community.
  const lastCommunityOfStreet = new Map<number, Community>();
  for (const c of city) lastCommunityOfStreet.set(c.streetId, c);
  const courtyards = new Set([...lastCommunityOfStreet.values()].map((c) => c.level2.at(-1)?.id).filter((id): id is number => id !== undefined));

  const partyRows: PartyOrganisationRow[] = [];
  const branchOf = new Map<number, number>();
  const org = (row: Omit<PartyOrganisationRow, 'id' | 'createdAt' | 'updatedAt'>) => {
    const id = ids.next('partyOrganisations');
    partyRows.push({ id, ...row, ...stamps });
    return id;
  };
  const compoundNameOf = (address: string) => /社区(.+?小区)/.exec(address)?.[1] ?? '小区';
  for (const c of city) {
    const place = { districtId: c.districtId, streetId: c.streetId, communityId: c.id };
    const committeeId = org({ ...place, gridId: null, buildingId: null, parentId: null, kind: 'COMMUNITY_COMMITTEE', name: `${c.name}党委` });
    for (const l2 of c.level2) {
      const branchId = org({ ...place, gridId: l2.id, buildingId: null, parentId: committeeId, kind: 'GRID_BRANCH', name: `${l2.name}党支部` });
      branchOf.set(l2.id, branchId);
      for (const micro of l2.micros) {
        for (const b of micro.blocks) {
          // 楼栋党小组 where party members live, about one building in three.
          if (b.houses.some((h) => h.residents.some((r) => r.party)) && rng.chance(0.45)) {
            org({ ...place, gridId: micro.id, buildingId: b.id, parentId: branchId, kind: 'BUILDING_GROUP', name: `${compoundNameOf(b.address)}${b.name}党小组` });
          }
        }
      }
    }
  }

  // Compounds: one per micro grid with buildings, outside the open courtyards.
  const sites: Site[] = [];
  for (const c of city) {
    for (const l2 of c.level2) {
      if (courtyards.has(l2.id)) continue;
      for (const micro of l2.micros) {
        if (micro.blocks.length === 0) continue;
        const first = micro.blocks[0];
        const houses = micro.blocks.flatMap((b) => b.houses);
        if (houses.length === 0) continue;
        const row: CompoundRow = {
          id: ids.next('compounds'), districtId: micro.districtId, streetId: micro.streetId, communityId: micro.communityId, gridId: micro.id,
          name: compoundNameOf(first.address), address: first.address.slice(0, first.address.length - first.name.length),
          partyOrganisationId: branchOf.get(l2.id) ?? null, ...stamps,
        };
        const lift = micro.blocks.some((b) => b.lift);
        const area = houses.reduce((s, h) => s + h.area, 0);
        const spaces = rng.chance(0.65) ? Math.max(3, Math.round(houses.length * uniform(rng, 0.2, 0.5))) : 0;
        sites.push({
          row, community: c, blocks: micro.blocks, houses, area, lift,
          price: lift ? rng.pick([130, 140, 150]) : rng.pick([100, 110, 120]),
          parkingSpaces: spaces, parkingFee: rng.pick([6_000, 8_000, 10_000]),
          advertising: lift && rng.chance(0.6) ? micro.blocks.filter((b) => b.lift).length * rng.pick([15_000, 20_000, 30_000]) : 0,
          venue: rng.chance(0.4) ? { description: rng.pick(['快递柜场地租金', '充电桩场地使用费', '自动售水机场地费']), amount: rng.int(2, 6) * 10_000 } : null,
          contract: undefined as never, committee: undefined as never, voteKind: 'ORDINARY', plans: new Map(),
        });
      }
    }
  }

  // Property companies: about one per eight compounds, each serving a run of neighbouring compounds.
  const companyCount = Math.max(3, Math.round(sites.length / 8));
  const companyRows: CompanyRow[] = [];
  const names = new Set<string>();
  const codes = new Set<string>(['91371602MA3C00001' + creditCodeCheckChar('91371602MA3C00001')]);
  for (let i = 0; i < companyCount; i += 1) {
    const home = sites[Math.min(sites.length - 1, Math.floor((i * sites.length) / companyCount))].community;
    const cityName = CITY_OF_REGION[home.region.slice(0, 4)] ?? '滨州';
    let name = `${cityName}${rng.pick(COMPANY_BRANDS)}${rng.pick(COMPANY_SUFFIXES)}`;
    while (names.has(name)) name = `${cityName}${rng.pick(COMPANY_BRANDS)}${rng.pick(COMPANY_BRANDS)}${rng.pick(COMPANY_SUFFIXES)}`;
    names.add(name);
    let code = creditCode(rng, home.region);
    while (codes.has(code)) code = creditCode(rng, home.region);
    codes.add(code);
    const phone = `0543-${rng.int(2, 8)}${String(rng.int(0, 999_999)).padStart(6, '0')}`;
    companyRows.push({ id: ids.next('propertyCompanies'), name, creditCode: code, phone, ...stamps });
  }

  // Contracts: every compound one current contract; about one in five had another company before.
  const contractRows: ContractRow[] = [];
  const rule = (site: Site): Pick<ContractRow, 'remunerationKind' | 'remunerationBasisPoints' | 'remunerationMonthlyFen'> => (rng.chance(0.5)
    ? { remunerationKind: 'PERCENTAGE_OF_INCOME', remunerationBasisPoints: rng.int(16, 30) * 50, remunerationMonthlyFen: null }
    : { remunerationKind: 'FIXED_MONTHLY', remunerationBasisPoints: null, remunerationMonthlyFen: Math.max(10_000, Math.round((fullFee(site) * uniform(rng, 0.08, 0.15)) / 1000) * 1000) });
  sites.forEach((site, i) => {
    let companyIndex = Math.floor((i * companyCount) / sites.length);
    if (rng.chance(0.15)) companyIndex = rng.int(0, companyCount - 1);
    const company = companyRows[companyIndex];
    if (rng.chance(0.2)) {
      const before = companyRows[(companyIndex + rng.int(1, companyCount - 1)) % companyCount];
      contractRows.push({ id: ids.next('propertyContracts'), compoundId: site.row.id, companyId: before.id, ...OLD_CONTRACT, ...rule(site), ...stamps });
    }
    site.contract = { id: ids.next('propertyContracts'), compoundId: site.row.id, companyId: company.id, ...CONTRACT, ...rule(site), ...stamps };
    contractRows.push(site.contract);
  });

  // The open vote's kind: every kind somewhere; elections only where enough householders stand.
  const householdersOf = (site: Site) => site.houses.flatMap((h) => h.residents.filter((r) => r.householder));
  const electable = (site: Site) => householdersOf(site).length >= 6;
  const kindTotal = VOTE_KIND_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  for (const site of sites) {
    let kind = rng.weighted(VOTE_KIND_WEIGHTS, kindTotal);
    while (kind === 'COMMITTEE_ELECTION' && !electable(site)) kind = rng.weighted(VOTE_KIND_WEIGHTS, kindTotal);
    site.voteKind = kind;
  }
  for (const [kind] of VOTE_KIND_WEIGHTS) {
    const want = kind === 'COMMITTEE_ELECTION' ? 2 : 1;
    let have = sites.filter((s) => s.voteKind === kind).length;
    for (const site of rng.sample(sites.filter((s) => s.voteKind === 'ORDINARY' && electable(s)), want)) {
      if (have >= want) break;
      site.voteKind = kind;
      have += 1;
    }
  }

  // Owners' committees: the current term; where the open vote is its re-election, a term that ends as the vote closes.
  const committeeRows: CommitteeRow[] = [];
  const memberRows: MemberRow[] = [];
  for (const site of sites) {
    const from = site.voteKind === 'COMMITTEE_ELECTION' ? EXPIRING_TERM_FROM : CURRENT_TERM_FROM;
    site.committee = { id: ids.next('ownersCommittees'), compoundId: site.row.id, ...committeeTerm(dateBetween(rng, from[0], from[1])), electedInVoteId: null, ...stamps };
    committeeRows.push(site.committee);
    const everyone = site.houses.flatMap((h) => h.residents);
    let pool = rng.sample(everyone.filter((r) => r.age >= 25 && r.age <= 75), everyone.length);
    if (pool.length < 5) pool = rng.sample(everyone.filter((r) => r.age >= 18), everyone.length);
    const size = Math.min(rng.weighted([[5, 40], [6, 25], [7, 35]] as const), pool.length);
    // Party members are encouraged to stand (004: 85.7%): all of them, up to all seats but one; then householders.
    const party = pool.filter((r) => r.party).sort((a, b) => Number(b.householder) - Number(a.householder)).slice(0, size - 1);
    const others = pool.filter((r) => !r.party).sort((a, b) => Number(b.householder) - Number(a.householder));
    const members = [...party, ...others].slice(0, size);
    const vices = size >= 6 ? rng.int(1, 2) : 1;
    members.forEach((r, i) => {
      memberRows.push({
        id: ids.next('committeeMembers'), committeeId: site.committee.id, residentId: r.id,
        role: i === 0 ? 'CHAIR' : i <= vices ? 'VICE_CHAIR' : 'MEMBER', partyMember: r.party, ...stamps,
      });
    });
  }

  // Plans for 2025 and 2026, budgeted on what the compound takes in.
  const planRows: PlanRow[] = [];
  const itemRows: PlanItemRow[] = [];
  for (const site of sites) {
    const fee = Math.round(fullFee(site) * 0.9);
    const other = site.parkingSpaces * site.parkingFee * 0.9 + site.advertising + (site.venue?.amount ?? 0);
    const monthly = Math.round((fee + other - remunerationFen(ruleOf(site.contract), fee)) * 0.9);
    for (const year of PLAN_YEARS) {
      const drawn = drawPlan(rng, ids, site, year, monthly);
      site.plans.set(year, drawn);
      planRows.push(drawn.plan);
      itemRows.push(...drawn.items);
    }
  }

  // The ledger: twelve months in order; the first opens at 0, like a compound's first month in the service.
  const months = Array.from({ length: MONTHS }, (_, i) => monthOfStart(addMonths(FIRST_MONTH, i)));
  const drafts = new Map<Site, MonthDraft[]>();
  for (const site of sites) {
    let opening = 0;
    drafts.set(site, months.map((month) => {
      const draft = drawMonth(rng, site, month, opening);
      opening = draft.closing;
      return draft;
    }));
  }

  // Corrections (about one compound in twenty): an expense line published under the wrong item of the plan, moved later.
  // The amounts stay, so no balance changes and the months after it still carry forward what they did.
  const corrections: Correction[] = [];
  for (const site of rng.sample(sites, Math.max(1, Math.round(sites.length * 0.05)))) {
    const candidates = drafts.get(site)!.slice(0, 10).flatMap((draft) => draft.lines.flatMap((l, line) => {
      if (l.kind !== 'EXPENSE') return [];
      const items = site.plans.get(draft.month.year)!.items;
      const right = items.find((it) => it.id === l.planItemId)!;
      const wrong = items.filter((it) => it.category !== right.category);
      return wrong.length ? [{ site, draft, line, right, wrong }] : [];
    }));
    if (candidates.length === 0) continue;
    const pick = rng.pick(candidates);
    corrections.push({ site, draft: pick.draft, line: pick.line, right: pick.right, wrong: rng.pick(pick.wrong) });
  }
  const correctionOf = new Map(corrections.map((c) => [c.draft, c]));

  // Ids month by month, as if entered live; a corrected line goes in as first published.
  const monthRows: LedgerMonthRow[] = [];
  const lineRows: LedgerLineRow[] = [];
  for (let i = 0; i < MONTHS; i += 1) {
    for (const site of sites) {
      const d = drafts.get(site)![i];
      d.row = {
        id: ids.next('ledgerMonths'), compoundId: site.row.id, month: d.month.start, contractId: site.contract.id,
        openingBalanceFen: d.opening, incomeFen: d.income, remunerationFen: d.remuneration, expensesFen: d.expenses,
        closingBalanceFen: d.closing, status: 'PUBLISHED', ...stamps,
      };
      monthRows.push(d.row);
      const correction = correctionOf.get(d);
      d.lineRows = d.lines.map((l, k) => ({
        id: ids.next('ledgerLines'), ledgerMonthId: d.row!.id, ...l,
        ...(correction?.line === k ? { expenseCategory: correction.wrong.category, planItemId: correction.wrong.id } : {}),
      }));
      lineRows.push(...d.lineRows);
    }
  }

  // Publication times: a few days after each month (the last one on its last evening, before the reference date).
  const chains = sites.map((site): Chain => {
    const versions: Version[] = drafts.get(site)!.map((draft, i) => {
      const publishedAt = i === MONTHS - 1
        ? chinaTime(draft.month.end, rng.int(16, 20), rng.int(0, 59))
        : chinaTime(addDays(draft.month.end, rng.int(2, 7)), rng.int(9, 17), rng.int(0, 59));
      return { site, draft, version: 1, reason: null, publishedAt };
    });
    return { versions, previousHash: null, rows: [] };
  });
  const chainOf = new Map(sites.map((s, i) => [s, chains[i]]));
  for (const c of corrections) {
    const chain = chainOf.get(c.site)!;
    const first = chain.versions.find((v) => v.draft === c.draft)!;
    let at = chinaTime(addDays(chinaDay(first.publishedAt), rng.int(10, 40)), rng.int(9, 17), rng.int(0, 59));
    while (chain.versions.some((v) => v.publishedAt.getTime() === at.getTime())) at = new Date(at.getTime() + 60_000);
    const expenseNo = c.draft.lines.slice(0, c.line + 1).filter((l) => l.kind === 'EXPENSE').length;
    const line = c.draft.lines[c.line];
    chain.versions.push({
      site: c.site, draft: c.draft, version: 2, publishedAt: at,
      reason: `第${expenseNo}笔支出“${line.description}”（${fenToYuan(line.amountFen)}元）误记入计划项目“${c.wrong.title}”，应列入“${c.right.title}”，现更正科目，金额不变。`,
    });
    chain.versions.sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime());
  }

  // Ballots and the rest are drawn before the database work, so that the draws do not depend on it.
  const votes = drawVotes(rng, ids, sites, companyRows);
  const appraisals = drawAppraisals(rng, ids, sites, companyRows);

  // Write: organisations, compounds with their buildings and households, the triad, plans and ledger.
  await insertChunks(tx, partyOrganisations, partyRows);
  await insertChunks(tx, compounds, sites.map((s) => s.row));
  await tx.execute(sql`update ${buildings} b set compound_id = c.id from ${compounds} c where c.grid_id = b.grid_id`);
  await tx.execute(sql`update ${households} h set compound_id = b.compound_id from ${buildings} b where b.id = h.building_id and b.compound_id is not null`);
  await insertChunks(tx, propertyCompanies, companyRows);
  await insertChunks(tx, propertyContracts, contractRows);
  await insertChunks(tx, ownersCommittees, committeeRows);
  await insertChunks(tx, committeeMembers, memberRows);
  await insertChunks(tx, annualPlans, planRows);
  await insertChunks(tx, planItems, itemRows);
  await insertChunks(tx, ledgerMonths, monthRows);
  await insertChunks(tx, ledgerLines, lineRows);

  // The disclosures, built in memory by the service's own content builder; the ledger then holds the corrected lines.
  buildChains(chains, correctionOf, new Map(companyRows.map((c) => [c.id, c])));
  for (const c of corrections) {
    const line = c.draft.lineRows![c.line];
    await tx.update(ledgerLines).set({ expenseCategory: c.right.category, planItemId: c.right.id }).where(eq(ledgerLines.id, line.id));
  }
  const disclosureRows: DisclosureRow[] = chains.flatMap((c) => c.rows)
    .sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime() || a.compoundId - b.compoundId)
    .map((row) => ({ id: ids.next('disclosures'), ...row }));
  await insertChunks(tx, disclosures, disclosureRows);

  await insertChunks(tx, ownerVotes, votes.votes);
  await insertChunks(tx, voteCandidates, votes.candidates);
  await insertChunks(tx, ballots, votes.ballots);
  await insertChunks(tx, serviceAppraisals, appraisals.appraisals);
  await insertChunks(tx, residentScores, appraisals.scores);

  const tables: PgTable[] = [
    partyOrganisations, compounds, propertyCompanies, propertyContracts, ownersCommittees, committeeMembers, annualPlans, planItems,
    ledgerMonths, ledgerLines, disclosures, ownerVotes, voteCandidates, serviceAppraisals,
  ];
  await advanceSequences(tx, tables);
  return {
    partyOrganisations: partyRows.length,
    compounds: sites.length,
    propertyCompanies: companyRows.length,
    propertyContracts: contractRows.length,
    ownersCommittees: committeeRows.length,
    committeeMembers: memberRows.length,
    annualPlans: planRows.length,
    planItems: itemRows.length,
    ledgerMonths: monthRows.length,
    ledgerLines: lineRows.length,
    disclosures: disclosureRows.length,
    ownerVotes: votes.votes.length,
    voteCandidates: votes.candidates.length,
    ballots: votes.ballots.length,
    serviceAppraisals: appraisals.appraisals.length,
    residentScores: appraisals.scores.length,
  };
}

/** `2025-11-01` plus n months. */
function addMonths(start: string, n: number): string {
  const [y, m] = start.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}-01`;
}

/**
 * One open vote per compound. The eligible area and owners are the compound's households,
 * as `openOwnerVote` snapshots them; 30–70% of the households have cast a ballot weighted by
 * their floor area, mostly for.
 */
function drawVotes(rng: Random, ids: Ids, sites: Site[], companies: CompanyRow[]): { votes: VoteRow[]; candidates: CandidateRow[]; ballots: BallotRow[] } {
  const votes: VoteRow[] = [];
  const candidates: CandidateRow[] = [];
  const ballotRows: BallotRow[] = [];
  const forShare: Record<MatterKind, number> = {
    ORDINARY: 0.82, MAINTENANCE_FUND_USE: 0.84, MAINTENANCE_FUND_RAISE_OR_REPURPOSE: 0.7, REBUILDING: 0.74, COMMITTEE_ELECTION: 1, COMPANY_HIRE_OR_DISMISS: 0.78,
  };
  for (const site of sites) {
    const kind = site.voteKind;
    const liftless = site.blocks.filter((b) => !b.lift);
    const building = kind === 'REBUILDING' && liftless.length ? rng.pick(liftless) : rng.pick(site.blocks);
    const texts = kind === 'REBUILDING' && liftless.length ? VOTE_TEXTS.REBUILDING_LIFT : VOTE_TEXTS[kind];
    const text = rng.pick(texts);
    const householders = site.houses.flatMap((h) => h.residents.filter((r) => r.householder));
    const election = kind === 'COMMITTEE_ELECTION';
    const seats = election ? (householders.length >= 15 && rng.chance(0.4) ? 7 : 5) : null;
    const areaM2 = Math.round(site.area / 100);
    const amount = kind === 'MAINTENANCE_FUND_RAISE_OR_REPURPOSE' ? String(rng.pick([20, 25, 30]))
      : yuanWords(kind === 'REBUILDING' ? rng.int(45, 70) * 10_000 : Math.max(8_000, Math.round((areaM2 * rng.int(15, 40)) / 1000) * 1000));
    const values = {
      compound: site.row.name, building: `${site.row.name}${building.name}`, amount, seats: String(seats ?? ''),
      termEnd: `${site.committee.termEndsOn.slice(0, 4)}年${Number(site.committee.termEndsOn.slice(5, 7))}月${Number(site.committee.termEndsOn.slice(8))}日`,
      company: companies.find((c) => c.id === site.contract.companyId)!.name,
    };
    const vote: VoteRow = {
      id: ids.next('ownerVotes'), compoundId: site.row.id, kind, title: fill(text.title, values), description: fill(text.description, values),
      opensAt: SEED_TIMESTAMP, closesAt: VOTE_CLOSES_AT, status: 'OPEN',
      eligibleArea: sumAreas(site.houses.map((h) => h.floorArea)), eligibleOwners: site.houses.length,
      seats, outcome: null, closedAt: null, ...stamps,
    };
    votes.push(vote);

    // Candidates: householders, party members first, then others; a few more than the seats.
    let standing: { id: number; party: boolean }[] = [];
    if (election) {
      const shuffled = rng.sample(householders.filter((r) => r.age >= 25 && r.age <= 75), householders.length);
      const pool = shuffled.length >= seats! + 1 ? shuffled : rng.sample(householders, householders.length);
      const count = Math.min(pool.length, seats! + rng.int(1, 2));
      const chosen = [...pool.filter((r) => r.party), ...pool.filter((r) => !r.party)].slice(0, count);
      standing = chosen.map((r) => {
        const row: CandidateRow = {
          id: ids.next('voteCandidates'), voteId: vote.id, residentId: r.id, partyMember: r.party,
          statement: rng.chance(0.85) ? rng.pick(r.party ? STATEMENTS.party : STATEMENTS.other) : null,
        };
        candidates.push(row);
        return { id: row.id, party: r.party };
      });
    }

    const turnout = uniform(rng, 0.3, 0.7);
    const voters = rng.sample(site.houses, Math.max(1, Math.round(site.houses.length * turnout))).sort((a, b) => a.id - b.id);
    for (const house of voters) {
      let choice: BallotRow['choice'] = null;
      let candidateIds: number[] = [];
      if (election) {
        // Most fill every seat; party members and the first names on the list are chosen more often.
        const k = rng.chance(0.75) ? seats! : rng.int(1, seats!);
        const weighted = standing.map((c, i) => ({ id: c.id, key: rng.next() ** (1 / ((c.party ? 3 : 2) + (standing.length - i) * 0.1)) }));
        candidateIds = weighted.sort((a, b) => b.key - a.key).slice(0, k).map((c) => c.id).sort((a, b) => a - b);
      } else {
        const r = rng.next();
        choice = r < forShare[kind] ? 'FOR' : r < forShare[kind] + (1 - forShare[kind]) * 0.6 ? 'AGAINST' : 'ABSTAIN';
      }
      ballotRows.push({ voteId: vote.id, householdId: house.id, choice, candidateIds, area: house.floorArea, castBy: `resident-${house.id}`, ...stamps });
    }
  }
  return { votes, candidates, ballots: ballotRows };
}

/** 2026-Q2 and Q3: the committee's and the branch's scores, and one from about a fifth of the households. */
function drawAppraisals(rng: Random, ids: Ids, sites: Site[], companies: CompanyRow[]): { appraisals: AppraisalRow[]; scores: ResidentScoreRow[] } {
  const quality = new Map(companies.map((c) => [c.id, uniform(rng, 78, 93)]));
  const appraisals: AppraisalRow[] = [];
  const scores: ResidentScoreRow[] = [];
  const score = (mean: number, spread: number) => Math.max(40, Math.min(100, Math.round((mean + uniform(rng, -spread, spread)) * 2) / 2));
  for (const quarter of APPRAISAL_QUARTERS) {
    for (const site of sites) {
      const mean = quality.get(site.contract.companyId)!;
      const row: AppraisalRow = {
        id: ids.next('serviceAppraisals'), compoundId: site.row.id, contractId: site.contract.id, quarter,
        committeeScore: score(mean, 6).toFixed(2), branchScore: score(mean + 2, 5).toFixed(2),
        committeeWeight: 40, residentWeight: 40, branchWeight: 20, ...stamps,
      };
      appraisals.push(row);
      const scorers = rng.sample(site.houses, Math.max(1, Math.round(site.houses.length * uniform(rng, 0.15, 0.25)))).sort((a, b) => a.id - b.id);
      for (const house of scorers) {
        const s = rng.chance(0.06) ? rng.int(30, 60) : Math.round(score(mean, 12));
        scores.push({ appraisalId: row.id, householdId: house.id, score: s, givenBy: `resident-${house.id}`, ...stamps });
      }
    }
  }
  return { appraisals, scores };
}
