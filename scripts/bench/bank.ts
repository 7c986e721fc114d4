/**
 * Benchmark of the love bank (爱心银行) over HTTP: `npm run bench:bank -- [--clients 1,10,50]
 * [--scale 10] [--redemptions 200] [--accounts 200] [--spread-clients 50] [--per-account 5]
 * [--activities 20] [--signups 30] [--organisers 5] [--reads 200] [--timeout 600]`.
 *
 * A throwaway PostgreSQL server with the demo city at scale 1 and one API process (as
 * `npm start` runs it, its pool of 10 connections) on it. First the read paths on the seeded
 * city (ledgerVerify, volunteerLeaderboard over a year, a volunteer's history page); then, in
 * a community made for the run through the API, the writes:
 *
 * - redemptions against ONE hot account: per --clients C, a fresh volunteer with points for K
 *   redemptions and C clients each firing redemptionCreate (distinct idempotency keys) until
 *   refused INSUFFICIENT_BALANCE; exactly K must succeed and the balance end at its rest;
 * - redemptions spread over MANY accounts, at 20 items of 5 merchants and at one item;
 * - attendanceConfirm of activities with S sign-ups each, by several organisers at once.
 *
 * Then, with --scale N (0: skip), the demo city at scale N in a second database and the read
 * paths there. Every request is real HTTP from this process; latencies are performance.now()
 * around each fetch. Exits non-zero when a correctness check fails.
 */
import 'reflect-metadata';
import { sql } from 'drizzle-orm';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Role } from '../../src/auth/roles';
import { issueToken, type Unit } from '../../src/auth/viewer';
import { chinaDate } from '../../src/calendar';
import { DEMO_JWT_SECRET, loadConfig } from '../../src/config';
import { openDatabase, rowsOf, type Database } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { fromGlobalId, toGlobalId } from '../../src/graphql/ids';
import { communities, streets } from '../../src/modules/grid/grid.tables';
import { activities, activitySignups, bankAccounts, ledgerEntries, ledgerMovements, redemptions } from '../../src/modules/volunteer/volunteer.tables';
import { seedDemoCity } from '../../src/seed/demo-city';
import { gql, log, machineJiffies, now, percentile, sleep, spawnApi, stopApi } from './harness';
import { startPostgres, type PostgresServer } from './postgres';

const USAGE = 'usage: npm run bench:bank -- [--clients 1,10,50] [--scale 10] [--redemptions 200] [--accounts 200] [--spread-clients 50] '
  + '[--per-account 5] [--activities 20] [--signups 30] [--organisers 5] [--reads 200] [--timeout 600]';
const HOUR_MS = 3_600_000;
/** The seeded year of service: the demo city's history ends on 2026-11-01 (China). */
const SEEDED_YEAR = { from: '2025-11-01', to: '2026-10-31' } as const;
/** Items cost one point, so that a balance of E points covers exactly E redemptions. */
const PRICE = 1;

interface Options {
  clients: number[];
  scale: number;
  redemptions: number;
  accounts: number;
  spreadClients: number;
  perAccount: number;
  activities: number;
  signups: number;
  organisers: number;
  reads: number;
  timeoutMs: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '1,10,50' },
      scale: { type: 'string', default: '10' },
      redemptions: { type: 'string', default: '200' },
      accounts: { type: 'string', default: '200' },
      'spread-clients': { type: 'string', default: '50' },
      'per-account': { type: 'string', default: '5' },
      activities: { type: 'string', default: '20' },
      signups: { type: 'string', default: '30' },
      organisers: { type: 'string', default: '5' },
      reads: { type: 'string', default: '200' },
      timeout: { type: 'string', default: '600' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const integer = (name: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${raw}"\n${USAGE}`);
    return n;
  };
  const options = {
    clients: values.clients!.split(',').map((c) => integer('clients', c.trim(), 1, 1000)),
    scale: integer('scale', values.scale!, 0, 60),
    redemptions: integer('redemptions', values.redemptions!, 1, 100_000),
    accounts: integer('accounts', values.accounts!, 1, 1000),
    spreadClients: integer('spread-clients', values['spread-clients']!, 1, 1000),
    perAccount: integer('per-account', values['per-account']!, 1, 1000),
    activities: integer('activities', values.activities!, 1, 10_000),
    signups: integer('signups', values.signups!, 1, 1000),
    organisers: integer('organisers', values.organisers!, 1, 1000),
    reads: integer('reads', values.reads!, 1, 100_000),
    timeoutMs: integer('timeout', values.timeout!, 1) * 1000,
  };
  if (options.signups > options.accounts) throw new Error(`--signups (${options.signups}) must not exceed --accounts (${options.accounts}): the same volunteers sign up.\n${USAGE}`);
  return options;
}

