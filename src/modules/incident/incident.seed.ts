/**
 * The demo city's incidents (DOMAIN.md §2): the city's functional departments (职能部门), the
 * responsibility list (责任清单), and a year of incidents in the micro grids, each with a
 * timeline that is a walk of the closed loop (TRANSITIONS) from its report to its state.
 *
 * Runs after the grid seed, whose micro grids, grid workers and households it reads. Like
 * that seed it is deterministic (an own seeded PRNG, the same reference date, fixed
 * created_at / updated_at), assigns the ids itself, inserts in chunks and moves the id
 * sequences past them. Category time limits come from category_settings (the migration
 * inserts them; the seed leaves them alone). Seeded history writes no outbox rows.
 * Expects empty incident tables.
 */
import { asc, inArray, sql } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import type { Queryable } from '../../db/client';
import { advanceSequences, insertChunks, Random, SEED_TIMESTAMP, stamps } from '../grid/grid.seed';
import { buildings, grids, households, staffAssignments, staffMembers } from '../grid/grid.tables';
import { nextJointMeeting, nextStatus, type IncidentAction, type IncidentStatus, type TransitionAction } from './incident.machine';
import {
  categorySettings, departments, incidentCategory, incidentPriority, incidents, incidentTransitions, incidentTriage,
  responsibilities,
} from './incident.tables';

export interface IncidentSeedOptions {
  /** 1 ≈ 600 incidents over the year before the reference date; the rest grows linearly. */
  scale: number;
}

export interface IncidentSeedSummary {
  departments: number;
  responsibilities: number;
  incidents: number;
  incidentTransitions: number;
}

type Category = (typeof incidentCategory.enumValues)[number];
type Priority = (typeof incidentPriority.enumValues)[number];
type Triage = (typeof incidentTriage.enumValues)[number];

const PRNG_SEED = 0x5eed_1c1d;
const INCIDENTS_PER_SCALE = 600;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** China has no daylight saving time: local time is UTC+8 all year. */
const CHINA_OFFSET_MS = 8 * HOUR_MS;
/** Nothing in the seeded history happens at or after the reference moment (2026-11-01 00:00 in China). */
const END = SEED_TIMESTAMP.getTime();
/** Incidents are reported over the year before it. */
const START = END - 365 * DAY_MS;
const OPEN: readonly IncidentStatus[] = ['REPORTED', 'ACCEPTED', 'DISPATCHED', 'IN_PROGRESS', 'ESCALATED'];

/**
 * The extended petitions: open incidents whose deadline lies well after the reference date,
 * so that "open and not overdue" incidents exist when the app runs weeks or months after
 * 2026-11-01 (the deadline is compared with now() at query time; every other seeded open
 * incident is overdue by mid-November 2026). They are PETITION, URGENT, reported in late
 * October 2026; unlike every other incident, whose deadline is reported_at + the category's
 * time limit, their deadline was extended explicitly (延期办理) to this date.
 */
const EXTENDED_DEADLINE = new Date('2027-12-31T17:30:00+08:00').getTime();
const EXTENDED_PER_SCALE = 5;

// ---------------------------------------------------------------------------------------
// Reference data

/** City-level functional departments (district_id null); codes are their usual abbreviations. */
const DEPARTMENTS: { code: string; name: string }[] = [
  { code: 'CGZF', name: '综合行政执法局' },
  { code: 'GA', name: '公安分局' },
  { code: 'SF', name: '司法局' },
  { code: 'WJ', name: '卫生健康局' },
  { code: 'MZ', name: '民政局' },
  { code: 'XF', name: '信访局' },
  { code: 'HB', name: '生态环境分局' },
  { code: 'ZJ', name: '住房和城乡建设局' },
  { code: 'YJ', name: '应急管理局' },
  { code: 'FL', name: '妇女联合会' },
  { code: 'RS', name: '人力资源和社会保障局' },
];

/** 责任清单: the lead department (主体责任) and the cooperating ones (配合责任), by code. */
const RESPONSIBILITY_LIST: Record<Category, { lead: string; cooperating: string[] }> = {
  FAMILY_CONFLICT: { lead: 'SF', cooperating: ['FL'] },
  NEIGHBOUR_DISPUTE: { lead: 'SF', cooperating: ['GA'] },
  COMPOUND_GOVERNANCE: { lead: 'ZJ', cooperating: ['CGZF'] },
  ENVIRONMENT: { lead: 'HB', cooperating: ['CGZF'] },
  SAFETY_HAZARD: { lead: 'YJ', cooperating: ['GA', 'ZJ'] },
  PUBLIC_ORDER: { lead: 'GA', cooperating: ['CGZF'] },
  PETITION: { lead: 'XF', cooperating: ['SF', 'RS'] },
  HELP_REQUEST: { lead: 'MZ', cooperating: ['WJ'] },
};

/** How often each category is reported. */
const CATEGORY_WEIGHTS: [Category, number][] = [
  ['COMPOUND_GOVERNANCE', 22], ['NEIGHBOUR_DISPUTE', 18], ['ENVIRONMENT', 16], ['SAFETY_HAZARD', 14],
  ['FAMILY_CONFLICT', 9], ['PUBLIC_ORDER', 8], ['HELP_REQUEST', 8], ['PETITION', 5],
];

interface Template {
  title: string;
  /** {place}: compound, building (and unit); {compound}: the compound. */
  description: string;
  /** What the department reports back (处理反馈). */
  feedback: string;
  /** Takes months (for the extended petitions). */
  longRunning?: boolean;
}

