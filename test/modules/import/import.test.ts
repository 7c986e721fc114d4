import { PGlite } from '@electric-sql/pglite';
import { and, asc, count, eq, gt, inArray, max } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inject } from 'vitest';
import { auditLog } from '../../../src/modules/audit/audit.tables';
import { grids, households, residents } from '../../../src/modules/grid/grid.tables';
import { idCardCheckChar } from '../../../src/modules/grid/identity';
import { ledgerImports } from '../../../src/modules/import/import.tables';
import { LEDGER_COLUMNS } from '../../../src/modules/import/ledger.template';
import { onServer, TEST_PERSONAL_DATA_KEY } from '../../helpers/database';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

const HEADERS = LEDGER_COLUMNS.map((c) => c.header);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
type Cells = Partial<Record<string, string>>;

let t: TestServer;
let u: DemoUnits;
let gridCode: string;
let base: Cells;
const tokens: Record<string, string> = {};
let serial = 0;

/** A fresh, valid ID card number (region 450102 never occurs in the demo city). */
function newIdCard(birth = '1975-04-0', female = false): string {
  serial += 1;
  const day = String((serial % 28) + 1).padStart(2, '0');
  const seq = String(100 + serial).padStart(3, '0').slice(0, 2) + (female ? '2' : '1');
  const first17 = `450102${birth.slice(0, 4)}${birth.slice(5, 7)}${day}${seq}`;
  return first17 + idCardCheckChar(first17);
}

async function xlsx(rows: Cells[], options: { title?: string; merge?: [number, number, string][] } = {}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet('台账');
  if (options.title) ws.addRow([options.title]);
  ws.addRow(HEADERS);
  for (const row of rows) ws.addRow(HEADERS.map((h) => row[h] ?? ''));
  for (const [top, bottom, header] of options.merge ?? []) {
    const col = HEADERS.indexOf(header) + 1;
    ws.mergeCells(top, col, bottom, col);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function csv(rows: Cells[], headers = HEADERS): string {
  return [headers.join(','), ...rows.map((r) => headers.map((h) => r[h] ?? '').join(','))].join('\r\n');
}

async function upload(body: Buffer | string, token: string | undefined, options: { type?: string; name?: string; dryRun?: boolean } = {}) {
  const url = new URL('/import/households', t.server.url);
  if (options.dryRun) url.searchParams.set('dryRun', 'true');
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': options.type ?? XLSX,
      ...(options.name ? { 'x-file-name': encodeURIComponent(options.name) } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, body: await response.json() as any, requestId: response.headers.get('x-request-id') };
}

async function counts() {
  const db = t.database.db;
  const [h] = await db.select({ n: count() }).from(households);
  const [r] = await db.select({ n: count() }).from(residents);
  return { households: h.n, residents: r.n };
}

function person(name: string, extra: Cells = {}): Cells {
  return { ...base, 姓名: name, 公民身份号码: newIdCard(), ...extra };
}

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  [{ code: gridCode }] = await t.database.db.select({ code: grids.code }).from(grids).where(eq(grids.id, u.building.gridId));
  base = { 社区: u.community.code, 网格编号: gridCode, 楼栋: u.building.name, '户籍类型(户籍/流动)': '户籍', '房屋面积(㎡)': '88.5' };
  tokens.street = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }, 'street-officer');
  tokens.otherStreet = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.otherStreet.id }, 'other-street-officer');
  tokens.secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'secretary');
  tokens.worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.micro.id });
  tokens.admin = await t.token(Role.CITY_ADMIN);
});

afterAll(async () => {
  await t?.close();
});

