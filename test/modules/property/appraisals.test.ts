import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeCompound } from '../../helpers/property';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let fixture: Awaited<ReturnType<typeof makeCompound>>;

beforeAll(async () => {
  t = await startTestServer();
  fixture = await makeCompound(t.database.db);
});
afterAll(async () => t?.close());

const SCORE = `mutation($input: AppraisalScoreInput!) { serviceAppraisalScore(input: $input) { serviceAppraisal { committeeScore branchScore residentScore residentCount overallScore } userErrors { field code } } }`;
const RESIDENT = `mutation($input: ResidentAppraisalInput!) { serviceAppraisalResidentScore(input: $input) { serviceAppraisal { residentScore residentCount overallScore } userErrors { field code } } }`;

test('committee, residents (one per household) and party branch combine with the stated weights', async () => {
  const committee = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: fixture.compound.id });
  const secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: fixture.compound.communityId });
  const input = { compoundId: fixture.ids.compound, quarter: '2026-Q3' };
  const c = await t.gql(SCORE, { input: { ...input, source: 'COMMITTEE', score: '90' } }, committee);
  expect(c.data.serviceAppraisalScore.serviceAppraisal).toMatchObject({ committeeScore: '90.00', overallScore: null });
  const wrongSource = await t.gql(SCORE, { input: { ...input, source: 'PARTY_BRANCH', score: '80' } }, committee);
  expect(wrongSource.data.serviceAppraisalScore.userErrors).toEqual([{ field: ['input', 'source'], code: 'OUT_OF_SCOPE' }]);
  await t.gql(SCORE, { input: { ...input, source: 'PARTY_BRANCH', score: '80' } }, secretary);

  const [a, b] = fixture.households;
  const residentA = await t.token(Role.RESIDENT, { type: 'Household', key: a.id }, 'ra');
  const residentB = await t.token(Role.RESIDENT, { type: 'Household', key: b.id }, 'rb');
  await t.gql(RESIDENT, { input: { quarter: '2026-Q3', score: 60 } }, residentA);
  const changed = await t.gql(RESIDENT, { input: { quarter: '2026-Q3', score: 70 } }, residentA);
  expect(changed.data.serviceAppraisalResidentScore.serviceAppraisal).toMatchObject({ residentScore: '70.00', residentCount: 1 });
  const both = await t.gql(RESIDENT, { input: { quarter: '2026-Q3', score: 75 } }, residentB);
  // 90 × 40% + 72.50 × 40% + 80 × 20% = 36 + 29 + 16 = 81
  expect(both.data.serviceAppraisalResidentScore.serviceAppraisal).toEqual({ residentScore: '72.50', residentCount: 2, overallScore: '81.00' });

  const weights = await t.gql(`mutation($input: AppraisalWeightsInput!) { serviceAppraisalWeightsSet(input: $input) { serviceAppraisal { overallScore } userErrors { field code } } }`,
    { input: { ...input, committeeWeight: 30, residentWeight: 50, branchWeight: 30 } }, secretary);
  expect(weights.data.serviceAppraisalWeightsSet.userErrors).toEqual([{ field: ['input', 'committeeWeight'], code: 'INVALID' }]);
  const ok = await t.gql(`mutation($input: AppraisalWeightsInput!) { serviceAppraisalWeightsSet(input: $input) { serviceAppraisal { overallScore } } }`,
    { input: { ...input, committeeWeight: 30, residentWeight: 50, branchWeight: 20 } }, secretary);
  // 90 × 30% + 72.50 × 50% + 80 × 20% = 27 + 36.25 + 16 = 79.25
  expect(ok.data.serviceAppraisalWeightsSet.serviceAppraisal.overallScore).toBe('79.25');

  const read = await t.gql(`query($id: ID!) { node(id: $id) { ... on Compound { serviceAppraisal(quarter: "2026-Q3") { quarter overallScore } } } }`, { id: fixture.ids.compound }, residentA);
  expect(read.data.node.serviceAppraisal).toEqual({ quarter: '2026-Q3', overallScore: '79.25' });
  const outsider = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: 999_999 });
  const hidden = await t.gql(`query($id: ID!) { node(id: $id) { ... on Compound { serviceAppraisal(quarter: "2026-Q3") { overallScore } } } }`, { id: fixture.ids.compound }, outsider);
  expect(hidden.data.node.serviceAppraisal).toBeNull();
  const bad = await t.gql(RESIDENT, { input: { quarter: '2026-Q5', score: 101 } }, residentA);
  expect(bad.data.serviceAppraisalResidentScore.userErrors).toEqual([
    { field: ['input', 'quarter'], code: 'INVALID' }, { field: ['input', 'score'], code: 'INVALID' },
  ]);
  const company = await t.token(Role.PROPERTY_COMPANY, { type: 'PropertyCompany', key: fixture.company.id });
  const refused = await t.gql(SCORE, { input: { ...input, source: 'COMMITTEE', score: '100' } }, company);
  expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
});