// HTTP ---------------------------------------------------------------------------------------

interface UserErrors {
  userErrors: { field: string[] | null; code: string; message: string }[];
}

/** A mutation's payload, which must carry no user errors (for setting up). */
async function done<P extends UserErrors>(url: string, token: string, field: string, query: string, variables: Record<string, unknown>): Promise<P> {
  const payload = (await gql<Record<string, P>>(url, token, query, variables))[field];
  if (payload.userErrors.length) throw new Error(`${field}: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

/** Runs `work` for 0..n-1 with at most `concurrency` at once; answers the results in order. */
async function pool<T>(n: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    for (let i = next++; i < n; i = next++) results[i] = await work(i);
  }));
  return results;
}

const keyOf = (id: string, typename: string) => {
  const decoded = fromGlobalId(id, typename);
  if (!decoded) throw new Error(`not a ${typename} ID: ${id}`);
  return decoded.key;
};

const token = (role: Role, sub: string, unit?: Unit) => issueToken({ sub, role, unit }, DEMO_JWT_SECRET);

// Measuring ----------------------------------------------------------------------------------

interface Stats {
  p50: number;
  p99: number;
  max: number;
}

function stats(samples: number[]): Stats | null {
  if (samples.length === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

interface LockSamples {
  samples: number;
  /** Mean number of the API's transactions waiting for a row lock. */
  waiting: number;
  maxWaiting: number;
}

/** Samples pg_stat_activity every 50 ms until `stop` resolves: how many backends wait on a lock. */
async function sampleLocks(database: Database, stop: Promise<unknown>): Promise<LockSamples> {
  let stopped = false;
  void stop.finally(() => { stopped = true; });
  const result = { samples: 0, waiting: 0, maxWaiting: 0 };
  while (!stopped) {
    try {
      const [row] = await rowsOf<{ waiting: number }>(database.db, sql`
        select count(*) filter (where wait_event_type = 'Lock')::int as waiting
        from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
      result.samples += 1;
      result.waiting += row.waiting;
      result.maxWaiting = Math.max(result.maxWaiting, row.waiting);
    } catch {
      // a sample lost is no matter
    }
    await sleep(50);
  }
  if (result.samples) result.waiting /= result.samples;
  return result;
}

/**
 * SQL statements run so far in this database (BEGIN and COMMIT included), from
 * pg_stat_statements; the bench's own looks at pg_stat_* are left out. Null without the extension.
 */
async function statementsSoFar(database: Database): Promise<number | null> {
  try {
    const [row] = await rowsOf<{ n: string }>(database.db, sql`
      select coalesce(sum(calls), 0)::bigint::text as n from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database()) and query not like '%pg_stat_%'`);
    return Number(row.n);
  } catch {
    return null;
  }
}

interface Observation {
  locks: LockSamples;
  cpuBusy: number | null;
  /** SQL statements the API ran meanwhile; null without pg_stat_statements. */
  statements: number | null;
}

/** Runs `work` while sampling lock waits, the machine's CPU and the statements run; answers them with its result. */
async function observed<T>(database: Database, work: () => Promise<T>): Promise<{ result: T } & Observation> {
  const statementsBefore = await statementsSoFar(database);
  const before = machineJiffies();
  const running = work();
  const locks = sampleLocks(database, running);
  const result = await running;
  const after = machineJiffies();
  const statementsAfter = await statementsSoFar(database);
  const cpuBusy = before && after && after.total > before.total ? (after.busy - before.busy) / (after.total - before.total) : null;
  const statements = statementsBefore === null || statementsAfter === null ? null : statementsAfter - statementsBefore;
  return { result, locks: await locks, cpuBusy, statements };
}

// The world of the run -----------------------------------------------------------------------

const ERRORS = 'userErrors { field code message }';
const REDEEM = `mutation($input: RedemptionCreateInput!, $key: String) { redemptionCreate(input: $input, idempotencyKey: $key) { redemption { id } ${ERRORS} } }`;
const CONFIRM = `mutation($a: ID!, $list: [AttendeeInput!]!) { attendanceConfirm(activityId: $a, attendees: $list) { activity { id } ${ERRORS} } }`;

interface Person {
  id: string;
  key: number;
  token: string;
}

