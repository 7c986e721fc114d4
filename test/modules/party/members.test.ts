import { and, asc, count, eq, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids';
import { communities, grids, residents } from '../../../src/modules/grid/grid.tables';
import { partyMembers, partyOrganisations } from '../../../src/modules/party/party.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { insertMember, insertUnit, memberToken, organisationsOver, unregisteredResidents } from '../../helpers/party';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;
let orgs: Awaited<ReturnType<typeof organisationsOver>>;
let otherCommunity: typeof communities.$inferSelect;
const tokens: Record<string, string> = {};

const ERRORS = 'userErrors { field code message }';
const MEMBER = 'id name kind duty showsIdentity phone grid { id } community { id } organisation { id } workUnit { id name }';

async function register(token: string | undefined, input: Record<string, unknown>) {
  return t.gql(`mutation($input: PartyMemberRegisterInput!) { partyMemberRegister(input: $input) { partyMember { ${MEMBER} } ${ERRORS} } }`, { input }, token);
}

async function registered(token: string, input: Record<string, unknown>) {
  const r = await register(token, input);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.partyMemberRegister;
}

async function update(token: string, id: string, input: Record<string, unknown>) {
  const r = await t.gql(`mutation($id: ID!, $input: PartyMemberUpdateInput!) { partyMemberUpdate(id: $id, input: $input) { partyMember { ${MEMBER} } ${ERRORS} } }`, { id, input }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.partyMemberUpdate;
}

const codes = (payload: { userErrors: { field: string[]; code: string }[] }) => payload.userErrors.map((e) => [e.field, e.code]);
const memberCount = async () => (await t.database.db.select({ n: count() }).from(partyMembers))[0].n;
const memberRow = async (id: number) => (await t.database.db.select().from(partyMembers).where(eq(partyMembers.id, id)))[0];

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  orgs = await organisationsOver(t.database.db, u.level2.id, u.building);
  [otherCommunity] = await t.database.db.select().from(communities).where(eq(communities.streetId, u.otherStreet.id)).orderBy(asc(communities.id)).limit(1);
  tokens.admin = await t.token(Role.CITY_ADMIN);
  tokens.officer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }, 'officer');
  tokens.secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'secretary');
  tokens.otherSecretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: otherCommunity.id }, 'other-secretary');
  tokens.worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'worker');
  tokens.otherWorker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.otherLevel2.id }, 'other-worker');
  tokens.resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'resident');
});
afterAll(async () => t?.close());

