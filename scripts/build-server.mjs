// Compiles the API (src/) into dist/server/index.js, which `npm start` runs: a start then parses
// one file instead of transpiling hundreds with tsx, so a rolling deploy waits less per process.
// tsx remains for development (`npm run dev`), the scripts and the tests. Runs at `npm install`
// (postinstall), and at `npm start` when the bundle is missing or older than its sources.
//
// Most dependencies are bundled from their ES module builds (mainFields), so that only what we
// use is parsed at start: class-validator's few decorators without validator.js's hundred files
// and libphonenumber, three of graphql-scalars' scalars (measured: loading 1.05 s → 0.63–0.78 s).
// graphql is bundled with everything that uses it, so there is one copy of it. External are
// the packages that find files beside their own (PGlite's WebAssembly, pino's worker), those
// loaded only on demand (exceljs, faker, csv-parse, iconv-lite), and the patched postgres.js.
import path from 'node:path';
import { buildBundle, ROOT } from './bundle.mjs';

export const SERVER_BUNDLE = path.join(ROOT, 'dist', 'server');
/** What the bundle is built from: a change to any of them makes it stale. */
export const SERVER_SOURCES = ['src', 'package.json', 'tsconfig.json'].map((entry) => path.join(ROOT, entry));

export async function buildServer() {
  const started = Date.now();
  const files = await buildBundle(SERVER_BUNDLE, SERVER_SOURCES, {
    entryPoints: { index: 'src/index.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@electric-sql/pglite', 'postgres', 'pino', 'pino-http', 'exceljs', '@faker-js/faker', 'esbuild', 'csv-parse', 'iconv-lite'],
    mainFields: ['module', 'main'],
    // The demo city's seed (and faker) is its own chunk, loaded only when the database is empty.
    splitting: true,
    // Decorators run while a chunk loads, and a chunk may load before index.js's own imports;
    // bundled CommonJS code still calls require() for Node's built-in modules.
    banner: { js: "import 'reflect-metadata'; import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    // Stack traces in the logs name the TypeScript sources (scripts/start.mjs enables source maps).
    sourcemap: 'linked',
    sourcesContent: false,
  });
  console.log(`built dist/server in ${Date.now() - started} ms (${Math.round(files['index.js'] / 1024)} KiB)`);
}

if (process.argv[1] === import.meta.filename) await buildServer();