/** A community made for the run, its staff, a team, and partner merchants with one-point items. */
async function benchWorld(url: string, database: Database) {
  const [street] = await rowsOf<{ id: number }>(database.db, sql`select id from ${streets} order by id limit 1`);
  const officer = await token(Role.STREET_OFFICER, 'bench-officer', { type: 'Street', key: street.id });
  const made = await done<UserErrors & { community: { id: string } }>(url, officer, 'communityCreate',
    `mutation($street: ID!, $name: String!) { communityCreate(input: { streetId: $street, name: $name }) { community { id } ${ERRORS} } }`,
    { street: toGlobalId('Street', street.id), name: '爱心银行压测社区' });
  const community = made.community.id;
  const secretary = await token(Role.COMMUNITY_SECRETARY, 'bench-secretary', { type: 'Community', key: keyOf(community, 'Community') });
  const team = (await done<UserErrors & { team: { id: string } }>(url, secretary, 'volunteerTeamCreate',
    `mutation($input: VolunteerTeamCreateInput!) { volunteerTeamCreate(input: $input) { team { id } ${ERRORS} } }`,
    { input: { communityId: community, name: '压测服务队' } })).team.id;

  const items: string[] = [];
  for (let m = 0; m < 5; m += 1) {
    const merchant = (await done<UserErrors & { merchant: { id: string } }>(url, officer, 'merchantCreate',
      `mutation($input: MerchantCreateInput!) { merchantCreate(input: $input) { merchant { id } ${ERRORS} } }`,
      { input: { communityId: community, name: `压测联盟超市${m + 1}`, address: '黄河二路88号', phone: '0543-3168888' } })).merchant.id;
    const merchantToken = await token(Role.MERCHANT, `bench-merchant-${m}`, { type: 'Merchant', key: keyOf(merchant, 'Merchant') });
    for (const name of ['毛巾', '牙膏', '香皂', '挂面']) {
      items.push((await done<UserErrors & { item: { id: string } }>(url, merchantToken, 'merchantItemCreate',
        `mutation($input: MerchantItemCreateInput!) { merchantItemCreate(input: $input) { item { id } ${ERRORS} } }`,
        { input: { name, pricePoints: PRICE } })).item.id);
    }
  }

  const rates = (await gql<{ pointRates: { nodes: { pointsPerHour: number; effectiveFrom: string }[] } }>(url, null,
    '{ pointRates(first: 100) { nodes { pointsPerHour effectiveFrom } } }')).pointRates.nodes;
  const rateOn = (day: string) => {
    const rate = rates.find((r) => r.effectiveFrom <= day);
    if (!rate) throw new Error(`no point rate in force on ${day}`);
    return rate.pointsPerHour;
  };

  let volunteers = 0;
  async function volunteer(): Promise<Person> {
    volunteers += 1;
    const r = await done<UserErrors & { volunteer: { id: string } }>(url, secretary, 'volunteerRegister',
      `mutation($input: VolunteerRegisterInput!) { volunteerRegister(input: $input) { volunteer { id } ${ERRORS} } }`,
      { input: { communityId: community, name: `压测志愿者${volunteers}` } });
    const key = keyOf(r.volunteer.id, 'Volunteer');
    return { id: r.volunteer.id, key, token: await token(Role.VOLUNTEER, `bench-volunteer-${key}`, { type: 'Volunteer', key }) };
  }

  async function activity(title: string, startsAt: Date, hours: number, capacity: number): Promise<string> {
    return (await done<UserErrors & { activity: { id: string } }>(url, secretary, 'volunteerActivityCreate',
      `mutation($input: VolunteerActivityCreateInput!) { volunteerActivityCreate(input: $input) { activity { id } ${ERRORS} } }`,
      { input: { teamId: team, title, place: '社区广场', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + hours * HOUR_MS).toISOString(), capacity } })).activity.id;
  }

  /**
   * Gives each volunteer at least `points` points: service held yesterday (24 h activities),
   * confirmed by the secretary with the hours that earn them at that day's rate.
   */
  async function earn(people: Person[], points: number): Promise<void> {
    const startsAt = new Date(Date.now() - 30 * HOUR_MS);
    const rate = rateOn(chinaDate(startsAt));
    let hundredths = Math.ceil((points * 100) / rate);
    while (hundredths > 0) {
      const served = Math.min(hundredths, 2400);
      hundredths -= served;
      const id = await activity('积分准备', startsAt, 24, Math.max(people.length, 1));
      await done(url, secretary, 'attendanceConfirm', CONFIRM, {
        a: id, list: people.map((p) => ({ volunteerId: p.id, hours: (served / 100).toFixed(2) })),
      });
    }
  }

  const pointsOf = async (person: Person) =>
    (await gql<{ viewer: { volunteer: { points: number } } }>(url, person.token, '{ viewer { volunteer { points } } }')).viewer.volunteer.points;

  return { community, secretary, items, volunteer, activity, earn, pointsOf };
}

type World = Awaited<ReturnType<typeof benchWorld>>;

/** A volunteer's points summed straight from the ledger, bypassing the API. */
async function ledgerPoints(database: Database, volunteerKey: number): Promise<number> {
  const [row] = await rowsOf<{ points: string }>(database.db, sql`
    select coalesce(sum(e.amount), 0)::bigint::text as points
    from ${ledgerEntries} e join ${bankAccounts} a on a.id = e.account_id
    where a.volunteer_id = ${volunteerKey} and e.asset = 'POINTS'`);
  return Number(row.points);
}

