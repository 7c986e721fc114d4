import { describe, expect, test } from 'vitest';
import { checkIdCard, idCardCheckChar, isMainlandMobile, maskIdCard, maskPhone } from '../../src/modules/grid/identity';

describe('GB 11643 ID card numbers', () => {
  test('accepts a valid number and reads birth date and gender from it', () => {
    // 11010519491231002X is the example in GB 11643-1999.
    expect(checkIdCard('11010519491231002X')).toEqual({ ok: true, facts: { birthDate: '1949-12-31', gender: 'FEMALE' } });
    const first17 = '37160219850301001';
    const check = checkIdCard(first17 + idCardCheckChar(first17));
    expect(check).toEqual({ ok: true, facts: { birthDate: '1985-03-01', gender: 'MALE' } });
  });

  test('refuses a wrong check digit, an impossible or future birth date, and bad shapes', () => {
    expect(checkIdCard('110105194912310021')).toMatchObject({ ok: false, message: expect.stringContaining('check digit') });
    const feb30 = '37160219850230001';
    expect(checkIdCard(feb30 + idCardCheckChar(feb30))).toMatchObject({ ok: false, message: expect.stringContaining('1985-02-30') });
    const future = '37160221000101001';
    expect(checkIdCard(future + idCardCheckChar(future), new Date('2026-11-23'))).toMatchObject({ ok: false });
    expect(checkIdCard('37160219850301')).toMatchObject({ ok: false });
    expect(checkIdCard('3716021985030100x')).toMatchObject({ ok: false });
  });
});

test('mainland mobile numbers', () => {
  expect(isMainlandMobile('13812345678')).toBe(true);
  expect(isMainlandMobile('19912345678')).toBe(true);
  expect(isMainlandMobile('12812345678')).toBe(false);
  expect(isMainlandMobile('1381234567')).toBe(false);
  expect(isMainlandMobile('+8613812345678')).toBe(false);
});

test('masks keep only what identifies nobody', () => {
  expect(maskIdCard('11010519491231002X')).toBe('110***********002X');
  expect(maskPhone('13812345678')).toBe('138****5678');
});
