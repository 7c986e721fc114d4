import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { toGlobalId } from '../../src/graphql/ids';
import { grids, households, residents } from '../../src/modules/grid/grid.tables';
import { partyMembers, partyOrganisations, reportingUnits } from '../../src/modules/party/party.tables';
import { Role, type TestServer } from './server';

let made = 0;

/** Residents of a building who are not registered as party members yet, in id order. */
export async function unregisteredResidents(db: Db, buildingId: number, n: number) {
  return db.select().from(residents)
    .where(and(
      sql`${residents.householdId} in (select ${households.id} from ${households} where ${households.buildingId} = ${buildingId})`,
      sql`not exists (select 1 from ${partyMembers} m where m.resident_id = ${residents.id})`,
    ))
    .orderBy(asc(residents.id))
    .limit(n);
}

/** A reporting unit made for one test, straight into the table. */
export async function insertUnit(db: Db, name = `测试报到单位${++made}`) {
  const [unit] = await db.insert(reportingUnits).values({ name, kind: 'PUBLIC_INSTITUTION', contactName: '王敏', contactPhone: '0543-3161234' }).returning();
  return { ...unit, gid: toGlobalId('ReportingUnit', unit.id) };
}

export interface MemberFixture {
  gridId: number;
  residentId?: number;
  workUnitId?: number;
  organisationId?: number | null;
  showsIdentity?: boolean;
  name?: string;
  phone?: string | null;
}

/**
 * A party member made for one test, straight into the table, placed in `gridId`: a resident
 * member when `residentId` is given, else an in-service member of `workUnitId` or of a new unit.
 */
export async function insertMember(db: Db, fixture: MemberFixture) {
  const [grid] = await db.select().from(grids).where(eq(grids.id, fixture.gridId));
  const workUnitId = fixture.workUnitId ?? (fixture.residentId ? null : (await insertUnit(db)).id);
  const [member] = await db.insert(partyMembers).values({
    districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id,
    organisationId: fixture.organisationId ?? null,
    kind: workUnitId === null ? 'RESIDENT' : 'IN_SERVICE',
    residentId: fixture.residentId ?? null,
    workUnitId,
    name: fixture.name ?? `测试党员${++made}`,
    phone: fixture.phone === undefined ? '13905431234' : fixture.phone,
    showsIdentity: fixture.showsIdentity ?? false,
  }).returning();
  return { ...member, gid: toGlobalId('PartyMember', member.id) };
}

/** A PARTY_MEMBER token for a member. */
export function memberToken(t: TestServer, memberId: number) {
  return t.token(Role.PARTY_MEMBER, { type: 'PartyMember', key: memberId }, `member-${memberId}`);
}

/**
 * The party organisations over a building of a level-2 grid: the grid branch, its committee,
 * and a building group made for the test under the branch, so that it has no seeded members.
 */
export async function organisationsOver(db: Db, level2GridId: number, building: { id: number; gridId: number }) {
  const [branch] = await db.select().from(partyOrganisations).where(and(eq(partyOrganisations.gridId, level2GridId), eq(partyOrganisations.kind, 'GRID_BRANCH')));
  const [committee] = await db.select().from(partyOrganisations).where(eq(partyOrganisations.id, branch.parentId!));
  const [group] = await db.insert(partyOrganisations).values({
    districtId: branch.districtId, streetId: branch.streetId, communityId: branch.communityId, gridId: building.gridId, buildingId: building.id,
    parentId: branch.id, kind: 'BUILDING_GROUP', name: `测试党小组${++made}`,
  }).returning();
  return {
    branch, group, committee,
    ids: { branch: toGlobalId('PartyOrganisation', branch.id), group: toGlobalId('PartyOrganisation', group.id), committee: toGlobalId('PartyOrganisation', committee.id) },
  };
}
