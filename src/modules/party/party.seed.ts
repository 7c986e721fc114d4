/**
 * The demo city's party members and what they do (DOMAIN.md §3, issue 5 point 9): every
 * resident tagged PARTY_MEMBER on the register, placed in their grid and organised in their
 * building group or else their grid branch; about ten reporting units per street (organs,
 * schools, hospitals, enterprises) with their in-service members (在职党员), all reporting
 * in (双报到) to a community, grid or building; each community's three lists (needs,
 * resources, projects); a year of participations; and the public commitments (挂牌承诺)
 * with the judgements of the households of their buildings.
 *
 * Runs after the grid and property seeds (whose party organisation tree it places members
 * in). Like them it is deterministic (an own PRNG and faker seed, the same reference date,
 * fixed created_at / updated_at), assigns the ids itself, inserts in chunks and moves the
 * id sequences past them. Seeded history writes no outbox rows. Expects empty party tables
 * but for the organisations.
 */
import { Faker, base, zh_CN } from '@faker-js/faker';
import { asc } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { chinaDate } from '../../calendar';
import type { Queryable } from '../../db/client';
import { ageOn, chinaTime, dateBetween, Ids, uniform } from '../../seed/helpers';
import { PeopleFactory } from '../../seed/people';
import { advanceSequences, insertChunks, Random, SEED_TIMESTAMP, stamps } from '../grid/grid.seed';
import { buildings, communities, districts, grids, households, residents, streets } from '../grid/grid.tables';
import {
  commitmentRatings, commitments, communityListItems, partyMembers, partyOrganisations, participations, reportIns, reportingUnitKind,
  reportingUnits,
} from './party.tables';

export interface PartySeedOptions {
  /** The grid seed's scale; members follow the residents and units the streets, so it only checks it. */
  scale: number;
}

export interface PartySeedSummary {
  partyMembers: number;
  reportingUnits: number;
  reportIns: number;
  communityListItems: number;
  participations: number;
  commitments: number;
  commitmentRatings: number;
}

type UnitKind = (typeof reportingUnitKind.enumValues)[number];
type MemberRow = typeof partyMembers.$inferInsert & { id: number };
type UnitRow = typeof reportingUnits.$inferInsert & { id: number };
type ReportInRow = typeof reportIns.$inferInsert & { id: number };
type ListItemRow = typeof communityListItems.$inferInsert & { id: number };
type ParticipationRow = typeof participations.$inferInsert & { id: number };
type CommitmentRow = typeof commitments.$inferInsert & { id: number };
type RatingRow = typeof commitmentRatings.$inferInsert & { id: number };

const PRNG_SEED = 0x9a27_4b01;
const FAKER_SEED = 20261102;
const DAY_MS = 86_400_000;
/** Nothing in the seeded history happens at or after the reference moment (2026-11-01 00:00 in China). */
const END = SEED_TIMESTAMP.getTime();
/** Participations are counted over the year before it. */
const YEAR_START = END - 365 * DAY_MS;
const UNITS_PER_STREET: readonly [number, number] = [8, 12];
const MEMBERS_PER_UNIT: readonly [number, number] = [5, 15];

// ---------------------------------------------------------------------------------------
// Reference data

/** Departments of a district's party committee and government; the name is the district's plus this. */
const ORGANS = [
  '委组织部', '委宣传部', '委统战部', '委政法委员会', '纪委监委', '财政局', '民政局', '司法局', '人力资源和社会保障局',
  '住房和城乡建设局', '市场监督管理局', '教育和体育局', '卫生健康局', '退役军人事务局', '应急管理局', '交通运输局',
  '农业农村局', '商务局', '审计局', '统计局', '医疗保障局', '文化和旅游局', '自然资源局', '综合行政执法局', '发展和改革局',
  '科学技术局', '工业和信息化局', '水利局', '税务局', '总工会', '妇女联合会', '残疾人联合会', '人民法院', '人民检察院',
  '机关事务服务中心', '行政审批服务局',
];
const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const BANKS = ['中国工商银行', '中国农业银行', '中国银行', '中国建设银行', '交通银行', '中国邮政储蓄银行', '山东农商银行'];
const BRANDS = ['鲁北', '渤海', '金阳光', '华兴', '恒信', '众诚', '宏达', '瑞祥', '惠众', '德润', '海川', '万家和', '锦秋', '黄河', '嘉和', '齐鲁'];
const INDUSTRIES = ['建材', '食品', '纺织', '商贸', '物流', '科技', '医药', '农业发展', '信息技术', '建筑工程', '家政服务', '餐饮管理'];

