import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  canonicalJson, contentHashOf, NotCanonicalError, sha256Hex, verifyChain, type ChainRecord,
} from '../../src/modules/property/disclosure.chain';
import {
  balanceSentence, expectedClosingFen, fenToYuan, parseMonth, previousMonth, remunerationFen, yuanToFen,
} from '../../src/modules/property/ledger.rules';

describe('canonical JSON', () => {
  test('sorts keys at every depth, keeps array order, writes no spaces', () => {
    expect(canonicalJson({ b: 1, a: [3, { z: null, y: true }, 'x'], c: { e: 'é', d: -2 } }))
      .toBe('{"a":[3,{"y":true,"z":null},"x"],"b":1,"c":{"d":-2,"e":"é"}}');
  });

  test('is the same text whatever order the keys were written in', () => {
    const one = { month: '2026-10', balance: { opening: { fen: 0, yuan: '0.00' }, closing: { fen: 12345, yuan: '123.45' } } };
    const two = { balance: { closing: { yuan: '123.45', fen: 12345 }, opening: { yuan: '0.00', fen: 0 } }, month: '2026-10' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(contentHashOf(one)).toBe(contentHashOf(two));
  });

  test('escapes strings as JSON does, and keeps Chinese text as is', () => {
    expect(canonicalJson({ t: '10月物业费 "预收"\n' })).toBe('{"t":"10月物业费 \\"预收\\"\\n"}');
  });

  test('refuses what has no single spelling: floats, -0, NaN, undefined, lone surrogates, class instances', () => {
    for (const bad of [1.5, -0, Number.NaN, 2 ** 60, { a: undefined }, '\ud800', new Date(0), () => 1]) {
      expect(() => canonicalJson(bad), String(bad)).toThrow(NotCanonicalError);
    }
  });

  test('hashes with SHA-256 over UTF-8, lower-case hex', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const content = { b: 1, a: ['小区', 2] };
    expect(contentHashOf(content)).toBe(createHash('sha256').update(Buffer.from('{"a":["小区",2],"b":1}', 'utf8')).digest('hex'));
  });
});

/** A chain as the service writes it: each content names the hash of the version before. */
function chain(specs: { month: string; version: number; reason?: string; closing: number }[], compoundId = 7): ChainRecord[] {
  const records: ChainRecord[] = [];
  for (const spec of specs) {
    const previousHash = records.at(-1)?.contentHash ?? null;
    const content = {
      format: 'gridgov.disclosure/1',
      compound: { id: compoundId, name: '幸福家园' },
      month: spec.month,
      version: spec.version,
      correctionReason: spec.reason ?? null,
      previousHash,
      balance: { closing: { fen: spec.closing, yuan: fenToYuan(spec.closing) } },
    };
    records.push({
      compoundId, month: `${spec.month}-01`, version: spec.version, correctionReason: spec.reason ?? null,
      content, contentHash: contentHashOf(content), previousHash,
    });
  }
  return records;
}

const SPECS = [
  { month: '2026-01', version: 1, closing: 100_00 },
  { month: '2026-02', version: 1, closing: 250_50 },
  { month: '2026-02', version: 2, reason: '漏记一笔停车费', closing: 260_50 },
  { month: '2026-03', version: 1, closing: 300_00 },
];

function clone(records: ChainRecord[]): ChainRecord[] {
  return structuredClone(records);
}

