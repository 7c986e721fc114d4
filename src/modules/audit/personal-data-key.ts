import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomFillSync, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * The key that protects personal data at rest (PIPL art. 51): AES-256-GCM for the values, and
 * HMAC-SHA256 for the lookup hashes that let the database enforce uniqueness and find a person
 * by an exact number without ever holding the number. Both keys are derived (HKDF) from one
 * 32-byte secret, PERSONAL_DATA_KEY.
 *
 * A sealed value is `v1:` + base64(IV ‖ ciphertext ‖ tag). The prefix names the key version,
 * so a later key can be introduced beside this one and values re-sealed at leisure.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SECRET_BYTES = 32;

/**
 * Random IVs drawn a thousand at a time: one call to the random source per IV costs as much as
 * the encryption itself, and the seed and ledger imports seal hundreds of thousands. Each IV is
 * handed out once.
 */
const ivPool = Buffer.alloc(IV_BYTES * 1024);
let ivTaken = ivPool.length;

function freshIv(): Buffer {
  if (ivTaken === ivPool.length) {
    randomFillSync(ivPool);
    ivTaken = 0;
  }
  ivTaken += IV_BYTES;
  return Buffer.from(ivPool.subarray(ivTaken - IV_BYTES, ivTaken));
}

/** The development and test key: public, and refused in production. */
export const DEMO_PERSONAL_DATA_KEY = 'Z3JpZGdvdi1kZW1vLXBlcnNvbmFsLWRhdGEta2V5ISE=';

/** 64 hex digits or base64 of 32 bytes; null for anything else. */
function secretOf(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length === SECRET_BYTES ? bytes : null;
}

export class PersonalDataKey {
  readonly #encryption: KeyObject;
  readonly #lookup: KeyObject;
  /** Whether this is the public demo key, which production refuses. */
  readonly isDemo: boolean;

  private constructor(secret: Buffer) {
    const derive = (purpose: string) => createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'gridgov', purpose, SECRET_BYTES)));
    this.#encryption = derive(`personal data encryption ${VERSION}`);
    this.#lookup = derive('personal data lookup');
    const demo = secretOf(DEMO_PERSONAL_DATA_KEY)!;
    this.isDemo = timingSafeEqual(secret, demo);
  }

  /** The key of a setting's text; the error names the setting, never the value. */
  static parse(text: string, setting = 'PERSONAL_DATA_KEY'): PersonalDataKey {
    const secret = secretOf(text);
    if (secret === null) throw new Error(`${setting} must be 32 random bytes, as 64 hex digits or base64 (openssl rand -base64 32)`);
    return new PersonalDataKey(secret);
  }

  /** Encrypts a value with a fresh random IV: the same value sealed twice gives two different texts. */
  seal(value: string): string {
    const iv = freshIv();
    const cipher = createCipheriv('aes-256-gcm', this.#encryption, iv);
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')}`;
  }

  /** The value of `seal`; throws when the text was sealed with another key or altered. */
  open(sealed: string): string {
    const colon = sealed.indexOf(':');
    if (sealed.slice(0, colon) !== VERSION) throw new Error(`A sealed value of an unknown key version "${sealed.slice(0, Math.max(colon, 0))}"`);
    const bytes = Buffer.from(sealed.slice(colon + 1), 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('A sealed value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.#encryption, bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /**
   * The keyed hash of a normalised value, for unique indexes and exact search. base64url, not
   * hex: a hex digest often holds 18 digits in a row and would look like an ID number to a scan.
   */
  lookup(value: string): string {
    return createHmac('sha256', this.#lookup).update(value, 'utf8').digest('base64url');
  }
}
