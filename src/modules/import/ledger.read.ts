import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { unstorableCharacter } from '../../db/text';
import { columnOfHeader, LEDGER_COLUMNS, loadExcel, type LedgerField } from './ledger.template';

/** One finding about the file: `row` as the file numbers it (0: the file as a whole), `column` the header. */
export interface LedgerProblem {
  row: number;
  column: string | null;
  code: LedgerProblemCode;
  message: string;
}

export enum LedgerProblemCode {
  /** Notices: the file was read as meant; they never stop an import. */
  BLANK_LINE = 'BLANK_LINE',
  MERGED_CELL = 'MERGED_CELL',
  FULL_WIDTH = 'FULL_WIDTH',
  CARRIED_DOWN = 'CARRIED_DOWN',
  /** Errors: the file as a whole. */
  UNREADABLE = 'UNREADABLE',
  NO_HEADER = 'NO_HEADER',
  MISSING_COLUMN = 'MISSING_COLUMN',
  EMPTY = 'EMPTY',
  /** Errors: one row. */
  REQUIRED = 'REQUIRED',
  INVALID = 'INVALID',
  ID_CARD_INVALID = 'ID_CARD_INVALID',
  BIRTH_DATE_MISMATCH = 'BIRTH_DATE_MISMATCH',
  GENDER_MISMATCH = 'GENDER_MISMATCH',
  PHONE_INVALID = 'PHONE_INVALID',
  DUPLICATE_IN_FILE = 'DUPLICATE_IN_FILE',
  DUPLICATE_IN_DATABASE = 'DUPLICATE_IN_DATABASE',
  HOUSEHOLD_MISMATCH = 'HOUSEHOLD_MISMATCH',
  HOUSEHOLDER_TWICE = 'HOUSEHOLDER_TWICE',
  UNKNOWN_COMMUNITY = 'UNKNOWN_COMMUNITY',
  UNKNOWN_GRID = 'UNKNOWN_GRID',
  UNKNOWN_BUILDING = 'UNKNOWN_BUILDING',
  AMBIGUOUS_BUILDING = 'AMBIGUOUS_BUILDING',
  OUT_OF_SCOPE = 'OUT_OF_SCOPE',
}

export const NOTICE_CODES: ReadonlySet<LedgerProblemCode> = new Set([
  LedgerProblemCode.BLANK_LINE, LedgerProblemCode.MERGED_CELL, LedgerProblemCode.FULL_WIDTH, LedgerProblemCode.CARRIED_DOWN,
]);

/** What a ledger writes in a cell for "the same as the row above". */
const DITTO = new Set(['同上', '〃', '"']);
const HOUSEHOLD_FIELDS = LEDGER_COLUMNS.filter((c) => c.household).map((c) => c.key);

export const isError = (problem: LedgerProblem) => !NOTICE_CODES.has(problem.code);

export type LedgerFormat = 'xlsx' | 'csv';

/** A data row: its number in the file and its cells by field, trimmed and half-width. */
export interface LedgerRow {
  row: number;
  cells: Partial<Record<LedgerField, string>>;
}

export interface LedgerSheet {
  /** Header text of each field as the file spells it, for problem reports. */
  headers: Partial<Record<LedgerField, string>>;
  rows: LedgerRow[];
  problems: LedgerProblem[];
}

interface RawRow {
  row: number;
  cells: string[];
  /** Cells that are the lower part of a merged range, carrying the value of its top cell. */
  merged: boolean[];
}

const HEADER_SEARCH_ROWS = 20;
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/;

export function formatOfFile(fileName: string, contentType?: string): LedgerFormat | null {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') return 'xlsx';
  if (type === 'text/csv' || type === 'application/csv') return 'csv';
  if (/\.xlsx$/i.test(fileName)) return 'xlsx';
  if (/\.csv$/i.test(fileName)) return 'csv';
  return null;
}

export async function readLedger(file: Buffer, format: LedgerFormat): Promise<LedgerSheet> {
  let raw: RawRow[];
  try {
    raw = format === 'xlsx' ? await xlsxRows(file) : csvRows(file);
  } catch (error) {
    return fileProblem(LedgerProblemCode.UNREADABLE, `The file could not be read as ${format.toUpperCase()}: ${(error as Error).message}`);
  }
  return sheetOf(raw);
}

function fileProblem(code: LedgerProblemCode, message: string): LedgerSheet {
  return { headers: {}, rows: [], problems: [{ row: 0, column: null, code, message }] };
}

/**
 * Street offices save CSV from Excel in GBK unless they pick "UTF-8": a BOM or valid UTF-8
 * is read as UTF-8, anything else as GBK (GB18030, its superset).
 */
export function decodeCsv(file: Buffer): string {
  if (file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf) return file.subarray(3).toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    return iconv.decode(file, 'gb18030');
  }
}

function csvRows(file: Buffer): RawRow[] {
  const records = parse(decodeCsv(file), { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, info: true }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  return records.map(({ record, info }) => ({ row: info.lines, cells: record, merged: record.map(() => false) }));
}

async function xlsxRows(file: Buffer): Promise<RawRow[]> {
  const workbook = new (await loadExcel()).Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  const sheet = workbook.worksheets.find((s) => s.actualRowCount > 0);
  if (!sheet) return [];
  const rows: RawRow[] = [];
  const width = sheet.columnCount;
  for (let r = 1; r <= sheet.rowCount; r += 1) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    const merged: boolean[] = [];
    for (let c = 1; c <= width; c += 1) {
      const cell = row.getCell(c);
      // A merged cell below or right of its top-left cell reads the top-left value.
      cells.push(cellText(cell.isMerged ? cell.master.value : cell.value));
      merged.push(cell.isMerged && cell.master.address !== cell.address);
    }
    rows.push({ row: r, cells, merged });
  }
  return rows;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('result' in value) return value.result === undefined ? '' : cellText(value.result as ExcelJS.CellValue);
  if ('text' in value) return String(value.text);
  if ('error' in value) return '';
  return '';
}