const TEMPLATES: Record<Category, Template[]> = {
  FAMILY_CONFLICT: [
    {
      title: '夫妻因子女教育问题多次争吵',
      description: '{place}一住户夫妻因子女教育问题多次发生争吵，邻居反映近日争吵升级，有摔砸物品情况，需及时介入调解。',
      feedback: '司法所调解员会同妇联工作人员上门调解，双方就子女教育分工达成一致，签订调解协议，矛盾已化解。',
    },
    {
      title: '子女不履行赡养义务',
      description: '{place}住户家中老人反映子女不履行赡养义务，每月生活费无着落，兄弟姐妹之间互相推诿。',
      feedback: '组织老人及三名子女召开家庭会议，明确每人每月支付赡养费并轮流照料，签订赡养协议，社区定期回访。',
    },
    {
      title: '婆媳矛盾激化',
      description: '{place}住户婆媳因生活习惯不同长期不和，近期矛盾激化，老人多次到社区哭诉。',
      feedback: '网格员和调解员多次上门疏导，双方各自作出让步，约定分开居住、定期探望，家庭关系趋于缓和。',
    },
    {
      title: '兄弟姐妹因房产分配产生纠纷',
      description: '{place}住户兄弟姐妹因父母遗留房产分配问题产生纠纷，多次争吵，影响家庭和睦。',
      feedback: '律师为当事人讲解继承法律规定，经人民调解委员会调解，兄弟姐妹就房产分配达成书面协议。',
    },
    {
      title: '疑似家庭暴力',
      description: '邻居反映{place}住户夜间传出争吵和哭喊声，疑似存在家庭暴力，需核实并做好妇女儿童权益保护。',
      feedback: '民警、妇联和社区联合上门核实，对施暴方进行批评教育并出具告诫书，妇联跟进心理疏导，列入重点关注家庭。',
    },
    {
      title: '离异后子女抚养费纠纷',
      description: '{place}住户离异后双方因孩子抚养费和探视问题多次发生冲突。',
      feedback: '调解员分别约谈双方，明确抚养费支付方式和探视时间，双方签订调解协议。',
    },
  ],
  NEIGHBOUR_DISPUTE: [
    {
      title: '邻居装修噪音扰民',
      description: '{place}有住户装修，早上7点前和中午休息时间施工，电钻噪音严重影响上下楼邻居休息。',
      feedback: '约谈装修户及施工队，明确施工时间为工作日8:00-12:00、14:00-18:00，物业加强巡查，噪音问题已解决。',
    },
    {
      title: '楼上漏水殃及楼下',
      description: '{place}住户卫生间防水层损坏，漏水导致楼下住户天花板发霉脱落，双方协商赔偿未果。',
      feedback: '组织双方现场查看，楼上住户重做卫生间防水并承担楼下修复费用，双方签订调解协议。',
    },
    {
      title: '饲养宠物犬夜间吠叫扰民',
      description: '{place}住户饲养的大型犬夜间频繁吠叫，且遛狗不牵绳，邻居多次沟通无果。',
      feedback: '民警和网格员上门宣传文明养犬规定，犬主承诺夜间将犬只关养在室内并牵绳遛狗，邻居表示认可。',
    },
    {
      title: '楼道公共区域被占用',
      description: '{place}住户在楼道公共区域安装鞋柜并堆放杂物，对门邻居认为侵占公共空间，双方发生口角。',
      feedback: '网格员上门协调，住户已自行拆除鞋柜、清理杂物，双方握手言和。',
    },
    {
      title: '争抢停车位引发冲突',
      description: '{compound}内两户居民因争抢车位发生争执，一方用地锁占位，另一方多次挪锁引发冲突。',
      feedback: '会同物业调解，拆除私装地锁，按物业车位管理办法重新分配，双方均表示接受。',
    },
    {
      title: '空调外机正对邻居窗户',
      description: '{place}住户新装空调外机正对邻居窗户，热风和噪音影响邻居生活，双方协商未果。',
      feedback: '协调安装单位将空调外机移位并加装导风板，邻居表示满意。',
    },
  ],
  COMPOUND_GOVERNANCE: [
    {
      title: '小区路灯损坏',
      description: '{compound}内多盏路灯损坏，夜间道路漆黑，老年居民出行存在安全隐患，物业迟迟未维修。',
      feedback: '督促物业公司更换损坏路灯12盏，并建立路灯定期巡检制度，夜间照明已恢复。',
    },
    {
      title: '物业服务不到位引发矛盾',
      description: '{compound}居民反映物业公司保洁不到位、门禁长期损坏，部分业主以此拒交物业费，矛盾突出。',
      feedback: '约谈物业公司负责人，限期整改保洁和门禁问题，社区组织业主代表验收，物业服务已改善。',
    },
    {
      title: '电梯频繁故障停运',
      description: '{place}电梯近一个月内多次故障停运，曾发生困人情况，居民要求物业和维保单位彻底检修。',
      feedback: '会同特种设备检验机构检测，维保单位更换曳引机主板及门机系统，电梯已恢复正常运行。',
    },
    {
      title: '楼前绿地违章搭建',
      description: '{place}一楼住户在楼前绿地私自搭建彩钢板房，侵占公共绿地，周边居民意见较大。',
      feedback: '下达限期拆除通知书，当事人已自行拆除违建，绿地已恢复。',
    },
    {
      title: '二次供水水压不足',
      description: '{compound}二次供水水压不足，高层住户早晚用水高峰经常停水。',
      feedback: '协调供水公司和物业检修二次供水泵房，更换老化水泵，高层用水已恢复正常。',
    },
    {
      title: '污水管道堵塞外溢',
      description: '{compound}污水管道堵塞，污水外溢至楼前道路，气味难闻，需尽快疏通。',
      feedback: '物业组织专业队伍疏通管道并清洗路面，已恢复正常，后续纳入老旧管网改造计划。',
    },
    {
      title: '业委会换届停滞，公共收益不透明',
      description: '{compound}业主委员会换届工作停滞，部分业主对公共收益使用情况提出质疑，要求公开账目。',
      feedback: '街道指导成立换届选举工作组，公共收益账目已在小区公示栏公开，换届工作启动。',
    },
  ],
  ENVIRONMENT: [
    {
      title: '餐饮店油烟直排扰民',
      description: '{compound}临街餐饮店油烟未经净化直排，油烟直冲居民窗户，夏季无法开窗。',
      feedback: '现场检查并责令餐饮店安装油烟净化设施、加高排烟管道，复查已达标排放。',
    },
    {
      title: '垃圾分类投放点满溢',
      description: '{compound}垃圾分类投放点垃圾满溢，清运不及时，周边异味明显，蚊蝇滋生。',
      feedback: '协调环卫部门增加清运频次至每日两次，对投放点进行消杀，环境已恢复整洁。',
    },
    {
      title: '露天焚烧垃圾',
      description: '{compound}附近空地有人露天焚烧垃圾和枯枝落叶，浓烟影响周边居民。',
      feedback: '执法人员到场扑灭明火，对焚烧人员进行批评教育，并清理现场残留垃圾。',
    },
    {
      title: '工地夜间施工噪音扰民',
      description: '{compound}东侧工地夜间施工，混凝土泵车作业至凌晨，噪音严重扰民。',
      feedback: '责令施工单位停止夜间违规施工，确需连续作业的须办理夜间施工许可并提前公告，已加强夜查。',
    },
    {
      title: '小区门口流动摊贩占道经营',
      description: '{compound}门口流动摊贩占道经营，早晚高峰阻碍通行，且产生大量垃圾。',
      feedback: '执法队员劝导摊贩进入附近便民市场经营，设置巡查点位，占道经营现象已消除。',
    },
    {
      title: '空地被偷倒建筑垃圾',
      description: '{compound}北侧空地被偷倒建筑垃圾，堆积成山，扬尘严重。',
      feedback: '组织清运建筑垃圾约30车，对空地进行围挡并加装监控，调取录像查处倾倒车辆。',
    },
  ],
  SAFETY_HAZARD: [
    {
      title: '楼道堆放杂物存在消防隐患',
      description: '{place}楼道内堆放大量纸箱、旧家具等杂物，堵塞消防通道，存在较大火灾隐患。',
      feedback: '会同物业和楼长逐户劝导，清理楼道杂物约2车，消防通道已畅通，纳入日常巡查。',
    },
    {
      title: '电动车楼道充电',
      description: '{place}有住户将电动自行车推入楼道并私拉电线充电，存在起火风险。',
      feedback: '上门宣传电动车安全充电规定，拆除私拉电线，引导住户到小区集中充电桩充电。',
    },
    {
      title: '楼道内有燃气异味',
      description: '{place}住户反映楼道内有明显燃气异味，疑似管道老化泄漏，需燃气公司紧急排查。',
      feedback: '燃气公司到场检测，更换老化燃气管道接头并进行打压试验，无泄漏，已恢复供气。',
    },
    {
      title: '外墙保温层脱落',
      description: '{place}外墙保温层局部脱落，大风天气有碎块坠落，楼下为居民出行通道。',
      feedback: '设置警戒区域，组织施工队高空作业清除松动保温层并修复，隐患已排除。',
    },
    {
      title: '消防设施缺失过期',
      description: '{place}消火栓箱内水带缺失，灭火器过期，消防设施形同虚设。',
      feedback: '督促物业补齐水带、枪头，更换过期灭火器，并张贴消防设施检查记录表。',
    },
    {
      title: '窨井盖缺失',
      description: '{compound}主干道一处窨井盖缺失，仅用树枝遮挡，夜间行人极易踩空。',
      feedback: '现场设置警示标志，当日补装新井盖，并排查小区内其他井盖，未发现同类问题。',
    },
  ],
  PUBLIC_ORDER: [
    {
      title: '陌生人员尾随进入单元门',
      description: '{compound}近期多次发现陌生人员尾随进入单元门，并有住户反映电动车电瓶被盗。',
      feedback: '派出所加强夜间巡逻，物业修复单元门禁，在车棚加装监控2处，已抓获盗窃嫌疑人1名。',
    },
    {
      title: '独居老人险遭电信诈骗',
      description: '{place}一位独居老人接到冒充公检法的诈骗电话，险些转账，需民警上门开展防诈宣传。',
      feedback: '社区民警上门开展反诈宣传，帮助老人安装国家反诈中心APP，并将其子女电话登记为紧急联系人。',
    },
    {
      title: '群租房人员流动频繁',
      description: '{place}一套住房被改造为群租房，居住人员流动频繁、身份不明，邻居担心治安问题。',
      feedback: '民警上门登记核查租住人员信息，责令房东整改群租问题，已恢复原有格局。',
    },
    {
      title: '烧烤摊深夜酗酒滋事',
      description: '{compound}门口烧烤摊深夜有人酗酒滋事、大声喧哗，多次发生推搡。',
      feedback: '派出所出警处置并对滋事人员批评教育，执法局约谈摊主，规定营业时间不超过23点。',
    },
    {
      title: '出租房疑似传销聚集',
      description: '{compound}一处出租房内经常聚集大量外地人员开会，疑似传销活动。',
      feedback: '公安机关会同市场监管部门核查，取缔传销窝点1处，遣散人员，房东已解除租赁合同。',
    },
    {
      title: '车棚电动车连续被盗',
      description: '{compound}车棚连续发生电动车被盗事件，居民要求加装监控。',
      feedback: '立案侦查，追回被盗电动车2辆，物业在车棚加装高清监控并安排夜间巡逻。',
    },
  ],
  PETITION: [
    {
      title: '购房多年未办理不动产权证',
      description: '{compound}居民反映购房多年仍未办理不动产权证，开发商已注销，多次反映未果，情绪较大。',
      feedback: '协调自然资源和住建部门梳理历史遗留问题，制定分批办证方案，首批住户已提交办证材料。',
      longRunning: true,
    },
    {
      title: '对征收补偿标准有异议',
      description: '居民对{compound}周边征收补偿标准有异议，认为补偿偏低，准备集体上访。',
      feedback: '征收部门向居民逐项解释补偿依据和评估结果，对个别评估有误的住户启动复核程序。',
      longRunning: true,
    },
    {
      title: '务工被拖欠工资',
      description: '{place}住户反映在某建筑工地务工被拖欠工资两万余元，多次讨要无果。',
      feedback: '人社部门约谈施工总包单位，督促足额支付拖欠工资，当事人已领取全部工资。',
    },
    {
      title: '对低保资格取消有异议',
      description: '{place}住户对低保资格被取消有异议，认为家庭实际困难未改变，要求重新审核。',
      feedback: '民政部门重新入户核查家庭收入和财产状况，向当事人书面答复审核结果及复核途径。',
    },
    {
      title: '老旧小区改造迟迟未开工',
      description: '{compound}列入老旧小区改造计划后迟迟未开工，居民多次反映要求明确时间表。',
      feedback: '住建部门公开改造项目招标进度和施工计划，召开居民说明会，项目已进场施工。',
      longRunning: true,
    },
    {
      title: '养老保险待遇核定有误',
      description: '{place}退休职工反映养老保险待遇核定有误，要求相关部门予以纠正。',
      feedback: '社保经办机构重新核定缴费年限，补发待遇差额，并向当事人书面说明。',
    },
  ],
  HELP_REQUEST: [
    {
      title: '独居老人生病无人照料',
      description: '{place}独居老人行动不便，近期生病无人照料，生活难以自理，需上门帮扶。',
      feedback: '家庭医生上门诊治，民政部门将老人纳入特殊困难老人探访关爱对象，安排志愿者每周上门。',
    },
    {
      title: '因病致贫申请临时救助',
      description: '{place}住户家庭成员患重病，医疗费用负担沉重，申请临时救助。',
      feedback: '协助办理临时救助申请，发放救助金5000元，并链接慈善医疗救助资源。',
    },
    {
      title: '残疾人申请辅助器具和补贴',
      description: '{place}残疾人住户申请轮椅等辅助器具，并希望办理残疾人两项补贴。',
      feedback: '协助办理残疾人两项补贴申请，已审批通过，联系残联适配轮椅一台。',
    },
    {
      title: '困难家庭学生学费难以筹措',
      description: '{place}住户家庭困难，孩子面临开学学费难以筹措，希望得到帮助。',
      feedback: '协助申请教育救助和助学金，联系爱心企业结对帮扶，学生已按时入学。',
    },
    {
      title: '困难家庭无力缴纳取暖费',
      description: '{place}困难家庭冬季取暖费无力缴纳，家中温度过低，老人身体受不住。',
      feedback: '按政策为其申请取暖救助补贴，协调热力公司先行供暖，室温已达标。',
    },
    {
      title: '流浪人员长期露宿',
      description: '{compound}附近有一名流浪人员长期露宿，天气转冷，需救助站接回安置。',
      feedback: '救助管理站工作人员到场劝导，将流浪人员接回站内安置，并协助联系其家属。',
    },
  ],
};

