import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids';
import { propertyContracts } from '../../../src/modules/property/property.tables';
import { makeCompound } from '../../helpers/property';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let fixture: Awaited<ReturnType<typeof makeCompound>>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestServer();
  fixture = await makeCompound(t.database.db);
  tokens.committee = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: fixture.compound.id }, 'committee');
  tokens.station = await t.token(Role.GRID_WORKER, { type: 'Grid', key: fixture.grid.id }, 'station');
  tokens.secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: fixture.compound.communityId }, 'secretary');
  tokens.company = await t.token(Role.PROPERTY_COMPANY, { type: 'PropertyCompany', key: fixture.company.id }, 'company');
});
afterAll(async () => t?.close());

const FIELDS = 'id status version rejectionReason viewerCanReview viewerCanApprove viewerCanOpenVote viewerCanExecute vote { id }';
const step = async (name: string, args: Record<string, unknown>, token: string, input?: Record<string, unknown>) => {
  const r = await t.gql(`mutation($id: ID!, $expectedVersion: Int, $note: String${input ? ', $input: MajorMatterVoteInput!' : ''}) {
    ${name}(id: $id, expectedVersion: $expectedVersion, note: $note${input ? ', input: $input' : ''}) { majorMatter { ${FIELDS} } userErrors { field code message } }
  }`, { ...args, input }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data[name];
};
const propose = async (kind: string, token = tokens.committee) => {
  const r = await t.gql(`mutation($input: MajorMatterProposeInput!) { majorMatterPropose(input: $input) { majorMatter { ${FIELDS} } userErrors { field code } } }`,
    { input: { compoundId: fixture.ids.compound, kind, title: '更换物业公司', description: '现物业服务质量考核连续两个季度不合格，提议解聘。' } }, token);
  return r.data?.majorMatterPropose ?? r;
};

describe('major matters follow the approval chain', () => {
  test('proposal → station review → party approval → owners\' vote → executed; dismissal ends the contract', async () => {
    const proposed = await propose('COMPANY_DISMISS');
    expect(proposed.majorMatter).toMatchObject({ status: 'PROPOSED', version: 1 });
    const id = proposed.majorMatter.id;

    const early = await step('majorMatterApprove', { id }, tokens.secretary);
    expect(early.userErrors).toEqual([expect.objectContaining({ field: ['id'], code: 'INVALID_TRANSITION' })]);
    const byCommittee = await t.gql(`mutation($id: ID!) { majorMatterReview(id: $id) { userErrors { code } } }`, { id }, tokens.committee);
    expect(byCommittee.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const reviewed = await step('majorMatterReview', { id, expectedVersion: 1, note: '材料齐全' }, tokens.station);
    expect(reviewed.majorMatter).toMatchObject({ status: 'REVIEWED', version: 2 });
    const approved = await step('majorMatterApprove', { id, expectedVersion: 2, note: '同意提交业主大会表决' }, tokens.secretary);
    expect(approved.majorMatter).toMatchObject({ status: 'APPROVED', viewerCanOpenVote: true });

    const closesAt = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
    const voting = await step('majorMatterOpenVote', { id }, tokens.committee, { closesAt });
    expect(voting.userErrors).toEqual([]);
    expect(voting.majorMatter.status).toBe('VOTING');
    const voteId = voting.majorMatter.vote.id;

    const notYet = await step('majorMatterExecute', { id }, tokens.committee);
    expect(notYet.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION', message: expect.stringContaining('not closed') })]);

    for (const household of fixture.households) {
      const resident = await t.token(Role.RESIDENT, { type: 'Household', key: household.id }, `owner-${household.id}`);
      const cast = await t.gql(`mutation($v: ID!) { ballotCast(voteId: $v, choice: FOR) { userErrors { code } } }`, { v: voteId }, resident);
      expect(cast.errors).toBeUndefined();
    }
    const closed = await t.gql(`mutation($v: ID!) { ownerVoteClose(id: $v) { ownerVote { outcome } userErrors { code } } }`, { v: voteId }, tokens.committee);
    expect(closed.data.ownerVoteClose.ownerVote.outcome).toBe('PASSED');

    const executed = await step('majorMatterExecute', { id, note: '已于本月解除合同' }, tokens.committee);
    expect(executed.majorMatter.status).toBe('EXECUTED');
    const [contract] = await t.database.db.select().from(propertyContracts).where(eq(propertyContracts.id, fixture.contract.id));
    expect(contract.endsOn <= new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)).toBe(true);

    const timeline = await t.gql(`query($id: ID!) { node(id: $id) { ... on MajorMatter { timeline { nodes { action fromStatus toStatus note actor { role } } } } } }`, { id }, tokens.committee);
    expect(timeline.data.node.timeline.nodes.map((n: { action: string }) => n.action)).toEqual(['PROPOSE', 'REVIEW', 'APPROVE', 'OPEN_VOTE', 'EXECUTE']);
  });

  test('rejected at a step with a reason, and final; nothing changes on a refused step', async () => {
    const { majorMatter } = await propose('MAINTENANCE_FUND_USE');
    const again = await propose('MAINTENANCE_FUND_USE');
    expect(again.userErrors).toEqual([{ field: ['input', 'kind'], code: 'DUPLICATE' }]);
    const noReason = await step('majorMatterReject', { id: majorMatter.id }, tokens.station);
    expect(noReason.userErrors).toEqual([expect.objectContaining({ field: ['note'], code: 'REQUIRED' })]);
    const stale = await step('majorMatterReview', { id: majorMatter.id, expectedVersion: 5 }, tokens.station);
    expect(stale.userErrors).toEqual([expect.objectContaining({ field: ['expectedVersion'], code: 'STALE_VERSION' })]);
    const rejected = await step('majorMatterReject', { id: majorMatter.id, note: '未附维修方案和预算' }, tokens.station);
    expect(rejected.majorMatter).toMatchObject({ status: 'REJECTED', rejectionReason: '未附维修方案和预算', version: 2 });
    const after = await step('majorMatterReview', { id: majorMatter.id }, tokens.station);
    expect(after.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION' })]);
  });

  test('roles and compounds: the company may not propose; another compound\'s committee sees nothing', async () => {
    const company = await t.gql(`mutation($input: MajorMatterProposeInput!) { majorMatterPropose(input: $input) { userErrors { code } } }`,
      { input: { compoundId: fixture.ids.compound, kind: 'COMPANY_HIRE', title: 'x', description: 'y' } }, tokens.company);
    expect(company.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const other = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: 999_999 });
    const seen = await t.gql(`query($c: ID!) { majorMatters(filter: { compoundId: $c }) { totalCount } }`, { c: fixture.ids.compound }, other);
    expect(seen.data.majorMatters.totalCount).toBe(0);
    const theirs = await t.gql(`mutation($input: MajorMatterProposeInput!) { majorMatterPropose(input: $input) { userErrors { field code } } }`,
      { input: { compoundId: toGlobalId('Compound', fixture.compound.id), kind: 'COMPANY_HIRE', title: 'x', description: 'y' } }, other);
    expect(theirs.data.majorMatterPropose.userErrors).toEqual([{ field: ['input', 'compoundId'], code: 'OUT_OF_SCOPE' }]);
  });
});
