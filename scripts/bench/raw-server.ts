/**
 * The raw-SQL baseline: a bare node:http handler that answers each benchmark request with
 * one SQL statement sent by postgres.js, passing PostgreSQL's JSON text through unparsed:
 * `tsx scripts/bench/raw-server.ts <database url>`. POST /<request name> with the request's
 * parameters as a JSON body; prints `listening on <url>` once it serves.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { RAW_SQL } from './queries';

const url = process.argv[2];
if (!url) {
  console.error('usage: tsx scripts/bench/raw-server.ts <database url>');
  process.exit(2);
}
const sql = postgres(url, { max: 10, prepare: true, onnotice: () => {} });

const server = http.createServer((req, res) => {
  const route = RAW_SQL[(req.url ?? '').slice(1)];
  if (req.method !== 'POST' || !route) {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    sql.unsafe<{ body: string }[]>(route.sql, route.params(body)).then(
      ([row]) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(`{"data":${row.body}}`);
      },
      (error: Error) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: error.message }] }));
      },
    );
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
const stop = () => {
  server.close();
  void sql.end({ timeout: 5 }).finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
