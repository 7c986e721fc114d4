import { and, asc, count, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventCursor } from '../../../src/events/stream';
import { latestEventId } from '../../../src/events/outbox';
import { toGlobalId } from '../../../src/graphql/ids';
import { DEMO_API_KEY } from '../../../src/modules/integrator/integrator.keys';
import { commitments, partyMembers } from '../../../src/modules/party/party.tables';
import { compounds, propertyContracts } from '../../../src/modules/property/property.tables';
import { merchants, volunteers } from '../../../src/modules/volunteer/volunteer.tables';
import { wishes } from '../../../src/modules/wish/wish.tables';
import { departments } from '../../../src/modules/incident/incident.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { memberToken } from '../../helpers/party';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import { Subscriber } from '../../helpers/subscriptions';
import { wishClient } from '../../helpers/wishes';

/**
 * Party members who do not show the identity (亮身份) are read only by the staff who manage
 * them — the grid worker, community secretary, street officer and city administrator over
 * the grid they are placed in (DOMAIN §3: members are placed in grids, 纳入网格管理) — and by
 * themselves; never by auditors, integrators, residents, volunteers or anyone without a token.
 * The expected counts come from the demo city's rows, counted here.
 */

let t: TestServer;
let u: DemoUnits;
let hiddenMember: typeof partyMembers.$inferSelect;

const hiddenIn = async (where?: SQL) =>
  (await t.database.db.select({ n: count() }).from(partyMembers).where(and(eq(partyMembers.showsIdentity, false), where)))[0].n;

const subtreeOf = (grid: { code: string }) => sql`${partyMembers.gridId} in (select id from grids where code = ${grid.code} or code like ${grid.code} || '-%')`;

/** Credentials of every role that does not manage party members, with units that hold hidden members where the role has such a unit. */
async function outsiders(): Promise<[string, string | undefined][]> {
  const db = t.database.db;
  const [volunteer] = await db.select().from(volunteers).where(eq(volunteers.streetId, u.street.id)).orderBy(asc(volunteers.id)).limit(1);
  const [merchant] = await db.select().from(merchants).orderBy(asc(merchants.id)).limit(1);
  const [department] = await db.select().from(departments).orderBy(asc(departments.id)).limit(1);
  const [contract] = await db.select().from(propertyContracts).orderBy(asc(propertyContracts.id)).limit(1);
  const [compound] = await db.select().from(compounds).orderBy(asc(compounds.id)).limit(1);
  return [
    ['anonymous', undefined],
    ['AUDITOR (city)', await t.token(Role.AUDITOR)],
    ['AUDITOR (district)', await t.token(Role.AUDITOR, { type: 'District', key: u.street.districtId })],
    ['INTEGRATOR (demo key)', DEMO_API_KEY],
    ['INTEGRATOR (city-wide key)', await t.apiKey()],
    ['INTEGRATOR (grid key)', await t.apiKey({ unit: { type: 'Grid', key: u.level2.id } })],
    ['RESIDENT', await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id })],
    ['VOLUNTEER', await t.token(Role.VOLUNTEER, { type: 'Volunteer', key: volunteer.id })],
    ['MERCHANT', await t.token(Role.MERCHANT, { type: 'Merchant', key: merchant.id })],
    ['DEPARTMENT_HANDLER', await t.token(Role.DEPARTMENT_HANDLER, { type: 'Department', key: department.id })],
    ['PROPERTY_COMPANY', await t.token(Role.PROPERTY_COMPANY, { type: 'PropertyCompany', key: contract.companyId })],
    ['OWNERS_COMMITTEE', await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: compound.id })],
  ];
}

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  [hiddenMember] = await t.database.db.select().from(partyMembers)
    .where(and(eq(partyMembers.showsIdentity, false), eq(partyMembers.streetId, u.street.id), isNotNull(partyMembers.organisationId), subtreeOf(u.level2)))
    .orderBy(asc(partyMembers.id)).limit(1);
});
afterAll(async () => t?.close());

const LIST = `{ hidden: partyMembers(filter: { showsIdentity: false }) { totalCount }
  shown: partyMembers(filter: { showsIdentity: true }) { totalCount }
  all: partyMembers { totalCount } }`;

async function counts(token: string | undefined) {
  const r = await t.gql(LIST, {}, token);
  expect(r.errors).toBeUndefined();
  return { hidden: r.data.hidden.totalCount, shown: r.data.shown.totalCount, all: r.data.all.totalCount };
}

