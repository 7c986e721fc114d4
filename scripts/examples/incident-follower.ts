/**
 * An integrator's incident follower: subscribes to `incidentEvents` over graphql-ws with an
 * API key and "handles" each event by appending it as one JSON line to a file. Killed at any
 * moment (even SIGKILL) and started again, it goes on after the last line: no event lost, none
 * written twice.
 *
 *   npx tsx scripts/examples/incident-follower.ts --url ws://localhost:4000/graphql \
 *     --key ggk_… --out incident-events.jsonl [--within <unit ID>] [--after <cursor>]
 *
 * or with GRIDGOV_URL, GRIDGOV_API_KEY, FOLLOW_OUT, FOLLOW_WITHIN in the environment.
 *
 * Exactly once: the output file is its own cursor store. Each event is one line written by a
 * single append that carries the event's cursor, so "handled" and "cursor saved" are the same
 * write and no crash can fall between them. On start the follower reads the cursor of the last
 * complete line, cuts off a torn last line if a crash left one, and subscribes with
 * `after: <that cursor>`; the server replays what was missed, then goes live, without gap or
 * duplicate at the seam. (A handler with a side effect elsewhere — a database row, a message —
 * would keep the cursor in the same transaction as its effect, for the same reason.)
 *
 * Depends only on graphql-ws and ws, so that it can be copied out of this repository.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

const EVENTS = `subscription ($filter: IncidentEventFilter, $after: String) {
  incidentEvents(filter: $filter, after: $after) {
    cursor occurredAt
    transition { action fromStatus toStatus actor { role } }
    incident { id title category status version deadline }
  }
}`;

interface IncidentEvent {
  cursor: string;
  occurredAt: string;
  transition: { action: string; fromStatus: string | null; toStatus: string; actor: { role: string } };
  incident: { id: string; title: string; category: string; status: string; version: number; deadline: string };
}

/** Close codes of this API after which reconnecting cannot help: a bad or revoked key (4403), a bad request (4400). */
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4406, 4409]);
const MAX_BACKOFF_MS = 30_000;

class Fatal extends Error {}

const { values: options } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.GRIDGOV_URL ?? 'ws://localhost:4000/graphql' },
    key: { type: 'string', default: process.env.GRIDGOV_API_KEY },
    out: { type: 'string', default: process.env.FOLLOW_OUT ?? 'incident-events.jsonl' },
    within: { type: 'string', default: process.env.FOLLOW_WITHIN },
    after: { type: 'string' },
  },
});

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} incident-follower: ${message}\n`);
}

/**
 * The cursor of the last complete line of the output, after cutting off a torn last line
 * (a write the process did not finish). Null for a new or empty file.
 */
function recoverCursor(file: string): string | null {
  if (!fs.existsSync(file)) return null;
  const content = fs.readFileSync(file);
  const end = content.lastIndexOf(0x0a) + 1;
  if (end < content.length) {
    log(`cutting off a torn last line of ${content.length - end} bytes`);
    fs.truncateSync(file, end);
  }
  if (end === 0) return null;
  const lastLine = content.subarray(content.lastIndexOf(0x0a, end - 2) + 1, end - 1).toString('utf8');
  return (JSON.parse(lastLine) as { cursor: string }).cursor;
}

const url = options.url!.replace(/^http/, 'ws');
if (!options.key) {
  log('give the API key with --key or GRIDGOV_API_KEY');
  process.exit(2);
}
const outFile = options.out!;
let cursor = recoverCursor(outFile) ?? options.after ?? null;
const out = fs.openSync(outFile, 'a');

/** Handling an event is appending it, with its cursor, in one write; fdatasync makes it survive a power cut too. */
function handle(event: IncidentEvent): void {
  const line = JSON.stringify({
    cursor: event.cursor,
    occurredAt: event.occurredAt,
    action: event.transition.action,
    fromStatus: event.transition.fromStatus,
    toStatus: event.transition.toStatus,
    actorRole: event.transition.actor.role,
    incident: event.incident,
  });
  fs.writeSync(out, `${line}\n`);
  fs.fdatasyncSync(out);
  cursor = event.cursor;
}

let stopping = false;
let current: Client | null = null;
let wakeUp: () => void = () => {};

/** One connection: subscribe after the cursor and handle events until the connection ends. Returns how many arrived. */
async function followOnce(): Promise<number> {
  let received = 0;
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${options.key}` },
    // Reconnecting is ours to do: graphql-ws would resubscribe with the cursor of the first subscribe.
    retryAttempts: 0,
    lazy: true,
    keepAlive: 10_000,
    on: { connected: () => log(`connected, following after ${cursor ?? 'now'}`) },
  });
  current = client;
  try {
    const filter = options.within ? { within: options.within } : null;
    for await (const result of client.iterate({ query: EVENTS, variables: { filter, after: cursor } })) {
      const event = (result.data as { incidentEvents?: IncidentEvent } | undefined)?.incidentEvents;
      if (result.errors?.length || !event) throw result.errors ?? new Error('an answer without an event');
      handle(event);
      received += 1;
    }
  } catch (error) {
    if (stopping) return received;
    if (Array.isArray(error)) {
      const codes = error.map((e: { extensions?: { code?: string } }) => e.extensions?.code);
      if (codes.includes('CURSOR_EXPIRED')) {
        throw new Fatal(`the cursor ${cursor} is older than the server keeps events: fetch the current state with the incidents query, then start with a new output file`);
      }
      if (!codes.includes('SUBSCRIBER_TOO_SLOW')) throw new Fatal(`the server refused the subscription: ${JSON.stringify(error)}`);
      log('the server cut us off for falling behind; resuming');
    } else {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'number' && FATAL_CLOSE_CODES.has(code)) {
        throw new Fatal(`the server closed the connection with ${code} ${String((error as { reason?: string }).reason ?? '')}`);
      }
      log(`connection lost (${typeof code === 'number' ? `close ${code}` : (error as Error).message ?? String(error)})`);
    }
  } finally {
    current = null;
    await client.dispose();
  }
  return received;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wakeUp = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

function stop(signal: string): void {
  if (stopping) return;
  log(`${signal}: stopping after the last whole event`);
  stopping = true;
  wakeUp();
  void current?.dispose();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

/** Reconnects with exponential backoff and jitter (0.5 s up to 30 s), from the last cursor handled; an event received resets it. */
async function main(): Promise<number> {
  let failures = 0;
  while (!stopping) {
    try {
      failures = (await followOnce()) > 0 ? 0 : failures + 1;
    } catch (error) {
      if (!(error instanceof Fatal)) throw error;
      log(error.message);
      return 3;
    }
    if (stopping) break;
    const delay = Math.round(Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(failures, 10)) * (0.5 + Math.random() / 2));
    log(`reconnecting in ${delay} ms, after ${cursor ?? 'now'}`);
    await pause(delay);
  }
  return 0;
}

main().then((code) => {
  fs.closeSync(out);
  log(`stopped; last cursor ${cursor ?? 'none'}`);
  process.exit(code);
}, (error: unknown) => {
  log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
