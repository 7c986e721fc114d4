/**
 * Rules of the sunshine remuneration ledger (阳光透明酬金制) that need no database: months,
 * the remuneration a contract gives, and the balance. Money is integer fen throughout; the
 * yuan strings of the API are converted exactly by `yuanToFen` / `fenToYuan`.
 */
import { fenToYuan } from './compound.rules';

export { fenToYuan, yuanToFen } from './compound.rules';

/** A line of at most ten billion yuan; with the line cap, every sum stays a safe integer. */
export const MAX_LINE_FEN = 1_000_000_000_000;
export const MAX_LINES = 500;

export interface Month {
  /** `2026-10`, as the API writes it. */
  label: string;
  /** `2026-10-01`, as the database stores it. */
  start: string;
  /** `2026-10-31`. */
  end: string;
  year: number;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function monthOf(year: number, month: number): Month {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const label = `${year}-${pad(month)}`;
  return { label, start: `${label}-01`, end: `${label}-${pad(last)}`, year };
}

/** `2026-10` → the month; null unless a month of the years 2000–2099. */
export function parseMonth(text: string): Month | null {
  const match = /^(20\d\d)-(0[1-9]|1[0-2])$/.exec(text);
  return match ? monthOf(Number(match[1]), Number(match[2])) : null;
}

/** The month of a stored first day, `2026-10-01`. */
export function monthOfStart(start: string): Month {
  return monthOf(Number(start.slice(0, 4)), Number(start.slice(5, 7)));
}

export function previousMonth(month: Month): Month {
  const [year, m] = [month.year, Number(month.label.slice(5, 7))];
  return m === 1 ? monthOf(year - 1, 12) : monthOf(year, m - 1);
}

export interface RemunerationRule {
  kind: 'PERCENTAGE_OF_INCOME' | 'FIXED_MONTHLY';
  basisPoints: number | null;
  monthlyFen: number | null;
}

/**
 * The company's remuneration (酬金) for a month. PERCENTAGE_OF_INCOME: the basis points of
 * the month's property-fee income (物业费), rounded half up to the fen (0.5 fen and more goes
 * up; income is never negative, so "half up" and "half away from zero" agree). Computed in
 * BigInt so no product is ever rounded by a float. FIXED_MONTHLY: the fixed amount.
 */
export function remunerationFen(rule: RemunerationRule, feeIncomeFen: number): number {
  if (rule.kind === 'FIXED_MONTHLY') return rule.monthlyFen ?? 0;
  const product = BigInt(feeIncomeFen) * BigInt(rule.basisPoints ?? 0);
  return Number((product + 5_000n) / 10_000n);
}

/** How the closing balance must come out: opening + income − remuneration − expenses. */
export function expectedClosingFen(t: { openingFen: number; incomeFen: number; remunerationFen: number; expensesFen: number }): number {
  return t.openingFen + t.incomeFen - t.remunerationFen - t.expensesFen;
}

/** A sentence that shows the sum, for the user error on a wrong closing balance. */
export function balanceSentence(t: { openingFen: number; incomeFen: number; remunerationFen: number; expensesFen: number }): string {
  return `${fenToYuan(t.openingFen)} opening + ${fenToYuan(t.incomeFen)} income − ${fenToYuan(t.remunerationFen)} remuneration − ${fenToYuan(t.expensesFen)} expenses = ${fenToYuan(expectedClosingFen(t))}`;
}

/** Basis points as a percent string: 1050 → "10.50". */
export function basisPointsToPercent(basisPoints: number): string {
  return fenToYuan(basisPoints);
}
