import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { Context } from '../../context';
import { PageArgs } from '../../graphql/connection';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { Decimal } from '../../graphql/scalars';
import { compoundById, contractById, type CompoundNode } from './compound.loaders';
import { Compound, PropertyContract, RemunerationRule } from './compound.types';
import * as In from './ledger.inputs';
import * as L from './ledger.loaders';
import { fenToYuan } from './ledger.rules';
import * as service from './ledger.service';
import * as T from './ledger.types';

registerNodeType('AnnualPlan', (ctx, key) => L.planById(ctx).load(key));
registerNodeType('PlanItem', (ctx, key) => L.planItemById(ctx).load(key));
registerNodeType('LedgerMonth', (ctx, key) => L.ledgerMonthById(ctx).load(key));

@Resolver()
export class LedgerQueryResolver {
  @Query(() => T.LedgerMonthConnection, { description: 'The sunshine ledger (阳光账本) of a compound, month by month, oldest first (`last` for the newest). Residents see published months only.' })
  ledgerMonths(@Args(() => In.LedgerMonthsArgs) args: In.LedgerMonthsArgs, @Ctx() ctx: Context) {
    return service.listLedgerMonths(ctx, args);
  }

  @Query(() => T.LedgerMonth, { nullable: true, description: 'One month of a compound\'s ledger; null when there is none or the viewer may not see it.' })
  ledgerMonth(
    @Arg('compoundId', () => ID, { description: 'The compound.' }) compoundId: string,
    @Arg('month', () => String, { description: 'The month, `YYYY-MM`.' }) month: string,
    @Ctx() ctx: Context,
  ) {
    return service.findLedgerMonth(ctx, compoundId, month);
  }

  @Query(() => T.AnnualPlanConnection, { description: 'The yearly plans (年度重点计划) of a compound, oldest first.' })
  annualPlans(
    @Arg('compoundId', () => ID, { description: 'The compound.' }) compoundId: string,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: Context,
  ) {
    return service.listAnnualPlans(ctx, compoundId, args);
  }

  @Query(() => T.AnnualPlan, { nullable: true, description: 'A compound\'s plan for one year; null when none was recorded or the viewer may not see it.' })
  annualPlan(
    @Arg('compoundId', () => ID, { description: 'The compound.' }) compoundId: string,
    @Arg('year', () => Int, { description: 'Calendar year.' }) year: number,
    @Ctx() ctx: Context,
  ) {
    return service.findAnnualPlan(ctx, compoundId, year);
  }
}

@Resolver()
export class LedgerMutationResolver {
  @Mutation(() => T.AnnualPlanPayload, { description: 'Record (or amend) the yearly plan (年度重点计划) the owners\' general meeting passed. Only the compound\'s owners\' committee.' })
  annualPlanSet(@Arg('input', () => In.AnnualPlanSetInput, { description: 'The compound, the year and every item.' }) input: In.AnnualPlanSetInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'annualPlan', input, (tx) => service.setAnnualPlan(tx, ctx.viewer, input));
  }

  @Mutation(() => T.LedgerMonthPayload, {
    description: 'Submit a month of the sunshine ledger (物业企业报账), or resubmit its draft until it is published. Only the property company under contract that month. The service computes the opening balance and the remuneration, and refuses the month unless the closing balance is exact to the fen.',
  })
  ledgerMonthSubmit(@Arg('input', () => In.LedgerMonthSubmitInput, { description: 'The month, its lines and the closing balance.' }) input: In.LedgerMonthSubmitInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'ledgerMonth', input, (tx) => service.submitLedgerMonth(tx, ctx.viewer, input));
  }
}

@Resolver(() => T.AnnualPlan)
export class AnnualPlanResolver {
  @FieldResolver(() => Compound, { description: 'The compound whose owners passed it.' })
  compound(@Root() plan: L.AnnualPlanNode, @Ctx() ctx: Context) {
    return compoundById(ctx).load(plan.compoundId);
  }

  @FieldResolver(() => [T.PlanItem], { description: 'Its items, in the order they were added (at most 200).' })
  items(@Root() plan: L.AnnualPlanNode, @Ctx() ctx: Context) {
    return L.itemsOfPlan(ctx, plan.key);
  }

  @FieldResolver(() => Decimal, { description: 'Sum of the items\' budgets, in yuan.' })
  async totalBudget(@Root() plan: L.AnnualPlanNode, @Ctx() ctx: Context) {
    return fenToYuan((await L.itemsOfPlan(ctx, plan.key)).reduce((s, it) => s + it.budgetFen, 0));
  }
}

@Resolver(() => T.PlanItem)
export class PlanItemResolver {
  @FieldResolver(() => T.AnnualPlan, { nullable: true, description: 'The plan it belongs to.' })
  plan(@Root() item: L.PlanItemNode, @Ctx() ctx: Context) {
    return L.planById(ctx).load(item.planId);
  }

  @FieldResolver(() => Decimal, { description: 'Spent on it so far, in yuan: its expense lines in published months (as disclosed).' })
  async spent(@Root() item: L.PlanItemNode, @Ctx() ctx: Context) {
    return fenToYuan(await L.spentOnItem(ctx, item.key));
  }

  @FieldResolver(() => Decimal, { description: 'Budget minus what was spent, in yuan; negative when overspent.' })
  async remaining(@Root() item: L.PlanItemNode, @Ctx() ctx: Context) {
    return fenToYuan(item.budgetFen - (await L.spentOnItem(ctx, item.key)));
  }
}

