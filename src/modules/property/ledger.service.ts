import { and, asc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { chinaDate } from '../../calendar';
import { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Tx } from '../../db/client';
import { OrderDirection, paginate } from '../../graphql/connection';
import { argumentKey, badUserInput, keyOf, refuse, userError, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/ids';
import { isWellFormed } from './disclosure.chain';
import type * as In from './ledger.inputs';
import { asAnnualPlan, asLedgerMonth, ledgerScope, planScope, type LedgerMonthRow, type PlanItemRow, type PlanRow } from './ledger.loaders';
import {
  balanceSentence, expectedClosingFen, fenToYuan, MAX_LINE_FEN, parseMonth, previousMonth, remunerationFen, yuanToFen,
  type Month, type RemunerationRule,
} from './ledger.rules';
import { annualPlans, compounds, ledgerLines, ledgerMonths, planItems, propertyContracts } from './property.tables';

export type CompoundRow = typeof compounds.$inferSelect;
export type ContractRow = typeof propertyContracts.$inferSelect;

// Shared checks ---------------------------------------------------------------------------

/**
 * The compound, locked for this transaction (`FOR NO KEY UPDATE`: other modules may still
 * insert rows that reference it). Every write of a compound's money takes this lock first,
 * so months, plans and the disclosure chain of one compound change one transaction at a time.
 */
export async function lockCompound(tx: Tx, id: string, field: string[]): Promise<CompoundRow> {
  const key = keyOf(id, 'Compound', field);
  const [compound] = await tx.select().from(compounds).where(eq(compounds.id, key)).for('no key update');
  if (!compound) refuse(field, UserErrorCode.NOT_FOUND, 'No compound has this ID.');
  return compound;
}

/** Only the owners' committee (业委会) of this very compound acts for its owners. */
export function assertCommitteeOf(viewer: Viewer, compound: CompoundRow, field: string[], action: string): void {
  if (viewer.role !== Role.OWNERS_COMMITTEE || viewer.unit?.type !== 'Compound' || viewer.unit.key !== compound.id) {
    refuse(field, UserErrorCode.OUT_OF_SCOPE, `Only the owners' committee (业委会) of ${compound.name} may ${action}.`);
  }
}

/** A month argument; a month that has not begun yet (in China) has no ledger. */
export function monthArgument(text: string, field: string[]): Month {
  const month = parseMonth(text.trim());
  if (!month) refuse(field, UserErrorCode.INVALID, `A month is written YYYY-MM, e.g. "2026-10"; got "${text.slice(0, 20)}".`);
  if (month.label > chinaDate().slice(0, 7)) refuse(field, UserErrorCode.INVALID, `${month.label} has not begun; its ledger is kept from its first day on.`);
  return month;
}

/**
 * The contract in force in a month: the one that covers the month's first day, else (a
 * company that took over during the month) the first one that starts within it.
 */
export async function contractForMonth(tx: Tx, compoundId: number, month: Month): Promise<ContractRow | undefined> {
  const rows = await tx.select().from(propertyContracts).where(and(
    eq(propertyContracts.compoundId, compoundId), lte(propertyContracts.startsOn, month.end), gte(propertyContracts.endsOn, month.start),
  )).orderBy(asc(propertyContracts.startsOn), asc(propertyContracts.id));
  return rows.find((r) => r.startsOn <= month.start) ?? rows[0];
}

export function ruleOf(contract: ContractRow): RemunerationRule {
  return { kind: contract.remunerationKind, basisPoints: contract.remunerationBasisPoints, monthlyFen: contract.remunerationMonthlyFen };
}

export async function monthRow(tx: Tx, compoundId: number, start: string): Promise<LedgerMonthRow | undefined> {
  const [row] = await tx.select().from(ledgerMonths).where(and(eq(ledgerMonths.compoundId, compoundId), eq(ledgerMonths.month, start)));
  return row;
}

/** A free text of a line or reason: trimmed, not blank, bounded, storable as is. */
export function checkText(value: string, field: string[], what: string, max: number, errors: UserError[]): string {
  const text = value.trim();
  if (!text) errors.push(userError(field, UserErrorCode.REQUIRED, `${what} is required.`));
  else if (text.length > max) errors.push(userError(field, UserErrorCode.INVALID, `${what} has at most ${max} characters.`));
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text) || !isWellFormed(text)) {
    errors.push(userError(field, UserErrorCode.INVALID, `${what} holds control characters or broken Unicode.`));
  }
  return text;
}

