import { ArrayMaxSize, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ForwardPageArgs, PageArgs } from '../../graphql/connection';
import { Decimal } from '../../graphql/scalars';
import { ExpenseCategory, IncomeCategory, LedgerMonthStatus } from './ledger.types';
import { MAX_LINES } from './ledger.rules';

@InputType({ description: 'An item of a yearly plan. With `id` it keeps (and may rename or re-budget) an existing item; without, it adds one.' })
export class PlanItemInput {
  @Field(() => ID, { nullable: true, description: 'An item of this plan to keep; omitted for a new item. Items of the plan left out of the list are removed, unless expenses were booked against them.' })
  id?: string;

  @Field(() => ExpenseCategory, { description: 'Category of the item.' })
  category!: ExpenseCategory;

  @Field(() => String, { description: 'What the item is, at most 100 characters.' })
  @MaxLength(100, { message: 'A plan item\'s title has at most 100 characters.' })
  title!: string;

  @Field(() => Decimal, { description: 'Budget in yuan, positive, at most two decimals.' })
  budget!: string;
}

@InputType({ description: 'The yearly plan (年度重点计划) as the owners\' general meeting passed it.' })
export class AnnualPlanSetInput {
  @Field(() => ID, { description: 'The compound.' })
  compoundId!: string;

  @Field(() => Int, { description: 'Calendar year, 2000–2099.' })
  year!: number;

  @Field(() => [PlanItemInput], { description: 'Every item of the plan, at most 200; replaces the plan\'s items.' })
  @ArrayMaxSize(200, { message: 'A plan has at most 200 items.' })
  items!: PlanItemInput[];
}

@InputType({ description: 'An income line of a month (收入明细).' })
export class IncomeLineInput {
  @Field(() => IncomeCategory, { description: 'Kind of income; PROPERTY_FEE lines are the base of a percentage remuneration.' })
  category!: IncomeCategory;

  @Field(() => String, { description: 'What was collected, at most 200 characters.' })
  description!: string;

  @Field(() => Decimal, { description: 'Amount in yuan, positive, at most two decimals.' })
  amount!: string;
}

@InputType({ description: 'An expense line of a month (支出明细), tied to an item of that year\'s plan.' })
export class ExpenseLineInput {
  @Field(() => ExpenseCategory, { description: 'Kind of expense; must be the category of the plan item.' })
  category!: ExpenseCategory;

  @Field(() => ID, { description: 'The item of the compound\'s plan for the month\'s year that the money was spent on.' })
  planItemId!: string;

  @Field(() => String, { description: 'What was paid for, at most 200 characters.' })
  description!: string;

  @Field(() => Decimal, { description: 'Amount in yuan, positive, at most two decimals.' })
  amount!: string;
}

/** The lines and the balance the submitter states; shared by a submission and a correction. */
@InputType('LedgerFigures', { description: 'The lines and closing balance of a month, as stated by whoever submits or corrects it.' })
export abstract class LedgerFigures {
  @Field(() => [IncomeLineInput], { description: `Income lines of the month, at most ${MAX_LINES}.` })
  @ArrayMaxSize(MAX_LINES, { message: `A month has at most ${MAX_LINES} income lines.` })
  incomeLines!: IncomeLineInput[];

  @Field(() => [ExpenseLineInput], { description: `Expense lines of the month, at most ${MAX_LINES}.` })
  @ArrayMaxSize(MAX_LINES, { message: `A month has at most ${MAX_LINES} expense lines.` })
  expenseLines!: ExpenseLineInput[];

  @Field(() => Decimal, { description: 'The closing balance (期末结余) the submitter computed. The month is refused unless it equals opening + income − remuneration − expenses to the fen; the error says the expected figure.' })
  closingBalance!: string;
}

@InputType({ description: 'A month of the sunshine ledger (阳光账本), as the property company submits it. The service computes the opening balance and the remuneration.' })
export class LedgerMonthSubmitInput extends LedgerFigures {
  @Field(() => ID, { description: 'The compound.' })
  compoundId!: string;

  @Field(() => String, { description: 'The month, `YYYY-MM`, e.g. "2026-10"; not later than the current month.' })
  month!: string;
}

@InputType({ description: 'Filter for ledger months.' })
export class LedgerMonthFilter {
  @Field(() => Int, { nullable: true, description: 'Only the months of this year.' })
  year?: number;

  @Field(() => LedgerMonthStatus, { nullable: true, description: 'Only drafts or only published months.' })
  status?: LedgerMonthStatus;
}

@ArgsType()
export class LedgerMonthsArgs extends PageArgs {
  @Field(() => ID, { description: 'The compound.' })
  compoundId!: string;

  @Field(() => LedgerMonthFilter, { nullable: true, description: 'Which months.' })
  filter?: LedgerMonthFilter;
}

@ArgsType()
export class CompoundLedgerMonthsArgs extends ForwardPageArgs {
  @Field(() => LedgerMonthFilter, { nullable: true, description: 'Which months.' })
  filter?: LedgerMonthFilter;
}
