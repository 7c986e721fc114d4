// Bundles the browser side (web/) into dist/web: the GraphQL explorer (GraphiQL, React,
// graphql-ws) and the disclosure board's script and style. Everything a browser loads is
// served by the API itself: the users' intranets have no CDN. Runs at `npm install`
// (postinstall) and, when the bundle is missing or older than its sources, at server start.
import path from 'node:path';
import { buildBundle, ROOT } from './bundle.mjs';

const started = Date.now();
const files = await buildBundle(path.join(ROOT, 'dist', 'web'), [path.join(ROOT, 'web')], {
  entryPoints: { explorer: 'web/explorer.tsx', board: 'web/board.ts' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
});
const total = Object.values(files).reduce((sum, bytes) => sum + bytes, 0);
console.log(`built dist/web in ${Date.now() - started} ms: ${Object.keys(files).join(', ')} (${Math.round(total / 1024)} KiB)`);
