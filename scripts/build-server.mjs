// Compiles the API (src/) into one ES module, dist/server/index.js, which `npm start` runs:
// a start then parses one file instead of transpiling hundreds with tsx, so a rolling deploy
// waits less per process. Dependencies stay in node_modules (packages: 'external'); tsx remains
// for development (`npm run dev`), the scripts and the tests. Runs at `npm install`
// (postinstall), and at `npm start` when the bundle is missing or older than its sources.
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
    packages: 'external',
    // The demo city's seed (and faker) is its own chunk, loaded only when the database is empty.
    splitting: true,
    // Decorators run while a chunk loads, and a chunk may load before index.js's own imports.
    banner: { js: "import 'reflect-metadata';" },
    // Stack traces in the logs name the TypeScript sources (scripts/start.mjs enables source maps).
    sourcemap: 'linked',
    sourcesContent: false,
  });
  console.log(`built dist/server in ${Date.now() - started} ms (${Math.round(files['index.js'] / 1024)} KiB)`);
}

if (process.argv[1] === import.meta.filename) await buildServer();
