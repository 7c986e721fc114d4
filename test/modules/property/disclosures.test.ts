import { createHash } from 'node:crypto';
import { and, count, eq, min, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { outbox } from '../../../src/events/outbox.tables';
import { toGlobalId } from '../../../src/graphql/ids';
import { contentHashOf } from '../../../src/modules/property/disclosure.chain';
import { disclosures, ledgerMonths } from '../../../src/modules/property/property.tables';
import { makeCompound } from '../../helpers/property';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import { Subscriber, whenSubscribed } from '../../helpers/subscriptions';

type Compound = Awaited<ReturnType<typeof makeCompound>>;
type UserErrors = { field: string[] | null; code: string; message: string }[];

let t: TestServer;
/** C: the compound under watch (10% remuneration). D: another compound. E: a compound whose record an attacker alters. */
let c: Compound;
let d: Compound;
let e: Compound;
const tokens: Record<string, string> = {};
const items: Record<string, string> = {};

const DISCLOSURE_FIELDS = `id month version correctionReason contentHash previousHash canonicalContent contentHashValid
  openingBalance income feeIncome remuneration expenses closingBalance isLatest
  incomeLines { line category description amount }
  expenseLines { line category description amount planItem { title } }
  remunerationRule { kind percent monthlyAmount }
  publishedBy { subject role }
  compound { id }
  ledgerMonth { status closingBalance }`;

const PUBLISH = `mutation($c: ID!, $m: String!, $key: String) {
  disclosurePublish(compoundId: $c, month: $m, idempotencyKey: $key) { disclosure { ${DISCLOSURE_FIELDS} } userErrors { field code message } }
}`;

const CORRECT = `mutation($input: DisclosureCorrectInput!) {
  disclosureCorrect(input: $input) { disclosure { ${DISCLOSURE_FIELDS} } userErrors { field code message } }
}`;

const EVENTS = `subscription($filter: DisclosureEventFilter, $after: String) {
  disclosurePublished(filter: $filter, after: $after) {
    cursor occurredAt kind actor { subject role }
    compound { id name }
    disclosure { id month version correctionReason contentHash previousHash closingBalance remuneration }
  }
}`;

const VERIFY = `query($c: ID!, $held: String) {
  disclosureChainVerify(compoundId: $c, heldHash: $held) {
    valid versionsChecked headHash
    firstBrokenLink { reason detail disclosure { id month version contentHashValid closingBalance } }
  }
}`;

const fields = (errors: UserErrors) => errors.map((x) => ({ field: x.field, code: x.code }));
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

async function publish(token: string, compound: Compound, month: string, key?: string) {
  const r = await t.gql(PUBLISH, { c: compound.ids.compound, m: month, key }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.disclosurePublish as { disclosure: any; userErrors: UserErrors };
}

async function correct(token: string, input: Record<string, unknown>) {
  const r = await t.gql(CORRECT, { input }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.disclosureCorrect as { disclosure: any; userErrors: UserErrors };
}

async function submit(token: string, input: Record<string, unknown>) {
  const r = await t.gql(`mutation($input: LedgerMonthSubmitInput!) { ledgerMonthSubmit(input: $input) { ledgerMonth { id status } userErrors { field code message } } }`, { input }, token);
  if (r.errors || r.data.ledgerMonthSubmit.userErrors.length) throw new Error(JSON.stringify(r.errors ?? r.data.ledgerMonthSubmit.userErrors));
  return r.data.ledgerMonthSubmit.ledgerMonth;
}

async function disclosureCount(compound: Compound) {
  const [{ n }] = await t.database.db.select({ n: count() }).from(disclosures).where(eq(disclosures.compoundId, compound.compound.id));
  return n;
}

/** The database's own message of a failed statement (drizzle wraps it as the cause). */
async function failure(statement: Promise<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    const { message, cause } = error as Error & { cause?: Error };
    return `${message} ${cause?.message ?? ''}`;
  }
  return 'no failure';
}

const keyOf = (id: string) => Number(Buffer.from(id, 'base64').toString('utf8').split(':')[1]);

/** The months of C. 10% of the fee income is the remuneration. */
const C_MONTHS = {
  '2026-01': { fee: '8000.00', expense: { category: 'CLEANING', item: 'cleaning', description: '1月保洁外包', amount: '2000.00' }, closing: '5200.00' },
  '2026-02': { fee: '8000.00', expense: { category: 'CLEANING', item: 'cleaning', description: '2月保洁外包', amount: '2000.00' }, closing: '10400.00' },
  // 10% of 8,000.05 is 800.005 → 800.01
  '2026-03': { fee: '8000.05', expense: null, closing: '17600.04' },
} as const;

function cMonth(month: keyof typeof C_MONTHS) {
  const spec = C_MONTHS[month];
  return {
    compoundId: c.ids.compound,
    month,
    incomeLines: [{ category: 'PROPERTY_FEE', description: `${month.slice(5)}月物业费`, amount: spec.fee }],
    expenseLines: spec.expense ? [{ category: spec.expense.category, planItemId: items[spec.expense.item], description: spec.expense.description, amount: spec.expense.amount }] : [],
    closingBalance: spec.closing,
  };
}

beforeAll(async () => {
  t = await startTestServer();
  c = await makeCompound(t.database.db, { remuneration: { basisPoints: 1000 } });
  d = await makeCompound(t.database.db);
  e = await makeCompound(t.database.db);
  tokens.committeeC = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: c.compound.id }, 'committee-c');
  tokens.committeeD = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: d.compound.id }, 'committee-d');
  tokens.committeeE = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: e.compound.id }, 'committee-e');
  tokens.companyC = await t.token(Role.PROPERTY_COMPANY, { type: 'PropertyCompany', key: c.company.id }, 'company-c');
  tokens.companyD = await t.token(Role.PROPERTY_COMPANY, { type: 'PropertyCompany', key: d.company.id }, 'company-d');
  tokens.companyE = await t.token(Role.PROPERTY_COMPANY, { type: 'PropertyCompany', key: e.company.id }, 'company-e');
  tokens.residentC = await t.token(Role.RESIDENT, { type: 'Household', key: c.households[0].id }, 'resident-c');
  tokens.residentD = await t.token(Role.RESIDENT, { type: 'Household', key: d.households[0].id }, 'resident-d');
  tokens.secretaryC = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: c.compound.communityId }, 'secretary-c');
  tokens.officerC = await t.token(Role.STREET_OFFICER, { type: 'Street', key: c.compound.streetId }, 'officer-c');
  tokens.integrator = await t.token(Role.CITY_ADMIN, undefined, 'integrator');
  const plan = await t.gql(`mutation($input: AnnualPlanSetInput!) { annualPlanSet(input: $input) { annualPlan { items { id } } userErrors { field code } } }`, {
    input: {
      compoundId: c.ids.compound, year: 2026,
      items: [{ category: 'CLEANING', title: '保洁外包', budget: '30000' }, { category: 'ELEVATORS', title: '电梯维修', budget: '20000' }],
    },
  }, tokens.committeeC);
  [items.cleaning, items.lift] = plan.data.annualPlanSet.annualPlan.items.map((i: { id: string }) => i.id);
});
afterAll(async () => t?.close());

