/**
 * Writes a valid ledger of N residents over the buildings of a database, for measuring
 * imports: `tsx scripts/generate-ledger.ts <out.csv> [--rows N] [--region 460105]`.
 * Households go into fresh rooms (单元 9) of existing buildings; ID numbers use a region code
 * the demo city never gives, so they are new.
 */
import { sql } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { openDatabase, rowsOf, type Queryable } from '../src/db/client';
import { idCardCheckChar } from '../src/modules/grid/identity';
import { csvCell, LEDGER_COLUMNS, type LedgerField } from '../src/modules/import/ledger.template';

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['建国', '秀英', '志强', '丽娟', '海涛', '桂兰', '文博', '欣怡', '子涵', '浩然'];
const RELATIONS = ['本人', '配偶', '子', '女'];
const DAY = 86_400_000;

/** CSV text (UTF-8 with BOM) of `rows` residents in households of up to four, over the buildings in `db`. */
export async function generateLedger(db: Queryable, rows: number, region = '460105'): Promise<string> {
  const buildings = await rowsOf<{ gridCode: string; communityCode: string; name: string }>(db, sql`
    select g.code as "gridCode", c.code as "communityCode", b.name
    from buildings b join grids g on g.id = b.grid_id join communities c on c.id = b.community_id order by b.id`);
  const lines = [LEDGER_COLUMNS.map((c) => c.header).join(',')];
  const base = Date.UTC(1940, 0, 1);
  let household = -1;
  let member = 0;
  for (let i = 0; i < rows; i += 1) {
    if (member === 0) household += 1;
    const b = buildings[household % buildings.length];
    const round = Math.floor(household / buildings.length);
    const birth = new Date(base + (i % 25_000) * DAY).toISOString().slice(0, 10);
    const first17 = `${region}${birth.replaceAll('-', '')}${String(100 + Math.floor(i / 25_000)).padStart(3, '0')}`;
    const idCard = first17 + idCardCheckChar(first17);
    const householder = member === 0;
    const name = SURNAMES[household % SURNAMES.length] + GIVEN[i % GIVEN.length];
    const cells: Record<LedgerField, string> = {
      serial: String(i + 1), community: b.communityCode, gridCode: b.gridCode, building: b.name, unit: '9', room: String(101 + round),
      householderName: householder ? name : '', relation: RELATIONS[member], name, gender: Number(first17[16]) % 2 === 1 ? '男' : '女',
      idCard, birthDate: birth, phone: i % 5 === 0 ? '' : `139${String(i).padStart(8, '0')}`, registration: i % 7 === 0 ? '流动' : '户籍',
      tags: i % 13 === 0 ? '党员' : '', floorArea: (60 + (household % 90)).toFixed(2),
    };
    lines.push(LEDGER_COLUMNS.map((c) => csvCell(cells[c.key])).join(','));
    member = (member + 1) % (1 + (household % 4));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, region: { type: 'string', default: '460105' } }, allowPositionals: true });
  if (positionals.length !== 1) {
    console.error('usage: tsx scripts/generate-ledger.ts <out.csv> [--rows N] [--region 460105]');
    return 2;
  }
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, listenUrl: config.databaseListenUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  try {
    const text = await generateLedger(database.db, Number(values.rows), values.region);
    fs.writeFileSync(path.resolve(positionals[0]), text);
    console.log(`Wrote ${values.rows} rows to ${positionals[0]}.`);
    return 0;
  } finally {
    await database.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => { process.exitCode = code; }, (error: unknown) => { console.error(error); process.exitCode = 1; });
}