describe('partyMembers', () => {
  test('the demo city has hidden members in the units the credentials below name', async () => {
    expect(await hiddenIn(eq(partyMembers.streetId, u.street.id))).toBeGreaterThan(0);
    expect(await hiddenIn(subtreeOf(u.level2))).toBeGreaterThan(0);
    expect(hiddenMember).toBeDefined();
  });

  test('lists no hidden member to any role that does not manage them', async () => {
    const shown = (await t.database.db.select({ n: count() }).from(partyMembers).where(eq(partyMembers.showsIdentity, true)))[0].n;
    for (const [role, token] of await outsiders()) {
      expect(await counts(token), role).toEqual({ hidden: 0, shown, all: shown });
    }
  });

  test('lists the hidden members of their own area to the staff who manage them, and a member themself', async () => {
    const shown = (await t.database.db.select({ n: count() }).from(partyMembers).where(eq(partyMembers.showsIdentity, true)))[0].n;
    const staff: [string, string, number][] = [
      ['CITY_ADMIN (city)', await t.token(Role.CITY_ADMIN), await hiddenIn()],
      ['CITY_ADMIN (district)', await t.token(Role.CITY_ADMIN, { type: 'District', key: u.street.districtId }), await hiddenIn(eq(partyMembers.districtId, u.street.districtId))],
      ['STREET_OFFICER', await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }), await hiddenIn(eq(partyMembers.streetId, u.street.id))],
      ['COMMUNITY_SECRETARY', await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }), await hiddenIn(eq(partyMembers.communityId, u.community.id))],
      ['GRID_WORKER', await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }), await hiddenIn(subtreeOf(u.level2))],
      ['PARTY_MEMBER (hidden)', await memberToken(t, hiddenMember.id), 1],
    ];
    for (const [role, token, hidden] of staff) expect(await counts(token), role).toEqual({ hidden, shown, all: shown + hidden });
  });
});

describe('every other path to a hidden member', () => {
  const PATHS = `query($member: ID!, $organisation: ID!) {
    node(id: $member) { id }
    nodes(ids: [$member]) { id }
    organisation: node(id: $organisation) { ... on PartyOrganisation { members(first: 100) { nodes { id } } } }
    commitments(filter: { memberId: $member }, first: 100) { nodes { member { id } } }
  }`;

  async function paths(token: string | undefined) {
    const r = await t.gql(PATHS, { member: toGlobalId('PartyMember', hiddenMember.id), organisation: toGlobalId('PartyOrganisation', hiddenMember.organisationId!) }, token);
    expect(r.errors).toBeUndefined();
    return {
      node: r.data.node, nodes: r.data.nodes,
      inOrganisation: r.data.organisation.members.nodes.some((n: { id: string }) => n.id === toGlobalId('PartyMember', hiddenMember.id)),
      commitmentMembers: r.data.commitments.nodes.map((c: { member: { id: string } | null }) => c.member),
    };
  }

  test('node, nodes, organisation members and commitments show the member to the grid worker over them only', async () => {
    const [{ n: pledges }] = await t.database.db.select({ n: count() }).from(commitments).where(eq(commitments.memberId, hiddenMember.id));
    const id = toGlobalId('PartyMember', hiddenMember.id);
    expect(await paths(await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }))).toEqual({
      node: { id }, nodes: [{ id }], inOrganisation: true, commitmentMembers: Array(pledges).fill({ id }),
    });
    for (const [role, token] of await outsiders()) {
      expect(await paths(token), role).toEqual({ node: null, nodes: [null], inOrganisation: false, commitmentMembers: Array(pledges).fill(null) });
    }
  });

  test('a wish claimed by a hidden member names them to nobody else, in answers and in events', async () => {
    const db = t.database.db;
    const [wish] = await db.select().from(wishes)
      .where(and(eq(wishes.status, 'CLAIMED'), eq(wishes.streetId, u.street.id),
        sql`${wishes.claimantMemberId} in (select id from party_members where not shows_identity and street_id = ${u.street.id})`))
      .orderBy(asc(wishes.id)).limit(1);
    const [claimant] = await db.select().from(partyMembers).where(eq(partyMembers.id, wish.claimantMemberId!));
    const wishId = toGlobalId('Wish', wish.id);
    const query = `query($id: ID!) { node(id: $id) { ... on Wish { claimantKind claimantId claimantName } } }`;
    const named = { claimantKind: 'PARTY_MEMBER', claimantId: toGlobalId('PartyMember', claimant.id), claimantName: claimant.name };
    const unnamed = { claimantKind: 'PARTY_MEMBER', claimantId: null, claimantName: null };
    const readers: [string, string, object][] = [
      ['STREET_OFFICER over the claimant', await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }), named],
      ['the claimant', await memberToken(t, claimant.id), named],
      ['INTEGRATOR (demo key)', DEMO_API_KEY, unnamed],
      ['RESIDENT of the household', await t.token(Role.RESIDENT, { type: 'Household', key: wish.householdId }), unnamed],
    ];
    for (const [who, token, expected] of readers) {
      const r = await t.gql(query, { id: wishId }, token);
      expect(r.errors, who).toBeUndefined();
      expect(r.data.node, who).toEqual(expected);
    }

    // A cursor must name an event: the replay starts after this one.
    await wishClient(t).submit(await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }), { category: 'OTHER', title: '游标', detail: 'x' });
    const after = eventCursor(await latestEventId(db));
    const fulfilled = await wishClient(t).step('wishFulfil', { id: wishId, hours: '1.5' }, await memberToken(t, claimant.id));
    expect(fulfilled.userErrors).toEqual([]);
    const events = new Subscriber(t.wsClient(DEMO_API_KEY), `subscription($after: String) { wishEvents(after: $after) { wish { id claimantKind claimantId claimantName } } }`, { after });
    const [event] = await events.waitFor(1);
    events.stop();
    expect(event.wishEvents.wish).toEqual({ id: wishId, ...unnamed });
  });
});
