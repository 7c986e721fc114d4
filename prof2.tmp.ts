import { openDatabase, migrateDatabase } from './src/db/client';
import { seedGrid } from './src/modules/grid/grid.seed';
import { getTableName, getTableColumns, sql } from 'drizzle-orm';
const scale = Number(process.argv[2] ?? 1);
const database = await openDatabase({});
await migrateDatabase(database);
const acc: Record<string, number> = {};
const t = performance.now();
await database.db.transaction(async (tx) => {
  const proxy: any = {
    insert: (table: any) => ({ values: async (rows: any[]) => {
      const s = performance.now();
      const cols = getTableColumns(table) as Record<string, any>;
      const mapped = rows.map((r) => { const o: any = {}; for (const [k, c] of Object.entries(cols)) if (r[k] !== undefined) o[c.name] = c.mapToDriverValue && r[k] !== null ? (k === 'tags' ? r[k] : c.mapToDriverValue(r[k])) : r[k]; return o; });
      await tx.execute(sql`insert into ${table} select * from json_populate_recordset(null::${table}, ${JSON.stringify(mapped)}::json)`);
      const n = getTableName(table); acc[n] = (acc[n] ?? 0) + performance.now() - s; } }),
    execute: (q: any) => tx.execute(q),
  };
  await seedGrid(proxy, { scale });
});
console.log('total', ((performance.now() - t) / 1000).toFixed(2));
console.log(Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, (v / 1000).toFixed(2)])));
await database.close();
