import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, test } from 'vitest';
import { idCardCheckChar } from '../../../src/modules/grid/identity';
import { checkLedger, parseLedgerDate, roomOf } from '../../../src/modules/import/ledger.check';
import { decodeCsv, readLedger } from '../../../src/modules/import/ledger.read';
import { LEDGER_COLUMNS, templateCsv, templateXlsx } from '../../../src/modules/import/ledger.template';

const HEADERS = LEDGER_COLUMNS.map((c) => c.header);
const idCard = (first17: string) => first17 + idCardCheckChar(first17);
const MAN = idCard('45010219800102001');
const WOMAN = idCard('45010219850607002');

/** A CSV line in template order from a partial row. */
function line(cells: Partial<Record<string, string>>): string {
  return HEADERS.map((h) => cells[h] ?? '').join(',');
}

const base = { 社区: '渤海社区', 楼栋: '1号楼', 单元: '2', '门牌号/房号': '301', '户籍类型(户籍/流动)': '户籍', '房屋面积(㎡)': '89.5' };

describe('dates and rooms', () => {
  test('the date spellings of real ledgers', () => {
    for (const text of ['1980-01-02', '1980/1/2', '1980.01.02', '19800102', '1980年1月2日']) expect(parseLedgerDate(text)).toBe('1980-01-02');
    expect(parseLedgerDate('1980-02-30')).toBeNull();
    expect(parseLedgerDate('80-1-2')).toBeNull();
  });

  test('unit and door make the room as households record it', () => {
    expect(roomOf('2', '301')).toBe('2单元301');
    expect(roomOf('2单元', '301室')).toBe('2单元301');
    expect(roomOf('2', '2单元301')).toBe('2单元301');
    expect(roomOf(undefined, '301')).toBe('301');
  });
});

describe('reading', () => {
  test('header found below a title, in any order, extra columns ignored', async () => {
    const text = ['台账', ['备注', ...[...HEADERS].reverse()].join(','), ['x', ...HEADERS.map((h) => ({ ...base, 姓名: '张三', 公民身份号码: MAN } as Record<string, string>)[h] ?? '').reverse()].join(',')].join('\n');
    const sheet = await readLedger(Buffer.from(text), 'csv');
    expect(sheet.problems).toEqual([]);
    expect(sheet.rows).toEqual([{ row: 3, cells: expect.objectContaining({ name: '张三', idCard: MAN, building: '1号楼', floorArea: '89.5' }) }]);
  });

  test('GBK and UTF-8 with BOM decode alike', () => {
    const text = `${HEADERS.join(',')}\r\n`;
    expect(decodeCsv(iconv.encode(text, 'gbk'))).toBe(text);
    expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text);
  });

  test('full-width digits and letters are read half-width, with a notice', async () => {
    const wide = MAN.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const sheet = await readLedger(Buffer.from([HEADERS.join(','), line({ ...base, 姓名: '张三', 公民身份号码: `　${wide}` })].join('\n')), 'csv');
    expect(sheet.rows[0].cells.idCard).toBe(MAN);
    expect(sheet.problems).toEqual([{ row: 2, column: '公民身份号码', code: 'FULL_WIDTH', message: expect.stringContaining(MAN) }]);
  });

  test('blank lines between rows are notices, trailing ones are not reported', async () => {
    const text = [HEADERS.join(','), line({ ...base, 姓名: '张三', 公民身份号码: MAN }), ',,,', '', line({ ...base, 姓名: '李四', 公民身份号码: WOMAN }), ',,', ''].join('\n');
    const sheet = await readLedger(Buffer.from(text), 'csv');
    expect(sheet.rows.map((r) => r.row)).toEqual([2, 5]);
    expect(sheet.problems.map((p) => [p.row, p.code])).toEqual([[3, 'BLANK_LINE'], [4, 'BLANK_LINE']]);
  });

  test('household columns left blank below a household\'s first row, or written 同上, are carried down with a notice', async () => {
    const first = { ...base, 户主姓名: '张三', 姓名: '张三', 公民身份号码: MAN };
    const member = { 姓名: '李四', 公民身份号码: WOMAN, 与户主关系: '配偶', '户籍类型(户籍/流动)': '户籍' };
    const partly = { ...member, 姓名: '王五', 楼栋: '2号楼' };
    const ditto = { ...base, 姓名: '赵六', 公民身份号码: MAN, 楼栋: '同上', 单元: '〃' };
    const text = [HEADERS.join(','), line(first), line(member), line(partly), line(ditto)].join('\n');
    const sheet = await readLedger(Buffer.from(text), 'csv');
    const [, second, third, fourth] = sheet.rows;
    expect(second.cells).toMatchObject({ community: '渤海社区', building: '1号楼', unit: '2', room: '301', householderName: '张三', floorArea: '89.5' });
    expect(third.cells).toMatchObject({ building: '2号楼' });
    expect(third.cells.room).toBeUndefined();
    expect(fourth.cells).toMatchObject({ building: '2号楼', unit: undefined });
    expect(sheet.problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [3, null, 'CARRIED_DOWN'], [5, '楼栋', 'CARRIED_DOWN'], [5, '单元', 'CARRIED_DOWN'],
    ]);
  });

  test('a missing required column is one problem on the header row', async () => {
    const without = HEADERS.filter((h) => h !== '公民身份号码');
    const sheet = await readLedger(Buffer.from(`${without.join(',')}\n张三`), 'csv');
    expect(sheet.problems).toEqual([{ row: 1, column: '公民身份号码', code: 'MISSING_COLUMN', message: expect.any(String) }]);
  });

  test('merged household cells carry down, reported per row', async () => {
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('台账');
    ws.addRow(HEADERS);
    ws.addRow(HEADERS.map((h) => ({ ...base, 姓名: '张三', 公民身份号码: MAN } as Record<string, string>)[h] ?? ''));
    ws.addRow(HEADERS.map((h) => ({ 姓名: '李四', 公民身份号码: WOMAN, '户籍类型(户籍/流动)': '户籍' } as Record<string, string>)[h] ?? ''));
    const col = HEADERS.indexOf('楼栋') + 1;
    ws.mergeCells(2, col, 3, col);
    const sheet = await readLedger(Buffer.from(await workbook.xlsx.writeBuffer()), 'xlsx');
    expect(sheet.rows[1].cells.building).toBe('1号楼');
    expect(sheet.problems).toEqual([{ row: 3, column: '楼栋', code: 'MERGED_CELL', message: expect.any(String) }]);
  });

  test('the published templates read back clean', async () => {
    for (const [file, format] of [[await templateXlsx(), 'xlsx'], [Buffer.from(templateCsv()), 'csv']] as const) {
      const sheet = await readLedger(file, format);
      expect(sheet.problems).toEqual([]);
      expect(checkLedger(sheet).problems).toEqual([]);
      expect(sheet.rows).toHaveLength(2);
    }
  });
});

