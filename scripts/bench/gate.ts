import 'reflect-metadata';
/**
 * What the security layer costs per request (issue 7): one API process as `npm start` runs it
 * on a throwaway PostgreSQL 15 with the demo city, measured with rate limiting off and on.
 * Every request passes the gate (limits, access table, rate limit) and resolves its viewer
 * (a JWT, or an API key looked up by hash); every mutation also writes its audit row.
 *
 *   npm run bench:gate -- [--seconds 10] [--clients 10]
 */
import { sql } from 'drizzle-orm';
import { demoTokens } from '../../src/auth/demo-tokens';
import { Role } from '../../src/auth/roles';
import { DEMO_JWT_SECRET, loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { seedDemoCity } from '../../src/seed/demo-city';
import { gql, log, machineJiffies, now, percentile, spawnApi, stopApi } from './harness';
import { startPostgres } from './postgres';

interface Scenario {
  name: string;
  credential: string | null;
  query: string;
  variables?: Record<string, unknown>;
}

interface Result {
  variant: string;
  scenario: string;
  requests: number;
  failures: number;
  perSecond: number;
  p50: number;
  p99: number;
  machineBusy: number | null;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** `clients` loops sending the scenario's request back to back for `seconds`. */
async function measure(url: string, scenario: Scenario, seconds: number, clients: number): Promise<Omit<Result, 'variant' | 'scenario'>> {
  const latencies: number[] = [];
  let failures = 0;
  const before = machineJiffies();
  const started = now();
  const until = started + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (now() < until) {
      const sent = now();
      try {
        await gql(url, scenario.credential, scenario.query, scenario.variables);
        latencies.push(now() - sent);
      } catch {
        failures += 1;
      }
    }
  }));
  const elapsed = (now() - started) / 1000;
  const after = machineJiffies();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    failures,
    perSecond: latencies.length / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    machineBusy: before && after ? (after.busy - before.busy) / (after.total - before.total) : null,
  };
}

async function main(): Promise<void> {
  const seconds = option('seconds', 10);
  const clients = option('clients', 10);
  const pg = await startPostgres();
  const results: Result[] = [];
  try {
    const admin = await openDatabase({ url: pg.url, poolSize: 1 });
    await admin.db.execute(sql.raw('create database bench'));
    await admin.close();
    const database = await openDatabase({ url: pg.urlOf('bench'), poolSize: 2 });
    await migrateDatabase(database, loadConfig().personalDataKey);
    log('seeding the demo city (scale 1)');
    await seedDemoCity(database.db, { scale: 1, personalDataKey: loadConfig().personalDataKey });
    await database.db.execute(sql`analyze`);
    const credentials = new Map((await demoTokens(database.db, DEMO_JWT_SECRET)).map(({ claims, token }) => [claims.role, token]));
    const [street] = (await database.db.execute(sql`select id, name from streets order by id limit 1`)) as unknown as { id: number; name: string }[];
    await database.close();
    const streetId = Buffer.from(`Street:${street.id}`).toString('base64');

    const scenarios: Scenario[] = [
      { name: 'anonymous: a page of streets', credential: null, query: '{ streets(first: 20) { nodes { id name } } }' },
      { name: 'grid worker (JWT): a page of households', credential: credentials.get(Role.GRID_WORKER)!, query: '{ households(first: 20) { nodes { id room } } }' },
      { name: 'integrator (API key): a page of incidents', credential: credentials.get(Role.INTEGRATOR)!, query: '{ incidents(first: 20) { nodes { id status } } }' },
      {
        name: 'city administrator: a mutation (audit row)',
        credential: credentials.get(Role.CITY_ADMIN)!,
        query: 'mutation($id: ID!, $name: String!) { streetUpdate(id: $id, input: { name: $name }) { street { id } userErrors { code } } }',
        variables: { id: streetId, name: street.name },
      },
    ];
    const variants: { name: string; env: Record<string, string> }[] = [
      { name: 'rate limit off', env: { RATE_LIMIT_POINTS_PER_HOUR: '0' } },
      // A budget no run can spend: every request is charged (one upsert) but none refused.
      { name: 'rate limit on', env: { RATE_LIMIT_POINTS_PER_HOUR: '1000000000' } },
    ];
    for (const variant of variants) {
      Object.assign(process.env, variant.env);
      const api = await spawnApi(pg.urlOf('bench'));
      try {
        for (const scenario of scenarios) {
          log(`${variant.name}: ${scenario.name}`);
          await measure(api.url, scenario, 2, clients);
          results.push({ variant: variant.name, scenario: scenario.name, ...(await measure(api.url, scenario, seconds, clients)) });
        }
      } finally {
        await stopApi(api);
      }
    }
  } finally {
    await pg.stop();
  }
  const lines = [
    `| scenario | rate limit | requests/s | p50 ms | p99 ms | failures | machine busy |`,
    `|---|---|---|---|---|---|---|`,
    ...results.map((r) => `| ${r.scenario} | ${r.variant.replace('rate limit ', '')} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.failures} | ${r.machineBusy === null ? '–' : `${(r.machineBusy * 100).toFixed(0)} %`} |`),
  ];
  process.stdout.write(`${clients} clients, ${seconds} s each, one API process, PostgreSQL 15, demo city scale 1\n\n${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
