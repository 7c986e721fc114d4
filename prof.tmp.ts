import { openDatabase, migrateDatabase } from './src/db/client';
import { seedGrid } from './src/modules/grid/grid.seed';
import { getTableName } from 'drizzle-orm';
const scale = Number(process.argv[2] ?? 1);
const noop = process.argv[3] === 'noop';
const database = await openDatabase({});
await migrateDatabase(database);
const acc: Record<string, number> = {};
const db = database.db;
const proxy: any = {
  insert: (t: any) => ({ values: async (rows: any) => { const s = performance.now(); if (!noop) await db.insert(t).values(rows); const n = getTableName(t); acc[n] = (acc[n] ?? 0) + performance.now() - s; } }),
  execute: (q: any) => noop ? Promise.resolve() : db.execute(q),
};
const t = performance.now();
await db.transaction(async (tx) => { proxy.insert = (t: any) => ({ values: async (rows: any) => { const s = performance.now(); if (!noop) await tx.insert(t).values(rows); const n = getTableName(t); acc[n] = (acc[n] ?? 0) + performance.now() - s; } }); proxy.execute = (q: any) => noop ? Promise.resolve() : tx.execute(q); await seedGrid(proxy, { scale }); });
console.log('total', ((performance.now() - t) / 1000).toFixed(2));
console.log(Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, (v / 1000).toFixed(2)])));
await database.close();