/** The names a unit of each kind may have in a street of a district. */
function unitNamesFor(kind: UnitKind, district: string, street: string): string[] {
  const d = district.replace(/(区|县|市)$/, '');
  const s = street.replace(/街道$/, '');
  switch (kind) {
    case 'PARTY_GOVERNMENT_ORGAN':
      return ORGANS.map((o) => `${district}${o}`);
    case 'PUBLIC_INSTITUTION':
      return [
        ...NUMERALS.flatMap((n) => [`${district}第${n}中学`, `${district}第${n}小学`, `${district}第${n}实验幼儿园`]),
        `${street}社区卫生服务中心`, `${street}中心幼儿园`, `${district}人民医院`, `${district}中医医院`, `${district}妇幼保健院`,
        `${district}疾病预防控制中心`, `${district}图书馆`, `${district}文化馆`, `${district}职业中等专业学校`,
      ];
    case 'STATE_ENTERPRISE':
      return [
        ...BANKS.map((b) => `${b}${d}${s}支行`), `国网${district}供电公司${s}供电所`, `中国移动${district}分公司`,
        `中国联通${district}分公司`, `中国电信${district}分公司`, `中国石化${district}石油分公司`, `${district}自来水公司`,
        `${district}热力有限公司`, `${district}公共交通有限公司`, `中国邮政${district}分公司`,
      ];
    case 'PRIVATE_ENTERPRISE':
      return BRANDS.flatMap((b) => INDUSTRIES.map((i) => `${d}${b}${i}有限公司`));
    case 'SOCIAL_ORGANISATION':
      return [
        `${district}志愿者协会`, `${district}慈善总会`, `${district}红十字会`, `${district}律师协会`, `${district}义工联合会`,
        `${street}老年人协会`, ...BRANDS.map((b) => `山东${b}律师事务所`), ...BRANDS.map((b) => `${d}${b}社会工作服务中心`),
      ];
    default:
      return [];
  }
}

const UNIT_KIND_WEIGHTS: [UnitKind, number][] = [
  ['PARTY_GOVERNMENT_ORGAN', 32], ['PUBLIC_INSTITUTION', 30], ['STATE_ENTERPRISE', 18], ['PRIVATE_ENTERPRISE', 12], ['SOCIAL_ORGANISATION', 8],
];

interface Need {
  key: string;
  title: string;
  detail: string;
}

/** 需求清单: what communities ask for, in the words of the source material (000, 003). */
const NEEDS: Need[] = [
  { key: 'health', title: '老年人健康体检和慢病随访', detail: '辖区60岁以上老人较多，高血压、糖尿病患者需要定期测量和随访，希望有医护力量定期进社区。' },
  { key: 'tutoring', title: '双职工家庭孩子放学后看护辅导', detail: '双职工家庭孩子下午放学后无人看护，希望开设“四点半课堂”，有老师辅导作业。' },
  { key: 'legal', title: '邻里纠纷和家庭矛盾法律咨询', detail: '邻里纠纷、赡养和继承纠纷时有发生，居民希望就近得到专业的法律咨询和调解。' },
  { key: 'antifraud', title: '老年人防范电信诈骗宣传', detail: '辖区老年人多次接到冒充公检法、保健品推销等诈骗电话，需要经常性的防诈宣传。' },
  { key: 'electric', title: '老旧小区用电安全隐患排查', detail: '老旧楼院线路老化，电动车私拉电线充电现象突出，需要专业人员排查用电隐患。' },
  { key: 'supplies', title: '困难家庭节日慰问物资', detail: '辖区低保户、残疾人家庭和困难老党员需要节日走访慰问，物资缺口较大。' },
  { key: 'jobs', title: '失业人员就业岗位推荐', detail: '辖区有部分失业和灵活就业人员，希望得到就业岗位信息和技能培训。' },
  { key: 'cleanup', title: '背街小巷和楼道环境整治', detail: '部分开放式楼院楼道堆物、背街小巷卫生死角较多，需要集中力量开展整治。' },
  { key: 'meals', title: '独居老人助餐送餐', detail: '高龄独居老人做饭困难，希望有人帮助送餐或组织社区助餐。' },
  { key: 'psychology', title: '青少年和空巢老人心理疏导', detail: '留守儿童、青少年和空巢老人中有心理困扰的，需要专业心理疏导。' },
  { key: 'culture', title: '社区文体活动场地和器材', detail: '居民文体队伍多，活动场地和器材不足，希望共享周边单位的场地。' },
  { key: 'garbage', title: '垃圾分类宣传引导', detail: '垃圾分类投放准确率不高，需要志愿者在投放点值守引导、入户宣传。' },
];

