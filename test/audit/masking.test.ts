import { describe, expect, test } from 'vitest';
import { serializeError } from '../../src/logger';
import { canonicalJson, inputDigest } from '../../src/modules/audit/audit.digest';
import { maskPersonalNumbers } from '../../src/modules/grid/identity';
import { createHash } from 'node:crypto';

describe('maskPersonalNumbers', () => {
  test('masks 18-character ID numbers (X included) and mobile numbers wherever they stand in a text', () => {
    expect(maskPersonalNumbers('身份证号11010519491231002X重复，电话13812345678。'))
      .toBe('身份证号110***********002X重复，电话138****5678。');
    expect(maskPersonalNumbers('params: 371602197705120031,19912345678')).toBe('params: 371***********0031,199****5678');
  });

  test('leaves other numbers alone: longer or shorter digit runs, landlines, timestamps', () => {
    const text = 'row 12, 0543-3161234, 1234567890123456789012, 1738000000000, 12812345678';
    expect(maskPersonalNumbers(text)).toBe(text);
  });
});

describe('input digest', () => {
  test('canonical JSON sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'é' }], c: undefined } })).toBe('{"a":{"d":[3,{"y":"é","z":null}]},"b":1}');
  });

  test('the digest is SHA-256 of that text, the same whatever order the client wrote', () => {
    const expected = createHash('sha256').update('{"id":"U3RyZWV0OjE=","input":{"name":"新街道"}}').digest('hex');
    expect(inputDigest({ input: { name: '新街道' }, id: 'U3RyZWV0OjE=' })).toBe(expected);
    expect(inputDigest({ id: 'U3RyZWV0OjE=', input: { name: '新街道' } })).toBe(expected);
  });
});

describe('errors in the log', () => {
  test('keep their message and stack but not the data a failed query quotes: names and addresses are not numbers to mask', () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "residents_id_card_key"'), {
      code: '23505', detail: 'Key (name)=(王秀英) already exists.', parameters: ['王秀英', '幸福里3号楼2单元'],
    });
    const failed = new Error('Failed query: insert into "residents" ("name", "address") values ($1, $2)\nparams: 王秀英,幸福里3号楼2单元', { cause });
    const logged = JSON.stringify(serializeError(failed));
    expect(logged).toContain('Failed query: insert into');
    expect(logged).toContain('residents_id_card_key');
    expect(logged).toContain('23505');
    expect(logged).not.toMatch(/王秀英|幸福里/);
  });
});
