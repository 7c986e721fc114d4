import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiKeyTopic } from '../../src/auth/topics';
import { rowsOf } from '../../src/db/client';
import { toGlobalId } from '../../src/graphql/ids';
import { demoUnits, type DemoUnits } from '../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../helpers/server';

/**
 * No existence oracle (issue 14): `node(id:)` and `nodes(ids:)` on the ID of an object the
 * viewer may not read answer exactly as on a well-formed ID that names nothing — the same
 * data, errors (code, message, path) and HTTP status — so that no viewer learns what exists
 * outside their scope. The expected answer is the one the API gives for the missing ID.
 */

let t: TestServer;
let u: DemoUnits;

/** The table behind each type that implements Node. */
const TABLES: Record<string, string> = {
  ActivitySignup: 'activity_signups', AnnualPlan: 'annual_plans', ApiKey: 'api_keys', Building: 'buildings', Commitment: 'commitments',
  Community: 'communities', CommunityListItem: 'community_list_items', CommunityPeerReview: 'community_peer_reviews', Compound: 'compounds',
  Department: 'departments', Disclosure: 'disclosures', District: 'districts', Grid: 'grids', Household: 'households',
  HouseholdVisit: 'household_visits', Incident: 'incidents', IncidentTransition: 'incident_transitions', LedgerEntry: 'ledger_entries',
  LedgerImport: 'ledger_imports', LedgerMonth: 'ledger_months', LedgerMovement: 'ledger_movements', MajorMatter: 'major_matters',
  MajorMatterTransition: 'major_matter_transitions', Merchant: 'merchants', MerchantItem: 'merchant_items', OwnerVote: 'owner_votes',
  OwnersCommittee: 'owners_committees', Participation: 'participations', PartyMember: 'party_members', PartyOrganisation: 'party_organisations',
  PlanItem: 'plan_items', PointRate: 'point_rates', PropertyCompany: 'property_companies', PropertyContract: 'property_contracts',
  Redemption: 'redemptions', ReportIn: 'report_ins', ReportingUnit: 'reporting_units', Resident: 'residents', ServiceAppraisal: 'service_appraisals',
  StaffAssignment: 'staff_assignments', StaffMember: 'staff_members', Street: 'streets', VisitFinding: 'visit_findings', Volunteer: 'volunteers',
  VolunteerActivity: 'volunteer_activities', VolunteerTeam: 'volunteer_teams', VoteCandidate: 'vote_candidates', WebhookAttempt: 'webhook_attempts',
  WebhookDelivery: 'webhook_deliveries', WebhookEndpoint: 'webhook_endpoints', Wish: 'wishes', WishTransition: 'wish_transitions',
  WorkerPointEntry: 'daily_point_entries', WorkerRating: 'worker_ratings',
};

/**
 * What anyone may read (README, Security: "public data: units, grid boundaries, staff contact
 * cards"; the party, property and volunteer boards); a party member only while showing the identity.
 */
const PUBLIC = new Set([
  'District', 'Street', 'Community', 'Grid', 'StaffMember', 'StaffAssignment', 'Department', 'Compound', 'PropertyCompany', 'PropertyContract',
  'OwnersCommittee', 'PartyOrganisation', 'ReportingUnit', 'CommunityListItem', 'Commitment', 'VolunteerTeam', 'VolunteerActivity', 'Merchant',
  'MerchantItem', 'PointRate',
]);
const publicRows = (type: string) => (type === 'PartyMember' ? sql`not shows_identity` : PUBLIC.has(type) ? sql`false` : sql`true`);

interface Viewer {
  name: string;
  token: string | undefined;
  /** The rows of a type (as a condition on its table) this viewer may not read. */
  outOfScope(type: string, columns: Set<string>): SQL;
}
type Body = { data?: Record<string, unknown>; errors?: any[] };

/** Rows that lie in another street than `streetId`, of a type that is not public; types without a street are left out. */
const otherStreet = (streetId: number) => (type: string, columns: Set<string>) =>
  (columns.has('street_id') ? sql`${publicRows(type)} and street_id <> ${streetId}` : sql`false`);

