import type ExcelJS from 'exceljs';

/** exceljs, loaded on the first spreadsheet rather than at every start (it is the heaviest module the API uses). */
export async function loadExcel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

/** A column of the household-and-resident ledger template (户籍人口台账模板). */
export interface LedgerColumn {
  key: LedgerField;
  /** The header as the published template prints it. */
  header: string;
  /** Other headers street offices use for the same column. */
  aliases: readonly string[];
  /** A file without this column is refused as a whole. */
  required: boolean;
  /** Filled once per household; merged down a household's rows in most ledgers. */
  household: boolean;
  example: readonly string[];
}

export type LedgerField =
  | 'serial' | 'community' | 'gridCode' | 'building' | 'unit' | 'room' | 'householderName' | 'relation' | 'name'
  | 'gender' | 'idCard' | 'birthDate' | 'phone' | 'registration' | 'tags' | 'floorArea';

export const LEDGER_COLUMNS: readonly LedgerColumn[] = [
  { key: 'serial', header: '序号', aliases: ['编号'], required: false, household: false, example: ['1', '2'] },
  { key: 'community', header: '社区', aliases: ['所属社区', '社区名称', '社区(村)'], required: false, household: true, example: ['黄河社区', '黄河社区'] },
  { key: 'gridCode', header: '网格编号', aliases: ['网格编码', '所属网格'], required: false, household: true, example: ['371602001001-01-01-01', '371602001001-01-01-01'] },
  { key: 'building', header: '楼栋', aliases: ['楼栋号', '楼号', '楼幢'], required: true, household: true, example: ['1号楼', '1号楼'] },
  { key: 'unit', header: '单元', aliases: ['单元号'], required: false, household: true, example: ['2', '2'] },
  { key: 'room', header: '门牌号/房号', aliases: ['门牌号', '房号', '房间号', '户号'], required: true, household: true, example: ['301', '301'] },
  { key: 'householderName', header: '户主姓名', aliases: ['户主'], required: false, household: true, example: ['张建国', '张建国'] },
  { key: 'relation', header: '与户主关系', aliases: ['与户主的关系', '关系'], required: false, household: false, example: ['本人', '配偶'] },
  { key: 'name', header: '姓名', aliases: ['居民姓名', '人员姓名'], required: true, household: false, example: ['张建国', '李秀英'] },
  { key: 'gender', header: '性别', aliases: [], required: false, household: false, example: ['男', '女'] },
  { key: 'idCard', header: '公民身份号码', aliases: ['身份证号', '身份证号码', '证件号码', '公民身份证号码'], required: true, household: false, example: ['371602196503120037', '371602196708150029'] },
  { key: 'birthDate', header: '出生日期', aliases: ['出生年月日'], required: false, household: false, example: ['1965-03-12', '1967-08-15'] },
  { key: 'phone', header: '联系电话', aliases: ['手机号', '手机号码', '联系方式', '电话'], required: false, household: false, example: ['13805431234', ''] },
  { key: 'registration', header: '户籍类型(户籍/流动)', aliases: ['户籍类型', '人员类型', '户籍性质'], required: true, household: false, example: ['户籍', '户籍'] },
  { key: 'tags', header: '人员标签', aliases: ['标签', '人员类别', '特殊人群'], required: false, household: false, example: ['党员、退役军人', ''] },
  { key: 'floorArea', header: '房屋面积(㎡)', aliases: ['房屋面积', '建筑面积', '面积'], required: true, household: true, example: ['89.50', '89.50'] },
];

const TEMPLATE_HEADER = new Map(LEDGER_COLUMNS.map((c) => [c.key, c.header]));

/** The template's header of a field, for files that name it otherwise or not at all. */
export function templateHeader(field: LedgerField): string {
  return TEMPLATE_HEADER.get(field)!;
}

/** Headers compare without spaces, width, a trailing "(…)" note or a required-mark asterisk. */
export function headerKey(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').replace(/^\*|\*$/g, '').replace(/\([^()]*\)$/, '');
}

const COLUMN_BY_HEADER = new Map<string, LedgerColumn>(
  LEDGER_COLUMNS.flatMap((c) => [c.header, ...c.aliases].map((h) => [headerKey(h), c] as const)),
);

export function columnOfHeader(text: string): LedgerColumn | undefined {
  return COLUMN_BY_HEADER.get(headerKey(text));
}

export const GENDERS: Record<string, 'MALE' | 'FEMALE'> = { 男: 'MALE', 女: 'FEMALE' };
export const REGISTRATIONS: Record<string, 'REGISTERED' | 'FLOATING'> = {
  户籍: 'REGISTERED', 户籍人口: 'REGISTERED', 常住: 'REGISTERED', 流动: 'FLOATING', 流动人口: 'FLOATING', 外来: 'FLOATING',
};
export const TAGS: Record<string, 'PARTY_MEMBER' | 'VETERAN' | 'ELDERLY_LIVING_ALONE' | 'DISABLED' | 'LEFT_BEHIND_CHILD' | 'FAMILY_IN_DIFFICULTY'> = {
  党员: 'PARTY_MEMBER',
  退役军人: 'VETERAN',
  空巢老人: 'ELDERLY_LIVING_ALONE',
  独居老人: 'ELDERLY_LIVING_ALONE',
  残疾人: 'DISABLED',
  留守儿童: 'LEFT_BEHIND_CHILD',
  困难群众: 'FAMILY_IN_DIFFICULTY',
  困难家庭: 'FAMILY_IN_DIFFICULTY',
};
/** 与户主关系 values that mark the householder (户主) row. */
export const HOUSEHOLDER_RELATIONS = new Set(['本人', '户主']);

const TITLE = '户籍人口台账（一人一行，同户成员连续填写）';
const NOTES = [
  '填写说明：',
  '1. 社区填社区名称或编码；同一社区有同名楼栋时，请填写网格编号。',
  '2. 楼栋、单元、门牌号/房号、户主姓名、房屋面积为户信息，同户各行可合并单元格或重复填写。',
  '3. 公民身份号码请设为文本格式，18位，末位可为X；出生日期、性别须与身份号码一致。',
  '4. 户籍类型填"户籍"或"流动"；人员标签可填党员、退役军人、空巢老人、残疾人、留守儿童、困难群众，多个用"、"分隔。',
];

/** The template as street offices open it: a title row, the header row, two example rows, and notes on a second sheet. */
export async function templateXlsx(): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook();
  const sheet = workbook.addWorksheet('台账');
  sheet.addRow([TITLE]);
  sheet.mergeCells(1, 1, 1, LEDGER_COLUMNS.length);
  sheet.getRow(1).font = { bold: true, size: 14 };
  const header = sheet.addRow(LEDGER_COLUMNS.map((c) => c.header));
  header.font = { bold: true };
  for (let i = 0; i < 2; i += 1) sheet.addRow(LEDGER_COLUMNS.map((c) => c.example[i]));
  LEDGER_COLUMNS.forEach((c, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = Math.max(8, c.header.length * 2 + 2);
    // ID numbers typed into a General cell become floats and lose their last digits.
    if (c.key === 'idCard' || c.key === 'phone' || c.key === 'gridCode') column.numFmt = '@';
  });
  const notes = workbook.addWorksheet('填写说明');
  for (const line of NOTES) notes.addRow([line]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The same template as CSV, UTF-8 with a BOM so that Excel opens it with the right encoding. */
export function templateCsv(): string {
  const lines = [LEDGER_COLUMNS.map((c) => c.header), ...[0, 1].map((i) => LEDGER_COLUMNS.map((c) => c.example[i]))];
  return `\uFEFF${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
