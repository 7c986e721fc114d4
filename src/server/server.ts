import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { viewerFromAuthorization } from '../auth/viewer';
import type { Config } from '../config';
import { createContext, type Context } from '../context';
import type { Database } from '../db/client';
import { EventHub } from '../events/hub';
import { startJobs } from './jobs';
import { importRoutes } from '../modules/import/import.routes';
import { appraisalRoutes } from '../modules/appraisal/appraisal.export';
import { formatError } from './format-error';
import { admit } from './gate';
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

function gatePlugin(schema: GraphQLSchema): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue, request }) {
          const refused = admit({ schema, document, viewer: contextValue.viewer, variables: request.variables, operationName: request.operationName });
          if (refused) throw refused;
        },
      };
    },
  };
}

export async function startServer(config: Config, database: Database, port = config.port): Promise<RunningServer> {
  const schema = await getSchema();
  const events = new EventHub(database, config.eventsPollMs);
  await events.start();
  const stopJobs = startJobs(config, database);
  const app = express();
  const httpServer = http.createServer(app);
  const wsCleanup = serveWebSocket(httpServer, GRAPHQL_PATH, schema, config, database, events);

  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // index.ts owns the signals: it stops the server, then closes the database.
    stopOnTerminationSignals: false,
    introspection: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      gatePlugin(schema),
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
  app.get('/readyz', async (_req, res) => {
    try {
      await database.db.execute('select 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  app.use(importRoutes(config, database));
  app.use(appraisalRoutes(config, database));
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(config, database, events, await viewerFromAuthorization(req.headers.authorization, config.jwtSecret)),
    }),
  );

  await new Promise<void>((resolve) => httpServer.listen(port, resolve));
  const actualPort = (httpServer.address() as AddressInfo).port;
  return {
    events,
    port: actualPort,
    url: `http://localhost:${actualPort}${GRAPHQL_PATH}`,
    wsUrl: `ws://localhost:${actualPort}${GRAPHQL_PATH}`,
    close: () => apollo.stop(),
  };
}
