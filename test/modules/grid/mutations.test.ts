import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { idCardCheckChar } from '../../../src/modules/grid/identity';
import { grids, households, residents, staffMembers, streets } from '../../../src/modules/grid/grid.tables';
import { TEST_PERSONAL_DATA_KEY } from '../../helpers/database';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;
let admin: string;
let worker: string;
let secretary: string;

const idCard = (first17: string) => first17 + idCardCheckChar(first17);
const tableCount = async (table: typeof residents | typeof households | typeof grids | typeof streets | typeof staffMembers) =>
  (await t.database.db.select({ n: count() }).from(table))[0].n;

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  admin = await t.token(Role.CITY_ADMIN);
  worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id });
  secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id });
});
afterAll(async () => t?.close());

const RESIDENT_CREATE = `mutation($input: ResidentCreateInput!) {
  residentCreate(input: $input) {
    resident { id name idCardNumber phone gender birthDate tags household { id } }
    userErrors { field message code }
  }
}`;

describe('residents', () => {
  test('a grid worker records a resident in their grid; gender and birth date come from the ID number', async () => {
    const number = idCard('37160219900704002');
    const r = await t.gql(RESIDENT_CREATE, {
      input: { householdId: u.ids.household, name: '王秀英', idCardNumber: number, phone: '13912345678', registration: 'FLOATING', tags: ['PARTY_MEMBER'] },
    }, worker);
    expect(r.errors).toBeUndefined();
    expect(r.data.residentCreate.userErrors).toEqual([]);
    expect(r.data.residentCreate.resident).toMatchObject({
      name: '王秀英', gender: 'FEMALE', birthDate: '1990-07-04', idCardNumber: `371***********${number.slice(-4)}`, phone: '139****5678',
      tags: ['PARTY_MEMBER'], household: { id: u.ids.household },
    });
    const [row] = await t.database.db.select().from(residents).where(eq(residents.idCardHash, TEST_PERSONAL_DATA_KEY.lookup(number)));
    expect(row.registration).toBe('FLOATING');
  });

  test('bad input answers user errors naming every field, and writes nothing', async () => {
    const before = await tableCount(residents);
    const r = await t.gql(RESIDENT_CREATE, {
      input: { householdId: u.ids.household, name: '李明', idCardNumber: '371602199007040021', phone: '12345', registration: 'REGISTERED' },
    }, worker);
    expect(r.data.residentCreate.resident).toBeNull();
    expect(r.data.residentCreate.userErrors).toEqual(expect.arrayContaining([
      { field: ['input', 'idCardNumber'], code: 'INVALID', message: expect.stringContaining('check digit') },
      { field: ['input', 'phone'], code: 'INVALID', message: expect.any(String) },
    ]));
    const blank = await t.gql(RESIDENT_CREATE, {
      input: { householdId: u.ids.household, name: '', idCardNumber: '37160219', registration: 'REGISTERED' },
    }, worker);
    expect(blank.data.residentCreate.userErrors).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: ['input', 'name'], code: 'REQUIRED' }),
      expect.objectContaining({ field: ['input', 'idCardNumber'], code: 'INVALID' }),
    ]));
    const mismatch = await t.gql(RESIDENT_CREATE, {
      input: { householdId: u.ids.household, name: '李明', idCardNumber: idCard('37160219900704001'), gender: 'FEMALE', birthDate: '1990-07-05', registration: 'REGISTERED' },
    }, worker);
    expect(mismatch.data.residentCreate.userErrors.map((e: { field: string[] }) => e.field)).toEqual([['input', 'gender'], ['input', 'birthDate']]);
    expect(await tableCount(residents)).toBe(before);
  });

  test('a duplicate ID number is refused as DUPLICATE', async () => {
    const r = await t.gql(RESIDENT_CREATE, {
      input: { householdId: u.ids.household, name: '重复', idCardNumber: u.resident.idCardNumber, registration: 'REGISTERED' },
    }, admin);
    expect(r.data.residentCreate.userErrors).toEqual([{ field: ['input', 'idCardNumber'], code: 'DUPLICATE', message: expect.any(String) }]);
  });

  test('a second householder is refused; the household keeps one', async () => {
    const r = await t.gql(RESIDENT_CREATE, {
      input: { householdId: u.ids.household, name: '张伟', idCardNumber: idCard('37160219800101003'), registration: 'REGISTERED', householder: true },
    }, admin);
    expect(r.data.residentCreate.userErrors[0]).toMatchObject({ field: ['input', 'householder'], code: 'DUPLICATE' });
  });

  test('a grid worker cannot write outside their grid: the household is not found for them', async () => {
    const before = await tableCount(residents);
    const r = await t.gql(RESIDENT_CREATE, {
      input: { householdId: u.ids.otherHousehold, name: '赵强', idCardNumber: idCard('37160219750505001'), registration: 'REGISTERED' },
    }, worker);
    expect(r.data.residentCreate.userErrors).toEqual([{ field: ['input', 'householdId'], code: 'NOT_FOUND', message: expect.any(String) }]);
    expect(await tableCount(residents)).toBe(before);
  });

  test('residentUpdate changes tags and phone, moves households, and checks like create', async () => {
    const r = await t.gql(`mutation($id: ID!, $input: ResidentUpdateInput!) {
      residentUpdate(id: $id, input: $input) { resident { tags phone household { id } } userErrors { field code } }
    }`, { id: u.ids.resident, input: { tags: ['VETERAN', 'DISABLED'], phone: '13700001111' } }, secretary);
    expect(r.data.residentUpdate).toEqual({ resident: { tags: ['VETERAN', 'DISABLED'], phone: '137****1111', household: { id: u.ids.household } }, userErrors: [] });
    const wrongType = await t.gql(`mutation($id: ID!) { residentUpdate(id: $id, input: { name: "x" }) { resident { id } userErrors { field code } } }`, { id: u.ids.household }, secretary);
    expect(wrongType.data.residentUpdate.userErrors).toEqual([{ field: ['id'], code: 'NOT_FOUND' }]);
    const badPhone = await t.gql(`mutation($id: ID!) { residentUpdate(id: $id, input: { phone: "999" }) { userErrors { field code } } }`, { id: u.ids.resident }, secretary);
    expect(badPhone.data.residentUpdate.userErrors).toEqual([{ field: ['input', 'phone'], code: 'INVALID' }]);
  });
});

