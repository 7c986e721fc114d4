import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime, Decimal } from '../../graphql/scalars';
import { expenseCategory, incomeCategory, ledgerMonthStatus } from './property.tables';
import { FreeText } from '../../graphql/free-text';

export const IncomeCategory = mirror(incomeCategory.enumValues);
export type IncomeCategory = keyof typeof IncomeCategory;
registerEnumType(IncomeCategory, {
  name: 'IncomeCategory',
  description: 'Where a compound\'s money comes from. Only PROPERTY_FEE is the base of a percentage remuneration (酬金); the rest is the owners\' public income.',
  valuesConfig: {
    PROPERTY_FEE: { description: 'Property service fees collected in advance (预收物业服务资金): the owners\' money, and the base of a percentage remuneration.' },
    PARKING: { description: 'Parking fees of common parking spaces (停车费).' },
    ADVERTISING: { description: 'Advertising in common areas (广告收入), e.g. lift posters.' },
    VENUE_RENTAL: { description: 'Rent of common venues (场地租赁).' },
    OTHER_INCOME: { description: 'Any other income of the owners (其他收入).' },
  },
});

export const ExpenseCategory = mirror(expenseCategory.enumValues);
export type ExpenseCategory = keyof typeof ExpenseCategory;
registerEnumType(ExpenseCategory, {
  name: 'ExpenseCategory',
  description: 'What the owners\' money is spent on; every expense is tied to an item of the yearly plan (年度重点计划) of the same category.',
  valuesConfig: {
    CLEANING: { description: 'Cleaning and waste sorting (保洁).' },
    SECURITY: { description: 'Gatekeeping and patrols (秩序维护/保安).' },
    GREENING: { description: 'Greenery upkeep (绿化养护).' },
    REPAIRS: { description: 'Repairs of common parts and facilities (公共部位维修).' },
    UTILITIES: { description: 'Water and power of common areas (公共水电).' },
    ELEVATORS: { description: 'Lift maintenance and inspection (电梯维保).' },
    FIRE_SAFETY: { description: 'Fire safety equipment and checks (消防).' },
    STAFF: { description: 'Wages of on-site staff (人员工资).' },
    OFFICE: { description: 'Office and administration (办公费).' },
    OTHER: { description: 'Anything else in the plan (其他).' },
  },
});

export const LedgerMonthStatus = mirror(ledgerMonthStatus.enumValues);
export type LedgerMonthStatus = keyof typeof LedgerMonthStatus;
registerEnumType(LedgerMonthStatus, {
  name: 'LedgerMonthStatus',
  description: 'Whether a month\'s ledger is still the company\'s draft or published (公示) by the owners\' committee.',
  valuesConfig: {
    DRAFT: { description: 'Submitted by the property company; it may resubmit until the committee publishes it. Residents do not see drafts.' },
    PUBLISHED: { description: 'Published as a disclosure (公示): frozen; changed only by a correction, which is a new disclosure version.' },
  },
});

@ObjectType({ implements: Node, description: 'An item of a compound\'s yearly plan (年度重点计划项目): what the owners agreed to spend their money on, with its budget.', simpleResolvers: true })
export class PlanItem extends Node {
  @Field(() => ExpenseCategory, { description: 'Category; expenses booked against the item have the same category.' })
  category!: ExpenseCategory;

  @FreeText()
  @Field(() => String, { description: 'What the item is, e.g. "3号楼电梯更换".' })
  title!: string;

  @Field(() => Decimal, { description: 'Budget in yuan (预算).' })
  budget!: string;

  planId!: number;
  budgetFen!: number;
}

@ObjectType({ implements: Node, description: 'The yearly plan of a compound passed by the owners\' general meeting (业主大会通过的年度重点计划); every expense of the sunshine ledger names one of its items.', simpleResolvers: true })
export class AnnualPlan extends Node {
  @Field(() => Int, { description: 'Calendar year of the plan.' })
  year!: number;

  compoundId!: number;
}

@ObjectType({ description: 'An income line of a month\'s ledger (收入明细).', simpleResolvers: true })
export class IncomeLine {
  @Field(() => Int, { description: 'Position among the month\'s income lines, from 1, in the order submitted.' })
  line!: number;

  @Field(() => IncomeCategory, { description: 'Kind of income.' })
  category!: IncomeCategory;

  @FreeText()
  @Field(() => String, { description: 'What was collected, e.g. "10月物业费".' })
  description!: string;

  @Field(() => Decimal, { description: 'Amount in yuan, positive.' })
  amount!: string;
}

@ObjectType({ description: 'An expense line of a month\'s ledger (支出明细), tied to an item of the yearly plan.', simpleResolvers: true })
export class ExpenseLine {
  @Field(() => Int, { description: 'Position among the month\'s expense lines, from 1, in the order submitted.' })
  line!: number;

  @Field(() => ExpenseCategory, { description: 'Kind of expense; the same as its plan item\'s.' })
  category!: ExpenseCategory;

  @FreeText()
  @Field(() => String, { description: 'What was paid for, e.g. "10月保洁外包费".' })
  description!: string;

  @Field(() => Decimal, { description: 'Amount in yuan, positive.' })
  amount!: string;

  planItemId!: number | null;
}

@ObjectType({
  implements: Node,
  description: 'One month of a compound\'s fee money under the sunshine remuneration system (阳光透明酬金制): income, the company\'s remuneration (酬金) computed from its contract, expenses tied to the yearly plan, and the balance carried forward (结余). Closing = opening + income − remuneration − expenses, to the fen.',
  simpleResolvers: true,
})
export class LedgerMonth extends Node {
  @Field(() => String, { description: 'The month, `YYYY-MM`, e.g. "2026-10".' })
  month!: string;

  @Field(() => LedgerMonthStatus, { description: 'Draft or published.' })
  status!: LedgerMonthStatus;

  @Field(() => Decimal, { description: 'Balance brought forward (期初结余): the previous month\'s closing balance; 0.00 for the compound\'s first month.' })
  openingBalance!: string;

  @Field(() => Decimal, { description: 'Total income of the month (收入合计).' })
  income!: string;

  @Field(() => Decimal, { description: 'The company\'s remuneration (酬金), computed by the service from the contract in force that month.' })
  remuneration!: string;

  @Field(() => Decimal, { description: 'Total expenses of the month (支出合计).' })
  expenses!: string;

  @Field(() => Decimal, { description: 'Balance carried forward (期末结余) = opening + income − remuneration − expenses.' })
  closingBalance!: string;

  @Field(() => DateTime, { description: 'When the ledger was last submitted, corrected or published.' })
  updatedAt!: Date;

  compoundId!: number;
  contractId!: number;
  /** First day of the month, as stored. */
  monthStart!: string;
}

export const LedgerMonthConnection = Connection(LedgerMonth, 'LedgerMonth', 'A page of a compound\'s ledger months, oldest first.');
export const AnnualPlanConnection = Connection(AnnualPlan, 'AnnualPlan', 'A page of a compound\'s yearly plans, oldest first.');
export const LedgerMonthPayload = Payload(LedgerMonth, 'ledgerMonth', 'LedgerMonth');
export const AnnualPlanPayload = Payload(AnnualPlan, 'annualPlan', 'AnnualPlan');