@Resolver(() => T.LedgerMonth)
export class LedgerMonthResolver {
  @FieldResolver(() => Compound, { description: 'The compound.' })
  compound(@Root() month: L.LedgerMonthNode, @Ctx() ctx: Context) {
    return compoundById(ctx).load(month.compoundId);
  }

  @FieldResolver(() => PropertyContract, { description: 'The property service contract in force that month, whose rule gave the remuneration.' })
  contract(@Root() month: L.LedgerMonthNode, @Ctx() ctx: Context) {
    return contractById(ctx).load(month.contractId);
  }

  @FieldResolver(() => RemunerationRule, { description: 'The remuneration rule (酬金规则) applied: a percentage of the property-fee income (rounded half up to the fen) or a fixed monthly amount.' })
  async remunerationRule(@Root() month: L.LedgerMonthNode, @Ctx() ctx: Context) {
    return (await contractById(ctx).load(month.contractId))?.remuneration;
  }

  @FieldResolver(() => Decimal, { description: 'Property-fee income (物业费收入) of the month: the base of a percentage remuneration.' })
  async feeIncome(@Root() month: L.LedgerMonthNode, @Ctx() ctx: Context) {
    const lines = await L.linesOfMonth(ctx, month.key);
    return fenToYuan(lines.filter((l) => l.kind === 'INCOME' && l.incomeCategory === 'PROPERTY_FEE').reduce((s, l) => s + l.amountFen, 0));
  }

  @FieldResolver(() => [T.IncomeLine], { description: 'Income lines, in the order submitted (at most 500).' })
  async incomeLines(@Root() month: L.LedgerMonthNode, @Ctx() ctx: Context) {
    return L.splitLines(await L.linesOfMonth(ctx, month.key)).income;
  }

  @FieldResolver(() => [T.ExpenseLine], { description: 'Expense lines, in the order submitted (at most 500).' })
  async expenseLines(@Root() month: L.LedgerMonthNode, @Ctx() ctx: Context) {
    return L.splitLines(await L.linesOfMonth(ctx, month.key)).expense;
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may resubmit this month now (ledgerMonthSubmit): the company under its contract, while it is a draft.' })
  async viewerCanSubmit(@Root() month: L.LedgerMonthNode, @Ctx() ctx: Context) {
    const { viewer } = ctx;
    if (month.status !== 'DRAFT' || viewer.role !== Role.PROPERTY_COMPANY || viewer.unit?.type !== 'PropertyCompany') return false;
    return (await contractById(ctx).load(month.contractId))?.companyId === viewer.unit.key;
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may publish this month now (disclosurePublish): the compound\'s owners\' committee, while it is a draft.' })
  viewerCanPublish(@Root() month: L.LedgerMonthNode, @Ctx() ctx: Context) {
    return month.status === 'DRAFT' && isCommitteeOf(ctx, month.compoundId);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may correct this month now (disclosureCorrect): the compound\'s owners\' committee, once it is published.' })
  viewerCanCorrect(@Root() month: L.LedgerMonthNode, @Ctx() ctx: Context) {
    return month.status === 'PUBLISHED' && isCommitteeOf(ctx, month.compoundId);
  }
}

function isCommitteeOf(ctx: Context, compoundId: number): boolean {
  return ctx.viewer.role === Role.OWNERS_COMMITTEE && ctx.viewer.unit?.type === 'Compound' && ctx.viewer.unit.key === compoundId;
}

@Resolver(() => T.ExpenseLine)
export class ExpenseLineResolver {
  @FieldResolver(() => T.PlanItem, { nullable: true, description: 'The item of the yearly plan the money was spent on.' })
  planItem(@Root() line: T.ExpenseLine, @Ctx() ctx: Context) {
    return line.planItemId === null ? null : L.planItemById(ctx).load(line.planItemId);
  }
}

@Resolver(() => Compound)
export class CompoundLedgerResolver {
  @FieldResolver(() => T.LedgerMonthConnection, { description: 'The compound\'s sunshine ledger (阳光账本), oldest month first. Residents see published months only.' })
  ledgerMonths(@Root() compound: CompoundNode, @Args(() => In.CompoundLedgerMonthsArgs) args: In.CompoundLedgerMonthsArgs, @Ctx() ctx: Context) {
    const filter = args.filter;
    const list = { ...L.ledgerMonthsOfCompound(ctx.viewer, service.ledgerFilter(filter)), name: `Compound.ledgerMonths:${filter?.year ?? ''}:${filter?.status ?? ''}` };
    return childPage(ctx, list, args, compound.key);
  }

  @FieldResolver(() => T.AnnualPlan, { nullable: true, description: 'The compound\'s yearly plan (年度重点计划) for a year; null when none was recorded.' })
  annualPlan(@Root() compound: CompoundNode, @Arg('year', () => Int, { description: 'Calendar year.' }) year: number, @Ctx() ctx: Context) {
    return service.findAnnualPlan(ctx, compound.id, year);
  }
}

export const ledgerResolvers = [
  LedgerQueryResolver, LedgerMutationResolver, AnnualPlanResolver, PlanItemResolver, LedgerMonthResolver, ExpenseLineResolver, CompoundLedgerResolver,
] as const;