describe('households and buildings', () => {
  test('householdCreate derives the address, refuses a duplicate room and a zero area', async () => {
    const ok = await t.gql(`mutation($input: HouseholdCreateInput!) { householdCreate(input: $input) { household { room address floorArea building { id } } userErrors { field code } } }`,
      { input: { buildingId: u.ids.building, room: '9单元999', floorArea: '88.50' } }, worker);
    expect(ok.data.householdCreate).toEqual({
      household: { room: '9单元999', address: `${u.building.address}9单元999`, floorArea: '88.50', building: { id: u.ids.building } }, userErrors: [],
    });
    const again = await t.gql(`mutation($input: HouseholdCreateInput!) { householdCreate(input: $input) { household { room } userErrors { field code } } }`,
      { input: { buildingId: u.ids.building, room: '9单元999', floorArea: '88.50' } }, worker);
    expect(again.data.householdCreate.userErrors).toEqual([{ field: ['input', 'room'], code: 'DUPLICATE' }]);
    const zero = await t.gql(`mutation($input: HouseholdCreateInput!) { householdCreate(input: $input) { userErrors { field code } } }`,
      { input: { buildingId: u.ids.building, room: '9单元998', floorArea: '0' } }, worker);
    expect(zero.data.householdCreate.userErrors).toEqual([{ field: ['input', 'floorArea'], code: 'INVALID' }]);
    const float = await t.gql(`mutation($input: HouseholdCreateInput!) { householdCreate(input: $input) { userErrors { field code } } }`,
      { input: { buildingId: u.ids.building, room: '9单元998', floorArea: '12.345' } }, worker);
    expect(float.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('buildingCreate and buildingUpdate', async () => {
    const created = await t.gql(`mutation($input: BuildingCreateInput!) { buildingCreate(input: $input) { building { id name floors grid { id } } userErrors { field code } } }`,
      { input: { gridId: u.ids.micro, name: '12号楼', address: '测试路12号', floors: 6 } }, worker);
    expect(created.data.buildingCreate.building).toMatchObject({ name: '12号楼', floors: 6, grid: { id: u.ids.micro } });
    const updated = await t.gql(`mutation($id: ID!) { buildingUpdate(id: $id, input: { floors: 0 }) { building { floors } userErrors { field code } } }`,
      { id: created.data.buildingCreate.building.id }, worker);
    expect(updated.data.buildingUpdate.userErrors).toEqual([{ field: ['input', 'floors'], code: 'INVALID' }]);
    const outside = await t.gql(`mutation($input: BuildingCreateInput!) { buildingCreate(input: $input) { userErrors { field code } } }`,
      { input: { gridId: u.ids.otherLevel2, name: '1号楼', address: '别处' } }, worker);
    expect(outside.data.buildingCreate.userErrors).toEqual([{ field: ['input', 'gridId'], code: 'OUT_OF_SCOPE' }]);
  });
});

describe('grids', () => {
  const ringOf = (ring: [number, number][]) => ({ type: 'Polygon', coordinates: [[...ring, ring[0]]] });
  const shrink = (ring: [number, number][], f: number): [number, number][] => {
    const cx = ring.reduce((s, p) => s + p[0], 0) / ring.length;
    const cy = ring.reduce((s, p) => s + p[1], 0) / ring.length;
    return ring.map(([x, y]) => [cx + (x - cx) * f, cy + (y - cy) * f]);
  };
  const GRID_CREATE = `mutation($input: GridCreateInput!) { gridCreate(input: $input) { grid { id code level parent { id } community { id } } userErrors { field code message } } }`;

  test('a sub-grid gets the next code under its parent and the level below it', async () => {
    const r = await t.gql(GRID_CREATE, { input: { parentGridId: u.ids.micro, name: 'x', boundary: ringOf(shrink(u.micro.boundary, 0.5)) } }, secretary);
    expect(r.data.gridCreate.userErrors).toEqual([expect.objectContaining({ field: ['input', 'parentGridId'], code: 'INVALID' })]);
    const [{ n: siblings }] = await t.database.db.select({ n: count() }).from(grids).where(eq(grids.parentGridId, u.level2.id));
    const ok = await t.gql(GRID_CREATE, { input: { parentGridId: u.ids.level2, name: '新微网格', boundary: ringOf(shrink(u.level2.boundary, 0.1)) } }, secretary);
    expect(ok.data.gridCreate.userErrors).toEqual([]);
    expect(ok.data.gridCreate.grid).toMatchObject({
      code: `${u.level2.code}-${String(siblings + 1).padStart(2, '0')}`, level: 'MICRO', parent: { id: u.ids.level2 }, community: { id: u.ids.community },
    });
    const found = await t.gql(`query($c: String!) { gridByCode(code: $c) { id } }`, { c: ok.data.gridCreate.grid.code });
    expect(found.data.gridByCode.id).toBe(ok.data.gridCreate.grid.id);
  });

  test('a boundary outside the parent, a crossing ring and a taken code are refused, nothing written', async () => {
    const before = await tableCount(grids);
    const outside = await t.gql(GRID_CREATE, { input: { parentGridId: u.ids.level2, name: 'x', boundary: ringOf(shrink(u.level2.boundary, 1.5)) } }, secretary);
    expect(outside.data.gridCreate.userErrors).toEqual([expect.objectContaining({ field: ['input', 'boundary'], code: 'INVALID', message: expect.stringContaining('inside the parent') })]);
    const crossing = await t.gql(GRID_CREATE, { input: { parentGridId: u.ids.level2, name: 'x', boundary: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] } } }, secretary);
    expect(crossing.data.gridCreate.userErrors).toEqual([expect.objectContaining({ field: ['input', 'boundary'], code: 'INVALID' })]);
    const taken = await t.gql(GRID_CREATE, { input: { parentGridId: u.ids.level2, code: u.micro.code, name: 'x', boundary: ringOf(shrink(u.level2.boundary, 0.1)) } }, secretary);
    expect(taken.data.gridCreate.userErrors).toEqual([expect.objectContaining({ field: ['input', 'code'], code: 'DUPLICATE' })]);
    const badCode = await t.gql(GRID_CREATE, { input: { parentGridId: u.ids.level2, code: '999999999999-01-01', name: 'x', boundary: ringOf(shrink(u.level2.boundary, 0.1)) } }, secretary);
    expect(badCode.data.gridCreate.userErrors).toEqual([expect.objectContaining({ field: ['input', 'code'], code: 'INVALID' })]);
    expect(await tableCount(grids)).toBe(before);
  });

  test('redrawing a boundary must keep every sub-grid inside', async () => {
    const r = await t.gql(`mutation($id: ID!, $b: GeoJSON!) { gridUpdate(id: $id, input: { boundary: $b }) { grid { id } userErrors { field code message } } }`,
      { id: u.ids.level2, b: ringOf(shrink(u.level2.boundary, 0.2)) }, secretary);
    expect(r.data.gridUpdate.userErrors).toEqual([expect.objectContaining({ field: ['input', 'boundary'], code: 'INVALID', message: expect.stringContaining('sub-grid') })]);
    const [row] = await t.database.db.select().from(grids).where(eq(grids.id, u.level2.id));
    expect(row.boundary).toEqual(u.level2.boundary);
  });
});

describe('streets, communities and staff', () => {
  test('streets: admin creates with the next code, street officers may not', async () => {
    const officer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id });
    const district = (await t.gql(`{ districts(first: 1) { nodes { id code } } }`)).data.districts.nodes[0];
    const refused = await t.gql(`mutation($d: ID!) { streetCreate(input: { districtId: $d, name: "新街道" }) { street { id } } }`, { d: district.id }, officer);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const before = await tableCount(streets);
    const r = await t.gql(`mutation($d: ID!) { streetCreate(input: { districtId: $d, name: "新街道" }) { street { code name } userErrors { field code } } }`, { d: district.id }, admin);
    expect(r.data.streetCreate.street.code).toMatch(new RegExp(`^${district.code}\\d{3}$`));
    expect(await tableCount(streets)).toBe(before + 1);
    const dup = await t.gql(`mutation($d: ID!, $c: String!) { streetCreate(input: { districtId: $d, code: $c, name: "x" }) { userErrors { field code } } }`,
      { d: district.id, c: r.data.streetCreate.street.code }, admin);
    expect(dup.data.streetCreate.userErrors).toEqual([{ field: ['input', 'code'], code: 'DUPLICATE' }]);
  });

  test('a street officer creates communities only in their own street', async () => {
    const officer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id });
    const own = await t.gql(`mutation($s: ID!) { communityCreate(input: { streetId: $s, name: "新社区" }) { community { code street { id } } userErrors { code } } }`, { s: u.ids.street }, officer);
    expect(own.data.communityCreate.community).toMatchObject({ code: expect.stringMatching(new RegExp(`^${u.street.code}\\d{3}$`)), street: { id: u.ids.street } });
    const other = await t.gql(`mutation($s: ID!) { communityCreate(input: { streetId: $s, name: "别的社区" }) { community { code } userErrors { field code } } }`, { s: u.ids.otherStreet }, officer);
    expect(other.data.communityCreate).toEqual({ community: null, userErrors: [{ field: ['input', 'streetId'], code: 'OUT_OF_SCOPE' }] });
  });

  test('staff assignments make and end public contact cards', async () => {
    const r = await t.gql(`mutation($input: StaffAssignmentCreateInput!) {
      staffAssignmentCreate(input: $input) { staffAssignment { id role staffMember { name phone } grid { id } } userErrors { field code } }
    }`, { input: { gridId: u.ids.micro, role: 'GRID_FAMILY_DOCTOR', newMember: { name: '刘医生', phone: '13612345678' } } }, secretary);
    expect(r.data.staffAssignmentCreate.staffAssignment).toMatchObject({ role: 'GRID_FAMILY_DOCTOR', staffMember: { name: '刘医生', phone: '13612345678' } });
    const board = async () => (await t.gql(`query($g: ID!) { node(id: $g) { ... on Grid { staff { id role staffMember { name phone } } } } }`, { g: u.ids.micro })).data.node.staff;
    expect(await board()).toContainEqual(expect.objectContaining({ role: 'GRID_FAMILY_DOCTOR', staffMember: { name: '刘医生', phone: '13612345678' } }));

    const id = r.data.staffAssignmentCreate.staffAssignment.id;
    const early = await t.gql(`mutation($id: ID!) { staffAssignmentUpdate(id: $id, input: { endedOn: "2001-01-01" }) { userErrors { field code } } }`, { id }, secretary);
    expect(early.data.staffAssignmentUpdate.userErrors).toEqual([{ field: ['input', 'endedOn'], code: 'INVALID' }]);
    const ended = await t.gql(`mutation($id: ID!, $d: Date!) { staffAssignmentUpdate(id: $id, input: { endedOn: $d }) { staffAssignment { endedOn } userErrors { code } } }`, { id, d: '2099-01-01' }, secretary);
    expect(ended.data.staffAssignmentUpdate.staffAssignment.endedOn).toBe('2099-01-01');
    expect((await board()).map((s: { id: string }) => s.id)).not.toContain(id);

    const members = await tableCount(staffMembers);
    const noBuilding = await t.gql(`mutation($input: StaffAssignmentCreateInput!) { staffAssignmentCreate(input: $input) { userErrors { field code } } }`,
      { input: { gridId: u.ids.micro, role: 'BUILDING_HEAD', newMember: { name: '楼长', phone: '13612345670' } } }, secretary);
    expect(noBuilding.data.staffAssignmentCreate.userErrors).toEqual([{ field: ['input', 'buildingId'], code: 'REQUIRED' }]);
    const badPhone = await t.gql(`mutation($input: StaffAssignmentCreateInput!) { staffAssignmentCreate(input: $input) { userErrors { field code } } }`,
      { input: { gridId: u.ids.micro, role: 'LANE_HEAD', newMember: { name: '巷长', phone: '110' } } }, secretary);
    expect(badPhone.data.staffAssignmentCreate.userErrors).toEqual([{ field: ['input', 'newMember', 'phone'], code: 'INVALID' }]);
    expect(await tableCount(staffMembers)).toBe(members);
  });
});