interface Resource {
  title: string;
  detail: string;
  /** The needs it answers. */
  serves: string[];
  /** A project made of it: the unit's name and this. */
  project: string;
  /** What the unit did when it served the project. */
  done: string;
}

const RESOURCES: Record<string, Resource> = {
  clinic: {
    title: '义诊和健康讲座', detail: '每月派出医护人员进社区义诊，开展慢病管理和健康知识讲座。', serves: ['health', 'psychology'],
    project: '“健康进社区”义诊项目', done: '医护人员进社区开展义诊，测量血压血糖',
  },
  teachers: {
    title: '教师志愿辅导', detail: '组织党员教师每周到社区辅导学生作业，开放学校图书室。', serves: ['tutoring', 'culture'],
    project: '“四点半课堂”结对项目', done: '党员教师到社区“四点半课堂”辅导作业',
  },
  law: {
    title: '法律咨询和普法宣传', detail: '安排法律工作者定期坐班，提供法律咨询、参与矛盾调解。', serves: ['legal', 'antifraud'],
    project: '“法律明白人”进网格项目', done: '法律工作者坐班接受咨询，参与调解邻里纠纷',
  },
  finance: {
    title: '金融知识普及和反诈宣传', detail: '银行网点党员志愿者进社区讲解防范电信诈骗和非法集资知识。', serves: ['antifraud'],
    project: '“守护钱袋子”反诈宣传项目', done: '党员志愿者进社区开展反诈宣传',
  },
  power: {
    title: '用电安全检查', detail: '供电所党员服务队定期入户检查老旧线路，指导安全充电。', serves: ['electric'],
    project: '“电亮万家”用电安全项目', done: '供电所党员服务队入户排查用电隐患',
  },
  volunteers: {
    title: '党员志愿服务队进社区', detail: '单位在职党员组成志愿服务队，按社区需要参加环境整治、助老助餐等服务。', serves: ['cleanup', 'garbage', 'meals'],
    project: '“党员进网格”共建项目', done: '组织在职党员到网格开展志愿服务',
  },
  goods: {
    title: '爱心物资捐赠', detail: '在重要节日为社区困难群众捐赠米面油等生活物资。', serves: ['supplies'],
    project: '“节日送温暖”帮扶项目', done: '向困难家庭捐赠米面油等慰问物资',
  },
  jobs: {
    title: '就业岗位推荐', detail: '向社区推送用工需求，优先招用辖区失业人员并提供岗前培训。', serves: ['jobs'],
    project: '“家门口就业”帮扶项目', done: '到社区举办招聘会，推荐就业岗位',
  },
  counselling: {
    title: '心理疏导志愿服务', detail: '组织社工和心理咨询师提供个案辅导和团体活动。', serves: ['psychology'],
    project: '“心灵驿站”关爱项目', done: '社工和心理咨询师开展个案辅导',
  },
  venue: {
    title: '文体活动场地开放', detail: '节假日向社区居民开放单位的运动场地和活动室。', serves: ['culture'],
    project: '“共享场地”共建项目', done: '向社区开放运动场地，组织文体活动',
  },
};

/** What a unit offers, by what its name says it is. */
function resourcesOf(kind: UnitKind, name: string): string[] {
  if (/医院|卫生|疾病|保健/.test(name)) return ['clinic'];
  if (/学校|中学|小学|幼儿园|教育/.test(name)) return ['teachers', 'venue'];
  if (/法院|检察院|司法|律师/.test(name)) return ['law'];
  if (/银行/.test(name)) return ['finance'];
  if (/供电/.test(name)) return ['power', 'volunteers'];
  if (/图书馆|文化馆|文化和旅游/.test(name)) return ['venue', 'volunteers'];
  if (/人力资源/.test(name)) return ['jobs', 'volunteers'];
  if (/社会工作|义工|志愿者|慈善|红十字|老年人协会/.test(name)) return ['counselling', 'goods'];
  if (kind === 'PRIVATE_ENTERPRISE' || kind === 'STATE_ENTERPRISE') return ['goods', 'jobs'];
  return ['volunteers'];
}

const UNIT_SERVICE = [
  '参加社区“城市党建日”集中服务', '组织在职党员到社区开展环境整治', '与社区党委联合开展主题党日活动', '走访慰问社区困难群众',
  '参加网格“敲门行动”入户走访', '协助社区开展垃圾分类宣传', '参加社区党建联席会议，认领社区需求',
];
const MEMBER_SERVICE = [
  '到社区报到，参加“城市党建日”志愿服务', '参加网格环境卫生整治', '入户走访独居老人', '参加文明交通劝导',
  '协助社区开展防范电信诈骗宣传', '参加楼栋议事会，收集居民意见', '参加疫苗接种和健康体检秩序维护', '协助开展人口信息核查',
];

