import { createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { DEMO_PERSONAL_DATA_KEY, PersonalDataKey } from '../../src/modules/audit/personal-data-key';

const secret = randomBytes(32);
const key = PersonalDataKey.parse(secret.toString('base64'));
const NUMBER = '37160219850301100X';

describe('PersonalDataKey', () => {
  test('seal is AES-256-GCM under the HKDF-derived key: v1 : base64(12-byte IV, ciphertext, 16-byte tag)', () => {
    const sealed = key.seal(NUMBER);
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    expect(bytes.length).toBe(12 + Buffer.byteLength(NUMBER) + 16);
    // Opened independently of the class, from the secret and the documented derivation.
    const derived = Buffer.from(hkdfSync('sha256', secret, 'gridgov', 'personal data encryption v1', 32));
    const decipher = createDecipheriv('aes-256-gcm', derived, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    expect(Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString()).toBe(NUMBER);
    expect(key.open(sealed)).toBe(NUMBER);
  });

  test('a fresh IV each time: the same number sealed twice gives two texts', () => {
    const texts = new Set(Array.from({ length: 50 }, () => key.seal(NUMBER)));
    expect(texts.size).toBe(50);
    expect(new Set([...texts].map((t) => Buffer.from(t.slice(3), 'base64').subarray(0, 12).toString('hex'))).size).toBe(50);
  });

  test('another key, an altered text or an unknown version does not open', () => {
    const sealed = key.seal(NUMBER);
    expect(() => PersonalDataKey.parse(randomBytes(32).toString('hex')).open(sealed)).toThrow();
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[14] ^= 1;
    expect(() => key.open(`v1:${bytes.toString('base64')}`)).toThrow();
    expect(() => key.open(`v2:${sealed.slice(3)}`)).toThrow(/unknown key version "v2"/);
    expect(() => key.open('v1:AAAA')).toThrow(/truncated/);
  });

  test('lookup is HMAC-SHA256 of the value under a second derived key: stable, keyed, and never a run of digits', () => {
    const lookupKey = Buffer.from(hkdfSync('sha256', secret, 'gridgov', 'personal data lookup', 32));
    expect(key.lookup(NUMBER)).toBe(createHmac('sha256', lookupKey).update(NUMBER).digest('base64url'));
    expect(key.lookup(NUMBER)).toBe(PersonalDataKey.parse(secret.toString('hex')).lookup(NUMBER));
    expect(key.lookup(NUMBER)).not.toBe(PersonalDataKey.parse(DEMO_PERSONAL_DATA_KEY).lookup(NUMBER));
    expect(key.lookup(NUMBER)).not.toBe(createHmac('sha256', secret).update(NUMBER).digest('base64url'));
  });

  test('the secret is 32 bytes as 64 hex digits or base64; only the demo key says it is the demo key', () => {
    expect(PersonalDataKey.parse(DEMO_PERSONAL_DATA_KEY).isDemo).toBe(true);
    expect(key.isDemo).toBe(false);
    expect(() => PersonalDataKey.parse('x'.repeat(44), 'THE_SETTING')).toThrow(/^THE_SETTING must be 32 random bytes/);
    expect(JSON.stringify(key)).not.toContain(secret.toString('base64'));
  });
});
