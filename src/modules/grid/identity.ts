/** Resident identity rules: GB 11643 ID card numbers and mainland mobile numbers. */
import type { PersonalDataKey } from '../audit/personal-data-key';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The 18th character that GB 11643 (ISO 7064 MOD 11-2) gives the first 17 digits. */
export function idCardCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

export interface IdCardFacts {
  birthDate: string;
  gender: 'MALE' | 'FEMALE';
}

export type IdCardCheck = { ok: true; facts: IdCardFacts } | { ok: false; message: string };

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Checks a resident ID card number and reads the birth date and gender it encodes. */
export function checkIdCard(value: string, today = new Date()): IdCardCheck {
  if (!/^\d{17}[\dX]$/.test(value)) {
    return { ok: false, message: 'An ID card number has 17 digits followed by a digit or X.' };
  }
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (y < 1900 || !isRealDate(y, m, d) || birthDate > today.toISOString().slice(0, 10)) {
    return { ok: false, message: `The birth date ${birthDate} in this ID card number is not a real date.` };
  }
  if (idCardCheckChar(value) !== value[17]) {
    return { ok: false, message: 'The check digit of this ID card number is wrong; the number was probably mistyped.' };
  }
  return { ok: true, facts: { birthDate, gender: Number(value[16]) % 2 === 1 ? 'MALE' : 'FEMALE' } };
}

/** Mainland China mobile numbers: 11 digits starting 13–19. */
export function isMainlandMobile(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value);
}

/** `110***********1234`: the region's first three digits and the last four stay. */
export function maskIdCard(value: string): string {
  if (value.length < 8) return '*'.repeat(value.length);
  return value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}

/** The form an ID card number is compared and stored in: `x` and `X` are the same check character. */
export function normaliseIdCard(value: string): string {
  return value.trim().toUpperCase();
}

/** An ID card number as the residents table holds it. */
export interface StoredIdCard {
  idCardEncrypted: string;
  idCardHash: string;
  idCardMasked: string;
}

export function storedIdCard(key: PersonalDataKey, value: string): StoredIdCard {
  const number = normaliseIdCard(value);
  return { idCardEncrypted: key.seal(number), idCardHash: key.lookup(number), idCardMasked: maskIdCard(number) };
}

/** The hash an exact search by ID card number compares with. */
export function idCardHash(key: PersonalDataKey, value: string): string {
  return key.lookup(normaliseIdCard(value));
}

/** `138****5678` */
export function maskPhone(value: string): string {
  if (value.length < 7) return '*'.repeat(value.length);
  return value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}

/** An 18-character ID card number or a mainland mobile number standing alone in a text, not inside a longer run of digits. */
const PERSONAL_NUMBER = /(?<![0-9])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9})(?![0-9])/g;

/**
 * Masks every ID card number and mobile number in free text (messages, log lines), as the
 * fields do: the last line of defence for text that quotes what a person typed.
 */
export function maskPersonalNumbers(text: string): string {
  return text.replace(PERSONAL_NUMBER, (number) => (number.length === 18 ? maskIdCard(number) : maskPhone(number)));
}