/** Accounts of volunteers and merchants whose points or hours sum below zero: there must be none. */
async function negativeBalances(database: Database): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(database.db, sql`
    select count(*)::int as n from (
      select e.account_id, e.asset from ${ledgerEntries} e join ${bankAccounts} a on a.id = e.account_id
      where a.kind in ('VOLUNTEER', 'MERCHANT') group by e.account_id, e.asset having sum(e.amount) < 0) negative`);
  return row.n;
}

// Writes -------------------------------------------------------------------------------------

interface WriteResult {
  name: string;
  clients: number;
  requests: number;
  succeeded: number;
  refused: number;
  seconds: number;
  /** What is counted per second: redemptions, or confirmations and the movements they wrote. */
  perSecond: { label: string; value: number }[];
  latency: Stats | null;
  check: { ok: boolean; line: string };
  observation: Observation;
  errors: string[];
}

interface Shot {
  ms: number;
  outcome: 'ok' | 'insufficient' | 'error';
  error?: string;
}

async function redeemOnce(url: string, person: Person, itemId: string, key: string): Promise<Shot> {
  const started = now();
  try {
    const payload = (await gql<{ redemptionCreate: UserErrors & { redemption: { id: string } | null } }>(url, person.token, REDEEM,
      { input: { itemId, quantity: 1 }, key })).redemptionCreate;
    const ms = now() - started;
    if (payload.userErrors.length === 0 && payload.redemption) return { ms, outcome: 'ok' };
    if (payload.userErrors.length === 1 && payload.userErrors[0].code === 'INSUFFICIENT_BALANCE') return { ms, outcome: 'insufficient' };
    return { ms, outcome: 'error', error: JSON.stringify(payload.userErrors) };
  } catch (error) {
    return { ms: now() - started, outcome: 'error', error: (error as Error).message };
  }
}

/** A run stops firing after this many errors: something is broken, and the check says so. */
const MAX_ERRORS = 20;

/**
 * C clients against one volunteer with points for exactly K one-point redemptions, each
 * firing until refused INSUFFICIENT_BALANCE, at four items of two merchants in turn so that
 * the requests line up on the account's lock, not on an item's.
 */
async function hotAccount(url: string, database: Database, world: World, clients: number, target: number): Promise<WriteResult> {
  const person = await world.volunteer();
  await world.earn([person], target * PRICE);
  const start = await world.pointsOf(person);
  const expected = Math.floor(start / PRICE);
  const items = world.items.slice(0, 4);
  const shots: Shot[] = [];
  let sent = 0;
  let errors = 0;
  const { result: elapsed, ...observation } = await observed(database, async () => {
    const began = now();
    await Promise.all(Array.from({ length: clients }, async (_, c) => {
      for (;;) {
        const n = sent++;
        const shot = await redeemOnce(url, person, items[n % items.length], `hot-${person.key}-${c}-${n}`);
        shots.push(shot);
        if (shot.outcome === 'insufficient') return;
        if (shot.outcome === 'error' && ++errors >= MAX_ERRORS) return;
      }
    }));
    return (now() - began) / 1000;
  });
  const succeeded = shots.filter((s) => s.outcome === 'ok').length;
  const refused = shots.filter((s) => s.outcome === 'insufficient').length;
  const balance = await ledgerPoints(database, person.key);
  const apiBalance = await world.pointsOf(person);
  const [{ n: rows }] = await rowsOf<{ n: number }>(database.db, sql`select count(*)::int as n from ${redemptions} where volunteer_id = ${person.key}`);
  const rest = start - expected * PRICE;
  const ok = succeeded === expected && rows === expected && refused === clients && errors === 0 && balance === rest && apiBalance === rest && balance >= 0;
  return {
    name: `hot account, K = ${expected}`,
    clients,
    requests: shots.length,
    succeeded,
    refused,
    seconds: elapsed,
    perSecond: [{ label: 'redemptions/s', value: succeeded / elapsed }],
    latency: stats(shots.filter((s) => s.outcome === 'ok').map((s) => s.ms)),
    check: {
      ok,
      line: `${succeeded} of ${expected} expected succeeded (${rows} redemption rows), ${refused} refused INSUFFICIENT_BALANCE (one per client), `
        + `balance ${start} → ${balance} in the ledger, ${apiBalance} through the API (expected ${rest}, never below 0)`,
    },
    observation,
    errors: shots.filter((s) => s.error).map((s) => s.error!),
  };
}