let viewers: Viewer[];
let columnsOf: Map<string, Set<string>>;

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  const columns = await rowsOf<{ table_name: string; column_name: string }>(t.database.db,
    sql`select table_name, column_name from information_schema.columns where table_schema = current_schema()`);
  columnsOf = new Map();
  for (const c of columns) columnsOf.set(c.table_name, (columnsOf.get(c.table_name) ?? new Set()).add(c.column_name));
  const incidentsKey = await t.apiKey({ unit: { type: 'Street', key: u.street.id }, topics: [ApiKeyTopic.INCIDENTS] });
  viewers = [
    { name: 'anonymous', token: undefined, outOfScope: publicRows },
    { name: 'AUDITOR', token: await t.token(Role.AUDITOR), outOfScope: publicRows },
    {
      name: 'INTEGRATOR (a street, incidents)', token: incidentsKey,
      outOfScope: (type) => (type === 'Incident' ? sql`street_id <> ${u.street.id}`
        : type === 'IncidentTransition' ? sql`incident_id in (select id from incidents where street_id <> ${u.street.id})`
          : publicRows(type)),
    },
    { name: 'GRID_WORKER', token: await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }), outOfScope: otherStreet(u.street.id) },
    { name: 'RESIDENT', token: await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }), outOfScope: otherStreet(u.street.id) },
    { name: 'COMMUNITY_SECRETARY', token: await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }), outOfScope: otherStreet(u.street.id) },
  ];
});
afterAll(async () => t?.close());

/** An answer with what may differ between two IDs taken out: the ID itself, the alias, and the budget. */
function normalised(body: Body, alias: string, id: string) {
  const errors = (body.errors ?? [])
    .filter((e) => e.path === undefined || e.path[0] === alias)
    .map(({ locations: _locations, ...e }) => ({ ...e, path: e.path?.slice(1), extensions: { ...e.extensions, rateLimit: undefined } }));
  return JSON.parse(JSON.stringify({ data: body.data?.[alias] ?? null, errors }).replaceAll(id, '<id>'));
}

/** For each ID: its answer through `node` with a bare selection, through `nodes`, and through `node` with the type's fragment. */
async function answersFor(type: string, ids: string[], token: string | undefined) {
  const vars = Object.fromEntries(ids.map((id, i) => [`i${i}`, id]));
  const decl = ids.map((_, i) => `$i${i}: ID!`).join(', ');
  const bare = await t.post({
    query: `query(${decl}) { ${ids.map((_, i) => `n${i}: node(id: $i${i}) { __typename id } m${i}: nodes(ids: [$i${i}]) { __typename id }`).join(' ')} }`, variables: vars,
  }, token);
  const typed = await t.post({ query: `query(${decl}) { ${ids.map((_, i) => `n${i}: node(id: $i${i}) { ... on ${type} { id } }`).join(' ')} }`, variables: vars }, token);
  const bareBody = (await bare.json()) as Body;
  const typedBody = (await typed.json()) as Body;
  return ids.map((id, i) => ({
    node: normalised(bareBody, `n${i}`, id),
    nodes: normalised(bareBody, `m${i}`, id),
    typed: { status: typed.status, ...normalised(typedBody, `n${i}`, id) },
  }));
}

/** One ID alone, for the HTTP status and the whole answer. */
async function alone(id: string, token: string | undefined) {
  const response = await t.post({ query: 'query($id: ID!) { a: node(id: $id) { __typename id } }', variables: { id } }, token);
  return { status: response.status, ...normalised((await response.json()) as Body, 'a', id) };
}

test('every type that implements Node has its table here', async () => {
  const r = await t.gql('{ __type(name: "Node") { possibleTypes { name } } }');
  expect(r.data.__type.possibleTypes.map((p: { name: string }) => p.name).sort()).toEqual(Object.keys(TABLES).sort());
});

describe.each(['anonymous', 'AUDITOR', 'INTEGRATOR (a street, incidents)', 'GRID_WORKER', 'RESIDENT', 'COMMUNITY_SECRETARY'])('%s', (name) => {
  test('answers on an object it may not read as on an ID that names nothing', async () => {
    const viewer = viewers.find((v) => v.name === name)!;
    let compared = 0;
    for (const [type, table] of Object.entries(TABLES)) {
      const outside = await rowsOf<{ id: number }>(t.database.db, sql`(select id from ${sql.identifier(table)} where ${viewer.outOfScope(type, columnsOf.get(table)!)} order by id limit 1)
        union (select id from ${sql.identifier(table)} where ${viewer.outOfScope(type, columnsOf.get(table)!)} order by id desc limit 1)`);
      if (outside.length === 0) continue;
      const missing = [toGlobalId(type, 2_147_483_647), toGlobalId(type, 999_999_999_999_999)];
      const ids = outside.map((row) => toGlobalId(type, Number(row.id)));
      const [expected, ...others] = await answersFor(type, [...missing, ...ids], viewer.token);
      for (const [i, answer] of others.entries()) expect(answer, `${type} ${[...missing, ...ids][i + 1]}`).toEqual(expected);
      expect(await alone(ids[0], viewer.token), type).toEqual(await alone(missing[0], viewer.token));
      compared += ids.length;
    }
    expect(compared).toBeGreaterThan(0);
  }, 300_000);
});
