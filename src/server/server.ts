import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { parse, validate, type GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { checkAccess } from '../auth/access';
import { viewerFromAuthorization, type Viewer } from '../auth/viewer';
import type { Config } from '../config';
import { createContext, type Context } from '../context';
import type { Database } from '../db/client';
import { EventHub } from '../events/hub';
import { startJobs } from './jobs';
import { importRoutes } from '../modules/import/import.routes';
import { appraisalRoutes } from '../modules/appraisal/appraisal.export';
import { logger } from '../logger';
import { getSchema } from '../schema';

export const GRAPHQL_PATH = '/graphql';

export interface RunningServer {
  events: EventHub;
  url: string;
  wsUrl: string;
  port: number;
  close(): Promise<void>;
}

/** Internal faults keep their details in the log; the client gets the code only (API.md). */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
    logger.error({ err: error }, 'internal error');
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  return formatted;
}

function accessPlugin(schema: GraphQLSchema): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          const refused = checkAccess(schema, document, contextValue.viewer);
          if (refused) throw refused;
        },
      };
    },
  };
}

/** Connection params of graphql-ws carry the same bearer token as HTTP's Authorization header. */
function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

export async function startServer(config: Config, database: Database, port = config.port): Promise<RunningServer> {
  const schema = await getSchema();
  const events = new EventHub(database, config.eventsPollMs);
  await events.start();
  const stopJobs = startJobs(config, database);
  const app = express();
  const httpServer = http.createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH });

  const wsCleanup = useServer<Record<string, unknown>, { viewer?: Viewer }>(
    {
      schema,
      onConnect: async (ctx) => {
        try {
          ctx.extra.viewer = await viewerFromAuthorization(authorizationOf(ctx.connectionParams), config.jwtSecret);
          return true;
        } catch {
          ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden');
          return false;
        }
      },
      // Parse, validate and check access here, before anything runs, as the HTTP path does.
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const invalid = validate(schema, document);
        if (invalid.length > 0) return invalid;
        const refused = checkAccess(schema, document, ctx.extra.viewer!);
        if (refused) return [refused];
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createContext(config, database, events, ctx.extra.viewer!),
        };
      },
    },
    wsServer,
  );

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
      accessPlugin(schema),
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
