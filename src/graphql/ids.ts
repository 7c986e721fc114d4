/** Opaque global IDs: base64 of `Type:key` (API.md). */
export function toGlobalId(type: string, key: number | string): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64');
}

export interface DecodedId {
  type: string;
  key: number;
}

/** Any malformed or foreign ID decodes to null; callers answer NOT_FOUND, never crash. */
export function fromGlobalId(id: string, expectedType?: string | readonly string[]): DecodedId | null {
  if (typeof id !== 'string' || id.length > 200) return null;
  const text = Buffer.from(id, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  const type = text.slice(0, colon);
  const keyText = text.slice(colon + 1);
  if (!/^[1-9]\d{0,14}$/.test(keyText)) return null;
  if (toGlobalId(type, keyText) !== id) return null;
  if (expectedType !== undefined) {
    const allowed = typeof expectedType === 'string' ? [expectedType] : expectedType;
    if (!allowed.includes(type)) return null;
  }
  return { type, key: Number(keyText) };
}
