import { describe, expect, test } from 'vitest';
import { decimalOf, hundredths, imbalances, isHours, pointsFor, reversed, type Posting } from '../../src/modules/volunteer/bank.amounts';

describe('exact amounts', () => {
  test('decimal strings are integer hundredths, both ways', () => {
    expect(hundredths('2.5')).toBe(250n);
    expect(hundredths('2.50')).toBe(250n);
    expect(hundredths('2')).toBe(200n);
    expect(hundredths('0.01')).toBe(1n);
    expect(hundredths('-3.75')).toBe(-375n);
    expect(hundredths(' 1.10 ')).toBe(110n);
    expect(hundredths('123456789012.34')).toBe(12345678901234n);
    expect(decimalOf(250n)).toBe('2.50');
    expect(decimalOf(1n)).toBe('0.01');
    expect(decimalOf(0n)).toBe('0.00');
    expect(decimalOf(-5n)).toBe('-0.05');
    expect(decimalOf(-375n)).toBe('-3.75');
    for (const text of ['0.00', '7.05', '-12.30', '99999999999.99']) expect(decimalOf(hundredths(text))).toBe(text);
  });

  test('anything that is not an amount with at most two decimals is refused, never rounded', () => {
    for (const text of ['1.234', '1e3', 'abc', '', '.5', '1.', '--1', '0x10', '1,5']) {
      expect(() => hundredths(text), text).toThrow(/not an amount/);
    }
  });

  test('hours are positive, with at most two decimals', () => {
    expect(isHours('2.5')).toBe(true);
    expect(isHours('0.01')).toBe(true);
    expect(isHours('8')).toBe(true);
    expect(isHours('0')).toBe(false);
    expect(isHours('0.00')).toBe(false);
    expect(isHours('-1')).toBe(false);
    expect(isHours('1.005')).toBe(false);
    expect(isHours('two')).toBe(false);
  });
});

describe('points for hours', () => {
  test('hours times the rate, rounded half up to a whole point', () => {
    expect(pointsFor('2.00', 10)).toBe(20);
    expect(pointsFor('2.5', 10)).toBe(25);
    expect(pointsFor('1.25', 10)).toBe(13);
    expect(pointsFor('1.24', 10)).toBe(12);
    expect(pointsFor('0.04', 10)).toBe(0);
    expect(pointsFor('0.05', 10)).toBe(1);
    expect(pointsFor('3.33', 12)).toBe(40);
    expect(pointsFor('24.00', 1000)).toBe(24000);
  });

  test('no float creeps in: 0.1 + 0.2 hours is 0.30 hours', () => {
    expect(decimalOf(hundredths('0.1') + hundredths('0.2'))).toBe('0.30');
    expect(pointsFor(decimalOf(hundredths('0.1') + hundredths('0.2')), 10)).toBe(3);
  });
});

describe('balanced movements', () => {
  const credit: Posting[] = [
    { accountId: 7, asset: 'HOURS', amount: '2.50' },
    { accountId: 1, asset: 'HOURS', amount: '-2.50' },
    { accountId: 7, asset: 'POINTS', amount: '25.00' },
    { accountId: 2, asset: 'POINTS', amount: '-25.00' },
  ];

  test('a movement whose entries sum to zero per asset has no imbalance', () => {
    expect(imbalances(credit)).toEqual([]);
    expect(imbalances([])).toEqual([]);
  });

  test('each asset must balance on its own: hours cannot pay for points', () => {
    expect(imbalances([
      { accountId: 7, asset: 'HOURS', amount: '3.00' },
      { accountId: 2, asset: 'POINTS', amount: '-3.00' },
    ])).toEqual([{ asset: 'HOURS', sum: '3.00' }, { asset: 'POINTS', sum: '-3.00' }]);
    expect(imbalances([...credit, { accountId: 7, asset: 'POINTS', amount: '0.01' }])).toEqual([{ asset: 'POINTS', sum: '0.01' }]);
  });

  test('a reversal is the mirror image, and the two together net to nothing per account', () => {
    const mirror = reversed(credit);
    expect(mirror).toEqual([
      { accountId: 7, asset: 'HOURS', amount: '-2.50' },
      { accountId: 1, asset: 'HOURS', amount: '2.50' },
      { accountId: 7, asset: 'POINTS', amount: '-25.00' },
      { accountId: 2, asset: 'POINTS', amount: '25.00' },
    ]);
    expect(imbalances(mirror)).toEqual([]);
    const net = new Map<string, bigint>();
    for (const p of [...credit, ...mirror]) net.set(`${p.accountId}:${p.asset}`, (net.get(`${p.accountId}:${p.asset}`) ?? 0n) + hundredths(p.amount));
    expect([...net.values()].every((v) => v === 0n)).toBe(true);
    expect(reversed(mirror)).toEqual(credit);
  });
});