const ACCEPT_NOTES: Record<Triage, string[]> = {
  SOLVE_AT_ONCE: ['经网格员现场核实，情况属实，列入“立即处理”一批。', '已核实，情况属实，立即处理。'],
  STUDY_AND_ASSIGN: ['经核实情况属实，问题较复杂，列入“研究交办”一批。', '已核实，需相关部门研究后交办。'],
  ANSWER_AND_EXPLAIN: ['已核实，主要涉及政策解答，列入“回应解释”一批，交相关部门答复。'],
};
const EXPLAIN_NOTES = [
  '经现场核实，反映情况与实际不符，已向反映人说明核实结果。',
  '该事项属于民事合同纠纷，不属于网格事项受理范围，已告知反映人可通过人民调解或诉讼途径解决。',
  '反映人诉求不符合现行政策规定，已向反映人做好政策解释，反映人表示理解。',
  '该问题近期已处理完毕，属重复反映，已向反映人说明处理情况。',
  '该事项已进入司法程序，已向反映人解释依法通过司法途径解决。',
];
const START_NOTES = [
  '已接单，安排工作人员前往现场处置。',
  '已签收，联系反映人了解详细情况。',
  '已接单，会同社区网格员上门核查。',
];
const ESCALATE_NOTES: Record<'command' | 'handler', string[]> = {
  command: [
    '涉及多个部门职责交叉，单一部门难以解决，提请街道联席会议研究。',
    '当事人诉求涉及历史遗留问题，需街道统筹协调，提交联席会议研究。',
  ],
  handler: [
    '处置需其他部门配合，协调未果，申请提交街道联席会议研究。',
    '该事项超出本部门职责范围，建议由街道联席会议明确责任单位。',
  ],
};
const REOPEN_NOTES: Record<'resident' | 'secretary', string[]> = {
  resident: ['问题没有彻底解决，希望再来看看。', '处理后没几天又出现了同样的问题。'],
  secretary: ['回访时反映人表示问题仍未彻底解决，要求重新处理。', '回访发现整改不到位，退回重新处理。'],
};
const SECOND_FEEDBACK = '针对反映人意见再次上门处理，已整改到位并当面反馈：';
const CLOSE_NOTES = {
  satisfied: ['回访反映人，对处理结果满意，予以结案。', '电话回访，群众表示满意，结案销号。'],
  fair: ['回访反映人，对处理结果基本满意，予以结案。'],
  unsatisfied: ['回访反映人，对处理结果不太满意，已做好解释工作，按程序结案。'],
};

