import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids';
import { buildings, grids, households, residents } from '../../../src/modules/grid/grid.tables';
import { creditCodeCheckChar } from '../../../src/modules/property/compound.rules';
import { compounds } from '../../../src/modules/property/property.tables';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let secretary: string;
let grid: typeof grids.$inferSelect;
let gridBuildings: (typeof buildings.$inferSelect)[];
const credit = (first17: string) => first17 + creditCodeCheckChar(first17);

beforeAll(async () => {
  t = await startTestServer();
  [grid] = await t.database.db.select().from(grids).where(and(eq(grids.level, 'MICRO'),
    sql`exists (select 1 from ${buildings} b where b.grid_id = ${grids.id})`,
    sql`not exists (select 1 from ${buildings} b where b.grid_id = ${grids.id} and b.compound_id is not null)`)).orderBy(grids.id).limit(1);
  gridBuildings = await t.database.db.select().from(buildings).where(eq(buildings.gridId, grid.id));
  secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: grid.communityId });
});
afterAll(async () => t?.close());

const COMPOUND_CREATE = `mutation($input: CompoundCreateInput!) { compoundCreate(input: $input) { compound { id name totals { households floorArea } grid { id } } userErrors { field code } } }`;

describe('the triad of a compound', () => {
  let compoundId: string;
  let companyId: string;

  test('a community secretary records a compound over the buildings of a grid; its households become its owners', async () => {
    const r = await t.gql(COMPOUND_CREATE, { input: { gridId: toGlobalId('Grid', grid.id), name: '幸福家园', address: '黄河路1号', buildingIds: gridBuildings.map((b) => toGlobalId('Building', b.id)) } }, secretary);
    expect(r.errors).toBeUndefined();
    expect(r.data.compoundCreate.userErrors).toEqual([]);
    compoundId = r.data.compoundCreate.compound.id;
    const [{ n, area }] = await t.database.db.select({ n: sql<number>`count(*)::int`, area: sql<string>`sum(${households.floorArea})::numeric(14,2)::text` })
      .from(households).where(sql`${households.buildingId} in (select id from buildings where grid_id = ${grid.id})`);
    expect(r.data.compoundCreate.compound.totals).toEqual({ households: n, floorArea: area });
    const again = await t.gql(COMPOUND_CREATE, { input: { gridId: toGlobalId('Grid', grid.id), name: 'x', address: 'y', buildingIds: [toGlobalId('Building', gridBuildings[0].id)] } }, secretary);
    expect(again.data.compoundCreate.userErrors).toEqual([{ field: ['input', 'buildingIds', '0'], code: 'DUPLICATE' }]);
  });

  test('companies are registered by a valid credit code only', async () => {
    const bad = await t.gql(`mutation { propertyCompanyCreate(input: { name: "x", creditCode: "91371602MA3C000019" }) { userErrors { field code } } }`, {}, await t.token(Role.STREET_OFFICER, { type: 'Street', key: grid.streetId }));
    expect(bad.data.propertyCompanyCreate.userErrors).toEqual([{ field: ['input', 'creditCode'], code: 'INVALID' }]);
    const ok = await t.gql(`mutation($c: String!) { propertyCompanyCreate(input: { name: "滨州红管家物业服务有限公司", creditCode: $c }) { propertyCompany { id creditCode } userErrors { code } } }`,
      { c: credit('91371602MA3C00001') }, await t.token(Role.STREET_OFFICER, { type: 'Street', key: grid.streetId }));
    companyId = ok.data.propertyCompanyCreate.propertyCompany.id;
    const refused = await t.gql(`mutation { propertyCompanyCreate(input: { name: "x", creditCode: "x" }) { userErrors { code } } }`, {}, secretary);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('contracts carry the remuneration rule; overlapping contracts are refused', async () => {
    const CONTRACT = `mutation($input: PropertyContractCreateInput!) { propertyContractCreate(input: $input) { propertyContract { current remuneration { kind percent monthlyAmount } company { id } } userErrors { field code } } }`;
    const base = { compoundId, companyId, startsOn: '2025-01-01', endsOn: '2027-12-31' };
    const noPercent = await t.gql(CONTRACT, { input: { ...base, remunerationKind: 'PERCENTAGE_OF_INCOME' } }, secretary);
    expect(noPercent.data.propertyContractCreate.userErrors).toEqual([{ field: ['input', 'percent'], code: 'INVALID' }]);
    const ok = await t.gql(CONTRACT, { input: { ...base, remunerationKind: 'PERCENTAGE_OF_INCOME', percent: '12.5' } }, secretary);
    expect(ok.data.propertyContractCreate.propertyContract).toEqual({ current: true, remuneration: { kind: 'PERCENTAGE_OF_INCOME', percent: '12.50', monthlyAmount: null }, company: { id: companyId } });
    const overlap = await t.gql(CONTRACT, { input: { ...base, startsOn: '2027-06-01', endsOn: '2029-12-31', remunerationKind: 'FIXED_MONTHLY', monthlyAmount: '8000' } }, secretary);
    expect(overlap.data.propertyContractCreate.userErrors).toEqual([{ field: ['input', 'startsOn'], code: 'DUPLICATE' }]);
    const next = await t.gql(CONTRACT, { input: { ...base, startsOn: '2028-01-01', endsOn: '2029-12-31', remunerationKind: 'FIXED_MONTHLY', monthlyAmount: '8000.5' } }, secretary);
    expect(next.data.propertyContractCreate.propertyContract.remuneration).toEqual({ kind: 'FIXED_MONTHLY', percent: null, monthlyAmount: '8000.50' });
  });

  test('a committee term is recorded with owners of the compound only, one chair, and shows in the compound', async () => {
    const owners = await t.database.db.select({ id: residents.id, name: residents.name }).from(residents)
      .innerJoin(households, eq(households.id, residents.householdId)).where(eq(households.compoundId, Number(Buffer.from(compoundId, 'base64').toString().split(':')[1]))).limit(3);
    const [outsider] = await t.database.db.select({ id: residents.id }).from(residents).where(sql`${residents.householdId} not in (select id from households where compound_id is not null)`).limit(1);
    const RECORD = `mutation($input: OwnersCommitteeRecordInput!) { ownersCommitteeRecord(input: $input) { ownersCommittee { current members { name role } } userErrors { field code } } }`;
    const members = [
      { residentId: toGlobalId('Resident', owners[0].id), role: 'CHAIR' },
      { residentId: toGlobalId('Resident', owners[1].id), role: 'VICE_CHAIR' },
      { residentId: toGlobalId('Resident', outsider.id), role: 'MEMBER' },
    ];
    const bad = await t.gql(RECORD, { input: { compoundId, termStartsOn: '2024-06-01', termEndsOn: '2029-05-31', members } }, secretary);
    expect(bad.data.ownersCommitteeRecord.userErrors).toEqual([{ field: ['input', 'members', '2', 'residentId'], code: 'NOT_FOUND' }]);
    members[2].residentId = toGlobalId('Resident', owners[2].id);
    const ok = await t.gql(RECORD, { input: { compoundId, termStartsOn: '2024-06-01', termEndsOn: '2029-05-31', members } }, secretary);
    expect(ok.data.ownersCommitteeRecord.ownersCommittee).toEqual({ current: true, members: [
      { name: owners[0].name, role: 'CHAIR' }, { name: owners[1].name, role: 'VICE_CHAIR' }, { name: owners[2].name, role: 'MEMBER' },
    ] });
    const pub = await t.gql(`query($id: ID!) { node(id: $id) { ... on Compound { name ownersCommittee { termEndsOn } contract { company { name } } } } }`, { id: compoundId });
    expect(pub.data.node).toEqual({ name: '幸福家园', ownersCommittee: { termEndsOn: '2029-05-31' }, contract: { company: { name: '滨州红管家物业服务有限公司' } } });
  });

  test('a committee acts for its own compound only', async () => {
    const [other] = await t.database.db.select().from(compounds).where(sql`${compounds.id} <> ${Number(Buffer.from(compoundId, 'base64').toString().split(':')[1])}`).limit(1);
    const committee = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: other?.id ?? 999_999 });
    const r = await t.gql(`mutation($input: PropertyContractCreateInput!) { propertyContractCreate(input: $input) { userErrors { field code } } }`,
      { input: { compoundId, companyId, startsOn: '2030-01-01', endsOn: '2030-12-31', remunerationKind: 'FIXED_MONTHLY', monthlyAmount: '1' } }, committee);
    expect(r.data.propertyContractCreate.userErrors).toEqual([{ field: ['input', 'compoundId'], code: 'OUT_OF_SCOPE' }]);
  });
});
