import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

const LOG_FOLDER_PREFIX = path.join(os.tmpdir(), 'gridgov-logs-');
const DAY_MS = 24 * 3600 * 1000;

/**
 * A fresh folder for this run's logs: every test process writes its info lines there
 * (LOG_DIR), and the `logs` project scans them once all other test files have finished.
 * Kept in the environment because vitest may evaluate this file more than once per run;
 * folders of runs older than a day are removed.
 */
function runLogFolder(): string {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const folder = path.join(os.tmpdir(), name);
    if (folder.startsWith(LOG_FOLDER_PREFIX) && Date.now() - fs.statSync(folder).mtimeMs > DAY_MS) fs.rmSync(folder, { recursive: true, force: true });
  }
  return fs.mkdtempSync(LOG_FOLDER_PREFIX);
}
const logDir = (process.env.GRIDGOV_TEST_LOG_DIR ??= runLogFolder());

export default defineConfig({
  resolve: {
    // type-graphql (CommonJS) loads graphql's CommonJS build; make the ESM side use the same copy.
    alias: { graphql: require.resolve('graphql/index.js') },
  },
  test: {
    // Most files wait on sockets, servers and a browser more than they compute: vitest's default
    // of one worker less than the cores would run them one at a time on a 2-core machine.
    maxWorkers: Math.max(2, os.availableParallelism()),
    isolate: false,
    setupFiles: ['reflect-metadata'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test', LOG_DIR: logDir },
    projects: [
      {
        extends: true,
        test: {
          name: 'api',
          include: ['test/**/*.test.ts'],
          exclude: ['test/logs/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'logs',
          include: ['test/logs/*.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
