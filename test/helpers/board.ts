import { makeCompound } from './property';
import { Role, type TestServer } from './server';

/**
 * A compound whose months a test publishes and corrects through the API, as its property
 * company and owners' committee do: 10% of the fee income is the remuneration, and a yearly
 * plan has a cleaning item for the expenses.
 */
export async function boardCompound(t: TestServer) {
  const made = await makeCompound(t.database.db, { remuneration: { basisPoints: 1000 } });
  const committee = await t.token(Role.OWNERS_COMMITTEE, { type: 'Compound', key: made.compound.id }, `committee-${made.compound.id}`);
  const company = await t.token(Role.PROPERTY_COMPANY, { type: 'PropertyCompany', key: made.company.id }, `company-${made.compound.id}`);
  const plan = await t.gql(`mutation($input: AnnualPlanSetInput!) { annualPlanSet(input: $input) { annualPlan { items { id } } userErrors { field code } } }`, {
    input: { compoundId: made.ids.compound, year: 2026, items: [{ category: 'CLEANING', title: '保洁外包', budget: '30000' }] },
  }, committee);
  const cleaning = plan.data.annualPlanSet.annualPlan.items[0].id as string;

  /** The ledger lines of a month: fee income, and a cleaning expense when given. */
  const figures = (fee: string, cleaningCost: string | null, closing: string) => ({
    incomeLines: [{ category: 'PROPERTY_FEE', description: '物业费', amount: fee }],
    expenseLines: cleaningCost ? [{ category: 'CLEANING', planItemId: cleaning, description: '保洁外包', amount: cleaningCost }] : [],
    closingBalance: closing,
  });

  const call = async (mutation: string, field: string, variables: Record<string, unknown>, token: string) => {
    const r = await t.gql(mutation, variables, token);
    if (r.errors || r.data[field].userErrors.length) throw new Error(JSON.stringify(r.errors ?? r.data[field].userErrors));
    return r.data[field];
  };

  return {
    ...made,
    tokens: { committee, company },
    /** The company submits the month, the committee publishes it; the published version. */
    async publish(month: string, fee: string, cleaningCost: string | null, closing: string) {
      await call(`mutation($input: LedgerMonthSubmitInput!) { ledgerMonthSubmit(input: $input) { ledgerMonth { id } userErrors { field code message } } }`,
        'ledgerMonthSubmit', { input: { compoundId: made.ids.compound, month, ...figures(fee, cleaningCost, closing) } }, company);
      const published = await call(`mutation($c: ID!, $m: String!) { disclosurePublish(compoundId: $c, month: $m) { disclosure { id month version contentHash } userErrors { field code message } } }`,
        'disclosurePublish', { c: made.ids.compound, m: month }, committee);
      return published.disclosure as { id: string; month: string; version: number; contentHash: string };
    },
    /** The committee publishes a correction of the month; the new version. */
    async correct(month: string, reason: string, fee: string, cleaningCost: string | null, closing: string) {
      const corrected = await call(`mutation($input: DisclosureCorrectInput!) { disclosureCorrect(input: $input) { disclosure { id month version contentHash } userErrors { field code message } } }`,
        'disclosureCorrect', { input: { compoundId: made.ids.compound, month, reason, ...figures(fee, cleaningCost, closing) } }, committee);
      return corrected.disclosure as { id: string; month: string; version: number; contentHash: string };
    },
  };
}

export type BoardCompound = Awaited<ReturnType<typeof boardCompound>>;