describe('checking rows', () => {
  async function check(rows: Partial<Record<string, string>>[]) {
    return checkLedger(await readLedger(Buffer.from([HEADERS.join(','), ...rows.map(line)].join('\n')), 'csv'));
  }

  test('a clean household: one householder, tags, registration, people in order', async () => {
    const result = await check([
      { ...base, 姓名: '张三', 与户主关系: '本人', 公民身份号码: MAN, 性别: '男', 出生日期: '1980/1/2', 联系电话: '13805431234', 人员标签: '党员、退役军人' },
      { ...base, 姓名: '李四', 与户主关系: '配偶', 公民身份号码: WOMAN.toLowerCase(), '户籍类型(户籍/流动)': '流动', '房屋面积(㎡)': '' },
    ]);
    expect(result.problems).toEqual([]);
    expect(result.households).toHaveLength(1);
    expect(result.households[0]).toMatchObject({ row: 2, room: '2单元301', floorArea: '89.5' });
    expect(result.people.map((p) => [p.name, p.householder, p.gender, p.birthDate, p.registration, p.tags])).toEqual([
      ['张三', true, 'MALE', '1980-01-02', 'REGISTERED', ['PARTY_MEMBER', 'VETERAN']],
      ['李四', false, 'FEMALE', '1985-06-07', 'FLOATING', []],
    ]);
  });

  test('every mistake of a row is reported by row and column', async () => {
    const wrongCheck = MAN.slice(0, 17) + ((Number(MAN[17]) + 1) % 10);
    const result = await check([
      { ...base, 姓名: '张三', 公民身份号码: wrongCheck },
      { ...base, 姓名: '李四', 公民身份号码: WOMAN, 性别: '男', 出生日期: '1985-06-08', 联系电话: '1380543', 人员标签: '党员、老干部' },
      { ...base, 姓名: '李四', 公民身份号码: WOMAN, '房屋面积(㎡)': '-3' },
      { ...base, 姓名: '', 楼栋: '', 社区: '', 公民身份号码: idCard('45010219800230001'), '户籍类型(户籍/流动)': '常驻' },
    ]);
    expect(result.problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [2, '公民身份号码', 'ID_CARD_INVALID'],
      [3, '出生日期', 'BIRTH_DATE_MISMATCH'],
      [3, '性别', 'GENDER_MISMATCH'],
      [3, '联系电话', 'PHONE_INVALID'],
      [3, '人员标签', 'INVALID'],
      [4, '公民身份号码', 'DUPLICATE_IN_FILE'],
      [4, '房屋面积(㎡)', 'INVALID'],
      [5, '姓名', 'REQUIRED'],
      [5, '楼栋', 'REQUIRED'],
      [5, '社区', 'REQUIRED'],
      [5, '公民身份号码', 'ID_CARD_INVALID'],
      [5, '户籍类型(户籍/流动)', 'INVALID'],
    ]);
    expect(result.people).toEqual([]);
  });

  test('two householders, or two floor areas, in one household', async () => {
    const result = await check([
      { ...base, 姓名: '张三', 与户主关系: '户主', 公民身份号码: MAN },
      { ...base, 姓名: '李四', 与户主关系: '本人', 公民身份号码: WOMAN, '房屋面积(㎡)': '70' },
    ]);
    expect(result.problems.map((p) => [p.row, p.column, p.code])).toEqual([[3, '房屋面积(㎡)', 'HOUSEHOLD_MISMATCH'], [3, '与户主关系', 'HOUSEHOLDER_TWICE']]);
  });
});