/** Volunteers enough for the spread runs and the sign-ups, with points for both spread runs. */
async function spreadVolunteers(world: World, options: Options): Promise<Person[]> {
  const people = await pool(options.accounts, 10, () => world.volunteer());
  await world.earn(people, 2 * options.perAccount * PRICE);
  return people;
}

/**
 * R redemptions per volunteer over many volunteers, by C clients pulling from one queue in
 * which a volunteer comes again only after all the others: concurrent requests rarely share
 * an account. `items` decides whether they share item rows.
 */
async function spreadAccounts(url: string, database: Database, people: Person[], items: string[], clients: number, perAccount: number, name: string): Promise<WriteResult> {
  const before = await Promise.all(people.map((p) => ledgerPoints(database, p.key)));
  const total = people.length * perAccount;
  const shots: Shot[] = [];
  let errors = 0;
  const { result: elapsed, ...observation } = await observed(database, async () => {
    const began = now();
    await pool(total, clients, async (n) => {
      if (errors >= MAX_ERRORS) return;
      const person = people[n % people.length];
      const shot = await redeemOnce(url, person, items[(n % people.length) % items.length], `spread-${items.length}-${person.key}-${n}`);
      shots.push(shot);
      if (shot.outcome !== 'ok') errors += 1;
    });
    return (now() - began) / 1000;
  });
  const succeeded = shots.filter((s) => s.outcome === 'ok').length;
  const after = await Promise.all(people.map((p) => ledgerPoints(database, p.key)));
  const wrong = people.filter((_, i) => after[i] !== before[i] - perAccount * PRICE).length;
  const negative = await negativeBalances(database);
  return {
    name,
    clients,
    requests: shots.length,
    succeeded,
    refused: shots.filter((s) => s.outcome === 'insufficient').length,
    seconds: elapsed,
    perSecond: [{ label: 'redemptions/s', value: succeeded / elapsed }],
    latency: stats(shots.filter((s) => s.outcome === 'ok').map((s) => s.ms)),
    check: {
      ok: succeeded === total && wrong === 0 && negative === 0,
      line: `${succeeded} of ${total} succeeded; ${wrong} of ${people.length} balances not lowered by exactly ${perAccount * PRICE}; ${negative} accounts below zero in the whole ledger`,
    },
    observation,
    errors: shots.filter((s) => s.error).map((s) => s.error!),
  };
}

/**
 * A activities with S sign-ups each (made through the API before they start, then moved into
 * the past: time passes), confirmed by O organisers at once, each attendee by sign-up.
 */
async function attendance(url: string, database: Database, world: World, people: Person[], options: Options): Promise<WriteResult> {
  const { activities: A, signups: S, organisers: O } = options;
  const startsAt = new Date(Date.now() + 2 * HOUR_MS);
  const ids = await pool(A, 10, (a) => world.activity(`压测活动${a + 1}`, startsAt, 2, S));
  const signups = await pool(A * S, 10, async (n) => {
    const a = Math.floor(n / S);
    const person = people[(a * S + (n % S)) % people.length];
    const payload = await done<UserErrors & { signup: { id: string } }>(url, person.token, 'activitySignUp',
      `mutation($a: ID!) { activitySignUp(activityId: $a) { signup { id } ${ERRORS} } }`, { a: ids[a] });
    return payload.signup.id;
  });
  const keys = ids.map((id) => keyOf(id, 'VolunteerActivity'));
  await database.db.execute(sql`update ${activities} set starts_at = starts_at - interval '4 hours', ends_at = ends_at - interval '4 hours'
    where id in ${keys}`);
  const movementsBefore = await attendanceMovements(database, keys);

  const latencies: number[] = [];
  const errors: string[] = [];
  const { result: elapsed, ...observation } = await observed(database, async () => {
    const began = now();
    await pool(A, O, async (a) => {
      const started = now();
      try {
        const payload = (await gql<{ attendanceConfirm: UserErrors }>(url, world.secretary, CONFIRM, {
          a: ids[a], list: signups.slice(a * S, (a + 1) * S).map((signupId) => ({ signupId })),
        })).attendanceConfirm;
        if (payload.userErrors.length) errors.push(JSON.stringify(payload.userErrors));
        else latencies.push(now() - started);
      } catch (error) {
        errors.push((error as Error).message);
      }
    });
    return (now() - began) / 1000;
  });
  const movements = (await attendanceMovements(database, keys)) - movementsBefore;
  const [{ n: confirmed }] = await rowsOf<{ n: number }>(database.db, sql`
    select count(*)::int as n from ${activitySignups} where activity_id in ${keys} and attendance_confirmed_at is not null and movement_id is not null`);
  return {
    name: `attendanceConfirm, ${A} activities × ${S} sign-ups`,
    clients: O,
    requests: A,
    succeeded: latencies.length,
    refused: 0,
    seconds: elapsed,
    perSecond: [{ label: 'confirmations/s', value: latencies.length / elapsed }, { label: 'movements/s', value: movements / elapsed }],
    latency: stats(latencies),
    check: {
      ok: latencies.length === A && movements === A * S && confirmed === A * S && errors.length === 0,
      line: `${latencies.length} of ${A} confirmations; ${movements} ATTENDANCE movements written and ${confirmed} sign-ups confirmed, of ${A * S}`,
    },
    observation,
    errors,
  };
}