describe('verifying a hash chain', () => {
  test('an intact chain is valid; every version is checked and the head is the newest hash', () => {
    const records = chain(SPECS);
    expect(verifyChain(records)).toEqual({ valid: true, versionsChecked: 4, headHash: records[3].contentHash, firstBroken: null });
    expect(verifyChain([])).toEqual({ valid: true, versionsChecked: 0, headHash: null, firstBroken: null });
  });

  test('altered content is named at the version altered', () => {
    const records = clone(chain(SPECS));
    (records[1].content as { balance: { closing: { fen: number } } }).balance.closing.fen = 999_99;
    const result = verifyChain(records);
    expect(result).toMatchObject({ valid: false, versionsChecked: 2, firstBroken: { index: 1, reason: 'CONTENT_HASH_MISMATCH' } });
    expect(result.firstBroken!.detail).toContain(records[1].contentHash);
  });

  test('a forger who also rewrites the hash breaks the link of the next version', () => {
    const records = clone(chain(SPECS));
    (records[1].content as { balance: { closing: { fen: number } } }).balance.closing.fen = 999_99;
    records[1].contentHash = contentHashOf(records[1].content);
    expect(verifyChain(records).firstBroken).toMatchObject({ index: 2, reason: 'PREVIOUS_HASH_MISMATCH' });
    // …relinking the next row's column is caught too: its hashed content still names the old hash…
    records[2].previousHash = records[1].contentHash;
    expect(verifyChain(records).firstBroken).toMatchObject({ index: 2, reason: 'RECORD_MISMATCH' });
    // …and rewriting that content and its hash only moves the break to the version after it.
    (records[2].content as { previousHash: string }).previousHash = records[1].contentHash;
    records[2].contentHash = contentHashOf(records[2].content);
    expect(verifyChain(records).firstBroken).toMatchObject({ index: 3, reason: 'PREVIOUS_HASH_MISMATCH' });
  });

  test('a removed version breaks the link after it; a removed first version too', () => {
    const records = chain(SPECS);
    expect(verifyChain([records[0], records[2], records[3]]).firstBroken).toMatchObject({ index: 1, reason: 'PREVIOUS_HASH_MISMATCH' });
    expect(verifyChain(records.slice(1)).firstBroken).toMatchObject({ index: 0, reason: 'PREVIOUS_HASH_MISMATCH' });
  });

  test('a row whose columns disagree with its hashed content', () => {
    const records = clone(chain(SPECS));
    records[2].correctionReason = '另一个理由';
    expect(verifyChain(records).firstBroken).toMatchObject({ index: 2, reason: 'RECORD_MISMATCH' });
    const moved = clone(chain(SPECS));
    moved[0].month = '2025-12-01';
    expect(verifyChain(moved).firstBroken).toMatchObject({ index: 0, reason: 'RECORD_MISMATCH' });
    expect(verifyChain(chain(SPECS, 7), undefined).valid).toBe(true);
    expect(verifyChain(chain(SPECS, 7).map((r) => ({ ...r, compoundId: 8 }))).firstBroken).toMatchObject({ index: 0, reason: 'RECORD_MISMATCH' });
  });

  test('versions of a month run 1, 2, 3 in publication order', () => {
    const records = chain([{ month: '2026-01', version: 1, closing: 1 }, { month: '2026-01', version: 3, reason: 'x', closing: 2 }]);
    expect(verifyChain(records).firstBroken).toMatchObject({ index: 1, reason: 'VERSION_OUT_OF_SEQUENCE' });
  });

  test('a hash kept from an earlier notice must still be in the chain: cutting the end is caught', () => {
    const records = chain(SPECS);
    expect(verifyChain(records, records[1].contentHash).valid).toBe(true);
    const cut = records.slice(0, 2);
    expect(verifyChain(cut).valid).toBe(true);
    expect(verifyChain(cut, records[3].contentHash).firstBroken).toMatchObject({ index: 1, reason: 'HELD_HASH_MISSING' });
  });

  test('content that is no longer canonical (a float slipped in) is a hash mismatch, not a crash', () => {
    const records = clone(chain(SPECS));
    (records[0].content as { balance: { closing: { fen: number } } }).balance.closing.fen = 100.5;
    expect(verifyChain(records).firstBroken).toMatchObject({ index: 0, reason: 'CONTENT_HASH_MISMATCH' });
  });
});

describe('ledger rules', () => {
  test('yuan and fen convert exactly, with no float in between', () => {
    expect(yuanToFen('1234.5')).toBe(123450);
    expect(yuanToFen('0.07')).toBe(7);
    expect(yuanToFen('-0.10')).toBe(-10);
    expect(yuanToFen('1.005')).toBeNull();
    expect(fenToYuan(123450)).toBe('1234.50');
    expect(fenToYuan(-7)).toBe('-0.07');
    // 0.1 + 0.2 in floats is 0.30000000000000004; in fen it is 30.
    expect(fenToYuan(yuanToFen('0.10')! + yuanToFen('0.20')!)).toBe('0.30');
  });

  test('a percentage remuneration is rounded half up to the fen', () => {
    const tenPercent = { kind: 'PERCENTAGE_OF_INCOME' as const, basisPoints: 1000, monthlyFen: null };
    expect(remunerationFen(tenPercent, 123_464)).toBe(12_346); // 12346.4 fen → down
    expect(remunerationFen(tenPercent, 123_465)).toBe(12_347); // 12346.5 fen → up (banker's rounding would give 12346)
    expect(remunerationFen(tenPercent, 123_466)).toBe(12_347);
    const odd = { kind: 'PERCENTAGE_OF_INCOME' as const, basisPoints: 333, monthlyFen: null };
    expect(remunerationFen(odd, 10_015)).toBe(333); // 333.4995 fen
    expect(remunerationFen(odd, 15_015)).toBe(500); // 499.9995 fen
    // Large incomes stay exact: 9e13 fen × 9999 bp does not fit a float, it fits a BigInt.
    expect(remunerationFen({ kind: 'PERCENTAGE_OF_INCOME', basisPoints: 9999, monthlyFen: null }, 90_000_000_000_001)).toBe(89_991_000_000_001);
    expect(remunerationFen({ kind: 'FIXED_MONTHLY', basisPoints: null, monthlyFen: 300_000 }, 5_000_000)).toBe(300_000);
  });

  test('the balance: opening + income − remuneration − expenses, and a sentence that shows it', () => {
    const t = { openingFen: 5_265_44, incomeFen: 1_234_65, remunerationFen: 123_47, expensesFen: 0 };
    expect(expectedClosingFen(t)).toBe(6_376_62);
    expect(balanceSentence(t)).toBe('5265.44 opening + 1234.65 income − 123.47 remuneration − 0.00 expenses = 6376.62');
  });

  test('months parse strictly and step back across a year', () => {
    expect(parseMonth('2026-02')).toEqual({ label: '2026-02', start: '2026-02-01', end: '2026-02-28', year: 2026 });
    expect(parseMonth('2028-02')!.end).toBe('2028-02-29');
    for (const bad of ['2026-13', '2026-1', '26-01', '2026-00', '1999-12', '2026-01-01']) expect(parseMonth(bad), bad).toBeNull();
    expect(previousMonth(parseMonth('2026-01')!).label).toBe('2025-12');
  });
});