/** A positive amount of yuan as fen, or an error on its field. */
function checkAmount(value: string, field: string[], errors: UserError[]): number {
  const fen = yuanToFen(value.trim());
  if (fen === null || fen > MAX_LINE_FEN) {
    errors.push(userError(field, UserErrorCode.INVALID, `An amount is yuan with at most two decimals, up to ${fenToYuan(MAX_LINE_FEN)}.`));
    return 0;
  }
  if (fen <= 0) {
    errors.push(userError(field, UserErrorCode.INVALID, `An amount is positive (got ${value}); a refund is an income line, a reversal is a correction.`));
    return 0;
  }
  return fen;
}

// The ledger of a month ---------------------------------------------------------------------

export interface PreparedLine {
  kind: 'INCOME' | 'EXPENSE';
  incomeCategory: LedgerLineCategory['income'];
  expenseCategory: LedgerLineCategory['expense'];
  planItemId: number | null;
  description: string;
  amountFen: number;
}

interface LedgerLineCategory {
  income: typeof ledgerLines.$inferInsert['incomeCategory'];
  expense: typeof ledgerLines.$inferInsert['expenseCategory'];
}

export interface PreparedLedger {
  contract: ContractRow;
  plan: PlanRow | null;
  lines: PreparedLine[];
  openingFen: number;
  incomeFen: number;
  feeIncomeFen: number;
  remunerationFen: number;
  expensesFen: number;
  closingFen: number;
}

/**
 * Checks a month's figures against every rule of the sunshine ledger and computes what the
 * service decides itself: the opening balance (the previous month's closing balance, 0 for
 * the compound's first month), the remuneration from the contract, and the totals. Refuses
 * (UserErrors, fields under `input`) a gap in the months, an expense outside the year's plan,
 * a malformed amount, and a closing balance that is off by as little as one fen.
 */
