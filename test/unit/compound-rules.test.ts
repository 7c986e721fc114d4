import { expect, test } from 'vitest';
import { creditCodeCheckChar, fenToYuan, isCreditCode, percentToBasisPoints, yuanToFen } from '../../src/modules/property/compound.rules';

test('unified social credit codes (GB 32100) by their check character', () => {
  // A published example of GB 32100.
  expect(isCreditCode('91350100M000100Y43')).toBe(true);
  expect(isCreditCode('91350100M000100Y44')).toBe(false);
  expect(isCreditCode('91350100M000100Y4')).toBe(false);
  expect(isCreditCode('91350100I000100Y43')).toBe(false);
  const first17 = '91371602MA3C00001';
  expect(isCreditCode(first17 + creditCodeCheckChar(first17))).toBe(true);
});

test('yuan and fen convert exactly, never through floats', () => {
  expect(yuanToFen('0.1')).toBe(10);
  expect(yuanToFen('1234.56')).toBe(123456);
  expect(yuanToFen('-0.07')).toBe(-7);
  expect(yuanToFen('1.234')).toBeNull();
  expect(yuanToFen('abc')).toBeNull();
  expect(fenToYuan(123456)).toBe('1234.56');
  expect(fenToYuan(7)).toBe('0.07');
  expect(fenToYuan(-7)).toBe('-0.07');
  expect(percentToBasisPoints('12.5')).toBe(1250);
  expect(percentToBasisPoints('100.01')).toBeNull();
});