// ---------------------------------------------------------------------------------------
// What the grid seed left

interface MicroGrid {
  id: number;
  districtId: number;
  streetId: number;
  communityId: number;
  /** Bounding rectangle of the boundary, degrees. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** staff-… subjects of its micro-grid worker(s), and of the parent grid's grid worker(s). */
  workers: string[];
  parentWorkers: string[];
  households: { id: number; buildingId: number; room: string }[];
  buildings: Map<number, { name: string; compound: string }>;
}

async function loadMicroGrids(db: Queryable): Promise<MicroGrid[]> {
  const micro = await db.select({
    id: grids.id, districtId: grids.districtId, streetId: grids.streetId, communityId: grids.communityId,
    parentGridId: grids.parentGridId, boundary: grids.boundary,
  }).from(grids).where(sql`${grids.level} = 'MICRO'`).orderBy(asc(grids.id));
  const workers = await db.select({ gridId: staffAssignments.gridId, role: staffAssignments.role, subject: staffMembers.subject })
    .from(staffAssignments)
    .innerJoin(staffMembers, sql`${staffMembers.id} = ${staffAssignments.staffMemberId}`)
    .where(inArray(staffAssignments.role, ['MICRO_GRID_WORKER', 'GRID_WORKER']))
    .orderBy(asc(staffAssignments.id));
  const houses = await db.select({ id: households.id, gridId: households.gridId, buildingId: households.buildingId, room: households.room })
    .from(households).orderBy(asc(households.id));
  const blocks = await db.select({ id: buildings.id, gridId: buildings.gridId, name: buildings.name, address: buildings.address })
    .from(buildings).orderBy(asc(buildings.id));

  const byGrid = new Map<number, MicroGrid>();
  const result = micro.map((g) => {
    const xs = g.boundary.map(([x]) => x);
    const ys = g.boundary.map(([, y]) => y);
    const grid: MicroGrid = {
      id: g.id, districtId: g.districtId, streetId: g.streetId, communityId: g.communityId,
      x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys),
      workers: [], parentWorkers: [], households: [], buildings: new Map(),
    };
    byGrid.set(g.id, grid);
    return grid;
  });
  const subjectsOf = new Map<number, string[]>();
  for (const w of workers) {
    if (w.subject === null) continue; // nobody who can sign in
    if (w.role === 'MICRO_GRID_WORKER') byGrid.get(w.gridId)?.workers.push(w.subject);
    else subjectsOf.set(w.gridId, [...(subjectsOf.get(w.gridId) ?? []), w.subject]);
  }
  for (const g of micro) byGrid.get(g.id)!.parentWorkers.push(...(subjectsOf.get(g.parentGridId ?? 0) ?? []));
  for (const b of blocks) {
    // "…社区幸福家园小区3号楼": the compound is what lies between the community and the building.
    const compound = /社区(.+?小区)/.exec(b.address)?.[1] ?? '小区';
    byGrid.get(b.gridId)?.buildings.set(b.id, { name: b.name, compound });
  }
  for (const h of houses) byGrid.get(h.gridId)?.households.push({ id: h.id, buildingId: h.buildingId, room: h.room });
  return result.filter((g) => g.households.length > 0 && g.workers.length + g.parentWorkers.length > 0);
}

