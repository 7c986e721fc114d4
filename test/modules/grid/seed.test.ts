import type { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, wrapPglite } from '../../../src/db/client';
import { migrateDatabase } from '../../../src/db/migrate';
import { TEST_PERSONAL_DATA_KEY } from '../../helpers/database';
import { type GridSeedSummary, SEED_REFERENCE_DATE, seedGrid } from '../../../src/modules/grid/grid.seed';
import { grids, households, residents, staffAssignments, staffMembers } from '../../../src/modules/grid/grid.tables';
import { checkIdCard, isMainlandMobile, maskIdCard } from '../../../src/modules/grid/identity';

let database: Database;
let twin: Database;
let summary: GridSeedSummary;
let twinSummary: GridSeedSummary;

async function rows<T>(db: Database, query: SQL): Promise<T[]> {
  return ((await db.db.execute(query)) as unknown as { rows: T[] }).rows;
}

async function one<T>(query: SQL, db = database): Promise<T> {
  return (await rows<T>(db, query))[0];
}

/** Whole years between a birth date and the reference date. */
function ageOn(birthDate: string, on = SEED_REFERENCE_DATE): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

beforeAll(async () => {
  database = await openDatabase({});
  await migrateDatabase(database, TEST_PERSONAL_DATA_KEY);
  // A fresh, migrated twin for the determinism check (cloning is much faster than a new start).
  twin = wrapPglite((await database.pglite!.clone()) as PGlite);
  summary = await seedGrid(database.db, { scale: 1, personalDataKey: TEST_PERSONAL_DATA_KEY });
  twinSummary = await seedGrid(twin.db, { scale: 1, personalDataKey: TEST_PERSONAL_DATA_KEY });
}, 120_000);

afterAll(async () => {
  await twin?.close();
  await database?.close();
});

