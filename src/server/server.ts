import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator } from '../auth/authenticator';
import type { Config } from '../config';
import { createContext, type Context } from '../context';
import type { Database } from '../db/client';
import { EventHub } from '../events/hub';
import { startJobs } from './jobs';
import { importRoutes } from '../modules/import/import.routes';
import { appraisalRoutes } from '../modules/appraisal/appraisal.export';
import { formatError, httpErrorHandler, unavailableStatusPlugin } from './format-error';
import { readiness } from './readiness';
import { Gate } from './gate';
import { HttpGate } from './gate-plugin';
import { requestLog, requestLogPlugin } from './request-log';
import { serveWebSocket } from './websocket';
import { getSchema } from '../schema';

export const GRAPHQL_PATH = '/graphql';

export interface RunningServer {
  events: EventHub;
  url: string;
  wsUrl: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(config: Config, database: Database, port = config.port): Promise<RunningServer> {
  const schema = await getSchema();
  const events = new EventHub(database, config.eventsPollMs);
  await events.start();
  const stopJobs = startJobs(config, database);
  const app = express();
  const httpServer = http.createServer(app);
  const authenticator = createAuthenticator(config, database.db);
  const gate = new Gate(config, database);
  const httpGate = new HttpGate(schema, gate);
  const wsCleanup = serveWebSocket(httpServer, GRAPHQL_PATH, schema, config, database, events, authenticator, gate);

  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // index.ts owns the signals: it stops the server, then closes the database.
    stopOnTerminationSignals: false,
    introspection: config.introspection,
    // Production answers no "Did you mean …?": a field name guessed is a field name learnt.
    hideSchemaDetailsFromClientErrors: config.production,
    csrfPrevention: true,
    // One operation per request: a batch would multiply every limit by its length.
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: config.queryMaxTokens },
    persistedQueries: {},
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      unavailableStatusPlugin,
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      httpGate.plugin(),
      requestLogPlugin,
      { async serverWillStart() { return { async drainServer() { stopJobs(); await wsCleanup.dispose(); await events.stop(); } }; } },
    ],
  });
  await apollo.start();

  app.get('/', (_req, res) => {
    res.json({ name: 'gridgov', graphql: GRAPHQL_PATH, websocket: GRAPHQL_PATH, protocol: 'graphql-transport-ws', health: '/healthz', ready: '/readyz' });
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  let stopping = false;
  app.get('/readyz', async (_req, res) => {
    const state = await readiness(database, events, stopping);
    res.status(state.ready ? 200 : 503).json(state);
  });
  app.use(importRoutes(authenticator, database));
  app.use(appraisalRoutes(authenticator, database));
  app.use(GRAPHQL_PATH, requestLog());
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: '1mb' }),
    httpGate.sourceCheck(),
    expressMiddleware(apollo, {
      context: async ({ req }) => httpGate.remember(
        createContext(config, database, events, await authenticator.viewerOf(req.headers.authorization)), req.socket.remoteAddress,
      ),
    }),
  );
  app.use(httpErrorHandler);

  await new Promise<void>((resolve) => httpServer.listen(port, resolve));
  const actualPort = (httpServer.address() as AddressInfo).port;
  return {
    events,
    port: actualPort,
    url: `http://localhost:${actualPort}${GRAPHQL_PATH}`,
    wsUrl: `ws://localhost:${actualPort}${GRAPHQL_PATH}`,
    // Drains HTTP (in-flight requests finish, new connections are refused) and closes WebSockets with 1001.
    close: () => {
      stopping = true;
      return apollo.stop();
    },
  };
}
