/** Opaque global IDs: base64 of `Type:key` (API.md). */
export function toGlobalId(type: string, key: number | string): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64');
}

/** The largest key of a serial (int4) primary key, which most tables have. */
const SERIAL_KEY_MAX = 2_147_483_647;
/** The largest key of a bigserial primary key served as a JavaScript number. */
const BIGSERIAL_KEY_MAX = Number.MAX_SAFE_INTEGER;
const bigserialTypes = new Set<string>();

/** A type whose table has a bigserial key: its IDs may carry keys past int4. */
export function bigserialKeys(type: string): void {
  bigserialTypes.add(type);
}

export interface DecodedId {
  type: string;
  key: number;
}

/** `Type:key` of a well-formed ID of this API, whether or not its key can name a row. */
function decode(id: string): DecodedId | null {
  if (typeof id !== 'string' || id.length > 200) return null;
  const text = Buffer.from(id, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  const type = text.slice(0, colon);
  const keyText = text.slice(colon + 1);
  if (!/^[1-9]\d{0,14}$/.test(keyText)) return null;
  if (toGlobalId(type, keyText) !== id) return null;
  return { type, key: Number(keyText) };
}

/** Whether the text has the form of this API's IDs (`node` tells a malformed ID from a missing object). */
export function isWellFormedId(id: string): boolean {
  return decode(id) !== null;
}

/**
 * Any malformed or foreign ID decodes to null; callers answer NOT_FOUND, never crash. So does a
 * key past its table's key type: it names no row, and the database would fail it as out of range.
 */
export function fromGlobalId(id: string, expectedType?: string | readonly string[]): DecodedId | null {
  const decoded = decode(id);
  if (!decoded) return null;
  if (expectedType !== undefined) {
    const allowed = typeof expectedType === 'string' ? [expectedType] : expectedType;
    if (!allowed.includes(decoded.type)) return null;
  }
  return decoded.key > (bigserialTypes.has(decoded.type) ? BIGSERIAL_KEY_MAX : SERIAL_KEY_MAX) ? null : decoded;
}