export async function prepareLedger(
  tx: Tx, compound: CompoundRow, month: Month, contract: ContractRow, figures: In.LedgerFigures, existing: LedgerMonthRow | undefined,
  errors: UserError[] = [],
): Promise<PreparedLedger> {
  const lines: PreparedLine[] = [];

  figures.incomeLines.forEach((line, i) => {
    const field = ['input', 'incomeLines', String(i)];
    const description = checkText(line.description, [...field, 'description'], 'A description', 200, errors);
    const amountFen = checkAmount(line.amount, [...field, 'amount'], errors);
    lines.push({ kind: 'INCOME', incomeCategory: line.category, expenseCategory: null, planItemId: null, description, amountFen });
  });

  const [plan] = await tx.select().from(annualPlans).where(and(eq(annualPlans.compoundId, compound.id), eq(annualPlans.year, month.year)));
  const items: PlanItemRow[] = plan ? await tx.select().from(planItems).where(eq(planItems.planId, plan.id)) : [];
  figures.expenseLines.forEach((line, i) => {
    const field = ['input', 'expenseLines', String(i)];
    const description = checkText(line.description, [...field, 'description'], 'A description', 200, errors);
    const amountFen = checkAmount(line.amount, [...field, 'amount'], errors);
    const decoded = fromGlobalId(line.planItemId, 'PlanItem');
    const item = decoded ? items.find((it) => it.id === decoded.key) : undefined;
    if (!decoded) {
      errors.push(userError([...field, 'planItemId'], UserErrorCode.NOT_FOUND, 'No plan item has this ID.'));
    } else if (!item) {
      errors.push(userError([...field, 'planItemId'], UserErrorCode.INVALID, plan
        ? `This is not an item of the ${month.year} plan of ${compound.name}: money is spent only on the yearly plan the owners passed (年度重点计划).`
        : `${compound.name} has no plan for ${month.year}: the owners' committee records the plan the owners' meeting passed (annualPlanSet) before money is spent on it.`));
    } else if (item.category !== line.category) {
      errors.push(userError([...field, 'category'], UserErrorCode.INVALID, `The plan item "${item.title}" is of category ${item.category}, not ${line.category}.`));
    }
    lines.push({ kind: 'EXPENSE', incomeCategory: null, expenseCategory: line.category, planItemId: item?.id ?? null, description, amountFen });
  });

  const closingFen = yuanToFen(figures.closingBalance.trim());
  if (closingFen === null) {
    errors.push(userError(['input', 'closingBalance'], UserErrorCode.INVALID, 'The closing balance is yuan with at most two decimals.'));
  }

  // The opening balance: the previous month carries forward; the months run without a gap.
  const previous = await monthRow(tx, compound.id, previousMonth(month).start);
  let openingFen = 0;
  if (previous) {
    openingFen = previous.closingBalanceFen;
  } else {
    const [first] = await tx.select({ month: ledgerMonths.month }).from(ledgerMonths)
      .where(eq(ledgerMonths.compoundId, compound.id)).orderBy(asc(ledgerMonths.month)).limit(1);
    if (first && first.month < month.start) {
      const [last] = await tx.select({ month: ledgerMonths.month }).from(ledgerMonths)
        .where(and(eq(ledgerMonths.compoundId, compound.id), lt(ledgerMonths.month, month.start))).orderBy(sql`${ledgerMonths.month} desc`).limit(1);
      refuse(['input', 'month'], UserErrorCode.INVALID, `The ledger of ${previousMonth(month).label} is missing: months are submitted in order, and this compound's ledger runs to ${last.month.slice(0, 7)}.`);
    }
    if (first && first.month > month.start) {
      refuse(['input', 'month'], UserErrorCode.INVALID, `This compound's ledger begins at ${first.month.slice(0, 7)}; a month before it cannot be added, because the balances already carry forward from there.`);
    }
  }
  if (errors.length) throw new UserErrors(errors);

  const incomeFen = sum(lines.filter((l) => l.kind === 'INCOME'));
  const feeIncomeFen = sum(lines.filter((l) => l.kind === 'INCOME' && l.incomeCategory === 'PROPERTY_FEE'));
  const expensesFen = sum(lines.filter((l) => l.kind === 'EXPENSE'));
  const remuneration = remunerationFen(ruleOf(contract), feeIncomeFen);
  const totals = { openingFen, incomeFen, remunerationFen: remuneration, expensesFen };
  const expected = expectedClosingFen(totals);
  if (closingFen !== expected) {
    refuse(['input', 'closingBalance'], UserErrorCode.INVALID,
      `The closing balance must be ${fenToYuan(expected)} yuan (${balanceSentence(totals)}), not ${fenToYuan(closingFen!)}; the month is refused.`);
  }

  // A month whose balance the next month already carries forward keeps its closing balance.
  if (existing && existing.closingBalanceFen !== expected) {
    const next = await tx.select({ month: ledgerMonths.month }).from(ledgerMonths)
      .where(and(eq(ledgerMonths.compoundId, compound.id), sql`${ledgerMonths.month} > ${month.start}`)).orderBy(asc(ledgerMonths.month)).limit(1);
    if (next.length) {
      refuse(['input', 'closingBalance'], UserErrorCode.INVALID,
        `${next[0].month.slice(0, 7)} already carries forward ${fenToYuan(existing.closingBalanceFen)} yuan from ${month.label}, so its closing balance cannot change; book the difference in the latest month instead.`);
    }
  }
  return { contract, plan: plan ?? null, lines, ...totals, feeIncomeFen, closingFen: expected };
}

function sum(lines: PreparedLine[]): number {
  return lines.reduce((total, l) => total + l.amountFen, 0);
}

/** Writes a month's figures and lines: a new row, or the existing one with its lines replaced. */
export async function saveLedger(
  tx: Tx, compoundId: number, month: Month, prepared: PreparedLedger, status: 'DRAFT' | 'PUBLISHED', existing: LedgerMonthRow | undefined,
): Promise<LedgerMonthRow> {
  const values = {
    contractId: prepared.contract.id,
    openingBalanceFen: prepared.openingFen,
    incomeFen: prepared.incomeFen,
    remunerationFen: prepared.remunerationFen,
    expensesFen: prepared.expensesFen,
    closingBalanceFen: prepared.closingFen,
    status,
    updatedAt: new Date(),
  };
  let row: LedgerMonthRow;
  if (existing) {
    [row] = await tx.update(ledgerMonths).set(values).where(eq(ledgerMonths.id, existing.id)).returning();
    await tx.delete(ledgerLines).where(eq(ledgerLines.ledgerMonthId, existing.id));
  } else {
    [row] = await tx.insert(ledgerMonths).values({ compoundId, month: month.start, ...values }).returning();
  }
  if (prepared.lines.length) await tx.insert(ledgerLines).values(prepared.lines.map((l) => ({ ledgerMonthId: row.id, ...l })));
  return row;
}

