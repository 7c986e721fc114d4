/**
 * The tamper evidence of published disclosures (公示), with no database: canonical JSON,
 * SHA-256, and the check of a compound's hash chain.
 *
 * A version's `contentHash` is the SHA-256 (lower-case hex) of the UTF-8 bytes of its
 * canonical content. The content itself holds `previousHash` — the `contentHash` of the
 * compound's version published just before it (any month) — so every hash commits to the
 * whole history before it: altering an old version breaks either its own hash or, if the
 * forger recomputed that, the link of the version after it.
 */
import { createHash } from 'node:crypto';

/** A value that has one canonical JSON text: no floats, no undefined, no functions. */
export type CanonicalValue = null | boolean | number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

export class NotCanonicalError extends Error {}

/**
 * Canonical JSON: object keys sorted by UTF-16 code units (JavaScript's default sort, as in
 * RFC 8785), no whitespace, array order kept, strings escaped by JSON.stringify, and only
 * safe integers as numbers (money is integer fen). Anything else is refused rather than
 * given a second spelling.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw new NotCanonicalError(`${value} is not a safe integer.`);
      return String(value);
    case 'string':
      if (!isWellFormed(value)) throw new NotCanonicalError('A string holds a lone surrogate.');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new NotCanonicalError('Only plain objects have a canonical form.');
      const entries = Object.entries(value as Record<string, unknown>);
      for (const [key, v] of entries) if (v === undefined) throw new NotCanonicalError(`Key "${key}" is undefined.`);
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new NotCanonicalError(`A ${typeof value} has no JSON form.`);
  }
}

/** No lone UTF-16 surrogate: such a string would not survive storage as UTF-8 unchanged. */
export function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash of a content object: SHA-256 of its canonical JSON. */
export function contentHashOf(content: unknown): string {
  return sha256Hex(canonicalJson(content));
}

/** A stored version, as much of it as the check needs. */
export interface ChainRecord {
  compoundId: number;
  /** First day of the month, `YYYY-MM-DD`. */
  month: string;
  version: number;
  correctionReason: string | null;
  content: unknown;
  contentHash: string;
  previousHash: string | null;
}

export type ChainBreakReason =
  /** The stored content no longer hashes to the stored contentHash. */
  | 'CONTENT_HASH_MISMATCH'
  /** previousHash is not the contentHash of the version before it in publication order. */
  | 'PREVIOUS_HASH_MISMATCH'
  /** The row's columns (compound, month, version, reason, previousHash) disagree with its hashed content. */
  | 'RECORD_MISMATCH'
  /** The versions of a month do not run 1, 2, 3… in publication order. */
  | 'VERSION_OUT_OF_SEQUENCE'
  /** A hash the caller kept from an earlier notice is in no version: the chain was cut or rewritten. */
  | 'HELD_HASH_MISSING';

export interface ChainBreak {
  /** Index in the records given, publication order; -1 when a held hash is missing from an empty chain. */
  index: number;
  reason: ChainBreakReason;
  detail: string;
}

export interface ChainVerification {
  valid: boolean;
  /** Versions checked before the first break, and the broken one; all of them when valid. */
  versionsChecked: number;
  headHash: string | null;
  firstBroken: ChainBreak | null;
}

function field(content: unknown, key: string): unknown {
  return content !== null && typeof content === 'object' && !Array.isArray(content) ? (content as Record<string, unknown>)[key] : undefined;
}

function compoundKeyOf(content: unknown): unknown {
  return field(field(content, 'compound'), 'id');
}

/**
 * Checks a compound's versions in publication order: each recomputed hash, each link to the
 * version before, each row against its own hashed content, the version sequence of each
 * month, and, when the caller kept one from an earlier notice, that its hash is still in the
 * chain (this catches versions cut from the end, which no link can show). Stops at the first break.
 */
export function verifyChain(records: readonly ChainRecord[], heldHash?: string | null): ChainVerification {
  const lastVersionOfMonth = new Map<string, number>();
  let previous: ChainRecord | null = null;
  for (const [index, record] of records.entries()) {
    const broken = (reason: ChainBreakReason, detail: string): ChainVerification => ({
      valid: false, versionsChecked: index + 1, headHash: records.at(-1)?.contentHash ?? null, firstBroken: { index, reason, detail },
    });
    let recomputed: string;
    try {
      recomputed = contentHashOf(record.content);
    } catch (error) {
      return broken('CONTENT_HASH_MISMATCH', `The stored content has no canonical form (${(error as Error).message}); it was altered.`);
    }
    if (recomputed !== record.contentHash) {
      return broken('CONTENT_HASH_MISMATCH', `The stored content hashes to ${recomputed}, not to the recorded ${record.contentHash}: it was altered after publication.`);
    }
    const expectedPrevious = previous?.contentHash ?? null;
    if (record.previousHash !== expectedPrevious) {
      return broken('PREVIOUS_HASH_MISMATCH', expectedPrevious === null
        ? `This is the compound's first version in the record, yet it links to ${record.previousHash}: earlier versions were removed.`
        : `It links to ${record.previousHash ?? 'nothing'}, but the version before it hashes to ${expectedPrevious}: the version before was altered or removed.`);
    }
    const monthLabel = record.month.slice(0, 7);
    const mismatches = [
      field(record.content, 'previousHash') !== record.previousHash ? 'previousHash' : null,
      compoundKeyOf(record.content) !== record.compoundId ? 'compound' : null,
      field(record.content, 'month') !== monthLabel ? 'month' : null,
      field(record.content, 'version') !== record.version ? 'version' : null,
      (field(record.content, 'correctionReason') ?? null) !== record.correctionReason ? 'correctionReason' : null,
    ].filter((m): m is string => m !== null);
    if (mismatches.length) {
      return broken('RECORD_MISMATCH', `The row's ${mismatches.join(', ')} disagree${mismatches.length === 1 ? 's' : ''} with its hashed content.`);
    }
    const expectedVersion = (lastVersionOfMonth.get(monthLabel) ?? 0) + 1;
    if (record.version !== expectedVersion) {
      return broken('VERSION_OUT_OF_SEQUENCE', `Version ${record.version} of ${monthLabel} follows version ${expectedVersion - 1}; the next should be ${expectedVersion}.`);
    }
    lastVersionOfMonth.set(monthLabel, record.version);
    previous = record;
  }
  const headHash = previous?.contentHash ?? null;
  if (heldHash !== undefined && heldHash !== null && !records.some((r) => r.contentHash === heldHash)) {
    return {
      valid: false,
      versionsChecked: records.length,
      headHash,
      firstBroken: {
        index: records.length - 1,
        reason: 'HELD_HASH_MISSING',
        detail: `No version of this compound hashes to ${heldHash}, the hash you kept: the version it names was removed or rewritten${records.length ? ', or it belongs to another compound' : ''}.`,
      },
    };
  }
  return { valid: true, versionsChecked: records.length, headHash, firstBroken: null };
}
