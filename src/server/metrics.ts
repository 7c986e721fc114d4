import { sql } from 'drizzle-orm';
import type { RequestHandler } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Config } from '../config';
import { rowsOf, type Database } from '../db/client';
import type { EventHub } from '../events/hub';
import { logger } from '../logger';

/**
 * The process's own registry, not prom-client's global one: nothing a library registers globally
 * leaks into `/metrics`. Counters are per process (one server per process in production); the
 * gauges that read a server's state (outbox lag, pool) ask every server started in this process,
 * so a test that starts several still scrapes sensible figures.
 */
const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'gridgov_' });

/** Where an event left this process for a client. */
export type DeliveryChannel = 'subscription' | 'webhook' | 'board';

const eventsDelivered = new Counter({
  name: 'gridgov_events_delivered_total',
  help: 'Outbox events delivered to clients, by channel (GraphQL subscription, webhook, disclosure board stream).',
  labelNames: ['channel'] as const,
  registers: [registry],
});

// Every channel is exported from the first scrape, at 0: a rate over a series that appears late misses its first events.
for (const channel of ['subscription', 'webhook', 'board'] as const) eventsDelivered.inc({ channel }, 0);

/** Counts `count` events delivered on `channel` (a subscription message sent, a webhook accepted, a board event streamed). */
export function countEventsDelivered(channel: DeliveryChannel, count = 1): void {
  eventsDelivered.inc({ channel }, count);
}

/** How a GraphQL operation reached the process. */
export type Transport = 'http' | 'websocket';

/** An operation that never got as far as a chosen operation (refused text, parse or validation failure). */
const UNKNOWN_OPERATION = 'unknown';
/** An operation without a name. */
const ANONYMOUS_OPERATION = 'anonymous';
/** Every name past the first MAX_OPERATION_NAMES. */
const OTHER_OPERATION = 'other';
/**
 * Operation names are chosen by clients: past this many distinct names, new ones count as
 * `other`, so a client inventing names cannot grow the series without bound.
 */
const MAX_OPERATION_NAMES = 500;
const operationNames = new Set<string>();

/** The `operation` label of an operation: its name, bounded. */
export function operationLabel(name: string | null | undefined, resolved: boolean): string {
  if (!resolved) return UNKNOWN_OPERATION;
  if (!name) return ANONYMOUS_OPERATION;
  if (operationNames.has(name)) return name;
  if (operationNames.size >= MAX_OPERATION_NAMES) return OTHER_OPERATION;
  operationNames.add(name);
  return name;
}

const operations = new Counter({
  name: 'gridgov_graphql_operations_total',
  help: 'GraphQL operations answered, by transport, operation name and outcome (ok: no error; error: refused or answered with errors).',
  labelNames: ['transport', 'operation', 'outcome'] as const,
  registers: [registry],
});

const operationDuration = new Histogram({
  name: 'gridgov_graphql_operation_duration_seconds',
  help: 'Time to answer a GraphQL query or mutation (HTTP: the whole request), by transport and operation name. Subscriptions are not timed.',
  labelNames: ['transport', 'operation'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** Records one answered operation; `seconds` omitted for a subscription, whose length is its client's choice. */
export function countOperation(transport: Transport, operation: string, ok: boolean, seconds?: number): void {
  operations.inc({ transport, operation, outcome: ok ? 'ok' : 'error' });
  if (seconds !== undefined) operationDuration.observe({ transport, operation }, seconds);
}

export const activeWebSockets = new Gauge({
  name: 'gridgov_websockets_active',
  help: 'Open WebSocket connections on the GraphQL path.',
  registers: [registry],
});

export const activeSubscriptions = new Gauge({
  name: 'gridgov_graphql_subscriptions_active',
  help: 'GraphQL subscriptions running over WebSockets.',
  registers: [registry],
});

/** What the scrape-time gauges read: a running server's database and event hub. */
interface ServerSource {
  database: Database;
  events: EventHub;
}

const sources = new Set<ServerSource>();

/** Lets `/metrics` read this server's outbox lag and pool; returns the function that stops it. */
export function watchServer(source: ServerSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

interface OutboxState {
  newest: string | null;
  oldestPendingAgeSeconds: string | null;
}

/** One cheap statement on the uncounted connection: the newest id, and how old the oldest event not yet handed on is. */
async function outboxState(source: ServerSource): Promise<{ behind: number; ageSeconds: number }> {
  const position = source.events.position;
  const [row] = await rowsOf<OutboxState>(source.database.housekeeping, sql`
    select (select max(id) from outbox)::text as "newest",
           (select extract(epoch from now() - created_at) from outbox where id > ${position} order by id limit 1)::text as "oldestPendingAgeSeconds"`);
  return { behind: Math.max(0, Number(row?.newest ?? 0) - position), ageSeconds: Math.max(0, Number(row?.oldestPendingAgeSeconds ?? 0)) };
}

/** A gauge read at scrape time; a failing read (the database away) leaves it out of that scrape rather than failing `/metrics`. */
function scrapedGauge(name: string, help: string, labelNames: readonly string[], read: (gauge: Gauge<string>) => Promise<void>): Gauge<string> {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        await read(this);
      } catch (error) {
        this.reset();
        logger.warn({ err: error, metric: name }, 'reading a metric failed');
      }
    },
  });
}