describe('partyMemberRegister', () => {
  test('a community secretary registers a resident member: placed where the resident lives, and tagged as a party member', async () => {
    const [resident] = await unregisteredResidents(t.database.db, u.building.id, 1);
    const r = await registered(tokens.secretary, { residentId: toGlobalId('Resident', resident.id), organisationId: orgs.ids.group, duty: '党员先锋岗 · 环境整治' });
    expect(r.userErrors).toEqual([]);
    expect(r.partyMember).toMatchObject({
      kind: 'RESIDENT', name: resident.name, duty: '党员先锋岗 · 环境整治', showsIdentity: false, phone: null,
      grid: { id: toGlobalId('Grid', resident.gridId) }, community: { id: u.ids.community }, organisation: { id: orgs.ids.group }, workUnit: null,
    });
    const [after] = await t.database.db.select().from(residents).where(eq(residents.id, resident.id));
    expect(after.tags).toContain('PARTY_MEMBER');

    const before = await memberCount();
    const again = await registered(tokens.officer, { residentId: toGlobalId('Resident', resident.id) });
    expect(codes(again)).toEqual([[['input', 'residentId'], 'DUPLICATE']]);
    expect(again.partyMember).toBeNull();
    expect(await memberCount()).toBe(before);
  });

  test('an in-service member (在职党员) of a reporting unit: by name and grid, or as a recorded resident', async () => {
    const unit = await insertUnit(t.database.db);
    const r = await registered(tokens.officer, { workUnitId: unit.gid, name: ' 李青 ', gridId: u.ids.micro, phone: '13805431111', showsIdentity: true, duty: '在职党员进社区' });
    expect(r.userErrors).toEqual([]);
    expect(r.partyMember).toMatchObject({
      kind: 'IN_SERVICE', name: '李青', showsIdentity: true, phone: '138****1111', grid: { id: u.ids.micro }, community: { id: u.ids.community },
      organisation: null, workUnit: { id: unit.gid, name: unit.name },
    });
    const [, resident] = await unregisteredResidents(t.database.db, u.building.id, 2);
    const living = await registered(tokens.admin, { workUnitId: unit.gid, residentId: toGlobalId('Resident', resident.id) });
    expect(living.partyMember).toMatchObject({ kind: 'IN_SERVICE', name: resident.name, grid: { id: toGlobalId('Grid', resident.gridId) }, workUnit: { id: unit.gid } });
  });

  test('bad input names the field and writes nothing', async () => {
    const unit = await insertUnit(t.database.db);
    const [resident] = await unregisteredResidents(t.database.db, u.building.id, 1);
    const residentId = toGlobalId('Resident', resident.id);
    const [elsewhere] = await t.database.db.select().from(partyOrganisations).where(eq(partyOrganisations.communityId, otherCommunity.id)).limit(1);
    const before = await memberCount();
    expect(codes(await registered(tokens.secretary, {}))).toEqual([[['input', 'residentId'], 'REQUIRED']]);
    expect(codes(await registered(tokens.secretary, { residentId, name: '张三', gridId: u.ids.micro })))
      .toEqual([[['input', 'name'], 'INVALID'], [['input', 'gridId'], 'INVALID']]);
    expect(codes(await registered(tokens.secretary, { workUnitId: unit.gid, name: '  ' })))
      .toEqual([[['input', 'name'], 'REQUIRED'], [['input', 'gridId'], 'REQUIRED']]);
    expect(codes(await registered(tokens.secretary, { workUnitId: unit.gid, name: '李青', gridId: u.ids.micro, phone: '12345' }))).toEqual([[['input', 'phone'], 'INVALID']]);
    expect(codes(await registered(tokens.secretary, { residentId: u.ids.household }))).toEqual([[['input', 'residentId'], 'NOT_FOUND']]);
    expect(codes(await registered(tokens.secretary, { workUnitId: u.ids.community, name: '李青', gridId: u.ids.micro }))).toEqual([[['input', 'workUnitId'], 'NOT_FOUND']]);
    expect(codes(await registered(tokens.secretary, { residentId, organisationId: toGlobalId('PartyOrganisation', elsewhere.id) })))
      .toEqual([[['input', 'organisationId'], 'INVALID']]);
    expect(codes(await registered(tokens.secretary, { residentId, duty: '岗'.repeat(61) }))).toEqual([[['input', 'duty'], 'INVALID']]);
    expect(await memberCount()).toBe(before);
    const [unchanged] = await t.database.db.select().from(residents).where(eq(residents.id, resident.id));
    expect(unchanged.tags).toEqual(resident.tags);
  });

  test('other roles are refused before anything runs; a secretary of another community is OUT_OF_SCOPE', async () => {
    const [resident] = await unregisteredResidents(t.database.db, u.building.id, 1);
    const input = { residentId: toGlobalId('Resident', resident.id) };
    const member = await insertMember(t.database.db, { gridId: u.micro.id });
    for (const token of [tokens.worker, tokens.resident, await memberToken(t, member.id)]) {
      expect((await register(token, input)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect((await register(undefined, input)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const before = await memberCount();
    expect(codes(await registered(tokens.otherSecretary, input))).toEqual([[['input', 'residentId'], 'OUT_OF_SCOPE']]);
    const unit = await insertUnit(t.database.db);
    expect(codes(await registered(tokens.otherSecretary, { workUnitId: unit.gid, name: '李青', gridId: u.ids.micro }))).toEqual([[['input', 'gridId'], 'OUT_OF_SCOPE']]);
    expect(await memberCount()).toBe(before);
  });
});

describe('who sees a member (亮身份)', () => {
  let hidden: Awaited<ReturnType<typeof insertMember>>;
  let shown: Awaited<ReturnType<typeof insertMember>>;
  let group: Awaited<ReturnType<typeof organisationsOver>>;
  let hiddenInMicro: number;

  beforeAll(async () => {
    const db = t.database.db;
    group = await organisationsOver(db, u.level2.id, u.building);
    hidden = await insertMember(db, { gridId: u.micro.id, organisationId: group.group.id, phone: '13900000001' });
    shown = await insertMember(db, { gridId: u.micro.id, organisationId: group.group.id, phone: '13900000002', showsIdentity: true });
    [{ n: hiddenInMicro }] = await db.select({ n: count() }).from(partyMembers)
      .where(and(eq(partyMembers.showsIdentity, false), sql`${partyMembers.gridId} in (select id from grids where code = ${u.micro.code} or code like ${u.micro.code} || '-%')`));
  });

  async function seen(token: string | undefined) {
    const r = await t.gql(`query($ids: [ID!]!, $group: ID!, $micro: ID!) {
      nodes(ids: $ids) { ... on PartyMember { id name phone } }
      hidden: partyMembers(filter: { within: $micro, showsIdentity: false }) { totalCount }
      inGroup: partyMembers(filter: { organisationId: $group }) { nodes { id } }
      group: node(id: $group) { ... on PartyOrganisation { members { totalCount nodes { id } } } }
    }`, { ids: [hidden.gid, shown.gid], group: group.ids.group, micro: u.ids.micro }, token);
    expect(r.errors).toBeUndefined();
    return {
      nodes: r.data.nodes, hidden: r.data.hidden.totalCount,
      inGroup: r.data.inGroup.nodes.map((n: { id: string }) => n.id), members: r.data.group.members.nodes.map((n: { id: string }) => n.id),
    };
  }

  test('everyone sees the members who show the identity, with name and phone; nobody else sees the others', async () => {
    for (const token of [undefined, tokens.resident, tokens.otherSecretary, tokens.otherWorker]) {
      expect(await seen(token)).toEqual({
        nodes: [null, { id: shown.gid, name: shown.name, phone: '139****0002' }], hidden: 0, inGroup: [shown.gid], members: [shown.gid],
      });
    }
  });

  test('staff over the member\'s grid see them all, without the phone of those who do not show it', async () => {
    for (const token of [tokens.admin, tokens.officer, tokens.secretary, tokens.worker]) {
      expect(await seen(token)).toEqual({
        nodes: [{ id: hidden.gid, name: hidden.name, phone: null }, { id: shown.gid, name: shown.name, phone: '139****0002' }],
        hidden: hiddenInMicro, inGroup: [hidden.gid, shown.gid], members: [hidden.gid, shown.gid],
      });
    }
  });

  test('a member sees themself, and no other hidden member', async () => {
    expect(await seen(await memberToken(t, hidden.id))).toMatchObject({ nodes: [{ id: hidden.gid }, { id: shown.gid }], hidden: 1 });
    const other = await insertMember(t.database.db, { gridId: u.micro.id });
    expect(await seen(await memberToken(t, other.id))).toMatchObject({ nodes: [null, { id: shown.gid }], hidden: 1, inGroup: [shown.gid] });
  });

  test('the organisation filter takes the organisations below it', async () => {
    const r = await t.gql(`query($committee: ID!, $branch: ID!, $micro: ID!) {
      committee: partyMembers(filter: { organisationId: $committee, within: $micro }, first: 100) { totalCount nodes { id } }
      branch: partyMembers(filter: { organisationId: $branch, within: $micro }, first: 100) { totalCount nodes { id } }
    }`, { committee: orgs.ids.committee, branch: orgs.ids.branch, micro: u.ids.micro }, tokens.secretary);
    expect(r.errors).toBeUndefined();
    for (const list of [r.data.committee, r.data.branch]) expect(list.nodes.map((n: { id: string }) => n.id)).toEqual(expect.arrayContaining([hidden.gid, shown.gid]));
    expect(r.data.committee.totalCount).toBeGreaterThanOrEqual(r.data.branch.totalCount);
    const bad = await t.gql(`query($id: ID!) { partyMembers(filter: { organisationId: $id }) { totalCount } }`, { id: u.ids.community });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('partyMemberUpdate', () => {
  test('a member chooses to show the identity and sets the duty; nothing else', async () => {
    const member = await insertMember(t.database.db, { gridId: u.micro.id, phone: '13900000003' });
    const own = await memberToken(t, member.id);
    const r = await update(own, member.gid, { showsIdentity: true, duty: '帮扶独居老人' });
    expect(r.userErrors).toEqual([]);
    expect(r.partyMember).toMatchObject({ showsIdentity: true, duty: '帮扶独居老人', phone: '139****0003' });
    const open = await t.gql(`query($id: ID!) { node(id: $id) { ... on PartyMember { duty phone } } }`, { id: member.gid });
    expect(open.data.node).toEqual({ duty: '帮扶独居老人', phone: '139****0003' });

    const before = await memberRow(member.id);
    const refused = await update(own, member.gid, { duty: '改', gridId: u.ids.level2, organisationId: null, phone: '13900000009' });
    expect(codes(refused)).toEqual([[['input', 'organisationId'], 'OUT_OF_SCOPE'], [['input', 'gridId'], 'OUT_OF_SCOPE'], [['input', 'phone'], 'OUT_OF_SCOPE']]);
    expect(await memberRow(member.id)).toEqual(before);
  });

  test('a member cannot change another member; roles that keep no party records are FORBIDDEN', async () => {
    const shown = await insertMember(t.database.db, { gridId: u.micro.id, showsIdentity: true });
    const hidden = await insertMember(t.database.db, { gridId: u.micro.id });
    const other = await memberToken(t, (await insertMember(t.database.db, { gridId: u.micro.id })).id);
    expect(codes(await update(other, shown.gid, { duty: '改' }))).toEqual([[['id'], 'OUT_OF_SCOPE']]);
    expect(codes(await update(other, hidden.gid, { duty: '改' }))).toEqual([[['id'], 'NOT_FOUND']]);
    const r = await t.gql(`mutation($id: ID!) { partyMemberUpdate(id: $id, input: { duty: "改" }) { userErrors { code } } }`, { id: shown.gid }, tokens.resident);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await memberRow(shown.id)).duty).toBeNull();
  });

  test('staff over the member move them between grids and organisations; the organisation is left with the community', async () => {
    const member = await insertMember(t.database.db, { gridId: u.micro.id, organisationId: orgs.group.id, showsIdentity: true });
    const moved = await update(tokens.secretary, member.gid, { gridId: u.ids.level2, organisationId: orgs.ids.branch, phone: '13800000000' });
    expect(moved.userErrors).toEqual([]);
    expect(moved.partyMember).toMatchObject({ grid: { id: u.ids.level2 }, organisation: { id: orgs.ids.branch }, phone: '138****0000' });
    expect((await update(tokens.worker, member.gid, { duty: '楼栋联络员' })).partyMember.duty).toBe('楼栋联络员');

    const [elsewhere] = await t.database.db.select().from(grids).where(eq(grids.communityId, otherCommunity.id)).limit(1);
    const before = await memberRow(member.id);
    expect(codes(await update(tokens.secretary, member.gid, { gridId: toGlobalId('Grid', elsewhere.id) }))).toEqual([[['input', 'gridId'], 'OUT_OF_SCOPE']]);
    expect(codes(await update(tokens.otherSecretary, member.gid, { duty: '改' }))).toEqual([[['id'], 'OUT_OF_SCOPE']]);
    expect(codes(await update(tokens.otherWorker, member.gid, { duty: '改' }))).toEqual([[['id'], 'OUT_OF_SCOPE']]);
    const [foreign] = await t.database.db.select().from(partyOrganisations).where(ne(partyOrganisations.communityId, u.community.id)).limit(1);
    expect(codes(await update(tokens.secretary, member.gid, { organisationId: toGlobalId('PartyOrganisation', foreign.id) }))).toEqual([[['input', 'organisationId'], 'INVALID']]);
    expect(await memberRow(member.id)).toEqual(before);

    const away = await update(tokens.admin, member.gid, { gridId: toGlobalId('Grid', elsewhere.id) });
    expect(away.partyMember).toMatchObject({ grid: { id: toGlobalId('Grid', elsewhere.id) }, community: { id: toGlobalId('Community', otherCommunity.id) }, organisation: null });
  });
});