// ---------------------------------------------------------------------------------------
// Walks of the closed loop

interface Actor {
  subject: string;
  role: string;
}

interface Step {
  action: IncidentAction;
  at: number;
  actor: Actor;
  note: string | null;
  triage?: Triage;
  satisfaction?: number;
}

/** Builds a timeline step by step, refusing any step the state machine does not allow. */
class Walk {
  readonly steps: Step[];
  status: IncidentStatus = 'REPORTED';

  constructor(reportedAt: number, reporter: Actor) {
    this.steps = [{ action: 'REPORT', at: reportedAt, actor: reporter, note: null }];
  }

  get at(): number {
    return this.steps[this.steps.length - 1].at;
  }

  /** Takes `action` at `at`, rounded to the minute and at least a minute after the last step. */
  add(action: TransitionAction, at: number, actor: Actor, note: string, extra: Partial<Step> = {}): void {
    const to = nextStatus(this.status, action);
    if (to === null) throw new Error(`Incident seed: ${action} is not allowed from ${this.status}`);
    const minute = Math.max(this.at + MINUTE_MS, Math.round(at / MINUTE_MS) * MINUTE_MS);
    this.steps.push({ action, at: minute, actor, note, ...extra });
    this.status = to;
  }
}

/** The state after each prefix of a timeline: statuses[k] is the state after k + 1 steps. */
function statusesOf(steps: readonly Step[]): IncidentStatus[] {
  const out: IncidentStatus[] = ['REPORTED'];
  for (const s of steps.slice(1)) out.push(nextStatus(out[out.length - 1], s.action as TransitionAction)!);
  return out;
}

/** Moves a time outside office hours (8:00–20:00 in China) to the next morning. */
function officeHours(rng: Random, ms: number): number {
  const local = ms + CHINA_OFFSET_MS;
  const hour = Math.floor((local % DAY_MS) / HOUR_MS);
  if (hour >= 8 && hour < 20) return ms;
  const nextMorning = Math.floor(local / DAY_MS) * DAY_MS + (hour >= 20 ? DAY_MS : 0) + 8 * HOUR_MS;
  return nextMorning - CHINA_OFFSET_MS + rng.int(0, 90) * MINUTE_MS;
}

/** A moment of the given Chinese calendar day (YYYY-MM-DD), hours local. */
function chinaTime(day: string, hour: number, minute: number): number {
  return Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS + hour * HOUR_MS + minute * MINUTE_MS;
}

function uniform(rng: Random, a: number, b: number): number {
  return a + rng.next() * (b - a);
}

// ---------------------------------------------------------------------------------------
// Incidents

interface Draft {
  order: number;
  grid: MicroGrid;
  category: Category;
  template: Template;
  priority: Priority;
  reporter: Actor;
  householdId: number | null;
  place: string;
  compound: string;
  photos: number;
  longitude: number;
  latitude: number;
  deadline: number;
  steps: Step[];
}

interface Context {
  rng: Random;
  limits: Map<Category, number>;
  departmentIds: Map<string, number>;
  departmentNames: Map<number, string>;
}

const secretary = (g: MicroGrid): Actor => ({ subject: `secretary-${g.communityId}`, role: Role.COMMUNITY_SECRETARY });
const officer = (g: MicroGrid): Actor => ({ subject: `officer-${g.streetId}`, role: Role.STREET_OFFICER });
const handler = (departmentId: number): Actor => ({ subject: `handler-${departmentId}`, role: Role.DEPARTMENT_HANDLER });

function dispatchNote(ctx: Context, category: Category, meeting: string | null): string {
  const { lead, cooperating } = RESPONSIBILITY_LIST[category];
  const leadName = ctx.departmentNames.get(ctx.departmentIds.get(lead)!)!;
  const coops = cooperating.map((c) => ctx.departmentNames.get(ctx.departmentIds.get(c)!)!).join('、');
  const who = `${leadName}（主办）${coops ? `，${coops}配合` : ''}`;
  if (meeting) return `经${Number(meeting.slice(5, 7))}月25日街道联席会议研究，交由${who}办理。`;
  return `按责任清单派遣至${who}。`;
}

