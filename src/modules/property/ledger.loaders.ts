import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import { OrderDirection } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { fenToYuan } from './ledger.rules';
import { compoundKeyScope } from './property.scope';
import { annualPlans, ledgerLines, ledgerMonths, planItems } from './property.tables';
import type { ExpenseLine, IncomeLine } from './ledger.types';

export type PlanRow = typeof annualPlans.$inferSelect;
export type PlanItemRow = typeof planItems.$inferSelect;
export type LedgerMonthRow = typeof ledgerMonths.$inferSelect;
export type LedgerLineRow = typeof ledgerLines.$inferSelect;

export const asAnnualPlan = nodeMapper<PlanRow>('AnnualPlan');
export type AnnualPlanNode = ReturnType<typeof asAnnualPlan>;

const planItemNode = nodeMapper<PlanItemRow>('PlanItem');
export const asPlanItem = (row: PlanItemRow) => ({ ...planItemNode(row), budget: fenToYuan(row.budgetFen) });
export type PlanItemNode = ReturnType<typeof asPlanItem>;

const ledgerMonthNode = nodeMapper<LedgerMonthRow>('LedgerMonth');
export const asLedgerMonth = (row: LedgerMonthRow) => ({
  ...ledgerMonthNode(row),
  month: row.month.slice(0, 7),
  monthStart: row.month,
  openingBalance: fenToYuan(row.openingBalanceFen),
  income: fenToYuan(row.incomeFen),
  remuneration: fenToYuan(row.remunerationFen),
  expenses: fenToYuan(row.expensesFen),
  closingBalance: fenToYuan(row.closingBalanceFen),
});
export type LedgerMonthNode = ReturnType<typeof asLedgerMonth>;

// Scopes ------------------------------------------------------------------------------------

/** Plans of the compounds whose governance the viewer may read (residents included: the owners passed them). */
export function planScope(viewer: Viewer): SQL {
  return compoundKeyScope(viewer, annualPlans.compoundId);
}

export function planItemScope(viewer: Viewer): SQL {
  return sql`${planItems.planId} in (select ${annualPlans.id} from ${annualPlans} where ${planScope(viewer)})`;
}

/**
 * Ledger months the viewer may read: those of the compounds it may read, and for a resident
 * or an integrator's disclosure board only the published ones: a draft is the company's
 * working paper until the committee publishes it.
 */
export function ledgerScope(viewer: Viewer): SQL {
  const compound = compoundKeyScope(viewer, ledgerMonths.compoundId);
  return viewer.role === Role.RESIDENT || viewer.role === Role.INTEGRATOR ? and(compound, eq(ledgerMonths.status, 'PUBLISHED'))! : compound;
}

// Loaders -----------------------------------------------------------------------------------

export const planById = (ctx: Context) => byIdLoader(ctx, 'AnnualPlan', annualPlans, asAnnualPlan, planScope(ctx.viewer));
export const planItemById = (ctx: Context) => byIdLoader(ctx, 'PlanItem', planItems, asPlanItem, planItemScope(ctx.viewer));
export const ledgerMonthById = (ctx: Context) => byIdLoader(ctx, 'LedgerMonth', ledgerMonths, asLedgerMonth, ledgerScope(ctx.viewer));

/** Items of many plans in one statement, in the order they were added. */
export function itemsOfPlan(ctx: Context, planId: number): Promise<PlanItemNode[]> {
  return ctx.loaders.get<number, PlanItemNode[]>('AnnualPlan.items', async (keys) => {
    const rows = await ctx.db.select().from(planItems).where(inArray(planItems.planId, [...keys])).orderBy(asc(planItems.id));
    return keys.map((k) => rows.filter((r) => r.planId === k).map(asPlanItem));
  }).load(planId);
}

/**
 * What was spent on many plan items, in one statement: the expense lines of published months
 * (as disclosed), so every viewer sees the same figure.
 */
export function spentOnItem(ctx: Context, itemId: number): Promise<number> {
  return ctx.loaders.get<number, number>('PlanItem.spent', async (keys) => {
    const rows = await ctx.db
      .select({ itemId: ledgerLines.planItemId, fen: sql<string>`sum(${ledgerLines.amountFen})::text` })
      .from(ledgerLines)
      .innerJoin(ledgerMonths, eq(ledgerMonths.id, ledgerLines.ledgerMonthId))
      .where(and(inArray(ledgerLines.planItemId, [...keys]), eq(ledgerMonths.status, 'PUBLISHED')))
      .groupBy(ledgerLines.planItemId);
    return keys.map((k) => Number(rows.find((r) => r.itemId === k)?.fen ?? 0));
  }).load(itemId);
}

export interface MonthLines {
  income: IncomeLine[];
  expense: ExpenseLine[];
}

/** Turns stored lines (in id order) into numbered income and expense lines. */
export function splitLines(rows: LedgerLineRow[]): MonthLines {
  const income = rows.filter((r) => r.kind === 'INCOME');
  const expense = rows.filter((r) => r.kind === 'EXPENSE');
  return {
    income: income.map((r, i) => ({ line: i + 1, category: r.incomeCategory!, description: r.description, amount: fenToYuan(r.amountFen) })),
    expense: expense.map((r, i) => ({
      line: i + 1, category: r.expenseCategory!, description: r.description, amount: fenToYuan(r.amountFen), planItemId: r.planItemId,
    })),
  };
}

/** The lines of many months in one statement. */
export function linesOfMonth(ctx: Context, monthId: number): Promise<LedgerLineRow[]> {
  return ctx.loaders.get<number, LedgerLineRow[]>('LedgerMonth.lines', async (keys) => {
    const rows = await ctx.db.select().from(ledgerLines).where(inArray(ledgerLines.ledgerMonthId, [...keys])).orderBy(asc(ledgerLines.id));
    return keys.map((k) => rows.filter((r) => r.ledgerMonthId === k));
  }).load(monthId);
}

/** `Compound.ledgerMonths`: the months under many compounds, one statement per level. */
export function ledgerMonthsOfCompound(viewer: Viewer, where?: SQL): ChildList<LedgerMonthRow, LedgerMonthNode> {
  return {
    name: 'Compound.ledgerMonths',
    table: ledgerMonths,
    parentColumn: ledgerMonths.compoundId,
    parentKey: 'compoundId',
    ordering: { column: ledgerMonths.month, key: 'month', direction: OrderDirection.ASC },
    map: asLedgerMonth,
    where: and(ledgerScope(viewer), where),
  };
}

/** The ledger month of many (compound, month) pairs in one statement, within the viewer's scope. */
export function ledgerMonthAt(ctx: Context, compoundId: number, monthStart: string): Promise<LedgerMonthNode | null> {
  return ctx.loaders.get<string, LedgerMonthNode | null>('LedgerMonth.at', async (keys) => {
    const pairs = keys.map((k) => {
      const [compound, month] = k.split('|');
      return sql`(${Number(compound)}, ${month}::date)`;
    });
    const rows = await ctx.db.select().from(ledgerMonths)
      .where(and(sql`(${ledgerMonths.compoundId}, ${ledgerMonths.month}) in (${sql.join(pairs, sql`, `)})`, ledgerScope(ctx.viewer)));
    return keys.map((k) => {
      const row = rows.find((r) => `${r.compoundId}|${r.month}` === k);
      return row ? asLedgerMonth(row) : null;
    });
  }).load(`${compoundId}|${monthStart}`);
}