/**
 * 物业企业报账: the company under contract in that month submits (or resubmits) a draft. The
 * service computes the opening balance and the remuneration and refuses a wrong closing balance.
 */
export async function submitLedgerMonth(tx: Tx, viewer: Viewer, input: In.LedgerMonthSubmitInput) {
  const compound = await lockCompound(tx, input.compoundId, ['input', 'compoundId']);
  const month = monthArgument(input.month, ['input', 'month']);
  const companyKey = viewer.role === Role.PROPERTY_COMPANY && viewer.unit?.type === 'PropertyCompany' ? viewer.unit.key : null;
  const contract = await contractForMonth(tx, compound.id, month);
  if (!contract || contract.companyId !== companyKey) {
    const [own] = companyKey === null ? [] : await tx.select({ id: propertyContracts.id }).from(propertyContracts)
      .where(and(eq(propertyContracts.compoundId, compound.id), eq(propertyContracts.companyId, companyKey))).limit(1);
    if (!contract && own) refuse(['input', 'month'], UserErrorCode.INVALID, `No contract of your company with ${compound.name} covers ${month.label}.`);
    refuse(['input', 'compoundId'], UserErrorCode.OUT_OF_SCOPE, `Only the property company under contract with ${compound.name} in ${month.label} may submit its ledger.`);
  }
  const existing = await monthRow(tx, compound.id, month.start);
  if (existing?.status === 'PUBLISHED') {
    refuse(['input', 'month'], UserErrorCode.INVALID_TRANSITION, `The ledger of ${month.label} is published (公示) and frozen; the owners' committee corrects it with a new version (disclosureCorrect).`);
  }
  const prepared = await prepareLedger(tx, compound, month, contract, input, existing);
  return asLedgerMonth(await saveLedger(tx, compound.id, month, prepared, 'DRAFT', existing));
}

// Yearly plans ------------------------------------------------------------------------------

/**
 * 年度重点计划: the committee records the plan the owners' meeting passed, or amends it. Items
 * named by `id` are kept; the others are new; items left out are removed, unless money was
 * already booked against them (then they stay, and so does their category).
 */
export async function setAnnualPlan(tx: Tx, viewer: Viewer, input: In.AnnualPlanSetInput) {
  const compound = await lockCompound(tx, input.compoundId, ['input', 'compoundId']);
  assertCommitteeOf(viewer, compound, ['input', 'compoundId'], 'record its yearly plan');
  const errors: UserError[] = [];
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2099) {
    errors.push(userError(['input', 'year'], UserErrorCode.INVALID, 'A plan\'s year lies in 2000–2099.'));
  }
  if (input.items.length === 0) errors.push(userError(['input', 'items'], UserErrorCode.REQUIRED, 'A plan has at least one item.'));

  const [plan] = await tx.select().from(annualPlans).where(and(eq(annualPlans.compoundId, compound.id), eq(annualPlans.year, input.year)));
  const existing = plan ? await tx.select().from(planItems).where(eq(planItems.planId, plan.id)) : [];
  const booked = new Set(existing.length === 0 ? [] : (await tx.selectDistinct({ id: ledgerLines.planItemId }).from(ledgerLines)
    .where(inArray(ledgerLines.planItemId, existing.map((e) => e.id)))).map((r) => r.id));
  const kept = new Set<number>();
  const items = input.items.map((item, i) => {
    const field = ['input', 'items', String(i)];
    const title = checkText(item.title, [...field, 'title'], 'A title', 100, errors);
    const budgetFen = checkAmount(item.budget, [...field, 'budget'], errors);
    let id: number | null = null;
    if (item.id !== undefined && item.id !== null) {
      const decoded = fromGlobalId(item.id, 'PlanItem');
      const current = decoded ? existing.find((e) => e.id === decoded.key) : undefined;
      if (!current) {
        errors.push(userError([...field, 'id'], UserErrorCode.NOT_FOUND, `No item of the ${input.year} plan of ${compound.name} has this ID.`));
      } else if (kept.has(current.id)) {
        errors.push(userError([...field, 'id'], UserErrorCode.DUPLICATE, 'This item is listed twice.'));
      } else {
        kept.add(current.id);
        id = current.id;
        if (booked.has(current.id) && current.category !== item.category) {
          errors.push(userError([...field, 'category'], UserErrorCode.INVALID, `Expenses are booked against "${current.title}" as ${current.category}; its category stays.`));
        }
      }
    }
    return { id, category: item.category, title, budgetFen };
  });
  const removedBooked = existing.filter((e) => !kept.has(e.id) && booked.has(e.id));
  if (removedBooked.length) {
    errors.push(userError(['input', 'items'], UserErrorCode.INVALID,
      `Expenses are booked against ${removedBooked.map((e) => `"${e.title}"`).join(', ')}: keep ${removedBooked.length === 1 ? 'it' : 'them'} in the plan (with ${removedBooked.length === 1 ? 'its ID' : 'their IDs'}).`));
  }
  if (errors.length) throw new UserErrors(errors);

  const [row] = plan
    ? await tx.update(annualPlans).set({ updatedAt: new Date() }).where(eq(annualPlans.id, plan.id)).returning()
    : await tx.insert(annualPlans).values({ compoundId: compound.id, year: input.year }).returning();
  const removed = existing.filter((e) => !kept.has(e.id)).map((e) => e.id);
  if (removed.length) await tx.delete(planItems).where(inArray(planItems.id, removed));
  for (const item of items.filter((it) => it.id !== null)) {
    await tx.update(planItems).set({ category: item.category, title: item.title, budgetFen: item.budgetFen }).where(eq(planItems.id, item.id!));
  }
  const added = items.filter((it) => it.id === null);
  if (added.length) await tx.insert(planItems).values(added.map(({ category, title, budgetFen }) => ({ planId: row.id, category, title, budgetFen })));
  return asAnnualPlan(row);
}