/** 亮身份: the post a member shows at the door, and the pledges that go with it. */
const DUTIES: { duty: string; pledges: string[] }[] = [
  { duty: '环境整治', pledges: ['我承诺：每周清理一次本楼道杂物，保持楼道整洁畅通。', '我承诺：带头清理楼前卫生死角，做到门前“三包”。'] },
  { duty: '矛盾调解', pledges: ['我承诺：邻里有矛盾第一时间上门劝解，小事不出楼栋。'] },
  { duty: '关爱老人', pledges: ['我承诺：每周看望一次本楼独居老人，帮助解决生活难题。', '我承诺：为本楼高龄老人代购代办，随叫随到。'] },
  { duty: '安全巡查', pledges: ['我承诺：每月检查一次楼道消防设施，发现隐患及时上报。'] },
  { duty: '政策宣传', pledges: ['我承诺：及时向本楼居民宣传惠民政策，做到家喻户晓。'] },
  { duty: '垃圾分类', pledges: ['我承诺：带头做好垃圾分类，每周督导一次本楼分类投放。'] },
  { duty: '文明劝导', pledges: ['我承诺：劝阻楼道堆物和电动车进楼充电，做文明居民的表率。'] },
  { duty: '助学辅导', pledges: ['我承诺：每周为本楼孩子义务辅导一次功课。'] },
  { duty: '便民维修', pledges: ['我承诺：为本楼老人免费维修水电和小家电，随叫随到。'] },
];
const KEPT_COMMENTS = ['楼道比以前干净多了。', '经常来看望我家老人，很感谢。', '说到做到，邻居们都认可。', '有事找他很方便。', '热心肠，值得学习。'];
const UNKEPT_COMMENTS = ['很少见到人。', '承诺的事没有落实。', '希望多到楼里走走。'];

// ---------------------------------------------------------------------------------------
// What the grid and property seeds left

interface Resident {
  id: number;
  name: string;
  phone: string | null;
  age: number;
  party: boolean;
}

interface House {
  id: number;
  residents: Resident[];
}

interface Block {
  id: number;
  houses: House[];
  /** Its building group (楼栋党小组), if it has one. */
  groupId: number | null;
}

interface Micro {
  id: number;
  parentId: number;
  blocks: Block[];
}

interface Community {
  id: number;
  districtId: number;
  streetId: number;
  name: string;
  micros: Micro[];
  /** Grid branch (网格党支部) of each level-2 grid. */
  branchOf: Map<number, number>;
}

interface Street {
  id: number;
  name: string;
  district: string;
  communities: Community[];
}

