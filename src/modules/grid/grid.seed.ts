/**
 * The demo city's grid domain: districts → streets → communities → grids (3 levels) →
 * buildings → households → residents, and the grid staff.
 *
 * Deterministic: the same scale always gives the same rows, byte for byte (a fixed faker
 * seed, an own seeded PRNG, a fixed reference date and fixed timestamps), except the
 * encrypted ID card numbers, sealed with random IVs (their hashes and masks are the same). Ids are assigned
 * here and rows go in by chunks; the id sequences are moved past them at the end.
 * Expects empty grid tables.
 */
import { Faker, base, zh_CN } from '@faker-js/faker';
import { getTableColumns, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client';
import type { Ring } from '../../db/columns';
import { PeopleFactory, type Gender } from '../../seed/people';
import type { PersonalDataKey } from '../audit/personal-data-key';
import { storedIdCard } from './identity';
import {
  buildings, communities, districts, grids, households, residentTag, residents, staffAssignments, staffMembers,
  staffRole, streets,
} from './grid.tables';

export interface GridSeedOptions {
  /** 1 ≈ 3 streets, 156 grids, 2,000 households, 5,000 residents; the rest grows linearly. */
  scale: number;
  /** Seals the residents' ID card numbers, as the API does. */
  personalDataKey: PersonalDataKey;
}

export interface GridSeedSummary {
  districts: number;
  streets: number;
  communities: number;
  grids: number;
  buildings: number;
  households: number;
  residents: number;
  staffMembers: number;
  staffAssignments: number;
}

/** Ages are counted at this date, so that the data does not drift with the clock. */
export const SEED_REFERENCE_DATE = '2026-11-01';
/** created_at / updated_at of every seeded row. */
export const SEED_TIMESTAMP = new Date('2026-11-01T00:00:00+08:00');
const FAKER_SEED = 20261101;
const PRNG_SEED = 0x9e3779b9;
/** Rows per insert statement: residents have 18 columns, so at most 18,000 parameters. */
const CHUNK = 1000;

const STREETS_PER_SCALE = 3;
const STREETS_PER_DISTRICT = 10;
const COMMUNITIES_PER_STREET = 4;
const LEVEL2_PER_COMMUNITY = 3;
const MICRO_PER_LEVEL2 = 3;

// ---------------------------------------------------------------------------------------
// Reference data

interface DistrictInfo {
  code: string;
  name: string;
  city: string;
}

/** Real county-level divisions (GB/T 2260) in and around Binzhou, Shandong, first Binzhou's. */
const DISTRICTS: DistrictInfo[] = [
  { code: '371602', name: '滨城区', city: '滨州市' },
  { code: '371603', name: '沾化区', city: '滨州市' },
  { code: '371621', name: '惠民县', city: '滨州市' },
  { code: '371622', name: '阳信县', city: '滨州市' },
  { code: '371623', name: '无棣县', city: '滨州市' },
  { code: '371625', name: '博兴县', city: '滨州市' },
  { code: '371681', name: '邹平市', city: '滨州市' },
  { code: '370502', name: '东营区', city: '东营市' },
  { code: '370503', name: '河口区', city: '东营市' },
  { code: '370505', name: '垦利区', city: '东营市' },
  { code: '370522', name: '利津县', city: '东营市' },
  { code: '370523', name: '广饶县', city: '东营市' },
  { code: '371402', name: '德城区', city: '德州市' },
  { code: '371403', name: '陵城区', city: '德州市' },
  { code: '371481', name: '乐陵市', city: '德州市' },
  { code: '370302', name: '淄川区', city: '淄博市' },
  { code: '370303', name: '张店区', city: '淄博市' },
  { code: '370304', name: '博山区', city: '淄博市' },
  { code: '370305', name: '临淄区', city: '淄博市' },
  { code: '370306', name: '周村区', city: '淄博市' },
  { code: '370102', name: '历下区', city: '济南市' },
  { code: '370103', name: '市中区', city: '济南市' },
  { code: '370104', name: '槐荫区', city: '济南市' },
  { code: '370105', name: '天桥区', city: '济南市' },
  { code: '370112', name: '历城区', city: '济南市' },
  { code: '370702', name: '潍城区', city: '潍坊市' },
  { code: '370705', name: '奎文区', city: '潍坊市' },
];

/** Where floating residents' ID cards were issued: other cities and provinces. */
const ORIGIN_CODES = [
  '370102', '370202', '370602', '370811', '371302', '371502', '371702', '370983', '371327',
  '410102', '410502', '411502', '412722', '130102', '130902', '131102', '120101', '120223',
  '110105', '320102', '320311', '340102', '341202', '220102', '230103', '510104', '420102',
];

const BINZHOU_STREETS = [
  '市中街道', '市东街道', '市西街道', '北镇街道', '彭李街道', '滨北街道', '梁才街道', '杜店街道',
  '沙河街道', '里则街道', '小营街道', '青田街道',
];
const STREET_NAMES = [
  '东城街道', '西城街道', '南关街道', '北关街道', '新华街道', '人民街道', '胜利街道', '文昌街道',
  '黄河街道', '府前街道', '城北街道', '城南街道', '和平街道', '建设街道', '光明街道', '振兴街道',
  '长安街道', '永安街道', '兴隆街道', '东风街道', '开元街道', '凤凰街道', '湖滨街道', '渤海街道',
];
const COMMUNITY_NAMES = [
  '黄河', '渤海', '长江', '新立河', '彩虹湖', '中海', '东升', '新华', '建设', '胜利', '和平', '光明',
  '幸福', '阳光', '花园', '银座', '滨河', '秦皇河', '鑫城', '丽景', '锦秋', '孙武', '范公', '梧桐',
  '樱花', '蒲湖', '东关', '西关', '南关', '北关', '南海', '东海', '兴华', '青年', '学苑', '文汇',
  '电厂', '油田', '福源', '安康', '翠园', '龙泉', '玉龙湖', '月亮湾',
].map((n) => `${n}社区`);
const COMPOUND_PREFIXES = [
  '幸福', '阳光', '锦绣', '金色', '翠竹', '和谐', '书香', '滨河', '龙城', '御景', '盛世', '东方',
  '颐和', '紫薇', '丽水', '碧水', '康桥', '逸夫', '怡景', '春晖', '华纺', '渤海', '黄河', '新城',
  '清怡', '荷塘', '银河', '宏达', '福苑', '凤凰',
];
const COMPOUND_SUFFIXES = ['家园', '花园', '名苑', '华府', '雅居', '嘉园', '新村', '丽景', '公馆', '尚城'];

// ---------------------------------------------------------------------------------------
// Randomness

/** mulberry32: small, fast, and the same on every platform. Other domains' seeds use it too. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<T>(table: readonly (readonly [T, number])[], total?: number): T {
    const sum = total ?? table.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * sum;
    for (const [value, weight] of table) {
      r -= weight;
      if (r < 0) return value;
    }
    return table[table.length - 1][0];
  }

  /** k distinct items, in a random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    for (let i = 0; i < k && i < copy.length; i += 1) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, k);
  }
}

// ---------------------------------------------------------------------------------------
// Geometry: integer micro-degrees, so that shared edges are the very same numbers

const MICRO_DEG = 1_000_000;
const STREET_WIDTH = 200_000 / 3; // lon, µdeg: 3 streets span 117.9–118.1 at scale 1
const STREET_HEIGHT = 200_000; // lat, µdeg: 37.3–37.5
const CENTRE_LON = 118_000_000;
const CENTRE_LAT = 37_400_000;

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function ring(r: Rect): Ring {
  const x0 = r.x0 / MICRO_DEG;
  const y0 = r.y0 / MICRO_DEG;
  const x1 = r.x1 / MICRO_DEG;
  const y1 = r.y1 / MICRO_DEG;
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
}

/** The i-th of n slices of a rectangle, west to east. */
function sliceLon(r: Rect, i: number, n: number): Rect {
  const w = r.x1 - r.x0;
  return { x0: r.x0 + Math.round((i * w) / n), x1: r.x0 + Math.round(((i + 1) * w) / n), y0: r.y0, y1: r.y1 };
}

/** The i-th of n slices of a rectangle, south to north. */
function sliceLat(r: Rect, i: number, n: number): Rect {
  const h = r.y1 - r.y0;
  return { x0: r.x0, x1: r.x1, y0: r.y0 + Math.round((i * h) / n), y1: r.y0 + Math.round(((i + 1) * h) / n) };
}

/** Streets are disjoint strips laid out in rows, the whole centred on (118.0, 37.4). */
function streetLayout(streetCount: number, scale: number): (index: number) => Rect {
  const rows = Math.max(1, Math.ceil(Math.sqrt(scale)));
  const cols = Math.ceil(streetCount / rows);
  const originLon = CENTRE_LON - Math.round((cols * STREET_WIDTH) / 2);
  const originLat = CENTRE_LAT - (rows * STREET_HEIGHT) / 2;
  return (index) => {
    const row = Math.floor(index / cols);
    const col = index % cols;
    return {
      x0: originLon + Math.round(col * STREET_WIDTH),
      x1: originLon + Math.round((col + 1) * STREET_WIDTH),
      y0: originLat + row * STREET_HEIGHT,
      y1: originLat + (row + 1) * STREET_HEIGHT,
    };
  };
}

// ---------------------------------------------------------------------------------------
// Dates

const DAY_MS = 86_400_000;
const [REF_Y, REF_M, REF_D] = SEED_REFERENCE_DATE.split('-').map(Number);

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A birth date for someone exactly `age` years old on the reference date. */
function birthDateForAge(rng: Random, age: number): string {
  const latest = Date.UTC(REF_Y - age, REF_M - 1, REF_D);
  const earliest = Date.UTC(REF_Y - age - 1, REF_M - 1, REF_D) + DAY_MS;
  const days = Math.round((latest - earliest) / DAY_MS);
  return isoDate(earliest + rng.int(0, days) * DAY_MS);
}

function dateBetween(rng: Random, from: string, to: string): string {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return isoDate(a + rng.int(0, Math.round((b - a) / DAY_MS)) * DAY_MS);
}

// ---------------------------------------------------------------------------------------
// Rows

type Tag = (typeof residentTag.enumValues)[number];
type Role = (typeof staffRole.enumValues)[number];

type DistrictRow = typeof districts.$inferInsert;
type StreetRow = typeof streets.$inferInsert;
type CommunityRow = typeof communities.$inferInsert;
type GridRow = typeof grids.$inferInsert;
type BuildingRow = typeof buildings.$inferInsert;
type HouseholdRow = typeof households.$inferInsert;
type ResidentRow = typeof residents.$inferInsert;
type StaffMemberRow = typeof staffMembers.$inferInsert;
type StaffAssignmentRow = typeof staffAssignments.$inferInsert;

interface Batch {
  districts: DistrictRow[];
  streets: StreetRow[];
  communities: CommunityRow[];
  grids: GridRow[];
  buildings: BuildingRow[];
  households: HouseholdRow[];
  residents: ResidentRow[];
  staffMembers: StaffMemberRow[];
  staffAssignments: StaffAssignmentRow[];
}

const emptyBatch = (): Batch => ({
  districts: [], streets: [], communities: [], grids: [], buildings: [], households: [], residents: [],
  staffMembers: [], staffAssignments: [],
});

/** In foreign-key order. */
const TABLES: [keyof Batch, PgTable][] = [
  ['districts', districts],
  ['streets', streets],
  ['communities', communities],
  ['grids', grids],
  ['buildings', buildings],
  ['households', households],
  ['residents', residents],
  ['staffMembers', staffMembers],
  ['staffAssignments', staffAssignments],
];

/**
 * Inserts rows in chunks, in the given order. Rows of plain columns go in as one array per
 * column (`insert … select from unnest(…)`), several times faster than a VALUES list whose
 * every value is a parameter; tables with array columns, and rows that leave a column to
 * its default in some rows only, go in as VALUES lists of CHUNK rows.
 */
export async function insertChunks(db: Queryable, table: PgTable, rows: object[]): Promise<void> {
  const columns = unnestColumns(table, rows as Record<string, unknown>[]);
  if (columns === null) {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await db.insert(table).values(rows.slice(i, i + CHUNK) as never);
    }
    return;
  }
  const names = sql.join(columns.map(([, column]) => sql.identifier(column.name)), sql`, `);
  for (let i = 0; i < rows.length; i += UNNEST_CHUNK) {
    const part = rows.slice(i, i + UNNEST_CHUNK) as Record<string, unknown>[];
    const arrays = columns.map(([key, column]) => {
      const literal = arrayLiteral(part.map((row) => (row[key] === null ? null : column.mapToDriverValue(row[key]))));
      return sql`${literal}::${sql.raw(arrayTypeOf(column))}`;
    });
    await db.execute(sql`insert into ${table} (${names}) select * from unnest(${sql.join(arrays, sql`, `)})`);
  }
}