// Reads -------------------------------------------------------------------------------------

/** A compound ID argument of a query: a foreign ID is a malformed argument. */
export function compoundKeyOfArgument(id: string, argument = 'compoundId'): number {
  return argumentKey(id, 'Compound', argument);
}

export function listLedgerMonths(ctx: Context, args: In.LedgerMonthsArgs) {
  const compoundId = compoundKeyOfArgument(args.compoundId);
  return paginate(ctx.db, {
    table: ledgerMonths,
    where: and(eq(ledgerMonths.compoundId, compoundId), ledgerScope(ctx.viewer), ledgerFilter(args.filter)),
    ordering: { column: ledgerMonths.month, key: 'month', direction: OrderDirection.ASC },
    args,
    map: asLedgerMonth,
  });
}

export function ledgerFilter(filter: In.LedgerMonthFilter | undefined | null) {
  return and(
    filter?.year !== undefined && filter?.year !== null ? sql`extract(year from ${ledgerMonths.month}) = ${filter.year}` : undefined,
    filter?.status ? eq(ledgerMonths.status, filter.status) : undefined,
  );
}

export async function findLedgerMonth(ctx: Context, compoundId: string, month: string) {
  const key = compoundKeyOfArgument(compoundId);
  const parsed = parseMonth(month);
  if (!parsed) throw badUserInput('month is written YYYY-MM, e.g. "2026-10".', 'month');
  const [row] = await ctx.db.select().from(ledgerMonths)
    .where(and(eq(ledgerMonths.compoundId, key), eq(ledgerMonths.month, parsed.start), ledgerScope(ctx.viewer)));
  return row ? asLedgerMonth(row) : null;
}

export function listAnnualPlans(ctx: Context, compoundId: string, args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null }) {
  const key = compoundKeyOfArgument(compoundId);
  return paginate(ctx.db, {
    table: annualPlans,
    where: and(eq(annualPlans.compoundId, key), planScope(ctx.viewer)),
    ordering: { column: annualPlans.year, key: 'year', direction: OrderDirection.ASC },
    args,
    map: asAnnualPlan,
  });
}

export async function findAnnualPlan(ctx: Context, compoundId: string, year: number) {
  const key = compoundKeyOfArgument(compoundId);
  const [row] = await ctx.db.select().from(annualPlans).where(and(eq(annualPlans.compoundId, key), eq(annualPlans.year, year), planScope(ctx.viewer)));
  return row ? asAnnualPlan(row) : null;
}
