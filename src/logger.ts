import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import pino, { type DestinationStream } from 'pino';
import { loadLogSettings } from './config';
import { maskPersonalNumbers } from './modules/grid/identity';

/**
 * Every line passes here before it is written: an ID number or a mobile number that reached
 * a log line anyway (an error quoting SQL parameters, a message quoting a cell) is masked.
 */
export function maskingDestination(destination: DestinationStream): DestinationStream {
  return { write: (line: string) => destination.write(maskPersonalNumbers(line)) };
}

/** A file per process (and worker thread) in LOG_DIR, written synchronously so nothing is lost on exit; else stdout. */
function destinationOf(dir: string | undefined): DestinationStream {
  if (dir === undefined) return pino.destination(1);
  return pino.destination({ dest: path.join(dir, `gridgov-${process.pid}-${threadId}.log`), sync: true, mkdir: true });
}

/** Properties of database errors that quote the request's data (SQL parameters, a key's value, names, addresses). */
const QUOTED_DATA = new Set(['parameters', 'params', 'detail', 'where']);

/**
 * An error as logged: its message, stack and causes without the data they quote. drizzle
 * appends "params: …" to a failed query's message and postgres.js keeps `parameters` and
 * `detail` on its errors; names and addresses in them would pass the number masking.
 */
function scrubError(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(/^params: .*$/gm, 'params: (not logged)');
  if (!value || typeof value !== 'object' || depth > 6) return value;
  if (Array.isArray(value)) return value.map((item) => scrubError(item, depth + 1));
  return Object.fromEntries(Object.entries(value)
    .filter(([key]) => !QUOTED_DATA.has(key))
    .map(([key, inner]) => [key, scrubError(inner, depth + 1)]));
}

/**
 * pino's error serializer, with what the error wraps — GraphQL's `originalError`, an error's
 * `cause` — serialized too (the database's message and SQLSTATE `code`), scrubbed.
 */
export function serializeError(error: Error, depth = 0): unknown {
  const serialized: Record<string, unknown> = { ...pino.stdSerializers.err(error) };
  const inner = error.cause ?? (error as { originalError?: unknown }).originalError;
  if (inner instanceof Error && depth < 4) serialized.cause = serializeError(inner, depth + 1);
  return scrubError(serialized);
}

const settings = loadLogSettings();

/**
 * The request being served (src/server/request-log.ts runs each GraphQL request in it): every
 * line logged while serving it — an internal error, a database outage — carries its `reqId`.
 */
export const requestScope = new AsyncLocalStorage<{ reqId: string }>();

/** JSON logs. Never log personal data: resident rows, ID numbers and phones stay out of messages. */
export const logger = pino({
  level: settings.level,
  base: { service: 'gridgov' },
  serializers: { err: serializeError },
  // A child logger that already binds the id (pino-http's own line) is left alone: no key twice.
  mixin: (_object, _level, instance) => {
    const scope = requestScope.getStore();
    return scope && !('reqId' in instance.bindings()) ? { reqId: scope.reqId } : {};
  },
}, maskingDestination(destinationOf(settings.dir)));
