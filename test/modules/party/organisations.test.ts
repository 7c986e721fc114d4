import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { partyOrganisations } from '../../../src/modules/party/party.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { DEEP_QUERY_LIMITS, Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;

beforeAll(async () => {
  t = await startTestServer(DEEP_QUERY_LIMITS);
  u = await demoUnits(t.database.db);
});
afterAll(async () => t?.close());

test('the party organisation tree: committees → grid branches → building groups, by subtree', async () => {
  const admin = await t.token(Role.CITY_ADMIN);
  const [{ n }] = await t.database.db.select({ n: count() }).from(partyOrganisations).where(eq(partyOrganisations.streetId, u.street.id));
  const before = t.database.statements.count;
  const r = await t.gql(`query($street: ID!) {
    all: partyOrganisations(filter: { within: $street }) { totalCount }
    committees: partyOrganisations(filter: { within: $street, kinds: [COMMUNITY_COMMITTEE] }, first: 10) {
      nodes { kind name parent { id } community { id }
        children(first: 50) { nodes { kind grid { level } parent { kind } children(first: 50) { nodes { kind building { id } } } } } }
    }
  }`, { street: u.ids.street }, admin);
  expect(r.errors).toBeUndefined();
  expect(r.data.all.totalCount).toBe(n);
  const committees = r.data.committees.nodes;
  expect(committees.length).toBeGreaterThan(0);
  for (const committee of committees) {
    expect(committee).toMatchObject({ kind: 'COMMUNITY_COMMITTEE', parent: null });
    for (const branch of committee.children.nodes) {
      expect(branch).toMatchObject({ kind: 'GRID_BRANCH', grid: { level: 'LEVEL_2' }, parent: { kind: 'COMMUNITY_COMMITTEE' } });
      for (const group of branch.children.nodes) expect(group).toMatchObject({ kind: 'BUILDING_GROUP', building: { id: expect.any(String) } });
    }
  }
  // The list and its count, the committees page, then one statement per nested field that loads
  // (community, children, grid, parent, children, building), whatever the number of rows.
  expect(t.database.statements.count - before).toBe(9);
});

test('without a token the tree is public, but the buildings of building groups are not', async () => {
  const open = await t.gql(`{ partyOrganisations(first: 3, filter: { kinds: [BUILDING_GROUP] }) { nodes { name kind parent { name } } } }`);
  expect(open.errors).toBeUndefined();
  expect(open.data.partyOrganisations.nodes).toHaveLength(3);
  const closed = await t.gql(`{ partyOrganisations(first: 3, filter: { kinds: [BUILDING_GROUP] }) { nodes { building { address } } } }`);
  expect(closed.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});

test('a compound\'s supervising branch leads up the tree to its community committee', async () => {
  const r = await t.gql(`{ compounds(first: 1) { nodes { community { id } partyBranch { kind parent { kind community { id } } } } } }`);
  const compound = r.data.compounds.nodes[0];
  expect(compound.partyBranch).toMatchObject({ kind: 'GRID_BRANCH', parent: { kind: 'COMMUNITY_COMMITTEE', community: { id: compound.community.id } } });
});