/** Where, by whom, what: everything but the timeline. */
function drawIncident(ctx: Context, order: number, grid: MicroGrid, category: Category, template: Template, reportedAt: number): Draft {
  const { rng } = ctx;
  let reporter: Actor;
  let household: MicroGrid['households'][number] | null = null;
  if (rng.chance(0.2)) {
    household = rng.pick(grid.households);
    reporter = { subject: `resident-${household.id}`, role: Role.RESIDENT };
  } else {
    const pool = grid.parentWorkers.length === 0 || (grid.workers.length > 0 && rng.chance(0.7)) ? grid.workers : grid.parentWorkers;
    reporter = { subject: rng.pick(pool), role: Role.GRID_WORKER };
    // A grid worker reporting a family's matter names the household concerned.
    if (['FAMILY_CONFLICT', 'NEIGHBOUR_DISPUTE', 'HELP_REQUEST'].includes(category) && rng.chance(0.5)) household = rng.pick(grid.households);
  }
  const buildingId = household?.buildingId ?? rng.pick([...grid.buildings.keys()]);
  const building = grid.buildings.get(buildingId)!;
  const unit = household ? (/^\d+单元/.exec(household.room)?.[0] ?? '') : '';
  const priority: Priority = category === 'SAFETY_HAZARD'
    ? rng.weighted([['NORMAL', 50], ['HIGH', 35], ['URGENT', 15]] as const)
    : rng.weighted([['NORMAL', 72], ['HIGH', 13], ['LOW', 11], ['URGENT', 4]] as const);
  // A point well inside the grid's rectangle, at about a metre's precision.
  const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    order, grid, category, template, priority, reporter,
    householdId: household?.id ?? null,
    place: `${building.compound}${building.name}${unit}`,
    compound: building.compound,
    photos: rng.weighted([[0, 25], [1, 35], [2, 25], [3, 15]] as const),
    longitude: round6(uniform(rng, grid.x0 + (grid.x1 - grid.x0) * 0.05, grid.x1 - (grid.x1 - grid.x0) * 0.05)),
    latitude: round6(uniform(rng, grid.y0 + (grid.y1 - grid.y0) * 0.05, grid.y1 - (grid.y1 - grid.y0) * 0.05)),
    deadline: reportedAt + ctx.limits.get(category)! * HOUR_MS,
    steps: [{ action: 'REPORT', at: reportedAt, actor: reporter, note: null }],
  };
}

/**
 * The whole life of an incident as it would go without the reference date: explained, or
 * accepted, dispatched, handled and closed, with now and then an escalation to the joint
 * meeting or a reopening. Step times scale with the category's time limit; about one in
 * twelve takes well over the limit to handle.
 */
function lifeOf(ctx: Context, d: Draft): Step[] {
  const { rng } = ctx;
  const g = d.grid;
  const limit = ctx.limits.get(d.category)!;
  const h = (a: number, b: number) => Math.max(0.25, limit * uniform(rng, a, b)) * HOUR_MS;
  // Command staff work office hours, except on the 24-hour matters.
  const office = (ms: number) => (limit >= 72 ? officeHours(rng, ms) : ms);
  const walk = new Walk(d.steps[0].at, d.reporter);

  const explainShare = d.category === 'PETITION' ? 0.15 : d.category === 'NEIGHBOUR_DISPUTE' ? 0.08 : 0.05;
  if (rng.chance(explainShare)) {
    walk.add('EXPLAIN', office(walk.at + h(0.05, 0.4)), secretary(g), rng.pick(EXPLAIN_NOTES));
    return walk.steps;
  }

  const triage: Triage = ['PETITION', 'HELP_REQUEST'].includes(d.category) && rng.chance(0.15)
    ? 'ANSWER_AND_EXPLAIN'
    : rng.chance(['PETITION', 'COMPOUND_GOVERNANCE'].includes(d.category) ? 0.6 : 0.3) ? 'STUDY_AND_ASSIGN' : 'SOLVE_AT_ONCE';
  walk.add('ACCEPT', office(walk.at + h(0.02, 0.1)), secretary(g), rng.pick(ACCEPT_NOTES[triage]), { triage });

  const lead = ctx.departmentIds.get(RESPONSIBILITY_LIST[d.category].lead)!;
  const escalateShare = (d.category === 'PETITION' ? 0.2 : d.category === 'COMPOUND_GOVERNANCE' ? 0.1 : 0.05)
    + (triage === 'STUDY_AND_ASSIGN' ? 0.04 : 0);
  const escalateFrom: IncidentStatus | null = rng.chance(escalateShare)
    ? rng.weighted([['ACCEPTED', 25], ['DISPATCHED', 35], ['IN_PROGRESS', 40]] as const)
    : null;
  const escalate = () => {
    const byHandler = walk.status === 'IN_PROGRESS' || (walk.status === 'DISPATCHED' && rng.chance(0.6));
    const actor = byHandler ? handler(lead) : walk.status === 'ACCEPTED' ? secretary(g) : officer(g);
    walk.add('ESCALATE', walk.at + h(0.05, 0.3), actor, rng.pick(ESCALATE_NOTES[byHandler ? 'handler' : 'command']));
    // The joint meeting on the 25th decides; the street dispatches that afternoon.
    const meeting = nextJointMeeting(new Date(walk.at));
    walk.add('DISPATCH', chinaTime(meeting, rng.int(14, 17), rng.int(0, 59)), officer(g), dispatchNote(ctx, d.category, meeting));
  };

  if (escalateFrom === 'ACCEPTED') escalate();
  else {
    const dispatchShare: [number, number] = triage === 'SOLVE_AT_ONCE' ? [0.02, 0.08] : [0.08, 0.25];
    walk.add('DISPATCH', office(walk.at + h(...dispatchShare)), officer(g), dispatchNote(ctx, d.category, null));
    if (escalateFrom === 'DISPATCHED') escalate();
  }
  walk.add('START', walk.at + h(0.02, 0.1), handler(lead), rng.pick(START_NOTES));
  if (escalateFrom === 'IN_PROGRESS') {
    escalate();
    walk.add('START', walk.at + h(0.02, 0.1), handler(lead), rng.pick(START_NOTES));
  }

  const late = rng.chance(0.08);
  walk.add('FEEDBACK', walk.at + (late ? h(0.7, 1.5) : h(0.15, 0.5)), handler(lead), d.template.feedback);
  let reopened = false;
  if (rng.chance(0.07)) {
    reopened = true;
    const byResident = d.reporter.role === Role.RESIDENT;
    walk.add('REOPEN', walk.at + h(0.03, 0.12), byResident ? d.reporter : secretary(g), rng.pick(REOPEN_NOTES[byResident ? 'resident' : 'secretary']));
    walk.add('FEEDBACK', walk.at + h(0.1, 0.35), handler(lead), SECOND_FEEDBACK + d.template.feedback);
  }
  const closeAt = office(walk.at + Math.max(2 * HOUR_MS, h(0.03, 0.15)));
  const unhappy = late || reopened || closeAt > d.deadline;
  const satisfaction = unhappy
    ? rng.weighted([[5, 35], [4, 35], [3, 20], [2, 6], [1, 4]] as const)
    : rng.weighted([[5, 60], [4, 28], [3, 8], [2, 2], [1, 2]] as const);
  const note = rng.pick(satisfaction >= 4 ? CLOSE_NOTES.satisfied : satisfaction === 3 ? CLOSE_NOTES.fair : CLOSE_NOTES.unsatisfied);
  walk.add('CLOSE', closeAt, secretary(g), note, { satisfaction });
  return walk.steps;
}