describe('templates', () => {
  test('both templates download without a token, with the Chinese headers', async () => {
    const x = await fetch(new URL('/import/template.xlsx', t.server.url));
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toContain(XLSX);
    expect(x.headers.get('content-disposition')).toContain(encodeURIComponent('户籍人口台账模板.xlsx'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await x.arrayBuffer());
    expect(workbook.worksheets[0].getRow(2).values).toEqual([undefined, ...HEADERS]);

    const c = await fetch(new URL('/import/template.csv', t.server.url));
    expect(c.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await c.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8').split('\r\n')[0]).toBe(HEADERS.join(','));
  });
  test('the template\'s example rows pass a dry run on the demo city, so a first try shows what a clean report looks like', async () => {
    for (const [path, type] of [['/import/template.csv', 'text/csv'], ['/import/template.xlsx', XLSX]] as const) {
      const file = Buffer.from(await (await fetch(new URL(path, t.server.url))).arrayBuffer());
      const { status, body } = await upload(file, tokens.admin, { type, name: path.slice(8), dryRun: true });
      expect(status).toBe(200);
      expect(body).toMatchObject({ outcome: 'DRY_RUN', rows: 2, problems: [] });
    }
  });
});

describe('uploading', () => {
  test('a clean ledger imports, and its households and residents appear in the API', async () => {
    const before = await counts();
    const rows = [
      person('赵一', { 单元: '7', '门牌号/房号': '101', 户主姓名: '赵一', 与户主关系: '本人', 联系电话: '13912345678', 人员标签: '党员' }),
      person('钱二', { 单元: '', '门牌号/房号': '', 户主姓名: '', 与户主关系: '配偶', '房屋面积(㎡)': '', '户籍类型(户籍/流动)': '流动' }),
      person('孙三', { 单元: '7', '门牌号/房号': '102', 户主姓名: '孙三', 与户主关系: '本人', 人员标签: '空巢老人、残疾人' }),
    ];
    // Household columns of the first household merged down its two rows, as street offices do.
    const file = await xlsx(rows, { title: '某社区户籍人口台账', merge: [[3, 4, '单元'], [3, 4, '门牌号/房号'], [3, 4, '户主姓名'], [3, 4, '房屋面积(㎡)']] });
    const { status, body } = await upload(file, tokens.street, { name: '七单元台账.xlsx' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ outcome: 'IMPORTED', rows: 3, householdsCreated: 2, residentsCreated: 3 });
    expect(body.problems.map((p: any) => [p.row, p.column, p.code])).toEqual([
      [4, '单元', 'MERGED_CELL'], [4, '门牌号/房号', 'MERGED_CELL'], [4, '户主姓名', 'MERGED_CELL'], [4, '房屋面积(㎡)', 'MERGED_CELL'],
    ]);
    expect(await counts()).toEqual({ households: before.households + 2, residents: before.residents + 3 });

    const r = await t.gql(`query($b: ID!) { households(filter: { within: $b }, first: 100) { nodes { room floorArea address
      residents(first: 10) { nodes { name householder registration tags gender birthDate } } } } }`, { b: u.ids.building }, tokens.street);
    expect(r.errors).toBeUndefined();
    const seven = r.data.households.nodes.filter((h: any) => h.room.startsWith('7单元'));
    expect(seven.map((h: any) => [h.room, h.floorArea, h.residents.nodes.map((p: any) => [p.name, p.householder, p.registration, p.tags])])).toEqual([
      ['7单元101', '88.50', [['赵一', true, 'REGISTERED', ['PARTY_MEMBER']], ['钱二', false, 'FLOATING', []]]],
      ['7单元102', '88.50', [['孙三', true, 'REGISTERED', ['ELDERLY_LIVING_ALONE', 'DISABLED']]]],
    ]);
    expect(seven[0].address).toContain(u.building.name);

    const list = await t.gql(`{ ledgerImports(first: 5) { totalCount nodes { id fileName outcome rows householdsCreated residentsCreated importerRole unitId problems { row column code } } } }`, {}, tokens.street);
    expect(list.data.ledgerImports.nodes[0]).toMatchObject({
      id: body.importId, fileName: '七单元台账.xlsx', outcome: 'IMPORTED', rows: 3, householdsCreated: 2, residentsCreated: 3,
      importerRole: 'STREET_OFFICER', unitId: u.ids.street,
    });
    const node = await t.gql(`query($id: ID!) { node(id: $id) { ... on LedgerImport { outcome } } }`, { id: body.importId }, tokens.admin);
    expect(node.data.node).toEqual({ outcome: 'IMPORTED' });
    // A street officer elsewhere does not see it; a grid worker may not list imports at all.
    const other = await t.gql(`query($id: ID!) { node(id: $id) { id } ledgerImports { nodes { id } } }`, { id: body.importId }, tokens.otherStreet);
    expect(other.data.node).toBeNull();
    expect(other.data.ledgerImports.nodes.map((n: any) => n.id)).not.toContain(body.importId);
    const worker = await t.gql('{ ledgerImports { totalCount } }', {}, tokens.worker);
    expect(worker.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // The same file again: every person is already registered, so nothing is written.
    const again = await upload(file, tokens.street, { name: '七单元台账.xlsx' });
    expect(again.status).toBe(422);
    expect(again.body.outcome).toBe('REFUSED');
    expect(again.body.problems.filter((p: any) => p.code === 'DUPLICATE_IN_DATABASE').map((p: any) => p.row)).toEqual([3, 4, 5]);
    expect(await counts()).toEqual({ households: before.households + 2, residents: before.residents + 3 });
  });

  test('a ledger full of real mistakes reports each by row and column, and writes nothing', async () => {
    const before = await counts();
    const good = newIdCard();
    const wrongCheck = (() => { const id = newIdCard(); return id.slice(0, 17) + (id[17] === '0' ? '1' : '0'); })();
    const wide = newIdCard();
    const woman = newIdCard('1975-04-0', true);
    const rows: Cells[] = [
      /* row 3 */ person('周一', { 单元: '8', '门牌号/房号': '101', 与户主关系: '本人', 公民身份号码: good }),
      /* row 4 */ person('吴二', { 单元: '', '门牌号/房号': '', '房屋面积(㎡)': '', 与户主关系: '子', 公民身份号码: wrongCheck }),
      /* row 5 */ {},
      /* row 6 */ person('郑三', { 单元: '8', '门牌号/房号': '102', 公民身份号码: wide.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))), 联系电话: '１３９１２３４５６７８' }),
      /* row 7 */ person('郑三', { 单元: '8', '门牌号/房号': '102', 公民身份号码: wide }),
      /* row 8 */ person('王四', { 楼栋: '99号楼', 单元: '8', '门牌号/房号': '103' }),
      /* row 9 */ person('冯五', { 单元: '8', '门牌号/房号': '104', 联系电话: '0543-1234567' }),
      /* row 10 */ person('陈六', { 单元: '8', '门牌号/房号': '105', 公民身份号码: woman, 性别: '男', 出生日期: '1975-05-01' }),
      /* row 11 */ person('褚七', { 单元: '8', '门牌号/房号': '106', 公民身份号码: u.resident.idCardNumber }),
    ];
    const file = await xlsx(rows, { title: '台账', merge: [[3, 4, '单元'], [3, 4, '门牌号/房号'], [3, 4, '房屋面积(㎡)']] });
    const { status, body } = await upload(file, tokens.secretary, { name: 'mistakes.xlsx' });
    expect(status).toBe(422);
    expect(body).toMatchObject({ outcome: 'REFUSED', rows: 8, householdsCreated: 0, residentsCreated: 0 });
    expect(body.problems.map((p: any) => [p.row, p.column, p.code])).toEqual([
      [4, '单元', 'MERGED_CELL'],
      [4, '门牌号/房号', 'MERGED_CELL'],
      [4, '房屋面积(㎡)', 'MERGED_CELL'],
      [4, '公民身份号码', 'ID_CARD_INVALID'],
      [5, null, 'BLANK_LINE'],
      [6, '公民身份号码', 'FULL_WIDTH'],
      [6, '联系电话', 'FULL_WIDTH'],
      [7, '公民身份号码', 'DUPLICATE_IN_FILE'],
      [8, '楼栋', 'UNKNOWN_BUILDING'],
      [9, '联系电话', 'PHONE_INVALID'],
      [10, '出生日期', 'BIRTH_DATE_MISMATCH'],
      [10, '性别', 'GENDER_MISMATCH'],
      [11, '公民身份号码', 'DUPLICATE_IN_DATABASE'],
    ]);
    expect(body.problems.find((p: any) => p.code === 'DUPLICATE_IN_FILE').message).toContain('row 6');
    expect(await counts()).toEqual(before);
    const [record] = await t.database.db.select().from(ledgerImports).where(eq(ledgerImports.id, Number(Buffer.from(body.importId, 'base64').toString().split(':')[1])));
    expect(record).toMatchObject({ outcome: 'REFUSED', importerRole: 'COMMUNITY_SECRETARY', unitId: u.ids.community });
    expect(record.problems).toHaveLength(13);
  });

  test('a missing column refuses the whole file once, on the header row', async () => {
    const without = HEADERS.filter((h) => h !== '公民身份号码');
    const { status, body } = await upload(csv([person('蒋八', { 单元: '8', '门牌号/房号': '201' })], without), tokens.street, { type: 'text/csv', name: 'no-id.csv' });
    expect(status).toBe(422);
    expect(body.problems).toEqual([{ row: 1, column: '公民身份号码', code: 'MISSING_COLUMN', message: expect.any(String) }]);
  });

  test('a dry run checks and writes nothing but its record', async () => {
    const before = await counts();
    const [{ n: recordsBefore }] = await t.database.db.select({ n: count() }).from(ledgerImports);
    const { status, body } = await upload(csv([person('沈九', { 单元: '8', '门牌号/房号': '301' })]), tokens.street, { type: 'text/csv', name: 'dry.csv', dryRun: true });
    expect(status).toBe(200);
    expect(body).toMatchObject({ outcome: 'DRY_RUN', rows: 1, householdsCreated: 0, residentsCreated: 0, problems: [] });
    expect(await counts()).toEqual(before);
    const [{ n: recordsAfter }] = await t.database.db.select({ n: count() }).from(ledgerImports);
    expect(recordsAfter).toBe(recordsBefore + 1);
  });

  test('all or nothing: one bad row among good ones writes none of them', async () => {
    const before = await counts();
    const good = [1, 2, 3].map((i) => person(`韩${i}`, { 单元: '8', '门牌号/房号': `40${i}` }));
    const names = good.map((g) => g['公民身份号码']!);
    const { status, body } = await upload(csv([...good, person('杨坏', { 单元: '8', '门牌号/房号': '404', 联系电话: '12345' })]), tokens.street, { type: 'text/csv', name: 'one-bad.csv' });
    expect(status).toBe(422);
    expect(body.problems.map((p: any) => [p.row, p.code])).toEqual([[5, 'PHONE_INVALID']]);
    expect(await counts()).toEqual(before);
    expect(await t.database.db.select().from(residents).where(inArray(residents.idCardHash, names.map((n) => TEST_PERSONAL_DATA_KEY.lookup(n))))).toEqual([]);
  });

  test('a GBK-encoded CSV, as Excel saves it, reads the same', async () => {
    const text = csv([person('朱十', { 单元: '8', '门牌号/房号': '501', 人员标签: '退役军人' })]);
    const { status, body } = await upload(iconv.encode(text, 'gbk'), tokens.street, { type: 'text/csv', name: 'gbk.csv', dryRun: true });
    expect(status).toBe(200);
    expect(body.problems).toEqual([]);
  });

  test('a cell holding a NUL byte is an INVALID error naming its row and column; the row is not read, nothing is written', async () => {
    const before = await counts();
    const rows = [person('许好', { 单元: '8', '门牌号/房号': '701' }), person('何\u0000坏', { 单元: '8', '门牌号/房号': '702' })];
    const { status, body } = await upload(csv(rows), tokens.street, { type: 'text/csv', name: 'nul.csv' });
    expect(status).toBe(422);
    expect(body).toMatchObject({ outcome: 'REFUSED', rows: 1, householdsCreated: 0, residentsCreated: 0 });
    expect(body.problems).toEqual([{ row: 3, column: '姓名', code: 'INVALID', message: expect.stringContaining('a NUL character') }]);
    expect(await counts()).toEqual(before);
  });

  test('a file name holding a NUL byte: 400 naming it, and no import record', async () => {
    const [{ n: recordsBefore }] = await t.database.db.select({ n: count() }).from(ledgerImports);
    const { status, body } = await upload(csv([person('吕名', { 单元: '8', '门牌号/房号': '703' })]), tokens.street, { type: 'text/csv', name: 'a\u0000.csv', dryRun: true });
    expect(status).toBe(400);
    expect(body.error).toMatch(/^The file name .* contains a NUL character/);
    const [{ n: recordsAfter }] = await t.database.db.select({ n: count() }).from(ledgerImports);
    expect(recordsAfter).toBe(recordsBefore);
  });

  test('rows outside the importer\'s unit are errors', async () => {
    const { status, body } = await upload(csv([person('秦外', { 单元: '8', '门牌号/房号': '601' })]), tokens.otherStreet, { type: 'text/csv', name: 'elsewhere.csv' });
    expect(status).toBe(422);
    expect(body.problems.map((p: any) => [p.row, p.column, p.code])).toEqual([[2, '楼栋', 'OUT_OF_SCOPE']]);
  });

  test('every upload is in the audit log as Import.households: OK imported or checked, REFUSED with the codes of its errors', async () => {
    const [{ since }] = await t.database.db.select({ since: max(auditLog.id) }).from(auditLog);
    const imported = await upload(csv([person('钟审', { 单元: '8', '门牌号/房号': '901' })]), tokens.street, { type: 'text/csv', name: 'audited.csv' });
    const checked = await upload(csv([person('钟查', { 单元: '8', '门牌号/房号': '902' })]), tokens.street, { type: 'text/csv', name: 'checked.csv', dryRun: true });
    const refused = await upload(csv([person('秦审', { 单元: '8', '门牌号/房号': '903' })]), tokens.otherStreet, { type: 'text/csv', name: 'elsewhere.csv' });
    expect([imported.status, checked.status, refused.status]).toEqual([200, 200, 422]);
    expect(imported.requestId).toMatch(/\S/);
    const rows = await t.database.db.select().from(auditLog)
      .where(and(eq(auditLog.operation, 'Import.households'), gt(auditLog.id, since ?? 0))).orderBy(asc(auditLog.id));
    expect(rows.map((r) => [r.outcome, r.codes, r.actorRole])).toEqual([
      ['OK', [], Role.STREET_OFFICER], ['OK', [], Role.STREET_OFFICER], ['REFUSED', ['OUT_OF_SCOPE'], Role.STREET_OFFICER],
    ]);
    expect(new Set(rows.map((r) => r.inputDigest)).size).toBe(3);
  });

  test('who may upload: no token 401, other roles 403, wrong format 415', async () => {
    const file = csv([person('许外', { 单元: '8', '门牌号/房号': '701' })]);
    expect((await upload(file, undefined, { type: 'text/csv' })).status).toBe(401);
    expect((await upload(file, 'not-a-token', { type: 'text/csv' })).status).toBe(401);
    for (const token of [tokens.worker, await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id })]) {
      expect((await upload(file, token, { type: 'text/csv' })).status).toBe(403);
    }
    expect((await upload(file, tokens.street, { type: 'application/pdf', name: 'ledger.pdf' })).status).toBe(415);
  });
});