async function attendanceMovements(database: Database, activityKeys: number[]): Promise<number> {
  const [{ n }] = await rowsOf<{ n: number }>(database.db, sql`
    select count(*)::int as n from ${ledgerMovements} m join ${activitySignups} s on s.id = m.signup_id
    where m.kind = 'ATTENDANCE' and s.activity_id in ${activityKeys}`);
  return n;
}

// Reads --------------------------------------------------------------------------------------

interface ReadResult {
  name: string;
  scale: number;
  samples: number;
  latency: Stats | null;
  /** SQL statements per request; null without pg_stat_statements. */
  statements: number | null;
  note: string;
  errors: string[];
}

/** Runs `request` n times one after another (after one warm-up); answers the latencies, statements per request and the first errors. */
async function timed(database: Database, n: number, request: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  const errors: string[] = [];
  try {
    await request(0);
  } catch (error) {
    errors.push((error as Error).message);
  }
  const before = await statementsSoFar(database);
  for (let i = 0; i < n; i += 1) {
    const started = now();
    try {
      await request(i);
      latencies.push(now() - started);
    } catch (error) {
      if (errors.length < 10) errors.push((error as Error).message);
    }
  }
  const after = await statementsSoFar(database);
  return { latency: stats(latencies), statements: before === null || after === null ? null : (after - before) / n, errors };
}

interface Verification {
  movementsChecked: number;
  entriesChecked: number;
  balanced: boolean;
}

const VERIFY = '{ ledgerVerify { movementsChecked entriesChecked balanced } }';
const LEADERBOARD = 'query($c: ID!, $from: Date!, $to: Date!) { volunteerLeaderboard(community: $c, from: $from, to: $to, first: 20) { rank name hours points } }';
const HISTORY = `{ viewer { volunteer { history(first: 50) { totalCount pageInfo { hasNextPage endCursor }
  nodes { id asset amount occurredOn kind note reversed activity { title } } } } } }`;

/** ledgerVerify, a year's leaderboard of every community in turn, and the first history page of the busiest volunteers. */
async function readPaths(url: string, database: Database, scale: number, samples: number): Promise<{ reads: ReadResult[]; verification: Verification }> {
  const admin = await token(Role.CITY_ADMIN, 'bench-admin');
  const answers: Verification[] = [];
  const verifyRuns = Math.max(3, Math.min(10, Math.round(samples / 20)));
  const verify = await timed(database, verifyRuns, async () => {
    answers.push((await gql<{ ledgerVerify: Verification }>(url, admin, VERIFY)).ledgerVerify);
  });
  const v = answers.at(-1);
  if (!v) throw new Error(`ledgerVerify failed: ${verify.errors.join('; ')}`);

  const places = await rowsOf<{ id: number }>(database.db, sql`select id from ${communities} order by id`);
  const leaderboard = await timed(database, samples, (i) => gql(url, null, LEADERBOARD, {
    c: toGlobalId('Community', places[i % places.length].id), ...SEEDED_YEAR,
  }));

  const busiest = await rowsOf<{ volunteer_id: number; entries: number }>(database.db, sql`
    select a.volunteer_id, count(*)::int as entries from ${ledgerEntries} e join ${bankAccounts} a on a.id = e.account_id
    where a.kind = 'VOLUNTEER' group by a.volunteer_id order by count(*) desc, a.volunteer_id limit 20`);
  const tokens = await Promise.all(busiest.map((b) => token(Role.VOLUNTEER, `bench-reader-${b.volunteer_id}`, { type: 'Volunteer', key: b.volunteer_id })));
  const history = await timed(database, samples, (i) => gql(url, tokens[i % tokens.length], HISTORY));

  return {
    verification: v,
    reads: [
      { name: 'ledgerVerify', scale, samples: verifyRuns, ...verify, note: `${v.movementsChecked.toLocaleString('en-US')} movements, ${v.entriesChecked.toLocaleString('en-US')} entries, balanced: ${v.balanced}` },
      { name: 'volunteerLeaderboard, a year, first 20', scale, samples, ...leaderboard, note: `${places.length} communities in turn, ${SEEDED_YEAR.from} to ${SEEDED_YEAR.to}` },
      {
        name: 'Volunteer.history(first: 50)', scale, samples, ...history,
        note: `the ${busiest.length} volunteers with the most entries in turn (${busiest.at(-1)?.entries ?? 0}–${busiest[0]?.entries ?? 0} entries)`,
      },
    ],
  };
}

