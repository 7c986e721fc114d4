import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ledgerLines, ledgerMonths, planItems } from '../../../src/modules/property/property.tables';
import { makeCompound } from '../../helpers/property';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

type Compound = Awaited<ReturnType<typeof makeCompound>>;
type UserErrors = { field: string[] | null; code: string; message: string }[];

let t: TestServer;
/** A: 10% of fee income. F: a fixed 3,000.00 a month. B: another compound, with its own company. */
let a: Compound;
let f: Compound;
let b: Compound;
const tokens: Record<string, string> = {};
const items: Record<string, string> = {};

const MONTH_FIELDS = `id month status openingBalance income feeIncome remuneration expenses closingBalance
  remunerationRule { kind percent monthlyAmount }
  incomeLines { line category description amount }
  expenseLines { line category description amount planItem { id title } }
  viewerCanSubmit viewerCanPublish viewerCanCorrect`;

const SUBMIT = `mutation($input: LedgerMonthSubmitInput!) {
  ledgerMonthSubmit(input: $input) { ledgerMonth { ${MONTH_FIELDS} } userErrors { field code message } }
}`;

const PLAN_SET = `mutation($input: AnnualPlanSetInput!) {
  annualPlanSet(input: $input) {
    annualPlan { id year totalBudget items { id category title budget spent remaining } compound { id name } }
    userErrors { field code message }
  }
}`;

async function submit(token: string, input: Record<string, unknown>) {
  const r = await t.gql(SUBMIT, { input }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.ledgerMonthSubmit as { ledgerMonth: any; userErrors: UserErrors };
}

async function setPlan(token: string, input: Record<string, unknown>) {
  const r = await t.gql(PLAN_SET, { input }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.annualPlanSet as { annualPlan: any; userErrors: UserErrors };
}

const fields = (errors: UserErrors) => errors.map((e) => ({ field: e.field, code: e.code }));

async function monthsOf(compoundId: number) {
  const [{ n }] = await t.database.db.select({ n: count() }).from(ledgerMonths).where(eq(ledgerMonths.compoundId, compoundId));
  return n;
}

/** January of A: 10,500.00 in, 10% of the 10,000.00 fee income out as remuneration, 4,234.56 spent. */
function januaryOfA(closingBalance: string) {
  return {
    compoundId: a.ids.compound,
    month: '2026-01',
    incomeLines: [
      { category: 'PROPERTY_FEE', description: '1月物业费', amount: '10000.00' },
      { category: 'PARKING', description: '1月停车费', amount: '500' },
    ],
    expenseLines: [
      { category: 'CLEANING', planItemId: items.cleaning, description: '1月保洁外包', amount: '3000.00' },
      { category: 'REPAIRS', planItemId: items.roof, description: '屋面防水首付款', amount: '1234.56' },
    ],
    closingBalance,
  };
}

beforeAll(async () => {
  t = await startTestServer();
  a = await makeCompound(t.database.db, { remuneration: { basisPoints: 1000 } });
  f = await makeCompound(t.database.db, { remuneration: { monthlyFen: 300_000 } });
  b = await makeCompound(t.database.db);
  tokens.committeeA = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: a.compound.id }, 'committee-a');
  tokens.committeeF = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: f.compound.id }, 'committee-f');
  tokens.committeeB = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: b.compound.id }, 'committee-b');
  tokens.companyA = await t.token(Role.PROPERTY_COMPANY, { type: 'PropertyCompany', key: a.company.id }, 'company-a');
  tokens.companyF = await t.token(Role.PROPERTY_COMPANY, { type: 'PropertyCompany', key: f.company.id }, 'company-f');
  tokens.companyB = await t.token(Role.PROPERTY_COMPANY, { type: 'PropertyCompany', key: b.company.id }, 'company-b');
  tokens.residentA = await t.token(Role.RESIDENT, { type: 'Household', key: a.households[0].id }, 'resident-a');
  tokens.residentB = await t.token(Role.RESIDENT, { type: 'Household', key: b.households[0].id }, 'resident-b');
  tokens.secretaryA = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: a.compound.communityId }, 'secretary-a');
});
afterAll(async () => t?.close());