/**
 * Ledgers fill a household's columns on its first row only, or write 同上 (ditto): a row
 * whose household columns are all blank, or a ditto cell, takes the value of the row above,
 * and says so. A row with only some household columns blank is left to fail its checks.
 */
function carryDown(row: number, cells: Partial<Record<LedgerField, string>>, above: LedgerRow, headers: Partial<Record<LedgerField, string>>): LedgerProblem[] {
  const notices: LedgerProblem[] = [];
  for (const [field, value] of Object.entries(cells) as [LedgerField, string][]) {
    if (!DITTO.has(value)) continue;
    cells[field] = above.cells[field];
    notices.push({ row, column: headers[field]!, code: LedgerProblemCode.CARRIED_DOWN, message: `"${value}": the value of the row above, "${above.cells[field] ?? ''}", is carried down.` });
  }
  const present = HOUSEHOLD_FIELDS.filter((f) => headers[f] !== undefined);
  if (present.length > 0 && present.every((f) => cells[f] === undefined)) {
    for (const field of present) {
      if (above.cells[field] !== undefined) cells[field] = above.cells[field];
    }
    notices.push({ row, column: null, code: LedgerProblemCode.CARRIED_DOWN, message: `The household columns are blank: read as a member of the household of row ${above.row}.` });
  }
  return notices;
}

function sheetOf(raw: RawRow[]): LedgerSheet {
  const headerAt = raw.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => r.cells.filter((c) => columnOfHeader(c)).length >= 3);
  if (headerAt < 0) {
    return fileProblem(LedgerProblemCode.NO_HEADER, `No header row found in the first ${HEADER_SEARCH_ROWS} rows; use the template's headers, e.g. ${LEDGER_COLUMNS.map((c) => c.header).join('、')}.`);
  }
  const headerRow = raw[headerAt];
  const fieldAt = new Map<number, LedgerField>();
  const headers: Partial<Record<LedgerField, string>> = {};
  headerRow.cells.forEach((text, i) => {
    const column = columnOfHeader(text);
    if (column && headers[column.key] === undefined) {
      fieldAt.set(i, column.key);
      headers[column.key] = text.trim();
    }
  });
  const problems: LedgerProblem[] = [];
  for (const column of LEDGER_COLUMNS) {
    if (column.required && headers[column.key] === undefined) {
      problems.push({ row: headerRow.row, column: column.header, code: LedgerProblemCode.MISSING_COLUMN, message: `The column ${column.header} is missing.` });
    }
  }
  if (headers.community === undefined && headers.gridCode === undefined) {
    problems.push({ row: headerRow.row, column: '社区', code: LedgerProblemCode.MISSING_COLUMN, message: 'The column 社区 (or 网格编号) is missing: buildings are found by community or grid.' });
  }

  const rows: LedgerRow[] = [];
  let blanks: LedgerProblem[] = [];
  for (const line of raw.slice(headerAt + 1)) {
    const cells: Partial<Record<LedgerField, string>> = {};
    const notices: LedgerProblem[] = [];
    // A cell no database keeps leaves its row unread: its values are not carried down or quoted.
    const unstorable = [...fieldAt].flatMap(([i, field]): LedgerProblem[] => {
      const what = unstorableCharacter(line.cells[i] ?? '');
      return what ? [{ row: line.row, column: headers[field]!, code: LedgerProblemCode.INVALID, message: `The cell contains ${what}, which no text here may hold.` }] : [];
    });
    if (unstorable.length > 0) {
      problems.push(...blanks, ...unstorable);
      blanks = [];
      continue;
    }
    for (const [i, field] of fieldAt) {
      const original = line.cells[i] ?? '';
      const value = original.normalize('NFKC').trim();
      if (value === '') continue;
      cells[field] = value;
      const column = headers[field]!;
      if (line.merged[i]) {
        notices.push({ row: line.row, column, code: LedgerProblemCode.MERGED_CELL, message: `Merged cell: the household's value "${value}" is carried down to this row.` });
      }
      if (FULL_WIDTH.test(original)) {
        notices.push({ row: line.row, column, code: LedgerProblemCode.FULL_WIDTH, message: `Full-width characters read as half-width: "${original.trim()}" → "${value}".` });
      }
    }
    if (Object.keys(cells).length === 0) {
      blanks.push({ row: line.row, column: null, code: LedgerProblemCode.BLANK_LINE, message: 'Blank line skipped.' });
      continue;
    }
    const above = rows.at(-1);
    if (above) notices.push(...carryDown(line.row, cells, above, headers));
    // Blank lines count only between data rows; Excel keeps formatted empty rows at the end.
    problems.push(...blanks, ...notices);
    blanks = [];
    rows.push({ row: line.row, cells });
  }
  if (rows.length === 0 && problems.length === 0) {
    problems.push({ row: headerRow.row, column: null, code: LedgerProblemCode.EMPTY, message: 'The ledger has a header but no rows.' });
  }
  return { headers, rows, problems };
}
