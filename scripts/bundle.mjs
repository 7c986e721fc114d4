// One way to build a bundle into dist/: esbuild writes into a staging folder beside the target,
// a manifest records the sources' newest modification time, and the staging folder is renamed
// into place, so a process (a server, a parallel test) never loads a half-written bundle.
// Used by build-web.mjs (the browser side) and build-server.mjs (the API as compiled JavaScript).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time below the given folders and files: a bundle older than it is stale. */
export function newestSourceMs(...entries) {
  let newest = 0;
  for (const entry of entries) {
    const stat = fs.statSync(entry, { throwIfNoEntry: false });
    if (!stat) continue;
    newest = Math.max(newest, stat.isDirectory() ? newestSourceMs(...fs.readdirSync(entry).map((name) => path.join(entry, name))) : stat.mtimeMs);
  }
  return newest;
}

/** Whether the bundle in `target` is missing or was built from sources older than the newest of `sources`. */
export function bundleIsStale(target, sources) {
  try {
    const { sourcesModifiedMs } = JSON.parse(fs.readFileSync(path.join(target, 'manifest.json'), 'utf8'));
    return newestSourceMs(...sources) > sourcesModifiedMs;
  } catch {
    return true;
  }
}

/** Builds `options` (esbuild, without outdir) into `target` and swaps it in; answers the files and their sizes. */
export async function buildBundle(target, sources, options) {
  const sourcesModifiedMs = newestSourceMs(...sources);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}-`));
  // mkdtemp makes the folder private; the server may run as another user than the installer.
  fs.chmodSync(staging, 0o755);
  try {
    // Loaded here, not at the top: the server checks freshness at every start but rarely builds.
    const esbuild = await import('esbuild');
    const result = await esbuild.build({ absWorkingDir: ROOT, outdir: staging, metafile: true, logLevel: 'warning', ...options });
    const files = Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, output]) => [path.basename(file), output.bytes]));
    fs.writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify({ builtAt: new Date().toISOString(), sourcesModifiedMs, files }, null, 2)}\n`);
    // Swap in: the previous bundle steps aside first, so the target is always whole or absent.
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
    return files;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