async function loadCity(db: Queryable): Promise<Street[]> {
  const districtNames = new Map((await db.select({ id: districts.id, name: districts.name }).from(districts)).map((d) => [d.id, d.name]));
  const streetRows = await db.select({ id: streets.id, districtId: streets.districtId, name: streets.name }).from(streets).orderBy(asc(streets.id));
  const communityRows = await db.select({ id: communities.id, districtId: communities.districtId, streetId: communities.streetId, name: communities.name })
    .from(communities).orderBy(asc(communities.id));
  const gridRows = await db.select({ id: grids.id, communityId: grids.communityId, parentGridId: grids.parentGridId, level: grids.level })
    .from(grids).orderBy(asc(grids.id));
  const blockRows = await db.select({ id: buildings.id, gridId: buildings.gridId }).from(buildings).orderBy(asc(buildings.id));
  const houseRows = await db.select({ id: households.id, buildingId: households.buildingId }).from(households).orderBy(asc(households.id));
  const residentRows = await db.select({
    id: residents.id, householdId: residents.householdId, name: residents.name, phone: residents.phone, birthDate: residents.birthDate, tags: residents.tags,
  }).from(residents).orderBy(asc(residents.id));
  const organisationRows = await db.select({ id: partyOrganisations.id, kind: partyOrganisations.kind, gridId: partyOrganisations.gridId, buildingId: partyOrganisations.buildingId })
    .from(partyOrganisations).orderBy(asc(partyOrganisations.id));

  const streetById = new Map<number, Street>();
  const result = streetRows.map((s) => {
    const street: Street = { id: s.id, name: s.name, district: districtNames.get(s.districtId)!, communities: [] };
    streetById.set(s.id, street);
    return street;
  });
  const communityById = new Map<number, Community>();
  for (const c of communityRows) {
    const community: Community = { ...c, micros: [], branchOf: new Map() };
    communityById.set(c.id, community);
    streetById.get(c.streetId)?.communities.push(community);
  }
  const microById = new Map<number, Micro>();
  for (const g of gridRows) {
    if (g.level !== 'MICRO') continue;
    const micro: Micro = { id: g.id, parentId: g.parentGridId!, blocks: [] };
    microById.set(g.id, micro);
    communityById.get(g.communityId)!.micros.push(micro);
  }
  const groupOf = new Map<number, number>();
  const branchOfGrid = new Map<number, number>();
  for (const o of organisationRows) {
    if (o.kind === 'BUILDING_GROUP' && o.buildingId !== null) groupOf.set(o.buildingId, o.id);
    if (o.kind === 'GRID_BRANCH' && o.gridId !== null) branchOfGrid.set(o.gridId, o.id);
  }
  for (const c of communityById.values()) {
    for (const m of c.micros) c.branchOf.set(m.parentId, branchOfGrid.get(m.parentId)!);
  }
  const blockById = new Map<number, Block>();
  for (const b of blockRows) {
    const block: Block = { id: b.id, houses: [], groupId: groupOf.get(b.id) ?? null };
    blockById.set(b.id, block);
    microById.get(b.gridId)?.blocks.push(block);
  }
  const houseById = new Map<number, House>();
  for (const h of houseRows) {
    const house: House = { id: h.id, residents: [] };
    houseById.set(h.id, house);
    blockById.get(h.buildingId)?.houses.push(house);
  }
  for (const r of residentRows) {
    houseById.get(r.householdId)?.residents.push({ id: r.id, name: r.name, phone: r.phone, age: ageOn(r.birthDate), party: r.tags.includes('PARTY_MEMBER') });
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// Time

/** A moment on a day, in office hours (9:00–17:59 in China). */
function officeMoment(rng: Random, day: string): number {
  return chinaTime(day, rng.int(9, 17), rng.int(0, 59)).getTime();
}

/** A day of the past year after `from` (a moment), more often the 10th: the monthly city party building day (004). */
function serviceDay(rng: Random, from: number): string | null {
  const day = dayBetween(rng, from, END);
  if (day !== null && rng.chance(0.4)) {
    const tenth = `${day.slice(0, 8)}10`;
    if (chinaTime(tenth, 0, 0).getTime() >= from) return tenth;
  }
  return day;
}

// ---------------------------------------------------------------------------------------
// The seed

interface Placed {
  community: Community;
  gridId: number | null;
  buildingId: number | null;
  /** The micro grid under the place: where an in-service member reporting in there lives. */
  micro: Micro;
}

/** Where a report-in lands: the community, one of its grids, or a building (Binzhou: 进网格、进楼栋, 000). */
function placeIn(rng: Random, community: Community, weights: readonly [number, number, number]): Placed {
  const level = rng.weighted([['COMMUNITY', weights[0]], ['GRID', weights[1]], ['BUILDING', weights[2]]] as const);
  const micro = rng.pick(community.micros.filter((m) => m.blocks.length > 0));
  if (level === 'COMMUNITY') return { community, gridId: null, buildingId: null, micro };
  if (level === 'GRID') return { community, gridId: rng.chance(0.5) ? micro.parentId : micro.id, buildingId: null, micro };
  return { community, gridId: micro.id, buildingId: rng.pick(micro.blocks).id, micro };
}

/** A day between two moments of the past year (China dates, the first included, the last not), or null when there is none. */
function dayBetween(rng: Random, from: number, to: number): string | null {
  const first = Math.max(from, YEAR_START);
  const days = Math.floor((to - first) / DAY_MS);
  return days < 1 ? null : chinaDate(new Date(first + rng.int(0, days - 1) * DAY_MS));
}

export async function seedParty(db: Queryable, options: PartySeedOptions): Promise<PartySeedSummary> {
  const scale = options.scale;
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`The seed scale must be a positive number, got ${scale}`);
  const rng = new Random(PRNG_SEED);
  const people = new PeopleFactory(rng, new Faker({ locale: [zh_CN, base], seed: FAKER_SEED }));
  const ids = new Ids();
  const city = await loadCity(db);
  const allCommunities = city.flatMap((s) => s.communities);
  if (!allCommunities.some((c) => c.branchOf.size > 0)) {
    throw new Error('The party seed needs the grid and property seeds first: no community with grid branches.');
  }
  const place = (c: Community) => ({ districtId: c.districtId, streetId: c.streetId, communityId: c.id });
  const subject = (id: number) => `party-member-${id}`;

  // Resident members: every resident tagged PARTY_MEMBER, in their grid and their building group or grid branch.
  const memberRows: MemberRow[] = [];
  const residentMembers: { row: MemberRow; community: Community; block: Block; house: House; resident: Resident; duty: number | null }[] = [];
  for (const c of allCommunities) {
    for (const micro of c.micros) {
      for (const block of micro.blocks) {
        for (const house of block.houses) {
          for (const resident of house.residents.filter((r) => r.party)) {
            const id = ids.next('partyMembers');
            // The very old show their identity less often: many are bedridden (卧床) or live with their children.
            const shows = rng.chance(resident.age >= 80 ? 0.25 : 0.55);
            const duty = shows ? rng.int(0, DUTIES.length - 1) : null;
            const row: MemberRow = {
              id, ...place(c), gridId: micro.id, organisationId: block.groupId ?? c.branchOf.get(micro.parentId)!, kind: 'RESIDENT',
              residentId: resident.id, workUnitId: null, name: resident.name, phone: resident.phone,
              duty: duty === null ? null : `党员先锋岗 · ${DUTIES[duty].duty}`, showsIdentity: shows, subject: subject(id), ...stamps,
            };
            memberRows.push(row);
            residentMembers.push({ row, community: c, block, house, resident, duty });
          }
        }
      }
    }
  }

  // Reporting units: about ten per street, each reporting in to a community of its street.
  const unitRows: UnitRow[] = [];
  const reportInRows: ReportInRow[] = [];
  const taken = new Set<string>();
  const kindTotal = UNIT_KIND_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const unitsOf = new Map<Community, { unit: UnitRow; reportIn: ReportInRow }[]>(allCommunities.map((c) => [c, []]));
  const reportIn = (subjectOf: { unitId: number } | { memberId: number }, at: Placed, reportedAt: number, withdrawnAt: number | null): ReportInRow => {
    const row: ReportInRow = {
      id: ids.next('reportIns'), unitId: null, memberId: null, ...subjectOf, ...place(at.community), gridId: at.gridId, buildingId: at.buildingId,
      reportedAt: new Date(reportedAt), withdrawnAt: withdrawnAt === null ? null : new Date(withdrawnAt), ...stamps,
    };
    reportInRows.push(row);
    return row;
  };
  const inService: { unit: UnitRow; community: Community }[] = [];
  for (const street of city) {
    if (street.communities.length === 0) continue;
    const count = rng.int(...UNITS_PER_STREET);
    for (let i = 0; i < count; i += 1) {
      const kind = rng.weighted(UNIT_KIND_WEIGHTS, kindTotal);
      const free = unitNamesFor(kind, street.district, street.name).filter((n) => !taken.has(n));
      if (free.length === 0) continue;
      const name = rng.pick(free);
      taken.add(name);
      const unit: UnitRow = {
        id: ids.next('reportingUnits'), name, kind, contactName: people.surname() + people.givenName(rng.chance(0.5) ? 'MALE' : 'FEMALE', rng.int(30, 55)),
        contactPhone: people.mobile(), ...stamps,
      };
      unitRows.push(unit);
      // Spread over the street's communities; one unit in ten also serves a second one.
      const home = street.communities[(i + rng.int(0, 1)) % street.communities.length];
      const reportedAt = officeMoment(rng, dateBetween(rng, '2019-03-01', '2025-10-31'));
      // Binzhou moved units from the community into grids and buildings (000): one in ten reported in elsewhere before.
      if (street.communities.length > 1 && rng.chance(0.1)) {
        const before = rng.pick(street.communities.filter((c) => c !== home));
        const earlier = officeMoment(rng, dateBetween(rng, '2018-03-01', chinaDate(new Date(reportedAt - 200 * DAY_MS))));
        reportIn({ unitId: unit.id }, placeIn(rng, before, [100, 0, 0]), earlier, reportedAt - rng.int(1, 30) * DAY_MS);
      }
      unitsOf.get(home)!.push({ unit, reportIn: reportIn({ unitId: unit.id }, placeIn(rng, home, [40, 40, 20]), reportedAt, null) });
      if (street.communities.length > 1 && rng.chance(0.1)) {
        const second = rng.pick(street.communities.filter((c) => c !== home));
        const at = officeMoment(rng, dateBetween(rng, chinaDate(new Date(reportedAt)), '2026-06-30'));
        unitsOf.get(second)!.push({ unit, reportIn: reportIn({ unitId: unit.id }, placeIn(rng, second, [60, 30, 10]), at, null) });
      }
      // Its in-service members live in the street, mostly in the community the unit serves.
      const members = rng.int(...MEMBERS_PER_UNIT);
      for (let k = 0; k < members; k += 1) {
        inService.push({ unit, community: rng.chance(0.6) ? home : rng.pick(street.communities) });
      }
    }
  }

  // In-service members (在职党员): placed in the grid they live in, reporting in to it, its community or their building.
  const streetOf = new Map(city.map((s) => [s.id, s]));
  for (const { unit, community } of inService) {
    const id = ids.next('partyMembers');
    const at = placeIn(rng, community, [30, 45, 25]);
    const gender = rng.chance(0.55) ? 'MALE' : 'FEMALE';
    const shows = rng.chance(0.65);
    const row: MemberRow = {
      id, ...place(community), gridId: at.micro.id, organisationId: null, kind: 'IN_SERVICE', residentId: null, workUnitId: unit.id,
      name: people.surname() + people.givenName(gender, rng.int(24, 58)), phone: people.mobile(),
      duty: shows ? `党员先锋岗 · ${rng.pick(DUTIES).duty}` : null, showsIdentity: shows, subject: subject(id), ...stamps,
    };
    memberRows.push(row);
    const reportedAt = officeMoment(rng, dateBetween(rng, '2020-01-01', '2026-09-30'));
    const street = streetOf.get(community.streetId)!;
    if (street.communities.length > 1 && rng.chance(0.04)) {
      // Moved house: the report-in to the old community was withdrawn.
      const before = rng.pick(street.communities.filter((c) => c !== community));
      const earlier = officeMoment(rng, dateBetween(rng, '2018-01-01', chinaDate(new Date(reportedAt - 120 * DAY_MS))));
      reportIn({ memberId: id }, placeIn(rng, before, [50, 50, 0]), earlier, reportedAt - rng.int(1, 20) * DAY_MS);
    }
    reportIn({ memberId: id }, at, reportedAt, null);
  }

  // The three lists of each community: its needs, the resources its units offer, and the projects matching them.
  const listRows: ListItemRow[] = [];
  const projectsOf = new Map<number, { project: ListItemRow; resource: Resource }[]>();
  for (const c of allCommunities) {
    const needs = rng.sample(NEEDS, rng.int(5, 8)).map((need) => {
      const row: ListItemRow = {
        id: ids.next('communityListItems'), ...place(c), kind: 'NEED', title: need.title, detail: need.detail,
        reportInId: null, needId: null, resourceId: null, closedAt: null, ...stamps,
      };
      listRows.push(row);
      return { need, row };
    });
    const resources = unitsOf.get(c)!.flatMap(({ unit, reportIn: r }) => {
      const keys = resourcesOf(unit.kind, unit.name);
      return keys.slice(0, rng.chance(0.4) ? 2 : 1).map((key) => {
        const resource = RESOURCES[key];
        const row: ListItemRow = {
          id: ids.next('communityListItems'), ...place(c), kind: 'RESOURCE', title: `${unit.name}：${resource.title}`, detail: resource.detail,
          reportInId: r.id, needId: null, resourceId: null, closedAt: null, ...stamps,
        };
        listRows.push(row);
        return { unit, reportIn: r, resource, row };
      });
    });
    const projects: { project: ListItemRow; resource: Resource }[] = [];
    for (const { need, row: needRow } of needs) {
      const offers = resources.filter((r) => r.resource.serves.includes(need.key));
      if (offers.length === 0 || projects.length >= 5) continue;
      const offer = rng.pick(offers);
      // About a third of the projects are done; their need is met and closed with them.
      const closed = rng.chance(0.35) ? officeMoment(rng, dateBetween(rng, '2026-01-10', '2026-10-20')) : null;
      const project: ListItemRow = {
        id: ids.next('communityListItems'), ...place(c), kind: 'PROJECT', title: `${offer.unit.name}${offer.resource.project}`,
        detail: `${need.title}：由${offer.unit.name}${offer.resource.title}。`, reportInId: offer.reportIn.id, needId: needRow.id,
        resourceId: offer.row.id, closedAt: closed === null ? null : new Date(closed), ...stamps,
      };
      if (closed !== null) needRow.closedAt = new Date(closed);
      listRows.push(project);
      projects.push({ project, resource: offer.resource });
    }
    projectsOf.set(c.id, projects);
  }

  // Participations: about ten a year per active report-in; a unit's projects are part of them.
  const participationDrafts: Omit<ParticipationRow, 'id'>[] = [];
  const communityById = new Map(allCommunities.map((c) => [c.id, c]));
  for (const r of reportInRows) {
    if (r.withdrawnAt) continue;
    const reportedAt = r.reportedAt!.getTime();
    const active = Math.min(1, (END - reportedAt) / (365 * DAY_MS));
    const ofUnit = r.unitId !== null;
    const count = Math.round((ofUnit ? rng.int(8, 16) : rng.int(4, 14)) * active);
    const own = (projectsOf.get(r.communityId) ?? []).filter((p) => p.project.reportInId === r.id);
    for (let k = 0; k < count; k += 1) {
      let occurredOn = serviceDay(rng, reportedAt);
      let projectId: number | null = null;
      let note = rng.pick(ofUnit ? UNIT_SERVICE : MEMBER_SERVICE);
      const p = own.length > 0 && rng.chance(0.45) ? rng.pick(own) : null;
      // Work on a project happens while it runs.
      const onProject = p && dayBetween(rng, reportedAt, p.project.closedAt?.getTime() ?? END);
      if (p && onProject) {
        occurredOn = onProject;
        projectId = p.project.id;
        note = `${p.resource.done}（${p.project.title}）`;
      }
      if (occurredOn === null) continue;
      const hours = ofUnit ? rng.int(4, 8) / 2 : rng.int(3, 8) / 2;
      participationDrafts.push({
        reportInId: r.id, ...place(communityById.get(r.communityId)!), projectId, wishId: null, occurredOn, hours: hours.toFixed(2), note,
        recordedBy: `secretary-${r.communityId}`, createdAt: SEED_TIMESTAMP,
      });
    }
  }
  participationDrafts.sort((a, b) => a.occurredOn.localeCompare(b.occurredOn) || a.reportInId - b.reportInId);
  const participationRows: ParticipationRow[] = participationDrafts.map((p) => ({ id: ids.next('participations'), ...p }));

  // Commitments (挂牌承诺): about two in five resident members hang one at a building of their grid, mostly their own.
  const commitmentRows: CommitmentRow[] = [];
  const ratingRows: RatingRow[] = [];
  const drafts = residentMembers.filter((m) => m.resident.age < 85 && rng.chance(0.4)).map((m) => {
    const micro = m.community.micros.find((g) => g.id === m.row.gridId)!;
    const block = micro.blocks.length > 1 && rng.chance(0.12) ? rng.pick(micro.blocks.filter((b) => b !== m.block)) : m.block;
    const duty = DUTIES[m.duty ?? rng.int(0, DUTIES.length - 1)];
    const hungAt = officeMoment(rng, dateBetween(rng, '2025-01-06', '2026-10-20'));
    return { m, block, pledge: rng.pick(duty.pledges), hungAt };
  }).sort((a, b) => a.hungAt - b.hungAt || a.m.row.id - b.m.row.id);
  for (const { m, block, pledge, hungAt } of drafts) {
    const withdrawn = rng.chance(0.06) ? Math.min(END - DAY_MS, hungAt + rng.int(60, 300) * DAY_MS) : null;
    const row: CommitmentRow = {
      id: ids.next('commitments'), memberId: m.row.id, ...place(m.community), gridId: m.row.gridId, buildingId: block.id, pledge,
      hungAt: new Date(hungAt), withdrawnAt: withdrawn === null ? null : new Date(withdrawn), ...stamps,
    };
    commitmentRows.push(row);
    // The households of the building judge it (践诺接受监督), but not the member's own; a few pledges are not kept.
    const keptShare = rng.chance(0.1) ? uniform(rng, 0.3, 0.6) : uniform(rng, 0.85, 1);
    const neighbours = block.houses.filter((h) => h !== m.house);
    const raters = rng.sample(neighbours, Math.round(neighbours.length * uniform(rng, 0.2, 0.6))).sort((a, b) => a.id - b.id);
    for (const house of raters) {
      const kept = rng.chance(keptShare);
      ratingRows.push({
        id: ids.next('commitmentRatings'), commitmentId: row.id, householdId: house.id, kept,
        comment: rng.chance(0.3) ? rng.pick(kept ? KEPT_COMMENTS : UNKEPT_COMMENTS) : null, ratedBy: `resident-${house.id}`, ...stamps,
      });
    }
  }

  await insertChunks(db, reportingUnits, unitRows);
  await insertChunks(db, partyMembers, memberRows);
  await insertChunks(db, reportIns, reportInRows);
  await insertChunks(db, communityListItems, listRows);
  await insertChunks(db, participations, participationRows);
  await insertChunks(db, commitments, commitmentRows);
  await insertChunks(db, commitmentRatings, ratingRows);
  const tables: PgTable[] = [reportingUnits, partyMembers, reportIns, communityListItems, participations, commitments, commitmentRatings];
  await advanceSequences(db, tables);
  return {
    partyMembers: memberRows.length,
    reportingUnits: unitRows.length,
    reportIns: reportInRows.length,
    communityListItems: listRows.length,
    participations: participationRows.length,
    commitments: commitmentRows.length,
    commitmentRatings: ratingRows.length,
  };
}