/**
 * What of that life has happened by the reference date; and some incidents got stuck on the
 * way (a department that never started, a report nobody accepted), more often recent ones.
 */
function historyOf(ctx: Context, life: Step[]): Step[] {
  let steps = life.filter((s) => s.at < END);
  const age = END - steps[0].at;
  const stallShare = age < 30 * DAY_MS ? 0.12 : age < 120 * DAY_MS ? 0.05 : 0.012;
  if (ctx.rng.chance(stallShare)) {
    const statuses = statusesOf(steps);
    // Stuck in a state that needs work, but not waiting for a joint meeting long past.
    const cuts = statuses.flatMap((s, k) => (OPEN.includes(s) && s !== 'ESCALATED' && (k > 0 || age < 30 * DAY_MS) ? [k + 1] : []));
    if (cuts.length > 0) steps = steps.slice(0, ctx.rng.pick(cuts));
  }
  return steps;
}

/** The extended petitions (see EXTENDED_DEADLINE): open, in a state from the list, nothing after the reference date. */
function extendedPetition(ctx: Context, d: Draft, target: IncidentStatus): Step[] {
  const { rng } = ctx;
  const g = d.grid;
  const lead = ctx.departmentIds.get(RESPONSIBILITY_LIST.PETITION.lead)!;
  const walk = new Walk(d.steps[0].at, d.reporter);
  const next = () => walk.at + rng.int(4 * 60, 20 * 60) * MINUTE_MS;
  walk.add('ACCEPT', next(), secretary(g), ACCEPT_NOTES.STUDY_AND_ASSIGN[0], { triage: 'STUDY_AND_ASSIGN' });
  if (target === 'ACCEPTED') return walk.steps;
  walk.add('DISPATCH', next(), officer(g), dispatchNote(ctx, 'PETITION', null));
  if (target === 'DISPATCHED') return walk.steps;
  walk.add('START', next(), handler(lead), START_NOTES[0]);
  if (target === 'IN_PROGRESS') return walk.steps;
  walk.add('ESCALATE', next(), handler(lead), ESCALATE_NOTES.command[1]);
  return walk.steps;
}

type IncidentRow = typeof incidents.$inferInsert;
type TransitionRow = typeof incidentTransitions.$inferInsert;

/** The incident row and its timeline rows (ids of transitions assigned later), replaying the steps. */
function rowsFor(ctx: Context, d: Draft, id: number): { incident: IncidentRow; transitions: Omit<TransitionRow, 'id'>[] } {
  let status: IncidentStatus = 'REPORTED';
  let departmentId: number | null = null;
  let cooperating: number[] = [];
  let triage: Triage | null = null;
  let handledAt: number | null = null;
  let closedAt: number | null = null;
  let satisfaction: number | null = null;
  let jointMeetingOn: string | null = null;
  const transitions: Omit<TransitionRow, 'id'>[] = [];
  for (const step of d.steps) {
    const from = step.action === 'REPORT' ? null : status;
    if (step.action !== 'REPORT') status = nextStatus(status, step.action)!;
    switch (step.action) {
      case 'ACCEPT':
        triage = step.triage!;
        break;
      case 'DISPATCH': {
        const list = RESPONSIBILITY_LIST[d.category];
        departmentId = ctx.departmentIds.get(list.lead)!;
        cooperating = list.cooperating.map((c) => ctx.departmentIds.get(c)!);
        jointMeetingOn = null;
        break;
      }
      case 'ESCALATE':
        jointMeetingOn = nextJointMeeting(new Date(step.at));
        break;
      case 'FEEDBACK':
        handledAt = step.at;
        break;
      case 'REOPEN':
        handledAt = null;
        break;
      case 'CLOSE':
        closedAt = step.at;
        satisfaction = step.satisfaction!;
        break;
      default:
        break;
    }
    transitions.push({
      incidentId: id, action: step.action, fromStatus: from, toStatus: status, actorSubject: step.actor.subject,
      actorRole: step.actor.role, note: step.note, departmentId, at: new Date(step.at),
    });
  }
  const g = d.grid;
  const fill = (text: string) => text.replaceAll('{place}', d.place).replaceAll('{compound}', d.compound);
  return {
    incident: {
      id, districtId: g.districtId, streetId: g.streetId, communityId: g.communityId, gridId: g.id, householdId: d.householdId,
      category: d.category, title: d.template.title, description: fill(d.template.description),
      photoUrls: Array.from({ length: d.photos }, (_, i) => `https://img.example.cn/incident/${id}-${i + 1}.jpg`),
      longitude: d.longitude, latitude: d.latitude, reporterSubject: d.reporter.subject, reporterRole: d.reporter.role,
      priority: d.priority, triage, status, version: d.steps.length, departmentId, cooperatingDepartmentIds: cooperating,
      deadline: new Date(d.deadline), reportedAt: new Date(d.steps[0].at),
      handledAt: handledAt === null ? null : new Date(handledAt), closedAt: closedAt === null ? null : new Date(closedAt),
      satisfaction, jointMeetingOn, ...stamps,
    },
    transitions,
  };
}