describe('seedGrid at scale 1', () => {
  it('builds a district of 3 streets, 12 communities and 156 grids with about 5,000 residents', async () => {
    expect(summary).toMatchObject({ districts: 1, streets: 3, communities: 12, grids: 156 });
    expect(summary.buildings).toBeGreaterThanOrEqual(108);
    expect(summary.buildings).toBeLessThanOrEqual(324);
    expect(summary.households).toBeGreaterThan(1_700);
    expect(summary.households).toBeLessThan(2_300);
    expect(summary.residents).toBeGreaterThan(4_300);
    expect(summary.residents).toBeLessThan(5_700);
    expect(summary.residents / summary.households).toBeGreaterThan(2.3);
    expect(summary.residents / summary.households).toBeLessThan(2.7);

    const counted = await one<Record<string, number>>(sql`select
      (select count(*)::int from districts) as districts, (select count(*)::int from streets) as streets,
      (select count(*)::int from communities) as communities, (select count(*)::int from grids) as grids,
      (select count(*)::int from buildings) as buildings, (select count(*)::int from households) as households,
      (select count(*)::int from residents) as residents, (select count(*)::int from staff_members) as "staffMembers",
      (select count(*)::int from staff_assignments) as "staffAssignments"`);
    expect(counted).toEqual(summary);

    const district = await one<{ code: string; name: string }>(sql`select code, name from districts`);
    expect(district).toEqual({ code: '371602', name: '滨城区' });
    const levels = await rows<{ level: string; depth: number; n: number }>(database,
      sql`select level, depth, count(*)::int as n from grids group by 1, 2 order by 2`);
    expect(levels).toEqual([
      { level: 'LEVEL_1', depth: 1, n: 12 },
      { level: 'LEVEL_2', depth: 2, n: 36 },
      { level: 'MICRO', depth: 3, n: 108 },
    ]);
  });

  it('gives every resident a valid, unique ID card number that matches their gender and birth date, stored sealed', async () => {
    const rows = await database.db.select({
      idCardEncrypted: residents.idCardEncrypted, idCardHash: residents.idCardHash, idCardMasked: residents.idCardMasked,
      gender: residents.gender, birthDate: residents.birthDate, phone: residents.phone, name: residents.name,
    }).from(residents);
    const all = rows.map((r) => ({ ...r, idCardNumber: TEST_PERSONAL_DATA_KEY.open(r.idCardEncrypted) }));
    const bad = all.filter((r) => {
      const check = checkIdCard(r.idCardNumber);
      return !check.ok || check.facts.gender !== r.gender || check.facts.birthDate !== r.birthDate
        || r.idCardHash !== TEST_PERSONAL_DATA_KEY.lookup(r.idCardNumber) || r.idCardMasked !== maskIdCard(r.idCardNumber);
    });
    expect(bad).toEqual([]);
    expect(new Set(all.map((r) => r.idCardNumber)).size).toBe(all.length);
    expect(all.every((r) => r.phone === null || isMainlandMobile(r.phone))).toBe(true);
    const withPhone = all.filter((r) => r.phone !== null).length / all.length;
    expect(withPhone).toBeGreaterThan(0.78);
    expect(withPhone).toBeLessThan(0.92);
    expect(all.every((r) => /^\p{Script=Han}{2,4}$/u.test(r.name))).toBe(true);
    expect(all.every((r) => r.birthDate <= SEED_REFERENCE_DATE)).toBe(true);
  });

  it('has exactly one householder in every household of 1 to 5 people', async () => {
    const households = await rows<{ size: number; heads: number }>(database, sql`
      select count(*)::int as size, count(*) filter (where householder)::int as heads
      from residents group by household_id`);
    expect(households.length).toBe(summary.households);
    expect(households.every((h) => h.heads === 1 && h.size >= 1 && h.size <= 5)).toBe(true);
  });

  it('tags residents with plausible frequencies and only where the facts allow', async () => {
    const all = await database.db.select({
      householdId: residents.householdId, gender: residents.gender, birthDate: residents.birthDate, tags: residents.tags,
      registration: residents.registration,
    }).from(residents);
    const size = new Map<number, number>();
    for (const r of all) size.set(r.householdId, (size.get(r.householdId) ?? 0) + 1);
    const share = (tag: string, among: typeof all) => among.filter((r) => r.tags.includes(tag as never)).length / among.length;

    for (const r of all) {
      const age = ageOn(r.birthDate);
      if (r.tags.includes('ELDERLY_LIVING_ALONE')) expect(age >= 70 && size.get(r.householdId) === 1).toBe(true);
      if (r.tags.includes('LEFT_BEHIND_CHILD')) expect(age).toBeLessThan(16);
      if (r.tags.includes('VETERAN')) expect(r.gender === 'MALE' && age > 30).toBe(true);
      if (r.tags.includes('PARTY_MEMBER')) expect(age).toBeGreaterThanOrEqual(18);
    }
    const adults = all.filter((r) => ageOn(r.birthDate) >= 18);
    expect(share('PARTY_MEMBER', adults)).toBeGreaterThan(0.05);
    expect(share('PARTY_MEMBER', adults)).toBeLessThan(0.11);
    expect(share('DISABLED', all)).toBeGreaterThan(0.01);
    expect(share('DISABLED', all)).toBeLessThan(0.035);
    const floating = all.filter((r) => r.registration === 'FLOATING').length / all.length;
    expect(floating).toBeGreaterThan(0.1);
    expect(floating).toBeLessThan(0.2);

    const households = await one<{ total: number; alone: number; difficulty: number; partial: number }>(sql`
      select count(*)::int as total,
        count(*) filter (where alone)::int as alone,
        count(*) filter (where difficulty = size)::int as difficulty,
        count(*) filter (where difficulty > 0 and difficulty < size)::int as partial
      from (select household_id, count(*) as size,
              bool_or('ELDERLY_LIVING_ALONE' = any(tags)) as alone,
              count(*) filter (where 'FAMILY_IN_DIFFICULTY' = any(tags)) as difficulty
            from residents group by household_id) h`);
    expect(households.partial).toBe(0);
    expect(households.alone / households.total).toBeGreaterThan(0.015);
    expect(households.alone / households.total).toBeLessThan(0.05);
    expect(households.difficulty / households.total).toBeGreaterThan(0.01);
    expect(households.difficulty / households.total).toBeLessThan(0.035);
  });

  it('puts every grid inside its parent, and every micro grid centre inside its ancestors', async () => {
    const outside = await one<{ n: number }>(sql`
      select count(*)::int as n from grids c join grids p on p.id = c.parent_grid_id
      where not (p.boundary @> c.boundary) or p.community_id <> c.community_id or p.depth <> c.depth - 1`);
    expect(outside.n).toBe(0);
    const orphans = await one<{ n: number }>(sql`
      select count(*)::int as n from grids where (parent_grid_id is null) <> (level = 'LEVEL_1')`);
    expect(orphans.n).toBe(0);

    const centres = await rows<{ ancestors: number; micros: number }>(database, sql`
      select
        (select count(*)::int from grids a where a.boundary @> @@ m.boundary
           and a.id in (p.id, p.parent_grid_id)) as ancestors,
        (select count(*)::int from grids o where o.level = 'MICRO' and o.boundary @> @@ m.boundary) as micros
      from grids m join grids p on p.id = m.parent_grid_id
      where m.level = 'MICRO'`);
    expect(centres.length).toBe(108);
    // The centre lies in the level-2 and level-1 ancestors, and in no other micro grid.
    expect(centres.every((c) => c.ancestors === 2 && c.micros === 1)).toBe(true);

    // Streets are disjoint: no two level-1 grids of different streets overlap.
    const overlaps = await one<{ n: number }>(sql`
      select count(*)::int as n from grids a join grids b on a.id < b.id
      where a.level = 'LEVEL_1' and b.level = 'LEVEL_1' and a.street_id <> b.street_id
        and coalesce(area(box(a.boundary) # box(b.boundary)), 0) > 0`);
    expect(overlaps.n).toBe(0);
  });

  it('codes grids hierarchically under their community, uniquely', async () => {
    const all = await rows<{ code: string; depth: number; community: string; street: string; district: string; parent: string | null }>(
      database, sql`
      select g.code, g.depth, c.code as community, s.code as street, d.code as district, p.code as parent
      from grids g join communities c on c.id = g.community_id join streets s on s.id = g.street_id
        join districts d on d.id = g.district_id left join grids p on p.id = g.parent_grid_id
      where c.street_id = g.street_id and s.district_id = g.district_id`);
    expect(all.length).toBe(156);
    expect(new Set(all.map((g) => g.code)).size).toBe(all.length);
    for (const g of all) {
      expect(g.code).toMatch(new RegExp(`^\\d{12}(-\\d{2}){${g.depth}}$`));
      expect(g.code.startsWith(`${g.community}-`)).toBe(true);
      expect(g.community.startsWith(g.street) && g.street.startsWith(g.district)).toBe(true);
      if (g.parent) expect(g.code.startsWith(`${g.parent}-`)).toBe(true);
    }
  });

  it('copies the administrative chain down to buildings, households and residents', async () => {
    const broken = await one<{ buildings: number; households: number; residents: number; assignments: number }>(sql`
      select
        (select count(*)::int from buildings b join grids g on g.id = b.grid_id
          where g.level <> 'MICRO' or (b.district_id, b.street_id, b.community_id) <> (g.district_id, g.street_id, g.community_id)) as buildings,
        (select count(*)::int from households h join buildings b on b.id = h.building_id
          where (h.district_id, h.street_id, h.community_id, h.grid_id) <> (b.district_id, b.street_id, b.community_id, b.grid_id)
             or h.address <> b.address || h.room or h.floor_area not between 45 and 160) as households,
        (select count(*)::int from residents r join households h on h.id = r.household_id
          where (r.district_id, r.street_id, r.community_id, r.grid_id) <> (h.district_id, h.street_id, h.community_id, h.grid_id)) as residents,
        (select count(*)::int from staff_assignments a join grids g on g.id = a.grid_id
          where (a.district_id, a.street_id, a.community_id) <> (g.district_id, g.street_id, g.community_id)) as assignments`);
    expect(broken).toEqual({ buildings: 0, households: 0, residents: 0, assignments: 0 });
    const sample = await database.db.select({ room: households.room, address: households.address }).from(households).limit(50);
    for (const h of sample) {
      expect(h.room).toMatch(/^\d单元\d{3,4}$/);
      expect(h.address).toMatch(/^滨州市滨城区.+街道.+社区.+小区\d+号楼\d单元\d{3,4}$/);
    }
  });

  it('staffs every grid and building, with some people holding two posts', async () => {
    const missing = await rows<{ level: string; role: string; grids: number; posts: number }>(database, sql`
      with expected(level, role) as (values
        ('LEVEL_1', 'GRID_LEADER'), ('LEVEL_1', 'GRID_INSTRUCTOR'),
        ('LEVEL_2', 'GRID_WORKER'), ('LEVEL_2', 'GRID_POLICE_OFFICER'), ('LEVEL_2', 'GRID_FAMILY_DOCTOR'),
        ('LEVEL_2', 'GRID_SUPERVISOR'), ('LEVEL_2', 'GRID_ASSISTANT'), ('MICRO', 'MICRO_GRID_WORKER'))
      select e.level, e.role, count(*)::int as grids,
        count(*) filter (where (select count(*) from staff_assignments a where a.grid_id = g.id and a.role::text = e.role) = 1)::int as posts
      from expected e join grids g on g.level::text = e.level group by 1, 2`);
    for (const m of missing) expect(m.posts, `${m.level} ${m.role}`).toBe(m.grids);

    const buildingHeads = await one<{ buildings: number; headed: number; stray: number }>(sql`
      select (select count(*)::int from buildings) as buildings,
        (select count(distinct building_id)::int from staff_assignments where role = 'BUILDING_HEAD') as headed,
        (select count(*)::int from staff_assignments a left join buildings b on b.id = a.building_id
          where (a.role = 'BUILDING_HEAD') <> (a.building_id is not null) or (b.id is not null and b.grid_id <> a.grid_id)) as stray`);
    expect(buildingHeads.headed).toBe(buildingHeads.buildings);
    expect(buildingHeads.stray).toBe(0);

    const members = await database.db.select().from(staffMembers);
    expect(members.every((m) => m.subject === `staff-${m.id}` && isMainlandMobile(m.phone) && m.name.length >= 2)).toBe(true);
    const posts = await database.db.select({ member: staffAssignments.staffMemberId, startedOn: staffAssignments.startedOn, endedOn: staffAssignments.endedOn })
      .from(staffAssignments);
    expect(posts.every((p) => p.startedOn >= '2023-01-01' && p.startedOn <= '2025-12-31' && p.endedOn === null)).toBe(true);
    const perMember = new Map<number, number>();
    for (const p of posts) perMember.set(p.member, (perMember.get(p.member) ?? 0) + 1);
    expect([...perMember.values()].filter((n) => n > 1).length).toBeGreaterThanOrEqual(12);
    expect(perMember.size).toBe(members.length);
  });

  it('gives identical rows when seeded again into a fresh database, but for the random IVs of the sealed ID numbers', async () => {
    expect(twinSummary).toEqual(summary);
    const digest = (db: Database, table: string) => one<{ md5: string }>(
      sql`select md5(string_agg((to_jsonb(t) - 'id_card_encrypted')::text, E'\n' order by t.id)) as md5 from ${sql.identifier(table)} t`, db);
    for (const table of ['residents', 'households', 'buildings', 'grids', 'staff_members', 'staff_assignments']) {
      expect((await digest(twin, table)).md5, table).toBe((await digest(database, table)).md5);
    }
    const sealed = async (db: Database) => (await db.db.select({ sealed: residents.idCardEncrypted }).from(residents).orderBy(residents.id).limit(100))
      .map((r) => r.sealed);
    const [ours, theirs] = [await sealed(database), await sealed(twin)];
    expect(theirs.map((s) => TEST_PERSONAL_DATA_KEY.open(s))).toEqual(ours.map((s) => TEST_PERSONAL_DATA_KEY.open(s)));
    expect(theirs.filter((s, i) => s === ours[i])).toEqual([]);
    // Not a trivially empty digest: the first resident is a real person.
    const [first] = await database.db.select().from(residents).orderBy(residents.id).limit(1);
    expect(first.householder).toBe(true);
  });

  it('moves every id sequence past the seeded ids', async () => {
    const max = await one<{ max: number }>(sql`select max(id)::int as max from grids`);
    const [added] = await database.db.insert(grids).values({
      districtId: 1, streetId: 1, communityId: 1, level: 'LEVEL_1', depth: 1, code: 'test-sequence', name: 'test',
      boundary: [[0, 0], [1, 0], [1, 1]],
    }).returning({ id: grids.id });
    expect(added.id).toBe(max.max + 1);
  });
});