describe('the yearly plan (年度重点计划)', () => {
  test('the owners\' committee records the plan the owners\' meeting passed', async () => {
    const set = await setPlan(tokens.committeeA, {
      compoundId: a.ids.compound,
      year: 2026,
      items: [
        { category: 'CLEANING', title: '保洁外包', budget: '60000.00' },
        { category: 'REPAIRS', title: '3号楼屋面防水', budget: '80000' },
        { category: 'ELEVATORS', title: '电梯维保', budget: '24000.5' },
      ],
    });
    expect(set.userErrors).toEqual([]);
    expect(set.annualPlan).toMatchObject({ year: 2026, totalBudget: '164000.50', compound: { id: a.ids.compound } });
    expect(set.annualPlan.items.map((i: any) => [i.category, i.budget, i.spent])).toEqual([
      ['CLEANING', '60000.00', '0.00'], ['REPAIRS', '80000.00', '0.00'], ['ELEVATORS', '24000.50', '0.00'],
    ]);
    [items.cleaning, items.roof, items.lift] = set.annualPlan.items.map((i: any) => i.id);

    const old = await setPlan(tokens.committeeA, { compoundId: a.ids.compound, year: 2025, items: [{ category: 'CLEANING', title: '2025保洁', budget: '50000' }] });
    items.cleaning2025 = old.annualPlan.items[0].id;
    const f2026 = await setPlan(tokens.committeeF, { compoundId: f.ids.compound, year: 2026, items: [{ category: 'STAFF', title: '秩序维护人员工资', budget: '100000' }] });
    items.guardsF = f2026.annualPlan.items[0].id;
    const b2026 = await setPlan(tokens.committeeB, { compoundId: b.ids.compound, year: 2026, items: [{ category: 'CLEANING', title: 'B保洁', budget: '1000' }] });
    items.cleaningB = b2026.annualPlan.items[0].id;

    const read = await t.gql(`query($c: ID!) { annualPlan(compoundId: $c, year: 2026) { year items { title } } annualPlans(compoundId: $c) { totalCount nodes { year } } }`, { c: a.ids.compound }, tokens.residentA);
    expect(read.data.annualPlan.items.map((i: any) => i.title)).toEqual(['保洁外包', '3号楼屋面防水', '电梯维保']);
    expect(read.data.annualPlans).toEqual({ totalCount: 2, nodes: [{ year: 2025 }, { year: 2026 }] });
  });

  test('only the compound\'s own committee; bad items name their field and write nothing', async () => {
    const company = await t.gql(PLAN_SET, { input: { compoundId: a.ids.compound, year: 2027, items: [{ category: 'OTHER', title: 'x', budget: '1' }] } }, tokens.companyA);
    expect(company.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const resident = await t.gql(PLAN_SET, { input: { compoundId: a.ids.compound, year: 2027, items: [{ category: 'OTHER', title: 'x', budget: '1' }] } }, tokens.residentA);
    expect(resident.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const other = await setPlan(tokens.committeeB, { compoundId: a.ids.compound, year: 2027, items: [{ category: 'OTHER', title: 'x', budget: '1' }] });
    expect(fields(other.userErrors)).toEqual([{ field: ['input', 'compoundId'], code: 'OUT_OF_SCOPE' }]);
    const bad = await setPlan(tokens.committeeA, {
      compoundId: a.ids.compound, year: 2027,
      items: [{ category: 'OTHER', title: '  ', budget: '1' }, { category: 'OTHER', title: '绿化补种', budget: '0' }, { category: 'OTHER', title: '照明', budget: '-3.00' }],
    });
    expect(fields(bad.userErrors)).toEqual([
      { field: ['input', 'items', '0', 'title'], code: 'REQUIRED' },
      { field: ['input', 'items', '1', 'budget'], code: 'INVALID' },
      { field: ['input', 'items', '2', 'budget'], code: 'INVALID' },
    ]);
    expect(bad.annualPlan).toBeNull();
    const none = await t.gql(`query($c: ID!) { annualPlan(compoundId: $c, year: 2027) { id } }`, { c: a.ids.compound }, tokens.committeeA);
    expect(none.data.annualPlan).toBeNull();
  });
});

describe('the sunshine ledger (阳光透明酬金制)', () => {
  test('the balance rule holds to the fen: 0.01 off either way is refused with the expected figure, and nothing is written', async () => {
    for (const wrong of ['5265.43', '5265.45']) {
      const refused = await submit(tokens.companyA, januaryOfA(wrong));
      expect(fields(refused.userErrors)).toEqual([{ field: ['input', 'closingBalance'], code: 'INVALID' }]);
      expect(refused.userErrors[0].message).toContain('5265.44');
      expect(refused.userErrors[0].message).toContain('0.00 opening + 10500.00 income − 1000.00 remuneration − 4234.56 expenses = 5265.44');
      expect(refused.ledgerMonth).toBeNull();
    }
    expect(await monthsOf(a.compound.id)).toBe(0);

    const ok = await submit(tokens.companyA, januaryOfA('5265.44'));
    expect(ok.userErrors).toEqual([]);
    expect(ok.ledgerMonth).toMatchObject({
      month: '2026-01', status: 'DRAFT', openingBalance: '0.00', income: '10500.00', feeIncome: '10000.00',
      remuneration: '1000.00', expenses: '4234.56', closingBalance: '5265.44',
      remunerationRule: { kind: 'PERCENTAGE_OF_INCOME', percent: '10.00', monthlyAmount: null },
      viewerCanSubmit: true, viewerCanPublish: false, viewerCanCorrect: false,
    });
    expect(ok.ledgerMonth.incomeLines).toEqual([
      { line: 1, category: 'PROPERTY_FEE', description: '1月物业费', amount: '10000.00' },
      { line: 2, category: 'PARKING', description: '1月停车费', amount: '500.00' },
    ]);
    expect(ok.ledgerMonth.expenseLines.map((l: any) => [l.line, l.amount, l.planItem.title])).toEqual([[1, '3000.00', '保洁外包'], [2, '1234.56', '3号楼屋面防水']]);
  });

  test('a percentage remuneration is rounded half up to the fen; the opening balance is the previous closing; a draft may be resubmitted', async () => {
    const february = (fee: string, closingBalance: string) => ({
      compoundId: a.ids.compound, month: '2026-02',
      incomeLines: [{ category: 'PROPERTY_FEE', description: '2月物业费', amount: fee }], expenseLines: [], closingBalance,
    });
    // 10% of 1,234.64 is 123.464 → 123.46
    const first = await submit(tokens.companyA, february('1234.64', '6376.62'));
    expect(first.userErrors).toEqual([]);
    expect(first.ledgerMonth).toMatchObject({ openingBalance: '5265.44', remuneration: '123.46', closingBalance: '6376.62' });
    // 10% of 1,234.65 is 123.465 → 123.47 (half up), not 123.46 (half to even): 6,376.63 is refused
    const bankers = await submit(tokens.companyA, february('1234.65', '6376.63'));
    expect(fields(bankers.userErrors)).toEqual([{ field: ['input', 'closingBalance'], code: 'INVALID' }]);
    expect(bankers.userErrors[0].message).toContain('123.47 remuneration');
    const resubmitted = await submit(tokens.companyA, february('1234.65', '6376.62'));
    expect(resubmitted.userErrors).toEqual([]);
    expect(resubmitted.ledgerMonth).toMatchObject({ id: first.ledgerMonth.id, feeIncome: '1234.65', remuneration: '123.47', closingBalance: '6376.62', status: 'DRAFT' });
    const lines = await t.database.db.select().from(ledgerLines).where(eq(ledgerLines.ledgerMonthId, Number(Buffer.from(first.ledgerMonth.id, 'base64').toString().split(':')[1])));
    expect(lines.map((l) => l.amountFen)).toEqual([123_465]);
  });

  test('a fixed remuneration is the contract\'s amount whatever the income; a balance may go below zero', async () => {
    const january = await submit(tokens.companyF, {
      compoundId: f.ids.compound, month: '2026-01',
      incomeLines: [{ category: 'PROPERTY_FEE', description: '1月物业费', amount: '20000.00' }],
      expenseLines: [{ category: 'STAFF', planItemId: items.guardsF, description: '1月保安工资', amount: '5000.00' }],
      closingBalance: '12000.00',
    });
    expect(january.userErrors).toEqual([]);
    expect(january.ledgerMonth).toMatchObject({ remuneration: '3000.00', closingBalance: '12000.00', remunerationRule: { kind: 'FIXED_MONTHLY', percent: null, monthlyAmount: '3000.00' } });
    const february = await submit(tokens.companyF, {
      compoundId: f.ids.compound, month: '2026-02', incomeLines: [],
      expenseLines: [{ category: 'STAFF', planItemId: items.guardsF, description: '2月保安工资', amount: '9500.00' }],
      closingBalance: '-500.00',
    });
    expect(february.userErrors).toEqual([]);
    expect(february.ledgerMonth).toMatchObject({ openingBalance: '12000.00', income: '0.00', remuneration: '3000.00', expenses: '9500.00', closingBalance: '-500.00' });
  });

  test('the next month carries a closing balance forward: a resubmission may change the lines but not that balance', async () => {
    const split = await submit(tokens.companyF, {
      compoundId: f.ids.compound, month: '2026-01',
      incomeLines: [
        { category: 'PROPERTY_FEE', description: '1月物业费(一)', amount: '10000.00' },
        { category: 'PROPERTY_FEE', description: '1月物业费(二)', amount: '10000.00' },
      ],
      expenseLines: [{ category: 'STAFF', planItemId: items.guardsF, description: '1月保安工资', amount: '5000.00' }],
      closingBalance: '12000.00',
    });
    expect(split.userErrors).toEqual([]);
    expect(split.ledgerMonth.incomeLines).toHaveLength(2);
    const moved = await submit(tokens.companyF, {
      compoundId: f.ids.compound, month: '2026-01',
      incomeLines: [{ category: 'PROPERTY_FEE', description: '1月物业费', amount: '20000.01' }],
      expenseLines: [{ category: 'STAFF', planItemId: items.guardsF, description: '1月保安工资', amount: '5000.00' }],
      closingBalance: '12000.01',
    });
    expect(fields(moved.userErrors)).toEqual([{ field: ['input', 'closingBalance'], code: 'INVALID' }]);
    expect(moved.userErrors[0].message).toContain('2026-02 already carries forward 12000.00');
  });

  test('months run without a gap, and not into the future', async () => {
    const base = { compoundId: a.ids.compound, incomeLines: [], expenseLines: [], closingBalance: '6376.62' };
    const gap = await submit(tokens.companyA, { ...base, month: '2026-04' });
    expect(fields(gap.userErrors)).toEqual([{ field: ['input', 'month'], code: 'INVALID' }]);
    expect(gap.userErrors[0].message).toContain('2026-03 is missing');
    const before = await submit(tokens.companyA, { ...base, month: '2025-12', closingBalance: '0' });
    expect(fields(before.userErrors)).toEqual([{ field: ['input', 'month'], code: 'INVALID' }]);
    expect(before.userErrors[0].message).toContain('begins at 2026-01');
    const future = await submit(tokens.companyA, { ...base, month: '2099-01' });
    expect(fields(future.userErrors)).toEqual([{ field: ['input', 'month'], code: 'INVALID' }]);
    const malformed = await submit(tokens.companyA, { ...base, month: '2026-3' });
    expect(fields(malformed.userErrors)).toEqual([{ field: ['input', 'month'], code: 'INVALID' }]);
    expect(await monthsOf(a.compound.id)).toBe(2);
  });

  test('every line is checked: amounts positive with two decimals, expenses on an item of that year\'s plan of the compound, same category', async () => {
    const r = await submit(tokens.companyA, {
      compoundId: a.ids.compound, month: '2026-03',
      incomeLines: [
        { category: 'PROPERTY_FEE', description: '3月物业费', amount: '-5.00' },
        { category: 'PARKING', description: '   ', amount: '0' },
      ],
      expenseLines: [
        { category: 'CLEANING', planItemId: items.cleaningB, description: '别的小区的保洁', amount: '10.00' },
        { category: 'REPAIRS', planItemId: items.cleaning, description: '类别不符', amount: '10.00' },
        { category: 'CLEANING', planItemId: items.cleaning2025, description: '去年的计划', amount: '10.00' },
        { category: 'CLEANING', planItemId: 'not-an-id', description: '无效编号', amount: '10.00' },
        { category: 'ELEVATORS', planItemId: items.lift, description: '电梯年检', amount: '99999999999999.99' },
      ],
      closingBalance: '0.00',
    });
    expect(fields(r.userErrors)).toEqual([
      { field: ['input', 'incomeLines', '0', 'amount'], code: 'INVALID' },
      { field: ['input', 'incomeLines', '1', 'description'], code: 'REQUIRED' },
      { field: ['input', 'incomeLines', '1', 'amount'], code: 'INVALID' },
      { field: ['input', 'expenseLines', '0', 'planItemId'], code: 'INVALID' },
      { field: ['input', 'expenseLines', '1', 'category'], code: 'INVALID' },
      { field: ['input', 'expenseLines', '2', 'planItemId'], code: 'INVALID' },
      { field: ['input', 'expenseLines', '3', 'planItemId'], code: 'NOT_FOUND' },
      { field: ['input', 'expenseLines', '4', 'amount'], code: 'INVALID' },
    ]);
    expect(r.userErrors[3].message).toContain('2026 plan');
    expect(r.ledgerMonth).toBeNull();
    expect(await monthsOf(a.compound.id)).toBe(2);

    const malformedDecimal = await t.gql(SUBMIT, { input: { ...januaryOfA('5265.44'), month: '2026-03', incomeLines: [{ category: 'PARKING', description: 'x', amount: '1.005' }] } }, tokens.companyA);
    expect(malformedDecimal.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('only the company under contract submits: not another compound\'s company, not residents or committees', async () => {
    const other = await submit(tokens.companyB, januaryOfA('5265.44'));
    expect(fields(other.userErrors)).toEqual([{ field: ['input', 'compoundId'], code: 'OUT_OF_SCOPE' }]);
    for (const token of [tokens.residentA, tokens.committeeA, tokens.secretaryA]) {
      const refused = await t.gql(SUBMIT, { input: januaryOfA('5265.44') }, token);
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(refused.data ?? null).toBeNull();
    }
    const nowhere = await submit(tokens.companyA, { ...januaryOfA('5265.44'), compoundId: b.ids.households[0] });
    expect(fields(nowhere.userErrors)).toEqual([{ field: ['input', 'compoundId'], code: 'NOT_FOUND' }]);
  });

  test('reads: the compound\'s committee, company and community see drafts; residents see published months only, of their own compound', async () => {
    const LIST = `query($c: ID!) { ledgerMonths(compoundId: $c) { totalCount nodes { month status closingBalance } pageInfo { hasNextPage } } }`;
    for (const token of [tokens.committeeA, tokens.companyA, tokens.secretaryA]) {
      const r = await t.gql(LIST, { c: a.ids.compound }, token);
      expect(r.data.ledgerMonths).toEqual({
        totalCount: 2, pageInfo: { hasNextPage: false },
        nodes: [{ month: '2026-01', status: 'DRAFT', closingBalance: '5265.44' }, { month: '2026-02', status: 'DRAFT', closingBalance: '6376.62' }],
      });
    }
    for (const token of [tokens.residentA, tokens.residentB, tokens.companyB, tokens.committeeB]) {
      const r = await t.gql(LIST, { c: a.ids.compound }, token);
      expect(r.data.ledgerMonths.totalCount).toBe(0);
    }
    const latest = await t.gql(`query($c: ID!) { ledgerMonths(compoundId: $c, last: 1) { nodes { month } } ledgerMonth(compoundId: $c, month: "2026-01") { openingBalance expenseLines { planItem { title } } } }`, { c: a.ids.compound }, tokens.companyA);
    expect(latest.data.ledgerMonths.nodes).toEqual([{ month: '2026-02' }]);
    const PAGE = `query($c: ID!, $after: String) { ledgerMonths(compoundId: $c, first: 1, after: $after) { nodes { month } pageInfo { hasNextPage endCursor } } }`;
    const page1 = (await t.gql(PAGE, { c: a.ids.compound }, tokens.companyA)).data.ledgerMonths;
    expect(page1).toMatchObject({ nodes: [{ month: '2026-01' }], pageInfo: { hasNextPage: true } });
    const page2 = (await t.gql(PAGE, { c: a.ids.compound, after: page1.pageInfo.endCursor }, tokens.companyA)).data.ledgerMonths;
    expect(page2).toMatchObject({ nodes: [{ month: '2026-02' }], pageInfo: { hasNextPage: false } });
    expect(latest.data.ledgerMonth.expenseLines[0].planItem.title).toBe('保洁外包');
    const viaCompound = await t.gql(`query($c: ID!) { node(id: $c) { ... on Compound { ledgerMonths(first: 1, filter: { year: 2026 }) { totalCount nodes { month } } } } }`, { c: a.ids.compound }, tokens.secretaryA);
    expect(viaCompound.data.node.ledgerMonths).toEqual({ totalCount: 2, nodes: [{ month: '2026-01' }] });
    const handler = await t.token(Role.DEPARTMENT_HANDLER, { type: 'Department', key: 1 });
    const forbidden = await t.gql(LIST, { c: a.ids.compound }, handler);
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await t.gql(LIST, { c: a.ids.compound });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a published month is frozen: the company can no longer resubmit it; residents now see it and what was spent on the plan', async () => {
    const published = await t.gql(`mutation($c: ID!) { disclosurePublish(compoundId: $c, month: "2026-01") { disclosure { version } userErrors { field code } } }`, { c: a.ids.compound }, tokens.committeeA);
    expect(published.data.disclosurePublish).toEqual({ disclosure: { version: 1 }, userErrors: [] });
    const again = await submit(tokens.companyA, januaryOfA('5265.44'));
    expect(fields(again.userErrors)).toEqual([{ field: ['input', 'month'], code: 'INVALID_TRANSITION' }]);
    expect(again.userErrors[0].message).toContain('disclosureCorrect');

    const r = await t.gql(`query($c: ID!) { ledgerMonths(compoundId: $c) { nodes { month status viewerCanSubmit viewerCanCorrect } } annualPlan(compoundId: $c, year: 2026) { items { title spent remaining } } }`, { c: a.ids.compound }, tokens.residentA);
    expect(r.data.ledgerMonths.nodes).toEqual([{ month: '2026-01', status: 'PUBLISHED', viewerCanSubmit: false, viewerCanCorrect: false }]);
    expect(r.data.annualPlan.items).toEqual([
      { title: '保洁外包', spent: '3000.00', remaining: '57000.00' },
      { title: '3号楼屋面防水', spent: '1234.56', remaining: '78765.44' },
      { title: '电梯维保', spent: '0.00', remaining: '24000.50' },
    ]);
    const committee = await t.gql(`query($c: ID!) { ledgerMonths(compoundId: $c) { nodes { viewerCanPublish viewerCanCorrect } } }`, { c: a.ids.compound }, tokens.committeeA);
    expect(committee.data.ledgerMonths.nodes).toEqual([{ viewerCanPublish: false, viewerCanCorrect: true }, { viewerCanPublish: true, viewerCanCorrect: false }]);
  });

  test('a plan is amended by ID; an item with expenses booked on it stays, with its category', async () => {
    const base = { compoundId: a.ids.compound, year: 2026 };
    const dropBooked = await setPlan(tokens.committeeA, { ...base, items: [{ id: items.cleaning, category: 'CLEANING', title: '保洁外包', budget: '60000' }] });
    expect(fields(dropBooked.userErrors)).toEqual([{ field: ['input', 'items'], code: 'INVALID' }]);
    expect(dropBooked.userErrors[0].message).toContain('3号楼屋面防水');
    const recategorise = await setPlan(tokens.committeeA, { ...base, items: [
      { id: items.cleaning, category: 'OTHER', title: '保洁外包', budget: '60000' },
      { id: items.roof, category: 'REPAIRS', title: '3号楼屋面防水', budget: '80000' },
    ] });
    expect(fields(recategorise.userErrors)).toEqual([{ field: ['input', 'items', '0', 'category'], code: 'INVALID' }]);
    const amended = await setPlan(tokens.committeeA, { ...base, items: [
      { id: items.cleaning, category: 'CLEANING', title: '保洁外包(含垃圾分类)', budget: '65000' },
      { id: items.roof, category: 'REPAIRS', title: '3号楼屋面防水', budget: '80000' },
      { category: 'FIRE_SAFETY', title: '消防栓更换', budget: '12000' },
    ] });
    expect(amended.userErrors).toEqual([]);
    expect(amended.annualPlan.items.map((i: any) => [i.id === items.cleaning || i.id === items.roof, i.title, i.spent])).toEqual([
      [true, '保洁外包(含垃圾分类)', '3000.00'], [true, '3号楼屋面防水', '1234.56'], [false, '消防栓更换', '0.00'],
    ]);
    const gone = await t.database.db.select().from(planItems).where(eq(planItems.id, Number(Buffer.from(items.lift, 'base64').toString().split(':')[1])));
    expect(gone).toEqual([]);
  });
});