// Seeding ------------------------------------------------------------------------------------

interface Seeded {
  scale: number;
  seconds: number;
  counts: Record<string, number>;
  databaseUrl: string;
}

/** A database on the server with the demo city at this scale, analysed as a live one would be. */
async function seededDatabase(pg: PostgresServer, name: string, scale: number): Promise<{ database: Database; seeded: Seeded }> {
  const admin = await openDatabase({ url: pg.url, poolSize: 1 });
  await admin.db.execute(sql.raw(`create database ${name}`));
  await admin.close();
  const databaseUrl = pg.urlOf(name);
  const database = await openDatabase({ url: databaseUrl, poolSize: 2 });
  await migrateDatabase(database, loadConfig().personalDataKey);
  try {
    await database.db.execute(sql`create extension if not exists pg_stat_statements`);
  } catch {
    // statements are not counted then (the report shows –)
  }
  log(`seeding the demo city (scale ${scale})`);
  const started = now();
  const counts = await seedDemoCity(database.db, { scale, personalDataKey: loadConfig().personalDataKey });
  const seconds = (now() - started) / 1000;
  await database.db.execute(sql`analyze`);
  return { database, seeded: { scale, seconds, counts, databaseUrl } };
}

// Main ---------------------------------------------------------------------------------------

interface Run {
  seeds: Seeded[];
  reads: ReadResult[];
  writes: WriteResult[];
  final: { verification: Verification; negative: number } | null;
  serverLog: string[];
  skipped: string[];
}

async function main(): Promise<number> {
  const options = parseOptions();
  const deadline = Date.now() + options.timeoutMs;
  const watchdog = setTimeout(() => {
    console.error(`bench: over the ${options.timeoutMs / 1000} s limit; stopping`);
    process.exit(2); // the exit handlers kill the API process and stop PostgreSQL
  }, options.timeoutMs);

  log('starting PostgreSQL');
  // pg_stat_statements counts the statements per request; a server without it still runs the bench.
  const pg = await startPostgres({ settings: { shared_preload_libraries: 'pg_stat_statements' } }).catch(() => startPostgres());
  const run: Run = { seeds: [], reads: [], writes: [], final: null, serverLog: [], skipped: [] };
  let pgVersion = '';
  try {
    const { database, seeded } = await seededDatabase(pg, 'bench', 1);
    run.seeds.push(seeded);
    [{ version: pgVersion }] = await rowsOf<{ version: string }>(database.db, sql`select version()`);
    try {
      const api = await spawnApi(seeded.databaseUrl);
      try {
        log('read paths (scale 1)');
        run.reads.push(...(await readPaths(api.url, database, 1, options.reads)).reads);
        log('setting up the bench community, its team and merchants');
        const world = await benchWorld(api.url, database);
        for (const clients of options.clients) {
          log(`hot account: ${clients} client(s)`);
          run.writes.push(await hotAccount(api.url, database, world, clients, options.redemptions));
        }
        log(`spread: ${options.accounts} volunteers`);
        const people = await spreadVolunteers(world, options);
        run.writes.push(await spreadAccounts(api.url, database, people, world.items, options.spreadClients, options.perAccount,
          `${options.accounts} accounts, ${world.items.length} items`));
        run.writes.push(await spreadAccounts(api.url, database, people, world.items.slice(0, 1), options.spreadClients, options.perAccount,
          `${options.accounts} accounts, 1 item`));
        log('attendance confirmation');
        run.writes.push(await attendance(api.url, database, world, people, options));
        const admin = await token(Role.CITY_ADMIN, 'bench-admin');
        run.final = {
          verification: (await gql<{ ledgerVerify: Verification }>(api.url, admin, VERIFY)).ledgerVerify,
          negative: await negativeBalances(database),
        };
      } finally {
        await stopApi(api);
        run.serverLog.push(...api.log.map((line) => `scale 1: ${line}`));
      }
    } finally {
      await database.close();
    }

    if (options.scale > 0) {
      if (deadline - Date.now() < 150_000) {
        run.skipped.push(`scale ${options.scale}: less than 150 s left of --timeout`);
      } else {
        const large = await seededDatabase(pg, `bench_s${options.scale}`, options.scale);
        run.seeds.push(large.seeded);
        try {
          const api = await spawnApi(large.seeded.databaseUrl);
          try {
            log(`read paths (scale ${options.scale})`);
            run.reads.push(...(await readPaths(api.url, large.database, options.scale, options.reads)).reads);
          } finally {
            await stopApi(api);
            run.serverLog.push(...api.log.map((line) => `scale ${options.scale}: ${line}`));
          }
        } finally {
          await large.database.close();
        }
      }
    }
  } finally {
    await pg.stop();
  }

  report(run, options, pgVersion);
  clearTimeout(watchdog);
  const clean = run.writes.every((w) => w.check.ok) && run.final !== null && run.final.verification.balanced && run.final.negative === 0
    && run.reads.every((r) => r.errors.length === 0);
  return clean ? 0 : 1;
}