/** A report time: a day of the year (one in eight in the last fortnight, the current work), 7:00–21:59 in China. */
function reportTime(rng: Random): number {
  const days = rng.chance(0.12) ? rng.int(351, 364) : rng.int(0, 364);
  return START + days * DAY_MS + rng.int(7 * 60, 22 * 60 - 1) * MINUTE_MS;
}

export async function seedIncidents(db: Queryable, options: IncidentSeedOptions): Promise<IncidentSeedSummary> {
  const scale = options.scale;
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`The seed scale must be a positive number, got ${scale}`);
  const rng = new Random(PRNG_SEED);

  const settings = await db.select().from(categorySettings);
  const limits = new Map(settings.map((s) => [s.category, s.timeLimitHours]));
  const missing = incidentCategory.enumValues.filter((c) => !limits.has(c));
  if (missing.length > 0) {
    throw new Error(`category_settings has no time limit for ${missing.join(', ')}: the migration 0002_incident_rules inserts them; run the migrations on an empty database (a truncate empties them too)`);
  }

  // Departments and the responsibility list.
  const departmentRows = DEPARTMENTS.map((dep, i) => ({
    id: i + 1, districtId: null, code: dep.code, name: dep.name,
    phone: `0543-${rng.int(2, 8)}${String(rng.int(0, 999_999)).padStart(6, '0')}`, ...stamps,
  }));
  const departmentIds = new Map(departmentRows.map((r) => [r.code, r.id]));
  const responsibilityRows = incidentCategory.enumValues.flatMap((category) => {
    const { lead, cooperating } = RESPONSIBILITY_LIST[category];
    return [
      { category, departmentId: departmentIds.get(lead)!, kind: 'LEAD' as const },
      ...cooperating.map((c) => ({ category, departmentId: departmentIds.get(c)!, kind: 'COOPERATING' as const })),
    ];
  });
  const ctx: Context = { rng, limits, departmentIds, departmentNames: new Map(departmentRows.map((r) => [r.id, r.name])) };

  // Incidents: more where more households live.
  const microGrids = await loadMicroGrids(db);
  if (microGrids.length === 0) throw new Error('The incident seed needs the grid seed first: no micro grid with households and workers.');
  const gridWeights = microGrids.map((g) => [g, g.households.length] as const);
  const gridTotal = microGrids.reduce((s, g) => s + g.households.length, 0);
  const categoryTotal = CATEGORY_WEIGHTS.reduce((s, [, w]) => s + w, 0);

  const total = Math.max(1, Math.round(INCIDENTS_PER_SCALE * scale));
  const extended = Math.min(total, Math.max(EXTENDED_PER_SCALE, Math.round(EXTENDED_PER_SCALE * scale)));
  const drafts: Draft[] = [];
  for (let i = 0; i < total - extended; i += 1) {
    const grid = rng.weighted(gridWeights, gridTotal);
    const category = rng.weighted(CATEGORY_WEIGHTS, categoryTotal);
    const d = drawIncident(ctx, i, grid, category, rng.pick(TEMPLATES[category]), reportTime(rng));
    d.steps = historyOf(ctx, lifeOf(ctx, d));
    drafts.push(d);
  }
  const longRunning = TEMPLATES.PETITION.filter((t) => t.longRunning);
  const targets: IncidentStatus[] = ['ESCALATED', 'IN_PROGRESS', 'DISPATCHED', 'ACCEPTED'];
  for (let i = 0; i < extended; i += 1) {
    // Reported 20–26 October 2026, so that the walk of at most four steps ends before November.
    const reportedAt = chinaTime('2026-10-20', 0, 0) + rng.int(0, 6) * DAY_MS + rng.int(8 * 60, 18 * 60) * MINUTE_MS;
    const d = drawIncident(ctx, total - extended + i, rng.weighted(gridWeights, gridTotal), 'PETITION', rng.pick(longRunning), reportedAt);
    d.priority = 'URGENT';
    d.deadline = EXTENDED_DEADLINE;
    d.steps = extendedPetition(ctx, d, targets[i % targets.length]);
    drafts.push(d);
  }

  // Ids in the order of reporting, timeline ids in the order of time, as if entered live.
  drafts.sort((a, b) => a.steps[0].at - b.steps[0].at || a.order - b.order);
  const incidentRows: IncidentRow[] = [];
  const pending: { row: Omit<TransitionRow, 'id'>; index: number }[] = [];
  drafts.forEach((d, i) => {
    const { incident, transitions } = rowsFor(ctx, d, i + 1);
    incidentRows.push(incident);
    transitions.forEach((row, index) => pending.push({ row, index }));
  });
  pending.sort((a, b) => a.row.at!.getTime() - b.row.at!.getTime() || a.row.incidentId - b.row.incidentId || a.index - b.index);
  const transitionRows: TransitionRow[] = pending.map(({ row }, i) => ({ id: i + 1, ...row }));

  await insertChunks(db, departments, departmentRows);
  await db.insert(responsibilities).values(responsibilityRows);
  await insertChunks(db, incidents, incidentRows);
  await insertChunks(db, incidentTransitions, transitionRows);
  await advanceSequences(db, [departments, incidents, incidentTransitions]);
  return {
    departments: departmentRows.length,
    responsibilities: responsibilityRows.length,
    incidents: incidentRows.length,
    incidentTransitions: transitionRows.length,
  };
}
