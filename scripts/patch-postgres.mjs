// Guards postgres.js 3.4.x against a crash when the server goes away (porsager/postgres#1154,
// #1208; fixes proposed in #1168, #1176, #1209, not released). A small write is flushed on a
// setImmediate; if the connection closes first, the flush reads `socket.write` of null and throws
// outside any promise: the process dies. Found by test/faults/restart.test.ts restarting
// PostgreSQL under load. The patch skips such a flush (closing already rejected its queries, and
// a later one fails as CONNECTION_CLOSED) and forgets the buffered bytes at teardown, so a
// reconnected connection neither inherits them nor a stale timer that would stop every flush.
// Runs at `npm install`; idempotent; says so when postgres.js no longer has the code it patches.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MARK = '/* gridgov: guarded flush */';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../node_modules/postgres');
const files = ['src', 'cjs/src', 'cf/src'].map((dir) => path.join(root, dir, 'connection.js')).filter((file) => fs.existsSync(file));

const FLUSH = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`;
const GUARDED_FLUSH = `  function nextWrite(fn) {
    ${MARK}
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`;
const TEARDOWN = /\n {4}clearImmediate\(nextWriteTimer\)\n/g;
const FORGETFUL_TEARDOWN = '\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n';

for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes(MARK)) continue;
  const teardowns = text.match(TEARDOWN)?.length ?? 0;
  if (!text.includes(FLUSH) || teardowns !== 2) {
    console.warn(`patch-postgres: ${path.relative(process.cwd(), file)} is not the code this patch knows; check whether postgres.js now guards nextWrite itself.`);
    continue;
  }
  fs.writeFileSync(file, text.replace(FLUSH, GUARDED_FLUSH).replace(TEARDOWN, FORGETFUL_TEARDOWN));
}