describe('publishing (公示)', () => {
  test('the committee publishes the month the company submitted: frozen into version 1 with its SHA-256; subscribers of the compound receive it', async () => {
    const { watchers, strangers } = await whenSubscribed(t.server.events, 8, () => ({ watchers: {
      resident: new Subscriber(t.wsClient(tokens.residentC), EVENTS, { filter: { compoundId: c.ids.compound } }),
      committee: new Subscriber(t.wsClient(tokens.committeeC), EVENTS),
      company: new Subscriber(t.wsClient(tokens.companyC), EVENTS),
      community: new Subscriber(t.wsClient(tokens.secretaryC), EVENTS, { filter: { communityId: toGlobalId('Community', c.compound.communityId) } }),
      integrator: new Subscriber(t.wsClient(tokens.integrator), EVENTS, { filter: { streetId: toGlobalId('Street', c.compound.streetId) } }),
    }, strangers: {
      otherResident: new Subscriber(t.wsClient(tokens.residentD), EVENTS),
      otherCommittee: new Subscriber(t.wsClient(tokens.committeeD), EVENTS, { filter: { compoundId: c.ids.compound } }),
      otherCompany: new Subscriber(t.wsClient(tokens.companyD), EVENTS),
    } }));

    await submit(tokens.companyC, cMonth('2026-01'));
    const published = await publish(tokens.committeeC, c, '2026-01');
    expect(published.userErrors).toEqual([]);
    const v1 = published.disclosure;
    expect(v1).toMatchObject({
      month: '2026-01', version: 1, correctionReason: null, previousHash: null, contentHashValid: true, isLatest: true,
      openingBalance: '0.00', income: '8000.00', feeIncome: '8000.00', remuneration: '800.00', expenses: '2000.00', closingBalance: '5200.00',
      remunerationRule: { kind: 'PERCENTAGE_OF_INCOME', percent: '10.00', monthlyAmount: null },
      publishedBy: { subject: 'committee-c', role: 'OWNERS_COMMITTEE' },
      compound: { id: c.ids.compound },
      ledgerMonth: { status: 'PUBLISHED', closingBalance: '5200.00' },
    });
    expect(v1.expenseLines).toEqual([{ line: 1, category: 'CLEANING', description: '1月保洁外包', amount: '2000.00', planItem: { title: '保洁外包' } }]);
    // Anyone can check the hash: SHA-256 of the canonical JSON, whose keys are sorted and whose money is integer fen and yuan.
    expect(v1.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256(v1.canonicalContent)).toBe(v1.contentHash);
    const content = JSON.parse(v1.canonicalContent);
    expect(Object.keys(content)).toEqual([...Object.keys(content)].sort());
    expect(content).toMatchObject({
      month: '2026-01', version: 1, previousHash: null, correctionReason: null,
      balance: { opening: { fen: 0, yuan: '0.00' }, remuneration: { fen: 80_000, yuan: '800.00' }, closing: { fen: 520_000, yuan: '5200.00' } },
      contract: { remuneration: { kind: 'PERCENTAGE_OF_INCOME', basisPoints: 1000, monthly: null, rounding: 'HALF_UP_TO_FEN' }, company: { id: c.company.id } },
      incomeLines: [{ line: 1, category: 'PROPERTY_FEE', amount: { fen: 800_000, yuan: '8000.00' } }],
      planItems: [{ id: keyOf(items.cleaning), year: 2026, category: 'CLEANING', title: '保洁外包', budget: { fen: 3_000_000, yuan: '30000.00' } }],
    });

    for (const [who, watcher] of Object.entries(watchers)) {
      const [event] = await watcher.waitFor(1);
      expect(event.disclosurePublished, who).toMatchObject({
        kind: 'PUBLISHED', actor: { subject: 'committee-c', role: 'OWNERS_COMMITTEE' },
        compound: { id: c.ids.compound, name: c.compound.name },
        disclosure: { id: v1.id, month: '2026-01', version: 1, correctionReason: null, contentHash: v1.contentHash, previousHash: null, closingBalance: '5200.00', remuneration: '800.00' },
      });
      expect(event.disclosurePublished.cursor).toBeTruthy();
    }
    for (const [who, stranger] of Object.entries(strangers)) expect((await stranger.settle()).length, who).toBe(0);
    for (const s of [...Object.values(watchers), ...Object.values(strangers)]) s.stop();
  });

  test('months are published in order, once; only the compound\'s own committee publishes; refusals write nothing', async () => {
    await submit(tokens.companyC, cMonth('2026-02'));
    await submit(tokens.companyC, cMonth('2026-03'));
    const early = await publish(tokens.committeeC, c, '2026-03');
    expect(fields(early.userErrors)).toEqual([{ field: ['month'], code: 'INVALID_TRANSITION' }]);
    expect(early.userErrors[0].message).toContain('Publish 2026-02 first');
    for (const token of [tokens.residentC, tokens.companyC, tokens.secretaryC]) {
      const refused = await t.gql(PUBLISH, { c: c.ids.compound, m: '2026-02' }, token);
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const otherCommittee = await publish(tokens.committeeD, c, '2026-02');
    expect(fields(otherCommittee.userErrors)).toEqual([{ field: ['compoundId'], code: 'OUT_OF_SCOPE' }]);
    const missing = await publish(tokens.committeeC, c, '2026-05');
    expect(fields(missing.userErrors)).toEqual([{ field: ['month'], code: 'NOT_FOUND' }]);
    expect(await disclosureCount(c)).toBe(1);
    const [draft] = await t.database.db.select().from(ledgerMonths).where(and(eq(ledgerMonths.compoundId, c.compound.id), eq(ledgerMonths.month, '2026-02-01')));
    expect(draft.status).toBe('DRAFT');

    const first = await t.gql(`query($c: ID!) { disclosures(compoundId: $c) { nodes { contentHash } } }`, { c: c.ids.compound }, tokens.committeeC);
    const february = await publish(tokens.committeeC, c, '2026-02');
    expect(february.disclosure).toMatchObject({ version: 1, openingBalance: '5200.00', closingBalance: '10400.00' });
    // The chain runs across months: February links to January.
    expect(february.disclosure.previousHash).toBe(first.data.disclosures.nodes[0].contentHash);
    const twice = await publish(tokens.committeeC, c, '2026-02');
    expect(fields(twice.userErrors)).toEqual([{ field: ['month'], code: 'INVALID_TRANSITION' }]);

    // A repeat over a flaky network with the same key answers the first publication and publishes nothing more.
    const march = await publish(tokens.committeeC, c, '2026-03', 'publish-march-1');
    expect(march.disclosure).toMatchObject({ version: 1, remuneration: '800.01', closingBalance: '17600.04', previousHash: february.disclosure.contentHash });
    const repeat = await publish(tokens.committeeC, c, '2026-03', 'publish-march-1');
    expect(repeat).toEqual({ disclosure: march.disclosure, userErrors: [] });
    expect(await disclosureCount(c)).toBe(3);
  });
});

describe('corrections (更正)', () => {
  test('a correction is a new version with its reason, through the same balance rule; earlier versions stay readable; subscribers hear of it', async () => {
    const watcher = await whenSubscribed(t.server.events, 1, () => new Subscriber(t.wsClient(tokens.residentC), EVENTS, { filter: { compoundId: c.ids.compound } }));
    const [head] = await t.database.db.select().from(disclosures).where(eq(disclosures.compoundId, c.compound.id)).orderBy(sql`${disclosures.id} desc`).limit(1);

    // February's 2,000.00 went on the lift, not on cleaning: the totals stay, the line changes.
    const february = {
      ...cMonth('2026-02'),
      reason: '2月支出应计入电梯维修项目',
      expenseLines: [{ category: 'ELEVATORS', planItemId: items.lift, description: '2月电梯维修', amount: '2000.00' }],
    };
    const corrected = await correct(tokens.committeeC, february);
    expect(corrected.userErrors).toEqual([]);
    expect(corrected.disclosure).toMatchObject({
      month: '2026-02', version: 2, correctionReason: '2月支出应计入电梯维修项目', closingBalance: '10400.00', isLatest: true, contentHashValid: true,
      // The chain runs in publication order: version 2 of February follows March.
      previousHash: head.contentHash,
    });
    expect(corrected.disclosure.expenseLines).toEqual([{ line: 1, category: 'ELEVATORS', description: '2月电梯维修', amount: '2000.00', planItem: { title: '电梯维修' } }]);

    // March is the latest month, so its closing balance may change: 300.00 of parking income was left out.
    const march = {
      ...cMonth('2026-03'),
      reason: '漏记3月停车费收入',
      incomeLines: [...cMonth('2026-03').incomeLines, { category: 'PARKING', description: '3月停车费', amount: '300.00' }],
    };
    const offByOneFen = await correct(tokens.committeeC, { ...march, closingBalance: '17900.05' });
    expect(fields(offByOneFen.userErrors)).toEqual([{ field: ['input', 'closingBalance'], code: 'INVALID' }]);
    expect(offByOneFen.userErrors[0].message).toContain('17900.04');
    const marchFixed = await correct(tokens.committeeC, { ...march, closingBalance: '17900.04' });
    expect(marchFixed.userErrors).toEqual([]);
    expect(marchFixed.disclosure).toMatchObject({ version: 2, income: '8300.05', feeIncome: '8000.05', remuneration: '800.01', closingBalance: '17900.04', previousHash: corrected.disclosure.contentHash });

    const events = await watcher.waitFor(2);
    expect(events.map((x) => [x.disclosurePublished.kind, x.disclosurePublished.disclosure.month, x.disclosurePublished.disclosure.version, x.disclosurePublished.disclosure.correctionReason])).toEqual([
      ['CORRECTED', '2026-02', 2, '2月支出应计入电梯维修项目'], ['CORRECTED', '2026-03', 2, '漏记3月停车费收入'],
    ]);
    watcher.stop();

    const both = await t.gql(`query($c: ID!) { disclosures(compoundId: $c, filter: { month: "2026-02" }) { totalCount nodes { version isLatest correctionReason expenseLines { category description } versions { version } } } }`, { c: c.ids.compound }, tokens.residentC);
    expect(both.data.disclosures).toEqual({
      totalCount: 2,
      nodes: [
        { version: 1, isLatest: false, correctionReason: null, expenseLines: [{ category: 'CLEANING', description: '2月保洁外包' }], versions: [{ version: 1 }, { version: 2 }] },
        { version: 2, isLatest: true, correctionReason: '2月支出应计入电梯维修项目', expenseLines: [{ category: 'ELEVATORS', description: '2月电梯维修' }], versions: [{ version: 1 }, { version: 2 }] },
      ],
    });
    const latest = await t.gql(`query($c: ID!) { disclosures(compoundId: $c, filter: { latestOnly: true }) { nodes { month version } } ledgerMonth(compoundId: $c, month: "2026-02") { status expenseLines { category } disclosures { version } } }`, { c: c.ids.compound }, tokens.residentC);
    expect(latest.data.disclosures.nodes).toEqual([{ month: '2026-01', version: 1 }, { month: '2026-02', version: 2 }, { month: '2026-03', version: 2 }]);
    expect(latest.data.ledgerMonth).toEqual({ status: 'PUBLISHED', expenseLines: [{ category: 'ELEVATORS' }], disclosures: [{ version: 1 }, { version: 2 }] });
  });

  test('refusals: a reason is required, the balance must hold, a carried-forward balance stays, drafts and identical figures are not corrections, only the own committee', async () => {
    const before = await disclosureCount(c);
    const noReason = await correct(tokens.committeeC, { ...cMonth('2026-01'), reason: '  ', expenseLines: [{ category: 'CLEANING', planItemId: items.cleaning, description: '1月保洁', amount: '2000.00' }] });
    expect(fields(noReason.userErrors)).toEqual([{ field: ['input', 'reason'], code: 'REQUIRED' }]);
    const carried = await correct(tokens.committeeC, {
      ...cMonth('2026-01'), reason: '漏记停车费', closingBalance: '5300.00',
      incomeLines: [...cMonth('2026-01').incomeLines, { category: 'PARKING', description: '1月停车费', amount: '100.00' }],
    });
    expect(fields(carried.userErrors)).toEqual([{ field: ['input', 'closingBalance'], code: 'INVALID' }]);
    expect(carried.userErrors[0].message).toContain('2026-02 already carries forward 5200.00');
    const same = await correct(tokens.committeeC, { ...cMonth('2026-01'), reason: '无变化' });
    expect(fields(same.userErrors)).toEqual([{ field: ['input'], code: 'INVALID' }]);

    await submit(tokens.companyC, { compoundId: c.ids.compound, month: '2026-04', incomeLines: [], expenseLines: [], closingBalance: '17900.04' });
    const draft = await correct(tokens.committeeC, { compoundId: c.ids.compound, month: '2026-04', reason: '草稿', incomeLines: [], expenseLines: [], closingBalance: '17900.04' });
    expect(fields(draft.userErrors)).toEqual([{ field: ['input', 'month'], code: 'INVALID_TRANSITION' }]);
    const other = await correct(tokens.committeeD, { ...cMonth('2026-01'), reason: '越权' });
    expect(fields(other.userErrors)).toEqual([{ field: ['input', 'compoundId'], code: 'OUT_OF_SCOPE' }]);
    const company = await t.gql(CORRECT, { input: { ...cMonth('2026-01'), reason: '物业自改' } }, tokens.companyC);
    expect(company.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await disclosureCount(c)).toBe(before);
  });
});

describe('reading disclosures', () => {
  test('residents read the disclosures of their own compound only; staff above it and the company read them; others see nothing', async () => {
    const LIST = `query($c: ID!) { disclosures(compoundId: $c) { totalCount } }`;
    for (const token of [tokens.residentC, tokens.committeeC, tokens.companyC, tokens.secretaryC, tokens.officerC, tokens.integrator]) {
      expect((await t.gql(LIST, { c: c.ids.compound }, token)).data.disclosures.totalCount).toBe(5);
    }
    for (const token of [tokens.residentD, tokens.committeeD, tokens.companyD]) {
      expect((await t.gql(LIST, { c: c.ids.compound }, token)).data.disclosures.totalCount).toBe(0);
    }
    const [row] = await t.database.db.select().from(disclosures).where(eq(disclosures.compoundId, c.compound.id)).limit(1);
    const id = toGlobalId('Disclosure', row.id);
    const NODE = `query($id: ID!) { node(id: $id) { ... on Disclosure { month version } } }`;
    expect((await t.gql(NODE, { id }, tokens.residentC)).data.node).toEqual({ month: '2026-01', version: 1 });
    expect((await t.gql(NODE, { id }, tokens.residentD)).data.node).toBeNull();
    expect((await t.gql(VERIFY, { c: c.ids.compound }, tokens.residentD)).data.disclosureChainVerify).toBeNull();
    const viaCompound = await t.gql(`query($c: ID!) { node(id: $c) { ... on Compound { disclosures(first: 2, filter: { latestOnly: true }) { totalCount nodes { month } } } } }`, { c: c.ids.compound }, tokens.residentC);
    expect(viaCompound.data.node.disclosures).toEqual({ totalCount: 3, nodes: [{ month: '2026-01' }, { month: '2026-02' }] });
    // Residents never see a draft: April is the company's working paper until the committee publishes it.
    const months = await t.gql(`query($c: ID!) { ledgerMonths(compoundId: $c) { nodes { month } } }`, { c: c.ids.compound }, tokens.residentC);
    expect(months.data.ledgerMonths.nodes.map((m: { month: string }) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
    const handler = await t.token(Role.DEPARTMENT_HANDLER, { type: 'Department', key: 1 });
    expect((await t.gql(LIST, { c: c.ids.compound }, handler)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const subscription = new Subscriber(t.wsClient(handler), EVENTS);
    await expect(subscription.waitFor(1)).rejects.toThrow(/FORBIDDEN|may not use/);
  });

  test('a subscriber that missed publications resumes with `after`: exactly the missed ones, in order', async () => {
    const [{ first }] = await t.database.db.select({ first: min(outbox.id) }).from(outbox).where(eq(outbox.topic, 'disclosure'));
    // After the first publication's event: the other four, in the order they were published.
    const all = new Subscriber(t.wsClient(tokens.secretaryC), EVENTS, { filter: { compoundId: c.ids.compound }, after: toGlobalId('Event', first!) });
    const replayed = await all.waitFor(4);
    expect(replayed.map((x) => `${x.disclosurePublished.disclosure.month}v${x.disclosurePublished.disclosure.version}`)).toEqual(['2026-02v1', '2026-03v1', '2026-02v2', '2026-03v2']);
    expect((await all.settle()).length).toBe(4);
    all.stop();
    const resumed = new Subscriber(t.wsClient(tokens.secretaryC), EVENTS, { filter: { compoundId: c.ids.compound }, after: replayed[1].disclosurePublished.cursor });
    const missed = await resumed.waitFor(2);
    expect(missed.map((x) => x.disclosurePublished.kind)).toEqual(['CORRECTED', 'CORRECTED']);
    expect((await resumed.settle()).length).toBe(2);
    resumed.stop();
  });
});

describe('the hash chain (哈希链)', () => {
  test('verifies: every version recomputed and linked in publication order; a kept hash is still in it', async () => {
    const r = await t.gql(VERIFY, { c: c.ids.compound }, tokens.residentC);
    const [last] = await t.database.db.select().from(disclosures).where(eq(disclosures.compoundId, c.compound.id)).orderBy(sql`${disclosures.id} desc`).limit(1);
    expect(r.data.disclosureChainVerify).toEqual({ valid: true, versionsChecked: 5, headHash: last.contentHash, firstBrokenLink: null });
    const [first] = await t.database.db.select().from(disclosures).where(eq(disclosures.compoundId, c.compound.id)).orderBy(disclosures.id).limit(1);
    expect((await t.gql(VERIFY, { c: c.ids.compound, held: first.contentHash }, tokens.residentC)).data.disclosureChainVerify.valid).toBe(true);
    const unknown = await t.gql(VERIFY, { c: c.ids.compound, held: 'f'.repeat(64) }, tokens.residentC);
    expect(unknown.data.disclosureChainVerify).toMatchObject({ valid: false, firstBrokenLink: { reason: 'HELD_HASH_MISSING', disclosure: { version: 2, month: '2026-03' } } });
    const empty = await t.gql(VERIFY, { c: d.ids.compound }, tokens.committeeD);
    expect(empty.data.disclosureChainVerify).toEqual({ valid: true, versionsChecked: 0, headHash: null, firstBrokenLink: null });
  });

  test('published rows cannot be changed: there is no mutation for it, and the trigger refuses a plain UPDATE or DELETE', async () => {
    const schema = await t.gql(`{ __schema { mutationType { fields { name } } } }`);
    const names: string[] = schema.data.__schema.mutationType.fields.map((f: { name: string }) => f.name);
    expect(names.filter((n) => n.startsWith('disclosure')).sort()).toEqual(['disclosureCorrect', 'disclosurePublish']);
    const [row] = await t.database.db.select().from(disclosures).where(eq(disclosures.compoundId, c.compound.id)).limit(1);
    expect(await failure(t.database.db.execute(sql`update disclosures set correction_reason = 'rewritten' where id = ${row.id}`))).toMatch(/disclosures is append-only: UPDATE refused/);
    expect(await failure(t.database.db.execute(sql`delete from disclosures where id = ${row.id}`))).toMatch(/disclosures is append-only: DELETE refused/);
    const [after] = await t.database.db.select().from(disclosures).where(eq(disclosures.id, row.id));
    expect(after).toEqual(row);
  });

  test('an attacker with database access disables the trigger and alters a published month: the check names that version', async () => {
    let opening = 0;
    for (const month of ['2026-01', '2026-02', '2026-03']) {
      const closing = opening + 1000_00 - 100_00;
      await submit(tokens.companyE, {
        compoundId: e.ids.compound, month,
        incomeLines: [{ category: 'PROPERTY_FEE', description: `${month}物业费`, amount: '1000.00' }], expenseLines: [],
        closingBalance: (closing / 100).toFixed(2),
      });
      const published = await publish(tokens.committeeE, e, month);
      expect(published.userErrors).toEqual([]);
      opening = closing;
    }
    expect((await t.gql(VERIFY, { c: e.ids.compound }, tokens.committeeE)).data.disclosureChainVerify).toMatchObject({ valid: true, versionsChecked: 3 });

    const [february] = await t.database.db.select().from(disclosures).where(and(eq(disclosures.compoundId, e.compound.id), eq(disclosures.month, '2026-02-01')));
    await t.database.db.execute(sql`alter table disclosures disable trigger disclosures_append_only`);
    try {
      await t.database.db.execute(sql`update disclosures set content = jsonb_set(content, '{balance,closing}', '{"fen": 9999999, "yuan": "99999.99"}'::jsonb) where id = ${february.id}`);
    } finally {
      await t.database.db.execute(sql`alter table disclosures enable trigger disclosures_append_only`);
    }
    const broken = await t.gql(VERIFY, { c: e.ids.compound }, tokens.committeeE);
    expect(broken.data.disclosureChainVerify).toMatchObject({
      valid: false,
      versionsChecked: 2,
      firstBrokenLink: {
        reason: 'CONTENT_HASH_MISMATCH',
        disclosure: { id: toGlobalId('Disclosure', february.id), month: '2026-02', version: 1, contentHashValid: false, closingBalance: '99999.99' },
      },
    });
    expect(broken.data.disclosureChainVerify.firstBrokenLink.detail).toContain(february.contentHash);
    // Compound C's chain is untouched.
    expect((await t.gql(VERIFY, { c: c.ids.compound }, tokens.committeeC)).data.disclosureChainVerify.valid).toBe(true);

    // A forger who also recomputes the hash only moves the break: March's link no longer matches.
    const forged = await t.database.db.select().from(disclosures).where(eq(disclosures.id, february.id));
    await t.database.db.execute(sql`alter table disclosures disable trigger disclosures_append_only`);
    try {
      await t.database.db.execute(sql`update disclosures set content_hash = ${contentHashOf(forged[0].content)} where id = ${february.id}`);
    } finally {
      await t.database.db.execute(sql`alter table disclosures enable trigger disclosures_append_only`);
    }
    const relinked = await t.gql(VERIFY, { c: e.ids.compound }, tokens.committeeE);
    expect(relinked.data.disclosureChainVerify).toMatchObject({
      valid: false, versionsChecked: 3, firstBrokenLink: { reason: 'PREVIOUS_HASH_MISMATCH', disclosure: { month: '2026-03', version: 1 } },
    });
  });
});
