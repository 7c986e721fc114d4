// Bundles the browser side (web/) into dist/web: the GraphQL explorer (GraphiQL, React,
// graphql-ws) and the disclosure board's script and style. Everything a browser loads is
// served by the API itself: the users' intranets have no CDN. Runs at `npm install`
// (postinstall) and, when the bundle is missing or older than its sources, at server start.
// The bundle is written beside dist/web and renamed into place, so a server (or a parallel
// test process) never serves a half-written one.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = path.join(root, 'web');
const target = path.join(root, 'dist', 'web');

/** The newest modification time of the sources: the server rebuilds when it is past the manifest's. */
function newestSourceMs(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(file) : fs.statSync(file).mtimeMs);
  }
  return newest;
}

const started = Date.now();
const sourcesModifiedMs = newestSourceMs(sources);
fs.mkdirSync(path.dirname(target), { recursive: true });
const staging = fs.mkdtempSync(path.join(path.dirname(target), '.web-'));
// mkdtemp makes the folder private; the server may run as another user than the installer.
fs.chmodSync(staging, 0o755);
try {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { explorer: 'web/explorer.tsx', board: 'web/board.ts' },
    outdir: staging,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const files = Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, output]) => [path.basename(file), output.bytes]));
  fs.writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify({ builtAt: new Date().toISOString(), sourcesModifiedMs, files }, null, 2)}\n`);
  // Swap in: the previous bundle steps aside first, so dist/web is always whole or absent.
  const previous = `${staging}-previous`;
  try {
    fs.renameSync(target, previous);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  try {
    fs.renameSync(staging, target);
  } catch (error) {
    // Another process put its bundle in place meanwhile: built from the same sources, keep it.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
  }
  fs.rmSync(previous, { recursive: true, force: true });
  const total = Object.values(files).reduce((sum, bytes) => sum + bytes, 0);
  console.log(`built dist/web in ${Date.now() - started} ms: ${Object.keys(files).join(', ')} (${Math.round(total / 1024)} KiB)`);
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}