/** Rows per unnest insert: one parameter per column, however many rows. */
const UNNEST_CHUNK = 5000;

/** The columns the rows give, when every row gives each of them and none holds an array; else null. */
function unnestColumns(table: PgTable, rows: Record<string, unknown>[]): [string, PgColumn][] | null {
  if (rows.length === 0) return null;
  const given = Object.entries(getTableColumns(table)).filter(([key]) => rows[0][key] !== undefined);
  if (given.some(([, column]) => column.getSQLType().endsWith(']'))) return null;
  const keys = new Set(given.map(([key]) => key));
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) if (value !== undefined && !keys.has(key)) return null;
    for (const key of keys) if (row[key] === undefined) return null;
  }
  return given;
}

/** A PostgreSQL array literal of driver values, every element quoted (NULL for null). */
function arrayLiteral(values: unknown[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(',')}}`;
}

/** The array type to cast a column's literal to: serial columns hold integers. */
function arrayTypeOf(column: PgColumn): string {
  const type = column.getSQLType();
  return `${type === 'serial' ? 'integer' : type === 'bigserial' ? 'bigint' : type}[]`;
}

/** created_at and updated_at of every seeded row. */
export const stamps = { createdAt: SEED_TIMESTAMP, updatedAt: SEED_TIMESTAMP };

class Ids {
  private readonly last = new Map<string, number>();

  next(table: keyof Batch): number {
    const id = (this.last.get(table) ?? 0) + 1;
    this.last.set(table, id);
    return id;
  }
}

interface Chain {
  districtId: number;
  streetId: number;
  communityId: number;
}

export async function seedGrid(db: Queryable, options: GridSeedOptions): Promise<GridSeedSummary> {
  const scale = options.scale;
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`The seed scale must be a positive number, got ${scale}`);

  const rng = new Random(PRNG_SEED);
  const faker = new Faker({ locale: [zh_CN, base], seed: FAKER_SEED });
  const people = new PeopleFactory(rng, faker);
  const ids = new Ids();
  const summary: GridSeedSummary = {
    districts: 0, streets: 0, communities: 0, grids: 0, buildings: 0, households: 0, residents: 0,
    staffMembers: 0, staffAssignments: 0,
  };

  const streetCount = Math.max(1, Math.round(STREETS_PER_SCALE * scale));
  const districtCount = Math.min(DISTRICTS.length, Math.max(1, Math.round(streetCount / STREETS_PER_DISTRICT)));
  const layout = streetLayout(streetCount, scale);
  let streetIndex = 0;

  // One district at a time: generated in memory, then written table by table.
  for (let d = 0; d < districtCount; d += 1) {
    const batch = emptyBatch();
    const info = DISTRICTS[d];
    const districtId = ids.next('districts');
    batch.districts.push({ id: districtId, code: info.code, name: info.name, ...stamps });

    const firstStreet = Math.floor((d * streetCount) / districtCount);
    const endStreet = Math.floor(((d + 1) * streetCount) / districtCount);
    const streetNames = d === 0 ? [...BINZHOU_STREETS, ...STREET_NAMES] : rotate(STREET_NAMES, d * 7);

    for (let s = 0; s < endStreet - firstStreet; s += 1, streetIndex += 1) {
      const streetId = ids.next('streets');
      const streetCode = `${info.code}${String(s + 1).padStart(3, '0')}`;
      const streetName = numbered(streetNames, s);
      batch.streets.push({ id: streetId, districtId, code: streetCode, name: streetName, ...stamps });
      const streetRect = layout(streetIndex);

      // Street cadres instruct the LEVEL_1 grids, two communities each.
      let instructorId = 0;
      for (let c = 0; c < COMMUNITIES_PER_STREET; c += 1) {
        const communityId = ids.next('communities');
        const communityCode = `${streetCode}${String(c + 1).padStart(3, '0')}`;
        // Consecutive names, so that no two communities of a district share one.
        const communityName = COMMUNITY_NAMES[(streetIndex * COMMUNITIES_PER_STREET + c) % COMMUNITY_NAMES.length];
        batch.communities.push({ id: communityId, districtId, streetId, code: communityCode, name: communityName, ...stamps });
        if (c % 2 === 0) instructorId = newStaff(batch, ids, people, rng);
        seedCommunity({
          batch, ids, people, rng,
          chain: { districtId, streetId, communityId },
          code: communityCode,
          name: communityName,
          addressPrefix: `${info.city}${info.name}${streetName}${communityName}`,
          rect: sliceLat(streetRect, c, COMMUNITIES_PER_STREET),
          instructorId,
          region: info.code,
          personalDataKey: options.personalDataKey,
        });
      }
    }

    for (const [key, table] of TABLES) {
      await insertChunks(db, table, batch[key]);
      summary[key] += batch[key].length;
    }
  }

  await advanceSequences(db, TABLES.map(([, table]) => table));
  return summary;
}

/** Moves the `id` sequence of each table past the ids a seed assigned itself. */
export async function advanceSequences(db: Queryable, tables: readonly PgTable[]): Promise<void> {
  for (const table of tables) {
    await db.execute(sql`select setval(pg_get_serial_sequence(${tableName(table)}, 'id'), (select max(id) from ${table}))`);
  }
}

function tableName(table: PgTable): string {
  return (table as unknown as Record<symbol, string>)[Symbol.for('drizzle:Name')];
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** The i-th name of a pool; past its end, the names come round again with a number. */
function numbered(pool: readonly string[], i: number): string {
  const name = pool[i % pool.length];
  const round = Math.floor(i / pool.length);
  return round === 0 ? name : name.replace(/(街道|社区)$/, `${round + 1}$1`);
}

function newStaff(batch: Batch, ids: Ids, people: PeopleFactory, rng: Random, known?: { name: string; phone: string }): number {
  const id = ids.next('staffMembers');
  let { name, phone } = known ?? { name: '', phone: '' };
  if (!known) {
    const gender: Gender = rng.chance(0.5) ? 'MALE' : 'FEMALE';
    name = people.surname() + people.givenName(gender, rng.int(25, 58));
    phone = people.mobile();
  }
  batch.staffMembers.push({ id, name, phone, subject: `staff-${id}`, ...stamps });
  return id;
}

interface CommunityPlan {
  batch: Batch;
  ids: Ids;
  people: PeopleFactory;
  rng: Random;
  chain: Chain;
  code: string;
  name: string;
  addressPrefix: string;
  rect: Rect;
  instructorId: number;
  /** The district's own region code, for registered residents' ID cards. */
  region: string;
  personalDataKey: PersonalDataKey;
}

function seedCommunity(plan: CommunityPlan): void {
  const { batch, ids, people, rng, chain, code, name } = plan;
  const assign = (staffMemberId: number, gridId: number, role: Role, startedOn: string, buildingId: number | null = null) => {
    batch.staffAssignments.push({
      id: ids.next('staffAssignments'), ...chain, gridId, buildingId, staffMemberId, role, startedOn, endedOn: null, ...stamps,
    });
  };
  const started = () => dateBetween(rng, '2023-01-01', '2025-12-31');
  const compounds = rng.sample(
    COMPOUND_PREFIXES.flatMap((p) => COMPOUND_SUFFIXES.map((s) => `${p}${s}小区`)),
    LEVEL2_PER_COMMUNITY * MICRO_PER_LEVEL2,
  );

  // 一级网格: covers the community.
  const level1Id = ids.next('grids');
  const level1Code = `${code}-01`;
  batch.grids.push({
    id: level1Id, ...chain, parentGridId: null, level: 'LEVEL_1', depth: 1, code: level1Code,
    name: `${name}第一网格`, boundary: ring(plan.rect), ...stamps,
  });
  const leaderId = newStaff(batch, ids, people, rng);
  const leaderSince = started();
  assign(leaderId, level1Id, 'GRID_LEADER', leaderSince);
  assign(plan.instructorId, level1Id, 'GRID_INSTRUCTOR', started());
  // One community police officer and one family doctor serve every level-2 grid.
  const policeId = newStaff(batch, ids, people, rng);
  const doctorId = newStaff(batch, ids, people, rng);
  const policeSince = started();
  const doctorSince = started();

  for (let j = 0; j < LEVEL2_PER_COMMUNITY; j += 1) {
    const level2Id = ids.next('grids');
    const level2Code = `${level1Code}-${String(j + 1).padStart(2, '0')}`;
    const level2Rect = sliceLon(plan.rect, j, LEVEL2_PER_COMMUNITY);
    batch.grids.push({
      id: level2Id, ...chain, parentGridId: level1Id, level: 'LEVEL_2', depth: 2, code: level2Code,
      name: `${name}1-${j + 1}网格`, boundary: ring(level2Rect), ...stamps,
    });
    // The grid leader also works the first level-2 grid full time.
    if (j === 0) assign(leaderId, level2Id, 'GRID_WORKER', leaderSince);
    else assign(newStaff(batch, ids, people, rng), level2Id, 'GRID_WORKER', started());
    assign(policeId, level2Id, 'GRID_POLICE_OFFICER', policeSince);
    assign(doctorId, level2Id, 'GRID_FAMILY_DOCTOR', doctorSince);
    assign(newStaff(batch, ids, people, rng), level2Id, 'GRID_SUPERVISOR', started());
    assign(newStaff(batch, ids, people, rng), level2Id, 'GRID_ASSISTANT', started());

    for (let k = 0; k < MICRO_PER_LEVEL2; k += 1) {
      const microId = ids.next('grids');
      batch.grids.push({
        id: microId, ...chain, parentGridId: level2Id, level: 'MICRO', depth: 3,
        code: `${level2Code}-${String(k + 1).padStart(2, '0')}`,
        name: `${name}1-${j + 1}-${k + 1}微网格`, boundary: ring(sliceLat(level2Rect, k, MICRO_PER_LEVEL2)), ...stamps,
      });
      assign(newStaff(batch, ids, people, rng), microId, 'MICRO_GRID_WORKER', started());
      if (rng.chance(0.3)) assign(newStaff(batch, ids, people, rng), microId, 'LANE_HEAD', started());
      const compound = compounds[j * MICRO_PER_LEVEL2 + k];
      const buildingCount = rng.int(1, 3);
      for (let b = 0; b < buildingCount; b += 1) {
        // The building head is one of its residents (楼栋长), when one fits.
        const { buildingId, head } = seedBuilding(plan, microId, `${plan.addressPrefix}${compound}`, b + 1);
        assign(newStaff(batch, ids, people, rng, head), microId, 'BUILDING_HEAD', started(), buildingId);
      }
    }
  }
}

/** One building with its households and residents; returns a resident fit to be its head. */
function seedBuilding(plan: CommunityPlan, gridId: number, compoundAddress: string, number: number): {
  buildingId: number;
  head: { name: string; phone: string } | undefined;
} {
  const { batch, ids, people, rng, chain, personalDataKey } = plan;
  const buildingId = ids.next('buildings');
  const floors = rng.chance(0.6) ? rng.int(4, 7) : rng.int(8, 18);
  const units = floors > 7 ? rng.int(1, 2) : rng.int(2, 3);
  const doors = floors > 11 ? 4 : 2;
  const name = `${number}号楼`;
  const address = `${compoundAddress}${name}`;
  batch.buildings.push({ id: buildingId, ...chain, gridId, name, address, floors, ...stamps });

  let head: { name: string; phone: string } | undefined;
  const rooms = new Set<string>();
  const householdCount = Math.min(rng.int(5, 14), units * floors * doors);
  for (let h = 0; h < householdCount; h += 1) {
    let room: string;
    do {
      room = `${rng.int(1, units)}单元${rng.int(1, floors)}${String(rng.int(1, doors)).padStart(2, '0')}`;
    } while (rooms.has(room));
    rooms.add(room);
    const householdId = ids.next('households');
    const cents = Math.round((rng.int(4500, 16000) + rng.int(4500, 16000)) / 2);
    batch.households.push({
      id: householdId, ...chain, gridId, buildingId, room, address: `${address}${room}`,
      floorArea: (cents / 100).toFixed(2), ...stamps,
    });

    const { members, singleElderly } = people.household();
    const floating = !singleElderly && rng.chance(0.16);
    const inDifficulty = rng.chance(0.02);
    const region = floating ? rng.pick(ORIGIN_CODES) : plan.region;
    for (const m of members) {
      const birthDate = birthDateForAge(rng, m.age);
      // Registered residents mostly hold the district's code; some moved in from elsewhere in the province.
      const ownRegion = floating || rng.chance(0.8) ? region : rng.pick(DISTRICTS).code;
      const tags: Tag[] = [];
      if (m.age >= 18 && rng.chance(0.08)) tags.push('PARTY_MEMBER');
      if (m.gender === 'MALE' && m.age > 30 && rng.chance(0.03)) tags.push('VETERAN');
      if (singleElderly) tags.push('ELDERLY_LIVING_ALONE');
      if (rng.chance(0.02)) tags.push('DISABLED');
      if (m.age < 16 && rng.chance(0.05)) tags.push('LEFT_BEHIND_CHILD');
      if (inDifficulty) tags.push('FAMILY_IN_DIFFICULTY');
      const phoneChance = m.age >= 18 ? (m.age >= 80 ? 0.85 : 0.985) : m.age >= 12 ? 0.75 : 0;
      const phone = rng.chance(phoneChance) ? people.mobile() : null;
      const name = m.surname + people.givenName(m.gender, m.age);
      batch.residents.push({
        id: ids.next('residents'), ...chain, gridId, householdId, name,
        ...storedIdCard(personalDataKey, people.idCard(ownRegion, birthDate, m.gender)), phone, gender: m.gender, birthDate,
        registration: floating ? 'FLOATING' : 'REGISTERED', tags, householder: m.householder, ...stamps,
      });
      if (!head && phone && !floating && m.age >= 30 && m.age <= 72) head = { name, phone };
    }
  }
  return { buildingId, head };
}
