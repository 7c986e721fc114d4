// `npm start`: runs the compiled API (dist/server, built at `npm install`), first rebuilding it when
// the sources are newer (a pull or an edit without `npm install`; about 2 s). The API then runs in
// this very process, so it receives SIGTERM itself (npm passes signals to its script).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleIsStale } from './bundle.mjs';
import { buildServer, SERVER_BUNDLE, SERVER_SOURCES } from './build-server.mjs';

if (bundleIsStale(SERVER_BUNDLE, SERVER_SOURCES)) await buildServer();
process.setSourceMapsEnabled(true);
await import(pathToFileURL(path.join(SERVER_BUNDLE, 'index.js')).href);
