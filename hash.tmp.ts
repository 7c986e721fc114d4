import { openDatabase, migrateDatabase } from './src/db/client';
import { seedDemoCity } from './src/seed/demo-city';
import { sql } from 'drizzle-orm';
const database = await openDatabase({});
await migrateDatabase(database);
await seedDemoCity(database.db, { scale: 1 });
const r: any = await database.db.execute(sql`select current_setting('TimeZone') tz, md5(string_agg(t::text, E'\n' order by t.id)) from residents t`);
console.log(r.rows);
await database.close();