let reading: Promise<{ behind: number; ageSeconds: number }[]> | null = null;

/** Every server's outbox state; the two lag gauges are collected together, so they share one read per scrape. */
function outboxStates(): Promise<{ behind: number; ageSeconds: number }[]> {
  reading ??= Promise.all([...sources].map(outboxState)).finally(() => { reading = null; });
  return reading;
}

scrapedGauge('gridgov_outbox_lag_events', 'Outbox events written (by any process) that this process has not yet handed to its subscriptions.', [], async (gauge) => {
  gauge.set(Math.max(0, ...(await outboxStates()).map((state) => state.behind)));
});

scrapedGauge('gridgov_outbox_lag_seconds', 'Age of the oldest outbox event this process has not yet handed on; 0 when it is up to date.', [], async (gauge) => {
  gauge.set(Math.max(0, ...(await outboxStates()).map((state) => state.ageSeconds)));
});

scrapedGauge('gridgov_db_pool_max', 'Most connections this process opens to the database for requests (DATABASE_POOL_SIZE; 1 for embedded PGlite).', [], async (gauge) => {
  let max = 0;
  for (const source of sources) max += source.database.poolSize;
  gauge.set(max);
});

interface ConnectionCount {
  state: string | null;
  connections: string;
}

scrapedGauge(
  'gridgov_db_server_connections',
  'Connections of every gridgov process to this database, by state, as the PostgreSQL server sees them (pg_stat_activity); the embedded PGlite has its one.',
  ['state'],
  async (gauge) => {
    const asked = new Set<string>();
    for (const source of sources) {
      if (source.database.driver === 'pglite') {
        gauge.inc({ state: 'active' }, 1);
        continue;
      }
      // Two servers of one process on one database (tests) would see the same sessions twice.
      if (asked.has(source.database.url!)) continue;
      asked.add(source.database.url!);
      const rows = await rowsOf<ConnectionCount>(source.database.housekeeping, sql`
        select coalesce(state, 'unknown') as "state", count(*)::text as "connections" from pg_stat_activity
        where datname = current_database() and application_name in ('gridgov', 'gridgov-listen') group by 1`);
      for (const row of rows) gauge.inc({ state: row.state ?? 'unknown' }, Number(row.connections));
    }
  },
);

/** The `/metrics` answer: Prometheus text format. */
export function scrape(): Promise<string> {
  return registry.metrics();
}

/** Whether a request may read `/metrics`: always without METRICS_TOKEN, else only with it as its bearer token. */
function mayScrape(config: Config, authorization: string | undefined): boolean {
  if (config.metricsToken === undefined) return true;
  const given = Buffer.from(authorization?.replace(/^Bearer /, '') ?? '');
  const expected = Buffer.from(config.metricsToken);
  return authorization?.startsWith('Bearer ') === true && given.length === expected.length && timingSafeEqual(given, expected);
}

/** GET /metrics. */
export function metricsRoute(config: Config): RequestHandler {
  return async (req, res, next) => {
    if (!mayScrape(config, req.headers.authorization)) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').json({ error: 'METRICS_TOKEN required' });
      return;
    }
    try {
      res.type(registry.contentType).send(await scrape());
    } catch (error) {
      next(error);
    }
  };
}