describe('the command line', () => {
  const run = promisify(execFile);

  test('npm run import -- <file> imports, --dry-run only checks', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-import-cli-'));
    try {
      let env: NodeJS.ProcessEnv;
      if (onServer()) {
        env = { ...process.env, DATABASE_URL: t.database.url, DATABASE_LISTEN_URL: t.database.listenUrl ?? '' };
      } else {
        // The CLI opens its own embedded database: a copy of the seeded city in a data folder.
        const copy = await PGlite.create({ dataDir: path.join(dir, 'data'), loadDataDir: new Blob([fs.readFileSync(inject('pgliteDump'))]) });
        await copy.close();
        env = { ...process.env, DATABASE_URL: '', DATA_DIR: path.join(dir, 'data') };
      }
      const file = path.join(dir, 'ledger.csv');
      const idCard = newIdCard();
      fs.writeFileSync(file, `\uFEFF${csv([person('尤命令', { 单元: '8', '门牌号/房号': '801', 公民身份号码: idCard })])}`);
      const cli = (...args: string[]) => run('npx', ['tsx', 'scripts/import.ts', file, ...args], { env, cwd: process.cwd() });
      const dry = await cli('--dry-run', '--street', u.street.code);
      expect(dry.stdout).toMatch(/^DRY_RUN: 1 rows, 0 errors, 0 notices; 0 households and 0 residents created/m);
      const real = await cli('--community', u.community.code);
      expect(real.stdout).toMatch(/^IMPORTED: 1 rows, 0 errors, 0 notices; 1 households and 1 residents created/m);
      const refused = await cli().catch((error: { code: number; stdout: string }) => error);
      expect(refused).toMatchObject({ code: 1, stdout: expect.stringContaining('DUPLICATE_IN_DATABASE') });
      if (onServer()) {
        expect(await t.database.db.select({ name: residents.name }).from(residents).where(eq(residents.idCardHash, TEST_PERSONAL_DATA_KEY.lookup(idCard)))).toEqual([{ name: '尤命令' }]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