function report(run: Run, options: Options, pgVersion: string): void {
  const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1));
  const int = (v: number) => Math.round(v).toLocaleString('en-US');
  const cpus = os.cpus();
  const ledgerRows = (s: Seeded) => ['volunteers', 'bankAccounts', 'ledgerMovements', 'ledgerEntries', 'redemptions', 'activitySignups']
    .map((k) => `${k} ${int(s.counts[k] ?? 0)}`).join(', ');
  const lines = [
    '',
    '## Love bank (爱心银行) over HTTP: one API process (pool of 10 connections) on PostgreSQL',
    '',
    ...run.seeds.map((s) => `- demo city at scale ${s.scale}, seeded in ${s.seconds.toFixed(1)} s: ${ledgerRows(s)}`),
    ...run.skipped.map((s) => `- skipped: ${s}`),
    '',
    '| writes | clients | requests | succeeded | refused | per second | p50 ms | p99 ms | max ms | statements / request | lock waiters (mean / max) | machine CPU | check |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...run.writes.map((w) => `| ${w.name} | ${w.clients} | ${int(w.requests)} | ${int(w.succeeded)} | ${int(w.refused)} | `
      + `${w.perSecond.map((p) => `${int(p.value)} ${p.label}`).join(', ')} | ${ms(w.latency?.p50)} | ${ms(w.latency?.p99)} | ${ms(w.latency?.max)} | `
      + `${w.observation.statements === null ? '–' : (w.observation.statements / w.requests).toFixed(1)} | `
      + `${w.observation.locks.waiting.toFixed(1)} / ${w.observation.locks.maxWaiting} | ${w.observation.cpuBusy === null ? '–' : `${Math.round(w.observation.cpuBusy * 100)}%`} | ${w.check.ok ? 'ok' : 'FAILED'} |`),
    '',
    '| reads (one client, one after another) | scale | samples | p50 ms | p99 ms | max ms | statements / request | what |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...run.reads.map((r) => `| ${r.name} | ${r.scale} | ${r.samples} | ${ms(r.latency?.p50)} | ${ms(r.latency?.p99)} | ${ms(r.latency?.max)} | ${r.statements === null ? '–' : r.statements.toFixed(1)} | ${r.note} |`),
    '',
    'Correctness:',
    ...run.writes.flatMap((w) => [
      `- ${w.check.ok ? 'ok' : 'FAILED'}: ${w.name}, ${w.clients} client${w.clients === 1 ? '' : 's'}: ${w.check.line}`,
      ...[...new Set(w.errors)].slice(0, 5).map((e) => `  - error: ${e.slice(0, 300)}`),
    ]),
    ...run.reads.filter((r) => r.errors.length).map((r) => `- FAILED: ${r.name} at scale ${r.scale}: ${r.errors[0].slice(0, 300)}`),
    run.final
      ? `- ${run.final.verification.balanced && run.final.negative === 0 ? 'ok' : 'FAILED'}: after the writes, ledgerVerify checked ${int(run.final.verification.movementsChecked)} movements and `
        + `${int(run.final.verification.entriesChecked)} entries, balanced: ${run.final.verification.balanced}; ${run.final.negative} volunteer or merchant accounts below zero`
      : '- FAILED: the writes did not finish',
    ...(run.serverLog.length ? [`- server output (${run.serverLog.length} lines), first ones:`, ...run.serverLog.slice(0, 5).map((l) => `  ${l.slice(0, 300)}`)] : []),
    '',
    `Latency: request sent to response read, in this process; reads after one warm-up request. Items cost ${PRICE} point. `
      + `Hot account: each client fires until refused INSUFFICIENT_BALANCE, at 4 items of 2 merchants in turn. Spread: ${options.perAccount} redemptions per volunteer, `
      + 'a volunteer again only after all the others. Statements: SQL statements the API ran (BEGIN and COMMIT included; pg_stat_statements). '
      + 'Lock waiters: API transactions waiting on a row lock, sampled every 50 ms; the API\'s pool holds 10 connections, so more clients wait in the API, not on a lock. '
      + 'Machine CPU: busy share of all cores during the run (another job on the machine counts too).',
    `Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${pgVersion}; `
      + 'PostgreSQL (fsync off), the API process and the clients all on this one machine.',
    '',
  ];
  console.log(lines.join('\n'));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
