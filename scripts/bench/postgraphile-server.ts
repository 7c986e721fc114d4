/**
 * PostGraphile 5 (Amber preset, default inflection) over the tables of a database, as the
 * benchmark's peer: `tsx scripts/bench/postgraphile-server.ts <database url> [schemas]`.
 * Listens on a free port of 127.0.0.1 and prints `listening on <url>` once it serves.
 * Unauthenticated, no query limits: it stands for the bare cost of a generated GraphQL API.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// PostGraphile 5 uses Promise.withResolvers (Node 22); on Node 20 it must exist before it loads.
const promiseStatics = Promise as unknown as { withResolvers?: <T>() => { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } };
promiseStatics.withResolvers ??= <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

async function main(): Promise<void> {
  const [connectionString, schemaList = 'public'] = process.argv.slice(2);
  if (!connectionString) throw new Error('usage: tsx scripts/bench/postgraphile-server.ts <database url> [schema,schema]');
  const { postgraphile } = await import('postgraphile');
  const { grafserv } = await import('postgraphile/grafserv/node');
  const { PostGraphileAmberPreset } = await import('postgraphile/presets/amber');
  const { makePgService } = await import('postgraphile/adaptors/pg');

  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset],
    pgServices: [makePgService({ connectionString, schemas: schemaList.split(','), poolConfig: { max: 10 } })],
    grafast: { explain: false },
    grafserv: { graphiql: false, watch: false },
  });
  const serv = pgl.createServ(grafserv);
  const server = http.createServer();
  serv.addTo(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The schema is built lazily: build it now, so the first timed request does not pay for it.
  await pgl.getSchema();
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening on http://127.0.0.1:${port}/graphql\n`);
  const stop = () => {
    server.close();
    void Promise.resolve(pgl.release()).finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
