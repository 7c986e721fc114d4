/**
 * Exact amounts of the love bank (爱心银行): hours to the hundredth, points whole. Amounts
 * travel as decimal strings ("1.50") and are added as integer hundredths, never as floats.
 */
export type Asset = 'HOURS' | 'POINTS';

/** One line of a movement: `amount` credits the account when positive, debits it when negative. */
export interface Posting {
  accountId: number;
  asset: Asset;
  amount: string;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/** A decimal string as integer hundredths; throws on anything that is not one. */
export function hundredths(amount: string): bigint {
  const match = DECIMAL.exec(amount.trim());
  if (!match) throw new Error(`"${amount}" is not an amount with at most two decimals.`);
  const [, sign, whole, fraction = ''] = match;
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign === '-' ? -value : value;
}

/** Integer hundredths as a decimal string with two decimals. */
export function decimalOf(value: bigint): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const text = `${magnitude / 100n}.${(magnitude % 100n).toString().padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

/** Whether an input like "1.5" is a positive number of hours with at most two decimals. */
export function isHours(amount: string): boolean {
  return DECIMAL.test(amount.trim()) && hundredths(amount) > 0n;
}

/** Points earned for `hours` at `pointsPerHour`, rounded half up to a whole point. */
export function pointsFor(hours: string, pointsPerHour: number): number {
  const scaled = hundredths(hours) * BigInt(pointsPerHour);
  return Number((scaled + 50n) / 100n);
}

/** The postings whose sum per asset is not zero: empty when the movement balances. */
export function imbalances(postings: readonly Posting[]): { asset: Asset; sum: string }[] {
  const sums = new Map<Asset, bigint>();
  for (const p of postings) sums.set(p.asset, (sums.get(p.asset) ?? 0n) + hundredths(p.amount));
  return [...sums].filter(([, sum]) => sum !== 0n).map(([asset, sum]) => ({ asset, sum: decimalOf(sum) }));
}

/** The same postings with every sign turned: a reversal (冲正) of a movement. */
export function reversed(postings: readonly Posting[]): Posting[] {
  return postings.map((p) => ({ ...p, amount: decimalOf(-hundredths(p.amount)) }));
}
